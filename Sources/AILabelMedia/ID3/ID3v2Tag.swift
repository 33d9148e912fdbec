/// An ID3v2 tag (versions 2.2, 2.3 and 2.4) at the start of an MP3 or a FLAC file, parsed by reading
/// the tag and nothing after it: the frames ailabel reads (`PRIV` `XMP`, `TXXX`, `GEOB`) decoded,
/// every frame kept as found so a rewrite can carry it across.
///
/// Handles the tag's tricks: unsynchronisation (the whole tag in 2.2/2.3, per frame in 2.4), the
/// extended header, the 2.4 footer, per-frame compression, encryption, grouping and data length
/// indicators. Every size is checked against the bytes that hold it before anything is read.
struct ID3v2Tag: Sendable {
    /// 2, 3 or 4.
    let majorVersion: UInt8
    let revision: UInt8
    let flags: UInt8
    /// The tag in the file: header, extended header, frames, padding, footer.
    let range: Range<Int>
    let frames: [ID3v2Frame]
    /// Whether the tag header says every frame is unsynchronised.
    var isUnsynchronised: Bool { flags & 0x80 != 0 }

    static let headerSize = 10
    /// Frames in one tag; real tags hold tens.
    static let maximumFrames = 10_000

    /// Whether `head` starts with an ID3v2 header, and the tag's size with header and footer.
    static func tagSize(_ head: some Collection<UInt8>) -> Int? {
        let bytes = Array(head.prefix(headerSize))
        guard bytes.count == headerSize, bytes.starts(withASCII: "ID3"), (2...4).contains(bytes[3]), bytes[6..<10].allSatisfy({ $0 < 0x80 }) else {
            return nil
        }
        let footer = bytes[3] == 4 && bytes[5] & 0x10 != 0 ? headerSize : 0
        return headerSize + synchsafe(bytes, at: 6) + footer
    }

    /// Parses the tag at the start of `source`; nil when the source does not start with `ID3`.
    static func parse(_ source: any ByteSource) throws -> ID3v2Tag? {
        guard source.count >= 3, try source.read(at: 0, count: 3).starts(withASCII: "ID3") else { return nil }
        let header = try source.read(at: 0, count: headerSize, "the ID3v2 tag header")
        let major = header[3]
        guard (2...4).contains(major) else {
            throw MediaError.make(.malformed, "the ID3v2 tag declares version 2.\(major), which is not 2.2, 2.3 or 2.4")
        }
        guard header[6..<10].allSatisfy({ $0 < 0x80 }) else {
            throw MediaError.make(.malformed, "the ID3v2 tag size is not synchsafe (a byte has its high bit set): synchsafe overflow")
        }
        let flags = header[5]
        let size = synchsafe(header, at: 6)
        let footer = major == 4 && flags & 0x10 != 0 ? headerSize : 0
        let end = headerSize + size + footer
        guard end <= source.count else {
            throw MediaError.make(.truncated, "the ID3v2 tag declares \(size) bytes but the file holds only \(source.count - headerSize) after its header")
        }
        guard size <= AudioLimits.maximumID3Tag else {
            throw MediaError.make(.limitExceeded, "the ID3v2 tag is \(size) bytes, over the \(AudioLimits.maximumID3Tag)-byte limit")
        }
        var body = try source.read(at: headerSize, count: size, "the ID3v2 tag")
        // 2.2/2.3: the whole tag is unsynchronised; undo it first (frame offsets then no longer map to
        // the file, which ``ID3v2Frame/fileRange`` says).
        let wholeTagUnsynchronised = major < 4 && flags & 0x80 != 0
        if wholeTagUnsynchronised { body = resynchronised(body) }
        var position = 0
        if major >= 3, flags & 0x40 != 0 {
            position = try extendedHeaderSize(body, major: major)
        }
        var frames: [ID3v2Frame] = []
        let frameHeaderSize = major == 2 ? 6 : 10
        while body.count - position >= frameHeaderSize {
            // Padding (zeros) ends the frames.
            if body[position] == 0 { break }
            guard frames.count < maximumFrames else { throw MediaError.make(.limitExceeded, "more than \(maximumFrames) ID3v2 frames") }
            let idLength = major == 2 ? 3 : 4
            let idBytes = body[position..<position + idLength]
            guard idBytes.allSatisfy({ (0x41...0x5A).contains($0) || (0x30...0x39).contains($0) }) else {
                throw MediaError.make(.malformed, "the ID3v2 frame at byte \(headerSize + position) has an invalid ID")
            }
            let id = String(decoding: idBytes, as: UTF8.self)
            let frameSize: Int
            let frameFlags: UInt16
            switch major {
            case 2:
                frameSize = Int(body[position + 3]) << 16 | Int(body[position + 4]) << 8 | Int(body[position + 5])
                frameFlags = 0
            case 3:
                frameSize = Int(body[position + 4]) << 24 | Int(body[position + 5]) << 16 | Int(body[position + 6]) << 8 | Int(body[position + 7])
                frameFlags = UInt16(body[position + 8]) << 8 | UInt16(body[position + 9])
            default:
                guard body[(position + 4)..<(position + 8)].allSatisfy({ $0 < 0x80 }) else {
                    throw MediaError.make(.malformed, "the ID3v2 frame \(id) at byte \(headerSize + position) has a size that is not synchsafe: synchsafe overflow")
                }
                frameSize = synchsafe(body, at: position + 4)
                frameFlags = UInt16(body[position + 8]) << 8 | UInt16(body[position + 9])
            }
            let dataStart = position + frameHeaderSize
            guard frameSize <= body.count - dataStart else {
                throw MediaError.make(
                    .truncated, "the ID3v2 frame \(id) at byte \(headerSize + position) declares \(frameSize) bytes but only \(body.count - dataStart) remain in the tag")
            }
            let raw = body[position..<dataStart + frameSize]
            let content = try decodeContent(
                id: id, data: body[dataStart..<dataStart + frameSize], flags: frameFlags, major: major,
                unsynchronised: major == 4 && (flags & 0x80 != 0 || frameFlags & 0x0002 != 0), at: headerSize + position)
            // Where the frame's data lies in the file, when it is stored there verbatim.
            let verbatim = !wholeTagUnsynchronised && content.isVerbatim
            frames.append(ID3v2Frame(
                id: id, flags: frameFlags, raw: Array(raw), content: content.bytes,
                fileRange: headerSize + position..<headerSize + dataStart + frameSize,
                contentFileRange: verbatim ? headerSize + dataStart + content.offset..<headerSize + dataStart + frameSize : nil))
            position = dataStart + frameSize
        }
        return ID3v2Tag(majorVersion: major, revision: header[4], flags: flags, range: 0..<end, frames: frames)
    }

