/// The items of a HEIF/AVIF `meta` box (ISO/IEC 23008-12, ISO/IEC 14496-12 8.11): what each item is
/// (`iinf`), where its bytes are (`iloc`), how items refer to each other (`iref`), which is primary
/// (`pitm`), and their properties (`iprp`). Read from the meta box's bytes, every count and size
/// checked against the bytes that hold it.
struct HEIFMeta: Sendable {
    var primaryItem: UInt32?
    var items: [HEIFItemInfo] = []
    var location: HEIFItemLocation?
    var references: HEIFItemReferences?
    /// The properties, in `ipco` order (an association's index is 1-based into this).
    var properties: [(type: FourCC, payload: ArraySlice<UInt8>)] = []
    /// Item ID to 1-based property indexes.
    var associations: [UInt32: [Int]] = [:]
    /// `ipma`'s entries as the file lists them, with the essential flags: what a rewrite of `iprp`
    /// writes back (``associations`` is the lookup made from them).
    var associationEntries: [(id: UInt32, list: [HEIFPropertyAssociation])] = []
    /// The `iinf` box's version (0: 16-bit entry count).
    var itemInfoVersion: UInt8 = 0
    /// Offset of the meta's `idat` payload in the file, for items stored there (construction method 1).
    var itemData: Range<Int>?

    static let maximumItems = 10_000

    func item(_ id: UInt32) -> HEIFItemInfo? { items.first { $0.id == id } }

    /// The property of a type associated with an item.
    func property(_ type: FourCC, of item: UInt32) -> ArraySlice<UInt8>? {
        for index in associations[item] ?? [] where index >= 1 && index <= properties.count && properties[index - 1].type == type {
            return properties[index - 1].payload
        }
        return nil
    }
}

/// One `ipma` association: a 1-based index into `ipco`, and whether the property is essential.
struct HEIFPropertyAssociation: Sendable, Hashable {
    var index: Int
    var essential: Bool
}

/// One `infe` entry.
struct HEIFItemInfo: Sendable, Hashable {
    var id: UInt32
    /// `hvc1`, `av01`, `grid`, `Exif`, `mime`… (empty for version 0/1 entries, which have no type).
    var type: FourCC
    var name: String
    var contentType: String
    /// Where the `infe` box sits in the file.
    var box: Range<Int>

    var isXMP: Bool { type == "mime" && contentType.lowercased() == "application/rdf+xml" }
    var isExif: Bool { type == "Exif" }
}

/// Reads null-terminated strings and big-endian integers from a box payload, throwing at its end.
struct BoxPayloadReader {
    let bytes: ArraySlice<UInt8>
    var position: Int
    let what: String

    init(_ bytes: ArraySlice<UInt8>, what: String) {
        self.bytes = bytes
        self.position = bytes.startIndex
        self.what = what
    }

    var remaining: Int { bytes.endIndex - position }

    mutating func take(_ count: Int) throws -> ArraySlice<UInt8> {
        guard count >= 0, count <= remaining else { throw MediaError.make(.truncated, "\(what) ends early") }
        defer { position += count }
        return bytes[position..<position + count]
    }

    mutating func uint(_ width: Int) throws -> UInt64 {
        try take(width).reduce(0) { $0 << 8 | UInt64($1) }
    }

    mutating func uint8() throws -> UInt8 { UInt8(try uint(1)) }
    mutating func uint16() throws -> UInt16 { UInt16(try uint(2)) }
    mutating func uint32() throws -> UInt32 { UInt32(try uint(4)) }

    /// A null-terminated string; a missing terminator at the very end is tolerated (as libheif does).
    mutating func cString() -> String {
        let end = bytes[position...].firstIndex(of: 0) ?? bytes.endIndex
        defer { position = min(end + 1, bytes.endIndex) }
        return String(decoding: bytes[position..<end], as: UTF8.self)
    }
}

/// The `iloc` box: for each item, how its bytes are constructed and the extents that hold them.
struct HEIFItemLocation: Sendable, Hashable {
    var version: UInt8
    var offsetSize: Int
    var lengthSize: Int
    var baseOffsetSize: Int
    var indexSize: Int
    var entries: [Entry]

