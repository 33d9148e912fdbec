/// One PNG chunk: length, four-letter type, data and CRC.
struct PNGChunk: Sendable, Hashable {
    let type: String
    /// All bytes of the chunk: length, type, data and CRC.
    let range: Range<Int>
    let data: Range<Int>

    /// Critical chunks have an upper-case first letter; decoders must understand them.
    var isCritical: Bool { type.utf8.first.map { $0 & 0x20 == 0 } ?? false }
}

/// Splits a PNG into chunks, checking every CRC.
enum PNGChunkParser {
    /// PNG's own limit on a chunk length (2^31 - 1).
    static let maximumChunkLength = 0x7FFF_FFFF
    /// More chunks than any real encoder writes.
    static let maximumChunks = 100_000

    /// Walks the chunks by positioned reads of their headers. The data of the chunk types in `keeping`
    /// is read (and returned by chunk index); other chunks' data is read only to check its CRC, streamed.
    /// - Parameter verifyChecksums: false skips the CRCs, for bytes a checking parse already accepted
    ///   (a rewrite of a parsed file, or ailabel's own output).
    static func parse(
        _ source: any ByteSource, verifyChecksums: Bool = true, verifyImageDataChecksums: Bool = true, keeping kept: Set<String> = []
    ) throws -> (chunks: [PNGChunk], data: [Int: [UInt8]], trailing: Range<Int>?) {
        let count = source.count
        guard count > 0 else { throw MediaError.make(.empty, "the file is empty") }
        var window = ByteWindow(source)
        guard try window.bytes(0..<8) == PNGSignature.bytes else {
            throw MediaError.make(.malformed, "not a PNG: the 8-byte PNG signature is missing")
        }
        var position = 8
        var chunks: [PNGChunk] = []
        var data: [Int: [UInt8]] = [:]
        while true {
            guard chunks.count < maximumChunks else {
                throw MediaError.make(.limitExceeded, "more than \(maximumChunks) PNG chunks")
            }
            let start = position
            guard position < count else {
                throw MediaError.make(.truncated, "the PNG ends at byte \(start) without an IEND chunk")
            }
            guard let length = try window.uint32BE(at: position), let typeBytes = try window.bytes(position + 4..<position + 8) else {
                throw MediaError.make(.truncated, "the PNG ends inside a chunk header at byte \(start)")
            }
            guard typeBytes.allSatisfy({ (0x41...0x5A).contains($0) || (0x61...0x7A).contains($0) }) else {
                throw MediaError.make(.malformed, "the chunk at byte \(start) has an invalid type")
            }
            let type = String(decoding: typeBytes, as: UTF8.self)
            guard Int(length) <= maximumChunkLength else {
                throw MediaError.make(.malformed, "chunk \(type) at byte \(start) declares a length over 2^31-1")
            }
            let remaining = count - (position + 8)
            guard remaining >= Int(length) + 4 else {
                throw MediaError.make(
                    .truncated, "chunk \(type) at byte \(start) declares \(length) bytes but only \(max(remaining - 4, 0)) remain")
            }
            let dataRange = position + 8..<position + 8 + Int(length)
            let stored = try window.uint32BE(at: dataRange.upperBound)!
            let contents: [UInt8]? = kept.contains(type) ? try source.read(dataRange) : nil
            // IDAT CRCs may be skipped by readers that only want metadata (verify): the pixels' integrity is
            // libpng's business when they are decoded, and a C2PA hard binding covers them anyway.
            if verifyChecksums && (verifyImageDataChecksums || type != "IDAT") {
                var computed = typeBytes.withUnsafeBytes { Zlib.crc32(continuing: 0, $0) }
                if let contents {
                    computed = contents.withUnsafeBytes { Zlib.crc32(continuing: computed, $0) }
                } else {
                    try source.forEachChunk(in: dataRange) { computed = Zlib.crc32(continuing: computed, $0) }
                }
                guard stored == computed else {
                    throw MediaError.make(
                        .badChecksum,
                        "chunk \(type) at byte \(start) has CRC \(hex(stored)) but its contents give \(hex(computed))")
                }
            }
            if let contents { data[chunks.count] = contents }
            position = dataRange.upperBound + 4
            chunks.append(PNGChunk(type: type, range: start..<position, data: dataRange))
            if chunks.count == 1, type != "IHDR" {
                throw MediaError.make(.malformed, "the first chunk is \(type), not IHDR")
            }
            if type == "IEND" {
                return (chunks, data, position < count ? position..<count : nil)
            }
        }
    }

    static func chunk(type: String, data: some Collection<UInt8>) throws -> [UInt8] {
        guard data.count <= maximumChunkLength else {
            throw MediaError.make(.limitExceeded, "a \(type) chunk of \(data.count) bytes exceeds PNG's chunk limit")
        }
        let typeBytes = Array(type.utf8)
        var out: [UInt8] = []
        out.reserveCapacity(data.count + 12)
        out.appendUInt32BE(UInt32(data.count))
        out += typeBytes
        out.append(contentsOf: data)
        out.appendUInt32BE(Zlib.crc32(typeBytes, out[8...]))
        return out
    }

    private static func hex(_ value: UInt32) -> String {
        let digits = String(value, radix: 16)
        return "0x" + String(repeating: "0", count: max(0, 8 - digits.count)) + digits
    }
}
