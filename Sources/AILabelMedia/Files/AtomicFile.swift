
#if canImport(Glibc)
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
    nonisolated(unsafe) public static var faultInjector: (@Sendable (String, Int) throws -> Void)?

    /// Per-path fault injection, for tests that run beside others: a fault set for one path cannot be
    /// cleared by another test's cleanup, as the single ``faultInjector`` can. Called with the number of
    /// bytes about to be written; nil removes the fault.
    public static func injectFault(at path: String, _ fault: (@Sendable (Int) throws -> Void)?) {
        pathFaults.withLock { $0[path] = fault }
    }

    private static let pathFaults = Locked<[String: @Sendable (Int) throws -> Void]>([:])

    /// Writes `bytes` to `path` atomically. New files get mode 0644; existing files keep their mode.
    ///
    /// The data is flushed before the rename, so after a crash the target is either the old file or the
    /// complete new one. `syncDirectory` also flushes the folder so the rename itself is durable; pass
    /// false only when the caller flushes the folder itself afterwards. A batch of many files uses
    /// ``GroupCommit`` instead, which flushes a whole group with one call.
    public static func write(_ bytes: [UInt8], to path: String, syncDirectory: Bool = true) throws {
        let temporary = try writeTemporary(bytes, for: path, flush: true)
        guard rename(temporary, path) == 0 else {
            let error = failure("cannot rename the temporary file over the target", path: path)
            unlink(temporary)
            throw error
        }
        if syncDirectory { Self.syncDirectory(parentDirectory(of: path)) }
    }

    /// Writes `bytes` to a new temporary file in `path`'s folder, with `path`'s mode, and returns its path.
    /// The target is not touched. With `flush` the data is on disk when this returns (fdatasync: the
    /// inode's timestamps need not be); without, it may still be in the page cache, and the caller must
    /// make it durable (``GroupCommit`` does, for a whole group at once) before renaming it over the
    /// target. On failure nothing is left behind.
    static func writeTemporary(_ bytes: [UInt8], for path: String, flush: Bool) throws -> String {
        let directory = parentDirectory(of: path)
        var template = Array((directory + "/" + temporaryPrefix + "XXXXXX").utf8CString)
        let descriptor = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard descriptor >= 0 else { throw failure("cannot create a temporary file in \(directory)", path: path) }
        let temporary = String(decoding: template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        var closed = false
        do {
            defer { if !closed { close(descriptor) } }
            var mode: mode_t = 0o644
            var status = stat()
            if stat(path, &status) == 0 { mode = status.st_mode & 0o7777 }
            fchmod(descriptor, mode)
            try faultInjector?(path, bytes.count)
            try pathFaults.withLock { $0[path] }?(bytes.count)
            try bytes.withUnsafeBytes { raw in
                var offset = 0
                while offset < raw.count {
                    let written = Glibc.write(descriptor, raw.baseAddress! + offset, raw.count - offset)
                    if written < 0 {
                        if errno == EINTR { continue }
                        throw failure("cannot write \(temporary)", path: path)
                    }
                    offset += written
                }
            }
            if flush {
                guard fdatasync(descriptor) == 0 else { throw failure("cannot flush \(temporary) to disk", path: path) }
            }
            closed = true
            guard close(descriptor) == 0 else { throw failure("cannot close \(temporary)", path: path) }
        } catch {
            unlink(temporary)
            throw error
        }
        return temporary
    }

    /// Flushes a folder's entries to disk, making renames into it durable.
    public static func syncDirectory(_ directory: String) {
        let descriptor = open(directory, O_RDONLY | O_DIRECTORY)
        if descriptor >= 0 {
            fsync(descriptor)
            close(descriptor)
        }
    }

    /// The folder a path's file lives in.
    public static func directory(of path: String) -> String { parentDirectory(of: path) }

    /// Removes temporary files a killed run left behind in `directory`. Returns how many it removed.
    @discardableResult
    public static func removeStaleTemporaryFiles(in directory: String) -> Int {
        guard let handle = opendir(directory) else { return 0 }
        defer { closedir(handle) }
        var removed = 0
        while let entry = readdir(handle) {
            let name = withUnsafePointer(to: entry.pointee.d_name) { String(cString: UnsafeRawPointer($0).assumingMemoryBound(to: CChar.self)) }
            if name.hasPrefix(temporaryPrefix), unlink(directory + "/" + name) == 0 { removed += 1 }
        }
        return removed
    }

    static func parentDirectory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        let parent = String(path[..<slash])
        return parent.isEmpty ? "/" : parent
    }

    static func failure(_ what: String, path: String) -> MediaError {
        let reason = String(cString: strerror(errno))
        return MediaError.make(.io, "\(what): \(reason)").naming(path)
    }
}
