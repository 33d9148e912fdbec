import AILabelMedia
import Foundation

/// Writes a report while files are judged, keeping counts and nothing per file in memory.
///
/// `verify --format json` over 100,000 files used to hold every report, then the whole rendered string,
/// then its bytes (Benchmarks/verify-memory). Text, JSON and JSON Lines put the files before anything that
/// depends on all of them (JSON's keys are sorted: `files` comes before `summary`), so each file's report
/// is written as soon as it is its turn and dropped. Skipped files come after the files in every format,
/// and SARIF and JUnit put counts (or skipped files) before the files: what must wait is kept rendered in
/// a ``TextSpool`` (a temporary file past a few thousand entries) and written at ``finish()``. The bytes are
/// the same as ``ReportRenderer/render(_:as:failOn:)`` gives for the whole run (a test checks it). HTML,
/// which carries a thumbnail per image, is rendered whole.
public final class ReportStream: @unchecked Sendable {
    public static func supports(_ format: ReportFormat) -> Bool { format != .html }

    let format: ReportFormat
    let version: String
    let profile: Profile
    let scan: ScanMode
    let failOn: Set<Verdict>
    let sink: (String) -> Void
    private(set) var verdicts: [String: Int] = [:]
    private(set) var count = 0
    private(set) var failing = 0
    private var wroteFirst = false
    /// Rendered pieces that wait for the end: skipped files in every format, SARIF's results and JUnit's test cases.
    private let skippedSpool: TextSpool
    private let fileSpool: TextSpool
    /// The sentinel a whole-run encoding is split around, to write JSON's head and tail exactly as the
    /// encoder would.
    private static let sentinel = "\u{1}ailabel-stream-sentinel\u{1}"

    /// `sink` receives the report's text in order (it is called from one thread at a time).
    /// `spoolMemoryLimit`: pieces held in memory before the spools move to a temporary file.
    public init(
        format: ReportFormat, version: String, profile: Profile, scan: ScanMode, failOn: Set<Verdict>, spoolMemoryLimit: Int = 4096,
        sink: @escaping (String) -> Void
    ) {
        precondition(Self.supports(format))
        self.format = format
        self.version = version
        self.profile = profile
        self.scan = scan
        self.failOn = failOn
        self.sink = sink
        skippedSpool = TextSpool(memoryLimit: spoolMemoryLimit)
        fileSpool = TextSpool(memoryLimit: spoolMemoryLimit)
        for verdict in Verdict.allCases { verdicts[verdict.rawValue] = 0 }
    }

    /// Writes (or, for SARIF and JUnit, keeps) one file's report. Call in path order.
    public func add(_ report: FileReport) throws {
        count += 1
        verdicts[report.verdict.rawValue, default: 0] += 1
        if failOn.contains(report.verdict) { failing += 1 }
        switch format {
        case .jsonl:
            sink(try ReportRenderer.json(report, pretty: false) + "\n")
        case .text:
            sink(ReportRenderer.textLines(for: report, width: ReportRenderer.textWidth).joined(separator: "\n") + "\n")
        case .json:
            let object = Self.indented(try ReportRenderer.json(report, pretty: true))
            if !wroteFirst {
                let (head, _) = try Self.split(try ReportRenderer.json(run(files: 1, skipped: 0), pretty: true), around: Self.sentinelFileJSON)
                sink(head + object)
            } else {
                sink(",\n" + object)
            }
        case .sarif:
            if let result = SARIFReport.result(for: report, failOn: failOn) { fileSpool.append(try SARIFReport.render(result)) }
        case .junit:
            fileSpool.append(JUnitReport.testCase(report, profile: profile.id, failOn: failOn))
        case .html:
            break
        }
        wroteFirst = true
    }

    /// Keeps a skipped file for the end of the report. Call in path order.
    public func skip(_ file: SkippedFile) throws {
        switch format {
        case .jsonl: skippedSpool.append(try ReportRenderer.json(file, pretty: false) + "\n")
        case .text: skippedSpool.append(ReportRenderer.textLine(skipped: file, width: ReportRenderer.textWidth))
        case .json: skippedSpool.append(Self.indented(try ReportRenderer.json(file, pretty: true)))
        case .sarif: skippedSpool.append(try SARIFReport.render(SARIFReport.notification(for: file)))
        case .junit: skippedSpool.append(JUnitReport.testCase(file, profile: profile.id))
        case .html: break
        }
    }

    /// Writes what follows the files (skipped files, the summary) and returns the run's summary.
    @discardableResult
    public func finish(skipped: [SkippedFile]) throws -> VerificationRun.Summary {
        for file in skipped { try skip(file) }
        return try finish()
    }

