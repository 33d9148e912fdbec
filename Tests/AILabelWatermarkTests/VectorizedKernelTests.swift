import AILabelMedia
import Testing

@testable import AILabelWatermark

/// The detector's loops run eight lanes at a time (``Lanes``) and its transforms across many lines at
/// once, for speed only: detection must not change. Each kernel is compared here, value for value
/// (bit for bit), with the plain scalar loop it replaced, on sizes that exercise the partial last
/// group of lanes and the clamped edges.
@Suite("vectorised detector kernels equal their scalar loops")
struct VectorizedKernelTests {
    /// Deterministic values with fractional parts and both signs.
    static func values(_ count: Int, seed: UInt64) -> [Float] {
        var random = SplitMix64(seed: seed)
        return (0..<count).map { _ in Float(Int(random.next() % 20_001) - 10_000) / 97 }
    }

    static func plane(_ width: Int, _ height: Int, seed: UInt64) -> Plane {
        Plane(width: width, height: height, values: values(width * height, seed: seed))
    }

    static func bits(_ values: [Float]) -> [UInt32] { values.map(\.bitPattern) }

    @Test("FFT.transformColumns equals transforming each column on its own", arguments: [(8, 1), (16, 13), (128, 128), (64, 256)])
    func columns(_ shape: (size: Int, width: Int)) {
        let fft = FFT(size: shape.size)
        var real = Self.values(shape.size * shape.width, seed: 1), imag = Self.values(shape.size * shape.width, seed: 2)
        var expectedReal = real, expectedImag = imag
        for column in 0..<shape.width {
            var lineReal = (0..<shape.size).map { expectedReal[$0 * shape.width + column] }
            var lineImag = (0..<shape.size).map { expectedImag[$0 * shape.width + column] }
            lineReal.withUnsafeMutableBufferPointer { re in
                lineImag.withUnsafeMutableBufferPointer { im in fft.transform(re.baseAddress!, im.baseAddress!, inverse: false) }
            }
            for row in 0..<shape.size {
                expectedReal[row * shape.width + column] = lineReal[row]
                expectedImag[row * shape.width + column] = lineImag[row]
            }
        }
        real.withUnsafeMutableBufferPointer { re in
            imag.withUnsafeMutableBufferPointer { im in fft.transformColumns(re.baseAddress!, im.baseAddress!, width: shape.width, inverse: false) }
        }
        #expect(Self.bits(real) == Self.bits(expectedReal))
        #expect(Self.bits(imag) == Self.bits(expectedImag))
    }

    @Test("FFT2D equals rows then columns, line by line, both directions")
    func twoDimensional() {
        let n = 128
        let line = FFT(size: n)
        for inverse in [false, true] {
            var real = Self.values(n * n, seed: 3), imag = Self.values(n * n, seed: 4)
            var expectedReal = real, expectedImag = imag
            expectedReal.withUnsafeMutableBufferPointer { re in
                expectedImag.withUnsafeMutableBufferPointer { im in
                    for row in 0..<n { line.transform(re.baseAddress! + row * n, im.baseAddress! + row * n, inverse: inverse) }
                    var columnReal = [Float](repeating: 0, count: n), columnImag = columnReal
                    for column in 0..<n {
                        for row in 0..<n {
                            columnReal[row] = re[row * n + column]
                            columnImag[row] = im[row * n + column]
                        }
                        line.transform(&columnReal, &columnImag, inverse: inverse)
                        for row in 0..<n {
                            re[row * n + column] = columnReal[row]
                            im[row * n + column] = columnImag[row]
                        }
                    }
                }
            }
            FFT2D(size: n).transform(real: &real, imag: &imag, inverse: inverse)
            #expect(Self.bits(real) == Self.bits(expectedReal))
            #expect(Self.bits(imag) == Self.bits(expectedImag))
        }
    }

    @Test("bilinear upsampling by 4 equals the per-column formula, edges included")
    func upsampling() {
        for (width, height) in [(1, 1), (2, 3), (3, 5), (5, 4), (6, 6), (9, 7), (10, 2), (37, 11), (1151, 9)] {
            let small = Self.plane((width + 3) / 4, (height + 3) / 4, seed: UInt64(width * 100 + height))
            var expected = [Float](), actual = [Float]()
            let f: Float = 4
            let sw = small.width, sh = small.height
            for y in 0..<height {
                let position = min(max((Float(y) + 0.5) / f - 0.5, 0), Float(sh - 1))
                let top = min(Int(position), max(sh - 2, 0))
                let fy = sh > 1 ? position - Float(top) : 0
                let bottom = min(top + 1, sh - 1)
                let blended = (0..<sw).map { x in
                    let a = small.values[top * sw + x]
                    return a + fy * (small.values[bottom * sw + x] - a)
                }
                for x in 0..<width {
                    let px = min(max((Float(x) + 0.5) / f - 0.5, 0), Float(sw - 1))
                    let left = min(Int(px), max(sw - 2, 0))
                    let weight = sw > 1 ? px - Float(left) : 0
                    let a = blended[left], b = blended[min(left + 1, sw - 1)]
                    expected.append(a + weight * (b - a))
                }
            }
            Resampling.forEachUpsampledRow(small, width: width, height: height) { _, row in actual += row }
            #expect(Self.bits(actual) == Self.bits(expected), "\(width)×\(height)")
        }
    }

