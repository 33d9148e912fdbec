import AILabelMedia
import Foundation

/// The detector: prefilter, fold modulo the tile, synchronise in the Fourier domain, decode, check the CRC;
/// if nothing checks out, estimate the tile period from the autocorrelation and retry.
struct WatermarkReader {
    let watermarker: AILabelWatermarker
    var layout: TileLayout { watermarker.layout }

    /// The largest region (per side) the reader looks at.
    static let maxRegionSide = 1536
    /// Offsets tried per period.
    static let offsetsPerPeriod = 3
    /// Periods decoded after the native one.
    static let periodCandidates = 3
    /// Periods taken from the autocorrelation and ranked by the sync score.
    static let periodShortlist = 8
    /// The smallest tile period searched, in pixels: 48 reaches a 0.375× downscale, below the 0.44× of
    /// 1080p video scaled to 480p (which the search missed when it stopped at 60).
    static let minimumPeriod = 48.0
    /// The sync z-score a period estimate's small fold must reach to be refined and decoded. Measured
    /// (Benchmarks/watermark/calibrate_gate.py, 2026-12-05): marked images resized ×0.5…×2 (plain and
    /// JPEG q75) that the search finds reach 7.1 at least (median 11.7); unmarked photo-like images reach
    /// 5.0 at most (median 4.2), the maximum of a 128×128 correlation surface of noise.
    static let minimumRescaledSync = 6.0

    private static let n = TileLayout.tileSize
    private static let fft = FFT2D(size: TileLayout.tileSize)

    struct Candidate {
        var detection: WatermarkDetection?
        var guess: UInt64
        var syncScore: Double
    }

    func analyze(_ image: RGBImage) -> WatermarkAnalysis {
        let (plane, originX, originY) = Self.centralLuma(image)
        return analyze(prefiltered: Self.prefilter(plane), originX: originX, originY: originY)
    }

    /// The search on a prefiltered plane whose pixel (0, 0) lies at (`originX`, `originY`) of the marked
    /// grid: one image's, or the sum of many video frames' (``VideoWatermarkPool``).
    func analyze(prefiltered normalized: Plane, originX: Int, originY: Int) -> WatermarkAnalysis {
        var best: Candidate?
        var tried = 0
        var coarseSync: Double?

        func consider(_ candidate: Candidate) {
            tried += 1
            if candidate.detection != nil || best == nil || candidate.syncScore > best!.syncScore { best = candidate }
        }

        // Native scale: fold with the image origin as tile origin.
        let folded = Self.fold(normalized, originX: originX, originY: originY)
        for candidate in decodeCandidates(folded: folded, period: 128) {
            consider(candidate)
            if candidate.detection != nil { return finish(best, tried, coarseSync) }
        }

        // Rescaled: estimate candidate periods from the autocorrelation, score each by the sync score of
        // a small fold at the estimate, refine those that synchronise at all (five small folds), and
        // decode the three that synchronise best. An estimate whose small fold does not synchronise
        // better than an unmarked image's folds do (``minimumRescaledSync``) is not refined: on an
        // unmarked photograph that skips nearly all of the search (Benchmarks/watermark/RESULTS.md).
        if max(normalized.width, normalized.height) >= 256 && min(normalized.width, normalized.height) >= 64 {
            let estimates = Self.periodEstimates(normalized, count: Self.periodShortlist)
            var refined: [(period: Double, score: Double)] = []
            for period in estimates {
                let coarse = syncSurface(whitenedSpectrum(Self.fold(normalized, period: period, maxSide: 512))).peaks(1).first?.z ?? 0
                coarseSync = max(coarseSync ?? -.infinity, coarse)
                guard coarse >= Self.minimumRescaledSync else { continue }
                var bestScore = coarse
                var bestPeriod = period
                for delta in [-0.4, -0.2, 0.2, 0.4] {
                    let folded = Self.fold(normalized, period: period + delta, maxSide: 512)
                    let score = syncSurface(whitenedSpectrum(folded)).peaks(1).first?.z ?? 0
                    if score > bestScore {
                        bestScore = score
                        bestPeriod = period + delta
                    }
                }
                refined.append((bestPeriod, bestScore))
            }
            for chosen in refined.sorted(by: { $0.score > $1.score }).prefix(Self.periodCandidates) {
                let folded = Self.fold(normalized, period: chosen.period, maxSide: 1536)
                for candidate in decodeCandidates(folded: folded, period: chosen.period) {
                    consider(candidate)
                    if candidate.detection != nil { return finish(best, tried, coarseSync) }
                }
            }
        }
        return finish(best, tried, coarseSync)
    }

