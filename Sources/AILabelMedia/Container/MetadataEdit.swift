/// What to do with one kind of metadata block when a file is rewritten.
public enum BlockChange: Sendable, Hashable {
    /// Leave the block as it is, wherever it is.
    case keep
    /// Remove every block of this kind.
    case remove
    /// Remove every block of this kind and write these bytes in the format's standard place.
    case replace([UInt8])
}

/// A set of metadata changes to apply in one pass. Every byte not named here, above all the compressed
/// image data, is copied unchanged.
public struct MetadataEdit: Sendable, Hashable {
    /// The XMP packet (the whole `<?xpacket …?>` text as UTF-8). JPEG splits an oversized packet into
    /// a main and an Extended XMP packet.
    public var xmp: BlockChange = .keep
    /// EXIF as a TIFF structure (no `Exif\0\0` prefix).
    public var exif: BlockChange = .keep
    /// The C2PA manifest store (JUMBF bytes).
    public var c2paStore: BlockChange = .keep
    /// The ICC colour profile (carried across when pixels are re-encoded).
    public var icc: BlockChange = .keep
    /// JPEG COM segments: nil keeps them; an array replaces all of them (empty removes them). Ignored for PNG,
    /// whose comments are text chunks.
    public var comments: [String]?
    /// Native text fields to set, by keyword (an existing field with the keyword is replaced): PNG text
    /// chunks; in WAV, MP3 and FLAC only the TC260 label (`AIGC`), in its native place. Ignored for JPEG.
    public var setTextEntries: [TextEntry] = []
    /// Keywords whose native text fields are removed (PNG text chunks; `AIGC` in WAV, MP3 and FLAC). Ignored for JPEG.
    public var removeTextKeywords: Set<String> = []

    public init() {}

    public var isEmpty: Bool {
        xmp == .keep && exif == .keep && c2paStore == .keep && icc == .keep && comments == nil && setTextEntries.isEmpty && removeTextKeywords.isEmpty
    }
}

/// The result of a rewrite.
public struct RewrittenAsset: Sendable {
    public var bytes: [UInt8]
    /// Where the C2PA store sits in `bytes` (markers, lengths and CRC included), if the file has one.
    public var c2paStoreRange: Range<Int>?

    public init(bytes: [UInt8], c2paStoreRange: Range<Int>?) {
        self.bytes = bytes
        self.c2paStoreRange = c2paStoreRange
    }
}
