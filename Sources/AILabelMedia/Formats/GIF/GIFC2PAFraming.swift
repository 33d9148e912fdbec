/// Where C2PA puts its store in a GIF (c2pa-rs `gif_io.rs`): an application extension `C2PA_GIF`
/// (authentication code 01 00 00) whose sub-blocks hold the JUMBF store, before the first image
/// descriptor; a new one goes right after the global colour table. The data hash excludes the whole
/// extension, introducer to terminator. The box hash names the blocks `GIF89a`, `LSD` (with the global
/// colour table), `21FF`, `21FE`, `21F9`, `2101`, `2C` (with the local colour table), `TBID`, `3B`,
/// and the store `C2PA`.
extension GIFHandler {
    public func locateC2PAStore(in bytes: [UInt8], isPrefix: Bool) throws -> C2PAStoreLocation {
        try locateC2PAStore(reader: bytes, isPrefix: isPrefix)
    }

    public func locateC2PAStore(in source: any ByteSource) throws -> C2PAStoreLocation {
        try locateC2PAStore(reader: source, isPrefix: false)
    }

    /// The walk stops at the first image descriptor: c2pa-rs reads a store only before it.
    func locateC2PAStore(reader: some ByteSource, isPrefix: Bool) throws -> C2PAStoreLocation {
        let structure = try GIFStructure.walk(reader, stopAtFirstImage: true, isPrefix: isPrefix)
        let stores = structure.blocks.filter { $0.kind.applicationIdentifier == GIFApplicationExtension.c2paIdentifier }
        guard let first = stores.first else {
            if structure.cutShort {
                throw MediaError.make(.truncated, "the bytes read end before the GIF's first image, before which the C2PA store would be")
            }
            return .none
        }
        let store = stores.count == 1
            ? GIFApplicationExtension.joinSubBlocks(try reader.read(first.subBlocksStart!..<first.range.upperBound)) : nil
        return C2PAStoreLocation(store: store, ranges: stores.map(\.range), storeCount: stores.count)
    }

    public func framedC2PAStore(_ store: [UInt8]) throws -> [UInt8] {
        GIFApplicationExtension.c2pa(store)
    }

    public func c2paBoxes(in source: any ByteSource) -> [C2PABox]? {
        guard let structure = try? GIFStructure.walk(source) else { return nil }
        var boxes: [C2PABox] = []
        for block in structure.blocks {
            guard let name = block.boxName else { return nil }
            boxes.append(C2PABox(name: name, range: block.range))
        }
        return boxes
    }
}
