import AILabelMedia
import Foundation

/// The default disclosure texts, loaded from `disclosure-texts.json` in the module's resources.
public enum DisclosureTexts {
    public enum Kind: String, Sendable, CaseIterable {
        case generated, edited, deepfake
        /// The short forms drawn on images.
        case badgeGenerated = "badge-generated", badgeEdited = "badge-edited", badgeDeepfake = "badge-deepfake"

        public var badge: Kind {
            switch self {
            case .generated, .badgeGenerated: .badgeGenerated
            case .edited, .badgeEdited: .badgeEdited
            case .deepfake, .badgeDeepfake: .badgeDeepfake
            }
        }
    }

    /// The bundled texts: kind → language → text.
    public static let defaults: [String: [String: String]] = {
        guard let url = Bundle.module.url(forResource: "disclosure-texts", withExtension: "json"),
            let data = try? Data(contentsOf: url),
            let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any]
        else { return [:] }
        var table: [String: [String: String]] = [:]
        for (kind, value) in object where !kind.hasPrefix("_") {
            if let texts = value as? [String: String] { table[kind] = texts }
        }
        return table
    }()

    /// The languages of the disclosure text for each legal profile, when neither the command line nor the
    /// configuration names them.
    public static let profileLanguages: [String: [String]] = [
        "kz": ["kk", "ru", "en"], "eu": ["en"], "cn": ["zh"], "all": ["kk", "ru", "en", "zh"],
    ]

    /// The languages with a bundled text of `kind`, in the order the profiles list them (kk, ru, en, zh, then the rest).
    public static func languages(kind: Kind) -> [String] {
        let order = ["kk", "ru", "en", "zh"]
        return (defaults[kind.rawValue] ?? [:]).keys.sorted { (order.firstIndex(of: $0) ?? order.count, $0) < (order.firstIndex(of: $1) ?? order.count, $1) }
    }

    /// The kind of text a request needs (a label's ``kind(for:)`` before the label exists).
    public static func kind(sourceType: DigitalSourceType, isDeepfake: Bool) -> Kind {
        if isDeepfake { return .deepfake }
        return sourceType == .trainedAlgorithmicMedia ? .generated : .edited
    }

    /// The kind of text a label needs.
    public static func kind(for label: DisclosureLabel) -> Kind {
        kind(sourceType: label.digitalSourceType, isDeepfake: label.isDeepfake)
    }

    /// Texts for `languages`, taking `overrides` first and the defaults second. A language with neither is
    /// reported in `missing`.
    public static func texts(
        kind: Kind, languages: [String], overrides: [String: String] = [:]
    ) -> (texts: [XMPLanguageString], missing: [String]) {
        var texts: [XMPLanguageString] = []
        var missing: [String] = []
        for language in languages {
            if let text = overrides[language] ?? defaults[kind.rawValue]?[language] {
                texts.append(XMPLanguageString(language: language, text: text))
            } else {
                missing.append(language)
            }
        }
        return (texts, missing)
    }
}
