import Foundation

// JSON forms for `inspect --json` and `verify --format json`. Byte strings become base64 text.

extension CBOR: Encodable {
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .unsigned(let value): try container.encode(value)
        case .negative(let value):
            if value < UInt64(Int64.max) { try container.encode(-1 - Int64(value)) } else { try container.encode(description) }
        case .bytes(let value): try container.encode(Data(value).base64EncodedString())
        case .text(let value): try container.encode(value)
        case .array(let items): try container.encode(items)
        case .map(let entries):
            var object: [String: CBOR] = [:]
            for entry in entries { object[entry.key.textValue ?? entry.key.description] = entry.value }
            try container.encode(object)
        case .tagged(_, let item): try item.encode(to: encoder)
        case .bool(let value): try container.encode(value)
        case .null, .undefined: try container.encodeNil()
        case .simple(let value): try container.encode(value)
        case .float(let value):
            if value.isFinite { try container.encode(value) } else { try container.encode(description) }
        }
    }
}

extension ValidationStatus: Encodable {
    enum CodingKeys: String, CodingKey { case code, kind, url, explanation }
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(code.rawValue, forKey: .code)
        try container.encode(kind.rawValue, forKey: .kind)
        try container.encodeIfPresent(url, forKey: .url)
        try container.encode(explanation, forKey: .explanation)
    }
}

extension ValidationState: Encodable {}

extension ValidationReport: Encodable {
    enum CodingKeys: String, CodingKey { case state, failure, success, informational, ingredientFailure, statuses, activeManifest, manifestCount }
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(state, forKey: .state)
        try container.encode(failureCodes, forKey: .failure)
        try container.encode(successCodes, forKey: .success)
        try container.encode(Array(Set(informational.map(\.code.rawValue))).sorted(), forKey: .informational)
        try container.encode(ingredientFailureCodes, forKey: .ingredientFailure)
        try container.encode(statuses, forKey: .statuses)
        try container.encodeIfPresent(activeManifest, forKey: .activeManifest)
        try container.encode(manifestCount, forKey: .manifestCount)
    }
}
