import AILabelMedia
import Foundation

/// What a record says about AI by itself: its AI flag and its machine-readable markers.
public struct CatalogSignals: Sendable, Hashable {
    /// Why the record declares AI involvement (empty when it does not).
    public var declarations: [String] = []
    /// The machine-readable AI markers it carries.
    public var markers: [String] = []

    public var declaresAI: Bool { !declarations.isEmpty }

    /// The Google Merchant structured attributes that carry a digital source type.
    public static let structuredFields = ["structured_title.digital_source_type", "structured_description.digital_source_type"]

    public init(record: CatalogRecord, mapping: CatalogMapping) {
        if let flag = record.value(mapping.aiFlag), flag.isTruthy {
            declarations.append("\(mapping.aiFlag) = \(flag.text ?? "true")")
        }
        for field in [mapping.digitalSourceType] + Self.structuredFields {
            guard let value = record.value(field)?.text, SourceTypeValue.meaning(value) == .generativeAI else { continue }
            markers.append("\(field) = \(value)")
        }
        // Merchant text feeds write the structured attributes as `digital_source_type:content`.
        for field in ["structured_title", "structured_description"] {
            guard case .string(let text) = record.value(field), let parsed = MerchantStructuredText(parsing: text),
                SourceTypeValue.meaning(parsed.digitalSourceType) == .generativeAI
            else { continue }
            markers.append("\(field) = \(parsed.digitalSourceType):…")
        }
        // schema.org digitalSourceType, at any depth (image objects, offers…).
        func walk(_ value: FeedValue, path: String, depth: Int) {
            guard depth < 32 else { return }
            switch value {
            case .object(let object):
                for (key, inner) in object.sorted(by: { $0.key < $1.key }) {
                    if key == "digitalSourceType", let text = inner.text, SourceTypeValue.meaning(text) == .generativeAI {
                        markers.append("schema.org digitalSourceType at \(path.isEmpty ? key : path + "." + key) = \(text)")
                    } else {
                        walk(inner, path: path.isEmpty ? key : path + "." + key, depth: depth + 1)
                    }
                }
            case .array(let values):
                for inner in values { walk(inner, path: path, depth: depth + 1) }
            default:
                break
            }
        }
        walk(.object(record.fields), path: "", depth: 0)
        declarations += markers
    }
}

/// Adds what a feed's AI records lack: the machine-readable marker (`digital_source_type` =
/// `trained_algorithmic_media`) and the disclosure text, in each required language, appended to the
/// description. Records that do not need a disclosure are written back unchanged.
public struct CatalogStamper: Sendable {
    public var mapping: CatalogMapping
    public var phrases: DisclosurePhrases
    public var languages: [String]
    public var overrides: [String: String]

    public init(mapping: CatalogMapping, phrases: DisclosurePhrases, languages: [String], overrides: [String: String] = [:]) {
        self.mapping = mapping
        self.phrases = phrases
        self.languages = languages
        self.overrides = overrides
    }

    public struct Change: Sendable, Hashable, Codable {
        public var id: String
        public var addedMarker: Bool
        public var addedLanguages: [String]
    }

    public struct Result: Sendable, Hashable {
        public var feed: CatalogFeed
        public var changes: [Change]
        /// Languages with no default text and no override: nothing could be added for them.
        public var missingTexts: [String]
    }

    /// Stamps the records for which `needsDisclosure` says yes (their own declaration or their images'
    /// AI evidence, as the caller judged).
    public func stamp(_ feed: CatalogFeed, needsDisclosure: (CatalogRecord) -> Bool) -> Result {
        var output = feed
        var changes: [Change] = []
        var missingTexts: Set<String> = []
        for index in output.records.indices {
            var record = output.records[index]
            guard needsDisclosure(record) else { continue }
            let signals = CatalogSignals(record: record, mapping: mapping)
            var change = Change(id: mapping.identifier(of: record) ?? "record-\(index + 1)", addedMarker: false, addedLanguages: [])
            if signals.markers.isEmpty {
                record.set(mapping.digitalSourceType, .string("trained_algorithmic_media"))
                change.addedMarker = true
            }
            let present = phrases.matches(in: mapping.visibleText(of: record).joined(separator: "\n"), languages: languages)
            let needed = languages.filter { present[$0] == nil }
            let (texts, missing) = DisclosureTexts.texts(kind: .generated, languages: needed, overrides: overrides)
            missingTexts.formUnion(missing)
            if !texts.isEmpty {
                let existing = record.value(mapping.description)?.text ?? ""
                let notice = texts.map(\.text).joined(separator: " / ")
                record.set(mapping.description, .string(existing.isEmpty ? notice : existing + " (" + notice + ")"))
                change.addedLanguages = texts.map(\.language)
            }
            if feed.format == .csv {
                for name in [mapping.digitalSourceType, mapping.description] where record.fields[name] != nil && !output.columns.contains(name) {
                    output.columns.append(name)
                }
            }
            output.records[index] = record
            if change.addedMarker || !change.addedLanguages.isEmpty { changes.append(change) }
        }
        return Result(feed: output, changes: changes, missingTexts: missingTexts.sorted())
    }
}

/// A Google Merchant structured attribute in text-feed form: `trained_algorithmic_media:"Title"` or
/// `:Title`; either part may be in double quotes (with `""` for a quote) when it holds a colon or quote.
public struct MerchantStructuredText: Sendable, Hashable {
    public var digitalSourceType: String
    public var content: String

    public init?(parsing text: String) {
        var rest = Substring(text.trimmingCharacters(in: .whitespacesAndNewlines))
        func part(until stop: Character?) -> String? {
            if rest.first == "\"" {
                rest = rest.dropFirst()
                var out = ""
                while let character = rest.first {
                    rest = rest.dropFirst()
                    if character == "\"" {
                        if rest.first == "\"" {
                            out.append("\"")
                            rest = rest.dropFirst()
                        } else {
                            return out
                        }
                    } else {
                        out.append(character)
                    }
                }
                return nil
            }
            guard let stop else {
                defer { rest = rest.dropFirst(rest.count) }
                return String(rest)
            }
            guard let index = rest.firstIndex(of: stop) else { return nil }
            defer { rest = rest[index...] }
            return String(rest[..<index])
        }
        guard let type = part(until: ":"), rest.first == ":" else { return nil }
        rest = rest.dropFirst()
        guard let content = part(until: nil) else { return nil }
        digitalSourceType = type.trimmingCharacters(in: .whitespaces)
        self.content = content
    }
}
