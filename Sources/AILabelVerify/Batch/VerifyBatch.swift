import AILabelMedia
import Foundation

/// `verify` over a streamed walk: files are pulled from the walk as workers free up, judged `jobs` at a
/// time, and their reports handed to the report in walk order (``OrderedBatch``), so nothing grows with
/// the number of files but the counts.
///
/// With a ``Shard``, only the files whose path (relative to its folder argument) hashes to the shard are
/// judged or listed; with a ``ResumeLog``, files recorded there with the same content are left out, and
/// each new record is appended to the log (with its content's SHA-256) as soon as it is its turn.
public struct VerifyBatch: Sendable {
    public var verifier: Verifier
    public var pageVerifier: PageVerifier
    public var jobs: Int
    public var shard: Shard?
    public var resume: ResumeLog?

    public init(verifier: Verifier, pageVerifier: PageVerifier? = nil, jobs: Int, shard: Shard? = nil, resume: ResumeLog? = nil) {
        self.verifier = verifier
        self.pageVerifier = pageVerifier ?? PageVerifier(verifier: verifier)
        self.jobs = jobs
        self.shard = shard
        self.resume = resume
    }

    /// One entry of the run, in order.
    public enum Entry: Sendable {
        case file(FileReport)
        case skipped(SkippedFile)
    }

    /// What the walk said on the way that is not an entry, for the caller to tell the user.
    public enum Notice: Sendable {
        /// A link named as an argument, and what is verified instead.
        case resolvedLink(FileWalker.ResolvedLink)
        /// An entry left out with a warning (links not followed, FIFOs, devices).
        case warning(FileWalker.Skip)
    }

    public struct Outcome: Sendable {
        /// Entries handed over: judged files (with ``extra``) and skipped files.
        public var files = 0
        public var skipped = 0
        /// Paths that could not be walked (each also an `unreadable` entry): the run fails.
        public var problems = 0
        /// Files left out because the resume log records them with the same content.
        public var alreadyDone = 0
    }

    /// Walks `walk`, judging each file it finds, and hands `entries` each report in walk order, with
    /// `extra` reports (catalogue records) merged in by path. `notice` hears warnings; `progress` is told
    /// how many files were judged so far.
    public func run(
        _ walk: inout FileWalker.Stream, extra: [FileReport] = [], notice: (Notice) -> Void = { _ in },
        progress: (Int) -> Void = { _ in }, entries: (Entry) throws -> Void
    ) async throws -> Outcome {
        var outcome = Outcome()
        var rest = extra.sorted { $0.path < $1.path }[...]
        var failure: (any Error)?
        let pageVerifier = pageVerifier
        let verifier = verifier
        let resume = resume
        func hand(_ entry: Entry) {
            guard failure == nil else { return }
            do {
                if case .file(let report) = entry {
                    while let other = rest.first, other.path < report.path {
                        try entries(.file(other))
                        outcome.files += 1
                        rest = rest.dropFirst()
                    }
                    outcome.files += 1
                    progress(outcome.files)
                } else {
                    outcome.skipped += 1
                }
                try entries(entry)
                if let resume {
                    switch entry {
                    case .file(let report): try resume.append(ReportRenderer.json(report, pretty: false))
                    case .skipped(let file): try resume.append(ReportRenderer.json(file, pretty: false))
                    }
                }
            } catch {
                failure = error
            }
        }
        await OrderedBatch.run(
            jobs: jobs,
            next: { nextStep(&walk, outcome: &outcome, notice: notice) },
            handle: hand
        ) { (work: Work) -> Entry in
            var report: FileReport
            switch work.kind {
            case .sidecarLabelled: report = verifier.verifyThroughSidecars(path: work.file.path)
            case .page: report = pageVerifier.verify(path: work.file.path)
            case .media: report = verifier.verify(path: work.file.path)
            }
            if resume != nil, let hash = work.contentHash ?? ResumeLog.contentHash(of: work.file) { report.sha256 = ResumeLog.hex(hash) }
            return .file(report)
        }
        while failure == nil, let other = rest.first {
            rest = rest.dropFirst()
            hand(.file(other))
        }
        if let failure { throw failure }
        try resume?.sync()
        return outcome
    }

    /// A file to judge, and how.
    struct Work: Sendable {
        enum Kind: Sendable { case media, page, sidecarLabelled }
        var file: WalkedFile
        var kind: Kind
        /// Computed while deciding whether a resumed run had it already.
        var contentHash: [UInt8]?
    }