    private func finish(_ best: Candidate?, _ tried: Int, _ coarseSync: Double? = nil) -> WatermarkAnalysis {
        WatermarkAnalysis(
            detection: best?.detection, bestGuess: WatermarkPayload(best?.guess ?? 0),
            bestSyncScore: best?.syncScore ?? 0, candidatesTried: tried, coarseRescaledSync: coarseSync)
    }

    // MARK: Region and prefilter

    /// Luma of the central region (at most `maxRegionSide` per side), with the region's origin.
    static func centralLuma(_ image: RGBImage) -> (Plane, Int, Int) {
        let w = min(image.width, maxRegionSide)
        let h = min(image.height, maxRegionSide)
        let x0 = (image.width - w) / 2
        let y0 = (image.height - h) / 2
        var values = [Float](repeating: 0, count: w * h)
        let channels = image.channels
        let stride = image.width * channels
        // A row's red, green and blue as floats (``Lanes/deinterleave``), then the luma eight at a time.
        let rgb = UnsafeMutablePointer<Float>.allocate(capacity: 3 * max(w, 1))
        defer { rgb.deallocate() }
        let red = UnsafePointer(rgb), green = red + w, blue = green + w
        image.pixels.withUnsafeBufferPointer { pixels in
            values.withUnsafeMutableBufferPointer { luma in
                for y in 0..<h {
                    let source = (y0 + y) * stride + x0 * channels
                    Lanes.deinterleave(
                        pixels.baseAddress! + source, channels: channels, count: w, available: pixels.count - source,
                        red: rgb, green: rgb + w, blue: rgb + 2 * w)
                    Lanes.fill(luma.baseAddress! + y * w, count: w) { x, load in
                        0.299 * load(red + x) + 0.587 * load(green + x) + 0.114 * load(blue + x)
                    }
                }
            }
        }
        return (Plane(width: w, height: h, values: values), x0, y0)
    }

    /// Band-pass (difference of Gaussians, σ 0.7 and about 6) divided by the local RMS (window σ about 8).
    /// The wide blurs run on the plane averaged over 4×4 blocks and are upsampled bilinearly.
    static func prefilter(_ luma: consuming Plane) -> Plane {
        var coarse = Resampling.decimate(luma, squared: false)
        Filters.approximateGaussian(&coarse, radii: [1, 1, 1])
        // The luma is not needed past this point: the band is filtered in its storage.
        var band = luma
        Filters.smallGaussian(&band)
        let w = band.width, h = band.height
        var squares = Resampling.Decimator(width: w, height: h, squared: true)
        band.values.withUnsafeMutableBufferPointer { band in
            Resampling.forEachUpsampledRow(coarse, width: w, height: h) { y, row in
                let line = band.baseAddress! + y * w
                Lanes.update(line, with: row.baseAddress!, count: w) { value, blurred in value - blurred }
                // The energy's block sums take the row while it is in cache (the order a second pass would add in).
                squares.add(row: y, line)
            }
        }
        var energy = squares.finish()
        Filters.approximateGaussian(&energy, radii: [2, 2])
        band.values.withUnsafeMutableBufferPointer { band in
            Resampling.forEachUpsampledRow(energy, width: w, height: h) { y, row in
                Lanes.update(band.baseAddress! + y * w, with: row.baseAddress!, count: w) { value, energy in value / (energy + 1).squareRoot() }
            }
        }
        return band
    }

    // MARK: Folding

