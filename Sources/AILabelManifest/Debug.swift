/// Debugging helpers for tools and tests.
public enum ManifestDebug {
    /// The reassembled C2PA store of a JPEG or PNG, or an empty array.
    public static func store(in asset: [UInt8]) throws -> [UInt8] {
        try StoreEmbedding.locate(in: asset).store ?? []
    }
}

extension ManifestDebug {
    /// The asset with its C2PA stores replaced by `store`, raw (for building hostile test files).
    public static func embed(rawStore store: [UInt8], in asset: [UInt8]) throws -> [UInt8] {
        try StoreEmbedding.rewrite(asset, store: store).bytes
    }
}

import Crypto

extension ManifestDebug {
    /// SHA-256 of bytes (for the benchmark's breakdown).
    public static func sha256(_ bytes: [UInt8]) -> [UInt8] {
        var hasher = SHA256()
        bytes.withUnsafeBytes { hasher.update(bufferPointer: $0) }
        return Array(hasher.finalize())
    }
}

@available(*, unavailable)
extension ManifestDebug: Sendable {}
