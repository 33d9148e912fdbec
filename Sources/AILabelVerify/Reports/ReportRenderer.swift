import AILabelMedia
import AILabelVocabulary
import Foundation

/// The output formats of `verify`.
public enum ReportFormat: String, Sendable, CaseIterable {
    case text, json, jsonl, sarif, junit, html
}

/// A whole verification run, as the reports present it.
public struct VerificationRun: Sendable, Codable {
    public var tool = "ailabel"
    public var version: String
    public var profile: String
    public var profileTitle: String
    public var scan: String
    public var summary: Summary
    public var files: [FileReport]
    /// Files found but not judged (kinds verify does not read), each with the reason.
    public var skipped: [SkippedFile]

    public struct Summary: Sendable, Codable, Hashable {
        public var files: Int
        /// Count per verdict, every verdict listed.
        public var verdicts: [String: Int]
        /// Files of kinds verify does not read, skipped.
        public var skipped: Int
        public var failing: Int
    }

    public init(version: String, profile: Profile, scan: ScanMode, files: [FileReport], skipped: [SkippedFile], failOn: Set<Verdict>) {
        self.version = version
        self.profile = profile.id
        self.profileTitle = profile.title
        self.scan = scan.rawValue
        self.files = files
        self.skipped = skipped
        var verdicts: [String: Int] = [:]
        for verdict in Verdict.allCases { verdicts[verdict.rawValue] = files.filter { $0.verdict == verdict }.count }
        self.summary = Summary(files: files.count, verdicts: verdicts, skipped: skipped.count, failing: files.filter { failOn.contains($0.verdict) }.count)
    }
}

/// Renders a run in each format. Output is deterministic: files sorted by path, keys sorted.
public enum ReportRenderer {
    public static func render(_ run: VerificationRun, as format: ReportFormat, failOn: Set<Verdict>) throws -> String {
        switch format {
        case .text: return text(run)
        case .json: return try json(run, pretty: true)
        case .jsonl:
            let lines = try run.files.map { try json($0, pretty: false) } + run.skipped.map { try json($0, pretty: false) }
            return lines.map { $0 + "\n" }.joined()
        case .sarif: return try SARIFReport.render(run, failOn: failOn)
        case .junit: return JUnitReport.render(run, failOn: failOn)
        case .html: return HTMLReport.render(run, failOn: failOn)
        }
    }

    public static func json<Value: Encodable>(_ value: Value, pretty: Bool) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = pretty ? [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes] : [.sortedKeys, .withoutEscapingSlashes]
        return PathBytes.visibleInJSON(String(decoding: try encoder.encode(value), as: UTF8.self))
    }

    static func text(_ run: VerificationRun) -> String {
        var lines: [String] = []
        let width = max(textWidth, run.files.map(\.verdict.rawValue.count).max() ?? 0)
        for file in run.files { lines += textLines(for: file, width: width) }
        for skipped in run.skipped { lines.append(textLine(skipped: skipped, width: width)) }
        lines += textFooter(profile: run.profile, title: run.profileTitle, summary: run.summary)
        return lines.joined(separator: "\n") + "\n"
    }

    /// The verdict column's width: the longest verdict's name.
    static let textWidth = max(18, Verdict.allCases.map(\.rawValue.count).max() ?? 0)

    /// A file's lines in the text report: verdict and path, then its findings.
    static func textLines(for file: FileReport, width: Int) -> [String] {
        let verdict = file.verdict.rawValue.padding(toLength: width, withPad: " ", startingAt: 0)
        // Names, messages and titles come from files and feeds: shown with their control characters escaped.
        var line = "\(verdict)  \(TerminalText.field(file.path))"
        let evidence = file.aiEvidence.map(\.source.rawValue)
        if !evidence.isEmpty { line += "  [evidence: \(Array(Set(evidence)).sorted().joined(separator: ", "))]" }
        var lines = [line]
        for finding in file.findings where finding.severity != .info {
            lines.append("    \(finding.severity.rawValue): \(TerminalText.field(finding.message))")
        }
        return lines
    }

    static func textLine(skipped: SkippedFile, width: Int) -> String {
        "\("skipped".padding(toLength: width, withPad: " ", startingAt: 0))  \(TerminalText.field(skipped.path)): \(TerminalText.field(skipped.reason))"
    }

    static func textFooter(profile: String, title: String, summary: VerificationRun.Summary) -> [String] {
        [
            "", "profile \(TerminalText.field(profile)): \(TerminalText.field(title))", summaryLine(summary),
            "No AI evidence never proves that a file is human-made: metadata is often stripped.",
        ]
    }

    /// One line with every count: "23 files: 6 compliant, …; 1 skipped".
    public static func summaryLine(_ run: VerificationRun) -> String { summaryLine(run.summary) }

    public static func summaryLine(_ summary: VerificationRun.Summary) -> String {
        let counts = Verdict.allCases.map { "\(summary.verdicts[$0.rawValue] ?? 0) \($0.rawValue)" }.joined(separator: ", ")
        return "\(CountPhrase.of(summary.files, "file")): \(counts); \(summary.skipped) skipped"
    }

    static func escapeXML(_ text: String) -> String { XMLTreeSerializer.escape(text, attribute: true) }
}
