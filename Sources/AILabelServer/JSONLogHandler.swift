import AILabelEngine
import Foundation
import Logging

/// A swift-log handler that writes one JSON object a line to standard error: `time`, `level`, `label`,
/// `message` and the metadata as strings, so a log collector can index them without parsing prose.
public struct JSONLogHandler: LogHandler {
    public var metadata: Logger.Metadata = [:]
    public var logLevel: Logger.Level = .info
    let label: String

    public init(label: String) { self.label = label }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var fields: [String: String] = [:]
        for (key, value) in metadata { fields[key] = "\(value)" }
        for (key, value) in event.metadata ?? [:] { fields[key] = "\(value)" }
        fields["time"] = Self.timestamp()
        fields["level"] = event.level.rawValue
        fields["label"] = label
        fields["message"] = "\(event.message)"
        var line = Self.line(fields)
        // One write(2) a line, so lines from several threads never interleave.
        line.withUTF8 { buffer in _ = write(2, buffer.baseAddress, buffer.count) }
    }

    /// One JSON object on one line, keys sorted, ended by a newline. Written by hand rather than with
    /// JSONSerialization, which cost about 4% of the server's CPU (a log line for every request).
    static func line(_ fields: [String: String]) -> String {
        var line = "{"
        line.reserveCapacity(160)
        for (index, key) in fields.keys.sorted().enumerated() {
            if index > 0 { line += "," }
            appendQuoted(key, to: &line)
            line += ":"
            appendQuoted(fields[key]!, to: &line)
        }
        line += "}\n"
        return line
    }

    /// `text` as a JSON string. Beside what JSON requires (quote, backslash, C0 controls), DEL, the C1
    /// controls and the line and paragraph separators are escaped too, so that a log read on a
    /// terminal shows no control character a client put in a file name or option.
    static func appendQuoted(_ text: String, to line: inout String) {
        line += "\""
        if text.utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7F && $0 != 0x22 && $0 != 0x5C }) {
            line += text
            line += "\""
            return
        }
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": line += "\\\""
            case "\\": line += "\\\\"
            case "\n": line += "\\n"
            case "\r": line += "\\r"
            case "\t": line += "\\t"
            case "\u{00}"..."\u{1F}", "\u{7F}"..."\u{9F}", "\u{2028}", "\u{2029}":
                let hex = String(scalar.value, radix: 16)
                line += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: line.unicodeScalars.append(scalar)
            }
        }
        line += "\""
    }

    /// The time now in UTC, to the millisecond: `2026-01-18T09:00:00.000Z`.
    static func timestamp() -> String {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        var parts = tm()
        var seconds = now.tv_sec
        gmtime_r(&seconds, &parts)
        func digits(_ value: Int, _ count: Int) -> String {
            let text = String(value)
            return String(repeating: "0", count: max(0, count - text.count)) + text
        }
        return digits(Int(parts.tm_year) + 1900, 4) + "-" + digits(Int(parts.tm_mon) + 1, 2) + "-" + digits(Int(parts.tm_mday), 2) + "T"
            + digits(Int(parts.tm_hour), 2) + ":" + digits(Int(parts.tm_min), 2) + ":" + digits(Int(parts.tm_sec), 2) + "."
            + digits(Int(now.tv_nsec / 1_000_000), 3) + "Z"
    }
}

extension LabelServer {
    /// The server's logger: JSON lines on standard error, at `level`.
    public static func makeLogger(level: Logger.Level = .info) -> Logger {
        var logger = Logger(label: "ailabel") { JSONLogHandler(label: $0) }
        logger.logLevel = level
        return logger
    }

    /// What resolving the settings wants said (a key readable by others, no trust list installed), as log lines.
    public static func log(_ notices: [Notice], to logger: Logger) {
        for notice in notices {
            if notice.severity == .warning { logger.warning("\(notice.message)") } else { logger.notice("\(notice.message)") }
        }
    }
}
