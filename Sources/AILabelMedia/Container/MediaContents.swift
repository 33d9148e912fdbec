/// Everything the media layer found in one file: its structure and its metadata blocks, decoded as far
/// as the container goes (XMP and EXIF stay raw bytes here; ``XMPPacket`` and ``EXIFMetadata`` decode them).
public struct MediaContents: Sendable {
    public var format: MediaFormat
    public var width: Int
    public var height: Int
    /// Every segment or chunk in file order.
    public var blocks: [MetadataBlock] = []
    /// The main XMP packet.
    public var xmp: [UInt8]?
    /// An Extended XMP packet, reassembled from its parts (JPEG APP1; nil for other formats).
    public var extendedXMP: [UInt8]?
    /// EXIF as a TIFF structure (from `II*\0` or `MM\0*`), without JPEG's `Exif\0\0` prefix.
    public var exif: [UInt8]?
    /// The ICC profile, reassembled (JPEG APP2 parts) or inflated (PNG iCCP).
    public var icc: [UInt8]?
    /// JPEG COM segments, decoded as UTF-8 (Latin-1 where not UTF-8).
    public var comments: [String] = []
    /// Native text fields (PNG text chunks), in file order.
    public var textEntries: [TextEntry] = []
    /// IPTC IIM datasets (JPEG APP13 Photoshop resources), in file order.
    public var iptc: [IPTCDataset] = []
    /// The C2PA manifest store (JUMBF superbox bytes), reassembled from its container's framing.
    public var c2paStore: [UInt8]?
    /// The byte ranges the store occupies in the file, markers, lengths and CRCs included: what a
    /// C2PA hard binding excludes. One range when the segments are contiguous, as they must be.
    public var c2paStoreRanges: [Range<Int>] = []
    /// How many distinct manifest stores the file holds (more than one is a C2PA error).
    public var c2paStoreCount: Int = 0
    /// The byte ranges of compressed image data (JPEG entropy-coded data, PNG IDAT chunks).
    /// Metadata edits keep these bytes identical.
    public var imageDataRanges: [Range<Int>] = []
    /// Non-fatal oddities (bytes after the end, unknown critical chunks…).
    public var warnings: [String] = []
    /// How the image data is coded, as the format describes it (``JPEGCoding``, ``PNGHeader``): what a
    /// re-encode matches and what `inspect` shows.
    public var coding: (any FormatCoding)?
    /// The handler's own record of the file's structure (segments, chunks, boxes with their roles),
    /// kept by `parse` so that `planRewrite` lays out the rewrite without walking the file again (one
    /// parse per stamp). Each handler reads back only the type it stored; no report shows it.
    var structure: (any Sendable)?

    public init(format: MediaFormat, width: Int, height: Int) {
        self.format = format
        self.width = width
        self.height = height
    }
}

