import Foundation

/// Where the mark lives in the Fourier domain of one 128×128 tile, and the tile it makes in pixels.
///
/// The band holds every half-plane coefficient between 0.04 and 0.19 cycles per pixel (about 890). A
/// seeded shuffle gives 15% of them to a fixed random-phase synchronisation pattern and splits the rest
/// into disjoint sets, one per coded bit, each coefficient with its own random carrier phase; a coded
/// bit is the sign of its set. The keyless layout uses a public seed; a key reseeds everything.
struct TileLayout: Sendable {
    static let tileSize = 128
    static let lowCutoff = 0.04
    static let highCutoff = 0.19
    static let syncFraction = 0.15

    /// One coefficient: horizontal and vertical frequency (in cycles per tile), carrier phase, and its role.
    struct Coefficient: Sendable {
        let u: Int
        let v: Int
        let cosPhase: Float
        let sinPhase: Float
        /// Flattened index of (v, u) in a row-major 128×128 spectrum.
        let index: Int
    }

    let sync: [Coefficient]
    /// `bits[j]` are the coefficients that carry coded bit j.
    let bits: [[Coefficient]]
    /// The pattern bits are XORed with before coding (keeps an all-zero decode from passing the CRC).
    let whitening: [UInt8]
    /// Integer radius (in cycles per tile) of each spectrum index inside the band, or -1 outside it.
    let ringOfIndex: [Int16]
    let ringCount: Int
    /// The spectrum indices inside the band, in increasing order, and 1 at those indices (0 elsewhere):
    /// the whitening visits only the band and clears the rest with one multiplication.
    let bandIndices: [Int32]
    let bandMask: [Float]

    init(seed: UInt64, codedBits: Int, messageBits: Int) {
        let n = Self.tileSize
        var generator = SplitMix64(seed: seed)
        var candidates: [(Int, Int)] = []
        var ringOfIndex = [Int16](repeating: -1, count: n * n)
        let low = Self.lowCutoff * Double(n)
        let high = Self.highCutoff * Double(n)
        var ringCount = 0
        for v in -(n / 2 - 1)..<(n / 2) {
            for u in -(n / 2 - 1)..<(n / 2) {
                let radius = (Double(u * u + v * v)).squareRoot()
                guard radius >= low && radius <= high else { continue }
                let ring = Int(radius.rounded())
                ringOfIndex[Self.index(u: u, v: v)] = Int16(ring)
                ringCount = max(ringCount, ring + 1)
                if v > 0 || (v == 0 && u > 0) { candidates.append((u, v)) }
            }
        }
        candidates.shuffle(using: &generator)
        let syncCount = Int((Double(candidates.count) * Self.syncFraction).rounded())
        let perBit = (candidates.count - syncCount) / codedBits
        func coefficient(_ pair: (Int, Int)) -> Coefficient {
            let phase = 2 * Double.pi * generator.nextUnit()
            return Coefficient(
                u: pair.0, v: pair.1, cosPhase: Float(cos(phase)), sinPhase: Float(sin(phase)),
                index: Self.index(u: pair.0, v: pair.1))
        }
        sync = candidates[0..<syncCount].map(coefficient)
        var bits: [[Coefficient]] = []
        for bit in 0..<codedBits {
            let start = syncCount + bit * perBit
            bits.append(candidates[start..<(start + perBit)].map(coefficient))
        }
        self.bits = bits
        whitening = (0..<messageBits).map { _ in UInt8(generator.next() >> 63) }
        self.ringOfIndex = ringOfIndex
        self.ringCount = ringCount
        bandIndices = ringOfIndex.indices.filter { ringOfIndex[$0] >= 0 }.map { Int32($0) }
        bandMask = ringOfIndex.map { $0 >= 0 ? 1 : 0 }
    }

    static func index(u: Int, v: Int) -> Int {
        let n = tileSize
        return ((v + n) % n) * n + ((u + n) % n)
    }

