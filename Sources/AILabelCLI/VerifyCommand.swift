import AILabelEngine
import AILabelKit
import AILabelManifest
import AILabelMedia
import AILabelNetwork
import AILabelVerify
import AILabelVocabulary
import ArgumentParser
import Foundation

extension ReportFormat: ExpressibleByArgument {}
extension ScanMode: ExpressibleByArgument {}

struct VerifyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Audit media for AI provenance and the disclosure a legal profile demands (kz, eu, cn).",
        discussion: """
            For each file: is there evidence of AI involvement (C2PA, IPTC, TC260, generator traces, watermarks), \
            and if so does it carry the disclosure the profile demands, intact? Verdicts: compliant, \
            missing-disclosure, invalid-disclosure, no-ai-evidence, unreadable. Files of other kinds are skipped \
            and counted. Exit status: 0 when no file's verdict is in --fail-on (default: missing-disclosure, \
            invalid-disclosure, unreadable), 1 otherwise, 64 on bad usage.

            Examples:
              ailabel verify uploads/
              ailabel verify uploads/ --profile cn --format sarif --output ailabel.sarif
              ailabel verify out/ --trust keys/trust-anchors.pem --require-trusted --format junit --output report.xml
              ailabel verify samples/ --format html --output report.html --scan full
              ailabel verify site/ --profile eu            (web pages: .html, .htm)
              ailabel verify --catalog products.csv --mapping mapping.json --format json
            """
    )

    @Argument(help: "Files or folders to audit, or - to read paths from standard input.", completion: .file())
    var paths: [String] = []

    @Option(name: .long, help: "Legal profile: kz (default), eu, cn, or a profile file (JSON).")
    var profile: String?

    @Option(name: .long, help: "Output format: text, json, jsonl, sarif, junit, html.")
    var format: ReportFormat = .text

    @Option(name: .long, help: "Write the report to this file instead of standard output.")
    var output: String?

    @Option(name: .long, parsing: .singleValue, help: "A PEM bundle of C2PA trust anchors (repeatable; or AILABEL_TRUST, or the config's [trust] anchors).")
    var trust: [String] = []

    @Option(name: .customLong("trust-config"), help: "ExtendedKeyUsage OIDs a signer may have besides the defaults, one a line (c2pa-rs's store.cfg form; or the config's [trust] trust_config).")
    var trustConfig: String?

    @Option(name: .customLong("allowed-list"), parsing: .singleValue, help: "A PEM bundle of end-entity certificates trusted as they are (repeatable; or the config's [trust] allowed).")
    var allowedList: [String] = []

    @Flag(name: .customLong("no-default-trust"), help: "Do not trust the C2PA trust lists installed by `ailabel trust update`.")
    var noDefaultTrust = false

    @Flag(name: .customLong("fetch-remote"), help: "Fetch remote C2PA manifests (a file's dcterms:provenance) over HTTPS: 16 MB, 15 s, public hosts only unless --allowed-host.")
    var fetchRemote = false

    @Flag(name: .customLong("ocsp-fetch"), help: "Ask each signer's OCSP responder (named in its certificate) whether it is revoked, when the file staples no response: 64 KB, 10 s, public hosts only unless --allowed-host.")
    var ocspFetch = false

    @Option(name: .customLong("allowed-host"), parsing: .singleValue, help: "With --fetch-remote or --ocsp-fetch: the only hosts fetched and redirected to (repeatable); a host named here may be private or loopback, and plain http.")
    var allowedHost: [String] = []

    @Flag(name: .customLong("require-trusted"), help: "Count a C2PA manifest only when its signer chains to a trust anchor.")
    var requireTrusted = false

    @Option(name: .long, help: "When to run pixel detectors: auto (only where metadata gives no intact disclosure), full, metadata.")
    var scan: ScanMode = .auto

    @Option(name: .long, help: "Files audited in parallel (default: the number of cores).")
    var jobs: Int?

    @Option(name: .customLong("fail-on"), help: "Comma-separated verdicts that make the exit status 1.")
    var failOn: String = "missing-disclosure,invalid-disclosure,unreadable"

    @Option(name: .long, help: "A TOML configuration file ([trust] anchors).")
    var config: String?

    @Flag(name: .customLong("include-hidden"), help: "Also walk hidden files and folders.")
    var includeHidden = false

    @Option(name: .customLong("media-root"), help: "The folder image references in feeds and pages resolve in (default: the feed's or page's own folder); references outside it are findings, never read.")
    var mediaRoot: String?

    @Flag(name: .customLong("follow-symlinks"), help: "Follow symbolic links inside a folder whose targets stay inside that folder (never outside).")
    var followSymlinks = false

    @Flag(name: .customShort("0"), help: "With -: paths on standard input are separated by NUL bytes (find -print0).")
    var nulSeparated = false

    @Option(name: .long, parsing: .singleValue, help: "A product or service feed (JSON, JSON Lines, CSV) to audit record by record (repeatable).")
    var catalog: [String] = []

    @Option(name: .long, help: "A JSON mapping of the feed's fields (id, title, description, images, ai_flag, digital_source_type, phrases); its phrases also count on pages.")
    var mapping: String?

    @Option(name: .long, help: "The one path is the init segment of a fragmented MP4 (CMAF, DASH): check its manifest over the fragments this glob matches in its folder ('seg-*.m4s'); each failing fragment is named.")
    var fragments: String?

    func validate() throws {
        if fragments != nil, paths.count != 1 || paths.first == "-" || !catalog.isEmpty {
            throw ValidationError("--fragments takes exactly one path: the init segment")
        }
        if !allowedHost.isEmpty && !fetchRemote && !ocspFetch { throw ValidationError("--allowed-host goes with --fetch-remote or --ocsp-fetch") }
        guard !paths.isEmpty || !catalog.isEmpty else { throw ValidationError("name at least one file or folder, or - for standard input") }
        if let jobs, jobs < 1 { throw ValidationError("--jobs must be at least 1") }
        _ = try failingVerdicts()
    }

    /// The options as the library's settings (its resolution applies the precedence and the defaults).
    var settings: VerifySettings {
        var settings = VerifySettings()
        settings.profile = profile
        settings.trust = TrustSettings(anchors: trust, extendedKeyUsages: trustConfig, allowedLists: allowedList, defaultLists: !noDefaultTrust)
        settings.requireTrusted = requireTrusted
        settings.scan = scan
        settings.fetchRemote = fetchRemote
        settings.ocspFetch = ocspFetch
        settings.allowedHosts = allowedHost
        settings.thumbnails = format == .html
        return settings
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
        let configuration = try ConfigurationLoader.load(config)
        var resolved = try EngineBridge.resolve { () throws(AILabelError) in try VerifyConfiguration.resolve(settings, configuration: configuration) }
        EngineBridge.say(resolved.notices)
        if let fragments {
            do {
                let set = try FragmentSet.resolve(initSegment: paths[0], pattern: fragments)
                resolved = resolved.with(bmffFragments: set.fragments.map { path in BMFFFragmentSource(name: path) { try FileByteSource(path: path) } })
            } catch let problem as FragmentSet.Problem {
                throw ValidationError(problem.reason)
            }
        }
        let configured = resolved
        let loadedProfile = configured.profile
        let verifier = configured.verifier

        // Catalogue feeds (--catalog) and web pages have verifiers of their own (AILabelVerify/Catalog, /Web).
        let catalogMapping: CatalogMapping
        do {
            catalogMapping = try mapping.map(CatalogMapping.load(path:)) ?? .default
        } catch let error as CatalogError {
            throw ValidationError(error.description)
        }
        let pageVerifier = PageVerifier(verifier: verifier, extraPhrases: catalogMapping.phrases, mediaRoot: mediaRoot)
        let catalogReports = catalog.flatMap { CatalogVerifier(verifier: verifier, mapping: catalogMapping, mediaRoot: mediaRoot).verify(feedPath: $0) }

        let walk = FileWalker(includeHidden: includeHidden, followSymlinks: followSymlinks).walkAll(PathInput.expand(paths, nulSeparated: nulSeparated))
        let (walked, problems) = (walk.files, walk.problems)
        for link in walk.resolvedLinks { StandardError.write("ailabel: \(link.argument) is a symbolic link to \(link.target); verifying \(link.target)") }
        for skip in walk.skipped { StandardError.write("ailabel: warning: \(skip.path): \(skip.reason)") }
        // A path that cannot be walked (a missing argument) is an unreadable record in every format.
        let unwalkable = problems.map { problem in
            FileReport(
                path: problem.path, format: AssetRegistry.standard.format(claimedByPath: problem.path)?.rawValue ?? "unknown", verdict: .unreadable,
                findings: [Finding(code: .fileUnreadable, severity: .error, message: problem.reason)])
        }
        let plan = VerifyPlan(walked, isMedia: VerifyInputs.isMedia)
        // Links not followed, FIFOs, devices and dangling links are listed with the other skipped files.
        let skipped = (plan.other.map { SkippedFile(path: $0.path, reason: SkippedFile.notMediaReason) }
            + walk.skipped.map { SkippedFile(path: $0.path, reason: $0.reason) }).sorted { $0.path < $1.path }
        let media = plan.media + plan.sidecarLabelled

        let bar = ProgressBar(label: "verifying")
        let verifyOne: @Sendable (WalkedFile) -> FileReport = { file in
            // The library's per-file dispatch: pages, kinds labelled by sidecars, media.
            configured.verify(.path(file.path), pages: pageVerifier)
        }
        let orphans = plan.orphans.map { Verifier.orphanedSidecar(path: $0.path) }
        let others = catalogReports + orphans + unwalkable
        let summary: VerificationRun.Summary
        if ReportStream.supports(format) {
            summary = try await streamReport(media: media.sorted { $0.path < $1.path }, others: others, skipped: skipped, profile: loadedProfile, failing: failing, bar: bar, verifyOne)
        } else {
            let reports = await BatchRunner.run(media, jobs: jobs ?? BatchRunner.defaultJobs, progress: { done, total, _ in bar.update(done: done, total: total) }, verifyOne)
            let run = VerificationRun(
                version: AILabelVersion.current, profile: loadedProfile, scan: scan,
                files: (others + reports).sorted { $0.path < $1.path }, skipped: skipped, failOn: failing)
            try deliver(try ReportRenderer.render(run, as: format, failOn: failing), summary: run.summary)
            summary = run.summary
        }
        if summary.failing > 0 || !problems.isEmpty { throw ExitCode(1) }
    }

    /// text, json and jsonl: each report is written when its turn comes (files in path order) and then
    /// dropped, so memory does not grow with the number of files (Benchmarks/verify-memory).
    private func streamReport(
        media: [WalkedFile], others: [FileReport], skipped: [SkippedFile], profile: Profile, failing: Set<Verdict>, bar: ProgressBar,
        _ verifyOne: @escaping @Sendable (WalkedFile) -> FileReport
    ) async throws -> VerificationRun.Summary {
        var file: AtomicFile.Stream?
        if let output {
            do {
                file = try AtomicFile.Stream(path: output)
            } catch let error as MediaError {
                StandardError.write("ailabel: cannot write the report: \(error.description)")
                throw ExitCode(1)
            }
        }
        let sink: (String) -> Void = { [file] text in
            if let file { file.write(text) } else { FileHandle.standardOutput.write(Data(text.utf8)) }
        }
        let stream = ReportStream(format: format, version: AILabelVersion.current, profile: profile, scan: scan, failOn: failing, sink: sink)
        var rest = others.sorted { $0.path < $1.path }[...]
        var finished: [Int: FileReport] = [:]
        var next = 0
        var done = 0
        var streamError: (any Error)?
        func add(_ report: FileReport) {
            do { try stream.add(report) } catch { streamError = streamError ?? error }
        }
        await BatchRunner.forEach(media, jobs: jobs ?? BatchRunner.defaultJobs, handle: { index, report in
            done += 1
            bar.update(done: done, total: media.count)
            finished[index] = report
            while let ready = finished.removeValue(forKey: next) {
                while let other = rest.first, other.path < ready.path {
                    add(other)
                    rest = rest.dropFirst()
                }
                add(ready)
                next += 1
            }
        }, verifyOne)
        for other in rest { add(other) }
        let summary = try stream.finish(skipped: skipped)
        if let streamError { throw streamError }
        if let file, let output {
            do {
                try file.commit()
            } catch let error as MediaError {
                StandardError.write("ailabel: cannot write the report: \(error.description)")
                throw ExitCode(1)
            }
            print("\(ReportRenderer.summaryLine(summary)) → \(output)")
        }
        return summary
    }

    /// Writes a whole rendered report to --output (atomically) or standard output.
    private func deliver(_ rendered: String, summary: VerificationRun.Summary) throws {
        guard let output else {
            print(rendered, terminator: "")
            return
        }
        do {
            try AtomicFile.write(Array(rendered.utf8), to: output)
        } catch let error as MediaError {
            // Not bad usage: the audit ran and its report is lost, a failure (exit 1).
            StandardError.write("ailabel: cannot write the report: \(error.description)")
            throw ExitCode(1)
        }
        // The report is in the file; the terminal gets the counts and where to find it.
        print("\(ReportRenderer.summaryLine(summary)) → \(output)")
    }
}

/// Which walked files verify reads itself (JPEG, PNG, HTML pages); the rest are counted as skipped or
/// read through their sidecars, never called unreadable.
enum VerifyInputs {
    static func isMedia(_ path: String) -> Bool { MediaFile.isMedia(path: path) || PageVerifier.handles(path: path) }
}
