import Foundation

/// A CSV file read by RFC 4180 rules: fields separated by commas (or tabs, for the tab-separated text
/// feeds Google Merchant Center takes), records by CRLF or LF, fields in
/// double quotes may hold commas, line breaks and doubled quotes (`""`). A UTF-8 byte-order mark is
/// dropped. Records remember the line they start on, so errors and reports can name it.
public struct CSVTable: Sendable, Hashable {
    public var header: [String]
    /// Data records (after the header), each with the 1-based line it starts on.
    public var rows: [(line: Int, fields: [String])]
    /// The field separator: `,` or a tab.
    public var delimiter: UInt8

    public init(header: [String], rows: [(line: Int, fields: [String])], delimiter: UInt8 = 0x2C) {
        self.header = header
        self.rows = rows
        self.delimiter = delimiter
    }

    public static func == (lhs: CSVTable, rhs: CSVTable) -> Bool {
        lhs.header == rhs.header && lhs.rows.map(\.line) == rhs.rows.map(\.line) && lhs.rows.map(\.fields) == rhs.rows.map(\.fields)
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(header)
        for row in rows { hasher.combine(row.fields) }
    }

    /// Most records accepted.
    public static let maximumRecords = 1_000_000
    /// Most fields in one record.
    public static let maximumFields = 4_096
    /// Longest field, in bytes.
    public static let maximumFieldSize = 1_048_576

    /// Parses CSV text. `file` names the source in errors.
    public static func parse(_ bytes: [UInt8], file: String, delimiter: UInt8 = 0x2C) throws -> CSVTable {
        var records: [(line: Int, fields: [String])] = []
        var index = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
        var line = 1
        var field: [UInt8] = []
        var fields: [String] = []
        var recordLine = 1
        var inQuotes = false
        var quotedField = false
        var quoteLine = 1

        func fail(_ reason: String, _ at: Int) -> CatalogError { CatalogError(file: file, line: at, reason: reason) }
        func endField() throws {
            guard fields.count < maximumFields else { throw fail("a record has more than \(maximumFields) fields", recordLine) }
            guard let text = String(validating: field, as: UTF8.self) else { throw fail("a field is not valid UTF-8", recordLine) }
            fields.append(text)
            field.removeAll(keepingCapacity: true)
            quotedField = false
        }
        func endRecord() throws {
            let lastFieldQuoted = quotedField
            try endField()
            // A line that is empty (one empty unquoted field) is not a record; `""` is a record.
            if !(fields.count == 1 && fields[0].isEmpty && !lastFieldQuoted) {
                guard records.count < maximumRecords else { throw fail("more than \(maximumRecords) records", recordLine) }
                records.append((recordLine, fields))
            }
            fields.removeAll(keepingCapacity: true)
        }

        while index < bytes.count {
            let byte = bytes[index]
            if inQuotes {
                if byte == 0x22 {
                    if index + 1 < bytes.count && bytes[index + 1] == 0x22 {
                        field.append(0x22)
                        index += 2
                        continue
                    }
                    inQuotes = false
                    index += 1
                    // After a closing quote only a separator, a line break or the end may follow.
                    if index < bytes.count, ![delimiter, 0x0A, 0x0D].contains(bytes[index]) {
                        throw fail("unexpected character after a closing quote", line)
                    }
                    continue
                }
                if byte == 0x0A { line += 1 }
                field.append(byte)
                guard field.count <= maximumFieldSize else { throw fail("a field is longer than \(maximumFieldSize) bytes", quoteLine) }
                index += 1
                continue
            }
            switch byte {
            case delimiter:
                try endField()
            case 0x22 where delimiter == 0x09 && (!field.isEmpty || quotedField):
                // Tab-separated feeds write quotes inside values as they are (trained_algorithmic_media:"Title").
                field.append(byte)
            case 0x22:
                guard field.isEmpty && !quotedField else { throw fail("a quote inside an unquoted field (quote the whole field and double the quote)", line) }
                inQuotes = true
                quotedField = true
                quoteLine = line
            case 0x0D:
                if index + 1 < bytes.count && bytes[index + 1] == 0x0A { index += 1 }
                try endRecord()
                line += 1
                recordLine = line
            case 0x0A:
                try endRecord()
                line += 1
                recordLine = line
            default:
                field.append(byte)
                guard field.count <= maximumFieldSize else { throw fail("a field is longer than \(maximumFieldSize) bytes", line) }
            }
            index += 1
        }
        if inQuotes { throw fail("a quoted field is never closed (it opens here)", quoteLine) }
        if !field.isEmpty || !fields.isEmpty || quotedField { try endRecord() }

        guard let first = records.first else { throw fail("the CSV has no header line", 1) }
        let header = first.fields.map { $0.trimmingCharacters() }
        var seen = Set<String>()
        for name in header where !name.isEmpty {
            guard seen.insert(name).inserted else { throw fail("the header names the column '\(name)' twice", first.line) }
        }
        var rows: [(line: Int, fields: [String])] = []
        for record in records.dropFirst() {
            guard record.fields.count == header.count else {
                throw fail("the record has \(record.fields.count) fields but the header has \(header.count)", record.line)
            }
            rows.append(record)
        }
        return CSVTable(header: header, rows: rows, delimiter: delimiter)
    }

    /// Writes the table as CSV with CRLF line ends, quoting fields that need it.
    public func serialized() -> String {
        let separator = Character(Unicode.Scalar(delimiter))
        var out = ""
        func write(_ fields: [String], isHeader: Bool = false) {
            if fields.count == 1 && fields[0].isEmpty {
                // An empty line is no record when read back; a quoted empty field is one (found by fuzzing).
                out += "\"\"\r\n"
                return
            }
            var cells = fields.map { Self.quote($0, delimiter: separator) }
            // The first bytes of a file are read as more than data, so a header line opening with them
            // has its first field quoted (all found by fuzzing): U+FEFF there is taken for a byte-order
            // mark and dropped, and in a feed with no telling extension, sniffed by its first non-blank
            // byte, `{` or `[` means JSON, even after an empty first field and its separator.
            if isHeader, let first = cells.first, !first.hasPrefix("\"") {
                let line = cells.joined(separator: String(separator))
                let opening = line.unicodeScalars.drop { " \t\r\n".unicodeScalars.contains($0) }.first
                if line.unicodeScalars.first == "\u{FEFF}" || opening == "{" || opening == "[" {
                    cells[0] = "\"" + first.replacingOccurrences(of: "\"", with: "\"\"") + "\""
                }
            }
            out += cells.joined(separator: String(separator))
            out += "\r\n"
        }
        write(header, isHeader: true)
        for row in rows { write(row.fields) }
        return out
    }

    static func quote(_ field: String, delimiter: Character = ",") -> String {
        let separator = delimiter.unicodeScalars.first!
        // Tab-separated feeds keep quotes inside a value as they are; only a leading quote needs quoting.
        let quoteNeedsQuoting = separator != "\t" || field.hasPrefix("\"")
        guard field.unicodeScalars.contains(where: { $0 == separator || ($0 == "\"" && quoteNeedsQuoting) || $0 == "\n" || $0 == "\r" })
            || field.hasPrefix(" ") || field.hasSuffix(" ")
        else { return field }
        return "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
