extension MP4Handler {
    public func planRewrite(of source: any ByteSource, contents: MediaContents, applying edit: MetadataEdit) throws -> SplicePlan {
        // The parse's walk is reused when it was of this source (one parse per stamp).
        let movie = try (contents.structure as? MP4Movie).flatMap { $0.source.count == source.count ? $0 : nil } ?? MP4Movie(source)
        return try MP4Rewriter(movie: movie, source: source, edit: edit, quickTimeXMP: writesQuickTimeXMP).plan()
    }
}

/// One rewrite of a movie (see ``MP4Handler``). The new file is the old one's top-level boxes in
/// their order, with the C2PA box after `ftyp` (or where the old one was), the XMP `uuid` box before
/// the media data (where exiftool leaves it), and `moov` rebuilt: `udta` with the new `XMP_` and keyed metadata, and every chunk offset
/// (`stco`, `co64`, `saio` in `moov`) moved with the media bytes it points to. A 32-bit `stco` whose
/// offsets would pass 4 GB is written as a `co64`, which changes `moov`'s size and so the layout:
/// the layout is redone until no table overflows. Fragment boxes with absolute offsets (`tfhd` base
/// data offsets, `tfra` fragment offsets) are patched in place.
struct MP4Rewriter {
    let movie: MP4Movie
    let source: any ByteSource
    let edit: MetadataEdit
    let quickTimeXMP: Bool
    /// Each keyed metadata box (QuickTime `mdta` meta) with the edit's keys applied, made once: every box
    /// is read again for each one edited, so doing it per box would be quadratic in their number.
    let keyedReplacements: [Int: [UInt8]]

    init(movie: MP4Movie, source: any ByteSource, edit: MetadataEdit, quickTimeXMP: Bool) throws {
        self.movie = movie
        self.source = source
        self.edit = edit
        self.quickTimeXMP = quickTimeXMP
        let editsKeys = !edit.setTextEntries.isEmpty || !edit.removeTextKeywords.isEmpty
        self.keyedReplacements = editsKeys ? try Self.editedKeyedMetadata(movie: movie, edit: edit) : [:]
    }

    /// One top-level piece of the new file.
    enum Piece {
        case copy(Range<Int>)
        /// The old C2PA box, kept: placed as the plan's store so that it can be read through the plan.
        case keptStore(Range<Int>)
        /// A top-level box copied with its absolute offsets moved (a `moof` or `mfra`).
        case patched(Int)
        case moov
        case store([UInt8])
        case bytes([UInt8])
    }

    /// The largest `moof` or `mfra` whose offsets are patched in memory.
    static let maximumPatchedBox = 64 << 20

    var tree: BMFFTree { movie.tree }