    /// The spatial tile for the given coded bits (0/1), scaled to unit RMS.
    func tile(codedBits: [UInt8]) -> [Float] {
        let n = Self.tileSize
        var (real, imag) = spectrum(codedBits: codedBits)
        FFT2D(size: n).transform(real: &real, imag: &imag, inverse: true)
        return Self.unitRMS(real)
    }

    /// The same tile drawn on a period of `period` pixels (`period` × `period` values, every frequency scaled
    /// by 128 / `period`), scaled to unit RMS: the pattern a reader finds as the 128 tile resized by
    /// `period` / 128. Its sinusoids are evaluated at each sample (two separable passes), not interpolated,
    /// so nothing is lost to resampling.
    func tile(codedBits: [UInt8], period: Int) -> [Float] {
        period == Self.tileSize ? tile(codedBits: codedBits) : evaluatedTile(codedBits: codedBits, period: period)
    }

    /// ``tile(codedBits:period:)`` by evaluation, at any period (at 128 it equals the inverse transform's).
    func evaluatedTile(codedBits: [UInt8], period: Int) -> [Float] {
        let n = Self.tileSize
        let (real, imag) = spectrum(codedBits: codedBits)
        let cosines = (0..<period).map { cos(2 * Double.pi * Double($0) / Double(period)) }
        let sines = (0..<period).map { sin(2 * Double.pi * Double($0) / Double(period)) }
        func signed(_ k: Int) -> Int { k < n / 2 ? k : k - n }
        func turn(_ frequency: Int, _ position: Int) -> Int { ((frequency * position) % period + period) % period }
        // First along x: per spectrum row v, g_v(x) = Σ_u S(u, v) e^{2πi·u·x/period}.
        var rowsUsed: [Int] = []
        var gReal = [Double](repeating: 0, count: n * period), gImag = gReal
        for v in 0..<n {
            var used = false
            for u in 0..<n where real[v * n + u] != 0 || imag[v * n + u] != 0 {
                used = true
                let re = Double(real[v * n + u]), im = Double(imag[v * n + u]), frequency = signed(u)
                for x in 0..<period {
                    let k = turn(frequency, x)
                    gReal[v * period + x] += re * cosines[k] - im * sines[k]
                    gImag[v * period + x] += re * sines[k] + im * cosines[k]
                }
            }
            if used { rowsUsed.append(v) }
        }
        // Then along y: tile(x, y) = Re Σ_v g_v(x) e^{2πi·v·y/period}.
        var values = [Double](repeating: 0, count: period * period)
        for y in 0..<period {
            for v in rowsUsed {
                let k = turn(signed(v), y)
                let c = cosines[k], s = sines[k]
                for x in 0..<period { values[y * period + x] += gReal[v * period + x] * c - gImag[v * period + x] * s }
            }
        }
        return Self.unitRMS(values.map { Float($0) })
    }

    private static func unitRMS(_ values: [Float]) -> [Float] {
        var energy: Double = 0
        for value in values { energy += Double(value * value) }
        let scale = Float(1 / (energy / Double(values.count)).squareRoot())
        return values.map { $0 * scale }
    }

    /// The tile's spectrum: the sync coefficients and each coded bit's, signed by the bit, with their mirrors.
    private func spectrum(codedBits: [UInt8]) -> (real: [Float], imag: [Float]) {
        let n = Self.tileSize
        var real = [Float](repeating: 0, count: n * n)
        var imag = [Float](repeating: 0, count: n * n)
        func place(_ c: Coefficient, sign: Float) {
            real[c.index] += sign * c.cosPhase
            imag[c.index] += sign * c.sinPhase
            let mirror = Self.index(u: -c.u, v: -c.v)
            real[mirror] += sign * c.cosPhase
            imag[mirror] -= sign * c.sinPhase
        }
        for c in sync { place(c, sign: 1) }
        for (j, set) in bits.enumerated() {
            let sign: Float = codedBits[j] == 0 ? 1 : -1
            for c in set { place(c, sign: sign) }
        }
        return (real, imag)
    }
}