    /// Sums the plane modulo 128, placing pixel (x, y) at ((x + originX) mod 128, (y + originY) mod 128).
    static func fold(_ plane: Plane, originX: Int, originY: Int) -> [Float] {
        var accumulator = [Float](repeating: 0, count: n * n)
        let w = plane.width
        accumulator.withUnsafeMutableBufferPointer { acc in
            plane.values.withUnsafeBufferPointer { values in
                for y in 0..<plane.height {
                    let row = acc.baseAddress! + ((y + originY) & (n - 1)) * n
                    let base = values.baseAddress! + y * w
                    // Runs of columns that land on consecutive tile columns, added eight at a time.
                    var x = 0
                    while x < w {
                        let column = (x + originX) & (n - 1)
                        let run = min(n - column, w - x)
                        Lanes.update(row + column, with: base + x, count: run) { sum, value in sum + value }
                        x += run
                    }
                }
            }
        }
        return accumulator
    }

    /// Resamples the plane at `period / 128` pixel steps (bilinear) and sums modulo 128.
    static func fold(_ plane: Plane, period: Double, maxSide: Int) -> [Float] {
        let step = Float(period / Double(n))
        var columns = Int(Float(plane.width - 1) / step)
        var rows = Int(Float(plane.height - 1) / step)
        // Bound the work: at most maxSide² samples, taken from the centre.
        var startX: Float = 0, startY: Float = 0
        if columns > maxSide {
            startX = Float(columns - maxSide) / 2 * step
            columns = maxSide
        }
        if rows > maxSide {
            startY = Float(rows - maxSide) / 2 * step
            rows = maxSide
        }
        var accumulator = [Float](repeating: 0, count: n * n)
        let w = plane.width
        var xIndex = [Int32](repeating: 0, count: columns)
        var xWeight = [Float](repeating: 0, count: columns)
        for a in 0..<columns {
            let position = startX + Float(a) * step
            let floorX = min(Int(position), plane.width - 2)
            xIndex[a] = Int32(floorX)
            xWeight[a] = position - Float(floorX)
        }
        // Each source row is interpolated horizontally once, into `upper` or `lower`, and kept while
        // the next output rows still fall between it and its neighbour (any period under 256 steps less
        // than two source rows per output row); the vertical blend and the fold run eight columns at a time.
        let upper = UnsafeMutablePointer<Float>.allocate(capacity: max(columns, 1))
        let lower = UnsafeMutablePointer<Float>.allocate(capacity: max(columns, 1))
        defer {
            upper.deallocate()
            lower.deallocate()
        }
        var rowsHeld = (upper: -1, lower: -1)
        var pair = (upper: upper, lower: lower)
        accumulator.withUnsafeMutableBufferPointer { acc in
            plane.values.withUnsafeBufferPointer { values in
                func interpolate(row y: Int, into target: UnsafeMutablePointer<Float>) {
                    let base = y * w
                    for a in 0..<columns {
                        let x = base + Int(xIndex[a])
                        target[a] = values[x] + xWeight[a] * (values[x + 1] - values[x])
                    }
                }
                for b in 0..<rows {
                    let position = startY + Float(b) * step
                    let floorY = min(Int(position), plane.height - 2)
                    let fy = position - Float(floorY)
                    if rowsHeld.upper != floorY {
                        if rowsHeld.lower == floorY {
                            pair = (pair.lower, pair.upper)
                            rowsHeld = (floorY, rowsHeld.upper)
                        } else {
                            interpolate(row: floorY, into: pair.upper)
                            rowsHeld.upper = floorY
                        }
                    }
                    if rowsHeld.lower != floorY + 1 {
                        interpolate(row: floorY + 1, into: pair.lower)
                        rowsHeld.lower = floorY + 1
                    }
                    let row = acc.baseAddress! + (b & (n - 1)) * n
                    let top = UnsafePointer(pair.upper), bottom = UnsafePointer(pair.lower)
                    var a = 0
                    while a < columns {
                        let run = min(n, columns - a)
                        Lanes.fill(row, count: run) { i, load in
                            load(row + i) + (load(top + a + i) + fy * (load(bottom + a + i) - load(top + a + i)))
                        }
                        a += run
                    }
                }
            }
        }
        return accumulator
    }

