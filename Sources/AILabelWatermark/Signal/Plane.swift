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
    static func smallGaussian(_ plane: inout Plane) {
        let w = plane.width
        let h = plane.height
        // exp(-x²/(2·0.49)) for x = 0, 1, 2, normalised.
        let k1: Float = 0.360_447
        let k2: Float = 0.016_879
        let norm = 1 / (1 + 2 * k1 + 2 * k2)
        let c0 = norm, c1 = k1 * norm, c2 = k2 * norm
        var horizontal = [Float](repeating: 0, count: w * h)
        plane.values.withUnsafeBufferPointer { src in
            horizontal.withUnsafeMutableBufferPointer { dst in
                for y in 0..<h {
                    let base = y * w
                    for x in 0..<w {
                        let xm2 = base + max(x - 2, 0), xm1 = base + max(x - 1, 0)
                        let xp1 = base + min(x + 1, w - 1), xp2 = base + min(x + 2, w - 1)
                        dst[base + x] = c0 * src[base + x] + c1 * (src[xm1] + src[xp1]) + c2 * (src[xm2] + src[xp2])
                    }
                }
            }
        }
        horizontal.withUnsafeBufferPointer { src in
            plane.values.withUnsafeMutableBufferPointer { dst in
                for y in 0..<h {
                    let rm2 = max(y - 2, 0) * w, rm1 = max(y - 1, 0) * w
                    let rp1 = min(y + 1, h - 1) * w, rp2 = min(y + 2, h - 1) * w
                    let base = y * w
                    for x in 0..<w {
                        dst[base + x] = c0 * src[base + x] + c1 * (src[rm1 + x] + src[rp1 + x])
                            + c2 * (src[rm2 + x] + src[rp2 + x])
                    }
                }
            }
        }
    }
}
