/// One FLAC metadata block: a 4-byte header (last-block flag, 7-bit type, 24-bit length) and its data.
struct FLACMetadataBlock: Sendable, Hashable {
    var type: UInt8
    var isLast: Bool
    /// The block with its header.
    var range: Range<Int>
    var data: Range<Int>

    static let streamInfo: UInt8 = 0, padding: UInt8 = 1, application: UInt8 = 2, seekTable: UInt8 = 3
    static let vorbisComment: UInt8 = 4, cueSheet: UInt8 = 5, picture: UInt8 = 6

    /// More blocks than a real file holds.
    static let maximumBlocks = 10_000

    var name: String {
        ["STREAMINFO", "PADDING", "APPLICATION", "SEEKTABLE", "VORBIS_COMMENT", "CUESHEET", "PICTURE"].dropFirst(Int(type)).first ?? "type \(type)"
    }

    /// The metadata blocks after the `fLaC` marker at `start`, by positioned reads of their headers.
    static func walk(_ source: any ByteSource, markerAt start: Int) throws -> [FLACMetadataBlock] {
        guard try source.read(at: start, count: 4, "the fLaC marker").starts(withASCII: "fLaC") else {
            throw MediaError.make(.malformed, "not a FLAC stream: no fLaC marker at byte \(start)")
        }
        var blocks: [FLACMetadataBlock] = []
        var position = start + 4
        while true {
            guard blocks.count < maximumBlocks else { throw MediaError.make(.limitExceeded, "more than \(maximumBlocks) FLAC metadata blocks") }
            let header = try source.read(at: position, count: 4, "a FLAC metadata block header")
            let type = header[0] & 0x7F
            guard type != 127 else { throw MediaError.make(.malformed, "the FLAC metadata block at byte \(position) has the invalid type 127") }
            let length = Int(header[1]) << 16 | Int(header[2]) << 8 | Int(header[3])
            let dataStart = position + 4
            guard length <= source.count - dataStart else {
                throw MediaError.make(
                    .truncated, "the FLAC metadata block at byte \(position) declares \(length) bytes but only \(source.count - dataStart) remain in the file")
            }
            let block = FLACMetadataBlock(type: type, isLast: header[0] & 0x80 != 0, range: position..<dataStart + length, data: dataStart..<dataStart + length)
            if blocks.isEmpty, type != streamInfo || length < 34 {
                throw MediaError.make(.malformed, "a FLAC stream must start with a 34-byte STREAMINFO block; it starts with \(block.name) of \(length) bytes")
            }
            blocks.append(block)
            position = block.range.upperBound
            if block.isLast { return blocks }
        }
    }

    /// The block's header with `isLast` as given and `length` bytes of data.
    static func header(type: UInt8, isLast: Bool, length: Int) throws -> [UInt8] {
        guard length < 1 << 24 else { throw MediaError.make(.limitExceeded, "a FLAC metadata block of \(length) bytes exceeds the format's 16 MB") }
        return [type | (isLast ? 0x80 : 0), UInt8(length >> 16 & 0xFF), UInt8(length >> 8 & 0xFF), UInt8(length & 0xFF)]
    }
}

/// A FLAC `VORBIS_COMMENT` block: a vendor string and `NAME=value` fields, lengths little-endian.
struct VorbisComment: Sendable, Hashable {
    var vendor: [UInt8]
    var fields: [[UInt8]]

    init(vendor: [UInt8], fields: [[UInt8]]) {
        self.vendor = vendor
        self.fields = fields
    }

    init(_ data: [UInt8]) throws {
        var position = 0
        func length(_ what: String) throws -> Int {
            guard data.count - position >= 4 else { throw MediaError.make(.truncated, "the VORBIS_COMMENT block ends inside \(what)") }
            defer { position += 4 }
            return Int(RIFFChunkParser.readUInt32LE(data, at: position))
        }
        func bytes(_ count: Int, _ what: String) throws -> [UInt8] {
            guard count <= data.count - position else {
                throw MediaError.make(.truncated, "the VORBIS_COMMENT block's \(what) declares \(count) bytes past its end")
            }
            defer { position += count }
            return Array(data[position..<position + count])
        }
        vendor = try bytes(try length("the vendor length"), "vendor string")
        let count = try length("the field count")
        guard count <= AudioLimits.maximumVorbisComments else {
            throw MediaError.make(.limitExceeded, "the VORBIS_COMMENT block declares \(count) fields, over the \(AudioLimits.maximumVorbisComments) limit")
        }
        fields = []
        for index in 0..<count { fields.append(try bytes(try length("field \(index)'s length"), "field \(index)")) }
    }

    /// The fields as (upper-cased name, value); a field without `=` is skipped.
    var entries: [(name: String, value: String)] {
        fields.compactMap { field in
            guard let equals = field.firstIndex(of: UInt8(ascii: "=")) else { return nil }
            return (String(decoding: field[..<equals], as: UTF8.self).uppercased(), String(decoding: field[(equals + 1)...], as: UTF8.self))
        }
    }

    func isField(_ field: [UInt8], named name: String) -> Bool {
        guard let equals = field.firstIndex(of: UInt8(ascii: "=")) else { return false }
        return String(decoding: field[..<equals], as: UTF8.self).uppercased() == name
    }

    var serialized: [UInt8] {
        var out: [UInt8] = []
        RIFFChunkParser.appendUInt32LE(UInt32(vendor.count), to: &out)
        out += vendor
        RIFFChunkParser.appendUInt32LE(UInt32(fields.count), to: &out)
        for field in fields {
            RIFFChunkParser.appendUInt32LE(UInt32(field.count), to: &out)
            out += field
        }
        return out
    }
}
