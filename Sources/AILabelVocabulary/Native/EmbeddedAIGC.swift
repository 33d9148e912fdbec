import AILabelMedia

/// A TC260 implicit label other tools put outside XMP: a PNG `tEXt`/`zTXt`/`iTXt` chunk with keyword
/// `AIGC`, a comment (GIF comment extension, JPEG COM) holding `AIGC{…}` or `{"AIGC":{…}}`, or EXIF
/// UserComment or ImageDescription (IFD0 of a JPEG's EXIF, or of a TIFF itself) holding
/// `{"AIGC":{…}}`. ailabel writes the label in XMP only (GB 45438 allows one per file), so these are
/// read, and on a re-stamp the text chunk or comment is replaced.
public struct EmbeddedAIGC: Sendable, Hashable {
    public enum Carrier: Sendable, Hashable {
        case textChunk
        case comment
        case exifUserComment
        case exifImageDescription
    }

    public var carrier: Carrier
    /// Where, as reports name it: `PNG tEXt AIGC`, `FLAC Vorbis comment AIGC`, `GIF comment`, `EXIF UserComment`.
    public var location: String
    public var parsed: AIGCLabel.Parsed

    public init(carrier: Carrier, location: String, parsed: AIGCLabel.Parsed) {
        self.carrier = carrier
        self.location = location
        self.parsed = parsed
    }

    /// Every such label in a file's text fields, comments and EXIF, text chunks first.
    public static func find(in contents: MediaContents, exif: EXIFMetadata?) -> [EmbeddedAIGC] {
        var found: [EmbeddedAIGC] = []
        let formatName = AssetRegistry.standard.handler(for: contents.format)?.declaration.displayName ?? contents.format.rawValue
        for entry in contents.textEntries where entry.keyword == AIGCLabel.textKeyword {
            // Named by the format and the field: `PNG iTXt AIGC`, `WAV RIFF chunk AIGC`, `MP3 ID3 TXXX AIGC`.
            found.append(EmbeddedAIGC(carrier: .textChunk, location: "\(formatName) \(entry.chunk.rawValue) AIGC", parsed: AIGCLabel.parse(entry.text)))
        }
        for comment in contents.comments where AIGCLabel.isLabelComment(comment) {
            found.append(EmbeddedAIGC(carrier: .comment, location: "\(formatName) comment", parsed: AIGCLabel.parse(comment)))
        }
        // A UserComment or ImageDescription is free text: it counts when it names the label or holds its Label key.
        let texts: [(Carrier, String, String?)] = [
            (.exifUserComment, "EXIF UserComment", exif?.userComment),
            (.exifImageDescription, "EXIF ImageDescription", exif?.tag(EXIFTag.imageDescription, in: .ifd0)?.value),
        ]
        for (carrier, location, text) in texts {
            guard let text, text.contains(AIGCLabel.textKeyword) || text.contains("\"Label\"") else { continue }
            let start = text.firstIndex(of: "{") ?? text.startIndex
            let parsed = AIGCLabel.parse(String(text[start...]))
            if parsed.label != nil || text.contains(AIGCLabel.textKeyword) {
                found.append(EmbeddedAIGC(carrier: carrier, location: location, parsed: parsed))
            }
        }
        return found
    }
}
