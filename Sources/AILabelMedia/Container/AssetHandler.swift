#if canImport(Glibc)
import Glibc
#endif

/// One container format: what it is, how its structure and metadata are read, how its metadata is
/// rewritten in one pass, and how a C2PA store is framed in it. The handler is the only code that
/// knows its container: signing, validation, inspection and stamping all go through it.
///
/// Handlers hold no state. Their contract (Docs/adding-a-format.md is the checklist; the contract
/// suite in Tests/AILabelMediaTests/HandlerContractTests.swift runs it on every registered handler):
/// - check the format signature before anything else;
/// - `parse` never decodes pixels and never trusts a length without checking it against the bytes left;
/// - `rewrite` replaces existing blocks of a kind instead of adding copies, keeps every other byte,
///   and reports where the C2PA store landed so a signer can exclude it from the hard binding.
public protocol AssetHandler: Sendable {
    /// What the format is and carries.
    var declaration: FormatDeclaration { get }
    /// Parses the container and its metadata blocks from a source read by position: a streaming
    /// handler reads headers and metadata blocks only, never the image or media data.
    ///
    /// Each pair of requirements (source and array forms) has a default that calls the other: a
    /// handler implements at least one of each pair (the source form for new handlers), or the call
    /// never ends (the contract suite catches it).
    func parse(_ source: any ByteSource) throws -> MediaContents
    /// Parses the container and its metadata blocks from bytes in memory.
    func parse(_ bytes: [UInt8]) throws -> MediaContents
    /// Plans the rewrite that applies `edit` to `source`, whose parse is `contents` (one parse per
    /// stamp): ranges of the source and new blocks, with where the C2PA store lands. The plan is
    /// executed, hashed or read through by the caller; nothing is written here.
    func planRewrite(of source: any ByteSource, contents: MediaContents, applying edit: MetadataEdit) throws -> SplicePlan
    /// Applies `edit` and returns the new file.
    func rewrite(_ bytes: [UInt8], applying edit: MetadataEdit) throws -> RewrittenAsset
    /// Where the compressed image data lies, found without decoding metadata (a cheap structural pass).
    func imageDataRanges(in bytes: [UInt8]) throws -> [Range<Int>]
    /// Where the compressed image data lies, from a source read by position.
    func imageDataRanges(in source: any ByteSource) throws -> [Range<Int>]

    // MARK: C2PA framing

    /// Finds the C2PA store with a structural pass that checks no checksum and reads no metadata, as
    /// a validator must (a tampered byte is the hash's to report, not the parser's). With `isPrefix`,
    /// `bytes` is only the start of the file: the walk stops where the prefix ends, unless the store
    /// itself is cut there (then it throws, and the caller reads more).
    func locateC2PAStore(in bytes: [UInt8], isPrefix: Bool) throws -> C2PAStoreLocation
    /// Finds the C2PA store by positioned reads (the same structural pass, over a whole source).
    func locateC2PAStore(in source: any ByteSource) throws -> C2PAStoreLocation
    /// The bytes `store` occupies once framed in this container (segments, chunk header, CRC), exactly
    /// as `rewrite` writes it: a signer splices the signed store over its placeholder with it.
    func framedC2PAStore(_ store: [UInt8]) throws -> [UInt8]
    /// The boxes of the file as a C2PA box hash names them, in file order, the store's box named
    /// `C2PA`; nil when the file cannot be walked or the format declares no box hash.
    func c2paBoxes(in bytes: [UInt8]) -> [C2PABox]?
    /// The boxes of a source read by position, as ``c2paBoxes(in:)-array`` lists them.
    func c2paBoxes(in source: any ByteSource) -> [C2PABox]?

    // MARK: Pixels

    /// Decodes to 8-bit RGB(A). `lenient` decodes what a browser would show of a damaged file (for
    /// thumbnails, never for judging or re-encoding). Formats without a pixel codec throw `unsupported-format`.
    func decodePixels(_ bytes: [UInt8], maxPixels: Int, lenient: Bool) throws -> RGBImage
    /// Encodes marked pixels in the coding of the original (`contents`: quality, subsampling, bit depth),
    /// with the format's own blocks that a re-encode must carry across (PNG text chunks) as an edit.
    /// EXIF, XMP and ICC are carried by the caller.
    func encodePixels(_ image: RGBImage, like contents: MediaContents) throws -> (bytes: [UInt8], carried: MetadataEdit)
    /// Decodes every frame of an animation, each composited as a viewer shows it; a still image is one
    /// frame. `maxPixels` bounds all frames together.
    func decodeFrames(_ bytes: [UInt8], maxPixels: Int) throws -> [RGBImage]
    /// Encodes marked frames (as `decodeFrames` gave them) in the coding of the original, its frame
    /// timing included.
    func encodeFrames(_ frames: [RGBImage], like contents: MediaContents) throws -> (bytes: [UInt8], carried: MetadataEdit)
    /// Encodes marked frames into the original file itself, for formats whose coded image is one item
    /// among others that a new file would lose (HEIF: the primary image replaced, every other item kept).
    /// The default encodes a new file with ``encodeFrames(_:like:)``.
    func encodeFrames(_ frames: [RGBImage], like contents: MediaContents, in original: any ByteSource) throws -> (bytes: [UInt8], carried: MetadataEdit)
    /// The same handler configured for readers that want metadata only (verify): checks that only
    /// matter for the image data may be skipped.
    func forMetadataReading() -> any AssetHandler
    /// The handler for what parsing found, when formats share magic bytes (a TIFF whose IFD0 holds
    /// DNGVersion is a DNG): reports name that format. Usually the handler itself.
    func refined(by contents: MediaContents) -> any AssetHandler
}

