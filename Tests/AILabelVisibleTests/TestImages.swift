import AILabelMedia
import AILabelTestSupport
import Foundation

/// Deterministic synthetic images for the badge tests.
enum TestImages {
    /// A smooth colour gradient with a soft diagonal pattern: compresses well, and every pixel differs from
    /// its neighbours enough to show when something outside the badge changes.
    static func gradient(width: Int, height: Int, channels: Int = 3) -> RGBImage {
        var pixels = [UInt8](repeating: 0, count: width * height * channels)
        for y in 0..<height {
            for x in 0..<width {
                let offset = (y * width + x) * channels
                pixels[offset] = UInt8(40 + 180 * x / max(1, width - 1))
                pixels[offset + 1] = UInt8(60 + 150 * y / max(1, height - 1))
                pixels[offset + 2] = UInt8(((x + y) / 4) % 64 + 120)
                if channels == 4 { pixels[offset + 3] = UInt8(255 - 200 * x / max(1, width - 1)) }
            }
        }
        return RGBImage(width: width, height: height, channels: channels, pixels: pixels)
    }

    /// Busy, high-contrast noise (a xorshift stream): the hard case for translucent badges and JPEG.
    static func noise(width: Int, height: Int, seed: UInt64 = 0x9E37_79B9_7F4A_7C15) -> RGBImage {
        var state = seed
        var pixels = [UInt8](repeating: 0, count: width * height * 3)
        for index in 0..<pixels.count {
            state ^= state << 13
            state ^= state >> 7
            state ^= state << 17
            pixels[index] = UInt8(truncatingIfNeeded: state >> 24)
        }
        return RGBImage(width: width, height: height, channels: 3, pixels: pixels)
    }

    /// Where tests may write images for a person to look at (set `AILABEL_VISIBLE_OUTPUT`), or nil.
    static var outputDirectory: URL? {
        guard let path = ProcessInfo.processInfo.environment["AILABEL_VISIBLE_OUTPUT"], !path.isEmpty else { return nil }
        let url = URL(fileURLWithPath: path)
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    static func save(_ image: RGBImage, _ name: String) {
        guard let directory = outputDirectory, let png = try? PixelCodec.encodePNG(image) else { return }
        try? Data(png).write(to: directory.appendingPathComponent(name))
    }

    /// Pixels of `after` that differ from `before` outside `region`.
    static func changedOutside(_ before: RGBImage, _ after: RGBImage, region: (x: Int, y: Int, width: Int, height: Int))
        -> Int
    {
        var changed = 0
        for y in 0..<before.height {
            for x in 0..<before.width {
                if x >= region.x, x < region.x + region.width, y >= region.y, y < region.y + region.height { continue }
                let offset = before.offset(x: x, y: y)
                for channel in 0..<before.channels where before.pixels[offset + channel] != after.pixels[offset + channel] {
                    changed += 1
                    break
                }
            }
        }
        return changed
    }
}
