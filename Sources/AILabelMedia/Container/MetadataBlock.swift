/// One structural block of a file as `inspect` lists it: a JPEG segment or a PNG chunk, with where it
/// sits and what it holds.
public struct MetadataBlock: Sendable, Hashable, Codable {
    /// What the block holds.
    public enum Kind: String, Sendable, Codable {
        case header, exif, xmp, extendedXMP = "extended-xmp", icc, c2pa, jumbf, comment, text, jfif, adobe
        /// JPEG APP13: Photoshop image resources, where IPTC IIM lives.
        case photoshop
        case quantization, huffman, frame, scan, imageData = "image-data", restart, end, trailing, other
    }

    public var kind: Kind
    /// The marker or chunk name: `APP1`, `SOF0`, `iTXt`, `IDAT`…
    public var name: String
    /// Byte offset of the block's first byte (the marker or the chunk length).
    public var offset: Int
    /// Size in bytes, markers, lengths and CRCs included.
    public var size: Int
    /// A short note: a text chunk's keyword, a scan count, why a block is odd.
    public var detail: String?

    public init(kind: Kind, name: String, offset: Int, size: Int, detail: String? = nil) {
        self.kind = kind
        self.name = name
        self.offset = offset
        self.size = size
        self.detail = detail
    }
}

/// A native text field, decoded: a PNG text chunk (tEXt, zTXt or iTXt), or an audio container's
/// (a RIFF chunk or LIST/INFO entry, an ID3 TXXX frame, a FLAC Vorbis comment).
public struct TextEntry: Sendable, Hashable, Codable {
    /// Where the text lives; the raw value names it in reports (`PNG iTXt AIGC`, `MP3 TXXX AIGC`).
    public enum Chunk: String, Sendable, Codable {
        case tEXt, zTXt, iTXt
        /// A top-level RIFF chunk named by the keyword (WAV `AIGC`).
        case riff = "RIFF chunk"
        /// An entry of a RIFF `LIST`/`INFO` chunk (`INAM`, `ICMT`…).
        case riffInfo = "LIST/INFO"
        /// An ID3v2 user-defined text frame, the keyword its description.
        case id3TXXX = "ID3 TXXX"
        /// A FLAC `VORBIS_COMMENT` field.
        case vorbisComment = "Vorbis comment"
        /// A QuickTime keyed metadata entry (`keys`/`ilst` in a `meta` box with an `mdta` handler: MP4, MOV).
        case quickTimeKeys = "QuickTime keys"
    }
    public var keyword: String
    public var text: String
    public var chunk: Chunk
    /// iTXt only: the language tag and translated keyword.
    public var language: String
    public var translatedKeyword: String

    public init(keyword: String, text: String, chunk: Chunk = .iTXt, language: String = "", translatedKeyword: String = "") {
        self.keyword = keyword
        self.text = text
        self.chunk = chunk
        self.language = language
        self.translatedKeyword = translatedKeyword
    }
}
