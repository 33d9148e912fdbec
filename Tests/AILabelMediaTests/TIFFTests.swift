@testable import AILabelMedia
import AILabelTestSupport
import Foundation
import Testing

/// TIFF and DNG: the directory walk (classic and BigTIFF, II and MM), what it reads, how a rewrite
/// lays the file out, and every attack the container allows, each refused under a documented limit.
@Suite("TIFF and DNG: walking, rewriting and hostile directories")
struct TIFFTests {
    /// A classic little-endian TIFF built entry by entry: `entries` are (tag, type, count, field) with
    /// the field as the 4 bytes stored; `extra` bytes follow the directory.
    static func tiff(entries: [(UInt16, UInt16, UInt32, UInt32)], ifdOffset: UInt32 = 8, next: UInt32 = 0, extra: [UInt8] = []) -> [UInt8] {
        var out: [UInt8] = [0x49, 0x49, 0x2A, 0x00] + le32(ifdOffset)
        while out.count < Int(ifdOffset) { out.append(0) }
        out += le16(UInt16(entries.count))
        for (tag, type, count, field) in entries { out += le16(tag) + le16(type) + le32(count) + le32(field) }
        out += le32(next)
        return out + extra
    }

    static func le16(_ value: UInt16) -> [UInt8] { [UInt8(value & 0xFF), UInt8(value >> 8)] }
    static func le32(_ value: UInt32) -> [UInt8] { (0..<4).map { UInt8(truncatingIfNeeded: value >> (8 * $0)) } }
    static func le64(_ value: UInt64) -> [UInt8] { (0..<8).map { UInt8(truncatingIfNeeded: value >> (8 * $0)) } }

    /// A valid 4×2 grey image: its 8 pixel bytes at the end of the file.
    static func minimal(extraEntries: [(UInt16, UInt16, UInt32, UInt32)] = [], next: UInt32 = 0) -> [UInt8] {
        let count = 8 + extraEntries.count
        let dataAt = UInt32(8 + 2 + 12 * count + 4)
        let entries: [(UInt16, UInt16, UInt32, UInt32)] = [
            (256, 3, 1, 4), (257, 3, 1, 2), (258, 3, 1, 8), (259, 3, 1, 1), (262, 3, 1, 1), (273, 4, 1, dataAt), (278, 3, 1, 2), (279, 4, 1, 8),
        ] + extraEntries
        return tiff(entries: entries.sorted { $0.0 < $1.0 }, next: next, extra: [10, 20, 30, 40, 50, 60, 70, 80])
    }

    static func refusal(_ bytes: [UInt8]) -> MediaError? {
        do {
            _ = try TIFFHandler().parse(bytes)
            return nil
        } catch let error as MediaError {
            return error
        } catch {
            return nil
        }
    }

    @Test("The minimal hand-built TIFF parses: the builder the attacks start from is sound")
    func minimalParses() throws {
        let contents = try TIFFHandler().parse(Self.minimal())
        #expect(contents.format == .tiff && contents.width == 4 && contents.height == 2)
        #expect(contents.imageDataRanges.count == 1 && contents.imageDataRanges[0].count == 8)
    }

    @Test("An IFD chain that loops back (to itself or to an earlier page) is refused")
    func ifdLoopIsRefused() {
        let selfLoop = Self.minimal(next: 8)
        #expect(Self.refusal(selfLoop)?.code == .malformed && Self.refusal(selfLoop)?.reason.contains("loop") == true)
        // IFD0 → IFD1 → IFD0.
        var twoNode = Self.minimal(next: 0)
        let second = UInt32(twoNode.count)
        twoNode += Self.le16(1) + Self.le16(256) + Self.le16(3) + Self.le32(1) + Self.le32(4) + Self.le32(8)
        let nextField = 8 + 2 + 12 * 8
        twoNode.replaceSubrange(nextField..<nextField + 4, with: Self.le32(second))
        #expect(Self.refusal(twoNode)?.reason.contains("loop") == true)
    }

    @Test("A SubIFD pointing back at its own page is a loop, refused")
    func subIFDLoopIsRefused() {
        let bytes = Self.minimal(extraEntries: [(330, 4, 1, 8)])
        #expect(Self.refusal(bytes)?.reason.contains("loop") == true)
    }

