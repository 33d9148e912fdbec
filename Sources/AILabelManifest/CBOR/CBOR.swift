/// A CBOR data item (RFC 8949), as C2PA claims, assertions and COSE structures use it.
///
/// Maps keep their entries in order, as an array of pairs: decoding keeps the order found in the
/// file, and ``CBOR/encoded(deterministic:)`` sorts the keys (RFC 8949 §4.2.1, bytewise order of the
/// encoded keys) when deterministic output is asked for.
public indirect enum CBOR: Sendable {
    /// Major type 0: an unsigned integer.
    case unsigned(UInt64)
    /// Major type 1: the integer `-1 - n`.
    case negative(UInt64)
    /// Major type 2: a byte string.
    case bytes([UInt8])
    /// Major type 3: a UTF-8 text string.
    case text(String)
    /// Major type 4: an array.
    case array([CBOR])
    /// Major type 5: a map, in file order.
    case map([(key: CBOR, value: CBOR)])
    /// Major type 6: a tagged item.
    case tagged(UInt64, CBOR)
    /// `true` or `false`.
    case bool(Bool)
    /// `null`.
    case null
    /// `undefined`.
    case undefined
    /// Another simple value (major type 7, not a float).
    case simple(UInt8)
    /// A floating-point number (half, single or double precision in the file).
    case float(Double)
}

extension CBOR {
    /// A signed integer, encoded in major type 0 or 1.
    public static func int(_ value: Int) -> CBOR {
        value >= 0 ? .unsigned(UInt64(value)) : .negative(UInt64(-1 - value))
    }

    /// A map from text keys, in the given order.
    public static func textMap(_ entries: [(String, CBOR)]) -> CBOR {
        .map(entries.map { (key: CBOR.text($0.0), value: $0.1) })
    }

    /// The value for a text key of a map, or `nil`.
    public subscript(key: String) -> CBOR? {
        guard case .map(let entries) = self else { return nil }
        for entry in entries {
            if case .text(let text) = entry.key, text == key { return entry.value }
        }
        return nil
    }

    /// The value for an integer key of a map (COSE headers), or `nil`.
    public subscript(intKey key: Int) -> CBOR? {
        guard case .map(let entries) = self else { return nil }
        for entry in entries where entry.key.intValue == key { return entry.value }
        return nil
    }

    public var textValue: String? {
        if case .text(let value) = self { return value }
        return nil
    }

    public var bytesValue: [UInt8]? {
        if case .bytes(let value) = self { return value }
        return nil
    }

    public var arrayValue: [CBOR]? {
        if case .array(let value) = self { return value }
        return nil
    }

    public var mapValue: [(key: CBOR, value: CBOR)]? {
        if case .map(let value) = self { return value }
        return nil
    }

    public var boolValue: Bool? {
        if case .bool(let value) = self { return value }
        return nil
    }

    /// The integer value when it fits in `Int`.
    public var intValue: Int? {
        switch self {
        case .unsigned(let value): return value <= UInt64(Int.max) ? Int(value) : nil
        case .negative(let value): return value <= UInt64(Int.max) ? -1 - Int(value) : nil
        default: return nil
        }
    }

    /// The item without any tags around it.
    public var untagged: CBOR {
        var item = self
        while case .tagged(_, let inner) = item { item = inner }
        return item
    }
}

extension CBOR: Equatable {
    public static func == (lhs: CBOR, rhs: CBOR) -> Bool {
        switch (lhs, rhs) {
        case (.unsigned(let a), .unsigned(let b)), (.negative(let a), .negative(let b)): return a == b
        case (.bytes(let a), .bytes(let b)): return a == b
        case (.text(let a), .text(let b)): return a == b
        case (.array(let a), .array(let b)): return a == b
        case (.map(let a), .map(let b)):
            return a.count == b.count && zip(a, b).allSatisfy { $0.key == $1.key && $0.value == $1.value }
        case (.tagged(let ta, let a), .tagged(let tb, let b)): return ta == tb && a == b
        case (.bool(let a), .bool(let b)): return a == b
        case (.null, .null), (.undefined, .undefined): return true
        case (.simple(let a), .simple(let b)): return a == b
        case (.float(let a), .float(let b)): return a.bitPattern == b.bitPattern || a == b
        default: return false
        }
    }
}

extension CBOR: Hashable {
    public func hash(into hasher: inout Hasher) {
        hasher.combine(encoded())
    }
}

extension CBOR: CustomStringConvertible {
    /// CBOR diagnostic notation (RFC 8949 §8), for messages and debugging.
    public var description: String {
        switch self {
        case .unsigned(let value): return String(value)
        case .negative(let value): return value == UInt64.max ? "-18446744073709551616" : "-\(value + 1)"
        case .bytes(let value): return "h'" + value.map { String(format2: $0) }.joined() + "'"
        case .text(let value): return "\"" + value.replacingQuotes() + "\""
        case .array(let items): return "[" + items.map(\.description).joined(separator: ", ") + "]"
        case .map(let entries):
            return "{" + entries.map { "\($0.key): \($0.value)" }.joined(separator: ", ") + "}"
        case .tagged(let tag, let item): return "\(tag)(\(item))"
        case .bool(let value): return value ? "true" : "false"
        case .null: return "null"
        case .undefined: return "undefined"
        case .simple(let value): return "simple(\(value))"
        case .float(let value): return String(value)
        }
    }
}

extension String {
    init(format2 byte: UInt8) {
        let digits = Array("0123456789abcdef")
        self = String([digits[Int(byte >> 4)], digits[Int(byte & 0xF)]])
    }

    fileprivate func replacingQuotes() -> String {
        var out = ""
        for character in self {
            if character == "\"" || character == "\\" { out.append("\\") }
            out.append(character)
        }
        return out
    }
}

/// Lowercase hexadecimal of bytes.
func hexString<C: Collection>(_ bytes: C) -> String where C.Element == UInt8 {
    bytes.map { String(format2: $0) }.joined()
}
