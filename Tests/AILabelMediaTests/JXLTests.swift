import AILabelMedia
import AILabelTestSupport
import Foundation
import Testing

@Suite("JPEG XL container")
struct JXLTests {
    @Test("Each kind of JPEG XL parses with its size and coding", arguments: [
        ("media/codestream.jxl", 256, 192, "lossy, 8-bit, encoded colour space, bare codestream"),
        ("media/lossless.jxl", 160, 144, "lossless, 8-bit, encoded colour space, container"),
        ("media/alpha.jxl", 192, 160, "lossy, 8-bit, alpha, encoded colour space, container"),
        ("media/recompressed.jxl", 192, 144, "lossy, 8-bit, recompressed JPEG, encoded colour space, container"),
        ("media/animated.jxl", 96, 64, "lossy, 8-bit, alpha, animated, encoded colour space, container"),
        ("media/metadata.jxl", 256, 192, "lossy, 8-bit, encoded colour space, container"),
    ])
    func parses(_ fixture: String, width: Int, height: Int, summary: String) throws {
        let file = try MediaFile(path: fixture, bytes: try Repository.fixtureBytes(fixture))
        #expect(file.format == .jxl)
        #expect(file.contents.width == width && file.contents.height == height)
        #expect(file.contents.coding?.summary == summary)
        #expect(!file.contents.imageDataRanges.isEmpty)
    }

