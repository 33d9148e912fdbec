import AILabelKit
import AILabelManifest
import AILabelMedia
import AILabelVerify
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

    @Flag(name: .customLong("no-default-trust"), help: "Do not trust the C2PA trust lists installed by `ailabel trust update`.")
    var noDefaultTrust = false

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

    @Option(name: .long, parsing: .singleValue, help: "A product or service feed (JSON, JSON Lines, CSV) to audit record by record (repeatable).")
    var catalog: [String] = []

    @Option(name: .long, help: "A JSON mapping of the feed's fields (id, title, description, images, ai_flag, digital_source_type, phrases); its phrases also count on pages.")
    var mapping: String?

    func validate() throws {
        guard !paths.isEmpty || !catalog.isEmpty else { throw ValidationError("name at least one file or folder, or - for standard input") }
        if let jobs, jobs < 1 { throw ValidationError("--jobs must be at least 1") }
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
        let configuration = try ConfigurationLoader.load(config)
        let loadedProfile: Profile
        do {
            loadedProfile = try Profile.load(profile ?? "kz")
        } catch let error as ProfileError {
            throw ValidationError(error.reason)
        }
        let trustConfiguration = try TrustLoader.load(options: trust, configuration: configuration, defaultLists: !noDefaultTrust)
        let verifier = Verifier(
            options: VerifyOptions(profile: loadedProfile, trust: trustConfiguration, requireTrusted: requireTrusted, scan: scan),
            extraCollectors: PixelCollectors.all(watermarkKey: configuration.watermark?.key.map { Array($0.utf8) }))

        // Catalogue feeds (--catalog) and web pages have verifiers of their own (AILabelVerify/Catalog, /Web).
        let catalogMapping: CatalogMapping
        do {
            catalogMapping = try mapping.map(CatalogMapping.load(path:)) ?? .default
        } catch let error as CatalogError {
            throw ValidationError(error.description)
        }
        let pageVerifier = PageVerifier(verifier: verifier, extraPhrases: catalogMapping.phrases)
        let catalogReports = catalog.flatMap { CatalogVerifier(verifier: verifier, mapping: catalogMapping).verify(feedPath: $0) }
        if format == .jsonl && output == nil {
            for report in catalogReports { if let line = try? ReportRenderer.json(report, pretty: false) { print(line) } }
        }

        let (walked, problems) = FileWalker(includeHidden: includeHidden).walk(PathInput.expand(paths))
        for problem in problems { StandardError.write("ailabel: \(problem.path): \(problem.reason)") }
        let plan = VerifyPlan(walked, isMedia: VerifyInputs.isMedia)
        let skipped = plan.other
        let media = plan.media + plan.sidecarLabelled
        let sidecarLabelled = Set(plan.sidecarLabelled.map(\.path))

        let bar = ProgressBar(label: "verifying")
        let streaming = format == .jsonl && output == nil
        let reports = await BatchRunner.run(media, jobs: jobs ?? BatchRunner.defaultJobs, progress: { done, total, report in
            if streaming, let line = try? ReportRenderer.json(report, pretty: false) { print(line) }
            bar.update(done: done, total: total)
        }) { file in
            sidecarLabelled.contains(file.path) ? verifier.verifyThroughSidecars(path: file.path) : (PageVerifier.handles(path: file.path) ? pageVerifier.verify(path: file.path) : verifier.verify(path: file.path))
        }
        let orphans = plan.orphans.map { Verifier.orphanedSidecar(path: $0.path) }
        let run = VerificationRun(
            version: AILabelVersion.current, profile: loadedProfile, scan: scan, files: (catalogReports + reports + orphans).sorted { $0.path < $1.path },
            skipped: skipped.count, failOn: failing)
        if !streaming {
            let rendered = try ReportRenderer.render(run, as: format, failOn: failing)
            if let output {
                do {
                    try AtomicFile.write(Array(rendered.utf8), to: output)
                } catch let error as MediaError {
                    throw ValidationError("cannot write the report: \(error.description)")
                }
                if format != .text { print(try ReportRenderer.render(run, as: .text, failOn: failing), terminator: "") }
            } else {
                print(rendered, terminator: "")
            }
        }
        if run.summary.failing > 0 || !problems.isEmpty { throw ExitCode(1) }
    }
}

/// Which walked files verify reads itself (JPEG, PNG, HTML pages); the rest are counted as skipped or
/// read through their sidecars, never called unreadable.
enum VerifyInputs {
    static func isMedia(_ path: String) -> Bool { MediaFile.isMedia(path: path) || PageVerifier.handles(path: path) }
}

/// Trust anchors: --trust files, then AILABEL_TRUST (paths separated by ':'), then the config's [trust]
/// table; to these the installed C2PA trust lists are added (claim signers and time-stamp authorities)
/// unless --no-default-trust. Explicit anchors serve signers and time-stamp authorities alike, as in c2pa-rs.
enum TrustLoader {
    static func load(options: [String], configuration: Configuration, defaultLists: Bool = true,
                     store: TrustListStore? = TrustListStore.user()) throws -> TrustConfiguration {
        var paths = options
        if paths.isEmpty, let environment = ProcessInfo.processInfo.environment["AILABEL_TRUST"], !environment.isEmpty {
            paths = environment.split(separator: ":").map(String.init)
        }
        if paths.isEmpty { paths = configuration.trust?.anchors ?? [] }
        var trust = TrustConfiguration.none
        if !paths.isEmpty || configuration.trust?.allowed != nil {
            let pems = try paths.map { try readPEM($0, holding: "trust anchors") }
            let allowed = try configuration.trust?.allowed.map { paths in
                try paths.map { try readPEM($0, holding: "allowed certificates") }.joined(separator: "\n")
            }
            do {
                trust = try TrustConfiguration(anchorPEMs: pems, allowedList: allowed)
            } catch let error as ManifestError {
                throw ValidationError("the trust anchors were refused: \(error.reason)")
            }
            trust.timeStampAnchors += trust.anchors
        }
        guard defaultLists else { return trust }
        do {
            if let installed = try store?.trust() {
                trust.anchors += installed.signers
                trust.timeStampAnchors += installed.timeStampAuthorities
            } else if trust.anchors.isEmpty && trust.allowedCertificateHashes.isEmpty {
                StandardError.write("ailabel: no C2PA trust list is installed, so no signer can be Trusted; install it with `ailabel trust update` (or pass --trust PEM)")
            }
        } catch let error as TrustListError {
            StandardError.write("ailabel: the installed C2PA trust lists are not used: \(error.reason)")
        }
        return trust
    }

    /// A PEM file named on the command line or in the config: unreadable is bad usage (exit 64).
    private static func readPEM(_ path: String, holding what: String) throws -> String {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw ValidationError("cannot read the \(what) in \(path)")
        }
        return text
    }
}
