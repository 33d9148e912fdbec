#if canImport(Glibc)
import Glibc
#endif

/// Crash-safe file writes: the bytes go to a temporary file in the target's folder, are flushed to disk
/// with fsync, and replace the target with one rename. A failure at any point leaves the target as it
/// was and removes the temporary file; a crash leaves at worst a `.ailabel-tmp-*` file, which
/// ``removeStaleTemporaryFiles(in:)`` cleans up.
public enum AtomicFile {
    /// The prefix of temporary files, so a later run can recognise and remove leftovers.
    public static let temporaryPrefix = ".ailabel-tmp-"

    /// A hook for fault-injection tests: called with the target path and the number of bytes about to be
    /// written, it may throw to simulate a failure (a full disk) in the middle of a write. Tests match on
    /// their own paths, since other tests may write at the same time.
    nonisolated(unsafe) public static var faultInjector: (@Sendable (String, Int) throws -> Void)?

    /// Writes `bytes` to `path` atomically. New files get mode 0644; existing files keep their mode.
    ///
    /// The data is flushed before the rename, so after a crash the target is either the old file or the
    /// complete new one. `syncDirectory` also flushes the folder so the rename itself is durable; a batch
    /// passes false and calls ``syncDirectory(_:)`` once per folder at the end instead of once per file.
    public static func write(_ bytes: [UInt8], to path: String, syncDirectory: Bool = true) throws {
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
            // fdatasync: the data must be on disk before the rename; the inode's timestamps need not be.
            guard fdatasync(descriptor) == 0 else { throw failure("cannot flush \(temporary) to disk", path: path) }
            closed = true
            guard close(descriptor) == 0 else { throw failure("cannot close \(temporary)", path: path) }
            guard rename(temporary, path) == 0 else { throw failure("cannot rename the temporary file over the target", path: path) }
        } catch {
            unlink(temporary)
            throw error
        }
        if syncDirectory { Self.syncDirectory(directory) }
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

    private static func failure(_ what: String, path: String) -> MediaError {
        let reason = String(cString: strerror(errno))
        return MediaError.make(.io, "\(what): \(reason)").naming(path)
    }
}

/// Reads whole files with POSIX calls, refusing anything larger than a limit.
public enum FileReader {
    /// Largest file ailabel reads into memory (media above this are refused, not truncated).
    public static let defaultMaximumSize = 2 * 1024 * 1024 * 1024

    public static func read(_ path: String, maximumSize: Int = defaultMaximumSize) throws -> [UInt8] {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw ioError("cannot open the file", path: path) }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else { throw ioError("cannot read the file's size", path: path) }
        guard status.st_mode & S_IFMT == S_IFREG else {
            throw MediaError.make(.io, "not a regular file").naming(path)
        }
        let size = Int(status.st_size)
        guard size <= maximumSize else {
            throw MediaError.make(.limitExceeded, "the file is \(size) bytes, over the \(maximumSize)-byte limit").naming(path)
        }
        var bytes = [UInt8](repeating: 0, count: size)
        var offset = 0
        try bytes.withUnsafeMutableBytes { raw in
            while offset < size {
                let count = Glibc.read(descriptor, raw.baseAddress! + offset, size - offset)
                if count < 0 {
                    if errno == EINTR { continue }
                    throw ioError("cannot read the file", path: path)
                }
                if count == 0 { break }
                offset += count
            }
        }
        return offset == size ? bytes : Array(bytes[0..<offset])
    }

    /// The first `count` bytes of a file (fewer for a short file, none for one that cannot be opened).
    public static func head(_ path: String, count: Int) -> [UInt8] {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return [] }
        defer { close(descriptor) }
        var bytes = [UInt8](repeating: 0, count: count)
        let read = bytes.withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress!, count) }
        return read > 0 ? Array(bytes[0..<read]) : []
    }

    private static func ioError(_ what: String, path: String) -> MediaError {
        MediaError.make(.io, "\(what): \(String(cString: strerror(errno)))").naming(path)
    }
}
