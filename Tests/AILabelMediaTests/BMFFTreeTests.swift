import AILabelMedia
import AILabelTestSupport
import Testing

/// The ISO BMFF box walker shared by HEIF/AVIF and MP4: sizes, types, nesting and the attacks on them.
@Suite("ISO BMFF box walker")
struct BMFFTreeTests {
    static func box(_ type: String, _ payload: [UInt8]) -> [UInt8] {
        let size = UInt32(8 + payload.count)
        return [UInt8(size >> 24), UInt8(size >> 16 & 0xFF), UInt8(size >> 8 & 0xFF), UInt8(size & 0xFF)] + Array(type.utf8) + payload
    }

    static func largeBox(_ type: String, _ payload: [UInt8], claiming size: UInt64? = nil) -> [UInt8] {
        let size = size ?? UInt64(16 + payload.count)
        return [0, 0, 0, 1] + Array(type.utf8) + (0..<8).map { UInt8(size >> UInt64(56 - 8 * $0) & 0xFF) } + payload
    }

    static let ftyp = box("ftyp", Array("heic".utf8) + [0, 0, 0, 0] + Array("mif1heic".utf8))

    @Test("32-bit and 64-bit sizes, a size of 0 running to the end, uuid types, full boxes and containers are read as c2pa-rs reads them")
    func readsEveryHeaderForm() throws {
        let uuid = Self.box("uuid", BMFFUUID.c2pa + [0, 0, 0, 0] + Array("manifest".utf8) + [0] + [UInt8](repeating: 0, count: 8))
        let meta = Self.box("meta", [0, 0, 0, 0] + Self.box("hdlr", [0, 0, 0, 0] + Array("\0\0\0\0pict".utf8)) + Self.box("iloc", [1, 0, 0, 0, 0, 0]))
        let large = Self.largeBox("free", [1, 2, 3])
        let tail = [0, 0, 0, 0] + Array("mdat".utf8) + [9, 9, 9]
        let file = Self.ftyp + uuid + meta + large + tail
        let tree = try BMFFTree(file)
        let types = tree.topLevel.map { tree.boxes[$0].type.description }
        #expect(types == ["ftyp", "uuid", "meta", "free", "mdat"])
        let top = tree.topLevel.map { tree.boxes[$0] }
        #expect(top[1].userType == BMFFUUID.c2pa && top[1].version == 0 && top[1].headerSize == 24)
        #expect(top[2].version == 0 && top[2].children.count == 2)
        #expect(tree.path(of: top[2].children[1]) == "/meta/iloc")
        #expect(tree.boxes[top[2].children[1]].version == 1, "iloc is a full box")
        #expect(top[3].hasLargeSize && top[3].headerSize == 16 && top[3].range.count == 19)
        #expect(top[4].extendsToEnd && top[4].range.upperBound == file.count)
        #expect(tree.boxes(atXPath: "/meta/iloc") == [top[2].children[1]])
        #expect(tree.boxes(atXPath: "/uuid[1]") == [tree.topLevel[1]])
        #expect(tree.boxes(atXPath: "/uuid[2]") == nil)
        #expect(tree.boxes(atXPath: "/ab") == nil, "a part shorter than four characters is malformed, as in c2pa-rs")
    }

