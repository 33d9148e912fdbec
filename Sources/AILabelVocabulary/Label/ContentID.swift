import AILabelMedia
import Crypto

/// The content ID a label gets when none is given and the file has none: derived from the content itself,
/// so stamping the same image twice gives the same ID (and, with a fixed `--time` and no signer, the same
/// bytes), while different images get different IDs.
public enum ContentID {
    /// A UUID (RFC 9562 version 8, the version for IDs made by a method of one's own) from the first 128
    /// bits of the SHA-256 of `parts`, lowercase like the random ones.
    public static func derived(from parts: [ArraySlice<UInt8>]) -> String {
        var hash = SHA256()
        for part in parts { hash.update(data: part) }
        return identifier(hash)
    }

    /// The same ID from `ranges` of a source, hashed as they stream (the content is never held whole).
    public static func derived(from source: any ByteSource, ranges: [Range<Int>]) throws -> String {
        var hash = SHA256()
        for range in ranges { try source.forEachChunk(in: range) { hash.update(bufferPointer: $0) } }
        return identifier(hash)
    }

    private static func identifier(_ hash: SHA256) -> String {
        var bytes = Array(hash.finalize().prefix(16))
        bytes[6] = bytes[6] & 0x0F | 0x80  // version 8
        bytes[8] = bytes[8] & 0x3F | 0x80  // the RFC 9562 variant
        let hex = bytes.map { String($0, radix: 16).count == 1 ? "0" + String($0, radix: 16) : String($0, radix: 16) }.joined()
        let characters = Array(hex)
        return [0..<8, 8..<12, 12..<16, 16..<20, 20..<32].map { String(characters[$0]) }.joined(separator: "-")
    }
}
