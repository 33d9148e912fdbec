/// Where C2PA puts its store in a PNG: one `caBX` chunk right after IHDR (C2PA 2.x, A.3.5; c2pa-rs `png_io.rs`).
extension PNGHandler {
    static let storeChunk = "caBX"

    public func locateC2PAStore(in bytes: [UInt8], isPrefix: Bool) throws -> C2PAStoreLocation {
        let stores = try PNGChunkParser.structuralChunks(bytes, isPrefix: isPrefix).filter { $0.type == Self.storeChunk }
        return C2PAStoreLocation(
            store: stores.count == 1 ? Array(bytes[stores[0].data]) : nil, ranges: stores.map(\.range), storeCount: stores.count)
    }

    public func framedC2PAStore(_ store: [UInt8]) throws -> [UInt8] { try PNGChunkParser.chunk(type: Self.storeChunk, data: store) }

    /// `PNGh` (the signature), then each chunk by its type, the `caBX` chunk as `C2PA`.
    public func c2paBoxes(in bytes: [UInt8]) -> [C2PABox]? {
        guard let chunks = try? PNGChunkParser.structuralChunks(bytes, isPrefix: false) else { return nil }
        return [C2PABox(name: "PNGh", range: 0..<8)]
            + chunks.map { C2PABox(name: $0.type == Self.storeChunk ? C2PABox.c2paName : $0.type, range: $0.range) }
    }

    /// Verify skips IDAT CRCs: the pixels' integrity is libpng's business when they are decoded, and a C2PA
    /// hard binding covers them anyway.
    public func forMetadataReading() -> any AssetHandler { PNGHandler(verifiesImageDataChecksums: false) }
}

extension PNGChunkParser {
    /// The chunks walked by their lengths alone, no CRC checked, up to IEND or the end of the bytes. With
    /// `isPrefix`, a chunk cut by the end of `bytes` ends the walk, unless it is the store's chunk, which
    /// throws so that the caller reads more.
    static func structuralChunks(_ bytes: [UInt8], isPrefix: Bool) throws -> [PNGChunk] {
        guard bytes.starts(with: PNGSignature.bytes) else {
            throw MediaError.make(.malformed, "not a PNG: the 8-byte PNG signature is missing")
        }
        var chunks: [PNGChunk] = []
        var cursor = ByteCursor(bytes)
        _ = cursor.skip(8)
        while !cursor.isAtEnd {
            guard chunks.count < maximumChunks else {
                throw MediaError.make(.limitExceeded, "more than \(maximumChunks) PNG chunks")
            }
            let start = cursor.position
            guard let length = cursor.readUInt32BE(), let typeBytes = cursor.readBytes(4) else {
                if isPrefix { break }
                throw MediaError.make(.truncated, "the PNG ends inside a chunk header at byte \(start)")
            }
            let type = String(decoding: typeBytes, as: UTF8.self)
            guard Int(length) <= maximumChunkLength, cursor.remaining >= Int(length) + 4 else {
                if isPrefix && Int(length) <= maximumChunkLength {
                    guard type != PNGHandler.storeChunk else {
                        throw MediaError.make(.truncated, "the bytes read end inside the \(type) chunk at byte \(start)")
                    }
                    break
                }
                throw MediaError.make(.truncated, "chunk \(type) at byte \(start) declares \(length) bytes, past the end of the file")
            }
            let dataStart = cursor.position
            _ = cursor.skip(Int(length) + 4)
            chunks.append(PNGChunk(type: type, range: start..<cursor.position, data: dataStart..<dataStart + Int(length)))
            if type == "IEND" { break }
        }
        guard chunks.first?.type == "IHDR" else { throw MediaError.make(.malformed, "the PNG does not start with IHDR") }
        return chunks
    }
}
