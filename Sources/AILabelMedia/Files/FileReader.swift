#if canImport(Glibc)
import Glibc
#endif

/// Reads whole files with POSIX calls, refusing anything larger than a limit and anything that is not a
/// regular file (a FIFO, socket or device would block the read, or never end).
public enum FileReader {
    /// Largest file ailabel reads into memory (media above this are refused, not truncated).
    public static let defaultMaximumSize = 2 * 1024 * 1024 * 1024

    /// Reads `path` (following a link the caller named). The open does not block, so a FIFO is refused
    /// rather than waited on.
    public static func read(_ path: String, maximumSize: Int = defaultMaximumSize) throws -> [UInt8] {
        let descriptor = PathBytes.withPlatformString(path) { open($0, O_RDONLY | O_NONBLOCK | O_CLOEXEC) }
        guard descriptor >= 0 else { throw ioError("cannot open the file", path: path) }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else { throw ioError("cannot read the file's size", path: path) }
        guard status.st_mode & S_IFMT == S_IFREG else {
            throw MediaError.make(.io, "not a regular file (\(FileKind(mode: status.st_mode).description))").naming(path)
        }
        return try read(descriptor: descriptor, status: status, path: path, maximumSize: maximumSize)
    }

    /// Reads a file below a walked folder without following any link beneath it.
    public static func read(_ path: ConfinedPath, maximumSize: Int = defaultMaximumSize) throws -> [UInt8] {
        let (descriptor, status) = try path.openRegularFileForReading()
        defer { close(descriptor) }
        return try read(descriptor: descriptor, status: status, path: path.path, maximumSize: maximumSize)
    }

    /// Reads the rest of an open regular file whose status is `status`.
    public static func read(descriptor: Int32, status: stat, path: String, maximumSize: Int = defaultMaximumSize) throws -> [UInt8] {
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

    /// The first `count` bytes of a regular file (fewer for a short file, none for one that cannot be
    /// opened or is not a regular file).
    public static func head(_ path: String, count: Int) -> [UInt8] {
        let descriptor = PathBytes.withPlatformString(path) { open($0, O_RDONLY | O_NONBLOCK | O_CLOEXEC) }
        guard descriptor >= 0 else { return [] }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0, status.st_mode & S_IFMT == S_IFREG else { return [] }
        return head(descriptor: descriptor, count: count)
    }

    /// The first `count` bytes of a regular file below a walked folder (none when it cannot be opened).
    public static func head(_ path: ConfinedPath, count: Int) -> [UInt8] {
        guard let (descriptor, _) = try? path.openRegularFileForReading() else { return [] }
        defer { close(descriptor) }
        return head(descriptor: descriptor, count: count)
    }

    /// The first `count` bytes of an open file, read with `pread` so the file's offset is unchanged.
    public static func head(descriptor: Int32, count: Int) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: count)
        let read = bytes.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress!, count, 0) }
        return read > 0 ? Array(bytes[0..<read]) : []
    }

    private static func ioError(_ what: String, path: String) -> MediaError {
        MediaError.make(.io, "\(what): \(SystemError.sentence(errno))").naming(path)
    }
}
