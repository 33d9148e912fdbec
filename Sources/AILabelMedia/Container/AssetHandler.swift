#if canImport(Glibc)
import Glibc
#endif

/// One container format: reads its structure and metadata, and rewrites its metadata in one pass.
///
/// Handlers hold no state. Their contract (see Docs/adding-a-format.md):
/// - check the format signature before anything else;
/// - `parse` never decodes pixels and never trusts a length without checking it against the bytes left;
/// - `rewrite` replaces existing blocks of a kind instead of adding copies, keeps every other byte,
///   and reports where the C2PA store landed so a signer can exclude it from the hard binding.
public protocol AssetHandler: Sendable {
    var format: MediaFormat { get }
    /// Parses the container and its metadata blocks.
    func parse(_ bytes: [UInt8]) throws -> MediaContents
    /// Applies `edit` and returns the new file.
    func rewrite(_ bytes: [UInt8], applying edit: MetadataEdit) throws -> RewrittenAsset
    /// Where the compressed image data lies, found without decoding metadata (a cheap structural pass).
    func imageDataRanges(in bytes: [UInt8]) throws -> [Range<Int>]
}

extension AssetHandler {
    public func imageDataRanges(in bytes: [UInt8]) throws -> [Range<Int>] { try parse(bytes).imageDataRanges }
}

/// Compares byte ranges of two buffers with memcmp.
public enum ByteRanges {
    public static func equal(_ lhs: [UInt8], _ lhsRanges: [Range<Int>], _ rhs: [UInt8], _ rhsRanges: [Range<Int>]) -> Bool {
        guard lhsRanges.count == rhsRanges.count else { return false }
        return lhs.withUnsafeBytes { left in
            rhs.withUnsafeBytes { right in
                zip(lhsRanges, rhsRanges).allSatisfy { a, b in
                    a.count == b.count && a.upperBound <= left.count && b.upperBound <= right.count
                        && (a.isEmpty || memcmp(left.baseAddress! + a.lowerBound, right.baseAddress! + b.lowerBound, a.count) == 0)
                }
            }
        }
    }
}

/// Maps magic bytes and file names to handlers.
public struct AssetRegistry: Sendable {
    public let handlers: [any AssetHandler]

    public init(handlers: [any AssetHandler]) { self.handlers = handlers }

    /// JPEG and PNG.
    public static let standard = AssetRegistry(handlers: [JPEGHandler(), PNGHandler()])
    /// JPEG and PNG, for readers that want metadata only: PNG IDAT CRCs are not computed (every metadata
    /// chunk's CRC still is). verify uses it; inspect and stamp use ``standard``.
    public static let metadataReading = AssetRegistry(handlers: [JPEGHandler(), PNGHandler(verifiesImageDataChecksums: false)])

    /// The handler for the format the bytes announce.
    public func handler(for bytes: [UInt8]) -> (any AssetHandler)? {
        guard let format = MediaFormat.sniff(bytes.prefix(8)) else { return nil }
        return handler(for: format)
    }

    public func handler(for format: MediaFormat) -> (any AssetHandler)? {
        handlers.first { $0.format == format }
    }
}
