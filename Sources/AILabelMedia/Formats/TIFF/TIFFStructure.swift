extension ByteSource {
    /// `count` bytes from `offset` as a slice indexed from 0, or `media.truncated`: the TIFF walker's
    /// only way to read (headers, directories and the few values it needs, never the image data).
    func tiffBytes(at offset: Int, count: Int) throws -> ArraySlice<UInt8> {
        guard offset >= 0, count >= 0, offset <= self.count, count <= self.count - offset else {
            throw MediaError.make(.truncated, "\(count) bytes at byte \(offset) lie past the end of the \(self.count)-byte file")
        }
        return ArraySlice(try read(offset..<offset + count))
    }
}

/// One directory entry: tag, type, count and the value field as stored.
struct TIFFEntry: Sendable, Hashable {
    let tag: UInt16
    let type: UInt16
    let count: UInt64
    /// The value field's 4 (classic) or 8 (BigTIFF) bytes, packed first byte lowest, in file order.
    let field: UInt64
    /// Where the entry's 12 or 20 bytes start.
    let position: Int
    /// The value's size in bytes, nil when the type is unknown or the size overflows.
    let valueSize: Int?
    /// Where the value lies when it does not fit the value field; nil when it is inline or unknown.
    let dataRange: Range<Int>?

    /// The value field's bytes as stored.
    func fieldBytes(width: Int) -> [UInt8] { (0..<width).map { UInt8(truncatingIfNeeded: field >> UInt64(8 * $0)) } }
}

/// One image file directory and where it sits.
struct TIFFDirectory: Sendable {
    enum Role: Sendable, Hashable {
        /// A page of the main IFD chain (IFD0 is page 0).
        case page(Int)
        /// A SubIFD of a page (DNG puts its raw image there).
        case subIFD(page: Int)
        /// The EXIF IFD of a page.
        case exif(page: Int)
    }

    let role: Role
    let offset: Int
    /// In file order, as stored.
    let entries: [TIFFEntry]
    /// The entry count, the entries and the next-IFD field.
    let tableRange: Range<Int>
    /// The next page's offset (0 for the last page; ignored for SubIFDs and the EXIF IFD).
    let next: Int
    /// Where the next-IFD field sits.
    let nextFieldPosition: Int

    func entry(_ tag: UInt16) -> TIFFEntry? { entries.first { $0.tag == tag } }

    /// Whether the directory holds only a C2PA store: the separate last IFD c2pa-rs appends to a
    /// multi-page TIFF.
    var isC2PAOnly: Bool { entries.count == 1 && entries[0].tag == TIFFTag.c2pa }
}

/// A TIFF or BigTIFF walked by positioned reads: header, the chain of pages, each page's SubIFDs and
/// EXIF IFD, and the image data their strips or tiles name. Every offset and count is checked against
/// the file and the limits below before anything is read or allocated.
struct TIFFStructure: Sendable {
    /// Pages in the main chain (c2pa-rs `MAX_PAGES`).
    static let maximumPages = 2000
    /// SubIFDs one page may list (c2pa-rs `MAX_SUBFILES`).
    static let maximumSubIFDs = 1000
    /// Directories of all kinds in one file.
    static let maximumDirectories = 10_000
    /// Entries in one directory (a classic TIFF's count is 16 bits; BigTIFF's is held to the same).
    static let maximumEntries = 65_535
    /// Entries in all directories together.
    static let maximumTotalEntries = 1_000_000
    /// Strips or tiles in one file.
    static let maximumImageBlocks = 4_194_304

    let order: TIFFByteOrder
    let isBigTIFF: Bool
    let fileSize: Int
    /// 8 for TIFF, 16 for BigTIFF.
    var headerSize: Int { isBigTIFF ? 16 : 8 }
    /// Bytes of a value field (4, or 8 in BigTIFF): a value this size or smaller is stored in it.
    var fieldWidth: Int { isBigTIFF ? 8 : 4 }
    var entrySize: Int { isBigTIFF ? 20 : 12 }
    let pages: [TIFFDirectory]
    /// SubIFDs and EXIF IFDs, in the order they were found.
    let subDirectories: [TIFFDirectory]
    /// Strip or tile bytes of every page and SubIFD, in directory order, each directory's in its own
    /// order (what a content ID hashes and a metadata edit keeps byte for byte).
    let imageData: [(directory: TIFFDirectory.Role, ranges: [Range<Int>], tiled: Bool)]
    var warnings: [String] = []