    @Test("XMP and EXIF are read from plain boxes and from Brotli-compressed brob boxes alike",
          arguments: ["media/metadata.jxl", "media/compressed-metadata.jxl"])
    func readsMetadata(_ fixture: String) throws {
        let contents = try JXLHandler().parse(try Repository.fixtureBytes(fixture))
        #expect(String(decoding: try #require(contents.xmp), as: UTF8.self).contains("WebP Fixture Author"))
        let exif = try EXIFMetadata(tiff: try #require(contents.exif))
        #expect(exif.tag(EXIFTag.make)?.value == "Fixture Camera Maker")
    }

    @Test("A stamp puts the C2PA jumb box right after ftyp (c2pa-rs's place) and replaces a brob XMP in its place, codestream bytes unchanged")
    func rewriteLayout() throws {
        let bytes = try Repository.fixtureBytes("media/compressed-metadata.jxl")
        let handler = JXLHandler()
        let before = try handler.parse(bytes)
        let rewritten = try handler.rewrite(bytes, applying: HandlerContractTests.stampEdit(storePayload: 100))
        let after = try handler.parse(rewritten.bytes)
        #expect(after.blocks.map(\.name) == ["JXL ", "ftyp", "jumb", "xml ", "brob", "jxlc"])
        #expect(after.blocks[2].kind == .c2pa && after.c2paStoreCount == 1)
        #expect(after.c2paStoreRanges == [try #require(rewritten.c2paStoreRange)])
        #expect(after.xmp == HandlerContractTests.packet)
        #expect(after.exif == before.exif, "the brob EXIF is kept as it was")
        #expect(ByteRanges.equal(bytes, before.imageDataRanges, rewritten.bytes, after.imageDataRanges))
        // The store is the whole jumb box, header included, and found again by the structural walk.
        let location = try handler.locateC2PAStore(in: rewritten.bytes, isPrefix: false)
        #expect(location.ranges == after.c2paStoreRanges && location.store == HandlerContractTests.store(payload: 100))
    }

    @Test("A bare codestream that gains metadata is wrapped in a container; its codestream is copied unchanged into jxlc")
    func bareCodestreamIsWrapped() throws {
        let bytes = try Repository.fixtureBytes("media/codestream.jxl")
        let handler = JXLHandler()
        #expect(try handler.rewrite(bytes, applying: MetadataEdit()).bytes == bytes, "no edit, no container")
        let rewritten = try handler.rewrite(bytes, applying: HandlerContractTests.stampEdit(storePayload: 10)).bytes
        #expect(Array(rewritten.prefix(12)) == [0, 0, 0, 0x0C, 0x4A, 0x58, 0x4C, 0x20, 0x0D, 0x0A, 0x87, 0x0A])
        let after = try handler.parse(rewritten)
        #expect(after.blocks.map(\.name) == ["JXL ", "ftyp", "jumb", "xml ", "jxlc"])
        #expect(after.jxlCoding?.container == true)
        #expect(ByteRanges.equal(bytes, [0..<bytes.count], rewritten, after.imageDataRanges))
        #expect(try handler.locateC2PAStore(in: bytes, isPrefix: false) == .none)
    }

    @Test("Other jumb boxes are not the C2PA store, and every box is listed for a box hash with jumb named C2PA")
    func otherJUMBFBoxes() throws {
        let bytes = try Repository.fixtureBytes("media/lossless.jxl")
        let handler = JXLHandler()
        let signed = try handler.rewrite(bytes, applying: HandlerContractTests.stampEdit(storePayload: 10)).bytes
        let boxes = try #require(handler.c2paBoxes(in: signed))
        #expect(boxes.map(\.name) == ["JXL ", "ftyp", "C2PA", "xml ", "jxlc"])
        #expect(boxes.last?.range.upperBound == signed.count)
    }

    // MARK: Box bombs, each named after its attack

    @Test("Box size past the end of the file is refused as truncated")
    func boxSizePastTheEnd() throws {
        let bytes = try Repository.fixtureBytes("malformed/jxl-box-size-past-end.jxl")
        #expect(throws: MediaError.truncated) { try JXLHandler().parse(bytes) }
        #expect(throws: MediaError.truncated) { try JXLHandler().locateC2PAStore(in: bytes, isPrefix: false) }
        #expect(throws: MediaError.self) { try MediaFile(path: "x.jxl", bytes: bytes) }
    }

    @Test("A 64-bit box size near 2^64 is refused as truncated, without overflow")
    func sixtyFourBitSizePastTheEnd() throws {
        let bytes = try Repository.fixtureBytes("malformed/jxl-64bit-size-past-end.jxl")
        #expect(throws: MediaError.truncated) { try JXLHandler().parse(bytes) }
        #expect(throws: MediaError.truncated) { try JXLHandler().rewrite(bytes, applying: HandlerContractTests.stampEdit(storePayload: 1)) }
    }

    @Test("Box-count bomb: more top-level boxes than c2pa-rs's 1024 is refused, not walked")
    func boxCountBomb() throws {
        #expect(throws: MediaError.limitExceeded) { try JXLHandler().parse(try Repository.fixtureBytes("malformed/jxl-box-count-bomb.jxl")) }
    }

    @Test("Nested brob: a brob box that wraps a brob box is refused as malformed")
    func nestedBrob() throws {
        #expect(throws: MediaError.malformed) { try JXLHandler().parse(try Repository.fixtureBytes("malformed/jxl-nested-brob.jxl")) }
    }

    @Test("Brotli bomb: a brob XMP that inflates past 16 MB is refused while inflating, never allocated whole")
    func brobBomb() throws {
        let bytes = try Repository.fixtureBytes("malformed/jxl-brob-bomb.jxl")
        #expect(bytes.count < 10_000)
        #expect(throws: MediaError.limitExceeded) { try JXLHandler().parse(bytes) }
        // The store walk reads no metadata, so it still answers.
        #expect(try JXLHandler().locateC2PAStore(in: bytes, isPrefix: false) == .none)
    }

    @Test("A JPEG XL cut in half is refused as truncated")
    func truncatedJXL() throws {
        #expect(throws: MediaError.truncated) { try JXLHandler().parse(try Repository.fixtureBytes("malformed/jxl-truncated.jxl")) }
    }

    @Test("A box smaller than its own header is refused as malformed")
    func boxSmallerThanItsHeader() throws {
        var bytes = Array(try Repository.fixtureBytes("media/lossless.jxl").prefix(32))
        bytes += [0, 0, 0, 4] + Array("jxlc".utf8)
        #expect(throws: MediaError.malformed) { try JXLHandler().parse(bytes) }
    }
}
