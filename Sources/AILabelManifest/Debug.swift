/// Debugging helpers for tools and tests.
public enum ManifestDebug {
    /// The reassembled C2PA store of a JPEG or PNG, or an empty array.
    public static func store(in asset: [UInt8]) throws -> [UInt8] {
        try StoreEmbedding.locate(in: asset).store ?? []
    }
}
