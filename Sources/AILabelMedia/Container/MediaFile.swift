#if canImport(Glibc)
import Glibc
#endif

/// A media file opened and parsed: the entry point stamp, verify and inspect share.
///
/// The file is held as a ``ByteSource`` read by position (a ``FileByteSource`` for a file on disk),
/// never as a whole: the handler parsed its headers and metadata blocks, and later steps plan,
/// hash and copy through the source chunk by chunk. Only pixel steps read it whole (``readAll()``).
public struct MediaFile: Sendable {
    public let path: String
    /// The file's bytes, read by position.
    public let source: any ByteSource
    public let handler: any AssetHandler
    public let contents: MediaContents

    public var format: MediaFormat { handler.format }

    /// Opens and parses `path`. The magic bytes decide the format; a file whose name claims another
    /// supported format is refused, since such a mismatch is how hostile uploads slip past filters.
    /// A file in no registered format (a sparse 2 GB `a.jpg`, say) is refused from its first bytes.
    public init(path: String, registry: AssetRegistry = .standard) throws {
        try self.init(path: path, source: try FileByteSource(path: path), registry: registry)
    }

    /// Opens and parses a file below a walked folder, following no link beneath it.
    public init(confined: ConfinedPath, displayPath: String? = nil, registry: AssetRegistry = .standard) throws {
        let path = displayPath ?? confined.path
        let source: FileByteSource
        do {
            source = try FileByteSource(confined: confined)
        } catch let error as MediaError {
            throw error.naming(path)
        }
        try self.init(path: path, source: source, registry: registry)
    }

    /// Parses bytes in memory (tests, pixel re-encodes).
    public init(path: String, bytes: [UInt8], registry: AssetRegistry = .standard) throws {
        try self.init(path: path, source: bytes, registry: registry)
    }

    /// Parses a source: its first bytes are sniffed before the handler reads anything else.
    public init(path: String, source: any ByteSource, registry: AssetRegistry = .standard) throws {
        do {
            guard source.count > 0 else { throw MediaError.make(.empty, "the file is empty") }
            // The first bytes decide (past a leading ID3v2 tag, a FLAC's prepended tag is judged by what follows it).
            guard let handler = try registry.handler(sniffing: source) else { throw Self.unrecognised(path: path, registry: registry) }
            // Formats that share magic bytes (TIFF and DNG) are told apart by their contents, not their names.
            if let claimed = registry.handler(claimedByPath: path), claimed.format != handler.format,
                claimed.declaration.signatures != handler.declaration.signatures
            {
                throw MediaError.make(
                    .malformed, "the file is named as \(claimed.declaration.displayName) but holds \(handler.declaration.displayName) data")
            }
            let contents = try handler.parse(source)
            self.contents = contents
            self.handler = handler.refined(by: contents)
        } catch let error as MediaError {
            throw error.naming(path)
        }
        self.path = path
        self.source = source
    }

    /// The whole file as one array, for the steps that need it whole: pixel decoding (the visible
    /// badge, the watermark, the pixel detectors and thumbnails). Refused above ``FileReader/defaultMaximumSize``.
    public func readAll() throws -> [UInt8] {
        do {
            return try source.readAll()
        } catch let error as MediaError {
            throw error.naming(path)
        }
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

    /// Whether a path names a kind of file ailabel embeds into (by extension only; content decides later).
    public static func isSupported(path: String, registry: AssetRegistry = .standard) -> Bool {
        registry.handler(claimedByPath: path) != nil
    }

    /// Whether a file is in a registered format by its name or by its first bytes (read without loading the file).
    public static func isMedia(path: String, registry: AssetRegistry = .standard) -> Bool {
        isSupported(path: path, registry: registry) || registry.handler(for: FileReader.head(path, count: registry.sniffLength)) != nil
    }
}
