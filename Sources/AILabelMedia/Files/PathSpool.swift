#if canImport(Glibc)
import Glibc
#endif

/// A list of paths read once from standard input and walked more than once (stamp's first walk looks for
/// inputs meeting at one output, the second stamps): recorded, NUL-separated and as the bytes they came
/// as, into an unlinked temporary file while the first walk reads them, and read back from it by each
/// later walk. Memory holds one entry and a buffer, however long the list; the file is gone with the
/// process.
public final class PathSpool: @unchecked Sendable {
    private let descriptor: Int32
    /// Why a path could not be recorded (a full disk): later walks would miss paths, so the caller stops.
    public private(set) var failure: MediaError?

    /// Opens the spool in `TMPDIR` (or /tmp). Throws when no temporary file can be made.
    public init() throws(MediaError) {
        let folder = getenv("TMPDIR").map { String(cString: $0) } ?? "/tmp"
        var template = Array((folder + "/ailabel-paths-XXXXXX").utf8CString)
        let descriptor = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard descriptor >= 0 else {
            throw MediaError.make(.io, "cannot make a temporary file in \(folder) for the path list: \(String(cString: strerror(errno)))")
        }
        template.withUnsafeBufferPointer { _ = unlink($0.baseAddress!) }
        self.descriptor = descriptor
    }

    deinit { close(descriptor) }

    /// The paths of `reader`, each written to the spool as it passes.
    public func recording<Reader: Sequence<String>>(_ reader: Reader) -> AnySequence<String> {
        AnySequence(reader.lazy.map { [self] path in
            record(path)
            return path
        })
    }

    /// The paths recorded, from the first.
    public func replay() -> AnySequence<String> {
        lseek(descriptor, 0, SEEK_SET)
        return AnySequence(PathListReader(descriptor: descriptor, nulSeparated: true))
    }

    private func record(_ path: String) {
        guard failure == nil else { return }
        var bytes: [UInt8] = PathBytes.withPlatformString(path) { pointer in
            Array(UnsafeRawBufferPointer(start: pointer, count: strlen(pointer)))
        }
        bytes.append(0)
        var offset = 0
        while offset < bytes.count {
            let wrote = bytes[offset...].withUnsafeBytes { write(descriptor, $0.baseAddress!, $0.count) }
            if wrote < 0 && errno == EINTR { continue }
            guard wrote > 0 else {
                failure = MediaError.make(.io, "cannot keep the path list in a temporary file: \(String(cString: strerror(errno)))")
                return
            }
            offset += wrote
        }
    }
}