    struct Entry: Sendable, Hashable {
        var itemID: UInt32
        /// 0: file offsets; 1: offsets in the meta's `idat`; 2: offsets into another item.
        var constructionMethod: UInt8
        var dataReferenceIndex: UInt16
        var baseOffset: UInt64
        var extents: [Extent]
    }

    struct Extent: Sendable, Hashable {
        var index: UInt64
        var offset: UInt64
        var length: UInt64
    }

    static let maximumExtents = 100_000

    init(version: UInt8, offsetSize: Int, lengthSize: Int, baseOffsetSize: Int, indexSize: Int, entries: [Entry]) {
        self.version = version
        self.offsetSize = offsetSize
        self.lengthSize = lengthSize
        self.baseOffsetSize = baseOffsetSize
        self.indexSize = indexSize
        self.entries = entries
    }

    init(payload: ArraySlice<UInt8>, version: UInt8, at offset: Int) throws {
        var reader = BoxPayloadReader(payload, what: "the iloc box at byte \(offset)")
        guard version <= 2 else { throw MediaError.make(.malformed, "the iloc box at byte \(offset) has unknown version \(version)") }
        self.version = version
        let sizes = try reader.uint8()
        let more = try reader.uint8()
        offsetSize = Int(sizes >> 4)
        lengthSize = Int(sizes & 0x0F)
        baseOffsetSize = Int(more >> 4)
        indexSize = version == 0 ? 0 : Int(more & 0x0F)
        for size in [offsetSize, lengthSize, baseOffsetSize, indexSize] where ![0, 4, 8].contains(size) {
            throw MediaError.make(.malformed, "the iloc box at byte \(offset) uses a field size of \(size) bytes (0, 4 or 8 are allowed)")
        }
        let count = version < 2 ? Int(try reader.uint16()) : Int(try reader.uint32())
        guard count <= HEIFMeta.maximumItems else {
            throw MediaError.make(.limitExceeded, "the iloc box at byte \(offset) lists \(count) items, more than \(HEIFMeta.maximumItems)")
        }
        var entries: [Entry] = []
        var extentTotal = 0
        for _ in 0..<count {
            let id = version < 2 ? UInt32(try reader.uint16()) : try reader.uint32()
            let method = version == 0 ? 0 : UInt8(try reader.uint16() & 0x0F)
            let reference = try reader.uint16()
            let base = try reader.uint(baseOffsetSize)
            let extentCount = Int(try reader.uint16())
            extentTotal += extentCount
            guard extentTotal <= Self.maximumExtents else {
                throw MediaError.make(.limitExceeded, "the iloc box at byte \(offset) lists more than \(Self.maximumExtents) extents")
            }
            var extents: [Extent] = []
            for _ in 0..<extentCount {
                let index = version > 0 && indexSize > 0 ? try reader.uint(indexSize) : 0
                let extentOffset = try reader.uint(offsetSize)
                let length = try reader.uint(lengthSize)
                extents.append(Extent(index: index, offset: extentOffset, length: length))
            }
            // Length 0 means "to the end of the data", which only an item's sole extent can mean. Without
            // this, fields of 0 bytes let a 400-byte file list 100,000 empty extents, each one then
            // relocated, written out with 4-byte fields and read again (a fuzz finding: 1.2 s under ASan).
            if extentCount > 1, extents.contains(where: { $0.length == 0 }) {
                throw MediaError.make(
                    .malformed, "the iloc box at byte \(offset): item \(id) has \(extentCount) extents, one of length 0 (\"to the end\", which only an item's sole extent may be)")
            }
            entries.append(Entry(itemID: id, constructionMethod: method, dataReferenceIndex: reference, baseOffset: base, extents: extents))
        }
        self.entries = entries
    }

    func entry(for item: UInt32) -> Entry? { entries.first { $0.itemID == item } }

