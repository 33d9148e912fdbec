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
    /// The JPEG Extended XMP packet, reassembled from its APP1 parts (nil for PNG).
    public var extendedXMP: [UInt8]?
    /// EXIF as a TIFF structure (from `II*\0` or `MM\0*`), without JPEG's `Exif\0\0` prefix.
    public var exif: [UInt8]?
    /// The ICC profile, reassembled (JPEG APP2 parts) or inflated (PNG iCCP).
    public var icc: [UInt8]?
    /// JPEG COM segments, decoded as UTF-8 (Latin-1 where not UTF-8).
    public var comments: [String] = []
    /// PNG text chunks, in file order.
    public var textEntries: [TextEntry] = []
    /// JPEG only: IPTC IIM datasets from the APP13 Photoshop resources, in file order.
    public var iptc: [IPTCDataset] = []
    /// The C2PA manifest store (JUMBF superbox bytes), reassembled from APP11 segments or `caBX`.
    public var c2paStore: [UInt8]?
    /// The byte ranges the store occupies in the file, markers, lengths and CRCs included: what a
    /// C2PA hard binding excludes. One range when the segments are contiguous, as they must be.
    public var c2paStoreRanges: [Range<Int>] = []
    /// How many distinct manifest stores the file holds (more than one is a C2PA error).
    public var c2paStoreCount: Int = 0
    /// The byte ranges of compressed image data: JPEG scans (entropy-coded data) and PNG IDAT chunks.
    /// Metadata edits keep these bytes identical.
    public var imageDataRanges: [Range<Int>] = []
    /// Non-fatal oddities (bytes after the end, unknown critical chunks…).
    public var warnings: [String] = []
    /// JPEG only: the coding parameters needed to re-encode at matching quality.
    public var jpegCoding: JPEGCoding?
    /// PNG only: the IHDR fields.
    public var pngHeader: PNGHeader?

    public init(format: MediaFormat, width: Int, height: Int) {
        self.format = format
        self.width = width
        self.height = height
    }
}

/// The JPEG coding parameters a re-encode should match.
public struct JPEGCoding: Sendable, Hashable, Codable {
    public var progressive: Bool
    public var components: Int
    /// Luma sampling factors (2,2 = 4:2:0; 2,1 = 4:2:2; 1,1 = 4:4:4).
    public var lumaSampling: (horizontal: Int, vertical: Int) {
        get { (samplingH, samplingV) }
        set { samplingH = newValue.horizontal; samplingV = newValue.vertical }
    }
    var samplingH: Int
    var samplingV: Int
    /// Quality 1…100 estimated from the quantisation tables (IJG scaling), nil without tables.
    public var estimatedQuality: Int?

    public init(progressive: Bool, components: Int, samplingH: Int, samplingV: Int, estimatedQuality: Int?) {
        self.progressive = progressive
        self.components = components
        self.samplingH = samplingH
        self.samplingV = samplingV
        self.estimatedQuality = estimatedQuality
    }

    public static func == (lhs: JPEGCoding, rhs: JPEGCoding) -> Bool {
        lhs.progressive == rhs.progressive && lhs.components == rhs.components && lhs.samplingH == rhs.samplingH
            && lhs.samplingV == rhs.samplingV && lhs.estimatedQuality == rhs.estimatedQuality
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(progressive)
        hasher.combine(components)
        hasher.combine(samplingH)
        hasher.combine(samplingV)
        hasher.combine(estimatedQuality)
    }
}

/// The PNG IHDR fields.
public struct PNGHeader: Sendable, Hashable, Codable {
    public var bitDepth: Int
    public var colorType: Int
    public var interlaced: Bool
    public var hasAlpha: Bool { colorType == 4 || colorType == 6 }
    public var isGray: Bool { colorType == 0 || colorType == 4 }
}