    // MARK: Synchronisation and decoding

    struct Spectrum {
        var real: [Float]
        var imag: [Float]
    }

    /// The folded tile's spectrum, whitened: each coefficient of the band reduced to its phase (unit
    /// magnitude; the ring scaling before it only keeps the arithmetic well conditioned).
    func whitenedSpectrum(_ folded: [Float]) -> Spectrum {
        var real = folded
        var imag = [Float](repeating: 0, count: folded.count)
        Self.fft.transform(real: &real, imag: &imag, inverse: false)
        var power = [Double](repeating: 0, count: layout.ringCount)
        var count = [Int](repeating: 0, count: layout.ringCount)
        // Only the band's indices, in increasing order: the sums of a loop over every index that skips
        // the others.
        for index32 in layout.bandIndices {
            let index = Int(index32)
            let ring = Int(layout.ringOfIndex[index])
            power[ring] += Double(real[index] * real[index] + imag[index] * imag[index])
            count[ring] += 1
        }
        var gain = [Float](repeating: 0, count: layout.ringCount)
        for ring in 0..<layout.ringCount where count[ring] > 0 && power[ring] > 0 {
            gain[ring] = Float(1 / (power[ring] / Double(count[ring])).squareRoot())
        }
        // Outside the band every coefficient is multiplied by 0 (the mask), inside by 1 and then by its gain.
        real.withUnsafeMutableBufferPointer { re in
            imag.withUnsafeMutableBufferPointer { im in
                layout.bandMask.withUnsafeBufferPointer { mask in
                    Lanes.update(re.baseAddress!, with: mask.baseAddress!, count: mask.count) { value, keep in value * keep }
                    Lanes.update(im.baseAddress!, with: mask.baseAddress!, count: mask.count) { value, keep in value * keep }
                }
                for index32 in layout.bandIndices {
                    let index = Int(index32)
                    var g = gain[Int(layout.ringOfIndex[index])]
                    if g > 0 {
                        // Phase only: strong periodic content (text, grids, fabric) cannot outvote the mark.
                        let magnitude = (re[index] * re[index] + im[index] * im[index]).squareRoot() * g
                        g /= max(magnitude, 1e-6)
                    }
                    re[index] *= g
                    im[index] *= g
                }
            }
        }
        return Spectrum(real: real, imag: imag)
    }

    struct Surface {
        let values: [Float]
        let mean: Double
        let deviation: Double

        /// The highest peaks, at least 2 pixels apart (circularly), as offsets and z-scores.
        func peaks(_ count: Int) -> [(x: Int, y: Int, z: Double)] {
            let n = TileLayout.tileSize
            var chosen: [(x: Int, y: Int, z: Double)] = []
            values.withUnsafeBufferPointer { values in
                while chosen.count < count {
                    var bestIndex = -1
                    var bestValue = -Float.greatestFiniteMagnitude
                    for index in 0..<values.count where values[index] > bestValue {
                        let x = index % n, y = index / n
                        let isNear = chosen.contains { peak in
                            let dx = min(abs(peak.x - x), n - abs(peak.x - x))
                            let dy = min(abs(peak.y - y), n - abs(peak.y - y))
                            return dx <= 2 && dy <= 2
                        }
                        if isNear { continue }
                        bestIndex = index
                        bestValue = values[index]
                    }
                    guard bestIndex >= 0 else { break }
                    let z = deviation > 0 ? (Double(bestValue) - mean) / deviation : 0
                    chosen.append((bestIndex % n, bestIndex / n, z))
                }
            }
            return chosen
        }
    }

