import Foundation

/// Finds disclosure phrases in visible text, by language. Matching ignores case and punctuation: text
/// and phrase are both lower-cased and every character that is neither a letter nor a digit becomes a
/// space, so "AI-generated." matches the phrase "ai generated". A phrase must start at a word boundary
/// (or right after a CJK character: Chinese has no spaces); its end may run into a suffix, since Kazakh and Russian
/// inflect ("жасанды интеллект" matches "жасанды интеллектпен").
public struct DisclosurePhrases: Sendable, Hashable {
    public let phrases: [String: [String]]
    /// The phrases normalised once, with their originals.
    private let normalized: [String: [(needle: [Unicode.Scalar], phrase: String)]]

    public init(_ phrases: [String: [String]]) {
        self.phrases = phrases
        normalized = phrases.mapValues { list in
            list.map { (Self.normalize($0), $0) }.filter { !$0.0.isEmpty }
        }
    }

    public static func == (lhs: DisclosurePhrases, rhs: DisclosurePhrases) -> Bool { lhs.phrases == rhs.phrases }
    public func hash(into hasher: inout Hasher) { hasher.combine(phrases) }

    /// Adds phrases (a user's own) to these.
    public func merging(_ other: [String: [String]]) -> DisclosurePhrases {
        var merged = phrases
        for (language, list) in other { merged[language, default: []] += list }
        return DisclosurePhrases(merged)
    }

    /// The languages among `languages` that have a phrase in `text`, each with the phrase found.
    public func matches(in text: String, languages: [String]) -> [String: String] {
        let normalized = Self.normalize(text)
        var found: [String: String] = [:]
        for language in languages {
            for (needle, phrase) in self.normalized[language] ?? [] where Self.contains(normalized, needle) {
                found[language] = phrase
                break
            }
        }
        return found
    }

    /// Lower-cased, in canonical composition (so "й" typed as и + breve matches "й"), with every run of
    /// characters that are neither letters nor digits turned into one space, and no space at either end.
    /// The result is scalars: searching them is a plain comparison, where a search in `String` would
    /// compare grapheme clusters through Foundation for every position (catalogues have many records
    /// and pages much text, and every one is searched for every phrase).
    static func normalize(_ text: String) -> [Unicode.Scalar] {
        var out: [Unicode.Scalar] = []
        out.reserveCapacity(text.utf8.count)
        var pendingSpace = false
        let lowercased = text.lowercased()
        for character in isComposed(lowercased) ? lowercased : lowercased.precomposedStringWithCanonicalMapping {
            if character.isLetter || character.isNumber {
                if pendingSpace, !out.isEmpty { out.append(" ") }
                pendingSpace = false
                out.append(contentsOf: character.unicodeScalars)
            } else {
                pendingSpace = true
            }
        }
        return out
    }

    /// Whether `text` is certainly in canonical composition already: every scalar lies in a block whose
    /// characters NFC leaves alone (no combining marks, no singletons), which covers the Latin, Cyrillic
    /// (Kazakh included) and CJK text of the profiles' phrases. Composing costs more than the search.
    static func isComposed(_ text: String) -> Bool {
        text.unicodeScalars.allSatisfy { scalar in
            switch scalar.value {
            case 0..<0x300, 0x400...0x482, 0x48A...0x52F, 0x3000...0x303F, 0x4E00...0x9FFF, 0xFF01...0xFF60: true
            default: false
            }
        }
    }

    /// Whether `needle` occurs in `haystack` starting at a word boundary: the start of the text, after
    /// a space, or after a CJK character (or anywhere, for a CJK needle).
    static func contains(_ haystack: [Unicode.Scalar], _ needle: [Unicode.Scalar]) -> Bool {
        guard let first = needle.first, needle.count <= haystack.count else { return false }
        let cjk = isCJK(first)
        var start = 0
        let lastStart = haystack.count - needle.count
        while start <= lastStart {
            guard let index = haystack[start...lastStart].firstIndex(of: first) else { return false }
            if haystack[index..<(index + needle.count)].elementsEqual(needle) {
                if cjk || index == 0 { return true }
                let before = haystack[index - 1]
                if before == " " || isCJK(before) { return true }
            }
            start = index + 1
        }
        return false
    }

    static func isCJK(_ scalar: Unicode.Scalar) -> Bool {
        (0x2E80...0x9FFF).contains(scalar.value) || (0xF900...0xFAFF).contains(scalar.value) || (0x20000...0x2FA1F).contains(scalar.value)
    }
}

/// Reads a digital-source-type value in any of the spellings feeds and pages use: Google Merchant
/// (`trained_algorithmic_media`, `TRAINED_ALGORITHMIC_MEDIA`, `default`), IPTC terms and URIs, and
/// schema.org (`TrainedAlgorithmicMediaDigitalSource`, with or without `https://schema.org/`).
public enum SourceTypeValue {
    public enum Meaning: Sendable, Hashable {
        /// Generative AI: trained algorithmic media, composite with it, composite synthetic.
        case generativeAI
        /// A value of the vocabulary that does not mean generative AI (capture, `default`, …).
        case other
        /// Not a value of any vocabulary.
        case unknown
    }

    public static func meaning(_ value: String) -> Meaning {
        var text = value.trimmingCharacters(in: .whitespacesAndNewlines)
        for prefix in ["https://schema.org/", "http://schema.org/", "schema:"] where text.lowercased().hasPrefix(prefix) {
            text = String(text.dropFirst(prefix.count))
        }
        if text.hasSuffix("DigitalSource") { text = String(text.dropLast("DigitalSource".count)) }
        if let iptc = DigitalSourceType(parsing: text) { return iptc.isGenerativeAI ? .generativeAI : .other }
        let squashed = String(String.UnicodeScalarView(text.lowercased().unicodeScalars.filter { $0 != "_" && $0 != "-" }))
        if let term = DigitalSourceType.termsByLowercasedName[squashed] {
            return DigitalSourceType.generativeAITerms.contains(term) ? .generativeAI : .other
        }
        if squashed == "default" { return .other }
        // schema.org members that are not IPTC terms verbatim.
        if ["algorithmicallyenhanced", "algorithmicmedia", "datadrivenmedia", "digitalart", "digitalcapture", "minorhumanedits",
            "multiframecomputationalcapture", "compositecapture", "composite"].contains(squashed) { return .other }
        return .unknown
    }
}
