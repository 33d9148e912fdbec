import AILabelMedia
import AILabelTestSupport
import Foundation
import Testing

/// WebP pixels through libwebp: each kind decodes, and re-encodes in its own kind (lossy at the
/// estimated quality, lossless exactly, alpha kept, animations with their frames, timing and loop).
@Suite("WebP pixels")
struct WebPPixelTests {
    static func meanDifference(_ a: RGBImage, _ b: RGBImage) -> Double {
        precondition(a.pixels.count == b.pixels.count)
        var total = 0
        for index in a.pixels.indices { total += abs(Int(a.pixels[index]) - Int(b.pixels[index])) }
        return Double(total) / Double(a.pixels.count)
    }

    /// A re-encode as the Stamper does it: encoded like the original, its ICC, EXIF and XMP carried.
    static func reencode(_ image: RGBImage, like file: MediaFile) throws -> [UInt8] {
        var (bytes, edit) = try file.handler.encodePixels(image, like: file.contents)
        if let icc = file.contents.icc { edit.icc = .replace(icc) }
        if let xmp = file.contents.xmp { edit.xmp = .replace(xmp) }
        return try file.handler.rewrite(bytes, applying: edit).bytes
    }

    @Test("Lossy, lossless and alpha WebP round-trip in their own kind", arguments: [
        ("media/pixels-lossy.webp", 3, "lossy", 4.0), ("media/pixels-lossless.webp", 3, "lossless", 0.0),
        ("media/pixels-alpha.webp", 4, "lossy", 4.0), ("media/pixels-alpha-lossless.webp", 4, "lossless", 0.0),
        ("media/pixels-icc.webp", 3, "lossy", 5.0),
    ])
    func stillRoundTrip(_ fixture: String, channels: Int, compression: String, tolerance: Double) throws {
        let file = try MediaFile(path: fixture, bytes: try Repository.fixtureBytes(fixture))
        let image = try PixelCodec.decode(file.readAll())
        #expect(image.width == file.contents.width && image.height == file.contents.height && image.channels == channels)
        let encoded = try Self.reencode(image, like: file)
        let again = try MediaFile(path: fixture, bytes: encoded)
        #expect(again.contents.webpCoding?.compression == compression)
        #expect(again.contents.webpCoding?.alpha == (channels == 4))
        #expect(again.contents.icc == file.contents.icc, "the ICC profile is carried")
        let decoded = try PixelCodec.decode(encoded)
        #expect(Self.meanDifference(image, decoded) <= tolerance, "\(fixture): \(Self.meanDifference(image, decoded))")
        if compression == "lossless" { #expect(decoded == image, "lossless stays exact") }
    }

    @Test("A lossy WebP's quality is estimated from its VP8 header within a few points of what made it",
          arguments: [("media/pixels-lossy.webp", 80), ("media/pixels-alpha.webp", 85), ("media/pixels-icc.webp", 70), ("media/lossy.webp", 80)])
    func qualityEstimate(_ fixture: String, made: Int) throws {
        let quality = try #require(try WebPHandler().parse(try Repository.fixtureBytes(fixture)).webpCoding?.quality)
        #expect(abs(quality - made) <= 10, "\(fixture): estimated \(quality), made at \(made)")
        #expect(try WebPHandler().parse(try Repository.fixtureBytes("media/pixels-lossless.webp")).webpCoding?.quality == nil)
    }

    @Test("An animated WebP decodes to every frame, and encodes back with its frame durations and loop count")
    func animationRoundTrip() throws {
        let file = try MediaFile(path: "a.webp", bytes: try Repository.fixtureBytes("media/pixels-animated.webp"))
        let timing = try #require(file.contents.webpCoding?.animation)
        #expect(timing.frameDurations == [100, 150, 200] && timing.loopCount == 2)
        let frames = try file.handler.decodeFrames(file.readAll(), maxPixels: PixelCodec.defaultMaximumPixels)
        #expect(frames.count == 3 && frames.allSatisfy { $0.width == 256 && $0.height == 192 })
        #expect(try PixelCodec.decode(file.readAll()) == frames[0], "a still decode is the first frame")
        let (encoded, _) = try file.handler.encodeFrames(frames, like: file.contents)
        let again = try WebPHandler().parse(encoded)
        #expect(again.webpCoding?.animated == true)
        #expect(again.webpCoding?.animation?.frameDurations == [100, 150, 200] && again.webpCoding?.animation?.loopCount == 2)
        let decoded = try file.handler.decodeFrames(encoded, maxPixels: PixelCodec.defaultMaximumPixels)
        #expect(decoded.count == 3)
        for (before, after) in zip(frames, decoded) { #expect(Self.meanDifference(before, after) <= 4.0) }
        // A still WebP is one frame.
        #expect(try WebPHandler().decodeFrames(try Repository.fixtureBytes("media/pixels-lossy.webp"), maxPixels: 1_000_000).count == 1)
    }

    @Test("Frame bomb: an animation whose canvases together exceed the pixel limit is refused before any is decoded")
    func animationOverThePixelLimit() throws {
        let bytes = try Repository.fixtureBytes("media/pixels-animated.webp")
        // 3 frames of 256×192 = 147 456 pixels: a limit of 100 000 admits one canvas, not three.
        #expect(throws: MediaError.limitExceeded) { try WebPHandler().decodeFrames(bytes, maxPixels: 100_000) }
        #expect(throws: MediaError.limitExceeded) { try WebPHandler().decodePixels(try Repository.fixtureBytes("media/pixels-lossy.webp"), maxPixels: 1000, lenient: false) }
    }

    @Test("Canvas bomb: an animation declaring a 48 × 13,106,976 canvas is refused before libwebp's animation decoder allocates it (a pixels fuzz finding)")
    func animationCanvasOverThePixelLimit() throws {
        let bytes = try Repository.fixtureBytes("fuzz/pixels/webp-animation-canvas-allocated-before-the-check.webp")
        for decode in [{ try WebPHandler().decodePixels(bytes, maxPixels: 4_000_000, lenient: false) }, { try WebPHandler().decodeFrames(bytes, maxPixels: 4_000_000)[0] }] {
            let error = try #require(throws: MediaError.self) { _ = try decode() }
            #expect(error.code == .limitExceeded && error.reason.contains("48×13106976"), "\(error)")
        }
    }

    @Test("A WebP cut inside its image data fails to decode with a media error, never a crash")
    func truncatedPixels() throws {
        let bytes = try Repository.fixtureBytes("media/pixels-lossy.webp")
        #expect(throws: MediaError.self) { try WebPHandler().decodePixels(Array(bytes.prefix(bytes.count / 2)), maxPixels: 1_000_000, lenient: false) }
    }
}
