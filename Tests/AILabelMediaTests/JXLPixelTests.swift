@testable import AILabelMedia
import AILabelTestSupport
import Foundation
import Testing

/// JPEG XL pixels through libjxl: decode, and re-encode in the original's kind (lossless exactly,
/// lossy at distance 1.0, alpha and bit depth kept; a recompressed JPEG becomes lossy JPEG XL).
@Suite("JPEG XL pixels")
struct JXLPixelTests {
    @Test("Each still kind of JPEG XL round-trips in its own kind", arguments: [
        ("media/codestream.jxl", 3, false, 3.0), ("media/lossless.jxl", 3, true, 0.0), ("media/alpha.jxl", 4, false, 3.0),
        ("media/recompressed.jxl", 3, false, 3.0),
    ])
    func roundTrip(_ fixture: String, channels: Int, lossless: Bool, tolerance: Double) throws {
        let file = try MediaFile(path: fixture, bytes: try Repository.fixtureBytes(fixture))
        let image = try PixelCodec.decode(file.readAll())
        #expect(image.width == file.contents.width && image.height == file.contents.height && image.channels == channels)
        let (encoded, _) = try file.handler.encodePixels(image, like: file.contents)
        let again = try JXLHandler().parse(encoded)
        #expect(again.jxlCoding?.lossless == lossless)
        #expect((again.jxlCoding?.alphaBits ?? 0 > 0) == (channels == 4))
        #expect(again.jxlCoding?.recompressedJPEG == false)
        let decoded = try PixelCodec.decode(encoded)
        #expect(WebPPixelTests.meanDifference(image, decoded) <= tolerance, "\(fixture): \(WebPPixelTests.meanDifference(image, decoded))")
        if lossless { #expect(decoded == image, "lossless stays exact") }
    }

    @Test("An animated JPEG XL decodes to its displayed frames and re-encodes with each frame's duration, its ticks and loops")
    func animatedFrames() throws {
        let handler = JXLHandler()
        for (name, size, durations) in [("animated-photo.jxl", [256, 192], [100, 200, 300]), ("animated.jxl", [96, 64], [120, 120, 120])] {
            let original = try Repository.fixtureBytes("media/" + name)
            let contents = try handler.parse(original)
            let frames = try handler.decodeFrames(original, maxPixels: 10_000_000)
            #expect(frames.count == 3 && frames.allSatisfy { [$0.width, $0.height] == size }, "\(name): every frame the whole canvas")
            #expect(try handler.decodePixels(original, maxPixels: 10_000_000, lenient: false) == frames[0], "\(name): a still decode is the first frame")
            // The frames as a viewer shows them together are bounded, not each alone.
            #expect(throws: MediaError.limitExceeded) { try handler.decodeFrames(original, maxPixels: size[0] * size[1] * 2) }

            let timing = try #require(try JXLHandler.animationTiming(original))
            let encoded = try handler.encodeFrames(frames, like: contents, in: original).bytes
            let again = try #require(try JXLHandler.animationTiming(encoded))
            #expect(again.durations == timing.durations && again.loops == timing.loops, "\(name)")
            #expect(again.ticksPerSecond.numerator == timing.ticksPerSecond.numerator && again.ticksPerSecond.denominator == timing.ticksPerSecond.denominator)
            let milliseconds = timing.durations.map { Int((Double($0) * 1000 * Double(timing.ticksPerSecond.denominator) / Double(timing.ticksPerSecond.numerator)).rounded()) }
            #expect(milliseconds == durations, "\(name): \(milliseconds)")
            #expect(try handler.parse(encoded).jxlCoding?.animated == true)
            let reread = try handler.decodeFrames(encoded, maxPixels: 10_000_000)
            #expect(reread.count == frames.count)
            for (before, after) in zip(frames, reread) {
                #expect(WebPPixelTests.meanDifference(before, after) <= 2.0, "\(name): distance 1.0 is visually lossless")
            }
            #expect(throws: MediaError.self) { try handler.encodeFrames(Array(frames.prefix(2)), like: contents, in: original) }
        }
    }

    @Test("Pixel bomb: a JPEG XL larger than the pixel limit is refused before its pixels are allocated")
    func overThePixelLimit() throws {
        #expect(throws: MediaError.limitExceeded) {
            try JXLHandler().decodePixels(try Repository.fixtureBytes("media/codestream.jxl"), maxPixels: 10_000, lenient: false)
        }
    }
}
