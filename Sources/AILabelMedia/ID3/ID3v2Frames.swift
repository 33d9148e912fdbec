/// The frames ailabel reads and writes in an ID3v2 tag: `PRIV` with owner `XMP` (the XMP packet, as
/// c2pa-rs and exiftool read it), `TXXX` (user text; `AIGC` holds the TC260 label, where
/// `ffmpeg -metadata AIGC=…` puts it) and `GEOB` with MIME type `application/c2pa` (the C2PA store,
/// exactly as c2pa-rs's `id3_helper.rs` writes it).
enum ID3v2Frames {
    static let c2paMimeType = "application/c2pa"
    /// The MIME type older c2pa-rs versions wrote; still read.
    static let deprecatedC2PAMimeType = "application/x-c2pa-manifest-store"
    static let c2paFileName = "c2pa"
    static let c2paDescription = "c2pa manifest store"
    static let xmpOwner = "XMP"

    /// A `PRIV` frame's owner and data.
    static func privateFrame(_ content: [UInt8]) -> (owner: String, data: ArraySlice<UInt8>)? {
        guard let end = content.firstIndex(of: 0) else { return nil }
        return (String(decoding: content[..<end], as: UTF8.self), content[(end + 1)...])
    }

    /// A `TXXX` frame's description and value.
    static func userText(_ content: [UInt8]) -> (description: String, value: String)? {
        guard let encoding = content.first else { return nil }
        var rest = content[1...]
        guard let description = takeString(&rest, encoding: encoding) else { return nil }
        let value = decode(rest, encoding: encoding).trimmingTrailingNULs
        return (description, value)
    }

    /// A `GEOB` frame: MIME type, file name, description, and where its data starts in `content`.
    static func encapsulatedObject(_ content: [UInt8]) -> (mimeType: String, fileName: String, description: String, dataOffset: Int)? {
        guard let encoding = content.first else { return nil }
        var rest = content[1...]
        guard let mime = takeString(&rest, encoding: 0), let fileName = takeString(&rest, encoding: encoding),
            let description = takeString(&rest, encoding: encoding)
        else { return nil }
        return (mime, fileName, description, rest.startIndex)
    }

    static func isC2PA(mimeType: String) -> Bool { mimeType == c2paMimeType || mimeType == deprecatedC2PAMimeType }

    /// Takes a terminated string off the front of `bytes` (encoding 0/3: one NUL; 1/2: two, aligned).
    static func takeString(_ bytes: inout ArraySlice<UInt8>, encoding: UInt8) -> String? {
        if encoding == 1 || encoding == 2 {
            var index = bytes.startIndex
            while index + 1 < bytes.endIndex {
                if bytes[index] == 0 && bytes[index + 1] == 0 {
                    let text = decode(bytes[bytes.startIndex..<index], encoding: encoding)
                    bytes = bytes[(index + 2)...]
                    return text
                }
                index += 2
            }
            return nil
        }
        guard let end = bytes.firstIndex(of: 0) else { return nil }
        let text = decode(bytes[bytes.startIndex..<end], encoding: encoding)
        bytes = bytes[(end + 1)...]
        return text
    }

    static func decode(_ bytes: ArraySlice<UInt8>, encoding: UInt8) -> String {
        switch encoding {
        case 0: return String(bytes.map { Character(Unicode.Scalar($0)) })
        case 1, 2:
            var units: [UInt16] = []
            var bigEndian = encoding == 2
            var index = bytes.startIndex
            if encoding == 1, bytes.count >= 2 {
                if bytes[index] == 0xFF && bytes[index + 1] == 0xFE { bigEndian = false; index += 2 }
                else if bytes[index] == 0xFE && bytes[index + 1] == 0xFF { bigEndian = true; index += 2 }
            }
            while index + 1 < bytes.endIndex {
                let pair = (UInt16(bytes[index]), UInt16(bytes[index + 1]))
                units.append(bigEndian ? pair.0 << 8 | pair.1 : pair.1 << 8 | pair.0)
                index += 2
            }
            return String(decoding: units, as: UTF16.self)
        default: return String(decoding: bytes, as: UTF8.self)
        }
    }

    // MARK: Writing

    /// A frame as written in a tag of `major` version 3 or 4 (no flags).
    static func frame(_ id: String, content: [UInt8], major: UInt8) throws -> [UInt8] {
        guard content.count < 1 << 28 else { throw MediaError.make(.limitExceeded, "an ID3v2 \(id) frame of \(content.count) bytes does not fit a tag") }
        var out = Array(id.utf8)
        out += major == 4 ? synchsafeBytes(content.count) : bigEndianBytes(content.count)
        out += [0, 0]
        return out + content
    }

    static func privateFrame(owner: String, data: [UInt8], major: UInt8) throws -> [UInt8] {
        try frame("PRIV", content: Array(owner.utf8) + [0] + data, major: major)
    }

    /// A `TXXX` frame in Latin-1 when the text allows it (the TC260 label is printable ASCII), else
    /// UTF-8 (2.4) or UTF-16 (2.3).
    static func userTextFrame(description: String, value: String, major: UInt8) throws -> [UInt8] {
        let text = description + "\u{0}" + value
        if text.unicodeScalars.allSatisfy({ $0.value < 0x80 }) { return try frame("TXXX", content: [0] + Array(text.utf8), major: major) }
        if major == 4 { return try frame("TXXX", content: [3] + Array(text.utf8), major: major) }
        var content: [UInt8] = [1, 0xFF, 0xFE]
        for unit in description.utf16 { content += [UInt8(unit & 0xFF), UInt8(unit >> 8)] }
        content += [0, 0, 0xFF, 0xFE]
        for unit in value.utf16 { content += [UInt8(unit & 0xFF), UInt8(unit >> 8)] }
        return try frame("TXXX", content: content, major: major)
    }

    /// The header of the C2PA `GEOB` frame, up to where the store's bytes start.
    static func c2paObjectPrefix(storeCount: Int, major: UInt8) throws -> [UInt8] {
        let fields = [0] + Array(c2paMimeType.utf8) + [0] + Array(c2paFileName.utf8) + [0] + Array(c2paDescription.utf8) + [0]
        let frame = try frame("GEOB", content: fields, major: major)
        var header = Array(frame.prefix(10))
        let size = fields.count + storeCount
        guard size < 1 << 28 else { throw MediaError.make(.limitExceeded, "a C2PA store of \(storeCount) bytes does not fit an ID3v2 frame") }
        header.replaceSubrange(4..<8, with: major == 4 ? synchsafeBytes(size) : bigEndianBytes(size))
        return header + fields
    }

    static func synchsafeBytes(_ value: Int) -> [UInt8] {
        [UInt8(value >> 21 & 0x7F), UInt8(value >> 14 & 0x7F), UInt8(value >> 7 & 0x7F), UInt8(value & 0x7F)]
    }

    static func bigEndianBytes(_ value: Int) -> [UInt8] {
        [UInt8(value >> 24 & 0xFF), UInt8(value >> 16 & 0xFF), UInt8(value >> 8 & 0xFF), UInt8(value & 0xFF)]
    }
}

extension String {
    fileprivate var trimmingTrailingNULs: String {
        var copy = self
        while copy.hasSuffix("\u{0}") { copy.removeLast() }
        return copy
    }
}
