/// A TIFF rewrite as a splice: ranges of the original (the image data among them, never read here)
/// and new blocks. The original stays where it is, so every offset inside it stays true; a new IFD0
/// with the changed values follows it, the C2PA store last (c2pa-rs 0.91's layout), and the header
/// points at the new IFD0.
enum TIFFRewritePlan {
    typealias Piece = SplicePlan.Piece

    /// What a changed IFD0 entry holds.
    private enum Planned {
        /// The original entry, its value where it was (or moved, when it lay in the replaced tail).
        case kept(TIFFEntry)
        case new(type: UInt16, value: [UInt8])
    }

    static func plan(structure: TIFFStructure, reader: some ByteSource, edit: MetadataEdit) throws -> SplicePlan {
        var plan = SplicePlan()
        func append(_ piece: Piece) {
            switch piece {
            case .source(let range): plan.copy(range)
            case .bytes(let bytes): plan.insert(bytes)
            }
        }
        let ifd0 = structure.firstPage
        var planned: [UInt16: Planned] = [:]
        for entry in ifd0.entries where planned[entry.tag] == nil { planned[entry.tag] = .kept(entry) }
        var changed = false
        func apply(_ change: BlockChange, tag: UInt16, type: UInt16) {
            switch change {
            case .keep: return
            case .remove: if planned.removeValue(forKey: tag) != nil { changed = true }
            case .replace(let value):
                planned[tag] = .new(type: type, value: value)
                changed = true
            }
        }
        apply(edit.xmp, tag: TIFFTag.xmp, type: TIFFFieldType.byte)
        apply(edit.icc, tag: TIFFTag.iccProfile, type: TIFFFieldType.undefined)
        apply(edit.c2paStore, tag: TIFFTag.c2pa, type: TIFFFieldType.undefined)
        switch edit.exif {
        case .keep: break
        case .remove:
            for tag in TIFFTag.descriptive where planned.removeValue(forKey: tag) != nil { changed = true }
        case .replace(let block):
            let values = try TIFFDescriptiveTags.values(in: block)
            for tag in TIFFTag.descriptive {
                if let value = values[tag] {
                    let current = try ifd0.entry(tag).map { Array(try structure.value(of: $0, reader: reader)) }
                    if current != value || ifd0.entry(tag)?.type != TIFFFieldType.ascii {
                        planned[tag] = .new(type: TIFFFieldType.ascii, value: value)
                        changed = true
                    }
                } else if planned.removeValue(forKey: tag) != nil {
                    changed = true
                }
            }
        }

        // A store in its own last directory (c2pa-rs's multi-page layout) is unlinked when the store
        // changes: ailabel keeps the store in IFD0, where c2pa-rs also reads it, since a directory
        // without an image breaks readers that count pages (Pillow).
        var unlinkAt: Int?
        var ifd0Next = ifd0.next
        if edit.c2paStore != .keep, structure.pages.count > 1 {
            let last = structure.pages[structure.pages.count - 1]
            if last.isC2PAOnly {
                let previous = structure.pages[structure.pages.count - 2]
                if previous.offset == ifd0.offset { ifd0Next = 0 } else { unlinkAt = previous.nextFieldPosition }
                changed = true
            } else if last.entry(TIFFTag.c2pa) != nil {
                throw MediaError.make(.malformed, "the last page's directory holds a C2PA store beside its image; ailabel replaces only a store in IFD0 or in a directory of its own")
            }
            for page in structure.pages.dropFirst().dropLast() where page.entry(TIFFTag.c2pa) != nil {
                throw MediaError.make(.malformed, "\(TIFFStructure.name(page.role)) holds a C2PA store; c2pa-rs reads one only in IFD0 or the last directory")
            }
        }
        guard changed else { return SplicePlan(copying: 0..<structure.fileSize) }

        let writer = TIFFDirectoryWriter(order: structure.order, isBigTIFF: structure.isBigTIFF)
        let tail = replaceableTail(of: structure)
        // The header, pointing at the new IFD0 (filled in below), then the original up to the tail.
        let ifd0At = (tail + 3) & ~3
        var header = Array(try reader.tiffBytes(at: 0, count: structure.headerSize))
        let pointerAt = structure.isBigTIFF ? 8 : 4
        header.replaceSubrange(pointerAt..<pointerAt + writer.fieldWidth, with: try writer.number(UInt64(ifd0At), what: "the first IFD's offset"))
        append(.bytes(header))
        if let unlinkAt, unlinkAt >= structure.headerSize, unlinkAt + writer.fieldWidth <= tail {
            append(.source(structure.headerSize..<unlinkAt))
            append(.bytes(Array(repeating: 0, count: writer.fieldWidth)))
            append(.source(unlinkAt + writer.fieldWidth..<tail))
        } else {
            append(.source(structure.headerSize..<tail))
        }
        append(.bytes(Array(repeating: 0, count: ifd0At - tail)))

        // The new IFD0's values: new ones, and kept ones that lay in the replaced tail (moved with it).
        let tags = planned.keys.sorted()
        var cursor = ifd0At + writer.tableSize(entries: tags.count)
        var valuePieces: [Piece] = []
        var entries: [TIFFWrittenEntry] = []
        var storePiece: (piece: Piece, count: Int)?
        for tag in tags {
            switch planned[tag]! {
            case .kept(let entry):
                var value = TIFFWrittenEntry.Value.field(entry.fieldBytes(width: writer.fieldWidth))
                if tag == TIFFTag.c2pa, let range = entry.dataRange, range.upperBound > tail {
                    // A kept store that lay in the replaced tail moves with it, and still comes last.
                    storePiece = (.source(range), range.count)
                    value = .offset(0)
                } else if let range = entry.dataRange, range.upperBound > tail {
                    value = .offset(cursor)
                    valuePieces.append(.source(range))
                    cursor += range.count
                    if cursor % 2 == 1 {
                        valuePieces.append(.bytes([0]))
                        cursor += 1
                    }
                }
                entries.append(TIFFWrittenEntry(tag: tag, type: entry.type, count: entry.count, value: value))
            case .new(let type, let bytes):
                if tag == TIFFTag.c2pa {
                    // Written after every other value: the store comes last, as c2pa-rs writes it.
                    storePiece = (.bytes(bytes), bytes.count)
                    entries.append(TIFFWrittenEntry(tag: tag, type: type, count: UInt64(bytes.count), value: .offset(0)))
                } else if let field = writer.inlineField(bytes) {
                    entries.append(TIFFWrittenEntry(tag: tag, type: type, count: UInt64(bytes.count), value: .field(field)))
                } else {
                    entries.append(TIFFWrittenEntry(tag: tag, type: type, count: UInt64(bytes.count), value: .offset(cursor)))
                    valuePieces.append(.bytes(bytes))
                    cursor += bytes.count
                    if cursor % 2 == 1 {
                        valuePieces.append(.bytes([0]))
                        cursor += 1
                    }
                }
            }
        }
        if storePiece != nil, let index = entries.firstIndex(where: { $0.tag == TIFFTag.c2pa }) {
            // A store short enough for the value field still goes out of line: the data hash excludes a range.
            entries[index].value = .offset(cursor)
        }
        append(.bytes(try writer.table(entries, next: ifd0Next)))
        for piece in valuePieces { append(piece) }
        if let storePiece {
            switch storePiece.piece {
            case .bytes(let store): plan.insertC2PAStore(store)
            case .source(let range): plan.insertC2PAStore(try reader.read(range))
            }
        }
        if !structure.isBigTIFF && plan.count > Int(UInt32.max) {
            throw MediaError.make(.limitExceeded, "the rewritten TIFF would pass the 4 GB a classic TIFF can address")
        }
        return plan
    }

