import AILabelMedia
import AILabelVerify
import ArgumentParser
import Foundation

struct ReportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Work with verify's JSON Lines results.",
        subcommands: [ReportMergeCommand.self]
    )
}

struct ReportMergeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "merge",
        abstract: "One report from the JSON Lines results of many verify runs (shards, resumed runs).",
        discussion: """
            Reads the records of `verify --format jsonl` (or a --resume results file) from each RESULTS file and \
            writes the report a single run over all the files writes: files and skipped files sorted by path; \
            where several records name one path, the last one read wins. Give the same --profile, --scan and \
            --fail-on as the runs had. Lines that are not records (a torn last line) are left out with a warning. \
            Exit status: as verify's, from the merged verdicts.

            Examples:
              ailabel verify archive/ --shard 0/2 --format jsonl --output shard-0.jsonl
              ailabel verify archive/ --shard 1/2 --format jsonl --output shard-1.jsonl
              ailabel report merge shard-*.jsonl --format sarif --output ailabel.sarif
            """
    )

    @Argument(help: "JSON Lines results files.", completion: .file())
    var results: [String] = []

    @Option(name: .long, help: "Output format: text, json, jsonl, sarif, junit, html.")
    var format: ReportFormat = .text

    @Option(name: .long, help: "Write the report to this file instead of standard output.")
    var output: String?

    @Option(name: .long, help: "The legal profile the runs used: kz (default), eu, cn, or a profile file (JSON).")
    var profile: String?

    @Option(name: .long, help: "The --scan the runs used (the reports name it): auto, full, metadata.")
    var scan: ScanMode = .auto

    @Option(name: .customLong("fail-on"), help: "Comma-separated verdicts that make the exit status 1.")
    var failOn: String = "missing-disclosure,invalid-disclosure,unreadable"

    func validate() throws {
        guard !results.isEmpty else { throw ValidationError("name at least one results file") }
        _ = try failingVerdicts()
    }

    func failingVerdicts() throws -> Set<Verdict> {
        var verdicts = Set<Verdict>()
        for name in failOn.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) where !name.isEmpty {
            guard let verdict = Verdict(rawValue: name) else {
                throw ValidationError("--fail-on: unknown verdict '\(name)'; use \(Verdict.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            verdicts.insert(verdict)
        }
        return verdicts
    }

    func run() async throws {
        let failing = try failingVerdicts()
        let loadedProfile: Profile
        do {
            loadedProfile = try Profile.load(profile ?? "kz")
        } catch let error as ProfileError {
            throw ValidationError(error.reason)
        }
        var merge = ReportMerge()
        for path in results {
            do {
                try merge.add(path: path)
            } catch let error as MediaError {
                StandardError.write("ailabel: \(error.description)")
                throw ExitCode(1)
            }
        }
        for (path, count) in merge.ignoredLines.sorted(by: { $0.key < $1.key }) {
            StandardError.write("ailabel: warning: \(path): \(count) line\(count == 1 ? "" : "s") that \(count == 1 ? "is" : "are") not a record, left out")
        }
        var run = merge.run(version: AILabelVersion.current, profile: loadedProfile, scan: scan, failOn: failing)
        if format == .html {
            // Records carry no pixels: the thumbnails come from the files, where this machine can read them
            // (an archive mounted at the same path as on the machines that verified it).
            for index in run.files.indices where run.files[index].thumbnail == nil {
                run.files[index].thumbnail = Thumbnail.make(ofFileAt: run.files[index].path)
            }
        }
        let rendered = try ReportRenderer.render(run, as: format, failOn: failing)
        if let output {
            do {
                try AtomicFile.write(Array(rendered.utf8), to: output)
            } catch let error as MediaError {
                StandardError.write("ailabel: cannot write the report: \(error.description)")
                throw ExitCode(1)
            }
            print("\(ReportRenderer.summaryLine(run)) → \(output)")
        } else {
            print(rendered, terminator: "")
        }
        if run.summary.failing > 0 { throw ExitCode(1) }
    }
}
