extension HEIFHandler {
    public func planRewrite(of source: any ByteSource, contents: MediaContents, applying edit: MetadataEdit) throws -> SplicePlan {
        try HEIFRewriter(file: HEIFFile(source), edit: edit).plan()
    }
}

/// One rewrite of a HEIF file (see ``HEIFHandler``).
struct HEIFRewriter {
    let file: HEIFFile
    let edit: MetadataEdit

    /// A metadata item the rewrite adds.
    struct NewItem {
        var type: FourCC
        var contentType: String
        var data: [UInt8]
    }

    /// One top-level piece of the new file.
    enum Piece {
        case copy(Range<Int>)
        case meta
        case store([UInt8])
        case items
    }

    /// The largest `moov` (an image sequence's tables) whose chunk offsets are rewritten in memory.
    static let maximumMovieHeader = 256 << 20

    func plan() throws -> SplicePlan {
        let source = file.source
        let fileSize = source.count
        let tree = file.tree
        var meta = file.meta
        guard let primary = meta.primaryItem, var location = meta.location, meta.items.contains(where: { $0.id == primary }) else {
            throw MediaError.make(.malformed, "the meta box has no primary item or no iloc box, so metadata items cannot be added")
        }

        // Which metadata items go, and which come.
        var dropped = Set<UInt32>()
        var newItems: [NewItem] = []
        func change(_ change: BlockChange, _ matches: (HEIFItemInfo) -> Bool, _ make: ([UInt8]) -> NewItem) {
            guard change != .keep else { return }
            dropped.formUnion(meta.items.filter(matches).map(\.id))
            if case .replace(let data) = change { newItems.append(make(data)) }
        }
        change(edit.xmp, \.isXMP) { NewItem(type: "mime", contentType: "application/rdf+xml", data: $0) }
        // An Exif item's payload starts with the offset of the TIFF header after these four bytes.
        change(edit.exif, \.isExif) { NewItem(type: "Exif", contentType: "", data: [0, 0, 0, 0] + $0) }
        dropped.remove(primary)

        // An mdat that holds nothing but dropped items' bytes (ailabel's own, from an earlier stamp) goes too.
        var droppedRanges: [Range<Int>] = []
        for id in dropped { droppedRanges += (try meta.fileRanges(of: id, fileSize: fileSize)) ?? [] }
        // Joined once and searched: a file may hold a million mdats against a hundred thousand extents.
        let droppedSpans = RangeSpans.joined(droppedRanges)
        let ownMdats = Set(tree.topLevel.filter { index in
            let box = tree.boxes[index]
            return box.type == .mdat && !box.body.isEmpty && Self.covered(box.body, by: droppedSpans)
        })

        meta.items.removeAll { dropped.contains($0.id) }
        location.entries.removeAll { dropped.contains($0.itemID) }
        var references = meta.references ?? HEIFItemReferences(version: 0, references: [])
        references.references = references.references.compactMap { reference in
            guard !dropped.contains(reference.from) else { return nil }
            var kept = reference
            kept.to.removeAll { dropped.contains($0) }
            return kept.to.isEmpty ? nil : kept
        }
        // New items take the ID after the largest in use; when that is UInt32.max (a hostile file can
        // say so; adding one trapped), the lowest free one: a file has far fewer items than IDs.
        var usedIDs = Set(meta.items.map(\.id) + location.entries.map(\.itemID) + [primary])
        func freeID() -> UInt32 {
            if let largest = usedIDs.max(), largest < UInt32.max { return largest + 1 }
            var id: UInt32 = 1
            while usedIDs.contains(id) { id += 1 }
            return id
        }
        var newIDs: [UInt32] = []
        for _ in newItems {
            let id = freeID()
            usedIDs.insert(id)
            newIDs.append(id)
            references.references.append(.init(type: "cdsc", from: id, to: [primary]))
        }
        if let largest = newIDs.max(), largest > UInt32(UInt16.max) {
            location.version = 2
            references.version = 1
        }

        // Field widths are fixed before the layout, so that the meta box's size does not depend on offsets.
        let growth = newItems.reduce(0) { $0 + $1.data.count } + (storeReplacement?.count ?? 0) + 65_536
        let wide = fileSize + growth > Int(UInt32.max)
        location.offsetSize = max(location.offsetSize, wide ? 8 : 4)
        location.lengthSize = max(location.lengthSize, newItems.contains { $0.data.count > Int(UInt32.max) } ? 8 : 4)
        if wide, location.baseOffsetSize == 4 { location.baseOffsetSize = 8 }
        let newEntries = newIDs.map { HEIFItemLocation.Entry(itemID: $0, constructionMethod: 0, dataReferenceIndex: 0, baseOffset: 0,
                                                               extents: [.init(index: 0, offset: 0, length: 0)]) }

        // The new file's top level.
        let existingStores = tree.topLevel.filter { BMFFC2PABox.isC2PA(tree.boxes[$0]) }
        let isExistingStore = Set(existingStores)
        let storeRanges = Set(existingStores.map { tree.boxes[$0].range })
        // Top-level boxes have distinct starts: a copied range is a movie when it is one of these.
        let movies = Dictionary(tree.topLevel.filter { tree.boxes[$0].type == .moov }.map { (tree.boxes[$0].range, $0) }) { first, _ in first }
        var pieces: [Piece] = []
        let lastIndex = tree.topLevel.last
        // A last box that runs to the end of the file (size 0, or an mdat cut short) must stay last.
        let itemsBeforeLast = lastIndex.map { tree.boxes[$0].extendsToEnd || tree.boxes[$0].isCut } ?? false
        for index in tree.topLevel {
            let box = tree.boxes[index]
            if index == lastIndex, itemsBeforeLast, !newItems.isEmpty { pieces.append(.items) }
            if index == file.metaIndex {
                pieces.append(.meta)
            } else if isExistingStore.contains(index) {
                switch edit.c2paStore {
                case .keep: pieces.append(.copy(box.range))
                case .remove: break
                case .replace(let store): if index == existingStores.first { pieces.append(.store(try BMFFC2PABox.framed(store))) }
                }
            } else if !ownMdats.contains(index) {
                pieces.append(.copy(box.range))
            }
            if box.type == .ftyp, existingStores.isEmpty, let storeReplacement { pieces.append(.store(storeReplacement)) }
        }
        if !newItems.isEmpty, !itemsBeforeLast { pieces.append(.items) }
        if tree.end < fileSize { pieces.append(.copy(tree.end..<fileSize)) }

        func metaBytes(_ location: HEIFItemLocation) throws -> [UInt8] {
            try buildMeta(meta: meta, location: location, references: references, newItems: newItems, newIDs: newIDs)
        }
        var placeholderLocation = location
        placeholderLocation.entries += newEntries
        let metaSize = try metaBytes(placeholderLocation).count
        let itemsBox = BMFFBoxWriter.box(.mdat, newItems.flatMap(\.data))

        // Where each piece lands, and where the copied bytes move.
        var relocation = BMFFRelocation()
        var position = 0
        var itemsPayloadStart = 0
        for piece in pieces {
            switch piece {
            case .copy(let range):
                relocation.copied(range, to: position)
                position += range.count
            case .meta: position += metaSize
            case .store(let framed): position += framed.count
            case .items:
                itemsPayloadStart = position + (itemsBox.count - newItems.reduce(0) { $0 + $1.data.count })
                position += itemsBox.count
            }
        }

        // The kept items' file offsets move with their bytes.
        for (at, entry) in location.entries.enumerated() where entry.constructionMethod == 0 && entry.dataReferenceIndex == 0 {
            location.entries[at] = try relocated(entry, relocation, fileSize: fileSize)
        }
        var offset = itemsPayloadStart
        for (item, var entry) in zip(newItems, newEntries) {
            // In the base offset when the box has that field, as exiftool writes it (exiv2 reads only that one).
            if location.baseOffsetSize > 0 {
                entry.baseOffset = UInt64(offset)
                entry.extents = [.init(index: 0, offset: 0, length: UInt64(item.data.count))]
            } else {
                entry.extents = [.init(index: 0, offset: UInt64(offset), length: UInt64(item.data.count))]
            }
            location.entries.append(entry)
            offset += item.data.count
        }
        let newMeta = try metaBytes(location)
        guard newMeta.count == metaSize else {
            throw MediaError.make(.malformed, "the rebuilt meta box changed size between layout passes")
        }

        var plan = SplicePlan()
        for piece in pieces {
            switch piece {
            case .copy(let range):
                if let moov = movies[range] {
                    guard range.count <= Self.maximumMovieHeader else {
                        throw MediaError.make(.limitExceeded, "the moov box is \(range.count) bytes, more than \(Self.maximumMovieHeader) whose offsets ailabel rewrites")
                    }
                    plan.insert(try relocation.relocatingChunkOffsets(in: moov, of: tree, bytes: source.read(range)))
                } else if edit.c2paStore == .keep, plan.c2paStoreRange == nil, storeRanges.contains(range) {
                    plan.insertC2PAStore(try source.read(range))
                } else {
                    plan.copy(range)
                }
            case .meta: plan.insert(newMeta)
            case .store(let framed): plan.insertC2PAStore(framed)
            case .items: plan.insert(itemsBox)
            }
        }
        return plan
    }