    @Test("Offsets past the end (first IFD, next IFD, a strip, the XMP) are refused as truncated")
    func offsetPastEndIsRefused() {
        var header = Self.minimal()
        header.replaceSubrange(4..<8, with: Self.le32(0x7FFF_FFF0))
        #expect(Self.refusal(header)?.code == .truncated)
        #expect(Self.refusal(Self.minimal(next: 0x7FFF_FFF0))?.code == .truncated)
        let strip = Self.tiff(entries: [(256, 3, 1, 4), (257, 3, 1, 2), (273, 4, 1, 0x7FFF_0000), (279, 4, 1, 8)])
        #expect(Self.refusal(strip)?.code == .truncated)
        #expect(Self.refusal(Self.minimal(extraEntries: [(700, 1, 5000, 0x10)]))?.code == .truncated)
        #expect(Self.refusal(Self.minimal(extraEntries: [(0xCD41, 7, 100, 0x7FFF_FFFF)]))?.code == .truncated)
    }

    @Test("Counts whose byte size overflows or passes the file are refused before anything is allocated")
    func hugeCountIsRefused() {
        // A BigTIFF whose IFD0 declares 2^40 entries.
        var big: [UInt8] = [0x49, 0x49, 0x2B, 0x00, 8, 0, 0, 0] + Self.le64(16)
        big += Self.le64(1 << 40) + [UInt8](repeating: 0, count: 64)
        #expect(Self.refusal(big)?.code == .limitExceeded)
        // A BigTIFF XMP entry whose count times its size overflows 64 bits.
        var overflow: [UInt8] = [0x49, 0x49, 0x2B, 0x00, 8, 0, 0, 0] + Self.le64(16) + Self.le64(3)
        overflow += Self.le16(256) + Self.le16(3) + Self.le64(1) + Self.le64(4)
        overflow += Self.le16(257) + Self.le16(3) + Self.le64(1) + Self.le64(2)
        overflow += Self.le16(700) + Self.le16(5) + Self.le64(UInt64.max / 4) + Self.le64(16)
        overflow += Self.le64(0)
        #expect(Self.refusal(overflow) != nil)
        // Strip offsets declaring a billion strips in a tiny file.
        let strips = Self.tiff(entries: [(256, 3, 1, 4), (257, 3, 1, 2), (273, 4, 1_000_000_000, 8), (279, 4, 1_000_000_000, 8)])
        #expect(Self.refusal(strips)?.code == .truncated || Self.refusal(strips)?.code == .limitExceeded)
    }

    @Test("An XMP packet declared larger than the XMP limit is refused before it is read")
    func xmpBombIsRefused() {
        // 17 MiB of XMP declared, the bytes there (a sparse-looking file of zeros).
        let size = UInt32(XMPPacket.maximumPacketSize + 1)
        let bytes = Self.minimal(extraEntries: [(700, 1, size, 200)]) + [UInt8](repeating: 0, count: Int(size) + 200)
        #expect(Self.refusal(bytes)?.code == .limitExceeded)
    }

    @Test("A strip over the TIFF header is refused: a rewrite must change the header, so it could not keep that image data")
    func stripOverTheHeaderIsRefused() throws {
        // StripOffsets 0: the 8 pixel bytes are the header itself.
        let entries: [(UInt16, UInt16, UInt32, UInt32)] = [(256, 3, 1, 4), (257, 3, 1, 2), (258, 3, 1, 8), (259, 3, 1, 1), (262, 3, 1, 1), (273, 4, 1, 0), (278, 3, 1, 2), (279, 4, 1, 8)]
        let error = try #require(Self.refusal(Self.tiff(entries: entries)))
        #expect(error.code == .malformed && error.reason.contains("overlaps the 8-byte TIFF header"), "\(error)")
        #expect(Self.refusal(Self.minimal()) == nil, "a strip after the header is fine")
        // The fuzzer's file: its one strip ran from byte 0, and a stamp's new IFD0 offset changed it.
        let finding = try Repository.fixtureBytes("fuzz/tiff/tiff-strip-over-the-header.bin")
        #expect(Self.refusal(finding)?.code == .malformed)
    }

