/// A single-channel float image, row-major.
struct Plane: Sendable {
    let width: Int
    let height: Int
    var values: [Float]

    init(width: Int, height: Int, values: [Float]) {
        precondition(values.count == width * height)
        self.width = width
        self.height = height
        self.values = values
    }

    init(width: Int, height: Int, repeating value: Float = 0) {
        self.init(width: width, height: height, values: [Float](repeating: value, count: width * height))
    }

    /// The rectangle `[x0, x0 + w) × [y0, y0 + h)` of this plane.
    func cropped(x0: Int, y0: Int, width w: Int, height h: Int) -> Plane {
        var out = [Float](repeating: 0, count: w * h)
        values.withUnsafeBufferPointer { source in
            out.withUnsafeMutableBufferPointer { target in
                for row in 0..<h {
                    let from = (y0 + row) * width + x0
                    for column in 0..<w { target[row * w + column] = source[from + column] }
                }
            }
        }
        return Plane(width: w, height: h, values: out)
    }
}

/// Separable linear filters used by the detector's prefilter.
enum Filters {
    /// Horizontal running-mean filter of half-width `radius`, edges clamped.
    static func boxHorizontal(_ plane: inout Plane, radius: Int) {
        let w = plane.width
        let h = plane.height
        let scale = 1 / Float(2 * radius + 1)
        var line = [Float](repeating: 0, count: w)
        plane.values.withUnsafeMutableBufferPointer { values in
            line.withUnsafeMutableBufferPointer { line in
                for row in 0..<h {
                    let base = row * w
                    for x in 0..<w { line[x] = values[base + x] }
                    var sum: Float = 0
                    for offset in -radius...radius { sum += line[min(max(offset, 0), w - 1)] }
                    for x in 0..<w {
                        values[base + x] = sum * scale
                        let incoming = min(x + radius + 1, w - 1)
                        let outgoing = max(x - radius, 0)
                        sum += line[incoming] - line[outgoing]
                    }
                }
            }
        }
    }

    /// Vertical running-mean filter of half-width `radius`, edges clamped; runs row by row.
    static func boxVertical(_ plane: inout Plane, radius: Int) {
        let w = plane.width
        let h = plane.height
        let scale = 1 / Float(2 * radius + 1)
        let source = plane.values
        var sum = [Float](repeating: 0, count: w)
        source.withUnsafeBufferPointer { src in
            plane.values.withUnsafeMutableBufferPointer { dst in
                sum.withUnsafeMutableBufferPointer { sum in
                    for offset in -radius...radius {
                        let row = min(max(offset, 0), h - 1) * w
                        for x in 0..<w { sum[x] += src[row + x] }
                    }
                    for y in 0..<h {
                        let base = y * w
                        for x in 0..<w { dst[base + x] = sum[x] * scale }
                        let incoming = min(y + radius + 1, h - 1) * w
                        let outgoing = max(y - radius, 0) * w
                        for x in 0..<w { sum[x] += src[incoming + x] - src[outgoing + x] }
                    }
                }
            }
        }
    }

    /// A three-pass box approximation of a Gaussian blur.
    static func approximateGaussian(_ plane: inout Plane, radii: [Int]) {
        for radius in radii { boxHorizontal(&plane, radius: radius) }
        for radius in radii { boxVertical(&plane, radius: radius) }
    }

    /// A 5-tap separable Gaussian (σ = 0.7) that removes the highest frequencies.
    ///
    /// Horizontal pass, then vertical, in place: the horizontal results live in a ring of five rows,
    /// each computed just before the vertical pass first needs it (row y + 2 for output row y), so
    /// output row y overwrites a row whose source was already read, and no second plane is allocated.
    static func smallGaussian(_ plane: inout Plane) {
        let w = plane.width
        let h = plane.height
        guard w > 0, h > 0 else { return }
        // exp(-x²/(2·0.49)) for x = 0, 1, 2, normalised.
        let k1: Float = 0.360_447
        let k2: Float = 0.016_879
        let norm = 1 / (1 + 2 * k1 + 2 * k2)
        let c0 = norm, c1 = k1 * norm, c2 = k2 * norm
        // Columns 2 … w − 3 need no clamping and run eight at a time; the edges clamp.
        let interior = w >= 5 ? 2..<(w - 2) : 0..<0
        let edges = w >= 5 ? [0, 1, w - 2, w - 1] : Array(0..<w)
        let ring = UnsafeMutablePointer<Float>.allocate(capacity: 5 * w)
        defer { ring.deallocate() }
        plane.values.withUnsafeMutableBufferPointer { values in
            let values = values.baseAddress!
            func horizontal(_ y: Int) {
                let src = UnsafePointer(values + y * w), dst = ring + (y % 5) * w
                for x in edges {
                    dst[x] = c0 * src[x] + c1 * (src[max(x - 1, 0)] + src[min(x + 1, w - 1)])
                        + c2 * (src[max(x - 2, 0)] + src[min(x + 2, w - 1)])
                }
                if !interior.isEmpty {
                    let source = src + interior.lowerBound
                    Lanes.fill(dst + interior.lowerBound, count: interior.count) { i, load in
                        let p = source + i
                        return c0 * load(p) + c1 * (load(p - 1) + load(p + 1)) + c2 * (load(p - 2) + load(p + 2))
                    }
                }
            }
            var computed = 0
            for y in 0..<h {
                while computed <= min(y + 2, h - 1) {
                    horizontal(computed)
                    computed += 1
                }
                func row(_ r: Int) -> UnsafePointer<Float> { UnsafePointer(ring + (min(max(r, 0), h - 1) % 5) * w) }
                let center = row(y), up1 = row(y - 1), down1 = row(y + 1), up2 = row(y - 2), down2 = row(y + 2)
                Lanes.fill(values + y * w, count: w) { x, load in
                    c0 * load(center + x) + c1 * (load(up1 + x) + load(down1 + x)) + c2 * (load(up2 + x) + load(down2 + x))
                }
            }
        }
    }
}
