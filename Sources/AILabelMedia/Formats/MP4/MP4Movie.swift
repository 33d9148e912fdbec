/// A movie's box tree and `moov`, read once by positioned reads: the header of every box, `ftyp`,
/// the `moov` box's bytes (its tables are what a rewrite patches), the XMP `uuid` box, and nothing of
/// the media data.
struct MP4Movie: @unchecked Sendable {
    let source: any ByteSource
    let tree: BMFFTree
    let majorBrand: String
    let compatibleBrands: [String]
    /// The top-level `moov` box.
    let moovIndex: Int
    /// The `moov` box's bytes, header included.
    let moovBytes: [UInt8]
    /// The `udta` box of `moov`.
    private(set) var userData: Int?
    /// The `meta` boxes with an `mdta` handler (QuickTime keyed metadata) in `moov` and `moov/udta`,
    /// where Apple and FFmpeg write them. Found once: a rewrite asks for every box of `moov`, and a
    /// search per box made a `moov` of many boxes quadratic.
    private(set) var keyedMetadataBoxes: [Int] = []

    /// The largest `moov` read: a two-hour movie's sample tables take a few megabytes.
    static let maximumMovieHeader = 128 << 20
    /// The largest XMP packet read.
    static let maximumXMP = 16 << 20

    init(_ source: any ByteSource) throws {
        self.source = source
        let tree = try BMFFTree(count: source.count) { try source.read($0) }
        self.tree = tree
        guard let first = tree.topLevel.first, tree.boxes[first].type == .ftyp else {
            throw MediaError.make(.malformed, "not an MP4 or QuickTime file: it does not start with an ftyp box")
        }
        let ftyp = tree.boxes[first]
        guard ftyp.body.count >= 8, ftyp.body.count <= 4096 else {
            throw MediaError.make(.malformed, "the ftyp box's \(ftyp.body.count) bytes are not a brand list")
        }
        let brands = try source.read(ftyp.body)
        majorBrand = FourCC(brands[0..<4]).description
        compatibleBrands = stride(from: 8, to: brands.count - 3, by: 4).map { FourCC(brands[$0..<$0 + 4]).description }
        let movies = tree.topLevel.filter { tree.boxes[$0].type == .moov }
        guard let moovIndex = movies.first else {
            throw MediaError.make(.malformed, "the file has no moov box, so it is not a movie (brand \(majorBrand))")
        }
        guard movies.count == 1 else { throw MediaError.make(.malformed, "the file has \(movies.count) moov boxes; one is allowed") }
        self.moovIndex = moovIndex
        let moov = tree.boxes[moovIndex]
        guard moov.range.count <= Self.maximumMovieHeader else {
            throw MediaError.make(.limitExceeded, "the moov box is \(moov.range.count) bytes, more than the \(Self.maximumMovieHeader) ailabel reads")
        }
        moovBytes = try source.read(moov.range)
        // A movie cut short has lost media its tables point to: c2pa-rs still hashes such a file (the
        // walk cuts the mdat, and verify reads it so), but it is not stamped or inspected as whole.
        if let cut = tree.topLevel.first(where: { tree.boxes[$0].isCut }) {
            throw MediaError.make(.truncated, "the file ends inside the mdat box at byte \(tree.boxes[cut].range.lowerBound): the movie is cut short")
        }
        try checkChunkOffsets()
        userData = firstChild("udta", of: moovIndex)
        let candidates = children(.meta, of: moovIndex) + (userData.map { children(.meta, of: $0) } ?? [])
        keyedMetadataBoxes = candidates.filter { handlerType(ofMeta: $0) == "mdta" }
    }

    /// Every chunk offset must lie inside the file (a rewrite moves each with the bytes it points to).
    func checkChunkOffsets() throws {
        var pending = [moovIndex]
        while let index = pending.popLast() {
            let box = tree.boxes[index]
            pending += box.children
            guard box.type == .stco || box.type == .co64 else { continue }
            let body = payload(index)
            let width = box.type == .stco ? 4 : 8
            guard body.count >= 4 else { throw MediaError.make(.truncated, "\(box.type.quoted) at byte \(box.range.lowerBound) has no entry count") }
            let count = Int(BigEndian.uint32(body, 0))
            guard count <= (body.count - 4) / width else {
                throw MediaError.make(.truncated, "\(box.type.quoted) at byte \(box.range.lowerBound) declares \(count) chunk offsets, more than it holds")
            }
            for entry in 0..<count {
                let at = 4 + entry * width
                let offset = width == 4 ? UInt64(BigEndian.uint32(body, at)) : BigEndian.uint64(body, at)
                guard offset < UInt64(source.count) else {
                    throw MediaError.make(.malformed, "chunk offset \(offset) in \(box.type.quoted) at byte \(box.range.lowerBound) lies outside the \(source.count)-byte file")
                }
            }
        }
    }

