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
        var object: [String: String] = [:]
        for (key, value) in metadata { object[key] = "\(value)" }
        for (key, value) in event.metadata ?? [:] { object[key] = "\(value)" }
        object["time"] = Self.timestamp()
        object["level"] = event.level.rawValue
        object["label"] = label
        object["message"] = "\(event.message)"
        guard var line = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes]) else { return }
        line.append(0x0A)
        // One write(2) a line, so lines from several threads never interleave.
        line.withUnsafeBytes { buffer in _ = write(2, buffer.baseAddress, buffer.count) }
    }

    static func timestamp() -> String {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        var parts = tm()
        var seconds = now.tv_sec
        gmtime_r(&seconds, &parts)
        return String(
            format: "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", Int(parts.tm_year) + 1900, Int(parts.tm_mon) + 1, Int(parts.tm_mday), Int(parts.tm_hour),
            Int(parts.tm_min), Int(parts.tm_sec), Int(now.tv_nsec / 1_000_000))
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
