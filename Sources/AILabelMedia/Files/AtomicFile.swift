
#if canImport(Glibc)
internal import CAILabelShims
import Glibc
#endif

/// Crash-safe file writes: the bytes go to a temporary file in the target's folder, are flushed to disk
/// with fdatasync, and replace the target with one rename. A failure at any point leaves the target as it
/// was and removes the temporary file; a crash leaves at worst a `.ailabel-tmp-*` file, which
/// ``removeStaleTemporaryFiles(in:)`` cleans up.
public enum AtomicFile {
    /// The prefix of temporary files, so a later run can recognise and remove leftovers.
    public static let temporaryPrefix = ".ailabel-tmp-"

    /// A hook for fault-injection tests: called with the target path and the number of bytes about to be
    /// written, it may throw to simulate a failure (a full disk) in the middle of a write. Tests match on
    /// their own paths, since other tests may write at the same time.
    @_spi(Testing) nonisolated(unsafe) public static var faultInjector: (@Sendable (String, Int) throws -> Void)?

    /// Per-path fault injection, for tests that run beside others: a fault set for one path cannot be
    /// cleared by another test's cleanup, as the single ``faultInjector`` can. Called with the number of
    /// bytes about to be written; nil removes the fault.
    @_spi(Testing) public static func injectFault(at path: String, _ fault: (@Sendable (Int) throws -> Void)?) {
        pathFaults.withLock { $0[path] = fault }
    }

    private static let pathFaults = Locked<[String: @Sendable (Int) throws -> Void]>([:])

    /// Writes `bytes` to `path` atomically. New files get mode 0644; existing files keep their mode,
    /// owner and extended attributes.
    ///
    /// The data is flushed before the rename, so after a crash the target is either the old file or the
    /// complete new one. `syncDirectory` also flushes the folder so the rename itself is durable; pass
    /// false only when the caller flushes the folder itself afterwards. A batch of many files uses
    /// ``GroupCommit`` instead, which flushes a whole group with one call.
    public static func write(_ bytes: [UInt8], to path: String, syncDirectory: Bool = true) throws {
        try write(bytes, to: ConfinedPath(trusting: path), syncDirectory: syncDirectory)
    }

    /// Writes `bytes` to a path below a walked or output folder atomically, opening every folder below
    /// its root without following links (so a folder swapped for a link cannot redirect the write).
    /// `attributes` are given to the new file (the source's, for a copy); nil keeps the target's own, or
    /// 0644 for a new file. `createFolders` makes missing folders below the root. Returns warnings about
    /// attributes that could not be kept.
    @discardableResult
    public static func write(
        _ bytes: [UInt8], to target: ConfinedPath, attributes: FileAttributes? = nil, createFolders: Bool = false, syncDirectory: Bool = true
    ) throws -> [String] {
        let folder = try openFolder(of: target, create: createFolders)
        defer { close(folder) }
        let (temporary, warnings) = try writeTemporary(bytes, for: target, in: folder, attributes: attributes, flush: true)
        guard PathBytes.withPlatformStrings(temporary, target.name, { renameat(folder, $0, folder, $1) }) == 0 else {
            let error = failure("cannot rename the temporary file over the target", path: target.path)
            PathBytes.withPlatformString(temporary) { unlinkat(folder, $0, 0) }
            throw error
        }
        if syncDirectory { fsync(folder) }
        return warnings
    }

    /// Writes the file `plan` describes over `source` to `path` atomically, chunk by chunk (the file is
    /// never held whole), with the same guarantees as ``write(_:to:syncDirectory:)``.
    public static func write(_ plan: SplicePlan, from source: any ByteSource, to path: String, syncDirectory: Bool = true) throws {
        try write(plan, from: source, to: ConfinedPath(trusting: path), syncDirectory: syncDirectory)
    }