    @Test("A directory or a read value inside the TIFF header is refused: a rewrite changes the header under it")
    func directoryInsideTheHeaderIsRefused() throws {
        // IFD0's next directory at byte 4: the header's own IFD0 offset, read as an entry count.
        let nextInHeader = try #require(Self.refusal(Self.minimal(next: 4)))
        #expect(nextInHeader.code == .malformed && nextInHeader.reason.contains("inside the 8-byte TIFF header"), "\(nextInHeader)")
        // XMP (tag 700, read) with its bytes at offset 2.
        let xmpInHeader = try #require(Self.refusal(Self.minimal(extraEntries: [(700, 1, 6, 2)])))
        #expect(xmpInHeader.code == .malformed, "\(xmpInHeader)")
        // A tag the walker does not read, pointing into the header: a warning, as one pointing past the end.
        let other = try TIFFHandler().parse(Self.minimal(extraEntries: [(33_000, 1, 6, 2)]))
        #expect(other.warnings.contains { $0.contains("points inside the TIFF header") })
        // The fuzzer's file: IFD1 at byte 4 held 8 entries; after a stamp wrote a new IFD0 offset there, 188.
        let finding = try Repository.fixtureBytes("fuzz/tiff/tiff-next-directory-inside-the-header.bin")
        #expect(Self.refusal(finding)?.code == .malformed)
    }

    @Test("More SubIFDs than c2pa-rs accepts (the tiff_poc.tiff attack) are refused")
    func subIFDBombIsRefused() {
        let bytes = Self.minimal(extraEntries: [(330, 4, 1001, 200)]) + [UInt8](repeating: 0, count: 4100)
        #expect(Self.refusal(bytes)?.code == .limitExceeded)
    }

    @Test("Strips that all name the same bytes, together larger than the file, are refused")
    func stripAmplificationIsRefused() {
        // 64 strips of 1000 bytes, all at byte 8 of a file of about 1.7 KB.
        let count: UInt32 = 64
        var bytes = Self.tiff(entries: [(256, 3, 1, 4), (257, 3, 1, 128), (258, 3, 1, 8), (273, 4, count, 200), (278, 3, 1, 2), (279, 4, count, 200 + count * 4)])
        while bytes.count < 200 { bytes.append(0) }
        bytes += (0..<count).flatMap { _ in Self.le32(8) }
        bytes += (0..<count).flatMap { _ in Self.le32(1000) }
        bytes += [UInt8](repeating: 7, count: 1000)
        #expect(Self.refusal(bytes)?.code == .limitExceeded)
    }

    @Test("A chain of more pages than c2pa-rs accepts is refused")
    func tooManyPagesIsRefused() {
        // 2001 one-entry IFDs, each pointing at the next.
        var bytes: [UInt8] = [0x49, 0x49, 0x2A, 0x00] + Self.le32(8)
        for page in 0..<2001 {
            let next = page == 2000 ? 0 : UInt32(bytes.count + 18)
            bytes += Self.le16(1) + Self.le16(256) + Self.le16(3) + Self.le32(1) + Self.le32(4) + Self.le32(next)
        }
        #expect(Self.refusal(bytes)?.code == .limitExceeded)
    }

    @Test("Every cut of a stamped TIFF before its last byte is refused, never a crash")
    func truncatedFileIsRefused() throws {
        let stamped = try TIFFHandler().rewrite(try Repository.fixtureBytes("media/metadata.tif"), applying: HandlerContractTests.stampEdit(storePayload: 50)).bytes
        for length in stride(from: 0, to: stamped.count, by: 7) {
            #expect(Self.refusal(Array(stamped.prefix(length))) != nil, "cut at \(length)")
        }
    }

    @Test("A C2PA entry of another type than UNDEFINED is a store that cannot be read, as in c2pa-rs")
    func wrongC2PATypeIsAnUnreadableStore() throws {
        let bytes = Self.minimal(extraEntries: [(0xCD41, 1, 8, UInt32(8 + 2 + 12 * 9 + 4))])
        let location = try TIFFHandler().locateC2PAStore(in: bytes, isPrefix: false)
        #expect(location.storeCount == 1 && location.store == nil)
    }

