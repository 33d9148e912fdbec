import AILabelMedia
import Foundation

/// Writes a `text`, `json` or `jsonl` report while files are judged, keeping only counts per file.
///
/// `verify --format json` over 100,000 files used to hold every report, then the whole rendered
/// string, then its bytes (Benchmarks/verify-memory). These three formats put the files before anything
/// that depends on all of them (JSON's keys are sorted: `files` comes before `summary`), so each report
/// is written as soon as it is its turn and then dropped. The bytes are the same as
/// ``ReportRenderer/render(_:as:failOn:)`` gives for the whole run (a test checks it). SARIF, JUnit and
/// HTML put counts before the files and are rendered whole.
public final class ReportStream: @unchecked Sendable {
    public static func supports(_ format: ReportFormat) -> Bool { [.text, .json, .jsonl].contains(format) }

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
    /// The sentinel a whole-run encoding is split around, to write JSON's head and tail exactly as the
    /// encoder would.
    private static let sentinel = "\u{1}ailabel-stream-sentinel\u{1}"

    /// `sink` receives the report's text in order (it is called from one thread at a time).
    public init(format: ReportFormat, version: String, profile: Profile, scan: ScanMode, failOn: Set<Verdict>, sink: @escaping (String) -> Void) {
        precondition(Self.supports(format))
        self.format = format
        self.version = version
        self.profile = profile
        self.scan = scan
        self.failOn = failOn
        self.sink = sink
        for verdict in Verdict.allCases { verdicts[verdict.rawValue] = 0 }
    }

    /// Writes one file's report. Call in path order.
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
                let (head, _) = try Self.split(try run(skipped: []))
                sink(head + object)
            } else {
                sink(",\n" + object)
            }
        default:
            break
        }
        wroteFirst = true
    }

    /// Writes what follows the files (skipped files, the summary) and returns the run's summary.
    @discardableResult
    public func finish(skipped: [SkippedFile]) throws -> VerificationRun.Summary {
        let summary = VerificationRun.Summary(files: count, verdicts: verdicts, skipped: skipped.count, failing: failing)
        switch format {
        case .jsonl:
            for file in skipped { sink(try ReportRenderer.json(file, pretty: false) + "\n") }
        case .text:
            var lines = skipped.map { ReportRenderer.textLine(skipped: $0, width: ReportRenderer.textWidth) }
            lines += ReportRenderer.textFooter(profile: profile.id, title: profile.title, summary: summary)
            sink(lines.joined(separator: "\n") + "\n")
        case .json:
            var run = try run(skipped: skipped)
            run.summary = summary
            if wroteFirst {
                sink(try Self.split(run).tail)
            } else {
                run.files = []
                sink(try ReportRenderer.json(run, pretty: true))
            }
        default:
            break
        }
        return summary
    }

    /// A run holding one sentinel file, to split the encoder's output around.
    private func run(skipped: [SkippedFile]) throws -> VerificationRun {
        VerificationRun(
            version: version, profile: profile, scan: scan, files: [FileReport(path: Self.sentinel, format: "", verdict: .noAIEvidence)],
            skipped: skipped, failOn: failOn)
    }

    /// A file's object as the encoder writes it inside `files`: two levels deeper (empty lines stay empty).
    static func indented(_ object: String) -> String {
        object.split(separator: "\n", omittingEmptySubsequences: false).map { $0.isEmpty ? "" : "    " + $0 }.joined(separator: "\n")
    }

    /// The encoder's text before the sentinel file's object and after it.
    private static func split(_ run: VerificationRun) throws -> (head: String, tail: String) {
        let whole = try ReportRenderer.json(run, pretty: true)
        let object = indented(try ReportRenderer.json(run.files[0], pretty: true))
        guard let range = whole.range(of: object) else {
            throw MediaError.make(.invalidArgument, "the JSON report's layout is not the one the stream writes")
        }
        return (String(whole[..<range.lowerBound]), String(whole[range.upperBound...]))
    }
}
