/// Where C2PA puts its store in a WAV: a top-level `C2PA` chunk, the RIFF's last (c2pa-rs
/// `riff_io.rs`, as for WebP). The data hash excludes the chunk's header and data, not its pad byte.
extension WAVHandler {
    public func locateC2PAStore(in source: any ByteSource) throws -> C2PAStoreLocation {
        let stores = try Self.walk(source).chunks.filter { $0.fourCC == Self.storeChunk }
        guard let first = stores.first else { return .none }
        return C2PAStoreLocation(
            store: stores.count == 1 ? try Self.readStore(source, first) : nil, ranges: stores.map(\.range), storeCount: stores.count)
    }

    public func framedC2PAStore(_ store: [UInt8]) throws -> [UInt8] {
        Array(try RIFFChunkParser.chunk(Self.storeChunk, data: store).prefix(8 + store.count))
    }
}