    @Test("Classic and BigTIFF, little- and big-endian, tiled and stripped: sizes, coding, XMP, ICC and descriptive tags")
    func fixturesParse() throws {
        let handler = TIFFHandler()
        let metadata = try handler.parse(try Repository.fixtureBytes("media/metadata.tif"))
        #expect(String(decoding: try #require(metadata.xmp), as: UTF8.self).contains("TIFF Fixture Author"))
        #expect(metadata.icc != nil)
        let exif = try EXIFMetadata(tiff: try #require(metadata.exif))
        #expect(exif.tag(0x010E)?.value == "A TIFF fixture with XMP and ICC")
        #expect(metadata.tiffCoding?.compression == 5)

        let bigEndian = try handler.parse(try Repository.fixtureBytes("media/bigendian.tif"))
        #expect(bigEndian.tiffCoding?.byteOrder == "MM" && bigEndian.width == 48 && bigEndian.height == 40)
        #expect(bigEndian.imageDataRanges == [8..<8 + 48 * 40], "two adjacent strips make one run")

        let tiled = try handler.parse(try Repository.fixtureBytes("media/tiled-bigtiff.tif"))
        #expect(tiled.tiffCoding?.bigTIFF == true && tiled.tiffCoding?.tiled == true)
        #expect(tiled.imageDataRanges.reduce(0) { $0 + $1.count } == 9 * 16 * 16 * 3)

        let pages = try handler.parse(try Repository.fixtureBytes("media/multipage.tif"))
        #expect(pages.tiffCoding?.pages == 3)
        #expect(handler.refined(by: pages).declaration.carries.contains(.pixels), "a multi-page TIFF is re-encoded page by page")

        let dng = try handler.parse(try Repository.fixtureBytes("media/raw.dng"))
        #expect(dng.format == .dng && dng.width == 64 && dng.height == 48, "the DNG's size is its raw image's, not the preview's")
        #expect(dng.tiffCoding?.dngVersion == "1.4.0.0" && dng.tiffCoding?.photometric == 32803)
        #expect(handler.refined(by: dng).format == .dng)
    }

    @Test("A multi-page TIFF decodes to one frame per page and re-encodes every page with its own size, compression and resolution, losslessly")
    func pagesRoundTrip() throws {
        let original = try Repository.fixtureBytes("media/pages-photo.tif")
        let handler = TIFFHandler()
        let contents = try handler.parse(original)
        #expect(contents.tiffCoding?.pages == 2)
        let frames = try handler.decodeFrames(original, maxPixels: 10_000_000)
        #expect(frames.map { [$0.width, $0.height] } == [[256, 192], [224, 160]])
        #expect(throws: MediaError.self) { try handler.decodeFrames(original, maxPixels: 256 * 192 + 1000) }

        var marked = frames
        marked[1].pixels[0] ^= 0xFF
        let encoded = try handler.encodeFrames(marked, like: contents, in: original).bytes
        #expect(try handler.decodeFrames(encoded, maxPixels: 10_000_000) == marked, "LZW keeps every page's pixels")
        let structure = try TIFFStructure(reading: encoded)
        #expect(structure.pages.count == 2)
        for page in structure.pages {
            let coding = try TIFFHandler.pageCoding(of: page, in: structure, reader: encoded)
            #expect(coding.compression == 5, "LZW, as the original")
            #expect(coding.resolution?.x == 300 && coding.resolution?.y == 300 && coding.resolution?.unit == 2, "300 dpi, as the original")
        }
        // The three small Deflate pages of multipage.tif too.
        let small = try Repository.fixtureBytes("media/multipage.tif")
        let smallFrames = try handler.decodeFrames(small, maxPixels: 10_000_000)
        #expect(smallFrames.count == 3)
        let smallEncoded = try handler.encodeFrames(smallFrames, like: try handler.parse(small), in: small).bytes
        #expect(try handler.parse(smallEncoded).tiffCoding?.pages == 3 && (try handler.decodeFrames(smallEncoded, maxPixels: 10_000_000)) == smallFrames)
        #expect(throws: MediaError.self) { try handler.encodeFrames(Array(smallFrames.prefix(2)), like: try handler.parse(small), in: small) }
    }

    @Test("A rewrite keeps every original byte where it was and appends IFD0, the changed values and the store last")
    func rewriteAppends() throws {
        for name in ["rgb-strips.tif", "alpha-lzw.tif", "multipage.tif", "bigendian.tif", "tiled-bigtiff.tif", "raw.dng"] {
            let original = try Repository.fixtureBytes("media/" + name)
            let handler = TIFFHandler()
            let rewritten = try handler.rewrite(original, applying: HandlerContractTests.stampEdit(storePayload: 500))
            let contents = try handler.parse(rewritten.bytes)
            let range = try #require(rewritten.c2paStoreRange)
            #expect(range.upperBound == rewritten.bytes.count, "\(name): the store is last")
            #expect(contents.blocks.last?.kind == .c2pa, "\(name)")
            // Every strip, tile and page of the original is still where it was.
            let before = try handler.parse(original)
            #expect(before.imageDataRanges == contents.imageDataRanges, "\(name)")
            #expect(contents.tiffCoding?.pages == before.tiffCoding?.pages, "\(name)")
            // A second stamp replaces what the first appended instead of piling up.
            let again = try handler.rewrite(rewritten.bytes, applying: HandlerContractTests.stampEdit(storePayload: 900))
            #expect(again.bytes.count == rewritten.bytes.count + 400, "\(name): \(again.bytes.count) vs \(rewritten.bytes.count)")
        }
    }

    @Test("The descriptive tags an EXIF edit carries are set in IFD0, and a re-parse reads them")
    func descriptiveTagsAreWritten() throws {
        let original = try Repository.fixtureBytes("media/rgb-strips.tif")
        let handler = TIFFHandler()
        let block = try #require(try EXIFMetadata.addingMissing(
            [EXIFMetadata.ASCIIValue(directory: .ifd0, tag: 0x010E, value: "Made with AI"), EXIFMetadata.ASCIIValue(directory: .ifd0, tag: 0x0131, value: "Generator 1")],
            to: handler.parse(original).exif))
        var edit = MetadataEdit()
        edit.exif = .replace(block)
        let rewritten = try handler.rewrite(original, applying: edit)
        let exif = try EXIFMetadata(tiff: try #require(try handler.parse(rewritten.bytes).exif))
        #expect(exif.tag(0x010E)?.value == "Made with AI" && exif.tag(0x0131)?.value == "Generator 1")
    }

