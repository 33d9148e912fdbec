/// A term of the IPTC Digital Source Type vocabulary: how a piece of media came to be.
///
/// Stamp accepts a term by short name (`trainedAlgorithmicMedia`) or URI; verify compares terms
/// exactly (never by substring: `algorithmicMedia` is not generative AI) and accepts the `https` form
/// and a trailing slash, which some generators write.
public struct DigitalSourceType: Sendable, Hashable, Codable, CustomStringConvertible {
    public let term: String

    public static let vocabularyURI = "http://cv.iptc.org/newscodes/digitalsourcetype/"

    public var uri: String { Self.vocabularyURI + term }
    public var description: String { term }

    init(term: String) { self.term = term }

    /// Every term of the vocabulary (2025), active and retired.
    public static let allTerms: [(term: String, retired: Bool)] = [
        ("digitalCapture", false), ("computationalCapture", false), ("negativeFilm", false), ("positiveFilm", false),
        ("print", false), ("minorHumanEdits", true), ("humanEdits", false), ("compositeWithTrainedAlgorithmicMedia", false),
        ("algorithmicallyEnhanced", false), ("softwareImage", true), ("digitalArt", true), ("digitalCreation", false),
        ("dataDrivenMedia", false), ("trainedAlgorithmicMedia", false), ("algorithmicMedia", false), ("screenCapture", false),
        ("virtualRecording", false), ("composite", false), ("compositeCapture", false), ("compositeSynthetic", false),
    ]

    public static let trainedAlgorithmicMedia = DigitalSourceType(term: "trainedAlgorithmicMedia")
    public static let compositeWithTrainedAlgorithmicMedia = DigitalSourceType(term: "compositeWithTrainedAlgorithmicMedia")
    public static let compositeSynthetic = DigitalSourceType(term: "compositeSynthetic")

    /// The terms that mean generative AI was involved.
    public static let generativeAITerms: Set<String> = [
        "trainedAlgorithmicMedia", "compositeWithTrainedAlgorithmicMedia", "compositeSynthetic",
    ]

    /// The terms that declare a capture or human work: beside an AI label they contradict it.
    public static let captureOrHumanTerms: Set<String> = [
        "digitalCapture", "negativeFilm", "positiveFilm", "print", "humanEdits", "minorHumanEdits", "digitalCreation",
        "computationalCapture", "compositeCapture", "screenCapture",
    ]

    public var isGenerativeAI: Bool { Self.generativeAITerms.contains(term) }
    public var isCaptureOrHumanWork: Bool { Self.captureOrHumanTerms.contains(term) }
    public var isRetired: Bool { Self.allTerms.first { $0.term == term }?.retired ?? false }

    /// Parses a short name or a URI (http or https, with or without a trailing slash). Nil for a value
    /// outside the vocabulary.
    public init?(parsing text: String) {
        var value = text.trimmingCharacters()
        for prefix in ["http://cv.iptc.org/newscodes/digitalsourcetype/", "https://cv.iptc.org/newscodes/digitalsourcetype/", "digsrctype:"] {
            if value.lowercased().hasPrefix(prefix) {
                value = String(value.dropFirst(prefix.count))
                break
            }
        }
        while value.hasSuffix("/") { value.removeLast() }
        guard let known = Self.allTerms.first(where: { $0.term.lowercased() == value.lowercased() }) else { return nil }
        self.term = known.term
    }

    /// Every term, keyed by its lower-cased name, for catalogues, which ask for every record.
    static let termsByLowercasedName: [String: String] = Dictionary(
        allTerms.map { ($0.term.lowercased(), $0.term) }, uniquingKeysWith: { first, _ in first })

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let parsed = DigitalSourceType(parsing: text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "unknown digital source type \(text)"))
        }
        self = parsed
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(uri)
    }
}

extension String {
    func trimmingCharacters() -> String {
        var view = Substring(self)
        while let first = view.first, first.isWhitespace { view.removeFirst() }
        while let last = view.last, last.isWhitespace { view.removeLast() }
        return String(view)
    }
}