    /// The walk's next entry as a step: a file to judge, or an entry with its answer already (skipped, unreadable).
    private func nextStep(_ walk: inout FileWalker.Stream, outcome: inout Outcome, notice: (Notice) -> Void) -> OrderedBatch.Step<Work, Entry>? {
        while let event = walk.next() {
            switch event {
            case .resolvedLink(let link):
                notice(.resolvedLink(link))
            case .skip(let skip):
                guard belongs(path: skip.path, root: walk.currentRoot) else { continue }
                notice(.warning(skip))
                if resume?.isRecordedSkipped(path: skip.path) == true { continue }
                return .ready(.skipped(SkippedFile(path: skip.path, reason: skip.reason)))
            case .problem(let problem):
                guard belongs(path: problem.path, root: walk.currentRoot) else { continue }
                outcome.problems += 1
                // A path that cannot be walked (a missing argument) is an unreadable record in every format.
                return .ready(.file(FileReport(
                    path: problem.path, format: AssetRegistry.standard.format(claimedByPath: problem.path)?.rawValue ?? "unknown",
                    verdict: .unreadable, findings: [Finding(code: .fileUnreadable, severity: .error, message: problem.reason)])))
            case .file(let file):
                if let shard, !shard.contains(file) { continue }
                let kind: Work.Kind
                switch VerifyPlan.classify(file, isMedia: VerifyBatch.isMedia) {
                case .sidecar: continue
                case .orphan: return .ready(.file(Verifier.orphanedSidecar(path: file.path)))
                case .other:
                    // A container that cannot embed a label (WebM, Ogg, raw AAC, MPEG-TS) gets a record saying so;
                    // in a folder, a document without its sidecars is skipped, not called unreadable.
                    let input = NonMediaInput.classify(name: file.path, head: FileReader.head(file.path, count: SidecarOnlyContainer.sniffLength))
                    if case .sidecarOnlyContainer = input, let report = input.report(path: file.path) { return .ready(.file(report)) }
                    if resume?.isRecordedSkipped(path: file.path) == true { continue }
                    return .ready(.skipped(SkippedFile(path: file.path, reason: SkippedFile.notMediaReason)))
                case .sidecarLabelled: kind = .sidecarLabelled
                case .media: kind = PageVerifier.handles(path: file.path) ? .page : .media
                }
                var hash: [UInt8]?
                if let resume, resume.isDone(path: file.path, contentHash: {
                    hash = ResumeLog.contentHash(of: file)
                    return hash
                }) {
                    outcome.alreadyDone += 1
                    continue
                }
                return .work(Work(file: file, kind: kind, contentHash: hash))
            }
        }
        return nil
    }

    /// Whether an entry the walk reported by path (a skip, a problem) is this shard's.
    private func belongs(path: String, root: String?) -> Bool {
        guard let shard else { return true }
        return shard.contains(relativePath: Shard.key(path: path, root: root))
    }

    /// Which walked files verify reads itself (media ailabel parses, HTML pages); the rest are counted as
    /// skipped or read through their sidecars, never called unreadable.
    public static func isMedia(_ path: String) -> Bool { MediaFile.isMedia(path: path) || PageVerifier.handles(path: path) }
}

extension VerifyBatch {
    /// Runs the batch into a report of `format` written to `sink` as it goes (every format but HTML is
    /// streamed, see ``ReportStream``; HTML, with a thumbnail per image, is rendered at the end).
    public func report(
        _ walk: inout FileWalker.Stream, extra: [FileReport] = [], format: ReportFormat, version: String, profile: Profile,
        failOn: Set<Verdict>, sink: @escaping (String) -> Void, notice: (Notice) -> Void = { _ in }, progress: (Int) -> Void = { _ in }
    ) async throws -> (summary: VerificationRun.Summary, outcome: Outcome) {
        let scan = verifier.options.scan
        if ReportStream.supports(format) {
            let stream = ReportStream(format: format, version: version, profile: profile, scan: scan, failOn: failOn, sink: sink)
            let outcome = try await run(&walk, extra: extra, notice: notice, progress: progress) { entry in
                switch entry {
                case .file(let report): try stream.add(report)
                case .skipped(let file): try stream.skip(file)
                }
            }
            return (try stream.finish(), outcome)
        }
        var files: [FileReport] = []
        var skipped: [SkippedFile] = []
        let outcome = try await run(&walk, extra: extra, notice: notice, progress: progress) { entry in
            switch entry {
            case .file(let report): files.append(report)
            case .skipped(let file): skipped.append(file)
            }
        }
        let run = VerificationRun(version: version, profile: profile, scan: scan, files: files, skipped: skipped, failOn: failOn)
        sink(try ReportRenderer.render(run, as: format, failOn: failOn))
        return (run.summary, outcome)
    }
}