    @Test("c2pa-rs's multi-page layout (the store in a directory of its own, last) is read, and replaced into IFD0")
    func separateStoreDirectoryIsReadAndReplaced() throws {
        let handler = TIFFHandler()
        let original = try Repository.fixtureBytes("media/multipage.tif")
        let structure = try handler.parse(original)
        // Lay out what c2pa-rs 0.91 writes: a directory holding only tag 0xCD41 linked after the last page.
        let store = HandlerContractTests.store(payload: 64)
        var bytes = original
        while bytes.count % 4 != 0 { bytes.append(0) }
        let ifdAt = bytes.count
        bytes += Self.le16(1) + Self.le16(0xCD41) + Self.le16(7) + Self.le32(UInt32(store.count)) + Self.le32(UInt32(ifdAt + 18)) + Self.le32(0)
        bytes += store
        let lastPage = try #require(structure.blocks.filter { $0.name.hasPrefix("IFD") }.last)
        let nextField = lastPage.offset + lastPage.size - 4
        bytes.replaceSubrange(nextField..<nextField + 4, with: Self.le32(UInt32(ifdAt)))
        let located = try handler.locateC2PAStore(in: bytes, isPrefix: false)
        #expect(located.store == store && located.ranges == [ifdAt + 18..<ifdAt + 18 + store.count])
        #expect(try handler.parse(bytes).tiffCoding?.pages == 3, "the store's directory is no page")

        var edit = MetadataEdit()
        edit.c2paStore = .replace(HandlerContractTests.store(payload: 80))
        let replaced = try handler.rewrite(bytes, applying: edit)
        let after = try handler.parse(replaced.bytes)
        #expect(after.c2paStore == HandlerContractTests.store(payload: 80) && after.c2paStoreCount == 1)
        #expect(after.blocks.filter { $0.name.contains("C2PA only") }.isEmpty, "the old store's directory is unlinked")
        #expect(after.tiffCoding?.pages == 3)
    }
}