    var moov: BMFFBox { tree.boxes[moovIndex] }

    /// Bytes inside `moov`, by their file offsets.
    func moovSlice(_ range: Range<Int>) -> ArraySlice<UInt8> {
        let base = moov.range.lowerBound
        return moovBytes[range.lowerBound - base..<range.upperBound - base]
    }

    /// A box's payload (after the header and a full box's version and flags) inside `moov`.
    func payload(_ index: Int) -> [UInt8] {
        let box = tree.boxes[index]
        return Array(moovSlice(min(box.payloadStart, box.range.upperBound)..<box.range.upperBound))
    }

    /// The first `limit` bytes at most of a box's payload: the fields read from a table's head, without
    /// copying the table (an `stsz` of a long movie holds megabytes).
    func payload(_ index: Int, upTo limit: Int) -> [UInt8] {
        let box = tree.boxes[index]
        let start = min(box.payloadStart, box.range.upperBound)
        return Array(moovSlice(start..<min(box.range.upperBound, start + limit)))
    }

    /// The boxes of a type directly inside `parent`.
    func children(_ type: FourCC, of parent: Int) -> [Int] {
        tree.boxes[parent].children.filter { tree.boxes[$0].type == type }
    }

    /// The first box of a type directly inside `parent`.
    func firstChild(_ type: FourCC, of parent: Int) -> Int? {
        tree.boxes[parent].children.first { tree.boxes[$0].type == type }
    }

    /// The box reached by a path of types below `parent` (the first match at each level).
    func descendant(_ path: [FourCC], of parent: Int) -> Int? {
        var current = parent
        for type in path {
            guard let next = firstChild(type, of: current) else { return nil }
            current = next
        }
        return current
    }

    /// The top-level XMP `uuid` boxes.
    var xmpBoxes: [Int] {
        tree.topLevel.filter { tree.boxes[$0].type == .uuid && tree.boxes[$0].userType == BMFFUUID.xmp }
    }

    /// QuickTime's `XMP_` boxes in `moov/udta`.
    var quickTimeXMPBoxes: [Int] { userData.map { children("XMP_", of: $0) } ?? [] }

    /// The handler type of a `meta` box (`mdta`, `mdir`…).
    func handlerType(ofMeta meta: Int) -> String? {
        guard let hdlr = firstChild(.hdlr, of: meta) else { return nil }
        let payload = payload(hdlr, upTo: 8)
        guard payload.count >= 8 else { return nil }
        return FourCC(payload[4..<8]).description
    }

    /// The movie's tracks, duration and brands.
    func coding() -> MP4Coding {
        var duration: Double?
        if let mvhd = firstChild("mvhd", of: moovIndex) {
            duration = Self.duration(header: payload(mvhd, upTo: 32), version: tree.boxes[mvhd].version ?? 0)
        }
        var tracks: [MP4Coding.Track] = []
        for trak in children("trak", of: moovIndex) {
            var track = MP4Coding.Track(id: 0, handler: "", codec: "", codecName: "")
            if let tkhd = firstChild("tkhd", of: trak) {
                let body = payload(tkhd, upTo: 92)
                let version = tree.boxes[tkhd].version ?? 0
                let idAt = version == 1 ? 16 : 8
                if body.count >= idAt + 4 { track.id = Int(BigEndian.uint32(body, idAt)) }
                let widthAt = version == 1 ? 84 : 72
                if body.count >= widthAt + 8 {
                    track.width = Int(BigEndian.uint32(body, widthAt) >> 16)
                    track.height = Int(BigEndian.uint32(body, widthAt + 4) >> 16)
                }
            }
            if let mdhd = descendant(["mdia", "mdhd"], of: trak) {
                track.duration = Self.duration(header: payload(mdhd, upTo: 32), version: tree.boxes[mdhd].version ?? 0)
            }
            if let hdlr = descendant(["mdia", "hdlr"], of: trak) {
                let body = payload(hdlr, upTo: 8)
                if body.count >= 8 { track.handler = FourCC(body[4..<8]).description }
            }
            if let stsd = descendant(["mdia", "minf", "stbl", "stsd"], of: trak) {
                // entry_count, then the first sample entry: size, type, 6 reserved bytes, data reference index.
                let head = payload(stsd, upTo: 8)
                let body = head.count >= 8 ? payload(stsd, upTo: 4 + max(8, Int(BigEndian.uint32(head, 4)))) : head
                if body.count >= 12 {
                    let entry = Array(body[4...])
                    track.codec = FourCC(entry[4..<8]).description
                    if track.handler == "vide", entry.count >= 36 {
                        track.width = Int(BigEndian.uint16(entry, 32))
                        track.height = Int(BigEndian.uint16(entry, 34))
                    } else if track.handler == "soun", entry.count >= 36 {
                        track.channels = Int(BigEndian.uint16(entry, 24))
                        // MP4 writers put 2 in the sample entry whatever the stream holds; AAC says it in esds.
                        if track.codec == "mp4a", let channels = Self.aacChannels(entry: entry) { track.channels = channels }
                        track.sampleRate = Int(BigEndian.uint32(entry, 32) >> 16)
                    }
                }
            }
            if let stsz = descendant(["mdia", "minf", "stbl", "stsz"], of: trak) {
                let body = payload(stsz, upTo: 8)
                if body.count >= 8 { track.sampleCount = Int(BigEndian.uint32(body, 4)) }
            }
            track.codecName = MP4Coding.codecName(track.codec)
            if track.handler == "soun" { track.width = nil; track.height = nil }
            tracks.append(track)
        }
        let fragmented = firstChild("mvex", of: moovIndex) != nil || tree.topLevel.contains { tree.boxes[$0].type == "moof" }
        return MP4Coding(majorBrand: majorBrand, compatibleBrands: compatibleBrands, duration: duration, tracks: tracks, fragmented: fragmented)
    }