    /// The extended header's size (it is skipped: its CRC and restrictions describe the old tag).
    static func extendedHeaderSize(_ body: [UInt8], major: UInt8) throws -> Int {
        guard body.count >= 4 else { throw MediaError.make(.truncated, "the ID3v2 extended header is cut short") }
        let size: Int
        if major == 3 {
            // 2.3: the size excludes its own four bytes.
            size = 4 + (Int(body[0]) << 24 | Int(body[1]) << 16 | Int(body[2]) << 8 | Int(body[3]))
        } else {
            guard body[0..<4].allSatisfy({ $0 < 0x80 }) else {
                throw MediaError.make(.malformed, "the ID3v2 extended header size is not synchsafe: synchsafe overflow")
            }
            size = synchsafe(body, at: 0)
        }
        guard size >= 6, size <= body.count else {
            throw MediaError.make(.truncated, "the ID3v2 extended header declares \(size) bytes; the tag holds \(body.count)")
        }
        return size
    }

    /// A frame's content with its flags undone: the data length indicator, grouping and encryption
    /// bytes skipped, unsynchronisation removed. Compressed and encrypted content is not decoded
    /// (nil): ailabel never writes it, and reads no label from it.
    static func decodeContent(id: String, data: ArraySlice<UInt8>, flags: UInt16, major: UInt8, unsynchronised: Bool, at offset: Int) throws
        -> (bytes: [UInt8]?, offset: Int, isVerbatim: Bool)
    {
        var skip = 0
        var compressed = false
        var encrypted = false
        if major == 3 {
            compressed = flags & 0x0080 != 0
            encrypted = flags & 0x0040 != 0
            if compressed { skip += 4 }
            if encrypted { skip += 1 }
            if flags & 0x0020 != 0 { skip += 1 }
        } else if major == 4 {
            compressed = flags & 0x0008 != 0
            encrypted = flags & 0x0004 != 0
            if flags & 0x0040 != 0 { skip += 1 }
            if encrypted { skip += 1 }
            if flags & 0x0001 != 0 { skip += 4 }
        }
        guard skip <= data.count else {
            let what = compressed ? "compressed but shorter than its 4-byte decompressed size (compression underflow)" : "shorter than the bytes its flags announce"
            throw MediaError.make(.malformed, "the ID3v2 frame \(id) at byte \(offset) is \(what)")
        }
        if compressed || encrypted { return (nil, skip, false) }
        let content = Array(data.dropFirst(skip))
        if unsynchronised { return (resynchronised(content), skip, false) }
        return (content, skip, true)
    }

    /// Undoes unsynchronisation: every 0xFF 0x00 becomes 0xFF.
    static func resynchronised(_ bytes: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var previousFF = false
        for byte in bytes {
            if previousFF && byte == 0 {
                previousFF = false
                continue
            }
            out.append(byte)
            previousFF = byte == 0xFF
        }
        return out
    }

    static func synchsafe(_ bytes: some Collection<UInt8>, at offset: Int) -> Int {
        let start = bytes.index(bytes.startIndex, offsetBy: offset)
        return bytes[start...].prefix(4).reduce(0) { $0 << 7 | Int($1 & 0x7F) }
    }
}

/// One frame of an ID3v2 tag.
struct ID3v2Frame: Sendable {
    let id: String
    let flags: UInt16
    /// The frame as it is in the tag (header and data; after the whole tag's unsynchronisation is undone).
    let raw: [UInt8]
    /// The frame's content with its flags undone; nil when compressed or encrypted.
    let content: [UInt8]?
    /// Where the frame lies in the file (meaningful when the tag is not unsynchronised as a whole).
    let fileRange: Range<Int>
    /// Where the content lies in the file byte for byte, or nil when it is transformed there.
    let contentFileRange: Range<Int>?
}
