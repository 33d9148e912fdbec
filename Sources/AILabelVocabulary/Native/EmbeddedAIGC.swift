import AILabelMedia

/// A TC260 implicit label other tools put outside XMP: a PNG `tEXt`/`zTXt`/`iTXt` chunk with keyword
/// `AIGC`, or EXIF UserComment holding `{"AIGC":{…}}`. ailabel writes the label in XMP only (GB 45438
/// allows one per file), so these are read, and on a re-stamp the text chunk is replaced.
public struct EmbeddedAIGC: Sendable, Hashable {
    public enum Carrier: Sendable, Hashable {
        case textChunk
        case exifUserComment
    }

    public var carrier: Carrier
    /// Where, as reports name it: `PNG tEXt AIGC`, `FLAC Vorbis comment AIGC`, `EXIF UserComment`.
    public var location: String
    public var parsed: AIGCLabel.Parsed

    public init(carrier: Carrier, location: String, parsed: AIGCLabel.Parsed) {
        self.carrier = carrier
        self.location = location
        self.parsed = parsed
    }

    /// Every such label in a file's text fields and EXIF, text chunks first.
    public static func find(in contents: MediaContents, exif: EXIFMetadata?) -> [EmbeddedAIGC] {
        var found: [EmbeddedAIGC] = []
        for entry in contents.textEntries where entry.keyword == AIGCLabel.textKeyword {
            // Named by the format and the field: `PNG iTXt AIGC`, `WAV RIFF chunk AIGC`, `MP3 ID3 TXXX AIGC`.
            let format = AssetRegistry.standard.handler(for: contents.format)?.declaration.displayName ?? contents.format.rawValue
            found.append(EmbeddedAIGC(carrier: .textChunk, location: "\(format) \(entry.chunk.rawValue) AIGC", parsed: AIGCLabel.parse(entry.text)))
        }
        // A UserComment is free text: it counts when it names the label or holds its Label key.
        if let comment = exif?.userComment, comment.contains(AIGCLabel.textKeyword) || comment.contains("\"Label\"") {
            let start = comment.firstIndex(of: "{") ?? comment.startIndex
            let parsed = AIGCLabel.parse(String(comment[start...]))
            if parsed.label != nil || comment.contains(AIGCLabel.textKeyword) {
                found.append(EmbeddedAIGC(carrier: .exifUserComment, location: "EXIF UserComment", parsed: parsed))
            }
        }
        return found
    }
}
