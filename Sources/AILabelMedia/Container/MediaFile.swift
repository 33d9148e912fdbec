#if canImport(Glibc)
import Glibc
#endif

/// A media file read from disk and parsed: the entry point stamp, verify and inspect share.
public struct MediaFile: Sendable {
    public let path: String
    public let bytes: [UInt8]
    public let handler: any AssetHandler
    public let contents: MediaContents

    public var format: MediaFormat { handler.format }

    /// Reads and parses `path`. The magic bytes decide the format; a file whose name claims another
    /// supported format is refused, since such a mismatch is how hostile uploads slip past filters.
    ///
    /// The first bytes are read and sniffed before the rest: a file in no registered format (a sparse
    /// 2 GB `a.jpg`, say) is refused without being read whole.
    public init(path: String, registry: AssetRegistry = .standard) throws {
        let (descriptor, status) = try Self.openForReading(path)
        defer { close(descriptor) }
        try self.init(path: path, descriptor: descriptor, status: status, registry: registry)
    }

    /// Reads and parses a file below a walked folder, following no link beneath it.
    public init(confined: ConfinedPath, displayPath: String? = nil, registry: AssetRegistry = .standard) throws {
        let (descriptor, status) = try confined.openRegularFileForReading()
        defer { close(descriptor) }
        try self.init(path: displayPath ?? confined.path, descriptor: descriptor, status: status, registry: registry)
    }

    /// Parses an open file: its type and first bytes are checked before the whole is read.
    public init(path: String, descriptor: Int32, status: stat, registry: AssetRegistry = .standard) throws {
        guard status.st_mode & S_IFMT == S_IFREG else {
            throw MediaError.make(.io, "not a regular file (\(FileKind(mode: status.st_mode).description))").naming(path)
        }
        try Self.sniffOrRefuse(
            FileReader.head(descriptor: descriptor, count: registry.sniffLength), path: path, size: Int(status.st_size), registry: registry)
        let bytes = try FileReader.read(descriptor: descriptor, status: status, path: path)
        try self.init(path: path, bytes: bytes, registry: registry)
    }

    /// Opens a file for reading without blocking (a FIFO must not hang the caller) and reads its status.
    private static func openForReading(_ path: String) throws -> (descriptor: Int32, status: stat) {
        let descriptor = PathBytes.withPlatformString(path) { open($0, O_RDONLY | O_NONBLOCK | O_CLOEXEC) }
        guard descriptor >= 0 else {
            throw MediaError.make(.io, "cannot open the file: \(SystemError.sentence(errno))").naming(path)
        }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else {
            let error = MediaError.make(.io, "cannot read the file's status: \(SystemError.sentence(errno))").naming(path)
            close(descriptor)
            throw error
        }
        return (descriptor, status)
    }

    /// Refuses, from its type and first bytes alone, a file that is not a regular file in a registered
    /// format, so a caller that wants the whole bytes (for a thumbnail of a damaged file) need not read a
    /// sparse 2 GB `a.jpg` to learn it is none.
    public static func checkSignature(path: String, registry: AssetRegistry = .standard) throws {
        let (descriptor, status) = try Self.openForReading(path)
        defer { close(descriptor) }
        guard status.st_mode & S_IFMT == S_IFREG else {
            throw MediaError.make(.io, "not a regular file (\(FileKind(mode: status.st_mode).description))").naming(path)
        }
        try sniffOrRefuse(
            FileReader.head(descriptor: descriptor, count: registry.sniffLength), path: path, size: Int(status.st_size), registry: registry)
    }

    /// Refuses a file whose first bytes are no format the registry parses.
    static func sniffOrRefuse(_ head: [UInt8], path: String, size: Int, registry: AssetRegistry) throws {
        guard size > 0 else { throw MediaError.make(.empty, "the file is empty").naming(path) }
        guard registry.handler(for: head) != nil else { throw unrecognised(path: path, registry: registry) }
    }

    /// The error for a file whose first bytes are no registered format's.
    static func unrecognised(path: String, registry: AssetRegistry) -> MediaError {
        let claimed = registry.handler(claimedByPath: path)
        let reason = claimed.map { "the file is named as \($0.declaration.displayName) but does not start with its signature" }
            ?? "not a \(registry.formatNames) file"
        return MediaError.make(claimed == nil ? .unsupportedFormat : .malformed, reason).naming(path)
    }

    public init(path: String, bytes: [UInt8], registry: AssetRegistry = .standard) throws {
        guard !bytes.isEmpty else { throw MediaError.make(.empty, "the file is empty").naming(path) }
        // The whole bytes, not a prefix: a FLAC's prepended ID3v2 tag is judged by what follows it.
        guard let handler = registry.handler(for: bytes) else {
            throw Self.unrecognised(path: path, registry: registry)
        }
        // Formats that share magic bytes (TIFF and DNG) are told apart by their contents, not their names.
        if let claimed = registry.handler(claimedByPath: path), claimed.format != handler.format,
            claimed.declaration.signatures != handler.declaration.signatures
        {
            throw MediaError.make(
                .malformed, "the file is named as \(claimed.declaration.displayName) but holds \(handler.declaration.displayName) data"
            ).naming(path)
        }
        do {
            self.contents = try handler.parse(bytes)
        } catch let error as MediaError {
            throw error.naming(path)
        }
        self.path = path
        self.bytes = bytes
        self.handler = handler.refined(by: contents)
    }

    /// Whether a path names a kind of file ailabel embeds into (by extension only; content decides later).
    public static func isSupported(path: String, registry: AssetRegistry = .standard) -> Bool {
        registry.handler(claimedByPath: path) != nil
    }

    /// Whether a file is in a registered format by its name or by its first bytes (read without loading the file).
    public static func isMedia(path: String, registry: AssetRegistry = .standard) -> Bool {
        isSupported(path: path, registry: registry) || registry.handler(for: FileReader.head(path, count: registry.sniffLength)) != nil
    }
}