    var allDirectories: [TIFFDirectory] { pages + subDirectories }
    var firstPage: TIFFDirectory { pages[0] }

    /// Whether the first bytes are a TIFF or BigTIFF header.
    static func isHeader(_ head: some Collection<UInt8>) -> Bool {
        let bytes = Array(head.prefix(4))
        return bytes == [0x49, 0x49, 0x2A, 0x00] || bytes == [0x4D, 0x4D, 0x00, 0x2A]
            || bytes == [0x49, 0x49, 0x2B, 0x00] || bytes == [0x4D, 0x4D, 0x00, 0x2B]
    }

    /// Walks the file. Without `imageData`, strips and tiles are not listed (the C2PA locator, like
    /// c2pa-rs's reader, needs only the directories).
    init(reading reader: some ByteSource, imageData readsImageData: Bool = true) throws {
        let size = reader.count
        guard size > 0 else { throw MediaError.make(.empty, "the file is empty") }
        guard size >= 8 else { throw MediaError.make(.truncated, "the file is \(size) bytes, shorter than a TIFF header") }
        let head = try reader.tiffBytes(at: 0, count: min(16, size))
        let order: TIFFByteOrder
        switch (head[0], head[1]) {
        case (0x49, 0x49): order = .little
        case (0x4D, 0x4D): order = .big
        default: throw MediaError.make(.malformed, "not a TIFF: it does not start with II or MM")
        }
        let magic = order.uint16(head, at: 2)
        let firstOffset: UInt64
        switch magic {
        case 42:
            isBigTIFF = false
            firstOffset = UInt64(order.uint32(head, at: 4))
        case 43:
            guard head.count >= 16 else { throw MediaError.make(.truncated, "the file ends inside its BigTIFF header") }
            guard order.uint16(head, at: 4) == 8, order.uint16(head, at: 6) == 0 else {
                throw MediaError.make(.malformed, "the BigTIFF header declares offsets of \(order.uint16(head, at: 4)) bytes, not 8")
            }
            isBigTIFF = true
            firstOffset = order.uint64(head, at: 8)
        default:
            throw MediaError.make(.malformed, "not a TIFF: the magic number is \(magic), not 42 (TIFF) or 43 (BigTIFF)")
        }
        self.order = order
        self.fileSize = size

        var walk = Walk(order: order, isBigTIFF: isBigTIFF, fileSize: size)
        guard firstOffset != 0 else { throw MediaError.make(.malformed, "the TIFF header names no first directory (offset 0)") }
        var pages: [TIFFDirectory] = []
        var subDirectories: [TIFFDirectory] = []
        var offset = firstOffset
        while offset != 0 {
            guard pages.count < Self.maximumPages else {
                throw MediaError.make(.limitExceeded, "the TIFF has more than \(Self.maximumPages) pages")
            }
            let page = try walk.directory(at: offset, role: .page(pages.count), reader: reader)
            pages.append(page)
            let number = pages.count - 1
            if let subIFDs = page.entry(TIFFTag.subIFDs) {
                guard subIFDs.count <= UInt64(Self.maximumSubIFDs) else {
                    throw MediaError.make(.limitExceeded, "page \(number) lists \(subIFDs.count) SubIFDs, more than \(Self.maximumSubIFDs)")
                }
                for subOffset in try walk.integers(of: subIFDs, reader: reader, what: "SubIFDs") where subOffset != 0 {
                    subDirectories.append(try walk.directory(at: subOffset, role: .subIFD(page: number), reader: reader))
                }
            }
            if let exif = page.entry(TIFFTag.exifIFD), let exifOffset = try walk.integers(of: exif, reader: reader, what: "the EXIF IFD").first,
                exifOffset != 0
            {
                subDirectories.append(try walk.directory(at: exifOffset, role: .exif(page: number), reader: reader))
            }
            offset = UInt64(page.next)
        }
        self.pages = pages
        self.subDirectories = subDirectories

        var imageData: [(directory: TIFFDirectory.Role, ranges: [Range<Int>], tiled: Bool)] = []
        var blocks = 0
        var total = 0
        for directory in pages + subDirectories where readsImageData && !Self.isExif(directory.role) {
            let tiled = directory.entry(TIFFTag.tileOffsets) != nil
            let (offsetsTag, countsTag) = tiled ? (TIFFTag.tileOffsets, TIFFTag.tileByteCounts) : (TIFFTag.stripOffsets, TIFFTag.stripByteCounts)
            guard let offsetsEntry = directory.entry(offsetsTag) else { continue }
            guard let countsEntry = directory.entry(countsTag) else {
                throw MediaError.make(.malformed, "\(Self.name(directory.role)) has \(tiled ? "tile" : "strip") offsets but no byte counts")
            }
            guard offsetsEntry.count == countsEntry.count else {
                throw MediaError.make(.malformed, "\(Self.name(directory.role)) has \(offsetsEntry.count) \(tiled ? "tile" : "strip") offsets but \(countsEntry.count) byte counts")
            }
            guard offsetsEntry.count <= UInt64(Self.maximumImageBlocks - blocks) else {
                throw MediaError.make(.limitExceeded, "the TIFF has more than \(Self.maximumImageBlocks) strips or tiles")
            }
            let offsets = try walk.integers(of: offsetsEntry, reader: reader, what: tiled ? "tile offsets" : "strip offsets")
            let counts = try walk.integers(of: countsEntry, reader: reader, what: tiled ? "tile byte counts" : "strip byte counts")
            blocks += offsets.count
            var ranges: [Range<Int>] = []
            for (start, length) in zip(offsets, counts) where length > 0 {
                guard start <= UInt64(size), length <= UInt64(size) - start else {
                    throw MediaError.make(.truncated, "a \(tiled ? "tile" : "strip") of \(Self.name(directory.role)) at byte \(start) (\(length) bytes) lies past the end of the \(size)-byte file")
                }
                // Image data inside the header would be changed by any rewrite (the header points at
                // IFD0), so a metadata stamp could not keep the image data byte for byte.
                guard start >= walk.headerSize else {
                    throw MediaError.make(.malformed, "a \(tiled ? "tile" : "strip") of \(Self.name(directory.role)) at byte \(start) overlaps the \(walk.headerSize)-byte TIFF header")
                }
                // Strips that all name the same bytes would make a content ID hash the file over and
                // over (c2pa-rs caps the copy the same way): together they may not exceed the file.
                total += Int(length)
                guard total <= size else {
                    throw MediaError.make(.limitExceeded, "the strips and tiles together declare more bytes than the \(size)-byte file holds")
                }
                let range = Int(start)..<Int(start + length)
                if let last = ranges.last, last.upperBound == range.lowerBound {
                    ranges[ranges.count - 1] = last.lowerBound..<range.upperBound
                } else {
                    ranges.append(range)
                }
            }
            imageData.append((directory.role, ranges, tiled))
        }
        self.imageData = imageData
        self.warnings = walk.warnings
    }

