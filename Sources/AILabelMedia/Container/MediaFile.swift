/// A media file read from disk and parsed: the entry point stamp, verify and inspect share.
public struct MediaFile: Sendable {
    public let path: String
    public let bytes: [UInt8]
    public let handler: any AssetHandler
    public let contents: MediaContents

    public var format: MediaFormat { handler.format }

    /// Reads and parses `path`. The magic bytes decide the format; a file whose name claims the other
    /// supported format is refused, since such a mismatch is how hostile uploads slip past filters.
    public init(path: String, registry: AssetRegistry = .standard) throws {
        let bytes = try FileReader.read(path)
        try self.init(path: path, bytes: bytes, registry: registry)
    }

    public init(path: String, bytes: [UInt8], registry: AssetRegistry = .standard) throws {
        guard !bytes.isEmpty else { throw MediaError.make(.empty, "the file is empty").naming(path) }
        guard let sniffed = MediaFormat.sniff(bytes.prefix(8)), let handler = registry.handler(for: sniffed) else {
            let claimed = MediaFormat.claimed(byPath: path)
            let reason = claimed.map { "the file is named as \($0.rawValue.uppercased()) but does not start with its signature" }
                ?? "not a JPEG or PNG file"
            throw MediaError.make(claimed == nil ? .unsupportedFormat : .malformed, reason).naming(path)
        }
        if let claimed = MediaFormat.claimed(byPath: path), claimed != sniffed {
            throw MediaError.make(
                .malformed, "the file is named as \(claimed.rawValue.uppercased()) but holds \(sniffed.rawValue.uppercased()) data"
            ).naming(path)
        }
        do {
            self.contents = try handler.parse(bytes)
        } catch let error as MediaError {
            throw error.naming(path)
        }
        self.path = path
        self.bytes = bytes
        self.handler = handler
    }

    /// Whether a path names a kind of file ailabel embeds into (by extension only; content decides later).
    public static func isSupported(path: String) -> Bool { MediaFormat.claimed(byPath: path) != nil }

    /// Whether a file is JPEG or PNG by its name or by its first bytes (read without loading the file).
    public static func isMedia(path: String) -> Bool {
        isSupported(path: path) || MediaFormat.sniff(FileReader.head(path, count: 8)) != nil
    }
}
