@_spi(Tools) import AILabelEngine
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

    @Option(name: .long, help: "Verify only shard I of N (I from 0 to N-1): the files whose path relative to its folder argument hashes to I, so N machines split one tree.")
    var shard: String?

    @Option(name: .long, help: "A JSON Lines results file: skip files recorded there with the same content (SHA-256), append the new records to it.")
    var resume: String?

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
        if let shard, Shard(parsing: shard) == nil { throw ValidationError("--shard takes I/N with 0 ≤ I < N, e.g. 0/4 (got '\(shard)')") }
        if let resume, let output, resume == output || OutputPlacement.sameFile(resume, output) {
            throw ValidationError("--output \(output) is the --resume results file; the records are appended there, give the report another file")
        }
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
        FreedMemory.keepForReuse()
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

        var resumeLog: ResumeLog?
        if let resume {
            do {
                resumeLog = try ResumeLog(path: resume)
            } catch let error as MediaError {
                StandardError.write("ailabel: \(error.description)")
                throw ExitCode(64)
            }
            if let ignored = resumeLog?.ignoredLines, ignored > 0 {
                StandardError.write("ailabel: warning: \(resume): \(ignored) damaged line\(ignored == 1 ? "" : "s") ignored; their files are verified again")
            }
        }
        let batch = VerifyBatch(
            verifier: verifier, pageVerifier: pageVerifier, jobs: jobs ?? BatchRunner.defaultJobs, shard: shard.flatMap(Shard.init(parsing:)),
            resume: resumeLog)
        // Walked as it goes: paths from standard input in their order, arguments in path order.
        var walk = FileWalker(includeHidden: includeHidden, followSymlinks: followSymlinks).stream(
            PathInput.stream(paths, nulSeparated: nulSeparated), sortArguments: !paths.contains("-"))
        // With --resume the records go to the results file; the report on standard output (or --output) is the run's own.
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
        let bar = ProgressBar(label: "verifying")
        let (summary, outcome) = try await batch.report(
            &walk, extra: catalogReports, format: format, version: AILabelVersion.current, profile: loadedProfile, failOn: failing,
            sink: sink,
            notice: { notice in
                switch notice {
                case .resolvedLink(let link): StandardError.write("ailabel: \(link.argument) is a symbolic link to \(link.target); verifying \(link.target)")
                case .warning(let skip): StandardError.write("ailabel: warning: \(skip.path): \(skip.reason)")
                }
            },
            progress: { bar.update(done: $0) })
        bar.finish()
        if let file, let output {
            do {
                try file.commit()
            } catch let error as MediaError {
                StandardError.write("ailabel: cannot write the report: \(error.description)")
                throw ExitCode(1)
            }
            print("\(ReportRenderer.summaryLine(summary)) → \(output)")
        }
        if let resume, outcome.alreadyDone > 0 {
            StandardError.write("ailabel: \(outcome.alreadyDone) file\(outcome.alreadyDone == 1 ? "" : "s") already recorded in \(resume) with the same content; not verified again")
        }
        if summary.failing > 0 || outcome.problems > 0 { throw ExitCode(1) }
    }
}