    static func isExif(_ role: TIFFDirectory.Role) -> Bool {
        if case .exif = role { return true }
        return false
    }

    static func name(_ role: TIFFDirectory.Role) -> String {
        switch role {
        case .page(let number): "IFD\(number)"
        case .subIFD(let page): "a SubIFD of IFD\(page)"
        case .exif(let page): "the EXIF IFD of IFD\(page)"
        }
    }

    /// The value of `entry` (inline or out of line), read from `reader`; the entry's size was
    /// checked against the file when the directory was read.
    func value(of entry: TIFFEntry, reader: some ByteSource) throws -> ArraySlice<UInt8> {
        guard let valueSize = entry.valueSize else {
            throw MediaError.make(.malformed, "tag \(entry.tag) has an unknown field type \(entry.type)")
        }
        if let range = entry.dataRange { return try reader.tiffBytes(at: range.lowerBound, count: range.count) }
        return ArraySlice(entry.fieldBytes(width: fieldWidth).prefix(valueSize))
    }

    /// The unsigned integers of a SHORT, LONG, LONG8, IFD or IFD8 entry.
    func integers(of entry: TIFFEntry, reader: some ByteSource) throws -> [UInt64] {
        var walk = Walk(order: order, isBigTIFF: isBigTIFF, fileSize: fileSize)
        return try walk.integers(of: entry, reader: reader, what: "tag \(entry.tag)")
    }

