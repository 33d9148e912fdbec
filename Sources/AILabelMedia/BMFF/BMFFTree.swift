/// The box tree of an ISO base media file, walked the way c2pa-rs walks it (`bmff_io.rs`,
/// `build_bmff_tree`) so that a C2PA BMFF hash computed over it names the same boxes: the same
/// container types are descended into, the same types are read as full boxes, a size of 0 runs to
/// the end of the file, a 64-bit `largesize` is honoured, and an `mdat` that claims more bytes than
/// the file holds is cut at the end of the file (as c2pa-rs does, so a truncated movie still hashes).
///
/// Only headers are read, by positioned reads through `read`: the walk never reads a payload and
/// never allocates what a size field claims. Every size is checked against the enclosing box and the
/// file; nesting deeper than ``BMFFLimits/maximumDepth`` and more than ``BMFFLimits/maximumBoxes``
/// boxes are refused.
public struct BMFFTree: Sendable {
    public private(set) var boxes: [BMFFBox] = []
    /// The indexes of the top-level boxes, in file order.
    public private(set) var topLevel: [Int] = []
    /// The file's length.
    public let fileSize: Int
    /// Where the last top-level box ends: bytes after it (too few for a box header) are trailing data.
    public private(set) var end: Int = 0
    /// Non-fatal oddities: an `mdat` cut at the end of the file, trailing bytes.
    public private(set) var warnings: [String] = []

    /// The container types c2pa-rs descends into. Other boxes are leaves here (HEIF's `iinf`,
    /// `iref` and `iprp` are read by the HEIF handler itself).
    public static let containerTypes: Set<FourCC> = [
        "moov", "trak", "mdia", "minf", "stbl", "moof", "traf", "edts", "udta", "dinf", "tref", "treg", "mvex", "mfra", "meta", "schi",
    ]

    /// The ISO/IEC 14496-12:2022 full boxes, as c2pa-rs lists them: their version and flags are read.
    public static let fullBoxTypes: Set<FourCC> = Set([
        "pdin", "mvhd", "tkhd", "mdhd", "hdlr", "nmhd", "elng", "stsd", "stdp", "stts", "ctts", "cslg",
        "stss", "stsh", "elst", "dref", "stsz", "stz2", "stsc", "stco", "co64", "padb", "subs",
        "saiz", "saio", "mehd", "trex", "mfhd", "tfhd", "trun", "tfra", "mfro", "tfdt", "leva", "trep",
        "assp", "sbgp", "sgpd", "csgp", "cprt", "tsel", "kind", "meta", "xml ", "bxml", "iloc", "pitm",
        "ipro", "infe", "iinf", "iref", "ipma", "schm", "fiin", "fpar", "fecr", "gitn", "fire", "stri",
        "stsg", "stvi", "csch", "sidx", "ssix", "prft", "srpp", "vmhd", "smhd", "srat", "chnl", "dmix",
        "txtC", "mime", "uri ", "uriI", "hmhd", "sthd", "vvhd", "medc",
    ].map { FourCC(stringLiteral: $0) })

    /// Walks the file of `count` bytes that `read` returns ranges of (a range `read` cannot serve throws).
    public init(count: Int, limits: BMFFLimits = .standard, read: (Range<Int>) throws -> [UInt8]) throws {
        self.fileSize = count
        guard count > 0 else { throw MediaError.make(.empty, "the file is empty") }
        // One frame per open container: where its children end, its index, its depth.
        var frames: [(end: Int, index: Int?, depth: Int)] = [(count, nil, 1)]
        var position = 0
        var window: [UInt8] = []
        var windowStart = 0
        while let frame = frames.last {
            if position >= frame.end {
                frames.removeLast()
                position = frame.index.map { boxes[$0].range.upperBound } ?? count
                continue
            }
            let available = frame.end - position
            guard available >= 8 else {
                // Too few bytes for a header: c2pa-rs stops reading there, and so does the walk.
                if frame.index == nil {
                    warnings.append("\(available) bytes after the last box at byte \(position) are not a box")
                } else if available == 4, boxes[frame.index!].type == "udta", try read(position..<position + 4) == [0, 0, 0, 0] {
                    // QuickTime's user data may end with a 32-bit zero (QuickTime File Format, "User Data
                    // Atoms"), written by older Apple software and kept for its readers.
                    boxes[frame.index!].hasQuickTimeTerminator = true
                } else {
                    throw MediaError.make(.truncated, "\(available) bytes at byte \(position) inside \(boxes[frame.index!].type.quoted) are too few for a box header")
                }
                position = frame.end
                continue
            }
            guard boxes.count < limits.maximumBoxes else {
                throw MediaError.make(.limitExceeded, "more than \(limits.maximumBoxes) boxes")
            }
            // Headers are read through a window: one read per few hundred small boxes rather than one each.
            let wanted = min(available, 40)
            if position < windowStart || position + wanted > windowStart + window.count {
                window = try read(position..<min(count, position + max(wanted, Self.headerWindow)))
                windowStart = position
                guard window.count >= wanted else { throw MediaError.make(.truncated, "the bytes end inside the box header at byte \(position)") }
            }
            var (box, claimed) = try Self.header(HeaderBytes(window: window, base: position - windowStart, count: wanted), at: position, parentEnd: frame.end, fileSize: count, depth: frame.depth, parent: frame.index)
            if claimed > box.range.count {
                box.isCut = true
                warnings.append("the mdat box at byte \(position) claims \(claimed) bytes, more than the \(box.range.count) left; it is read to the end")
            }
            let index = boxes.count
            boxes.append(box)
            if let parent = frame.index { boxes[parent].children.append(index) } else { topLevel.append(index) }
            if Self.containerTypes.contains(box.type), box.payloadStart < box.range.upperBound {
                guard frame.depth < limits.maximumDepth else {
                    throw MediaError.make(.limitExceeded, "boxes are nested deeper than \(limits.maximumDepth) levels at byte \(position) (\(box.type.quoted))")
                }
                frames.append((box.range.upperBound, index, frame.depth + 1))
                position = box.payloadStart
            } else {
                position = box.range.upperBound
            }
        }
        end = topLevel.last.map { boxes[$0].range.upperBound } ?? 0
    }

