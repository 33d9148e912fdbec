/// What a format is, what it carries and how a C2PA store is bound to it: everything the rest of
/// ailabel may know about a format, declared once by its handler (see Docs/adding-a-format.md).
public struct FormatDeclaration: Sendable {
    /// The stable name every report writes (`jpeg`, `png`).
    public var format: MediaFormat
    /// How people name it in messages (`JPEG`, `PNG`, `WebP`).
    public var displayName: String
    /// The magic bytes that identify the format; any one of them matching is enough.
    public var signatures: [MagicSignature]
    /// File name extensions, lower case, without the dot; the first is the usual one.
    public var extensions: [String]
    /// IANA media types; the first is the one written (C2PA `dc:format`, ingredient formats).
    public var mimeTypes: [String]
    /// The metadata the container holds.
    public var carries: Carriage
    /// The C2PA hard bindings ailabel can compute and check for the format.
    public var c2paBindings: Set<C2PABinding>
    /// Magic bytes that identify the format right after an ID3v2 tag at the start of the file (FLAC's
    /// `fLaC`): such a file starts with `ID3` like an MP3, and the bytes after the tag decide.
    public var signaturesAfterID3v2: [MagicSignature]

    public init(
        format: MediaFormat, displayName: String, signatures: [MagicSignature], extensions: [String], mimeTypes: [String],
        carries: Carriage, c2paBindings: Set<C2PABinding>, signaturesAfterID3v2: [MagicSignature] = []
    ) {
        self.signaturesAfterID3v2 = signaturesAfterID3v2
        self.format = format
        self.displayName = displayName
        self.signatures = signatures
        self.extensions = extensions
        self.mimeTypes = mimeTypes
        self.carries = carries
        self.c2paBindings = c2paBindings
    }

    /// The media type ailabel writes for the format.
    public var mimeType: String { mimeTypes.first ?? "application/octet-stream" }

    /// Whether the first bytes of a file announce this format.
    public func matches<Bytes: Collection<UInt8>>(_ head: Bytes) -> Bool {
        signatures.contains { $0.matches(head) }
    }

    /// The metadata a container can hold, as ailabel reads and writes it.
    public struct Carriage: OptionSet, Sendable, Hashable {
        public let rawValue: Int
        public init(rawValue: Int) { self.rawValue = rawValue }

        /// An XMP packet (read, merged and written).
        public static let xmp = Carriage(rawValue: 1 << 0)
        /// An embedded C2PA manifest store.
        public static let c2paStore = Carriage(rawValue: 1 << 1)
        /// EXIF as a TIFF structure.
        public static let exif = Carriage(rawValue: 1 << 2)
        /// An ICC colour profile.
        public static let icc = Carriage(rawValue: 1 << 3)
        /// Native key/value text fields (PNG text chunks), where tools also put an AIGC label.
        public static let textFields = Carriage(rawValue: 1 << 4)
        /// Free comments (JPEG COM).
        public static let comments = Carriage(rawValue: 1 << 5)
        /// IPTC IIM datasets.
        public static let iptc = Carriage(rawValue: 1 << 6)
        /// A pixel codec: the visible badge and the watermark can be drawn and read.
        public static let pixels = Carriage(rawValue: 1 << 7)
        /// The format's tools put the TC260 label in a native text field (a RIFF `AIGC` chunk, an ID3
        /// `TXXX:AIGC` frame, a FLAC Vorbis comment `AIGC`): stamp writes the label there as well as in
        /// XMP, the same label in both (formats without it keep the label in XMP alone).
        public static let aigcTextField = Carriage(rawValue: 1 << 8)
        /// Video frames that ailabel decodes, marks and re-encodes through libav (`VideoCodec`): the badge and
        /// watermark go into every frame of the video stream.
        public static let videoFrames = Carriage(rawValue: 1 << 14)
    }
}

/// A C2PA hard binding (C2PA 2.x, 9.2): how a manifest proves which bytes it was signed over.
public enum C2PABinding: String, Sendable, Hashable {
    /// `c2pa.hash.data`: one hash over the file, the store's bytes excluded.
    case dataHash = "c2pa.hash.data"
    /// `c2pa.hash.boxes`: one hash per run of named boxes (the handler lists the boxes).
    case boxHash = "c2pa.hash.boxes"
    /// `c2pa.hash.bmff.v3`: ISO BMFF box hashing (not implemented yet; declared by BMFF formats).
    case bmffHash = "c2pa.hash.bmff.v3"
}

/// Bytes at a fixed offset that identify a format. A `nil` byte matches anything.
public struct MagicSignature: Sendable, Hashable {
    public var offset: Int
    public var bytes: [UInt8?]

    public init(offset: Int = 0, _ bytes: [UInt8?]) {
        self.offset = offset
        self.bytes = bytes
    }

    /// A signature of ASCII text, with `?` matching any byte.
    public init(offset: Int = 0, ascii: String) {
        self.init(offset: offset, ascii.utf8.map { $0 == UInt8(ascii: "?") ? nil : $0 })
    }

    /// How many first bytes of a file the signature needs.
    public var length: Int { offset + bytes.count }

    public func matches<Bytes: Collection<UInt8>>(_ head: Bytes) -> Bool {
        guard head.count >= length else { return false }
        var index = head.index(head.startIndex, offsetBy: offset)
        for expected in bytes {
            if let expected, head[index] != expected { return false }
            index = head.index(after: index)
        }
        return true
    }
}