    /// Writes what waited for the end (skipped files, counts, the summary) and returns the run's summary.
    @discardableResult
    public func finish() throws -> VerificationRun.Summary {
        let summary = VerificationRun.Summary(files: count, verdicts: verdicts, skipped: skippedSpool.count, failing: failing)
        switch format {
        case .jsonl:
            try skippedSpool.forEach(sink)
        case .text:
            try skippedSpool.forEach { sink($0 + "\n") }
            sink((ReportRenderer.textFooter(profile: profile.id, title: profile.title, summary: summary)).joined(separator: "\n") + "\n")
        case .json:
            var run = run(files: wroteFirst ? 1 : 0, skipped: skippedSpool.isEmpty ? 0 : 1)
            run.summary = summary
            var rest = try ReportRenderer.json(run, pretty: true)
            if wroteFirst { rest = try Self.split(rest, around: Self.sentinelFileJSON).tail }
            try writeSpliced(rest, spool: skippedSpool, sentinel: try Self.indented(ReportRenderer.json(Self.sentinelSkipped, pretty: true)), separator: ",\n")
        case .sarif:
            let document = SARIFReport.document(
                version: version, profile: profile.id, failOn: failOn,
                results: fileSpool.isEmpty ? [] : [Self.sentinelSARIF], notifications: skippedSpool.isEmpty ? [] : [Self.sentinelSARIF])
            let whole = try SARIFReport.render(document)
            let sentinel = try SARIFReport.render(Self.sentinelSARIF)
            // Notifications (skipped files) come before results in SARIF's sorted keys.
            var rest = whole
            if !skippedSpool.isEmpty {
                let (head, tail) = try Self.splitIndented(rest, around: sentinel)
                sink(head.text)
                try Self.writeJoined(skippedSpool, indent: head.indent, separator: ",\n", sink)
                rest = tail
            }
            if !fileSpool.isEmpty {
                let (head, tail) = try Self.splitIndented(rest, around: sentinel)
                sink(head.text)
                try Self.writeJoined(fileSpool, indent: head.indent, separator: ",\n", sink)
                rest = tail
            }
            sink(rest)
        case .junit:
            sink(JUnitReport.header(profile: profile.id, files: count, failures: failing, skipped: skippedSpool.count))
            try fileSpool.forEach(sink)
            try skippedSpool.forEach(sink)
            sink(JUnitReport.footer)
        case .html:
            break
        }
        return summary
    }

    /// Writes `text` with the spool's pieces (joined by `separator`) where `sentinel` stands, or `text`
    /// alone when the spool is empty.
    private func writeSpliced(_ text: String, spool: TextSpool, sentinel: String, separator: String) throws {
        guard !spool.isEmpty else { return sink(text) }
        let (head, tail) = try Self.split(text, around: sentinel)
        sink(head)
        var first = true
        try spool.forEach { piece in
            sink(first ? piece : separator + piece)
            first = false
        }
        sink(tail)
    }

    /// A run with `files` and `skipped` stand-ins (0 or 1 each), to split the encoder's output around.
    private func run(files: Int, skipped: Int) -> VerificationRun {
        VerificationRun(
            version: version, profile: profile, scan: scan, files: files == 0 ? [] : [Self.sentinelFile],
            skipped: skipped == 0 ? [] : [Self.sentinelSkipped], failOn: failOn)
    }

    private static let sentinelFile = FileReport(path: sentinel, format: "", verdict: .noAIEvidence)
    private static let sentinelSkipped = SkippedFile(path: sentinel, reason: "")
    private static var sentinelFileJSON: String { (try? indented(ReportRenderer.json(sentinelFile, pretty: true))) ?? sentinel }
    private static var sentinelSARIF: [String: Any] { ["sentinel": sentinel] }

    /// A file's object as the encoder writes it inside `files`: two levels deeper (empty lines stay empty).
    static func indented(_ object: String, by indent: String = "    ") -> String {
        object.split(separator: "\n", omittingEmptySubsequences: false).map { $0.isEmpty ? "" : indent + $0 }.joined(separator: "\n")
    }

    /// The text before `piece` and after it.
    private static func split(_ whole: String, around piece: String) throws -> (head: String, tail: String) {
        guard let range = whole.range(of: piece) else {
            throw MediaError.make(.invalidArgument, "the report's layout is not the one the stream writes")
        }
        return (String(whole[..<range.lowerBound]), String(whole[range.upperBound...]))
    }

    /// Like ``split(_:around:)`` for a piece rendered on its own (ending in a newline) and found in `whole`
    /// indented by some depth: the head, the indent, and the tail.
    private static func splitIndented(_ whole: String, around piece: String) throws -> (head: (text: String, indent: String), tail: String) {
        let bare = piece.hasSuffix("\n") ? String(piece.dropLast()) : piece
        // The first occurrence at any depth (a shallower stand-in may come later in the text).
        var first: (range: Range<String.Index>, indent: String)?
        for depth in stride(from: 0, through: 32, by: 2) {
            let indent = String(repeating: " ", count: depth)
            if let range = whole.range(of: indented(bare, by: indent)), first == nil || range.lowerBound < first!.range.lowerBound {
                first = (range, indent)
            }
        }
        guard let first else { throw MediaError.make(.invalidArgument, "the report's layout is not the one the stream writes") }
        return ((String(whole[..<first.range.lowerBound]), first.indent), String(whole[first.range.upperBound...]))
    }

    /// Pieces rendered on their own (each ending in a newline), indented and joined as an array's elements.
    private static func writeJoined(_ spool: TextSpool, indent: String, separator: String, _ sink: (String) -> Void) throws {
        var first = true
        try spool.forEach { piece in
            let bare = piece.hasSuffix("\n") ? String(piece.dropLast()) : piece
            sink((first ? "" : separator) + indented(bare, by: indent))
            first = false
        }
    }
}
