#if canImport(Glibc)
import Glibc
#endif

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
