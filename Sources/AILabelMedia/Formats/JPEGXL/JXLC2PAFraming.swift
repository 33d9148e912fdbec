/// Where C2PA puts its store in a JPEG XL: a top-level `jumb` box whose `jumd` is labelled `c2pa`
/// (C2PA 2.x, A.3.9; c2pa-rs `jpegxl_io.rs`). The store ailabel builds is already that box, so the
/// framing adds nothing; the data hash excludes the whole box, header included.
extension JXLHandler {
    public func locateC2PAStore(in source: any ByteSource) throws -> C2PAStoreLocation {
        guard try JXLBoxes.isContainer(source) else {
            // A bare codestream has no boxes, so no store (c2pa-rs: "cannot contain C2PA manifests").
            guard source.count >= 2, try source.read(at: 0, count: 2) == JXLBoxes.codestreamSignature else {
                throw MediaError.make(.malformed, "not a JPEG XL file")
            }
            return .none
        }
        let stores = try Self.layout(of: source).c2pa
        guard let first = stores.first else { return .none }
        let store = stores.count == 1 ? try Self.boundedPayload(first, in: source, limit: Self.maximumStoreBytes, "C2PA store", whole: true) : nil
        return C2PAStoreLocation(store: store, ranges: stores.map(\.range), storeCount: stores.count)
    }

    /// A prefix is walked as far as it holds whole boxes; a C2PA box it cuts throws `media.truncated`
    /// (the caller reads more). A store c2pa-rs wrote sits right after `ftyp`, near the start.
    public func locateC2PAStore(in bytes: [UInt8], isPrefix: Bool) throws -> C2PAStoreLocation {
        guard isPrefix, try JXLBoxes.isContainer(bytes) else { return try locateC2PAStore(in: bytes as any ByteSource) }
        let (boxes, cut) = try JXLBoxes.walk(bytes, prefix: true)
        if let cut, cut.isType("jumb") {
            let peek = Array(bytes[cut.data.lowerBound..<min(cut.data.upperBound, cut.data.lowerBound + JXLBoxes.jumdLabelPeek)])
            // A label cut by the prefix may be the store's: read on rather than guess.
            guard peek.count >= JXLBoxes.jumdLabelPeek, !(try JXLBoxes.isC2PAStore(JXLBox(type: cut.type, range: cut.range, data: cut.data), in: bytes)) else {
                throw MediaError.make(.truncated, "the bytes read end inside the JPEG XL box at byte \(cut.range.lowerBound), which may be the C2PA store")
            }
        }
        let stores = try boxes.filter { try JXLBoxes.isC2PAStore($0, in: bytes) }
        guard let first = stores.first else { return .none }
        let store = stores.count == 1 ? try Self.boundedPayload(first, in: bytes, limit: Self.maximumStoreBytes, "C2PA store", whole: true) : nil
        return C2PAStoreLocation(store: store, ranges: stores.map(\.range), storeCount: stores.count)
    }

    public func framedC2PAStore(_ store: [UInt8]) throws -> [UInt8] {
        guard store.count >= 8, store[4..<8].elementsEqual("jumb".utf8),
            UInt64(JXLBoxes.readUInt32BE(store, at: 0)) == UInt64(store.count)
        else {
            throw MediaError.make(.invalidArgument, "a C2PA store for JPEG XL must be one whole 'jumb' box")
        }
        return store
    }

    /// Every top-level box by its type, every `jumb` named `C2PA` as c2pa-rs's box map names them.
    public func c2paBoxes(in source: any ByteSource) -> [C2PABox]? {
        guard let boxes = try? JXLBoxes.walk(source) else { return nil }
        return boxes.map { C2PABox(name: $0.isType("jumb") ? C2PABox.c2paName : $0.typeName, range: $0.range) }
    }
}
