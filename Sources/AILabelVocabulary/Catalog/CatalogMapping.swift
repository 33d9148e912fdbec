import Foundation

/// Which fields of a feed's records hold what. Read from a small JSON file (`--mapping FILE`); every
/// key is optional and defaults as below. A field name with dots reaches into nested JSON objects.
///
/// ```json
/// { "id": "sku", "title": "name", "description": "body",
///   "images": ["image_link", "additional_image_link"],
///   "ai_flag": "is_ai", "digital_source_type": "digital_source_type",
///   "phrases": { "kk": ["ЖИ жасаған"], "en": ["synthetic image"] } }
/// ```
public struct CatalogMapping: Sendable, Hashable, Codable {
    /// The record's identifier (default `id`).
    public var id: String
    /// The title (default `title`).
    public var title: String
    /// The description (default `description`); stamping appends disclosure texts here.
    public var description: String
    /// Fields holding image paths, relative to the feed file: a string, a list, or (CSV) paths
    /// separated by `|` or `,` (default `image` and `images`).
    public var images: [String]
    /// The AI flag: true, "true", "yes", 1 (default `ai_generated`).
    public var aiFlag: String
    /// The machine-readable marker field (default `digital_source_type`); stamping writes
    /// `trained_algorithmic_media` here.
    public var digitalSourceType: String
    /// Extra disclosure phrases by language, added to the profile's.
    public var phrases: [String: [String]]

    public init(
        id: String = "id", title: String = "title", description: String = "description", images: [String] = ["image", "images"],
        aiFlag: String = "ai_generated", digitalSourceType: String = "digital_source_type", phrases: [String: [String]] = [:]
    ) {
        self.id = id
        self.title = title
        self.description = description
        self.images = images
        self.aiFlag = aiFlag
        self.digitalSourceType = digitalSourceType
        self.phrases = phrases
    }

    public static let `default` = CatalogMapping()

    enum CodingKeys: String, CodingKey {
        case id, title, description, images, image, aiFlag = "ai_flag", digitalSourceType = "digital_source_type", phrases
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let defaults = CatalogMapping()
        id = try container.decodeIfPresent(String.self, forKey: .id) ?? defaults.id
        title = try container.decodeIfPresent(String.self, forKey: .title) ?? defaults.title
        description = try container.decodeIfPresent(String.self, forKey: .description) ?? defaults.description
        if let list = try? container.decodeIfPresent([String].self, forKey: .images) {
            images = list
        } else if let single = try container.decodeIfPresent(String.self, forKey: .images) ?? container.decodeIfPresent(String.self, forKey: .image) {
            images = [single]
        } else {
            images = defaults.images
        }
        aiFlag = try container.decodeIfPresent(String.self, forKey: .aiFlag) ?? defaults.aiFlag
        digitalSourceType = try container.decodeIfPresent(String.self, forKey: .digitalSourceType) ?? defaults.digitalSourceType
        phrases = try container.decodeIfPresent([String: [String]].self, forKey: .phrases) ?? [:]
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(title, forKey: .title)
        try container.encode(description, forKey: .description)
        try container.encode(images, forKey: .images)
        try container.encode(aiFlag, forKey: .aiFlag)
        try container.encode(digitalSourceType, forKey: .digitalSourceType)
        try container.encode(phrases, forKey: .phrases)
    }

    /// Reads a mapping file; unknown keys are an error, so a typo does not pass silently.
    public static func load(path: String) throws -> CatalogMapping {
        guard let data = FileManager.default.contents(atPath: path), data.count <= 1_048_576 else {
            throw CatalogError(file: path, reason: "cannot read the mapping file (or it is over 1 MiB)")
        }
        guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw CatalogError(file: path, reason: "the mapping file is not a JSON object")
        }
        let known: Set<String> = ["id", "title", "description", "images", "image", "ai_flag", "digital_source_type", "phrases"]
        if let unknown = object.keys.sorted().first(where: { !known.contains($0) }) {
            throw CatalogError(file: path, reason: "unknown mapping key '\(unknown)'; keys are \(known.sorted().joined(separator: ", "))")
        }
        do {
            return try JSONDecoder().decode(CatalogMapping.self, from: data)
        } catch {
            throw CatalogError(file: path, reason: "the mapping file is not valid: \(CatalogFeed.describe(error))")
        }
    }

    // MARK: Reading records

    public func identifier(of record: CatalogRecord) -> String? {
        record.value(id)?.text.map { $0.trimmingCharacters() }.flatMap { $0.isEmpty ? nil : $0 }
    }

    /// Title and description, plus Google Merchant's `structured_title.content` and
    /// `structured_description.content`: the text a shopper sees.
    public func visibleText(of record: CatalogRecord) -> [String] {
        var texts = [title, description, "structured_title.content", "structured_description.content"].compactMap { record.value($0)?.text }
        for field in ["structured_title", "structured_description"] {
            if case .string(let text) = record.value(field), let parsed = MerchantStructuredText(parsing: text) { texts.append(parsed.content) }
        }
        return texts
    }

    /// Image references of a record, in order, without duplicates.
    public func imageReferences(of record: CatalogRecord) -> [String] {
        var out: [String] = []
        for field in images {
            guard let value = record.value(field) else { continue }
            var strings: [String] = []
            switch value {
            case .string(let text):
                // CSV and some feeds list several paths in one field.
                strings = text.contains("|") ? text.split(separator: "|").map(String.init)
                    : (text.contains(",") && !text.contains("://") ? text.split(separator: ",").map(String.init) : [text])
            case .object(let object):
                strings = ["url", "contentUrl", "path", "src"].compactMap { object[$0]?.text }
            case .array(let values):
                for item in values {
                    if case .object(let object) = item {
                        strings += ["url", "contentUrl", "path", "src"].compactMap { object[$0]?.text }
                    } else {
                        strings += item.strings
                    }
                }
            default:
                strings = value.strings
            }
            for string in strings.map({ $0.trimmingCharacters() }) where !string.isEmpty && !out.contains(string) { out.append(string) }
        }
        return out
    }
}