    /// The box's bytes.
    func serialized() throws -> [UInt8] {
        var out: [UInt8] = [UInt8(offsetSize << 4 | lengthSize), UInt8(baseOffsetSize << 4 | indexSize)]
        func field(_ value: UInt64, _ width: Int, _ what: String) throws {
            if width == 4, value > UInt64(UInt32.max) {
                throw MediaError.make(.limitExceeded, "an iloc \(what) of \(value) does not fit its 4-byte field")
            }
            if width == 0, value != 0 { throw MediaError.make(.limitExceeded, "an iloc \(what) of \(value) has no field to go in") }
            BigEndian.append(value, width: width, to: &out)
        }
        if version < 2 {
            guard entries.count <= Int(UInt16.max) else { throw MediaError.make(.limitExceeded, "too many iloc items for a version \(version) box") }
            BigEndian.append(UInt16(entries.count), to: &out)
        } else {
            BigEndian.append(UInt32(entries.count), to: &out)
        }
        for entry in entries {
            if version < 2 {
                guard entry.itemID <= UInt32(UInt16.max) else { throw MediaError.make(.limitExceeded, "item ID \(entry.itemID) does not fit a version \(version) iloc") }
                BigEndian.append(UInt16(entry.itemID), to: &out)
            } else {
                BigEndian.append(entry.itemID, to: &out)
            }
            if version > 0 { BigEndian.append(UInt16(entry.constructionMethod), to: &out) }
            BigEndian.append(entry.dataReferenceIndex, to: &out)
            try field(entry.baseOffset, baseOffsetSize, "base offset")
            BigEndian.append(UInt16(entry.extents.count), to: &out)
            for extent in entry.extents {
                if version > 0, indexSize > 0 { try field(extent.index, indexSize, "extent index") }
                try field(extent.offset, offsetSize, "extent offset")
                try field(extent.length, lengthSize, "extent length")
            }
        }
        return BMFFBoxWriter.fullBox(.iloc, version: version, flags: 0, out)
    }
}

/// The `iref` box: typed references from one item to others (`cdsc`: describes; `thmb`, `auxl`, `dimg`…).
struct HEIFItemReferences: Sendable, Hashable {
    var version: UInt8
    var references: [Reference]

    struct Reference: Sendable, Hashable {
        var type: FourCC
        var from: UInt32
        var to: [UInt32]
    }

    init(version: UInt8, references: [Reference]) {
        self.version = version
        self.references = references
    }

    init(payload: ArraySlice<UInt8>, version: UInt8, at offset: Int) throws {
        self.version = version
        let width = version == 0 ? 2 : 4
        var references: [Reference] = []
        var position = payload.startIndex
        while payload.endIndex - position >= 8 {
            let size = Int(BigEndian.uint32(Array(payload[position..<position + 4]), 0))
            guard size >= 8, size <= payload.endIndex - position else {
                throw MediaError.make(.truncated, "a reference in the iref box at byte \(offset) declares \(size) bytes, more than remain")
            }
            var reader = BoxPayloadReader(payload[position + 8..<position + size], what: "a reference in the iref box at byte \(offset)")
            let from = UInt32(try reader.uint(width))
            let count = Int(try reader.uint16())
            guard count * width <= reader.remaining else {
                throw MediaError.make(.truncated, "a reference in the iref box at byte \(offset) lists \(count) items, more than it holds")
            }
            var to: [UInt32] = []
            for _ in 0..<count { to.append(UInt32(try reader.uint(width))) }
            references.append(Reference(type: FourCC(payload[position + 4..<position + 8]), from: from, to: to))
            guard references.count <= HEIFMeta.maximumItems * 4 else {
                throw MediaError.make(.limitExceeded, "the iref box at byte \(offset) holds more than \(HEIFMeta.maximumItems * 4) references")
            }
            position += size
        }
        self.references = references
    }

    func serialized() throws -> [UInt8] {
        var out: [UInt8] = []
        let width = version == 0 ? 2 : 4
        for reference in references {
            var payload: [UInt8] = []
            func append(_ id: UInt32) throws {
                if width == 2 {
                    guard id <= UInt32(UInt16.max) else { throw MediaError.make(.limitExceeded, "item ID \(id) does not fit a version 0 iref") }
                    BigEndian.append(UInt16(id), to: &payload)
                } else {
                    BigEndian.append(id, to: &payload)
                }
            }
            try append(reference.from)
            BigEndian.append(UInt16(reference.to.count), to: &payload)
            for id in reference.to { try append(id) }
            out += BMFFBoxWriter.box(reference.type, payload)
        }
        return BMFFBoxWriter.fullBox(.iref, version: version, flags: 0, out)
    }
}