    /// Writes the file `plan` describes over `source` to a path below a walked or output folder
    /// atomically, as ``write(_:to:attributes:createFolders:syncDirectory:)`` writes bytes.
    @discardableResult
    public static func write(
        _ plan: SplicePlan, from source: any ByteSource, to target: ConfinedPath, attributes: FileAttributes? = nil, createFolders: Bool = false,
        syncDirectory: Bool = true
    ) throws -> [String] {
        let folder = try openFolder(of: target, create: createFolders)
        defer { close(folder) }
        let (temporary, warnings) = try writeTemporary(count: plan.count, for: target, in: folder, attributes: attributes, flush: true) { sink in
            try plan.write(from: source, to: &sink)
        }
        guard PathBytes.withPlatformStrings(temporary, target.name, { renameat(folder, $0, folder, $1) }) == 0 else {
            let error = failure("cannot rename the temporary file over the target", path: target.path)
            PathBytes.withPlatformString(temporary) { unlinkat(folder, $0, 0) }
            throw error
        }
        if syncDirectory { fsync(folder) }
        return warnings
    }

    /// Writes `bytes` to a new temporary file in `folder` (the open folder of `target`) and returns its
    /// name. The file gets `attributes`, or the target's own when nil (0644 for a new target). The
    /// target is not touched. With `flush` the data is on disk when this returns (fdatasync: the inode's
    /// timestamps need not be); without, it may still be in the page cache, and the caller must make it
    /// durable (``GroupCommit`` does, for a whole group at once) before renaming it over the target. On
    /// failure nothing is left behind.
    static func writeTemporary(
        _ bytes: [UInt8], for target: ConfinedPath, in folder: Int32, attributes: FileAttributes?, flush: Bool
    ) throws -> (name: String, warnings: [String]) {
        try writeTemporary(count: bytes.count, for: target, in: folder, attributes: attributes, flush: flush) { sink in
            try bytes.withUnsafeBytes { try sink.write($0) }
        }
    }

    /// Writes a temporary file whose `count` bytes `body` writes into the sink, as
    /// ``writeTemporary(_:for:in:attributes:flush:)`` writes bytes: a file that ends up of another
    /// length is a failure, and nothing is left behind.
    static func writeTemporary(
        count: Int, for target: ConfinedPath, in folder: Int32, attributes: FileAttributes?, flush: Bool,
        _ body: (inout DescriptorSink) throws -> Void
    ) throws -> (name: String, warnings: [String]) {
        let path = target.path
        var descriptor: Int32 = -1
        var temporary = ""
        for _ in 0..<16 {
            temporary = temporaryName()
            descriptor = PathBytes.withPlatformString(temporary) { openat(folder, $0, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600) }
            if descriptor >= 0 || errno != EEXIST { break }
        }
        guard descriptor >= 0 else { throw failure("cannot create a temporary file in \(parentDirectory(of: path))", path: path) }
        var closed = false
        var warnings: [String] = []
        do {
            defer { if !closed { close(descriptor) } }
            if let attributes = attributes ?? existingAttributes(of: target.name, in: folder) {
                warnings = attributes.apply(to: descriptor)
            } else {
                fchmod(descriptor, 0o644)
            }
            try faultInjector?(path, count)
            try pathFaults.withLock { $0[path] }?(count)
            var sink = DescriptorSink(descriptor: descriptor, temporary: temporary, path: path)
            try body(&sink)
            guard sink.written == count else {
                throw MediaError.make(.io, "wrote \(sink.written) bytes to the temporary file \(temporary), not the \(count) planned").naming(path)
            }
            if flush {
                guard fdatasync(descriptor) == 0 else { throw failure("cannot flush the temporary file \(temporary) to disk", path: path) }
            }
            closed = true
            guard close(descriptor) == 0 else { throw failure("cannot close the temporary file \(temporary)", path: path) }
        } catch {
            PathBytes.withPlatformString(temporary) { unlinkat(folder, $0, 0) }
            throw error
        }
        return (temporary, warnings)
    }

    /// Writes into an open temporary file, retrying short writes and interrupts.
    struct DescriptorSink: ByteSink {
        let descriptor: Int32
        let temporary: String
        let path: String
        private(set) var written = 0

