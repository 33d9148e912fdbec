import AILabelMedia
import Foundation

/// The audible disclosure inserted into an audio file: what it is, where it is and what it says,
/// recorded in XMP and the C2PA assertion so verify can check it is still there.
public struct AudibleLabelRecord: Sendable, Hashable, Codable {
    /// `speech` (a spoken sentence per language) or `rhythm` (GB 45438's short-long-short-short cue).
    public var cue: String
    /// `start`, `end` or `both`: where it was asked for.
    public var placement: String
    /// Each inserted span, in seconds of the stamped file.
    public var spans: [Span]
    /// The spoken texts, one per language (empty for the rhythm cue).
    public var texts: [XMPLanguageString]
    /// The integrated loudness the cue was matched to (LUFS, ITU-R BS.1770), as measured on the file.
    public var loudness: Double?

    public struct Span: Sendable, Hashable, Codable {
        public var start: Double
        public var duration: Double
        public init(start: Double, duration: Double) {
            self.start = start
            self.duration = duration
        }
        public var end: Double { start + duration }
        /// "0.00–3.25 s".
        public var formatted: String { "\(AudibleLabelRecord.seconds(start))–\(AudibleLabelRecord.seconds(end)) s" }
    }

    public static let speech = "speech"
    public static let rhythm = "rhythm"

    public init(cue: String, placement: String, spans: [Span], texts: [XMPLanguageString] = [], loudness: Double? = nil) {
        self.cue = cue
        self.placement = placement
        self.spans = spans
        self.texts = texts
        self.loudness = loudness
    }

    public var languages: [String] { texts.map(\.language) }

    /// One line for reports and the manifest's action: "speech (kk, ru, en) at 0.00–6.12 s".
    public var summary: String {
        let where_ = spans.map(\.formatted).joined(separator: " and ")
        let what = cue == Self.rhythm ? "rhythm cue short-long-short-short" : "spoken disclosure (\(languages.joined(separator: ", ")))"
        return "\(what) at \(where_)"
    }

    static func seconds(_ value: Double) -> String {
        let hundredths = Int((value * 100).rounded())
        return "\(hundredths / 100).\(String(format: "%02d", hundredths % 100))"
    }

    /// As XMP holds it (`ailabel:AudibleLabel`): the record as JSON, sorted keys.
    public var json: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? encoder.encode(self)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
    }

    public init?(json: String) {
        guard json.utf8.count <= 1 << 16, let record = try? JSONDecoder().decode(Self.self, from: Data(json.utf8)) else { return nil }
        self = record
    }
}
