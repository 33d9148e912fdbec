import Foundation

/// China's implicit AIGC label (GB 45438-2025 Annex E): a JSON object with seven keys, values in
/// printable ASCII only.
public struct AIGCLabel: Sendable, Hashable, Codable {
    /// "1" generated, "2" possibly generated, "3" suspected generated.
    public var label: String
    public var contentProducer: String
    public var produceID: String
    public var reservedCode1: String
    public var contentPropagator: String
    public var propagateID: String
    public var reservedCode2: String

    /// The seven keys, in the order the standard lists them.
    public static let keys = ["Label", "ContentProducer", "ProduceID", "ReservedCode1", "ContentPropagator", "PropagateID", "ReservedCode2"]

    public init(
        label: String, contentProducer: String, produceID: String, reservedCode1: String = "", contentPropagator: String = "",
        propagateID: String = "", reservedCode2: String = ""
    ) {
        self.label = label
        self.contentProducer = contentProducer
        self.produceID = produceID
        self.reservedCode1 = reservedCode1
        self.contentPropagator = contentPropagator
        self.propagateID = propagateID
        self.reservedCode2 = reservedCode2
    }

    /// Keeps only the characters Annex E allows (0x21–0x7E): spaces, control characters and non-ASCII
    /// letters are dropped, which is why producers should be named by code.
    public static func sanitize(_ value: String) -> String {
        String(String.UnicodeScalarView(value.unicodeScalars.filter { (0x21...0x7E).contains($0.value) }))
    }

    /// The JSON text, keys in standard order, with no whitespace.
    public var json: String {
        let values = [label, contentProducer, produceID, reservedCode1, contentPropagator, propagateID, reservedCode2]
        let pairs = zip(Self.keys, values).map { key, value in "\"\(key)\":\"\(Self.escape(value))\"" }
        return "{" + pairs.joined(separator: ",") + "}"
    }

    private static func escape(_ value: String) -> String {
        var out = ""
        for character in value {
            switch character {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            default: out.append(character)
            }
        }
        return out
    }

    /// The outcome of checking an AIGC value against Annex E.
    public struct Parsed: Sendable, Hashable {
        public var label: AIGCLabel?
        /// Problems found; empty for a valid label.
        public var problems: [String]
        public var isValid: Bool { label != nil && problems.isEmpty }
    }

    /// Parses the JSON (bare, or wrapped as `{"AIGC":{...}}`) and checks it: valid JSON, no duplicate or
    /// unknown keys, the seven keys present, Label 1–3, printable ASCII only.
    /// Whether a free comment (a GIF comment extension, a JPEG COM segment) holds a TC260 label as tools
    /// write one there: `AIGC{…}` or a JSON object with an `AIGC` member.
    public static func isLabelComment(_ comment: String) -> Bool {
        let body = comment.trimmingCharacters()
        return body.hasPrefix("AIGC{") || (body.hasPrefix("{") && body.contains("\"AIGC\""))
    }

    public static func parse(_ text: String) -> Parsed {
        var problems: [String] = []
        var body = text.trimmingCharacters()
        if body.hasPrefix("AIGC{") { body = String(body.dropFirst(4)) }
        guard let data = body.data(using: .utf8), let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            return Parsed(label: nil, problems: ["the AIGC value is not a JSON object"])
        }
        var fields = object
        if let inner = object["AIGC"] as? [String: Any], object.count == 1 { fields = inner }
        if DuplicateKeyScanner.hasDuplicateKeys(body) { problems.append("the AIGC JSON repeats a key") }
        let unknown = fields.keys.filter { !keys.contains($0) }.sorted()
        if !unknown.isEmpty { problems.append("unknown AIGC keys: \(unknown.joined(separator: ", "))") }
        let missing = keys.filter { fields[$0] == nil }
        if !missing.isEmpty { problems.append("missing AIGC keys: \(missing.joined(separator: ", "))") }
        var values: [String: String] = [:]
        for key in keys {
            guard let value = fields[key] else { continue }
            if let string = value as? String {
                values[key] = string
            } else if let number = value as? NSNumber {
                values[key] = number.stringValue
                problems.append("AIGC \(key) is a number, not a string")
            } else {
                problems.append("AIGC \(key) is not a string")
            }
        }
        for (key, value) in values.sorted(by: { $0.key < $1.key }) where value.unicodeScalars.contains(where: { !(0x21...0x7E).contains($0.value) }) {
            problems.append("AIGC \(key) holds characters outside printable ASCII")
        }
        let labelValue = values["Label"] ?? ""
        if !["1", "2", "3"].contains(labelValue) { problems.append("AIGC Label is \"\(labelValue)\", not 1, 2 or 3") }
        for key in ["ContentProducer", "ProduceID"] where (values[key] ?? "").isEmpty {
            problems.append("AIGC \(key) is empty")
        }
        let label = AIGCLabel(
            label: labelValue, contentProducer: values["ContentProducer"] ?? "", produceID: values["ProduceID"] ?? "",
            reservedCode1: values["ReservedCode1"] ?? "", contentPropagator: values["ContentPropagator"] ?? "",
            propagateID: values["PropagateID"] ?? "", reservedCode2: values["ReservedCode2"] ?? "")
        return Parsed(label: label, problems: problems)
    }
}

/// JSONSerialization silently keeps the last of duplicate keys; Annex E forbids them, so they are
/// looked for in the text of each object.
enum DuplicateKeyScanner {
    private struct Level {
        var isObject: Bool
        var keys: Set<String> = []
        var expectingKey: Bool
    }

    static func hasDuplicateKeys(_ text: String) -> Bool {
        var levels: [Level] = []
        let scalars = Array(text.unicodeScalars)
        var index = 0
        while index < scalars.count {
            switch scalars[index] {
            case "{": levels.append(Level(isObject: true, expectingKey: true))
            case "[": levels.append(Level(isObject: false, expectingKey: false))
            case "}", "]": _ = levels.popLast()
            case ",": if !levels.isEmpty { levels[levels.count - 1].expectingKey = levels[levels.count - 1].isObject }
            case ":": if !levels.isEmpty { levels[levels.count - 1].expectingKey = false }
            case "\"":
                var string = ""
                index += 1
                while index < scalars.count, scalars[index] != "\"" {
                    if scalars[index] == "\\" { index += 1 }
                    if index < scalars.count { string.unicodeScalars.append(scalars[index]) }
                    index += 1
                }
                if let last = levels.indices.last, levels[last].expectingKey {
                    if levels[last].keys.contains(string) { return true }
                    levels[last].keys.insert(string)
                }
            default: break
            }
            index += 1
        }
        return false
    }
}

extension AIGCLabel {
    /// The implicit label for a disclosure label: Label 1 (generated), the producer's ID (else its name,
    /// else `unknown`) and the content ID, each cut to the characters Annex E allows.
    public init(_ label: DisclosureLabel) {
        let producer = Self.sanitize(label.producerID ?? label.producerName ?? "")
        self.init(
            label: "1", contentProducer: producer.isEmpty ? "unknown" : producer, produceID: Self.sanitize(label.contentID),
            contentPropagator: Self.sanitize(label.propagatorID ?? ""), propagateID: Self.sanitize(label.propagateID ?? ""))
    }

    /// The keyword of the PNG text chunk (and the key of the EXIF UserComment object) other tools put the
    /// label in outside XMP.
    public static let textKeyword = "AIGC"
}