    /// The framed store the edit writes, if any.
    var storeReplacement: [UInt8]? {
        if case .replace(let store) = edit.c2paStore { return try? BMFFC2PABox.framed(store) }
        return nil
    }

    /// An iloc entry with its file offsets moved: the base offset when there is one (every extent must
    /// then move alike), otherwise each extent's offset.
    func relocated(_ entry: HEIFItemLocation.Entry, _ relocation: BMFFRelocation, fileSize: Int) throws -> HEIFItemLocation.Entry {
        var moved = entry
        var shifts: [Int] = []
        for (index, extent) in entry.extents.enumerated() {
            let (start, overflow) = entry.baseOffset.addingReportingOverflow(extent.offset)
            guard !overflow, start <= UInt64(fileSize) else {
                throw MediaError.make(.malformed, "iloc: item \(entry.itemID)'s extent at offset \(start) lies outside the file")
            }
            // A lone extent of length 0 runs to the end of the file: its length is written out, since
            // the file will go on past its end.
            var length = extent.length
            if length == 0, entry.extents.count == 1 {
                length = UInt64(fileSize) - start
                // From the very end, the extent holds nothing, and a length of 0 cannot say so: written
                // back, it would take in whatever the rewrite appends (the data of the item would change).
                guard length > 0 else {
                    throw MediaError.make(.malformed, "iloc: item \(entry.itemID)'s only extent runs to the end of the file from the end itself: it holds no data")
                }
                moved.extents[index].length = length
            }
            guard length <= UInt64(fileSize) - start else {
                throw MediaError.make(.malformed, "iloc: item \(entry.itemID)'s extent at offset \(start) lies outside the file")
            }
            let range = Int(start)..<Int(start) + Int(length)
            guard let shift = relocation.shift(of: range.isEmpty ? Int(start)..<Int(start) + 1 : range) ?? (range.isEmpty && start == UInt64(fileSize) ? 0 : nil) else {
                throw MediaError.make(.unsupportedFormat, "item \(entry.itemID)'s data at byte \(start) lies in a box the rewrite replaces or across boxes that move apart")
            }
            shifts.append(shift)
        }
        if entry.baseOffset != 0 {
            guard let shift = shifts.first, shifts.allSatisfy({ $0 == shift }) else {
                throw MediaError.make(.unsupportedFormat, "item \(entry.itemID)'s extents share a base offset but lie in boxes that move apart")
            }
            moved.baseOffset = UInt64(Int(entry.baseOffset) + shift)
        } else {
            for (index, shift) in shifts.enumerated() where entry.extents[index].offset != 0 || shift != 0 {
                moved.extents[index].offset = UInt64(Int(entry.extents[index].offset) + shift)
            }
        }
        return moved
    }