    /// The channel count of an `mp4a` sample entry's AudioSpecificConfig (ISO/IEC 14496-3), found in
    /// its `esds` descriptors; nil when absent or not a plain channel configuration.
    static func aacChannels(entry: [UInt8]) -> Int? {
        // A QuickTime sound description of version 1 or 2 has 16 or 36 more bytes before its boxes.
        let version = entry.count >= 18 ? BigEndian.uint16(entry, 16) : 0
        let entryEnd = min(entry.count, Int(BigEndian.uint32(entry, 0)))
        var position = 36 + (version == 1 ? 16 : version == 2 ? 36 : 0)
        var esds: ArraySlice<UInt8>?
        while entryEnd - position >= 8 {
            let size = Int(BigEndian.uint32(entry, position))
            guard size >= 8, size <= entryEnd - position else { return nil }
            // `esds` is a full box: its descriptors follow version and flags (a shorter one holds none).
            if FourCC(entry[position + 4..<position + 8]) == "esds", size >= 12 { esds = entry[position + 12..<position + size] }
            position += size
        }
        guard let descriptors = esds.map(Array.init) else { return nil }
        // Descriptors: a tag, a size of 1 to 4 bytes of 7 bits each, the body.
        var at = 0
        func header() -> (tag: UInt8, size: Int)? {
            guard at < descriptors.count else { return nil }
            let tag = descriptors[at]
            at += 1
            var size = 0
            for _ in 0..<4 {
                guard at < descriptors.count else { return nil }
                let byte = descriptors[at]
                at += 1
                size = size << 7 | Int(byte & 0x7F)
                if byte & 0x80 == 0 { break }
            }
            return (tag, size)
        }
        guard let es = header(), es.tag == 3, descriptors.count - at >= 3 else { return nil }
        let flags = descriptors[at + 2]
        at += 3
        if flags & 0x80 != 0 { at += 2 }
        if flags & 0x40 != 0 { guard at < descriptors.count else { return nil }; at += 1 + Int(descriptors[at]) }
        if flags & 0x20 != 0 { at += 2 }
        guard let config = header(), config.tag == 4 else { return nil }
        at += 13
        guard let specific = header(), specific.tag == 5, specific.size >= 2, descriptors.count - at >= 2 else { return nil }
        var bits = descriptors[at..<min(descriptors.count, at + 8)].reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        bits <<= UInt64(8 * (8 - min(8, descriptors.count - at)))
        var used = 0
        func take(_ count: Int) -> Int {
            let value = Int((bits << UInt64(used)) >> UInt64(64 - count))
            used += count
            return value
        }
        if take(5) == 31 { _ = take(6) }
        if take(4) == 15 { _ = take(24) }
        let channels = take(4)
        return (1...7).contains(channels) ? (channels == 7 ? 8 : channels) : nil
    }

    /// Seconds from an `mvhd` or `mdhd` payload (after version and flags).
    static func duration(header: [UInt8], version: UInt8) -> Double? {
        let (timescaleAt, durationAt, width) = version == 1 ? (16, 20, 8) : (8, 12, 4)
        guard header.count >= durationAt + width else { return nil }
        let timescale = BigEndian.uint32(header, timescaleAt)
        let duration = width == 8 ? BigEndian.uint64(header, durationAt) : UInt64(BigEndian.uint32(header, durationAt))
        // All ones means "unknown" (a fragmented movie's header).
        guard timescale > 0, duration != UInt64.max, !(width == 4 && duration == UInt64(UInt32.max)) else { return nil }
        return Double(duration) / Double(timescale)
    }
}
