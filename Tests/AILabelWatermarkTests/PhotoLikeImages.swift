import AILabelMedia

/// Deterministic photo-like test images: a vertical gradient, value-noise octaves with a 1/f falloff
/// (per channel, partly shared so colours correlate), a few flat-shaded shapes with hard edges, and grain.
enum PhotoLike {
    static func image(seed: UInt64, width: Int, height: Int, channels: Int = 3) -> RGBImage {
        var random = Generator(state: seed &* 0x9E37_79B9_7F4A_7C15 &+ 1)
        let top = (0..<3).map { _ in Float(random.unit() * 200 + 30) }
        let bottom = (0..<3).map { _ in Float(random.unit() * 200 + 20) }
        var planes = (0..<3).map { channel in
            [Float](unsafeUninitializedCapacity: width * height) { buffer, count in
                for y in 0..<height {
                    let t = Float(y) / Float(height)
                    for x in 0..<width { buffer[y * width + x] = top[channel] * (1 - t) + bottom[channel] * t }
                }
                count = width * height
            }
        }
        // 1/f octaves of bilinear value noise.
        var cell = max(width, height) / 2
        var amplitude: Float = 40
        while cell >= 2 {
            let gridW = width / cell + 2, gridH = height / cell + 2
            let shared = (0..<(gridW * gridH)).map { _ in Float(random.unit() * 2 - 1) }
            for channel in 0..<3 {
                let own = (0..<(gridW * gridH)).map { _ in Float(random.unit() * 2 - 1) }
                let grid = zip(shared, own).map { 0.7 * $0 + 0.3 * $1 }
                planes[channel].withUnsafeMutableBufferPointer { plane in
                    for y in 0..<height {
                        let gy = y / cell, fy = Float(y % cell) / Float(cell)
                        for x in 0..<width {
                            let gx = x / cell, fx = Float(x % cell) / Float(cell)
                            let a = grid[gy * gridW + gx], b = grid[gy * gridW + gx + 1]
                            let c = grid[(gy + 1) * gridW + gx], d = grid[(gy + 1) * gridW + gx + 1]
                            let upper = a + (b - a) * fx, lower = c + (d - c) * fx
                            plane[y * width + x] += amplitude * (upper + (lower - upper) * fy)
                        }
                    }
                }
            }
            cell /= 2
            amplitude *= 0.6
        }
        // Shapes.
        for _ in 0..<(3 + Int(random.next() % 5)) {
            let cx = random.unit() * Double(width), cy = random.unit() * Double(height)
            let rx = (0.05 + random.unit() * 0.3) * Double(width), ry = (0.05 + random.unit() * 0.3) * Double(height)
            let colour = (0..<3).map { _ in Float(random.unit() * 255) }
            let ellipse = random.next() & 1 == 0
            for y in max(0, Int(cy - ry))..<min(height, Int(cy + ry) + 1) {
                for x in max(0, Int(cx - rx))..<min(width, Int(cx + rx) + 1) {
                    let dx = (Double(x) - cx) / rx, dy = (Double(y) - cy) / ry
                    if ellipse && dx * dx + dy * dy > 1 { continue }
                    for channel in 0..<3 {
                        planes[channel][y * width + x] = 0.4 * planes[channel][y * width + x] + 0.6 * colour[channel]
                    }
                }
            }
        }
        let grain = Float(0.5 + random.unit() * 3)
        var pixels = [UInt8](repeating: 255, count: width * height * channels)
        for index in 0..<(width * height) {
            let noise = grain * Float(random.unit() + random.unit() + random.unit() - 1.5) * 2
            for channel in 0..<3 {
                pixels[index * channels + channel] = UInt8(min(max(planes[channel][index] + noise + 0.5, 0), 255))
            }
        }
        return RGBImage(width: width, height: height, channels: channels, pixels: pixels)
    }

    struct Generator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        mutating func unit() -> Double { Double(next() >> 11) * 0x1.0p-53 }
    }
}

/// Image edits the robustness tests apply.
enum Edits {
    static func crop(_ image: RGBImage, x0: Int, y0: Int, width: Int, height: Int) -> RGBImage {
        var pixels = [UInt8]()
        pixels.reserveCapacity(width * height * image.channels)
        for y in y0..<(y0 + height) {
            let start = image.offset(x: x0, y: y)
            pixels.append(contentsOf: image.pixels[start..<(start + width * image.channels)])
        }
        return RGBImage(width: width, height: height, channels: image.channels, pixels: pixels)
    }

    /// Removes `fraction` of the width and of the height from each side.
    static func cropEachSide(_ image: RGBImage, fraction: Double) -> RGBImage {
        let dx = Int((Double(image.width) * fraction).rounded()), dy = Int((Double(image.height) * fraction).rounded())
        return crop(image, x0: dx, y0: dy, width: image.width - 2 * dx, height: image.height - 2 * dy)
    }

    /// Area-averaging downscale by a factor below 1 (triangle filter of the source footprint).
    static func resize(_ image: RGBImage, factor: Double) -> RGBImage {
        let width = Int((Double(image.width) * factor).rounded()), height = Int((Double(image.height) * factor).rounded())
        let c = image.channels
        var pixels = [UInt8](repeating: 0, count: width * height * c)
        let support = max(1.0, 1 / factor)
        for y in 0..<height {
            let sy = (Double(y) + 0.5) / factor - 0.5
            for x in 0..<width {
                let sx = (Double(x) + 0.5) / factor - 0.5
                var sums = [Double](repeating: 0, count: c)
                var total = 0.0
                for yy in max(0, Int(sy - support))...min(image.height - 1, Int(sy + support) + 1) {
                    let wy = max(0, 1 - abs(Double(yy) - sy) / support)
                    if wy == 0 { continue }
                    for xx in max(0, Int(sx - support))...min(image.width - 1, Int(sx + support) + 1) {
                        let w = wy * max(0, 1 - abs(Double(xx) - sx) / support)
                        if w == 0 { continue }
                        let base = image.offset(x: xx, y: yy)
                        for channel in 0..<c { sums[channel] += w * Double(image.pixels[base + channel]) }
                        total += w
                    }
                }
                for channel in 0..<c {
                    pixels[(y * width + x) * c + channel] = UInt8(min(max(sums[channel] / total + 0.5, 0), 255))
                }
            }
        }
        return RGBImage(width: width, height: height, channels: c, pixels: pixels)
    }

    static func psnr(_ a: RGBImage, _ b: RGBImage) -> Double {
        var sum = 0.0
        var count = 0
        for index in 0..<a.pixels.count where a.channels == 3 || index % 4 != 3 {
            let d = Double(a.pixels[index]) - Double(b.pixels[index])
            sum += d * d
            count += 1
        }
        return sum == 0 ? .infinity : 10 * log10(255 * 255 / (sum / Double(count)))
    }
}

import Foundation