    @Test("4×4 block means equal adding the values column by column")
    func decimation() {
        for (width, height) in [(1, 1), (3, 2), (4, 4), (7, 9), (33, 17)] {
            let plane = Self.plane(width, height, seed: UInt64(width + 7 * height))
            for squared in [false, true] {
                let sw = (width + 3) / 4, sh = (height + 3) / 4
                var sums = [Float](repeating: 0, count: sw * sh)
                for y in 0..<height {
                    for x in 0..<width {
                        let value = plane.values[y * width + x]
                        sums[(y / 4) * sw + x / 4] += squared ? value * value : value
                    }
                }
                for sy in 0..<sh {
                    for sx in 0..<sw { sums[sy * sw + sx] /= Float(min(4, height - sy * 4)) * Float(min(4, width - sx * 4)) }
                }
                #expect(Self.bits(Resampling.decimate(plane, squared: squared).values) == Self.bits(sums), "\(width)×\(height)")
            }
        }
    }

    @Test("the 5-tap Gaussian equals the clamped scalar loops")
    func smallGaussian() {
        for (width, height) in [(1, 1), (2, 5), (4, 3), (5, 5), (6, 2), (13, 9), (40, 3)] {
            var plane = Self.plane(width, height, seed: UInt64(width * 31 + height))
            let source = plane.values
            let k1: Float = 0.360_447, k2: Float = 0.016_879
            let norm = 1 / (1 + 2 * k1 + 2 * k2)
            let c0 = norm, c1 = k1 * norm, c2 = k2 * norm
            var horizontal = [Float](repeating: 0, count: width * height)
            for y in 0..<height {
                let base = y * width
                for x in 0..<width {
                    let xm2 = base + max(x - 2, 0), xm1 = base + max(x - 1, 0)
                    let xp1 = base + min(x + 1, width - 1), xp2 = base + min(x + 2, width - 1)
                    horizontal[base + x] = c0 * source[base + x] + c1 * (source[xm1] + source[xp1]) + c2 * (source[xm2] + source[xp2])
                }
            }
            var expected = [Float](repeating: 0, count: width * height)
            for y in 0..<height {
                let rm2 = max(y - 2, 0) * width, rm1 = max(y - 1, 0) * width
                let rp1 = min(y + 1, height - 1) * width, rp2 = min(y + 2, height - 1) * width
                for x in 0..<width {
                    expected[y * width + x] = c0 * horizontal[y * width + x] + c1 * (horizontal[rm1 + x] + horizontal[rp1 + x])
                        + c2 * (horizontal[rm2 + x] + horizontal[rp2 + x])
                }
            }
            Filters.smallGaussian(&plane)
            #expect(Self.bits(plane.values) == Self.bits(expected), "\(width)×\(height)")
        }
    }

    @Test("folding modulo the tile equals the per-pixel sum, at the native period and resampled")
    func folding() {
        let n = TileLayout.tileSize
        let plane = Self.plane(300, 211, seed: 9)
        for (originX, originY) in [(0, 0), (5, 127), (100, 3)] {
            var expected = [Float](repeating: 0, count: n * n)
            for y in 0..<plane.height {
                for x in 0..<plane.width { expected[((y + originY) % n) * n + (x + originX) % n] += plane.values[y * plane.width + x] }
            }
            #expect(Self.bits(WatermarkReader.fold(plane, originX: originX, originY: originY)) == Self.bits(expected))
        }
        for (period, maxSide) in [(48.0, 512), (60.0, 512), (96.25, 100), (128.4, 512), (255.0, 64)] {
            let step = Float(period / Double(n))
            var columns = Int(Float(plane.width - 1) / step), rows = Int(Float(plane.height - 1) / step)
            var startX: Float = 0, startY: Float = 0
            if columns > maxSide {
                startX = Float(columns - maxSide) / 2 * step
                columns = maxSide
            }
            if rows > maxSide {
                startY = Float(rows - maxSide) / 2 * step
                rows = maxSide
            }
            var expected = [Float](repeating: 0, count: n * n)
            let w = plane.width
            for b in 0..<rows {
                let position = startY + Float(b) * step
                let floorY = min(Int(position), plane.height - 2)
                let fy = position - Float(floorY)
                for a in 0..<columns {
                    let px = startX + Float(a) * step
                    let x = min(Int(px), plane.width - 2)
                    let fx = px - Float(x)
                    let top = floorY * w, bottom = top + w
                    let upper = plane.values[top + x] + fx * (plane.values[top + x + 1] - plane.values[top + x])
                    let lower = plane.values[bottom + x] + fx * (plane.values[bottom + x + 1] - plane.values[bottom + x])
                    expected[(b % n) * n + a % n] += upper + fy * (lower - upper)
                }
            }
            #expect(Self.bits(WatermarkReader.fold(plane, period: period, maxSide: maxSide)) == Self.bits(expected), "period \(period)")
        }
    }

