import AILabelMedia

/// Debugging helpers for tools and tests.
public enum ManifestDebug {
    /// Where the C2PA store of an asset in any registered format lies, as its handler's structural pass
    /// finds it (`isPrefix`: the bytes are the start of the file; see ``AssetHandler/locateC2PAStore(in:isPrefix:)``).
    public static func locateStore(in asset: [UInt8], isPrefix: Bool = false) throws -> C2PAStoreLocation {
        let handler = try handler(for: asset)
        return try ManifestSigner.mediaStep("The store cannot be located") { try handler.locateC2PAStore(in: asset, isPrefix: isPrefix) }
    }

    /// The reassembled C2PA store of an asset, or an empty array.
    public static func store(in asset: [UInt8]) throws -> [UInt8] {
        try locateStore(in: asset).store ?? []
    }

    /// The asset with its C2PA stores replaced by `store` (or removed), raw, through its handler (for
    /// building hostile test files), and where the store landed.
    public static func laidOut(rawStore store: [UInt8]?, in asset: [UInt8]) throws -> (bytes: [UInt8], storeRange: Range<Int>?) {
        var edit = MetadataEdit()
        edit.c2paStore = store.map { .replace($0) } ?? .remove
        let rewritten = try handler(for: asset).rewrite(asset, applying: edit)
        return (rewritten.bytes, rewritten.c2paStoreRange)
    }

    /// The asset with its C2PA stores replaced by `store`, raw.
    public static func embed(rawStore store: [UInt8], in asset: [UInt8]) throws -> [UInt8] {
        try laidOut(rawStore: store, in: asset).bytes
    }

    static func handler(for asset: [UInt8]) throws -> any AssetHandler {
        guard let handler = AssetRegistry.standard.handler(for: asset) else {
            throw ManifestError.make(.unsupportedAsset, "The asset is not a \(AssetRegistry.standard.formatNames) file")
        }
        return handler
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