    /// The C2PA entry as c2pa-rs looks for it: in the last page's directory, else in IFD0.
    var c2paEntry: (entry: TIFFEntry, page: Int)? {
        if let entry = pages[pages.count - 1].entry(TIFFTag.c2pa) { return (entry, pages.count - 1) }
        if let entry = pages[0].entry(TIFFTag.c2pa) { return (entry, 0) }
        return nil
    }
}

/// The state of one walk: directories seen (a loop is refused), entries read, warnings.
private struct Walk {
    let order: TIFFByteOrder
    let isBigTIFF: Bool
    let fileSize: Int
    var visited: Set<UInt64> = []
    var totalEntries = 0
    var warnings: [String] = []

    init(order: TIFFByteOrder, isBigTIFF: Bool, fileSize: Int) {
        self.order = order
        self.isBigTIFF = isBigTIFF
        self.fileSize = fileSize
    }

    /// The header's bytes: a rewrite changes them (they point at IFD0), so nothing else may lie there.
    var headerSize: UInt64 { isBigTIFF ? 16 : 8 }

    /// Tags whose values the walker reads or a rewrite moves: one past the end refuses the file.
    static let readTags: Set<UInt16> = Set([
        TIFFTag.stripOffsets, TIFFTag.stripByteCounts, TIFFTag.tileOffsets, TIFFTag.tileByteCounts, TIFFTag.subIFDs,
        TIFFTag.exifIFD, TIFFTag.xmp, TIFFTag.c2pa, TIFFTag.iccProfile, TIFFTag.bitsPerSample, TIFFTag.extraSamples,
        TIFFTag.userComment, TIFFTag.dngVersion,
    ] + TIFFTag.descriptive)