extension AssetHandler {
    public var format: MediaFormat { declaration.format }

    // Bridges between the array and source forms (see ``parse(_:)-source``): each calls the other.

    public func parse(_ source: any ByteSource) throws -> MediaContents {
        if let bytes = source as? [UInt8] { return try parse(bytes) }
        return try parse(source.readAll())
    }

    public func parse(_ bytes: [UInt8]) throws -> MediaContents {
        try parse(bytes as any ByteSource)
    }

    public func planRewrite(of source: any ByteSource, contents: MediaContents, applying edit: MetadataEdit) throws -> SplicePlan {
        let rewritten = try rewrite(source as? [UInt8] ?? source.readAll(), applying: edit)
        var plan = SplicePlan()
        if let range = rewritten.c2paStoreRange {
            plan.insert(Array(rewritten.bytes[0..<range.lowerBound]))
            plan.insertC2PAStore(Array(rewritten.bytes[range]))
            plan.insert(Array(rewritten.bytes[range.upperBound...]))
        } else {
            plan.insert(rewritten.bytes)
        }
        return plan
    }

    public func rewrite(_ bytes: [UInt8], applying edit: MetadataEdit) throws -> RewrittenAsset {
        let plan = try planRewrite(of: bytes, contents: try parse(bytes as any ByteSource), applying: edit)
        return RewrittenAsset(bytes: try plan.materialize(from: bytes), c2paStoreRange: plan.c2paStoreRange)
    }

    public func locateC2PAStore(in source: any ByteSource) throws -> C2PAStoreLocation {
        try locateC2PAStore(in: source as? [UInt8] ?? source.readAll(), isPrefix: false)
    }

    /// The array form of a source-based handler: a prefix is walked as far as it goes (a store cut by
    /// its end throws `media.truncated`, and the caller reads more).
    public func locateC2PAStore(in bytes: [UInt8], isPrefix: Bool) throws -> C2PAStoreLocation {
        try locateC2PAStore(in: bytes as any ByteSource)
    }

    public func imageDataRanges(in bytes: [UInt8]) throws -> [Range<Int>] { try parse(bytes).imageDataRanges }

    public func imageDataRanges(in source: any ByteSource) throws -> [Range<Int>] {
        if let bytes = source as? [UInt8] { return try imageDataRanges(in: bytes) }
        return try parse(source).imageDataRanges
    }

    public func c2paBoxes(in bytes: [UInt8]) -> [C2PABox]? {
        guard declaration.c2paBindings.contains(.boxHash) else { return nil }
        return c2paBoxes(in: bytes as any ByteSource)
    }

    public func c2paBoxes(in source: any ByteSource) -> [C2PABox]? {
        guard declaration.c2paBindings.contains(.boxHash) else { return nil }
        if let bytes = source as? [UInt8] { return c2paBoxes(in: bytes) }
        return (try? source.readAll()).flatMap { c2paBoxes(in: $0) }
    }

    public func forMetadataReading() -> any AssetHandler { self }

    public func refined(by contents: MediaContents) -> any AssetHandler { self }

    public func decodePixels(_ bytes: [UInt8], maxPixels: Int, lenient: Bool) throws -> RGBImage {
        throw MediaError.make(.unsupportedFormat, "ailabel has no pixel codec for \(declaration.displayName)")
    }

    public func encodePixels(_ image: RGBImage, like contents: MediaContents) throws -> (bytes: [UInt8], carried: MetadataEdit) {
        throw MediaError.make(.unsupportedFormat, "ailabel has no pixel codec for \(declaration.displayName)")
    }

    public func decodeFrames(_ bytes: [UInt8], maxPixels: Int) throws -> [RGBImage] {
        [try decodePixels(bytes, maxPixels: maxPixels, lenient: false)]
    }

    public func encodeFrames(_ frames: [RGBImage], like contents: MediaContents, in original: any ByteSource) throws -> (bytes: [UInt8], carried: MetadataEdit) {
        try encodeFrames(frames, like: contents)
    }

    public func encodeFrames(_ frames: [RGBImage], like contents: MediaContents) throws -> (bytes: [UInt8], carried: MetadataEdit) {
        guard frames.count == 1 else {
            throw MediaError.make(.unsupportedFormat, "ailabel cannot encode an animated \(declaration.displayName)")
        }
        return try encodePixels(frames[0], like: contents)
    }
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
