/// Block averaging by 4 and bilinear upsampling back, so the detector's wide blurs run on a plane with
/// one sixteenth of the pixels.
enum Resampling {
    static let factor = 4

    /// The mean of each 4×4 block (partial blocks at the right and bottom edges average what they have),
    /// of the values or of their squares.
    static func decimate(_ plane: Plane, squared: Bool) -> Plane {
        let f = factor
        let w = plane.width, h = plane.height
        let sw = (w + f - 1) / f, sh = (h + f - 1) / f
        var sums = [Float](repeating: 0, count: sw * sh)
        plane.values.withUnsafeBufferPointer { values in
            sums.withUnsafeMutableBufferPointer { sums in
                for y in 0..<h {
                    let row = (y / f) * sw
                    let base = y * w
                    if squared {
                        for x in 0..<w { sums[row + x / f] += values[base + x] * values[base + x] }
                    } else {
                        for x in 0..<w { sums[row + x / f] += values[base + x] }
                    }
                }
                for sy in 0..<sh {
                    let rows = Float(min(f, h - sy * f))
                    for sx in 0..<sw {
                        sums[sy * sw + sx] /= rows * Float(min(f, w - sx * f))
                    }
                }
            }
        }
        return Plane(width: sw, height: sh, values: sums)
    }

    /// Calls `body(y, row)` for every full-resolution row with the bilinear upsampling of `small` to
    /// `width` × `height` (sample centres aligned).
    static func forEachUpsampledRow(
        _ small: Plane, width: Int, height: Int, _ body: (Int, UnsafeBufferPointer<Float>) -> Void
    ) {
        let f = Float(factor)
        let sw = small.width, sh = small.height
        var index = [Int32](repeating: 0, count: width)
        var weight = [Float](repeating: 0, count: width)
        for x in 0..<width {
            let position = min(max((Float(x) + 0.5) / f - 0.5, 0), Float(sw - 1))
            let left = min(Int(position), max(sw - 2, 0))
            index[x] = Int32(left)
            weight[x] = sw > 1 ? position - Float(left) : 0
        }
        var blended = [Float](repeating: 0, count: sw)
        var row = [Float](repeating: 0, count: width)
        small.values.withUnsafeBufferPointer { values in
            for y in 0..<height {
                let position = min(max((Float(y) + 0.5) / f - 0.5, 0), Float(sh - 1))
                let top = min(Int(position), max(sh - 2, 0))
                let fy = sh > 1 ? position - Float(top) : 0
                let bottom = min(top + 1, sh - 1)
                for x in 0..<sw {
                    let a = values[top * sw + x]
                    blended[x] = a + fy * (values[bottom * sw + x] - a)
                }
                for x in 0..<width {
                    let i = Int(index[x])
                    let a = blended[i]
                    let b = blended[min(i + 1, sw - 1)]
                    row[x] = a + weight[x] * (b - a)
                }
                row.withUnsafeBufferPointer { body(y, $0) }
            }
        }
    }
}
