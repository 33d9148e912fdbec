import AILabelMedia
import AILabelVocabulary
import Foundation

/// `stamp` over many files: `jobs` files stamped at once, the results written with a ``GroupCommit`` so a
/// batch pays a few flushes instead of one per file, and the results in input order.
///
/// Crash safety is the single write's: after a crash every output is its old self (or absent) or its
/// complete stamped version. What a killed run left (`.ailabel-tmp-*` files whose process is gone) is
/// removed from every output folder before anything is written, so the next run cleans up and finishes
/// the batch.
///
/// File-system safety (Docs/hardening.md, "File-system safety"): every read and write goes through a
/// ``ConfinedPath`` (no link below a walked or output folder is followed); outputs keep the source's mode,
/// owner and extended attributes; only documented kinds are labelled, and key and certificate files are
/// never copied; read-only files are skipped unless ``force``; each output folder is locked for the run,
/// so two runs over one folder take turns, and the second finds the files already stamped.
public struct StampBatch: Sendable {
    public var stamper: Stamper
    /// Labels the files `stamper` cannot embed into, and every file when ``sidecarOnly``.
    public var sidecarStamper: SidecarStamper
    public var sidecarOnly: Bool
    /// Give sidecars to files of every kind, not only the documented ones (key and certificate files never).
    public var sidecarAll: Bool
    /// Rewrite files whose mode makes them read-only.
    public var force: Bool
    public var mapping: OutputMapping
    public var jobs: Int
    public var limits: GroupCommit.Limits
    public var flush: GroupCommit.Flush
    /// Told the folder when another run holds its lock and this one waits for it.
    public var waitNotice: (@Sendable (String) -> Void)?
    /// A streamed run's share of the walk (`--shard I/N`): the files whose path relative to its folder
    /// argument hashes to it; nil for all.
    public var shard: Shard?