    @Test("A type is named by an xpath part exactly when its description is that text (printable bytes as themselves, others as U+FFFD)")
    func typeNamedAsDescribed() {
        let types: [FourCC] = ["moov", "free", "XMP_", "uri ", FourCC(0x00_6D_6F_6F), FourCC(0xFF_FE_20_7E), FourCC(0x7F_7F_7F_7F)]
        let names = ["moov", "free", "XMP_", "uri ", "uri", "moov ", "\u{FFFD}moo", "\u{FFFD}\u{FFFD} ~", "\u{FFFD}\u{FFFD}\u{FFFD}\u{FFFD}", "", "mo\u{0301}v", "MOOV"]
        for type in types {
            for name in names { #expect(type.isNamed(name) == (type.description == name), "\(type.quoted) and \(name.debugDescription)") }
            #expect(type.isNamed(type.description))
        }
    }

    @Test("An mdat that claims more than the file holds is read to the end of the file, as c2pa-rs does")
    func mdatPastEndIsCut() throws {
        let file = Self.ftyp + Self.largeBox("mdat", [1, 2, 3, 4], claiming: 1 << 40)
        let tree = try BMFFTree(file)
        #expect(tree.boxes[tree.topLevel[1]].range == Self.ftyp.count..<file.count)
        #expect(!tree.warnings.isEmpty)
    }

    @Test("An mdat inside a box that claims more than its parent holds is refused, not cut where the parent ends")
    func nestedMdatPastParentIsRefused() throws {
        let moov = Self.box("moov", Self.box("mvhd", [UInt8](repeating: 0, count: 100)) + [0, 0, 0x1F, 0xF2] + Array("mdat".utf8) + [1, 2, 3, 4])
        let error = try #require(throws: MediaError.self) { try BMFFTree(Self.ftyp + moov) }
        #expect(error.code == .truncated, "\(error)")
        // The fuzzer's QuickTime file: cut where moov ended, that mdat swallowed the udta a rewrite appended.
        let finding = try Repository.fixtureBytes("fuzz/mov/quicktime-mdat-inside-moov-past-its-end.bin")
        #expect(throws: MediaError.self) { try MP4Handler.mov.parse(finding) }
    }

    @Test("box64BitSizePastEndIsRefused: a box other than mdat whose 64-bit size runs past the end is refused")
    func box64BitSizePastEndIsRefused() throws {
        let file = Self.ftyp + Self.largeBox("meta", [0, 0, 0, 0], claiming: UInt64(Int64.max))
        #expect(throws: MediaError.self) { try BMFFTree(file) }
        #expect(throws: MediaError.self) { try BMFFTree(Self.ftyp + Self.largeBox("meta", [0, 0, 0, 0], claiming: UInt64.max)) }
        let fixture = try Repository.fixtureBytes("malformed/heif-box-64bit-size-past-end.heic")
        let error = try #require(throws: MediaError.self) { try HEIFHandler.heif.parse(fixture) }
        #expect(error.code == .truncated, "\(error)")
    }

    @Test("deeplyNestedBoxesAreRefused: containers nested deeper than 32 levels are refused without recursion")
    func deeplyNestedBoxesAreRefused() throws {
        var nested: [UInt8] = []
        for _ in 0..<10_000 { nested = Self.box("moov", nested) }
        let error = try #require(throws: MediaError.self) { try BMFFTree(Self.ftyp + nested) }
        #expect(error.code == .limitExceeded)
        var thirtyTwo: [UInt8] = Self.box("free", [])
        for _ in 0..<31 { thirtyTwo = Self.box("moov", thirtyTwo) }
        #expect(throws: Never.self) { try BMFFTree(Self.ftyp + thirtyTwo) }
        let fixture = try Repository.fixtureBytes("malformed/heif-deeply-nested.heic")
        #expect(throws: MediaError.self) { try HEIFHandler.heif.parse(fixture) }
    }

    @Test("boxSmallerThanItsHeaderIsRefused: a size below the header's own length is refused, not looped on")
    func boxSmallerThanItsHeaderIsRefused() {
        for size: UInt8 in [2, 7] {
            #expect(throws: MediaError.self) { try BMFFTree(Self.ftyp + [0, 0, 0, size] + Array("free".utf8) + [0, 0, 0, 0]) }
        }
        #expect(throws: MediaError.self) { try BMFFTree(Self.ftyp + Self.largeBox("free", [], claiming: 12)) }
    }

    @Test("childBoxPastItsParentIsRefused: a box inside a container that runs past the container is refused")
    func childBoxPastItsParentIsRefused() {
        let child = Self.box("hdlr", [0, 0, 0, 0, 1, 2, 3, 4])
        var meta = Self.box("meta", [0, 0, 0, 0] + child)
        meta[15] = 60  // the child's size now claims more than the meta holds
        #expect(throws: MediaError.self) { try BMFFTree(Self.ftyp + meta) }
    }

    @Test("tooManyBoxesAreRefused: more boxes than the limit are refused")
    func tooManyBoxesAreRefused() {
        var limits = BMFFLimits()
        limits.maximumBoxes = 100
        let file = Self.ftyp + (0..<200).flatMap { _ in Self.box("free", []) }
        #expect(throws: MediaError.self) { try BMFFTree(file, limits: limits) }
        #expect(throws: Never.self) { try BMFFTree(file) }
    }
}
