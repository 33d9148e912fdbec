import AILabelMedia
import AILabelTestSupport
import Foundation
import Testing

@Suite("WebP container")
struct WebPTests {
    static let media = ["media/lossy.webp", "media/lossless.webp", "media/alpha.webp", "media/animated.webp", "media/metadata.webp"]

    @Test("Each kind of WebP parses with its size and coding", arguments: [
        ("media/lossy.webp", 96, 64, "lossy, simple"), ("media/lossless.webp", 80, 60, "lossless, simple"),
        ("media/alpha.webp", 64, 48, "lossy, alpha, extended (VP8X)"), ("media/animated.webp", 48, 32, "lossy, alpha, animated, extended (VP8X)"),
        ("media/metadata.webp", 72, 48, "lossy, extended (VP8X)"),
    ])
    func parses(_ fixture: String, width: Int, height: Int, summary: String) throws {
        let file = try MediaFile(path: fixture, bytes: try Repository.fixtureBytes(fixture))
        #expect(file.format == .webp)
        #expect(file.contents.width == width && file.contents.height == height)
        #expect(file.contents.coding?.summary == summary)
        #expect(!file.contents.imageDataRanges.isEmpty)
    }

    @Test("XMP and EXIF written by Pillow are read")
    func readsForeignMetadata() throws {
        let contents = try WebPHandler().parse(try Repository.fixtureBytes("media/metadata.webp"))
        let packet = try XMPPacket(parsing: try #require(contents.xmp))
        #expect(packet.serialized().count > 0)
        #expect(String(decoding: try #require(contents.xmp), as: UTF8.self).contains("WebP Fixture Author"))
        let exif = try EXIFMetadata(tiff: try #require(contents.exif))
        #expect(exif.tag(EXIFTag.make)?.value == "Fixture Camera Maker")
    }

    @Test("A simple WebP that gains XMP becomes extended: VP8X first, with the XMP flag and the bitstream's canvas size",
          arguments: ["media/lossy.webp", "media/lossless.webp"])
    func simpleBecomesExtended(_ fixture: String) throws {
        let bytes = try Repository.fixtureBytes(fixture)
        let before = try WebPHandler().parse(bytes)
        var edit = MetadataEdit()
        edit.xmp = .replace(Array("<?xpacket begin=\"\" id=\"W5M0MpCehiHzreSzNTczkc9d\"?><x:xmpmeta xmlns:x=\"adobe:ns:meta/\"/><?xpacket end=\"w\"?>".utf8))
        let rewritten = try WebPHandler().rewrite(bytes, applying: edit).bytes
        #expect(Array(rewritten[12..<16]) == Array("VP8X".utf8))
        #expect(rewritten[20] & 0x04 == 0x04, "the XMP flag")
        let after = try WebPHandler().parse(rewritten)
        #expect(after.width == before.width && after.height == before.height)
        #expect(after.webpCoding?.extended == true)
        // The RIFF size is the file's, less its 8-byte header.
        let size = Int(rewritten[4]) | Int(rewritten[5]) << 8 | Int(rewritten[6]) << 16 | Int(rewritten[7]) << 24
        #expect(size == rewritten.count - 8)
        // Removing the XMP clears its flag again.
        var removal = MetadataEdit()
        removal.xmp = .remove
        let removed = try WebPHandler().rewrite(rewritten, applying: removal).bytes
        let reparsed = try WebPHandler().parse(removed)
        #expect(removed[20] & 0x04 == 0 && reparsed.xmp == nil)
    }

    // MARK: Hostile input, each named after its attack

    @Test("RIFF size past the end of the file is refused as truncated")
    func riffSizePastTheEnd() throws {
        let bytes = try Repository.fixtureBytes("malformed/webp-riff-size-past-end.webp")
        #expect(throws: MediaError.truncated) { try WebPHandler().parse(bytes) }
        #expect(throws: MediaError.truncated) { try WebPHandler().locateC2PAStore(in: bytes, isPrefix: false) }
        #expect(throws: MediaError.self) { try MediaFile(path: "x.webp", bytes: bytes) }
    }

    @Test("Chunk size past the end of the RIFF is refused as truncated")
    func chunkSizePastTheEnd() throws {
        let bytes = try Repository.fixtureBytes("malformed/webp-chunk-size-past-end.webp")
        #expect(throws: MediaError.truncated) { try WebPHandler().parse(bytes) }
        #expect(throws: MediaError.truncated) { try WebPHandler().rewrite(bytes, applying: MetadataEdit()) }
    }

    @Test("A WebP cut inside its image data is refused as truncated")
    func truncatedWebP() throws {
        #expect(throws: MediaError.truncated) { try WebPHandler().parse(try Repository.fixtureBytes("malformed/webp-truncated.webp")) }
    }

    @Test("Chunk-count bomb: more chunks than the documented limit is refused, not walked")
    func chunkCountBomb() throws {
        #expect(throws: MediaError.limitExceeded) { try WebPHandler().parse(RIFFTestFiles.chunkCountBomb(form: "WEBP")) }
    }

    @Test("A VP8X chunk shorter than 10 bytes or not first is refused")
    func malformedVP8X() throws {
        var bytes = Array("RIFF".utf8) + [0, 0, 0, 0] + Array("WEBP".utf8) + Array("VP8X".utf8) + [2, 0, 0, 0, 0, 0]
        let size = UInt32(bytes.count - 8)
        bytes.replaceSubrange(4..<8, with: [UInt8(size), 0, 0, 0])
        #expect(throws: MediaError.malformed) { try WebPHandler().parse(bytes) }
    }
}