    /// The new `meta` box: its children in their order with `iinf`, `iloc` and `iref` rebuilt.
    func buildMeta(meta: HEIFMeta, location: HEIFItemLocation, references: HEIFItemReferences,
                   newItems: [NewItem], newIDs: [UInt32]) throws -> [UInt8] {
        let tree = file.tree
        let box = tree.boxes[file.metaIndex]
        var children: [UInt8] = []
        var wroteReferences = false
        let itemInfo = try buildItemInfo(meta: meta, newItems: newItems, newIDs: newIDs)
        for child in box.children {
            let childBox = tree.boxes[child]
            switch childBox.type {
            case .iinf:
                children += itemInfo
                if meta.references == nil, !references.references.isEmpty {
                    children += try references.serialized()
                    wroteReferences = true
                }
            case .iloc: children += try location.serialized()
            case .iref:
                if !references.references.isEmpty { children += try references.serialized() }
                wroteReferences = true
            default: children += file.metaSlice(childBox.range)
            }
        }
        if !box.children.contains(where: { tree.boxes[$0].type == .iinf }) {
            children += itemInfo
        }
        if !wroteReferences, !references.references.isEmpty { children += try references.serialized() }
        let versionAndFlags = box.version == nil ? [] : Array(file.metaSlice(box.range.lowerBound + box.headerSize..<box.range.lowerBound + box.headerSize + 4))
        // Bytes between the last child and the end of the box (padding some writers leave) are kept.
        let lastChildEnd = box.children.last.map { tree.boxes[$0].range.upperBound } ?? box.payloadStart
        return BMFFBoxWriter.box(.meta, versionAndFlags + children + file.metaSlice(lastChildEnd..<box.range.upperBound))
    }

    /// `iinf` with the kept entries copied and the new ones appended.
    func buildItemInfo(meta: HEIFMeta, newItems: [NewItem], newIDs: [UInt32]) throws -> [UInt8] {
        let count = meta.items.count + newItems.count
        let version: UInt8 = count > Int(UInt16.max) ? 1 : meta.itemInfoVersion
        var payload: [UInt8] = []
        if version == 0 { BigEndian.append(UInt16(count), to: &payload) } else { BigEndian.append(UInt32(count), to: &payload) }
        for item in meta.items { payload += file.metaSlice(item.box) }
        for (item, id) in zip(newItems, newIDs) {
            var entry: [UInt8] = []
            if id > UInt32(UInt16.max) { BigEndian.append(id, to: &entry) } else { BigEndian.append(UInt16(id), to: &entry) }
            entry += [0, 0] + item.type.bytes + [0]
            if item.type == "mime" { entry += Array(item.contentType.utf8) + [0] }
            payload += BMFFBoxWriter.fullBox(.infe, version: id > UInt32(UInt16.max) ? 3 : 2, flags: 0, entry)
        }
        return BMFFBoxWriter.fullBox(.iinf, version: version, flags: 0, payload)
    }

    /// Whether `ranges` cover every byte of `target`.
    /// Whether `target` lies wholly in one of `spans` (``RangeSpans/joined(_:)``'s output).
    static func covered(_ target: Range<Int>, by spans: [Range<Int>]) -> Bool {
        RangeSpans.span(holding: target.lowerBound, in: spans).map { target.upperBound <= $0.upperBound } ?? false
    }
}