    /// The period search transforms two lines at once (real and imaginary parts of one transform), which
    /// rounds differently from one transform per line; the periods it ranks must be the same.
    @Test("period estimates equal those of one transform per line, on unmarked, marked and resized images")
    func periodEstimates() {
        let watermarker = AILabelWatermarker()
        let payload = WatermarkPayload(labelID: "urn:ailabel:label:2026-12-05:periods")
        var images: [RGBImage] = []
        for (seed, width, height) in [(UInt64(11), 700, 500), (12, 1024, 768), (13, 301, 977)] {
            let clean = PhotoLike.image(seed: seed, width: width, height: height)
            images.append(clean)
            images.append(Edits.resize(watermarker.embed(payload, into: clean), factor: 0.75))
        }
        for image in images {
            let (luma, _, _) = WatermarkReader.centralLuma(image)
            let plane = WatermarkReader.prefilter(luma)
            #expect(WatermarkReader.periodEstimates(plane, count: 8) == Self.lineByLinePeriodEstimates(plane, count: 8))
        }
    }

    /// The search as it was written first: one transform per line.
    static func lineByLinePeriodEstimates(_ plane: Plane, count: Int) -> [Double] {
        func powerOfTwo(atMost limit: Int) -> Int {
            var size = 1024
            while size > limit { size /= 2 }
            return size
        }
        let sizeH = powerOfTwo(atMost: plane.width), sizeV = powerOfTwo(atMost: plane.height)
        func axis(vertical: Bool) -> [Float] {
            let size = vertical ? sizeV : sizeH
            let fft = FFT(size: size)
            let x0 = (plane.width - (vertical ? 0 : size)) / 2, y0 = (plane.height - (vertical ? size : 0)) / 2
            let available = vertical ? plane.width : plane.height
            let lines = min(available, 256)
            var power = [Float](repeating: 0, count: size)
            for line in 0..<lines {
                let fixed = line * available / lines
                var real = (0..<size).map { k in vertical ? plane.values[(y0 + k) * plane.width + fixed] : plane.values[fixed * plane.width + x0 + k] }
                var imag = [Float](repeating: 0, count: size)
                fft.transform(&real, &imag, inverse: false)
                for k in 0..<size { power[k] += real[k] * real[k] + imag[k] * imag[k] }
            }
            var real = (0..<size).map { $0 == 0 ? 0 : power[$0].squareRoot() }
            var imag = [Float](repeating: 0, count: size)
            fft.transform(&real, &imag, inverse: true)
            return real
        }
        let horizontal = axis(vertical: false), vertical = axis(vertical: true)
        func lag(_ value: Double, _ r: [Float]) -> Double {
            let base = Int(value)
            let fraction = Float(value - Double(base))
            return Double(r[base % r.count] + fraction * (r[(base + 1) % r.count] - r[base % r.count]))
        }
        func prominence(_ value: Double, _ r: [Float]) -> Double { lag(value, r) - 0.5 * (lag(value - 3, r) + lag(value + 3, r)) }
        let upper = min(256.0, Double(max(sizeH, sizeV)) / 2 - 4)
        var periods: [Double] = [], scores: [Double] = []
        var period = WatermarkReader.minimumPeriod
        while period <= upper {
            var score = 0.0
            for harmonic in 1...3 {
                let value = period * Double(harmonic)
                if value < Double(sizeH) / 2 - 4 { score += prominence(value, horizontal) }
                if value < Double(sizeV) / 2 - 4 { score += prominence(value, vertical) }
            }
            periods.append(period)
            scores.append(score)
            period += 0.25
        }
        var maxima: [(Double, Double)] = []
        for index in scores.indices {
            let left = index > 0 ? scores[index - 1] : -.infinity
            let right = index + 1 < scores.count ? scores[index + 1] : -.infinity
            if scores[index] >= left && scores[index] > right && abs(periods[index] - 128) > 0.3 { maxima.append((periods[index], scores[index])) }
        }
        return maxima.sorted { $0.1 > $1.1 }.prefix(count).map(\.0)
    }

    @Test("the Stable Diffusion residue modulo 36 equals fmodf's, near and at every multiple too")
    func residue() {
        var values: [Float] = [0, 18, 36, 72, 1e-7, 35.999996, 36.000004, 1020, 1079.9999]
        for multiple in 0...60 {
            let exact = Float(multiple * 36)
            values += [exact, exact.nextUp, exact.nextDown, exact + 18, (exact + 18).nextUp, (exact + 18).nextDown]
        }
        values += Self.values(5_000, seed: 21).map { abs($0) }
        for value in values where value >= 0 {
            #expect(StableDiffusionWatermarkDetector.residue(value).bitPattern == value.truncatingRemainder(dividingBy: 36).bitPattern, "\(value)")
        }
    }
}