    func plan() throws -> SplicePlan {
        if let meta = tree.first(.meta), tree.boxes[meta].children.contains(where: { tree.boxes[$0].type == .iloc }) {
            throw MediaError.make(.unsupportedFormat, "the movie has a top-level meta box with item locations (iloc), which ailabel does not move")
        }
        let stores = tree.topLevel.filter { BMFFC2PABox.isC2PA(tree.boxes[$0]) }
        let isStore = Set(stores)
        var newStore: [UInt8]?
        if case .replace(let store) = edit.c2paStore { newStore = try BMFFC2PABox.framed(store) }
        var newXMPBox: [UInt8]?
        if case .replace(let xmp) = edit.xmp, !quickTimeXMP { newXMPBox = BMFFBoxWriter.box(.uuid, BMFFUUID.xmp + xmp) }
        let keptStores = edit.c2paStore == .keep ? Set(try MP4Handler.mp4.locateC2PAStore(in: tree, source: source).ranges) : []

        // XMP goes before the media (the first mdat or moof), as exiftool leaves it, or after moov
        // when no media follows it; never between a moof and its mdat, whose offsets are relative.
        let firstMedia = tree.topLevel.first { [.mdat, "moof"].contains(tree.boxes[$0].type) }
        var pieces: [Piece] = []
        for index in tree.topLevel {
            let box = tree.boxes[index]
            if index == firstMedia, let xmpBox = newXMPBox {
                pieces.append(.bytes(xmpBox))
                newXMPBox = nil
            }
            if isStore.contains(index) {
                switch edit.c2paStore {
                case .keep: pieces.append(keptStores.contains(box.range) ? .keptStore(box.range) : .copy(box.range))
                // Merkle and update boxes belong to the manifest they came with: they go with it.
                case .remove: break
                case .replace: if index == stores.first, let newStore { pieces.append(.store(newStore)) }
                }
            } else if box.type == .uuid, box.userType == BMFFUUID.xmp {
                if edit.xmp == .keep { pieces.append(.copy(box.range)) }
            } else if index == movie.moovIndex {
                pieces.append(.moov)
                if let xmpBox = newXMPBox, firstMedia == nil {
                    pieces.append(.bytes(xmpBox))
                    newXMPBox = nil
                }
            } else if (box.type == "moof" || box.type == "mfra"), hasAbsoluteOffsets(index) {
                pieces.append(.patched(index))
            } else {
                pieces.append(.copy(box.range))
            }
            if index == tree.topLevel.first, stores.isEmpty, let newStore { pieces.append(.store(newStore)) }
        }
        if tree.end < source.count { pieces.append(.copy(tree.end..<source.count)) }

        // Lay out, rebuild moov with the moved offsets, and promote every stco that overflows (all of a
        // pass's at once: one at a time would rebuild moov once per table).
        var promoted = Set<Int>()
        while true {
            var unused = Set<Int>()
            let moovSize = try rebuild(movie.moovIndex, relocation: nil, promoted: promoted, overflowed: &unused).count
            var relocation = BMFFRelocation()
            var position = 0
            for piece in pieces {
                switch piece {
                case .copy(let range), .keptStore(let range):
                    relocation.copied(range, to: position)
                    position += range.count
                case .patched(let index):
                    relocation.copied(tree.boxes[index].range, to: position)
                    position += tree.boxes[index].range.count
                case .moov: position += moovSize
                case .store(let bytes), .bytes(let bytes): position += bytes.count
                }
            }
            var overflowed = Set<Int>()
            let moov = try rebuild(movie.moovIndex, relocation: relocation, promoted: promoted, overflowed: &overflowed)
            if !overflowed.isEmpty {
                guard overflowed.isDisjoint(with: promoted) else { throw MediaError.make(.malformed, "a chunk offset table overflowed twice") }
                promoted.formUnion(overflowed)
                continue
            }
            guard moov.count == moovSize else { throw MediaError.make(.malformed, "the rebuilt moov box changed size between layout passes") }
            return try assemble(pieces, moov: moov, relocation: relocation)
        }
    }

    func assemble(_ pieces: [Piece], moov: [UInt8], relocation: BMFFRelocation) throws -> SplicePlan {
        var plan = SplicePlan()
        for piece in pieces {
            switch piece {
            case .copy(let range): plan.copy(range)
            case .keptStore(let range):
                if plan.c2paStoreRange == nil { plan.insertC2PAStore(try source.read(range)) } else { plan.copy(range) }
            case .patched(let index): plan.insert(try patched(index, relocation: relocation))
            case .moov:
                // An unchanged moov is copied, so that an edit that changes nothing plans the identity.
                if moov.count == movie.moov.range.count, moov.elementsEqual(movie.moovBytes) { plan.copy(movie.moov.range) } else { plan.insert(moov) }
            case .store(let bytes): plan.insertC2PAStore(bytes)
            case .bytes(let bytes): plan.insert(bytes)
            }
        }
        return plan
    }

    // MARK: moov

