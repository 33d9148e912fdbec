/// Where C2PA puts its store in a TIFF (c2pa-rs `tiff_io.rs`): the value of tag 0xCD41 (type
/// UNDEFINED), read from the last directory of the main chain, else from IFD0. The store is its own
/// framing: the data hash excludes exactly its bytes.
extension TIFFHandler {
    /// The directories are walked by positioned reads, as c2pa-rs maps them (SubIFDs and EXIF IFDs
    /// included, so a file it refuses is refused here too), without listing the image data. Given a
    /// prefix of a file (the array form), a directory or the store past its end throws: the caller reads more.
    public func locateC2PAStore(in source: any ByteSource) throws -> C2PAStoreLocation {
        try Self.c2paLocation(in: try TIFFStructure(reading: source, imageData: false), reader: source)
    }

    public func framedC2PAStore(_ store: [UInt8]) throws -> [UInt8] { store }

    static func c2paLocation(in structure: TIFFStructure, reader: some ByteSource) throws -> C2PAStoreLocation {
        guard let (entry, _) = structure.c2paEntry else { return .none }
        // c2pa-rs refuses any other type ("must be type UNDEFINED(7)"): a store that cannot be read.
        guard entry.type == TIFFFieldType.undefined, let range = entry.dataRange else {
            return C2PAStoreLocation(store: nil, ranges: entry.dataRange.map { [$0] } ?? [], storeCount: 1)
        }
        return C2PAStoreLocation(store: Array(try reader.tiffBytes(at: range.lowerBound, count: range.count)), ranges: [range], storeCount: 1)
    }
}