    /// Where the part of the file that only IFD0 uses begins: IFD0's table and its own values at the
    /// very end (up to 3 bytes of padding between them), with nothing else in the file pointing there.
    /// A rewrite replaces that part instead of leaving it behind, so stamping twice gives the same
    /// bytes and an appended IFD0 does not pile up on every run.
    static func replaceableTail(of structure: TIFFStructure) -> Int {
        let ifd0 = structure.firstPage
        // An entry whose value's size is unknown could lie anywhere: then nothing is replaced.
        guard !ifd0.entries.contains(where: { $0.valueSize == nil && $0.count > 0 }) else { return structure.fileSize }
        let owned = [ifd0.tableRange] + ifd0.entries.compactMap(\.dataRange)
        var others: [Range<Int>] = structure.imageData.flatMap(\.ranges)
        for directory in structure.allDirectories where directory.offset != ifd0.offset {
            others.append(directory.tableRange)
            others += directory.entries.compactMap(\.dataRange)
            if directory.entries.contains(where: { $0.valueSize == nil && $0.count > 0 }) { return structure.fileSize }
        }
        // Indexed once, then each step looks up rather than scans (65,536 entries against millions of
        // strips was 10¹¹ comparisons): for each end, the earliest start of an owned range ending
        // there, empty ranges apart; the other ranges joined into sorted spans.
        var earliestStart: [Int: Int] = [:]
        var earliestNonEmptyStart: [Int: Int] = [:]
        for range in owned {
            earliestStart[range.upperBound] = min(earliestStart[range.upperBound] ?? range.lowerBound, range.lowerBound)
            if !range.isEmpty {
                earliestNonEmptyStart[range.upperBound] = min(earliestNonEmptyStart[range.upperBound] ?? range.lowerBound, range.lowerBound)
            }
        }
        let spans = RangeSpans.joined(others)
        func overlapsOthers(_ region: Range<Int>) -> Bool {
            let index = RangeSpans.boundary(in: spans) { $0.upperBound <= region.lowerBound }
            return index < spans.count && spans[index].lowerBound < region.upperBound
        }
        var cursor = structure.fileSize
        while true {
            // The owned ranges ending at most 3 bytes before the cursor (padding) and starting before it.
            var start: Int?
            for end in max(0, cursor - 3)...cursor {
                let earliest = end == cursor ? earliestNonEmptyStart[end] : earliestStart[end]
                if let earliest { start = min(start ?? earliest, earliest) }
            }
            guard let next = start, next >= structure.headerSize else { break }
            let region = next..<cursor
            guard !overlapsOthers(region) else { break }
            cursor = next
        }
        return cursor
    }
}
