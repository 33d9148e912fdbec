import Foundation

/// An in-place iterative radix-2 complex FFT over split real and imaginary arrays.
///
/// Sizes are powers of two. The forward transform uses e^(−2πi nk/N); the inverse uses e^(+2πi nk/N)
/// and does not scale (callers divide by N where they need to).
struct FFT: Sendable {
    let size: Int
    private let log2Size: Int
    private let cosTable: [Float]
    private let sinTable: [Float]
    private let bitReversal: [Int32]

    init(size: Int) {
        precondition(size >= 2 && size & (size - 1) == 0, "FFT size must be a power of two")
        self.size = size
        log2Size = size.trailingZeroBitCount
        var cosTable = [Float](repeating: 0, count: size / 2)
        var sinTable = [Float](repeating: 0, count: size / 2)
        for k in 0..<(size / 2) {
            let angle = -2.0 * Double.pi * Double(k) / Double(size)
            cosTable[k] = Float(cos(angle))
            sinTable[k] = Float(sin(angle))
        }
        self.cosTable = cosTable
        self.sinTable = sinTable
        var bitReversal = [Int32](repeating: 0, count: size)
        for index in 0..<size {
            var reversed = 0
            var value = index
            for _ in 0..<log2Size {
                reversed = (reversed << 1) | (value & 1)
                value >>= 1
            }
            bitReversal[index] = Int32(reversed)
        }
        self.bitReversal = bitReversal
    }

    /// Transforms `size` complex values in place: one column of width 1.
    func transform(
        _ real: UnsafeMutablePointer<Float>, _ imag: UnsafeMutablePointer<Float>, inverse: Bool
    ) {
        transformColumns(real, imag, width: 1, inverse: inverse)
    }

    /// Transforms every column of a `size` × `width` row-major grid. Each column goes through exactly the
    /// butterflies of ``transform(_:_:inverse:)``, operation for operation, so its values are the same;
    /// but every butterfly runs across all the columns at once, a loop the compiler vectorises, with no
    /// gathering of a column into a line and back.
    func transformColumns(
        _ real: UnsafeMutablePointer<Float>, _ imag: UnsafeMutablePointer<Float>, width: Int, inverse: Bool
    ) {
        let n = size
        bitReversal.withUnsafeBufferPointer { reversal in
            for index in 0..<n {
                let target = Int(reversal[index])
                guard target > index else { continue }
                let a = index * width, b = target * width
                for column in 0..<width {
                    swap(&real[a + column], &real[b + column])
                    swap(&imag[a + column], &imag[b + column])
                }
            }
        }
        let sign: Float = inverse ? -1 : 1
        cosTable.withUnsafeBufferPointer { cosines in
            sinTable.withUnsafeBufferPointer { sines in
                var half = 1
                while half < n {
                    let step = n / (half * 2)
                    var start = 0
                    while start < n {
                        var twiddle = 0
                        for k in 0..<half {
                            let wr = cosines[twiddle]
                            let wi = sign * sines[twiddle]
                            let ra = real + (start + k) * width, ia = imag + (start + k) * width
                            let rb = real + (start + k + half) * width, ib = imag + (start + k + half) * width
                            var column = 0
                            while column + Lanes.width <= width {
                                let xr = Lanes.load(rb + column), xi = Lanes.load(ib + column)
                                let yr = Lanes.load(ra + column), yi = Lanes.load(ia + column)
                                let br = xr * wr - xi * wi
                                let bi = xr * wi + xi * wr
                                Lanes.store(yr - br, rb + column)
                                Lanes.store(yi - bi, ib + column)
                                Lanes.store(yr + br, ra + column)
                                Lanes.store(yi + bi, ia + column)
                                column += Lanes.width
                            }
                            while column < width {
                                let br = rb[column] * wr - ib[column] * wi
                                let bi = rb[column] * wi + ib[column] * wr
                                rb[column] = ra[column] - br
                                ib[column] = ia[column] - bi
                                ra[column] += br
                                ia[column] += bi
                                column += 1
                            }
                            twiddle += step
                        }
                        start += half * 2
                    }
                    half *= 2
                }
            }
        }
    }
}

/// A 2-D FFT of a square power-of-two grid stored row-major in split real and imaginary arrays.
struct FFT2D: Sendable {
    let size: Int
    private let line: FFT

    init(size: Int) {
        self.size = size
        line = FFT(size: size)
    }

    /// Rows first, then columns, as line-by-line transforms would; both passes run as column passes
    /// (``FFT/transformColumns(_:_:width:inverse:)``), the rows' on the transposed grid.
    func transform(real: inout [Float], imag: inout [Float], inverse: Bool) {
        let n = size
        precondition(real.count == n * n && imag.count == n * n)
        Self.transpose(&real, n)
        Self.transpose(&imag, n)
        real.withUnsafeMutableBufferPointer { re in
            imag.withUnsafeMutableBufferPointer { im in
                line.transformColumns(re.baseAddress!, im.baseAddress!, width: n, inverse: inverse)
            }
        }
        Self.transpose(&real, n)
        Self.transpose(&imag, n)
        real.withUnsafeMutableBufferPointer { re in
            imag.withUnsafeMutableBufferPointer { im in
                line.transformColumns(re.baseAddress!, im.baseAddress!, width: n, inverse: inverse)
            }
        }
    }

    private static func transpose(_ values: inout [Float], _ n: Int) {
        values.withUnsafeMutableBufferPointer { v in
            let p = v.baseAddress!
            for row in 0..<n {
                for column in (row + 1)..<n {
                    let value = p[row * n + column]
                    p[row * n + column] = p[column * n + row]
                    p[column * n + row] = value
                }
            }
        }
    }
}
