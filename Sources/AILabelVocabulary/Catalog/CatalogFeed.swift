import AILabelMedia
import Foundation

/// A feed that cannot be read: names the file and, where known, the line.
public struct CatalogError: Error, Sendable, CustomStringConvertible, Hashable {
    public var file: String
    public var line: Int?
    public var reason: String

    public init(file: String, line: Int? = nil, reason: String) {
        self.file = file
        self.line = line
        self.reason = reason
    }

    public var description: String { "\(file)\(line.map { ":\($0)" } ?? ""): \(reason)" }
}

/// A JSON value of a feed record, kept so a stamped copy writes back every field it read.
public indirect enum FeedValue: Sendable, Hashable, Codable {
    case null
    case bool(Bool)
    case integer(Int64)
    case number(Double)
    case string(String)
    case array([FeedValue])
    case object([String: FeedValue])

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Int64.self) {
            self = .integer(value)
        } else if let value = try? container.decode(Double.self) {
            self = .number(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode([FeedValue].self) {
            self = .array(value)
        } else {
            self = .object(try container.decode([String: FeedValue].self))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .null: try container.encodeNil()
        case .bool(let value): try container.encode(value)
        case .integer(let value): try container.encode(value)
        case .number(let value): try container.encode(value)
        case .string(let value): try container.encode(value)
        case .array(let value): try container.encode(value)
        case .object(let value): try container.encode(value)
        }
    }

    /// The value as text: strings as they are, numbers and booleans written out, nil for the rest.
    public var text: String? {
        switch self {
        case .string(let value): value
        case .integer(let value): String(value)
        case .number(let value): String(value)
        case .bool(let value): value ? "true" : "false"
        default: nil
        }
    }

    /// Every string in the value, at any depth (a field may hold a list of image paths).
    public var strings: [String] {
        switch self {
        case .array(let values): values.flatMap(\.strings)
        case .object: []
        default: text.map { [$0] } ?? []
        }
    }

    /// Whether the value says yes: `true`, `"true"`, `"yes"`, `"y"`, `1`, `"1"`.
    public var isTruthy: Bool {
        switch self {
        case .bool(let value): return value
        case .integer(let value): return value == 1
        case .number(let value): return value == 1
        case .string(let value): return ["true", "yes", "y", "1"].contains(value.trimmingCharacters().lowercased())
        default: return false
        }
    }
}

/// One record of a feed, as a set of fields. CSV records are flat string fields; JSON records keep
/// their structure, and a field name with dots (`structured_title.digital_source_type`) reaches into
/// nested objects when no field has that exact name.
public struct CatalogRecord: Sendable, Hashable {
    /// The 1-based line the record starts on (JSON: the record's position in the array).
    public var line: Int
    public var fields: [String: FeedValue]

    public init(line: Int, fields: [String: FeedValue]) {
        self.line = line
        self.fields = fields
    }

    public func value(_ name: String) -> FeedValue? {
        if let value = fields[name] { return value }
        let parts = name.split(separator: ".").map(String.init)
        guard parts.count > 1, var current = fields[parts[0]] else { return nil }
        for part in parts.dropFirst() {
            guard case .object(let object) = current, let next = object[part] else { return nil }
            current = next
        }
        return current
    }

    /// Sets a field, creating nested objects for a dotted name when the record is structured and the
    /// first part already names an object.
    public mutating func set(_ name: String, _ value: FeedValue) {
        let parts = name.split(separator: ".").map(String.init)
        if fields[name] == nil, parts.count == 2, case .object(var object) = fields[parts[0]] {
            object[parts[1]] = value
            fields[parts[0]] = .object(object)
            return
        }
        fields[name] = value
    }
}

/// A product or service feed: JSON (an array, or an object with an `items`, `products`, `entries` or
/// `records` array), JSON Lines, or CSV with a header line (tab-separated for `.tsv` and `.txt`, or when
/// the header has tabs and no commas). Formats are told by extension (`.json`, `.jsonl`/`.ndjson`,
/// `.csv`, `.tsv`, `.txt`), else by the first non-blank byte.
public struct CatalogFeed: Sendable, Hashable {
    public enum Format: String, Sendable, Hashable {
        case json, jsonl, csv
    }

