import AILabelMedia
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

    @Test("An animated JPEG XL is not marked: decoding its pixels says so instead of flattening it")
    func animatedIsNotMarked() throws {
        #expect(throws: MediaError.unsupportedFormat) { try PixelCodec.decode(try Repository.fixtureBytes("media/animated.jxl")) }
    }

    @Test("Pixel bomb: a JPEG XL larger than the pixel limit is refused before its pixels are allocated")
    func overThePixelLimit() throws {
        #expect(throws: MediaError.limitExceeded) {
            try JXLHandler().decodePixels(try Repository.fixtureBytes("media/codestream.jxl"), maxPixels: 10_000, lenient: false)
        }
    }
}
