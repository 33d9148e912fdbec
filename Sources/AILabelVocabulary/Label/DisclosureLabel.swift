import AILabelMedia
import Crypto
import Foundation

/// The disclosure ailabel writes: one value from which every layer (IPTC XMP, TC260 AIGC, ailabel XMP,
/// EXIF, the C2PA assertion, the visible badge, the watermark payload) is derived.
public struct DisclosureLabel: Sendable, Hashable, Codable {
    /// How AI was involved, as an IPTC digital source type.
    public var digitalSourceType: DigitalSourceType
    /// The AI system (engine or model) used, and its version.
    public var aiSystem: String?
    public var aiSystemVersion: String?
    /// Who produced the content: a name and an identifier such as a business ID (BIN in Kazakhstan,
    /// a Unified Social Credit Code in China).
    public var producerName: String?
    public var producerID: String?
    /// The content's identifier (TC260 ProduceID). Generated when not given; kept across re-stamps.
    public var contentID: String
    /// When the content was created, ISO 8601 (UTC).
    public var created: String
    /// Whether the content is a deepfake: it depicts a real person, or events that did not happen.
    public var isDeepfake: Bool
    /// The human-readable disclosure, one text per language (BCP 47 tags: kk, ru, en, zh…).
    public var texts: [XMPLanguageString]
    /// The prompt, written only when asked (prompts can hold personal data).
    public var prompt: String?
    /// The propagation platform and its ID for the content (TC260 ContentPropagator, PropagateID).
    public var propagatorID: String?
    public var propagateID: String?
    /// The legal profile the label was made for (kz, eu, cn, all).
    public var profile: String
    /// Visible badge, once one is drawn.
    public var visibleLabel: VisibleLabelRecord?
    /// Whether an ailabel invisible watermark carries ``labelID``.
    public var watermarked: Bool
    /// The audible disclosure, once one is inserted into audio.
    public var audibleLabel: AudibleLabelRecord?
    /// Marks the stamp was asked for but could not put in (`visible`, `watermark`: an image too small for
    /// the watermark, a mark lost in the re-encode), recorded so a re-stamp asked for the same sees the
    /// same outcome and leaves the file alone instead of trying (and rewriting it) again.
    public var marksNotApplied: [String] = []

    public init(
        digitalSourceType: DigitalSourceType = .trainedAlgorithmicMedia, aiSystem: String? = nil, aiSystemVersion: String? = nil,
        producerName: String? = nil, producerID: String? = nil, contentID: String? = nil, created: String,
        isDeepfake: Bool = false, texts: [XMPLanguageString] = [], prompt: String? = nil, propagatorID: String? = nil,
        propagateID: String? = nil, profile: String = "kz", visibleLabel: VisibleLabelRecord? = nil, watermarked: Bool = false
    ) {
        self.digitalSourceType = digitalSourceType
        self.aiSystem = aiSystem
        self.aiSystemVersion = aiSystemVersion
        self.producerName = producerName
        self.producerID = producerID
        self.contentID = contentID ?? UUID().uuidString.lowercased()
        self.created = created
        self.isDeepfake = isDeepfake
        self.texts = texts
        self.prompt = prompt
        self.propagatorID = propagatorID
        self.propagateID = propagateID
        self.profile = profile
        self.visibleLabel = visibleLabel
        self.watermarked = watermarked
    }

    /// A 64-bit identifier derived from the content ID: what the invisible watermark carries, so a file
    /// whose metadata was stripped can be matched back to its label and manifest.
    public var labelID: String { Self.labelID(forContentID: contentID) }

    public var labelIDValue: UInt64 {
        let digest = Array(SHA256.hash(data: Array(contentID.utf8)))
        return digest.prefix(8).reduce(0) { $0 << 8 | UInt64($1) }
    }

    public static func labelID(forContentID contentID: String) -> String {
        let digest = Array(SHA256.hash(data: Array(contentID.utf8)))
        return digest.prefix(8).map { String(format: "%02x", $0) }.joined()
    }

    public var languages: [String] { texts.map(\.language) }
}

/// Where a visible badge was drawn and what it says: recorded in XMP and the C2PA assertion so verify
/// can check it is still there.
public struct VisibleLabelRecord: Sendable, Hashable, Codable {
    public var x: Int
    public var y: Int
    public var width: Int
    public var height: Int
    public var text: String
    public var languages: [String]
    public var variant: String
    /// The full badge record (layout, fonts, colours) as JSON, so verify can re-render the badge and check
    /// it is still there.
    public var recordJSON: String?
    /// For a video: the seconds, from the start of the video stream, the badge is shown (nil for an image).
    public var timeSpan: VisibleTimeSpan?

    public init(
        x: Int, y: Int, width: Int, height: Int, text: String, languages: [String], variant: String, recordJSON: String? = nil,
        timeSpan: VisibleTimeSpan? = nil
    ) {
        self.recordJSON = recordJSON
        self.timeSpan = timeSpan
        self.x = x
        self.y = y
        self.width = width
        self.height = height
        self.text = text
        self.languages = languages
        self.variant = variant
    }
}

/// When a video shows its badge: from `start` to `end` seconds of the video stream's presentation time.
public struct VisibleTimeSpan: Sendable, Hashable, Codable {
    public var start: Double
    public var end: Double

    public init(start: Double, end: Double) {
        self.start = start
        self.end = end
    }

    /// `start-end` in seconds with up to three decimals, as XMP holds it ("0-3", "0-12.5").
    public var text: String { "\(Self.format(start))-\(Self.format(end))" }

    /// Reads ``text``; nil unless two finite numbers with `start` ≤ `end`.
    public init?(text: String) {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 2, let start = Double(parts[0]), let end = Double(parts[1]), start.isFinite, end.isFinite,
            start >= 0, start <= end
        else { return nil }
        self.init(start: start, end: end)
    }

    static func format(_ value: Double) -> String {
        let rounded = (value * 1000).rounded() / 1000
        return rounded == rounded.rounded() ? String(Int(rounded)) : String(rounded)
    }
}