    /// Correlation of the spectrum with the sync pattern at every circular offset.
    func syncSurface(_ spectrum: Spectrum) -> Surface {
        let size = Self.n * Self.n
        var real = [Float](repeating: 0, count: size)
        var imag = [Float](repeating: 0, count: size)
        for c in layout.sync {
            let sr = spectrum.real[c.index], si = spectrum.imag[c.index]
            // conj(S) · e^{iφ}
            real[c.index] = sr * c.cosPhase + si * c.sinPhase
            imag[c.index] = sr * c.sinPhase - si * c.cosPhase
        }
        Self.fft.transform(real: &real, imag: &imag, inverse: true)
        var sum: Double = 0, squares: Double = 0
        for value in real {
            sum += Double(value)
            squares += Double(value) * Double(value)
        }
        let mean = sum / Double(size)
        let deviation = max(squares / Double(size) - mean * mean, 0).squareRoot()
        return Surface(values: real, mean: mean, deviation: deviation)
    }

    private static let unitCircle: [(Float, Float)] = (0..<TileLayout.tileSize).map { m in
        let angle = 2 * Double.pi * Double(m) / Double(TileLayout.tileSize)
        return (Float(cos(angle)), Float(sin(angle)))
    }

    /// Soft coded bits at one tile offset: positive favours 0.
    func softBits(_ spectrum: Spectrum, offsetX: Int, offsetY: Int) -> [Float] {
        let n = Self.n
        return layout.bits.map { set in
            var sum: Float = 0
            for c in set {
                let m = ((c.u * offsetX + c.v * offsetY) % n + n) % n
                let (ca, sa) = Self.unitCircle[m]
                // θ = φ + α; Re(S e^{-iθ}) = Sr cosθ + Si sinθ
                let cosTheta = c.cosPhase * ca - c.sinPhase * sa
                let sinTheta = c.sinPhase * ca + c.cosPhase * sa
                sum += spectrum.real[c.index] * cosTheta + spectrum.imag[c.index] * sinTheta
            }
            return sum
        }
    }

    func decodeCandidates(folded: [Float], period: Double) -> [Candidate] {
        let spectrum = whitenedSpectrum(folded)
        let surface = syncSurface(spectrum)
        return surface.peaks(Self.offsetsPerPeriod).map { peak in
            decode(spectrum, peak: peak, period: period)
        }
    }

    func decode(_ spectrum: Spectrum, peak: (x: Int, y: Int, z: Double), period: Double) -> Candidate {
        let soft = softBits(spectrum, offsetX: peak.x, offsetY: peak.y)
        let (payload, checks) = PayloadMessage.decode(soft: soft, whitening: layout.whitening)
        guard checks else {
            return Candidate(detection: nil, guess: payload, syncScore: peak.z)
        }
        let codeword = watermarker.codeword(for: payload)
        var errors = 0
        var agreement: Float = 0, energy: Float = 0
        for (index, value) in soft.enumerated() {
            let sign: Float = codeword[index] == 0 ? 1 : -1
            if value * sign < 0 { errors += 1 }
            agreement += value * sign
            energy += value * value
        }
        let confidence = energy > 0 ? Double(agreement / (energy.squareRoot() * Float(soft.count).squareRoot())) : 0
        let scale = period / Double(Self.n)
        let detection = WatermarkDetection(
            payload: WatermarkPayload(payload), syncScore: peak.z, confidence: max(confidence, 0),
            codedBitErrors: errors, codedBitCount: soft.count, period: period,
            tileOffset: (Int((Double(peak.x) * scale).rounded()), Int((Double(peak.y) * scale).rounded())))
        return Candidate(detection: detection, guess: payload, syncScore: peak.z)
    }

    // MARK: Period search