    /// How many bytes a header read asks for at once.
    static let headerWindow = 16 << 10

    /// A box header's first bytes (at most 40), inside the walk's read window.
    struct HeaderBytes {
        let window: [UInt8]
        let base: Int
        let count: Int
        subscript(_ at: Int) -> UInt8 { window[base + at] }
        subscript(_ range: Range<Int>) -> ArraySlice<UInt8> { window[base + range.lowerBound..<base + range.upperBound] }
        func uint32(_ at: Int) -> UInt32 { BigEndian.uint32(window, base + at) }
        func uint64(_ at: Int) -> UInt64 { BigEndian.uint64(window, base + at) }
    }

    /// Walks bytes in memory.
    public init(_ bytes: [UInt8], limits: BMFFLimits = .standard) throws {
        try self.init(count: bytes.count, limits: limits) { Array(bytes[$0]) }
    }

    /// Reads one header from `head` (the first bytes at `position`, at most 40), with the size it claims.
    static func header(_ head: HeaderBytes, at position: Int, parentEnd: Int, fileSize: Int, depth: Int, parent: Int?) throws -> (BMFFBox, claimed: Int) {
        let size32 = head.uint32(0)
        let type = FourCC(head[4..<8])
        var headerSize = 8
        var size: Int
        var largeSize = false
        switch size32 {
        case 0:
            // "To the end of the file" is for the last top-level box; inside a box it would make the
            // child's size depend on what follows its parent, which a rewrite changes.
            guard parent == nil else {
                throw MediaError.make(.malformed, "box \(type.quoted) at byte \(position) has size 0 (to the end of the file) inside another box")
            }
            size = fileSize - position
        case 1:
            guard head.count >= 16 else {
                throw MediaError.make(.truncated, "box \(type.quoted) at byte \(position) has a 64-bit size but the bytes end inside it")
            }
            let large = head.uint64(8)
            guard large <= UInt64(Int.max) else {
                throw MediaError.make(.truncated, "box \(type.quoted) at byte \(position) declares a 64-bit size of \(large) bytes, past the end of the file")
            }
            size = Int(large)
            headerSize = 16
            largeSize = true
        default:
            size = Int(size32)
        }
        guard size >= headerSize else {
            throw MediaError.make(.malformed, "box \(type.quoted) at byte \(position) declares \(size) bytes, less than its own header")
        }
        // A top-level mdat past the end of the file (a cut download) is cut by the caller, as c2pa-rs does.
        // Any other box past its parent is refused, an mdat inside a box too: cut there, it would end where
        // its parent ends, so boxes a rewrite appends to the parent would be read as its media on the next walk.
        let available = parentEnd - position
        if size > available, type != .mdat || parent != nil {
            throw MediaError.make(.truncated, "box \(type.quoted) at byte \(position) declares \(size) bytes but only \(available) remain\(parent == nil ? " in the file" : " in its parent box")")
        }
        let kept = min(size, available)
        var box = BMFFBox(type: type, range: position..<position + kept, headerSize: headerSize, userType: nil,
                          version: nil, flags: nil, hasLargeSize: largeSize, extendsToEnd: size32 == 0, parent: parent, depth: depth)
        let bodyLength = kept - headerSize
        var cursor = headerSize
        if type == .uuid {
            guard bodyLength >= 16, head.count >= cursor + 16 else {
                throw MediaError.make(.malformed, "uuid box at byte \(position) is too short for its 16-byte extended type")
            }
            box.userType = Array(head[cursor..<cursor + 16])
            box.headerSize += 16
            cursor += 16
        }
        let isFull = fullBoxTypes.contains(type) || box.userType == BMFFUUID.c2pa
        if isFull {
            // QuickTime writes `meta` as a plain box: its first child's type, `hdlr`, sits where a full
            // box's version would be followed by a child (c2pa-rs, FFmpeg and Bento4 look the same way).
            let quickTimeMeta = type == .meta && head.count >= cursor + 8 && FourCC(head[cursor + 4..<cursor + 8]) == .hdlr
            if !quickTimeMeta {
                guard bodyLength - (cursor - headerSize) >= 4, head.count >= cursor + 4 else {
                    throw MediaError.make(.malformed, "full box \(type.quoted) at byte \(position) is too short for its version and flags")
                }
                box.version = head[cursor]
                box.flags = UInt32(head[cursor + 1]) << 16 | UInt32(head[cursor + 2]) << 8 | UInt32(head[cursor + 3])
            }
        }
        return (box, size)
    }

