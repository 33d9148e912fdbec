import AILabelMedia
import Foundation

/// `stamp` over many files: `jobs` files stamped at once, the results written with a ``GroupCommit`` so a
/// batch pays a few flushes instead of one per file, and the results in input order.
///
/// Crash safety is the single write's: after a crash every output is its old self (or absent) or its
/// complete stamped version. What a killed run left (`.ailabel-tmp-*` files) is removed from every
/// output folder before anything is written, so the next run cleans up and finishes the batch.
public struct StampBatch: Sendable {
    public var stamper: Stamper
    /// Labels the files `stamper` cannot embed into, and every file when ``sidecarOnly``.
    public var sidecarStamper: SidecarStamper
    public var sidecarOnly: Bool
    public var mapping: OutputMapping
    public var jobs: Int
    public var limits: GroupCommit.Limits
    public var flush: GroupCommit.Flush

    public init(
        stamper: Stamper, sidecarStamper: SidecarStamper, sidecarOnly: Bool = false, mapping: OutputMapping, jobs: Int,
        limits: GroupCommit.Limits = .standard, flush: GroupCommit.Flush = .fileSystem
    ) {
        self.stamper = stamper
        self.sidecarStamper = sidecarStamper
        self.sidecarOnly = sidecarOnly
        self.mapping = mapping
        self.jobs = jobs
        self.limits = limits
        self.flush = flush
    }

    /// One file's result and, when its bytes were staged, the ticket its commit outcome is filed under.
    struct Staged: Sendable {
        var result: StampResult
        var ticket: GroupCommit.Ticket?
    }

    /// Stamps `files`; a failure is a result, never a thrown error, so one bad file never stops the batch.
    /// `progress` is called as each file is stamped and staged (its commit may still fail; the returned
    /// results say so).
    public func run(_ files: [WalkedFile], progress: (@Sendable (_ done: Int, _ total: Int) -> Void)? = nil) async -> [StampResult] {
        // A killed run's temporary files are debris, not inputs (they are walked only with --include-hidden).
        let files = files.filter { !($0.path as NSString).lastPathComponent.hasPrefix(AtomicFile.temporaryPrefix) }
        if !stamper.dryRun { removeStaleTemporaryFiles(for: files) }
        let group = GroupCommit(limits: limits, flush: flush)
        let staged = await BatchRunner.run(files, jobs: jobs, progress: { done, total, _ in progress?(done, total) }) { [self] file in
            let output = mapping.output(for: file)
            if sidecarOnly || !MediaFile.isMedia(path: file.path) {
                return Staged(result: sidecarStamper.stamp(input: file.path, output: output))
            }
            var ticket: GroupCommit.Ticket?
            let result = stamper.stamp(input: file.path, output: output) { bytes in ticket = try group.stage(bytes, to: output) }
            return Staged(result: result, ticket: ticket)
        }
        let failures = group.finish()
        return staged.map { entry in
            guard let ticket = entry.ticket, let error = failures[ticket] else { return entry.result }
            var result = entry.result
            result.status = .failed
            result.error = error.reason
            return result
        }
    }

    /// Removes `.ailabel-tmp-*` files from every folder this batch writes to. It runs before the first
    /// write, since afterwards the batch's own temporary files would be among them.
    func removeStaleTemporaryFiles(for files: [WalkedFile]) {
        let folders = Set(files.map { AtomicFile.directory(of: mapping.output(for: $0)) })
        for folder in folders.sorted() { AtomicFile.removeStaleTemporaryFiles(in: folder) }
    }
}

extension StampBatch.Staged {
    init(result: StampResult) {
        self.init(result: result, ticket: nil)
    }
}