    /// The most likely tile periods (in pixels, ``minimumPeriod``…256), from the autocorrelation of a central crop
    /// scored at the first three multiples of each period along both axes.
    ///
    /// Every row (and column) of a tiled image is periodic on its own, so the horizontal (vertical) lags
    /// come from 1-D transforms of a subset of rows (columns): the sum of their power spectra, whitened by
    /// a square root, transformed back.
    static func periodEstimates(_ plane: Plane, count: Int) -> [Double] {
        func powerOfTwo(atMost limit: Int) -> Int {
            var size = 1024
            while size > limit { size /= 2 }
            return size
        }
        let sizeH = powerOfTwo(atMost: plane.width), sizeV = powerOfTwo(atMost: plane.height)
        func axisAutocorrelation(vertical: Bool) -> [Float] {
            let size = vertical ? sizeV : sizeH
            let fft = FFT(size: size)
            let x0 = (plane.width - (vertical ? 0 : size)) / 2, y0 = (plane.height - (vertical ? size : 0)) / 2
            let available = vertical ? plane.width : plane.height
            let lines = min(available, 256)
            // The lines are real, so two share one complex transform: lines 2j and 2j + 1 are the real
            // and imaginary parts of column j of a size × columns grid (a last odd line has no partner),
            // and all columns are transformed at once. With Z the column's transform, the two lines'
            // power at k sums to (|Z(k)|² + |Z(N − k)|²) / 2.
            let columns = (lines + 1) / 2
            var gridReal = [Float](repeating: 0, count: size * columns)
            var gridImag = [Float](repeating: 0, count: size * columns)
            var power = [Float](repeating: 0, count: size)
            plane.values.withUnsafeBufferPointer { values in
                gridReal.withUnsafeMutableBufferPointer { gridReal in
                    gridImag.withUnsafeMutableBufferPointer { gridImag in
                        // Written a grid row at a time (16 lines at a time for rows of the plane), so that
                        // neither side of the copy jumps a cache line per value.
                        let block = vertical ? lines : 16
                        for first in stride(from: 0, to: lines, by: block) {
                            let last = min(first + block, lines)
                            for k in 0..<size {
                                for line in first..<last {
                                    let fixed = line * available / lines
                                    let value = vertical ? values[(y0 + k) * plane.width + fixed] : values[fixed * plane.width + x0 + k]
                                    if line % 2 == 0 { gridReal[k * columns + line / 2] = value } else { gridImag[k * columns + line / 2] = value }
                                }
                            }
                        }
                    }
                }
            }
            gridReal.withUnsafeMutableBufferPointer { re in
                gridImag.withUnsafeMutableBufferPointer { im in
                    fft.transformColumns(re.baseAddress!, im.baseAddress!, width: columns, inverse: false)
                    for k in 0..<size {
                        let mirror = (size - k) % size
                        var sum: Float = 0
                        for column in 0..<columns {
                            let a = k * columns + column, b = mirror * columns + column
                            sum += (re[a] * re[a] + im[a] * im[a] + re[b] * re[b] + im[b] * im[b]) / 2
                        }
                        power[k] = sum
                    }
                }
            }
            var real = [Float](repeating: 0, count: size)
            var imag = [Float](repeating: 0, count: size)
            for k in 0..<size {
                real[k] = k == 0 ? 0 : power[k].squareRoot()
                imag[k] = 0
            }
            real.withUnsafeMutableBufferPointer { re in
                imag.withUnsafeMutableBufferPointer { im in
                    fft.transform(re.baseAddress!, im.baseAddress!, inverse: true)
                }
            }
            return real
        }
        let horizontal = axisAutocorrelation(vertical: false)
        let vertical = axisAutocorrelation(vertical: true)
        func lag(_ value: Double, _ r: [Float]) -> Double {
            let size = r.count
            let base = Int(value)
            let fraction = Float(value - Double(base))
            return Double(r[base % size] + fraction * (r[(base + 1) % size] - r[base % size]))
        }
        func prominence(_ value: Double, _ r: [Float]) -> Double {
            lag(value, r) - 0.5 * (lag(value - 3, r) + lag(value + 3, r))
        }
        let upper = min(256.0, Double(max(sizeH, sizeV)) / 2 - 4)
        var periods: [Double] = []
        var scores: [Double] = []
        var period = Self.minimumPeriod
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
            if scores[index] >= left && scores[index] > right && abs(periods[index] - 128) > 0.3 {
                maxima.append((periods[index], scores[index]))
            }
        }
        return maxima.sorted { $0.1 > $1.1 }.prefix(count).map(\.0)
    }
}