    public init(
        stamper: Stamper, sidecarStamper: SidecarStamper, sidecarOnly: Bool = false, sidecarAll: Bool = false, force: Bool = false,
        mapping: OutputMapping, jobs: Int, limits: GroupCommit.Limits = .standard, flush: GroupCommit.Flush = .fileSystem
    ) {
        self.stamper = stamper
        self.sidecarStamper = sidecarStamper
        self.sidecarOnly = sidecarOnly
        self.sidecarAll = sidecarAll
        self.force = force
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

    /// Inputs that would be written to one output path (`a/x.jpg` and `b/x.jpg` under one `--out`): an
    /// error before anything is written, since one would silently replace the other.
    public func collisions(_ files: [WalkedFile]) -> [(output: String, inputs: [String])] {
        var byOutput: [String: [String]] = [:]
        for file in files where kind(of: file) != .excluded {
            let output = mapping.output(for: file)
            byOutput[output, default: []].append(file.path)
            // A labelled copy's sidecars are outputs too: `x.pdf`'s `x.pdf.xmp` must not meet a file so named.
            if kind(of: file) == .sidecar {
                byOutput[SidecarFormat.xmpPath(for: output), default: []].append(file.path)
            }
        }
        return byOutput.filter { $0.value.count > 1 }.map { ($0.key, $0.value.sorted()) }.sorted { $0.output < $1.output }
    }

    /// Stamps `files`; a failure is a result, never a thrown error, so one bad file never stops the batch.
    /// `progress` is called as each file is stamped and staged (its commit may still fail; the returned
    /// results say so).
    public func run(_ files: [WalkedFile], progress: (@Sendable (_ done: Int, _ total: Int) -> Void)? = nil) async -> [StampResult] {
        var cleaned = Set<String>()
        return await run(files, cleaned: &cleaned, progress: progress)
    }

    /// ``run(_:progress:)``, where `cleaned` names the folders already rid of dead runs' temporary files
    /// (a streamed run stamps window after window and lists each folder once, not once a window).
    func run(_ files: [WalkedFile], cleaned: inout Set<String>, progress: (@Sendable (_ done: Int, _ total: Int) -> Void)? = nil) async -> [StampResult] {
        // A killed run's temporary files are debris, not inputs (they are walked only with --include-hidden).
        var files = files.filter { !($0.path as NSString).lastPathComponent.hasPrefix(AtomicFile.temporaryPrefix) }
        if mapping == .inPlace {
            // In place, a file reached by two names (a followed link, a link argument) is stamped once.
            var seen = Set<ConfinedPath>()
            files = files.filter { seen.insert($0.source).inserted }
        }
        let colliding = Set(collisions(files).flatMap(\.inputs))
        // Outputs are named as the user named --out; written below its real path.
        let resolved = resolvedMapping()
        var locks: [FolderLock] = []
        if !stamper.dryRun {
            locks = FolderLock.acquire(lockFolders(for: files, mapping: resolved), waiting: waitNotice)
            removeStaleTemporaryFiles(for: files, except: &cleaned)
        }
        defer { for lock in locks { lock.release() } }
        let group = GroupCommit(limits: limits, flush: flush)
        let staged = await BatchRunner.run(files, jobs: jobs, progress: { done, total, _ in progress?(done, total) }) { [self] file in
            if colliding.contains(file.path) {
                var result = StampResult(path: file.path, status: .failed)
                result.output = mapping.output(for: file)
                result.error = "another input is written to the same output \(mapping.output(for: file)); nothing was written"
                return Staged(result: result)
            }
            return stampOne(file, resolved: resolved, group: group)
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

    /// What a batch does with a file.
    enum Kind: Equatable {
        /// A registered format (JPEG, PNG…): labelled inside.
        case embedded
        /// A documented kind (or any, under ``sidecarAll``): sidecars.
        case sidecar
        /// Neither copied nor labelled.
        case excluded
    }

    func kind(of file: WalkedFile) -> Kind {
        let head = FileReader.head(file.source, count: 64)
        if SensitiveFile.isKeyOrCertificate(name: file.relativePath, head: head) { return .excluded }
        if MediaFile.isSupported(path: file.path) || AssetRegistry.standard.handler(for: head) != nil { return sidecarOnly ? .sidecar : .embedded }
        if sidecarAll || SidecarFormat.isDocumentedKind(file.path) { return .sidecar }
        // A container with no C2PA embedding, whatever its name (WebM, Ogg, raw AAC, MPEG-TS).
        if SidecarOnlyContainer.identify(FileReader.head(file.source, count: SidecarOnlyContainer.sniffLength)) != nil { return .sidecar }
        return .excluded
    }

    private func stampOne(_ file: WalkedFile, resolved: OutputMapping, group: GroupCommit) -> Staged {
        let output = mapping.output(for: file)
        let target = resolved.target(for: file)
        var skipped = StampResult(path: file.path, status: .skipped)
        skipped.output = output
        let head = FileReader.head(file.source, count: 64)
        if SensitiveFile.isKeyOrCertificate(name: file.relativePath, head: head) {
            skipped.error = "a key or certificate file: never copied or labelled"
            return Staged(result: skipped)
        }
        let kind = kind(of: file)
        if kind == .excluded {
            skipped.error = "not a kind ailabel labels (JPEG and PNG inside; the kinds in Docs/cli.md by sidecar); --sidecar-all labels every file"
            return Staged(result: skipped)
        }
        // The source's mode, owner and attributes, read from the file itself, not a path that may change.
        let attributes: FileAttributes
        do {
            let (descriptor, status) = try file.source.openRegularFileForReading()
            attributes = FileAttributes(descriptor: descriptor, status: status)
            close(descriptor)
        } catch let error as MediaError {
            var failed = StampResult(path: file.path, status: .failed)
            failed.output = output
            failed.error = error.reason
            return Staged(result: failed)
        } catch {
            return Staged(result: StampResult(path: file.path, status: .failed))
        }
        var notes: [String] = []
        if mapping == .inPlace {
            if attributes.isReadOnly && !force {
                skipped.error = "read-only (mode \(String(attributes.permissions, radix: 8))); --force rewrites it"
                return Staged(result: skipped)
            }
            if attributes.links > 1 {
                notes.append("the file has \(attributes.links) hard links; only this name gets the stamped file, the others keep the original")
            }
        }
        if kind == .sidecar {
            var result = sidecarStamper.stamp(file: file, output: target, outputPath: output, attributes: attributes)
            result.warnings += notes
            return Staged(result: result)
        }
        var ticket: GroupCommit.Ticket?
        var result = stamper.stamp(
            input: file.path, output: output, read: { try MediaFile(confined: file.source, displayPath: file.path, registry: stamper.registry) }
        ) { plan, source in
            let staged = try group.stage(plan, from: source, to: target, attributes: attributes, createFolders: mapping != .inPlace)
            ticket = staged.ticket
            return staged.warnings
        }
        result.warnings += notes
        return Staged(result: result, ticket: ticket)
    }

    /// `--out` resolved to its real path (made when missing), so every output is confined below it.
    func resolvedMapping() -> OutputMapping {
        guard case .directory(let directory) = mapping else { return mapping }
        if !stamper.dryRun { _ = try? ConfinedPath(root: directory, relative: "").openDirectory(create: true).close() }
        return .directory(FileWalker.realPath(directory) ?? directory)
    }

    /// The folders locked for the run: `--out` itself, or each folder an in-place run rewrites.
    func lockFolders(for files: [WalkedFile], mapping: OutputMapping) -> [String] {
        switch mapping {
        case .directory(let directory): [directory]
        case .inPlace: Array(Set(files.map { $0.source.parent.path })).sorted()
        }
    }

    /// Removes dead runs' `.ailabel-tmp-*` files from every folder this batch writes to. It runs before the
    /// first write; a live run's files are left alone.
    func removeStaleTemporaryFiles(for files: [WalkedFile], except cleaned: inout Set<String>) {
        let folders = Set(files.map { AtomicFile.directory(of: mapping.output(for: $0)) })
        for folder in folders.sorted() where cleaned.insert(folder).inserted { AtomicFile.removeStaleTemporaryFiles(in: folder) }
    }
}

extension StampBatch.Staged {
    init(result: StampResult) {
        self.init(result: result, ticket: nil)
    }
}

extension Int32 {
    /// Closes a descriptor (for one-line opens whose descriptor is not needed).
    fileprivate func close() { _ = Glibc.close(self) }
}
