import AILabelKit
import AILabelVisible
import AILabelVocabulary
import Foundation

/// The legal profiles a stamp is made for. Each chooses default languages and which pixel marks go in.
public enum StampProfile: String, Sendable, Hashable, CaseIterable {
    case kz, eu, cn, all

    /// Profile names are case-insensitive: `KZ` is `kz`.
    public init?(name: String) { self.init(rawValue: name.lowercased()) }

    /// Languages of the disclosure text when neither the settings nor the configuration name them.
    public var defaultLanguages: [String] { DisclosureTexts.profileLanguages[rawValue] ?? [] }

    /// The visible badge by default: always under cn and all, for deepfakes under kz and eu.
    public func visibleByDefault(deepfake: Bool) -> Bool { self == .cn || self == .all || (deepfake && (self == .kz || self == .eu)) }

    /// The invisible watermark by default: under eu and all.
    public var watermarkByDefault: Bool { self == .eu || self == .all }
}

/// What a stamp is asked for, as a command line, a query string or a deployment says it: names and
/// switches, every one optional. ``StampConfiguration/resolve(_:configuration:environment:)`` turns
/// them into the concrete label, layers and signer, applying the profile's defaults and the precedence
/// (these settings, then the environment, then the configuration file) in one place.
public struct StampSettings: Sendable, Hashable {
    public var profile: StampProfile?
    public var sourceType: String?
    public var aiSystem: String?
    public var aiSystemVersion: String?
    public var producer: String?
    public var producerID: String?
    public var contentID: String?
    public var propagator: String?
    public var propagateID: String?
    public var deepfake = false
    /// Languages, each entry possibly comma-separated.
    public var languages: [String] = []
    /// Text overrides, `LANG=TEXT`.
    public var texts: [String] = []
    public var prompt: String?
    /// ISO 8601.
    public var time: String?
    public var watermark: Bool?
    public var visible: Bool?
    public var badgeCorner: String?
    public var badgeMargin: String?
    public var euIcon = false
    public var fonts: [String] = []
    public var signer = SignerSettings()
    /// Video: the badge on every frame, or on the first seconds.
    public var videoSpan: VisibleSpan = .full
    /// Video: the encoder's constant rate factor (nil: ailabel's matched quality).
    public var videoCRF: Int?
    /// Audio (WAV, FLAC, MP3): the audible disclosure to insert, spoken or the rhythm cue; nil for none.
    public var audible: AudibleRequest?
    /// Sidecars for kinds ailabel embeds into too, leaving the file unchanged.
    public var sidecarOnly = false
    public var dryRun = false

    public init() {}

    /// Checks what can be checked without a configuration (a command line's usage errors), with the
    /// messages a command line prints.
    public func validate() throws(AILabelError) {
        if let badgeMargin, BadgeCornerName.margin(badgeMargin) == nil {
            throw AILabelError(.badOption, "--badge-margin takes pixels (12) or a percentage of the shorter side (2%)")
        }
        if let badgeCorner, BadgeCornerName.corner(badgeCorner) == nil {
            throw AILabelError(.badOption, "--badge-corner must be top-right, top-left, bottom-right or bottom-left")
        }
        if let sourceType, DigitalSourceType(parsing: sourceType) == nil {
            throw AILabelError(.badOption, "unknown digital source type '\(sourceType)'; use an IPTC term such as trainedAlgorithmicMedia")
        }
        if let time, ISO8601Time.normalize(time) == nil {
            throw AILabelError(.badOption, "--time must be ISO 8601, e.g. 2026-01-18T09:00:00Z")
        }
        for text in texts where !text.contains("=") { throw AILabelError(.badOption, "--text takes LANG=TEXT, got '\(text)'") }
    }

    /// The languages asked for, split at commas.
    var requestedLanguages: [String] {
        languages.flatMap { $0.split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) } }
    }

    /// The text overrides asked for, over the configuration's `[texts]`.
    func textOverrides(over configured: [String: String]) -> [String: String] {
        var overrides = configured
        for text in texts {
            let parts = text.split(separator: "=", maxSplits: 1)
            overrides[String(parts[0])] = parts.count > 1 ? String(parts[1]) : ""
        }
        return overrides
    }
}

/// Badge corners and margins as words.
enum BadgeCornerName {
    static func corner(_ name: String) -> BadgeStyle.Corner? { BadgeStyle.Corner(rawValue: name) }

    static func margin(_ text: String) -> BadgeStyle.Margin? {
        if text.hasSuffix("%") {
            guard let percent = Double(text.dropLast()), (0...25).contains(percent) else { return nil }
            return .fraction(percent / 100)
        }
        guard let pixels = Int(text), pixels >= 0 else { return nil }
        return .pixels(pixels)
    }
}

/// Parses and normalises ISO 8601 times to UTC `yyyy-MM-ddTHH:mm:ssZ`.
enum ISO8601Time {
    static func normalize(_ text: String) -> String? {
        let formatter = ISO8601DateFormatter()
        for options: ISO8601DateFormatter.Options in [[.withInternetDateTime], [.withInternetDateTime, .withFractionalSeconds], [.withFullDate]] {
            formatter.formatOptions = options
            if let date = formatter.date(from: text) {
                let output = ISO8601DateFormatter()
                output.formatOptions = [.withInternetDateTime]
                return output.string(from: date)
            }
        }
        return nil
    }
}
