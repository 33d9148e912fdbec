@testable import AILabelMedia
import AILabelTestSupport
import Foundation
import Testing

/// HEIF/HEIC and AVIF items: XMP and EXIF read and written as items, offsets moved, hostile files refused.
@Suite("HEIF and AVIF")
struct HEIFTests {
    static let packet = Array("""
        <?xpacket begin="\u{FEFF}" id="W5M0MpCehiHzreSzNTczkc9d"?><x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF \
        xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description rdf:about="" \
        xmlns:dc="http://purl.org/dc/elements/1.1/" dc:format="image/heif"/></rdf:RDF></x:xmpmeta><?xpacket end="w"?>
        """.utf8)

    @Test("Brands decide the format: HEIC with mif1 first is heif, AVIF is avif")
    func sniffing() throws {
        for (path, format) in [("media/plain.heic", MediaFormat.heif), ("media/plain.avif", .avif), ("media/pillow.avif", .avif), ("media/alpha.heic", .heif)] {
            #expect(AssetRegistry.standard.sniff(try Repository.fixtureBytes(path)) == format, "\(path)")
        }
        let wild = Repository.root().appendingPathComponent("../shared/wild/other/c2pa-rs__sdk_tests_fixtures_sample1.heif").path
        if FileManager.default.fileExists(atPath: wild) {
            let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: wild)))
            #expect(AssetRegistry.standard.sniff(bytes) == .heif, "ftyp mif1 with heic compatible")
            #expect(try HEIFHandler.heif.parse(bytes).width == 1440)
        }
    }

    @Test("Coding, size, alpha and the primary item are read from the item properties")
    func coding() throws {
        let heic = try HEIFHandler.heif.parse(try Repository.fixtureBytes("media/plain.heic"))
        #expect(heic.width == 96 && heic.height == 64)
        #expect(heic.heifCoding?.primaryItemType == "hvc1")
        let alpha = try HEIFHandler.avif.parse(try Repository.fixtureBytes("media/alpha.avif"))
        #expect(alpha.heifCoding?.alpha == true && alpha.heifCoding?.primaryItemType == "av01")
        #expect(try HEIFHandler.heif.parse(try Repository.fixtureBytes("media/alpha.heic")).heifCoding?.alpha == true)
    }

    @Test("exiftool's XMP and EXIF items are read; a new XMP replaces its item (no second XMP item), and the image decodes the same")
    func xmpItemReplaced() throws {
        let bytes = try Repository.fixtureBytes("media/metadata.heic")
        let before = try HEIFHandler.heif.parse(bytes)
        #expect(String(decoding: try #require(before.xmp), as: UTF8.self).contains("HEIF Fixture Author"))
        #expect(before.exif != nil)
        var edit = MetadataEdit()
        edit.xmp = .replace(Self.packet)
        let rewritten = try HEIFHandler.heif.rewrite(bytes, applying: edit).bytes
        let after = try HEIFHandler.heif.parse(rewritten)
        #expect(after.xmp == Self.packet)
        #expect(after.blocks.filter { $0.kind == .xmp }.count == 1)
        #expect(after.exif == before.exif, "the EXIF item is kept")
        #expect(ByteRanges.equal(bytes, before.imageDataRanges, rewritten, after.imageDataRanges))
        // Stamping again replaces ailabel's own item and its mdat: the same bytes.
        #expect(try HEIFHandler.heif.rewrite(rewritten, applying: edit).bytes == rewritten)
        // Removing the XMP removes its item and ailabel's mdat.
        var removal = MetadataEdit()
        removal.xmp = .remove
        let removed = try HEIFHandler.heif.rewrite(rewritten, applying: removal).bytes
        #expect(try HEIFHandler.heif.parse(removed).xmp == nil)
        #expect(removed.count < rewritten.count)
    }

    @Test("The iloc offsets of every item move with their bytes when the C2PA box and bigger meta go in: libheif decodes the same pixels",
          arguments: ["media/plain.heic", "media/alpha.heic", "media/plain.avif", "media/alpha.avif", "media/pillow.avif", "media/metadata.heic"])
    func offsetsMoveWithTheirBytes(_ path: String) throws {
        let bytes = try Repository.fixtureBytes(path)
        let handler = try #require(AssetRegistry.standard.handler(for: bytes))
        var edit = MetadataEdit()
        edit.xmp = .replace(Self.packet + [UInt8](repeating: 0x20, count: 3000))
        edit.exif = .replace(Array("MM\0*\0\0\0\u{8}\0\0\0\0\0\0".utf8))
        edit.c2paStore = .replace([UInt8](repeating: 7, count: 5000))
        let rewritten = try handler.rewrite(bytes, applying: edit)
        #expect(rewritten.c2paStoreRange?.lowerBound == Int(bytes[3]), "the store's box follows ftyp")
        let folder = try Repository.temporaryDirectory("heif-offsets")
        defer { try? FileManager.default.removeItem(at: folder) }
        let suffix = (path as NSString).pathExtension
        let original = folder.appendingPathComponent("original.\(suffix)")
        let changed = folder.appendingPathComponent("changed.\(suffix)")
        try Data(bytes).write(to: original)
        try Data(rewritten.bytes).write(to: changed)
        func decoded(_ url: URL) throws -> Data {
            // Y4M: the decoded planes and nothing else (a PNG would carry the file's XMP and EXIF along).
            let png = url.deletingPathExtension().appendingPathExtension("y4m")
            let run = try ProcessRunner.run("heif-convert", [url.path, png.path])
            #expect(run.status == 0, "heif-convert \(url.lastPathComponent): \(run.stderr)")
            return try Data(contentsOf: png)
        }
        #expect(try decoded(original) == decoded(changed), "\(path): the rewritten file decodes to the same pixels")
    }

    @Test("ilocOffsetOutOfRangeIsRefused: an item whose extent lies past the end of the file is refused")
    func ilocOffsetOutOfRangeIsRefused() throws {
        let error = try #require(throws: MediaError.self) {
            try HEIFHandler.heif.parse(try Repository.fixtureBytes("malformed/heif-iloc-offset-out-of-range.heic"))
        }
        #expect(error.reason.contains("iloc"), "\(error)")
        var edit = MetadataEdit()
        edit.xmp = .replace(Self.packet)
        #expect(throws: MediaError.self) { try HEIFHandler.heif.rewrite(try Repository.fixtureBytes("malformed/heif-iloc-offset-out-of-range.heic"), applying: edit) }
    }

    @Test("ilocExtentToEndPastIdatIsRefused: an idat item's lone extent of length 0 (to the end) starting past the idat box is refused, not a trap (a fuzz finding)")
    func ilocExtentToEndPastIdatIsRefused() throws {
        // The fuzzer's input: the length of a to-the-end extent was computed by a subtraction that went
        // negative when the extent started past its idat box, and the conversion trapped.
        let bytes = try Repository.fixtureBytes("fuzz/heif/iloc-idat-extent-to-end-past-idat.heic")
        let error = try #require(throws: MediaError.self) { try HEIFHandler.heif.parse(bytes) }
        #expect(error.reason.contains("iloc") && error.reason.contains("idat"), "\(error)")
    }

    /// The error a rewrite that writes an XMP packet into `fixture` must end on.
    static func xmpRewriteError(_ fixture: String, _ handler: HEIFHandler) throws -> MediaError {
        let bytes = try Repository.fixtureBytes(fixture)
        var edit = MetadataEdit()
        edit.xmp = .replace(packet)
        return try #require(throws: MediaError.self) { try handler.rewrite(bytes, applying: edit) }
    }

    @Test("itemIDAtUInt32MaxIsNotATrap: a HEIF whose largest item ID is 4294967295 gets its new XMP item a free ID instead of overflowing (a fuzz finding)")
    func itemIDAtUInt32MaxIsNotATrap() throws {
        // The fuzzer's input: the new item's ID was the largest in use plus one, which overflowed and
        // trapped. Now the rewrite gets past the ID and refuses this input for its next fault, its
        // extents; a trap would end the test process instead.
        let error = try Self.xmpRewriteError("fuzz/heif/item-id-at-uint32-max.heic", .heif)
        #expect(error.reason.contains("lie in boxes that move apart"), "\(error)")
    }

    @Test("emptyToTheEndExtentIsRefused: an item whose only extent runs to the end of the file from the end itself is refused by the rewrite, which would otherwise give it the bytes it appends (a fuzz finding)")
    func emptyToTheEndExtentIsRefused() throws {
        // The fuzzer's input (an AVIF): its primary item's extent has length 0 ("to the end") and starts
        // at the end of the file, so its image data was empty; rewritten, the same iloc entry took in
        // the new XMP item's mdat, and the image data became 568 bytes.
        let error = try Self.xmpRewriteError("fuzz/avif/primary-extent-to-end-from-the-end.avif", .avif)
        #expect(error.reason.contains("runs to the end of the file from the end itself"), "\(error)")
    }

    @Test("emptyExtentsByTheTenThousandAreRefused: an iloc whose 0-byte fields give items tens of thousands of empty extents is refused when read, at once (a fuzz finding: 1.2 s under ASan for a 437-byte AVIF)")
    func emptyExtentsByTheTenThousandAreRefused() throws {
        // The fuzzer's file: offset and length fields of 0 bytes, so each extent costs nothing in the
        // file; five iloc entries list 29,548, 0, 10,841, 28,788 and 27,648 extents (96,825, under the
        // 100,000-extent limit), every one of length 0.
        let bytes = try Repository.fixtureBytes("fuzz/avif/empty-extents-by-the-ten-thousand.avif")
        #expect(bytes.count == 437)
        let error = try #require(throws: MediaError.self) { try HEIFHandler.avif.parse(bytes) }
        #expect(error.code == .malformed && error.reason.contains("29548 extents, one of length 0"), "\(error)")
        // A sole extent of length 0 still runs to the end of the file, as ISO/IEC 14496-12 has it.
        let lone = HEIFItemLocation(
            version: 0, offsetSize: 4, lengthSize: 4, baseOffsetSize: 0, indexSize: 0,
            entries: [.init(itemID: 1, constructionMethod: 0, dataReferenceIndex: 0, baseOffset: 0, extents: [.init(index: 0, offset: 8, length: 0)])])
        let payload = try lone.serialized()
        let reread = try HEIFItemLocation(payload: ArraySlice(payload.dropFirst(12)), version: 0, at: 0)
        #expect(reread.entries.first?.extents == [.init(index: 0, offset: 8, length: 0)])
        // Two extents, one of them of length 0: refused.
        var two = lone
        two.entries[0].extents.append(.init(index: 0, offset: 16, length: 4))
        let twoPayload = try two.serialized()
        #expect(throws: MediaError.malformed) { try HEIFItemLocation(payload: ArraySlice(twoPayload.dropFirst(12)), version: 0, at: 0) }
    }

    @Test("twoItemInfoBoxesAreRefused: a meta box with two iinf boxes is refused when read (rewritten, each got the item references after it: two iref boxes, a file that does not parse; a fuzz finding)")
    func twoItemInfoBoxesAreRefused() throws {
        let bytes = try Repository.fixtureBytes("fuzz/avif/two-iinf-boxes.avif")
        let error = try #require(throws: MediaError.self) { try HEIFHandler.avif.parse(bytes) }
        #expect(error.reason.contains("two iinf boxes"), "\(error)")
    }

    @Test("itemDataOverTheMetaBoxIsRefused: an image item whose file extent covers the header and the meta box is refused (a rewrite changes those bytes, so its \"image data\" could not stay the same; a fuzz finding)")
    func itemDataOverTheMetaBoxIsRefused() throws {
        // The fuzzer's file also described one item twice, which is now refused first; here the second
        // description has an ID of its own, so the overlap itself is what is refused.
        let bytes = try Repository.fixtureBytes("fuzz/heif/item-data-over-header-and-meta-unique-ids.heic")
        let error = try #require(throws: MediaError.self) { try HEIFHandler.heif.parse(bytes) }
        #expect(error.code == .malformed && error.reason.contains("overlaps the file's header or meta box"), "\(error)")
        // Files whose items lie in mdat, or in the idat box inside the meta box (construction method 1, as in
        // alpha.heic), still parse.
        for name in ["media/plain.heic", "media/alpha.heic"] {
            #expect(!(try HEIFHandler.heif.parse(try Repository.fixtureBytes(name)).imageDataRanges.isEmpty), "\(name)")
        }
    }

    @Test("itemDescribedTwiceIsRefused: two item entries with one ID (an `Exfi` and an XMP `mime` item 2) are refused (the item was both image data and the XMP packet a rewrite replaces; a fuzz finding)")
    func itemDescribedTwiceIsRefused() throws {
        let bytes = try Repository.fixtureBytes("fuzz/heif/item-described-twice.heic")
        let error = try #require(throws: MediaError.self) { try HEIFHandler.heif.parse(bytes) }
        #expect(error.code == .malformed && error.reason.contains("item 2 is described twice"), "\(error)")
    }

    @Test("truncatedHEIFIsRefused: a HEIC cut inside its boxes is refused with the box named")
    func truncatedHEIFIsRefused() throws {
        let error = try #require(throws: MediaError.self) { try HEIFHandler.heif.parse(try Repository.fixtureBytes("malformed/heif-truncated.heic")) }
        #expect(error.code == .truncated && error.reason.contains("meta"), "\(error)")
    }

    @Test("itemCountBombIsRefused: an iinf that claims more items than the limit is refused before reading them")
    func itemCountBombIsRefused() throws {
        var bytes = try Repository.fixtureBytes("media/plain.heic")
        let tree = try BMFFTree(bytes)
        let meta = try #require(tree.first(.meta))
        let iinf = try #require(tree.boxes[meta].children.first { tree.boxes[$0].type == .iinf })
        let at = tree.boxes[iinf].payloadStart
        bytes[at] = 0xFF
        bytes[at + 1] = 0xFF
        let error = try #require(throws: MediaError.self) { try HEIFHandler.heif.parse(bytes) }
        #expect(error.code == .limitExceeded, "\(error)")
    }
    @Test("c2paBoxFloodIsLinear: a HEIC followed by 200,000 C2PA uuid boxes is rewritten with one look per box (each was searched for in the list of stores and of movies)")
    func c2paBoxFloodIsLinear() throws {
        let bytes = try Repository.fixtureBytes("media/plain.heic")
        let hostile = bytes + (0..<200_000).flatMap { _ in BMFFC2PABox.merkleBox([0xF6]) }
        var edit = MetadataEdit()
        edit.c2paStore = .remove
        edit.xmp = .replace(Array("<x:xmpmeta xmlns:x='adobe:ns:meta/'/>".utf8))
        let rewritten = try HEIFHandler.heif.rewrite(hostile, applying: edit).bytes
        let after = try HEIFHandler.heif.parse(rewritten)
        #expect(after.c2paStoreCount == 0 && after.xmp != nil)
        #expect(rewritten.count < bytes.count + 4096, "every C2PA box went with the stores")
    }

    @Test("Dropped items' extents are joined into spans once, and an mdat is covered by them exactly when the ordered walk over every extent said so")
    func mdatCoverageAgreesWithTheWalk() {
        func walk(_ target: Range<Int>, _ ranges: [Range<Int>]) -> Bool {
            var position = target.lowerBound
            for range in ranges.sorted(by: { $0.lowerBound < $1.lowerBound }) where range.upperBound > position {
                guard range.lowerBound <= position else { return false }
                position = range.upperBound
                if position >= target.upperBound { return true }
            }
            return position >= target.upperBound
        }
        var random = SystemRandomNumberGenerator()
        for _ in 0..<3_000 {
            let ranges: [Range<Int>] = (0..<Int.random(in: 0...8, using: &random)).map { _ in
                let start = Int.random(in: 0..<100, using: &random)
                return start..<start + Int.random(in: 0...30, using: &random)
            }
            let start = Int.random(in: 0..<100, using: &random)
            let target = start..<start + Int.random(in: 1...40, using: &random)
            #expect(HEIFRewriter.covered(target, by: RangeSpans.joined(ranges)) == walk(target, ranges), "\(target) by \(ranges)")
        }
    }
}