        init(descriptor: Int32, temporary: String, path: String) {
            self.descriptor = descriptor
            self.temporary = temporary
            self.path = path
        }

        mutating func write(_ chunk: UnsafeRawBufferPointer) throws {
            var offset = 0
            while offset < chunk.count {
                let count = Glibc.write(descriptor, chunk.baseAddress! + offset, chunk.count - offset)
                if count < 0 {
                    if errno == EINTR { continue }
                    throw AtomicFile.failure("cannot write the temporary file \(temporary)", path: path)
                }
                offset += count
            }
            written += chunk.count
        }

        /// A range of a file is copied by the kernel (`copy_file_range`: no trip through ailabel's
        /// memory, and shared blocks where the filesystem can); anything else, or a filesystem pair the
        /// call refuses, goes chunk by chunk.
        mutating func copy(_ range: Range<Int>, of source: any ByteSource) throws {
            guard let file = source.backingFile else {
                return try source.forEachChunk(in: range) { try write($0) }
            }
            try file.checkBounds(range)
            var offset = Int64(range.lowerBound)
            let end = Int64(range.upperBound)
            while offset < end {
                let before = offset
                let copied = CAILabel_copy_file_range(file.descriptor, &offset, descriptor, UInt(min(end - offset, 1 << 30)))
                if copied < 0 {
                    if errno == EINTR { offset = before; continue }
                    if [EXDEV, EINVAL, ENOSYS, EOPNOTSUPP, EBADF, ETXTBSY].contains(errno) {
                        // Nothing was copied by the failed call: the rest goes through memory.
                        return try file.forEachChunk(in: Int(before)..<range.upperBound) { try write($0) }
                    }
                    throw AtomicFile.failure("cannot copy \(file.path) into the temporary file \(temporary)", path: path)
                }
                guard copied > 0 else {
                    throw MediaError.make(.truncated, "the file became shorter while it was copied (byte \(offset) of \(file.count))").naming(file.path)
                }
                written += copied
            }
        }
    }

    /// A file written piece by piece (a report streamed as files are judged), then made durable and
    /// renamed over its target in one step, as ``write(_:to:syncDirectory:)`` does; until ``commit()`` the
    /// target is untouched, and ``abort()`` (or a failed commit) removes the temporary file.
    public final class Stream {
        let target: ConfinedPath
        let folder: Int32
        let temporary: String
        let descriptor: Int32
        private var failure: MediaError?
        private var finished = false

        public init(path: String) throws {
            target = ConfinedPath(trusting: path)
            folder = try AtomicFile.openFolder(of: target, create: false)
            do {
                (temporary, _) = try AtomicFile.writeTemporary([], for: target, in: folder, attributes: nil, flush: false)
            } catch {
                close(folder)
                throw error
            }
            let (openFolder, temporaryName) = (folder, temporary)
            descriptor = PathBytes.withPlatformString(temporaryName) { openat(openFolder, $0, O_WRONLY | O_APPEND | O_NOFOLLOW | O_CLOEXEC) }
            if descriptor < 0 {
                failure = AtomicFile.failure("cannot reopen the temporary file \(temporary)", path: path)
            }
        }

        deinit {
            if !finished { abort() }
        }

        /// Appends `text`; a failure is kept and thrown by ``commit()``.
        public func write(_ text: String) {
            guard failure == nil else { return }
            var text = text
            text.withUTF8 { raw in
                var offset = 0
                while offset < raw.count {
                    let written = Glibc.write(descriptor, raw.baseAddress! + offset, raw.count - offset)
                    if written < 0 {
                        if errno == EINTR { continue }
                        failure = AtomicFile.failure("cannot write the temporary file \(temporary)", path: target.path)
                        return
                    }
                    offset += written
                }
            }
        }

