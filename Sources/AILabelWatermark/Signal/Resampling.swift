/// Block averaging by 4 and bilinear upsampling back, so the detector's wide blurs run on a plane with
/// one sixteenth of the pixels.
enum Resampling {
    static let factor = 4

    /// The mean of each 4×4 block (partial blocks at the right and bottom edges average what they have),
    /// of the values or of their squares.
    static func decimate(_ plane: Plane, squared: Bool) -> Plane {
        var decimator = Decimator(width: plane.width, height: plane.height, squared: squared)
        plane.values.withUnsafeBufferPointer { values in
            for y in 0..<plane.height { decimator.add(row: y, values.baseAddress! + y * plane.width) }
        }
        return decimator.finish()
    }

    /// ``decimate(_:squared:)`` fed one row at a time, so that a pass that produces the rows (the
    /// prefilter's subtraction) can sum them while they are in cache; rows must come in order 0, 1, ….
    struct Decimator {
        let width: Int
        let height: Int
        let squared: Bool
        private var sums: [Float]

        init(width: Int, height: Int, squared: Bool) {
            self.width = width
            self.height = height
            self.squared = squared
            sums = [Float](repeating: 0, count: ((width + factor - 1) / factor) * ((height + factor - 1) / factor))
        }

        /// Adds row `y`: four values per sum, one after another in column order, as a loop over x would.
        mutating func add(row y: Int, _ values: UnsafePointer<Float>) {
            let f = factor, w = width, squared = squared
            let whole = w / f
            let row = (y / f) * ((w + f - 1) / f)
            sums.withUnsafeMutableBufferPointer { sums in
                if squared {
                    for sx in 0..<whole {
                        let x = sx * f
                        var sum = sums[row + sx]
                        sum += values[x] * values[x]
                        sum += values[x + 1] * values[x + 1]
                        sum += values[x + 2] * values[x + 2]
                        sum += values[x + 3] * values[x + 3]
                        sums[row + sx] = sum
                    }
                    for x in (whole * f)..<w { sums[row + x / f] += values[x] * values[x] }
                } else {
                    for sx in 0..<whole {
                        let x = sx * f
                        var sum = sums[row + sx]
                        sum += values[x]
                        sum += values[x + 1]
                        sum += values[x + 2]
                        sum += values[x + 3]
                        sums[row + sx] = sum
                    }
                    for x in (whole * f)..<w { sums[row + x / f] += values[x] }
                }
            }
        }

        /// The block means.
        consuming func finish() -> Plane {
            let f = factor, w = width, h = height
            let sw = (w + f - 1) / f, sh = (h + f - 1) / f
            sums.withUnsafeMutableBufferPointer { sums in
                for sy in 0..<sh {
                    let rows = Float(min(f, h - sy * f))
                    for sx in 0..<sw {
                        sums[sy * sw + sx] /= rows * Float(min(f, w - sx * f))
                    }
                }
            }
            return Plane(width: sw, height: sh, values: sums)
        }
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
        // Columns 4i + 2 … 4i + 5 lie between small columns i and i + 1 (index i, weights ⅛, ⅜, ⅝, ⅞):
        // they are walked interval by interval, with the same arithmetic as the columns at the edges but
        // without a gather per column. The edges (clamped) go through the index table.
        let intervals = sw > 1 ? max(0, min(sw - 1, (width - 2) / factor)) : 0
        let interiorStart = min(2, width)
        let interiorEnd = intervals > 0 ? 2 + intervals * factor : interiorStart
        var blended = [Float](repeating: 0, count: sw)
        var row = [Float](repeating: 0, count: width)
        small.values.withUnsafeBufferPointer { values in
            blended.withUnsafeMutableBufferPointer { blended in
                row.withUnsafeMutableBufferPointer { row in
                    index.withUnsafeBufferPointer { index in
                        weight.withUnsafeBufferPointer { weight in
                            func edge(_ x: Int) {
                                let i = Int(index[x])
                                let a = blended[i]
                                row[x] = a + weight[x] * (blended[min(i + 1, sw - 1)] - a)
                            }
                            for y in 0..<height {
                                let position = min(max((Float(y) + 0.5) / f - 0.5, 0), Float(sh - 1))
                                let top = min(Int(position), max(sh - 2, 0))
                                let fy = sh > 1 ? position - Float(top) : 0
                                let bottom = min(top + 1, sh - 1)
                                for x in 0..<sw {
                                    let a = values[top * sw + x]
                                    blended[x] = a + fy * (values[bottom * sw + x] - a)
                                }
                                for x in 0..<interiorStart { edge(x) }
                                for i in 0..<intervals {
                                    let a = blended[i]
                                    let difference = blended[i + 1] - a
                                    let x = 2 + i * factor
                                    row[x] = a + weight[x] * difference
                                    row[x + 1] = a + weight[x + 1] * difference
                                    row[x + 2] = a + weight[x + 2] * difference
                                    row[x + 3] = a + weight[x + 3] * difference
                                }
                                for x in interiorEnd..<width { edge(x) }
                                body(y, UnsafeBufferPointer(row))
                            }
                        }
                    }
                }
            }
        }
    }
}