    public var path: String
    public var format: Format
    public var records: [CatalogRecord]
    /// CSV: the header, in order (new columns are appended when stamping).
    public var columns: [String]
    /// JSON: the key of the array inside a top-level object, and that object's other fields.
    public var wrapperKey: String?
    public var wrapper: [String: FeedValue]
    /// Whether the file began with a UTF-8 byte-order mark (written back to CSV, as spreadsheets expect).
    public var byteOrderMark = false
    /// CSV: the field separator (`,` or a tab).
    public var delimiter: UInt8 = 0x2C

    /// Largest feed read.
    public static let maximumSize = 256 * 1024 * 1024
    public static let wrapperKeys = ["items", "products", "entries", "records"]

    public init(path: String, format: Format, records: [CatalogRecord], columns: [String] = [], wrapperKey: String? = nil, wrapper: [String: FeedValue] = [:]) {
        self.path = path
        self.format = format
        self.records = records
        self.columns = columns
        self.wrapperKey = wrapperKey
        self.wrapper = wrapper
    }

    public static func load(path: String) throws -> CatalogFeed {
        // FileReader opens without blocking and refuses what is not a regular file: a FIFO named as a
        // feed would otherwise hang the command.
        let bytes: [UInt8]
        do {
            bytes = try FileReader.read(path, maximumSize: maximumSize)
        } catch let error as MediaError where error.code == .limitExceeded {
            throw CatalogError(file: path, reason: "the feed is over the \(maximumSize)-byte limit")
        } catch let error as MediaError {
            throw CatalogError(file: path, reason: "cannot read the feed: \(error.reason)")
        }
        return try parse(bytes, path: path)
    }

    public static func format(path: String, bytes: [UInt8]) -> Format {
        switch (path as NSString).pathExtension.lowercased() {
        case "json": return .json
        case "jsonl", "ndjson": return .jsonl
        case "csv", "tsv", "txt": return .csv
        default:
            let body = withoutByteOrderMark(bytes)
            guard let first = body.first(where: { ![0x20, 0x09, 0x0A, 0x0D].contains($0) }) else { return .csv }
            if first == 0x5B { return .json }
            if first == 0x7B {
                // One object per line is JSON Lines; an object spanning lines is JSON.
                let lines = body.split(separator: 0x0A).filter { !$0.allSatisfy { [0x20, 0x09, 0x0D].contains($0) } }
                if lines.count > 1, (try? JSONSerialization.jsonObject(with: Data(lines[0]))) != nil { return .jsonl }
                return .json
            }
            return .csv
        }
    }

    public static func parse(_ bytes: [UInt8], path: String) throws -> CatalogFeed {
        let format = format(path: path, bytes: bytes)
        let body = withoutByteOrderMark(bytes)
        switch format {
        case .csv:
            let table = try CSVTable.parse(bytes, file: path, delimiter: Self.delimiter(path: path, bytes: bytes))
            let records = table.rows.map { row in
                var fields: [String: FeedValue] = [:]
                for (name, value) in zip(table.header, row.fields) where !name.isEmpty { fields[name] = .string(value) }
                return CatalogRecord(line: row.line, fields: fields)
            }
            var feed = CatalogFeed(path: path, format: .csv, records: records, columns: table.header)
            feed.byteOrderMark = bytes.starts(with: [0xEF, 0xBB, 0xBF])
            feed.delimiter = table.delimiter
            return feed
        case .jsonl:
            var records: [CatalogRecord] = []
            for (number, line) in body.split(separator: 0x0A, omittingEmptySubsequences: false).enumerated() {
                if line.allSatisfy({ [0x20, 0x09, 0x0D].contains($0) }) { continue }
                let value: FeedValue
                do {
                    value = try JSONDecoder().decode(FeedValue.self, from: Data(line))
                } catch {
                    throw CatalogError(file: path, line: number + 1, reason: "the line is not a JSON object: \(Self.describe(error))")
                }
                guard case .object(let fields) = value else {
                    throw CatalogError(file: path, line: number + 1, reason: "the line is JSON but not an object")
                }
                records.append(CatalogRecord(line: number + 1, fields: fields))
            }
            return CatalogFeed(path: path, format: .jsonl, records: records)
        case .json:
            let value: FeedValue
            do {
                value = try JSONDecoder().decode(FeedValue.self, from: Data(body))
            } catch {
                throw CatalogError(file: path, line: Self.lineOfJSONSyntaxError(in: body), reason: "the feed is not valid JSON: \(Self.describe(error))")
            }
            var wrapperKey: String?
            var wrapper: [String: FeedValue] = [:]
            let items: [FeedValue]
            switch value {
            case .array(let array):
                items = array
            case .object(let object):
                guard let key = wrapperKeys.first(where: { if case .array = object[$0] { true } else { false } }),
                    case .array(let array) = object[key]
                else {
                    throw CatalogError(file: path, reason: "the JSON object has no \(wrapperKeys.joined(separator: ", ")) array of records")
                }
                items = array
                wrapperKey = key
                wrapper = object
            default:
                throw CatalogError(file: path, reason: "the JSON feed is neither an array of records nor an object holding one")
            }
            var records: [CatalogRecord] = []
            for (index, item) in items.enumerated() {
                guard case .object(let fields) = item else {
                    throw CatalogError(file: path, line: nil, reason: "record \(index + 1) is not a JSON object")
                }
                records.append(CatalogRecord(line: index + 1, fields: fields))
            }
            return CatalogFeed(path: path, format: .json, records: records, wrapperKey: wrapperKey, wrapper: wrapper)
        }
    }