        /// Makes the file durable and renames it over the target; throws the first failure.
        public func commit() throws {
            finished = true
            defer { close(folder) }
            if failure == nil && fdatasync(descriptor) != 0 {
                failure = AtomicFile.failure("cannot flush the temporary file \(temporary) to disk", path: target.path)
            }
            if descriptor >= 0 { close(descriptor) }
            if failure == nil && PathBytes.withPlatformStrings(temporary, target.name, { renameat(folder, $0, folder, $1) }) != 0 {
                failure = AtomicFile.failure("cannot rename the temporary file over the target", path: target.path)
            }
            if let failure {
                PathBytes.withPlatformString(temporary) { unlinkat(folder, $0, 0) }
                throw failure
            }
            fsync(folder)
        }

        /// Leaves the target untouched and removes the temporary file.
        public func abort() {
            guard !finished else { return }
            finished = true
            if descriptor >= 0 { close(descriptor) }
            PathBytes.withPlatformString(temporary) { unlinkat(folder, $0, 0) }
            close(folder)
        }
    }

    /// Opens the folder of `target` (see ``ConfinedPath/openDirectory(create:)``), an error naming the target.
    static func openFolder(of target: ConfinedPath, create: Bool) throws -> Int32 {
        do {
            return try target.parent.openDirectory(create: create)
        } catch let error as MediaError {
            throw MediaError.make(error.code, error.reason).naming(target.path)
        }
    }

    /// The attributes of an existing regular file in `folder` (not following a link), or nil.
    static func existingAttributes(of name: String, in folder: Int32) -> FileAttributes? {
        let descriptor = PathBytes.withPlatformString(name) { openat(folder, $0, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC) }
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0, status.st_mode & S_IFMT == S_IFREG else { return nil }
        return FileAttributes(descriptor: descriptor, status: status)
    }

    /// A fresh temporary name carrying this process's ID, so cleanup can tell a live run's files from a
    /// dead run's.
    static func temporaryName() -> String {
        let alphabet = Array("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
        let suffix = String((0..<10).map { _ in alphabet.randomElement()! })
        return "\(temporaryPrefix)\(getpid())-\(suffix)"
    }

    /// Flushes a folder's entries to disk, making renames into it durable.
    public static func syncDirectory(_ directory: String) {
        let descriptor = PathBytes.withPlatformString(directory) { open($0, O_RDONLY | O_DIRECTORY) }
        if descriptor >= 0 {
            fsync(descriptor)
            close(descriptor)
        }
    }

    /// The folder a path's file lives in.
    public static func directory(of path: String) -> String { parentDirectory(of: path) }

    /// Removes temporary files a killed run left behind in `directory`: only those whose process is
    /// gone, so a run working beside this one keeps its own. Returns how many it removed.
    @discardableResult
    public static func removeStaleTemporaryFiles(in directory: String) -> Int {
        guard let handle = opendir(directory) else { return 0 }
        defer { closedir(handle) }
        var removed = 0
        while let entry = readdir(handle) {
            let name = withUnsafePointer(to: entry.pointee.d_name) { PathBytes.decode(cString: UnsafeRawPointer($0).assumingMemoryBound(to: CChar.self)) }
            guard name.hasPrefix(temporaryPrefix), !ownerIsAlive(temporaryName: name) else { continue }
            if PathBytes.withPlatformString(name, { unlinkat(dirfd(handle), $0, 0) }) == 0 { removed += 1 }
        }
        return removed
    }

    /// Whether the process that made a temporary file still runs. Names without a process ID (older
    /// versions) count as abandoned.
    static func ownerIsAlive(temporaryName name: String) -> Bool {
        let rest = name.dropFirst(temporaryPrefix.count)
        guard let dash = rest.firstIndex(of: "-"), let pid = pid_t(rest[..<dash]), pid > 0 else { return false }
        if pid == getpid() { return true }
        return kill(pid, 0) == 0 || errno == EPERM
    }

    static func parentDirectory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        let parent = String(path[..<slash])
        return parent.isEmpty ? "/" : parent
    }

    static func failure(_ what: String, path: String) -> MediaError {
        MediaError.make(.io, "\(what): \(SystemError.sentence(errno))").naming(path)
    }
}
