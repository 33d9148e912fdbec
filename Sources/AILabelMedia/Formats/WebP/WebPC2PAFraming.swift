/// Where C2PA puts its store in a WebP: a top-level `C2PA` chunk, the RIFF's last (c2pa-rs
/// `riff_io.rs`). The data hash excludes the chunk's header and data, not its pad byte.
extension WebPHandler {
    public func locateC2PAStore(in source: any ByteSource) throws -> C2PAStoreLocation {
        try locateC2PAStore(in: source, isPrefix: false)
    }

    public func locateC2PAStore(in bytes: [UInt8], isPrefix: Bool) throws -> C2PAStoreLocation {
        try locateC2PAStore(in: bytes as any ByteSource, isPrefix: isPrefix)
    }

    func locateC2PAStore(in source: any ByteSource, isPrefix: Bool) throws -> C2PAStoreLocation {
        // The store is the last chunk: a prefix that ends before the RIFF does throws, so the caller reads on.
        let stores = try RIFFChunkParser.parse(source, isPrefix: isPrefix).chunks.filter { $0.fourCC == "C2PA" }
        guard let first = stores.first else { return .none }
        return C2PAStoreLocation(
            store: stores.count == 1 ? try source.read(first.data) : nil, ranges: stores.map(\.range), storeCount: stores.count)
    }

    public func framedC2PAStore(_ store: [UInt8]) throws -> [UInt8] {
        Array(try RIFFChunkParser.chunk("C2PA", data: store).prefix(8 + store.count))
    }
}
