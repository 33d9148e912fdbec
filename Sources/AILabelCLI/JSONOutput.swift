import AILabelMedia
import Foundation

/// JSON as ailabel prints it: keys sorted, so output is stable for machines and golden files.
enum JSONOutput {
    static func encode<Value: Encodable>(_ value: Value, pretty: Bool = true) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = pretty ? [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes] : [.sortedKeys, .withoutEscapingSlashes]
        return PathBytes.visibleInJSON(String(decoding: try encoder.encode(value), as: UTF8.self))
    }
}

/// Writes to standard error (diagnostics never go to stdout, which carries results).
enum StandardError {
    static func write(_ text: String) {
        FileHandle.standardError.write(Data((TerminalText.lines(text) + "\n").utf8))
    }
}