    /// A box of `moov`, rebuilt: containers from their rebuilt children, offset tables moved (sizes
    /// only, with the old offsets, when `relocation` is nil), `udta` and keyed metadata edited.
    /// Every 32-bit table whose moved offsets pass 4 GB goes into `overflowed` (the bytes are then not
    /// the file's: the caller promotes those tables and lays out again).
    func rebuild(_ index: Int, relocation: BMFFRelocation?, promoted: Set<Int>, overflowed: inout Set<Int>) throws -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(tree.boxes[index].range.count + 4096)
        try rebuild(index, into: &out, relocation: relocation, promoted: promoted, overflowed: &overflowed)
        return out
    }

    /// Appends the rebuilt box to `out`: one buffer for the whole of `moov`, each container's size
    /// written once its children are in (building each level as its own array copied every byte once
    /// per level of nesting).
    func rebuild(_ index: Int, into out: inout [UInt8], relocation: BMFFRelocation?, promoted: Set<Int>, overflowed: inout Set<Int>) throws {
        let box = tree.boxes[index]
        switch box.type {
        case .stco, .co64: return out += try chunkOffsets(index, relocation: relocation, promoted: promoted, overflowed: &overflowed)
        case "saio": return out += try auxiliaryOffsets(index, relocation: relocation)
        default: break
        }
        if let replacement = keyedReplacements[index] { return out += replacement }
        var added: [[UInt8]] = []
        if index == movie.moovIndex, movie.userData == nil {
            let userData = newUserDataChildren(existingKeyed: !movie.keyedMetadataBoxes.isEmpty)
            if !userData.isEmpty { added.append(BMFFBoxWriter.box("udta", userData.flatMap { $0 })) }
        }
        let isUserData = index == movie.userData
        if isUserData { added = newUserDataChildren(existingKeyed: !movie.keyedMetadataBoxes.isEmpty) }
        guard !box.children.isEmpty || !added.isEmpty else { return out += movie.moovSlice(box.range) }
        // moov is at most 128 MB (MP4Movie.maximumMovieHeader), so every box in it has a 32-bit size.
        let start = out.count
        out += [0, 0, 0, 0]
        out += box.type.bytes
        if box.version != nil {
            out += movie.moovSlice(box.range.lowerBound + box.headerSize..<box.range.lowerBound + box.headerSize + 4)
        }
        for child in box.children {
            if isUserData, tree.boxes[child].type == "XMP_", edit.xmp != .keep { continue }
            try rebuild(child, into: &out, relocation: relocation, promoted: promoted, overflowed: &overflowed)
        }
        let childrenEnd = box.children.last.map { tree.boxes[$0].range.upperBound } ?? box.payloadStart
        // Bytes after the last child are kept: QuickTime's zero terminator of `udta` stays last, after the
        // new boxes; anything else (none that the walk accepts today) before them.
        let trailing = movie.moovSlice(childrenEnd..<box.range.upperBound)
        if !box.hasQuickTimeTerminator { out += trailing }
        for box in added { out += box }
        if box.hasQuickTimeTerminator { out += trailing }
        let size = out.count - start
        guard size <= Int(UInt32.max) else { throw MediaError.make(.limitExceeded, "a rebuilt \(box.type.quoted) box passes 4 GB") }
        for (offset, byte) in [UInt8(size >> 24 & 0xFF), UInt8(size >> 16 & 0xFF), UInt8(size >> 8 & 0xFF), UInt8(size & 0xFF)].enumerated() {
            out[start + offset] = byte
        }
    }

    /// What `udta` gains: keyed metadata when no `mdta` meta box exists for the keys set, and QuickTime XMP.
    func newUserDataChildren(existingKeyed: Bool) -> [[UInt8]] {
        var out: [[UInt8]] = []
        if !existingKeyed, !edit.setTextEntries.isEmpty {
            var metadata = QuickTimeKeyedMetadata()
            for entry in edit.setTextEntries { metadata.set(entry.keyword, text: entry.text) }
            out.append(metadata.metaBox)
        }
        if quickTimeXMP, case .replace(let xmp) = edit.xmp { out.append(BMFFBoxWriter.box("XMP_", xmp)) }
        return out
    }

    /// Every `mdta` meta box with the edit's keys set and removed, by box. A key set that no meta box
    /// holds yet goes into the first one (in `moov/udta` when there is one there, as FFmpeg writes it).
    static func editedKeyedMetadata(movie: MP4Movie, edit: MetadataEdit) throws -> [Int: [UInt8]] {
        let tree = movie.tree
        let keyed = movie.keyedMetadataBoxes
        let target = keyed.first { tree.boxes[$0].parent == movie.userData } ?? keyed.first
        var all: [Int: QuickTimeKeyedMetadata] = [:]
        for meta in keyed { all[meta] = try MP4Handler.mp4.keyedMetadata(meta, in: movie) }
        let heldSomewhere = Set(edit.setTextEntries.map(\.keyword).filter { keyword in all.values.contains { $0.index(of: keyword) != nil } })
        var replacements: [Int: [UInt8]] = [:]
        for index in keyed {
            var metadata = all[index] ?? QuickTimeKeyedMetadata()
            for keyword in edit.removeTextKeywords { metadata.remove(keyword) }
            for entry in edit.setTextEntries {
                if metadata.index(of: entry.keyword) != nil || (!heldSomewhere.contains(entry.keyword) && index == target) {
                    metadata.set(entry.keyword, text: entry.text)
                }
            }
            replacements[index] = metaBox(index, holding: metadata, in: movie)
        }
        return replacements
    }

    /// A keyed metadata box rebuilt around new `keys` and `ilst` boxes, its other children kept.
    static func metaBox(_ index: Int, holding metadata: QuickTimeKeyedMetadata, in movie: MP4Movie) -> [UInt8] {
        let tree = movie.tree
        let box = tree.boxes[index]
        var payload: [UInt8] = []
        if box.version != nil {
            payload += movie.moovSlice(box.range.lowerBound + box.headerSize..<box.range.lowerBound + box.headerSize + 4)
        }
        var wroteKeys = false, wroteItems = false
        for child in box.children {
            switch tree.boxes[child].type {
            case "keys":
                payload += metadata.keysBox
                wroteKeys = true
            case "ilst":
                payload += metadata.itemsBox
                wroteItems = true
            default: payload += movie.moovSlice(tree.boxes[child].range)
            }
        }
        if !wroteKeys { payload += metadata.keysBox }
        if !wroteItems { payload += metadata.itemsBox }
        return BMFFBoxWriter.box(.meta, payload)
    }

    /// An `stco` or `co64` with every offset moved; an `stco` in `promoted` is written as a `co64`, and
    /// one whose offsets pass 4 GB goes into `overflowed`.
    func chunkOffsets(_ index: Int, relocation: BMFFRelocation?, promoted: Set<Int>, overflowed: inout Set<Int>) throws -> [UInt8] {
        let box = tree.boxes[index]
        let body = movie.payload(index)
        let width = box.type == .stco ? 4 : 8
        guard body.count >= 4 else { throw MediaError.make(.truncated, "\(box.type.quoted) at byte \(box.range.lowerBound) has no entry count") }
        let count = Int(BigEndian.uint32(body, 0))
        guard count <= (body.count - 4) / width else {
            throw MediaError.make(.truncated, "\(box.type.quoted) at byte \(box.range.lowerBound) declares \(count) chunk offsets, more than it holds")
        }
        let outWidth = promoted.contains(index) ? 8 : width
        var payload: [UInt8] = []
        payload.reserveCapacity(4 + count * outWidth)
        BigEndian.append(UInt32(count), to: &payload)
        for entry in 0..<count {
            let at = 4 + entry * width
            let old = width == 4 ? Int(BigEndian.uint32(body, at)) : Int(clamping: BigEndian.uint64(body, at))
            var new = old
            if let relocation {
                guard let moved = relocation.moved(old) else {
                    throw MediaError.make(.malformed, "chunk offset \(old) in \(box.type.quoted) at byte \(box.range.lowerBound) points outside the media data of the \(source.count)-byte file")
                }
                new = moved
            }
            if outWidth == 4 {
                if new > Int(UInt32.max) { overflowed.insert(index) }
                BigEndian.append(UInt32(truncatingIfNeeded: new), to: &payload)
            } else {
                BigEndian.append(UInt64(new), to: &payload)
            }
        }
        payload += body[(4 + count * width)...]
        return BMFFBoxWriter.fullBox(outWidth == 8 ? .co64 : .stco, version: box.version ?? 0, flags: box.flags ?? 0, payload)
    }

    /// A `saio` in `moov` (sample auxiliary information of an unfragmented encrypted track) holds
    /// absolute offsets, moved like chunk offsets.
    func auxiliaryOffsets(_ index: Int, relocation: BMFFRelocation?) throws -> [UInt8] {
        let box = tree.boxes[index]
        var bytes = Array(movie.moovSlice(box.range))
        guard let relocation else { return bytes }
        var at = box.payloadStart - box.range.lowerBound + ((box.flags ?? 0) & 1 == 1 ? 8 : 0)
        guard bytes.count - at >= 4 else { throw MediaError.make(.truncated, "'saio' at byte \(box.range.lowerBound) has no entry count") }
        let count = Int(BigEndian.uint32(bytes, at))
        let width = box.version == 1 ? 8 : 4
        at += 4
        guard count <= (bytes.count - at) / width else {
            throw MediaError.make(.truncated, "'saio' at byte \(box.range.lowerBound) declares \(count) offsets, more than it holds")
        }
        for _ in 0..<count {
            let old = width == 4 ? Int(BigEndian.uint32(bytes, at)) : Int(clamping: BigEndian.uint64(bytes, at))
            guard let new = relocation.moved(old) else {
                throw MediaError.make(.malformed, "offset \(old) in 'saio' at byte \(box.range.lowerBound) points outside the media data")
            }
            try Self.put(new, width: width, into: &bytes, at: at, what: "'saio'")
            at += width
        }
        return bytes
    }

    // MARK: Fragments

    /// Whether a `moof` holds a `tfhd` with an explicit base data offset, or an `mfra` a `tfra`.
    func hasAbsoluteOffsets(_ index: Int) -> Bool {
        var pending = tree.boxes[index].children
        while let child = pending.popLast() {
            let box = tree.boxes[child]
            if box.type == "tfhd", (box.flags ?? 0) & 1 == 1 { return true }
            if box.type == "tfra" { return true }
            pending += box.children
        }
        return false
    }

    /// A `moof` or `mfra` with its absolute offsets moved (same size).
    func patched(_ index: Int, relocation: BMFFRelocation) throws -> [UInt8] {
        let top = tree.boxes[index]
        guard top.range.count <= Self.maximumPatchedBox else {
            throw MediaError.make(.limitExceeded, "the \(top.type.quoted) box at byte \(top.range.lowerBound) is \(top.range.count) bytes, more than \(Self.maximumPatchedBox) whose offsets ailabel rewrites")
        }
        var bytes = try source.read(top.range)
        let base = top.range.lowerBound
        func move(_ old: Int, _ what: String) throws -> Int {
            guard let new = relocation.moved(old) else {
                throw MediaError.make(.malformed, "\(what) offset \(old) in the \(top.type.quoted) box at byte \(base) points outside the file's copied boxes")
            }
            return new
        }
        var pending = top.children
        while let child = pending.popLast() {
            let box = tree.boxes[child]
            pending += box.children
            let at = box.payloadStart - base
            if box.type == "tfhd", (box.flags ?? 0) & 1 == 1 {
                // track_ID, then the 64-bit base data offset.
                guard bytes.count - at >= 12, box.range.upperBound - base - at >= 12 else { throw MediaError.make(.truncated, "'tfhd' at byte \(box.range.lowerBound) is too short for its base data offset") }
                let old = Int(clamping: BigEndian.uint64(bytes, at + 4))
                try Self.put(try move(old, "'tfhd' base data"), width: 8, into: &bytes, at: at + 4, what: "'tfhd'")
            } else if box.type == "tfra" {
                let end = box.range.upperBound - base
                guard end - at >= 12 else { throw MediaError.make(.truncated, "'tfra' at byte \(box.range.lowerBound) is too short") }
                let sizes = BigEndian.uint32(bytes, at + 4)
                let count = Int(BigEndian.uint32(bytes, at + 8))
                let wide = box.version == 1
                let entrySize = (wide ? 16 : 8) + Int((sizes >> 4) & 3) + 1 + Int((sizes >> 2) & 3) + 1 + Int(sizes & 3) + 1
                guard count <= (end - at - 12) / entrySize else {
                    throw MediaError.make(.truncated, "'tfra' at byte \(box.range.lowerBound) declares \(count) entries, more than it holds")
                }
                for entry in 0..<count {
                    let offsetAt = at + 12 + entry * entrySize + (wide ? 8 : 4)
                    let old = wide ? Int(clamping: BigEndian.uint64(bytes, offsetAt)) : Int(BigEndian.uint32(bytes, offsetAt))
                    try Self.put(try move(old, "'tfra' fragment"), width: wide ? 8 : 4, into: &bytes, at: offsetAt, what: "'tfra'")
                }
            }
        }
        return bytes
    }

    /// Writes an offset over `width` bytes at `at`.
    static func put(_ value: Int, width: Int, into bytes: inout [UInt8], at: Int, what: String) throws {
        var encoded: [UInt8] = []
        if width == 4 {
            guard value <= Int(UInt32.max) else {
                throw MediaError.make(.limitExceeded, "an offset in \(what) moves past 4 GB, beyond its 32-bit field")
            }
            BigEndian.append(UInt32(value), to: &encoded)
        } else {
            BigEndian.append(UInt64(value), to: &encoded)
        }
        bytes.replaceSubrange(at..<at + width, with: encoded)
    }
}