    /// The feed in its own format, with the records as they are now.
    public func serialized() throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        switch format {
        case .csv:
            var header = columns
            for record in records {
                for name in record.fields.keys.sorted() where !header.contains(name) { header.append(name) }
            }
            let rows = records.map { record in (line: record.line, fields: header.map { record.fields[$0]?.text ?? "" }) }
            return (byteOrderMark ? [0xEF, 0xBB, 0xBF] : []) + Array(CSVTable(header: header, rows: rows, delimiter: delimiter).serialized().utf8)
        case .jsonl:
            var out: [UInt8] = []
            for record in records {
                out += try encoder.encode(FeedValue.object(record.fields))
                out.append(0x0A)
            }
            return out
        case .json:
            encoder.outputFormatting.insert(.prettyPrinted)
            let array = FeedValue.array(records.map { .object($0.fields) })
            var value = array
            if let wrapperKey {
                var object = wrapper
                object[wrapperKey] = array
                value = .object(object)
            }
            return Array(try encoder.encode(value)) + [0x0A]
        }
    }

    /// The bytes after a UTF-8 byte-order mark, if the feed opens with one.
    static func withoutByteOrderMark(_ bytes: [UInt8]) -> ArraySlice<UInt8> {
        bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? bytes.dropFirst(3) : bytes[...]
    }

    /// A tab for `.tsv` and `.txt` feeds, and for a header line with tabs and no commas; else a comma.
    static func delimiter(path: String, bytes: [UInt8]) -> UInt8 {
        if ["tsv", "txt"].contains((path as NSString).pathExtension.lowercased()) { return 0x09 }
        // The header is the first line that is not empty, as CSVTable reads it: empty lines before it are
        // skipped, so judging by the very first line could pick a delimiter the header never uses
        // (found by fuzzing: the feed then changed shape when written back).
        let isLineEnd: (UInt8) -> Bool = { $0 == 0x0A || $0 == 0x0D }
        // A byte-order mark is no part of the first line (found by fuzzing: a BOM, then an empty line).
        let body = withoutByteOrderMark(bytes)
        let header = body.drop { isLineEnd($0) }.prefix { !isLineEnd($0) }
        return header.contains(0x09) && !header.contains(0x2C) ? 0x09 : 0x2C
    }

    static func describe(_ error: any Error) -> String {
        if case DecodingError.dataCorrupted(let context) = error {
            let underlying = (context.underlyingError as NSError?)?.userInfo["NSDebugDescription"] as? String
            return underlying ?? context.debugDescription
        }
        return "\(error)"
    }

    /// The line of the first JSON syntax error in `body`, if it has one. `JSONDecoder` names no position
    /// in its error on Linux, but `JSONSerialization` does ("around character N", a byte offset), so
    /// the bytes are parsed once more with it; this runs only after decoding failed.
    static func lineOfJSONSyntaxError(in body: ArraySlice<UInt8>) -> Int? {
        do {
            _ = try JSONSerialization.jsonObject(with: Data(body), options: [.fragmentsAllowed])
            return nil
        } catch {
            guard let text = (error as NSError).userInfo[NSDebugDescriptionErrorKey] as? String,
                let range = text.range(of: "character ")
            else { return nil }
            let digits = text[range.upperBound...].prefix { $0.isNumber }
            guard let offset = Int(digits), offset <= body.count else { return nil }
            return body.prefix(offset).filter { $0 == 0x0A }.count + 1
        }
    }
}
