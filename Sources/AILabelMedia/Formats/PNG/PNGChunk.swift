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

    /// - Parameter verifyChecksums: false skips the CRCs, for bytes a checking parse already accepted
    ///   (a rewrite of a parsed file, or ailabel's own output).
    static func parse(
        _ bytes: [UInt8], verifyChecksums: Bool = true, verifyImageDataChecksums: Bool = true
    ) throws -> (chunks: [PNGChunk], trailing: Range<Int>?) {
        guard !bytes.isEmpty else { throw MediaError.make(.empty, "the file is empty") }
        guard bytes.starts(with: PNGSignature.bytes) else {
            throw MediaError.make(.malformed, "not a PNG: the 8-byte PNG signature is missing")
        }
        var cursor = ByteCursor(bytes)
        _ = cursor.skip(8)
        var chunks: [PNGChunk] = []
        while true {
            guard chunks.count < maximumChunks else {
                throw MediaError.make(.limitExceeded, "more than \(maximumChunks) PNG chunks")
            }
            let start = cursor.position
            guard !cursor.isAtEnd else {
                throw MediaError.make(.truncated, "the PNG ends at byte \(start) without an IEND chunk")
            }
            guard let length = cursor.readUInt32BE(), let typeBytes = cursor.readBytes(4) else {
                throw MediaError.make(.truncated, "the PNG ends inside a chunk header at byte \(start)")
            }
            guard typeBytes.allSatisfy({ (0x41...0x5A).contains($0) || (0x61...0x7A).contains($0) }) else {
                throw MediaError.make(.malformed, "the chunk at byte \(start) has an invalid type")
            }
            let type = String(decoding: typeBytes, as: UTF8.self)
            guard Int(length) <= maximumChunkLength else {
                throw MediaError.make(.malformed, "chunk \(type) at byte \(start) declares a length over 2^31-1")
            }
            guard cursor.remaining >= Int(length) + 4 else {
                throw MediaError.make(
                    .truncated, "chunk \(type) at byte \(start) declares \(length) bytes but only \(max(cursor.remaining - 4, 0)) remain")
            }
            let dataStart = cursor.position
            _ = cursor.skip(Int(length))
            let dataRange = dataStart..<cursor.position
            let stored = cursor.readUInt32BE()!
            // IDAT CRCs may be skipped by readers that only want metadata (verify): the pixels' integrity is
            // libpng's business when they are decoded, and a C2PA hard binding covers them anyway.
            let check = verifyChecksums && (verifyImageDataChecksums || !typeBytes.elementsEqual("IDAT".utf8))
            let computed = check ? Zlib.crc32(typeBytes, bytes[dataRange]) : stored
            guard stored == computed else {
                throw MediaError.make(
                    .badChecksum,
                    "chunk \(type) at byte \(start) has CRC \(hex(stored)) but its contents give \(hex(computed))")
            }
            chunks.append(PNGChunk(type: type, range: start..<cursor.position, data: dataRange))
            if chunks.count == 1, type != "IHDR" {
                throw MediaError.make(.malformed, "the first chunk is \(type), not IHDR")
            }
            if type == "IEND" {
                return (chunks, cursor.isAtEnd ? nil : cursor.position..<bytes.count)
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