    mutating func directory(at offset: UInt64, role: TIFFDirectory.Role, reader: some ByteSource) throws -> TIFFDirectory {
        let name = TIFFStructure.name(role)
        guard visited.count < TIFFStructure.maximumDirectories else {
            throw MediaError.make(.limitExceeded, "the TIFF has more than \(TIFFStructure.maximumDirectories) directories")
        }
        guard visited.insert(offset).inserted else {
            throw MediaError.make(.malformed, "\(name) at byte \(offset) was already read: the directories form a loop")
        }
        let countWidth = isBigTIFF ? 8 : 2
        let entrySize = isBigTIFF ? 20 : 12
        let nextWidth = isBigTIFF ? 8 : 4
        guard offset <= UInt64(fileSize), UInt64(countWidth) <= UInt64(fileSize) - offset else {
            throw MediaError.make(.truncated, "\(name) at byte \(offset) lies past the end of the \(fileSize)-byte file")
        }
        guard offset >= headerSize else {
            throw MediaError.make(.malformed, "\(name) at byte \(offset) lies inside the \(headerSize)-byte TIFF header")
        }
        let start = Int(offset)
        let countBytes = try reader.tiffBytes(at: start, count: countWidth)
        let declared = order.unsigned(countBytes, at: countBytes.startIndex, width: countWidth)
        guard declared <= UInt64(TIFFStructure.maximumEntries) else {
            throw MediaError.make(.limitExceeded, "\(name) at byte \(offset) declares \(declared) entries, more than \(TIFFStructure.maximumEntries)")
        }
        let count = Int(declared)
        totalEntries += count
        guard totalEntries <= TIFFStructure.maximumTotalEntries else {
            throw MediaError.make(.limitExceeded, "the TIFF's directories hold more than \(TIFFStructure.maximumTotalEntries) entries")
        }
        let tableSize = countWidth + count * entrySize + nextWidth
        guard tableSize <= fileSize - start else {
            throw MediaError.make(.truncated, "\(name) at byte \(offset) declares \(count) entries, which run past the end of the \(fileSize)-byte file")
        }
        let table = try reader.tiffBytes(at: start, count: tableSize)
        var entries: [TIFFEntry] = []
        entries.reserveCapacity(count)
        let fieldWidth = isBigTIFF ? 8 : 4
        for index in 0..<count {
            let at = table.startIndex + countWidth + index * entrySize
            let tag = order.uint16(table, at: at)
            let type = order.uint16(table, at: at + 2)
            let valueCount = isBigTIFF ? order.uint64(table, at: at + 4) : UInt64(order.uint32(table, at: at + 4))
            let fieldAt = at + (isBigTIFF ? 12 : 8)
            var field: UInt64 = 0
            for step in 0..<fieldWidth { field |= UInt64(table[fieldAt + step]) << UInt64(8 * step) }
            var valueSize: Int?
            var dataRange: Range<Int>?
            if let unit = TIFFFieldType.size(of: type) {
                let (product, overflow) = valueCount.multipliedReportingOverflow(by: UInt64(unit))
                if !overflow && product <= UInt64(Int.max) {
                    valueSize = Int(product)
                }
                if let size = valueSize, size > fieldWidth {
                    let valueOffset = order.unsigned(table, at: fieldAt, width: fieldWidth)
                    if valueOffset < headerSize {
                        // Values in the header would change with any rewrite.
                        guard !Self.readTags.contains(tag) else {
                            throw MediaError.make(.malformed, "tag \(tag) of \(name) has its values at byte \(valueOffset), inside the \(headerSize)-byte TIFF header")
                        }
                        valueSize = nil
                        warnings.append("tag \(tag) of \(name) points inside the TIFF header")
                    } else if valueOffset <= UInt64(fileSize), UInt64(size) <= UInt64(fileSize) - valueOffset {
                        dataRange = Int(valueOffset)..<Int(valueOffset) + size
                    } else if Self.readTags.contains(tag) {
                        throw MediaError.make(.truncated, "tag \(tag) of \(name) declares \(valueCount) values at byte \(valueOffset), past the end of the \(fileSize)-byte file")
                    } else {
                        valueSize = nil
                        warnings.append("tag \(tag) of \(name) points past the end of the file")
                    }
                } else if valueSize == nil, Self.readTags.contains(tag) {
                    throw MediaError.make(.limitExceeded, "tag \(tag) of \(name) declares \(valueCount) values, more than a file can hold")
                }
            } else if Self.readTags.contains(tag) {
                throw MediaError.make(.malformed, "tag \(tag) of \(name) has the unknown field type \(type)")
            }
            entries.append(TIFFEntry(tag: tag, type: type, count: valueCount, field: field, position: start + countWidth + index * entrySize,
                                     valueSize: valueSize, dataRange: dataRange))
        }
        let nextAt = table.startIndex + countWidth + count * entrySize
        let next = order.unsigned(table, at: nextAt, width: nextWidth)
        guard next <= UInt64(fileSize) else {
            if case .page = role {
                throw MediaError.make(.truncated, "\(name) names a next directory at byte \(next), past the end of the \(fileSize)-byte file")
            }
            return TIFFDirectory(role: role, offset: start, entries: entries, tableRange: start..<start + tableSize, next: 0,
                                 nextFieldPosition: start + countWidth + count * entrySize)
        }
        return TIFFDirectory(role: role, offset: start, entries: entries, tableRange: start..<start + tableSize, next: Int(next),
                             nextFieldPosition: start + countWidth + count * entrySize)
    }

    /// The unsigned integers of an entry of an integer or offset type, bounded by the file.
    mutating func integers(of entry: TIFFEntry, reader: some ByteSource, what: String) throws -> [UInt64] {
        let width: Int
        switch entry.type {
        case TIFFFieldType.short: width = 2
        case TIFFFieldType.long, TIFFFieldType.ifd: width = 4
        case TIFFFieldType.long8, TIFFFieldType.ifd8: width = 8
        default: throw MediaError.make(.malformed, "\(what) (tag \(entry.tag)) has field type \(entry.type), not an integer type")
        }
        guard let size = entry.valueSize else {
            throw MediaError.make(.limitExceeded, "\(what) (tag \(entry.tag)) declares \(entry.count) values, more than a file can hold")
        }
        let bytes: ArraySlice<UInt8>
        if let range = entry.dataRange {
            bytes = try reader.tiffBytes(at: range.lowerBound, count: range.count)
        } else {
            let fieldWidth = isBigTIFF ? 8 : 4
            bytes = ArraySlice(entry.fieldBytes(width: fieldWidth).prefix(size))
        }
        return stride(from: bytes.startIndex, to: bytes.startIndex + size, by: width).map { order.unsigned(bytes, at: $0, width: width) }
    }
}
