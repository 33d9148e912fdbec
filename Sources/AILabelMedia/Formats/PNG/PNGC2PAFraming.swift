/// Where C2PA puts its store in a PNG: one `caBX` chunk right after IHDR (C2PA 2.x, A.3.5; c2pa-rs `png_io.rs`).
extension PNGHandler {
    static let storeChunk = "caBX"

    public func locateC2PAStore(in source: any ByteSource) throws -> C2PAStoreLocation {
        try locateC2PAStore(in: source, isPrefix: false)
    }

    public func locateC2PAStore(in bytes: [UInt8], isPrefix: Bool) throws -> C2PAStoreLocation {
        try locateC2PAStore(in: bytes as any ByteSource, isPrefix: isPrefix)
    }

    /// The chunks walked by their headers, and the data of the store's chunk read by position.
    func locateC2PAStore(in source: any ByteSource, isPrefix: Bool) throws -> C2PAStoreLocation {
        let stores = try PNGChunkParser.structuralChunks(source, isPrefix: isPrefix).filter { $0.type == Self.storeChunk }
        return C2PAStoreLocation(
            store: stores.count == 1 ? try source.read(stores[0].data) : nil, ranges: stores.map(\.range), storeCount: stores.count)
    }

    public func framedC2PAStore(_ store: [UInt8]) throws -> [UInt8] { try PNGChunkParser.chunk(type: Self.storeChunk, data: store) }

    /// `PNGh` (the signature), then each chunk by its type, the `caBX` chunk as `C2PA`.
    public func c2paBoxes(in bytes: [UInt8]) -> [C2PABox]? { c2paBoxes(in: bytes as any ByteSource) }

    public func c2paBoxes(in source: any ByteSource) -> [C2PABox]? {
        guard let chunks = try? PNGChunkParser.structuralChunks(source, isPrefix: false) else { return nil }
        return [C2PABox(name: "PNGh", range: 0..<8)]
            + chunks.map { C2PABox(name: $0.type == Self.storeChunk ? C2PABox.c2paName : $0.type, range: $0.range) }
    }

    /// Verify skips IDAT CRCs: the pixels' integrity is libpng's business when they are decoded, and a C2PA
    /// hard binding covers them anyway.
    public func forMetadataReading() -> any AssetHandler { PNGHandler(verifiesImageDataChecksums: false) }
}

extension PNGChunkParser {
    /// The chunks walked by their lengths alone, no CRC checked, up to IEND or the end of the source. With
    /// `isPrefix`, a chunk cut by the end of the source ends the walk, unless it is the store's chunk, which
    /// throws so that the caller reads more.
    static func structuralChunks(_ source: any ByteSource, isPrefix: Bool) throws -> [PNGChunk] {
        var window = ByteWindow(source)
        let count = source.count
        guard try window.bytes(0..<8) == PNGSignature.bytes else {
            throw MediaError.make(.malformed, "not a PNG: the 8-byte PNG signature is missing")
        }
        var chunks: [PNGChunk] = []
        var position = 8
        while position < count {
            guard chunks.count < maximumChunks else {
                throw MediaError.make(.limitExceeded, "more than \(maximumChunks) PNG chunks")
            }
            let start = position
            guard let length = try window.uint32BE(at: position), let typeBytes = try window.bytes(position + 4..<position + 8) else {
                if isPrefix { break }
                throw MediaError.make(.truncated, "the PNG ends inside a chunk header at byte \(start)")
            }
            let type = String(decoding: typeBytes, as: UTF8.self)
            let remaining = count - (position + 8)
            guard Int(length) <= maximumChunkLength, remaining >= Int(length) + 4 else {
                if isPrefix && Int(length) <= maximumChunkLength {
                    guard type != PNGHandler.storeChunk else {
                        throw MediaError.make(.truncated, "the bytes read end inside the \(type) chunk at byte \(start)")
                    }
                    break
                }
                throw MediaError.make(.truncated, "chunk \(type) at byte \(start) declares \(length) bytes, past the end of the file")
            }
            let dataStart = position + 8
            position = dataStart + Int(length) + 4
            chunks.append(PNGChunk(type: type, range: start..<position, data: dataStart..<dataStart + Int(length)))
            if type == "IEND" { break }
        }
        guard chunks.first?.type == "IHDR" else { throw MediaError.make(.malformed, "the PNG does not start with IHDR") }
        return chunks
    }
}