    // MARK: Queries

    /// The path c2pa-rs gives a box: `/meta/iloc`.
    public func path(of index: Int) -> String {
        var parts: [String] = []
        var current: Int? = index
        while let at = current {
            parts.append(boxes[at].type.description)
            current = boxes[at].parent
        }
        return "/" + parts.reversed().joined(separator: "/")
    }

    /// The boxes directly inside `parent` (the top level for nil).
    public func children(of parent: Int?) -> [Int] {
        parent.map { boxes[$0].children } ?? topLevel
    }

    /// The first top-level box of a type.
    public func first(_ type: FourCC, in parent: Int? = nil) -> Int? {
        children(of: parent).first { boxes[$0].type == type }
    }

    /// The boxes an xpath of a C2PA BMFF hash exclusion names, as c2pa-rs resolves it
    /// (`BMFFArena::fetch`): `/moov/trak/mdia` names every match at each level; `name[n]` (1-based)
    /// picks the n-th match among the boxes the previous part reached. Nil when the xpath is
    /// malformed (a part shorter than four characters, a bad index) or names nothing.
    public func boxes(atXPath xpath: String) -> [Int]? {
        var reached: [Int] = topLevel
        var current: [Int] = []
        let parts = xpath.drop { $0 == "/" }.split(separator: "/", omittingEmptySubsequences: false)
        for part in parts {
            guard part.count >= 4 else { return nil }
            if reached.isEmpty { return nil }
            if let open = part.firstIndex(of: "[") {
                let name = String(part[..<open])
                let indexText = part[part.index(after: open)...]
                let digits = indexText.hasSuffix("]") ? indexText.dropLast() : indexText
                guard name.count >= 4, let index = Int(digits), index > 0 else { return nil }
                let matching = reached.filter { boxes[$0].type.isNamed(name) }
                guard index <= matching.count else { return nil }
                current = [matching[index - 1]]
                reached = boxes[matching[index - 1]].children
            } else {
                let name = String(part)
                current = reached.filter { boxes[$0].type.isNamed(name) }
                reached = current.flatMap { boxes[$0].children }
            }
        }
        return current
    }
}

/// Bounds on a BMFF walk (Docs/limits.md).
public struct BMFFLimits: Sendable, Hashable {
    /// c2pa-rs refuses boxes nested deeper than 32 levels; so does ailabel.
    public var maximumDepth = 32
    /// More boxes than any real file holds (a long fragmented movie has a few per fragment).
    public var maximumBoxes = 1_000_000

    public init() {}
    public static let standard = BMFFLimits()
}

/// Big-endian reads from byte arrays, bounds checked by the caller.
enum BigEndian {
    static func uint16(_ bytes: [UInt8], _ at: Int) -> UInt16 { UInt16(bytes[at]) << 8 | UInt16(bytes[at + 1]) }
    static func uint32(_ bytes: [UInt8], _ at: Int) -> UInt32 {
        UInt32(bytes[at]) << 24 | UInt32(bytes[at + 1]) << 16 | UInt32(bytes[at + 2]) << 8 | UInt32(bytes[at + 3])
    }
    static func uint64(_ bytes: [UInt8], _ at: Int) -> UInt64 { UInt64(uint32(bytes, at)) << 32 | UInt64(uint32(bytes, at + 4)) }

    static func append(_ value: UInt16, to out: inout [UInt8]) { out += [UInt8(value >> 8), UInt8(value & 0xFF)] }
    static func append(_ value: UInt32, to out: inout [UInt8]) {
        out += [UInt8(value >> 24), UInt8(value >> 16 & 0xFF), UInt8(value >> 8 & 0xFF), UInt8(value & 0xFF)]
    }
    static func append(_ value: UInt64, to out: inout [UInt8]) {
        append(UInt32(value >> 32), to: &out)
        append(UInt32(value & 0xFFFF_FFFF), to: &out)
    }
    /// Appends `value` in `width` bytes (0, 4 or 8, as iloc fields are sized).
    static func append(_ value: UInt64, width: Int, to out: inout [UInt8]) {
        switch width {
        case 4: append(UInt32(truncatingIfNeeded: value), to: &out)
        case 8: append(value, to: &out)
        default: break
        }
    }
}
