import AILabelMedia
import AILabelVerify

/// What to stamp, verify or inspect: a file on disk, bytes in memory (an array, or any `ByteSource`
/// such as a server's received buffers), or a stream of bytes, with the name reports give it and the
/// sidecars that go with it.
///
/// Only ``path(_:sidecars:)`` and ``file(at:name:sidecars:)`` read the disk, and only the file they
/// name and the sidecars the caller asks for: bytes and streams are never matched with files that this
/// machine holds next to the client's name.
public struct MediaInput: Sendable {
    enum Storage: Sendable {
        case path(String)
        case bytes([UInt8])
        case source(any ByteSource)
    }

    let storage: Storage
    /// The name reports show (the path, or the client's file name).
    public let name: String
    /// The sidecars verified with the file.
    public let sidecars: SidecarSource

    /// A file on disk, reported under its path. With `sidecars: .beside` its `FILE.xmp` and `FILE.c2pa`
    /// are read, as the command line does.
    public static func path(_ path: String, sidecars: SidecarLookup = .beside) -> MediaInput {
        MediaInput(storage: .path(path), name: path, sidecars: sidecars == .beside ? .beside(path) : .none)
    }

    /// A file on disk reported under another name (an upload a server spooled to a temporary file):
    /// no sidecar is read beside it unless given.
    public static func file(at path: String, name: String, sidecars: SidecarSource = .none) -> MediaInput {
        MediaInput(storage: .path(path), name: name, sidecars: sidecars)
    }

    /// Bytes in memory, named `name` (its extension must not claim another format than the bytes).
    public static func bytes(_ bytes: [UInt8], name: String, xmpSidecar: [UInt8]? = nil, c2paSidecar: [UInt8]? = nil) -> MediaInput {
        let sidecars: SidecarSource = xmpSidecar == nil && c2paSidecar == nil ? .none : .given(name: name, xmp: xmpSidecar, c2pa: c2paSidecar)
        return MediaInput(storage: .bytes(bytes), name: name, sidecars: sidecars)
    }

    /// Bytes the caller holds in a form of its own, read through `source` as a file would be: ranges
    /// for the structure, chunks for hashing, the whole only for a step that needs it (a pixel decode).
    /// A server hands over the buffers a request body arrived in this way, without gathering them.
    public static func source(_ source: any ByteSource, name: String, xmpSidecar: [UInt8]? = nil, c2paSidecar: [UInt8]? = nil) -> MediaInput {
        let sidecars: SidecarSource = xmpSidecar == nil && c2paSidecar == nil ? .none : .given(name: name, xmp: xmpSidecar, c2pa: c2paSidecar)
        return MediaInput(storage: .source(source), name: name, sidecars: sidecars)
    }

    /// A stream of byte chunks gathered in memory, refused with ``AILabelError/Code/tooLarge`` once it
    /// passes `maxBytes` (before the chunk that passes it is kept).
    public static func stream<Chunks: AsyncSequence>(
        _ chunks: Chunks, name: String, maxBytes: Int, xmpSidecar: [UInt8]? = nil, c2paSidecar: [UInt8]? = nil
    ) async throws(AILabelError) -> MediaInput where Chunks.Element == [UInt8] {
        var bytes: [UInt8] = []
        do {
            for try await chunk in chunks {
                guard chunk.count <= maxBytes - bytes.count else {
                    throw AILabelError(.tooLarge, "the input is over the \(maxBytes)-byte limit")
                }
                bytes += chunk
            }
        } catch {
            throw .wrapping(error, as: .unreadableInput)
        }
        return .bytes(bytes, name: name, xmpSidecar: xmpSidecar, c2paSidecar: c2paSidecar)
    }

    /// Whether the sidecars beside a path are read.
    public enum SidecarLookup: Sendable, Hashable {
        case beside
        case none
    }

    /// The input's bytes as a source (a file is opened, not read).
    func byteSource() throws -> any ByteSource {
        switch storage {
        case .path(let path): return try FileByteSource(path: path)
        case .bytes(let bytes): return bytes
        case .source(let source): return source
        }
    }

    /// Opens and parses the input (on the calling thread).
    func open(registry: AssetRegistry = .standard) throws -> MediaFile {
        try MediaFile(path: name, source: try byteSource(), registry: registry)
    }

    /// The whole input (for sidecar stamping, which hashes the file whole), refused above `limit`.
    func readAll(limit: Int = FileReader.defaultMaximumSize) throws -> [UInt8] {
        switch storage {
        case .path(let path): return try FileReader.read(path, maximumSize: limit)
        case .bytes(let bytes):
            guard bytes.count <= limit else { throw MediaError.make(.limitExceeded, "the input is \(bytes.count) bytes, over the \(limit)-byte limit") }
            return bytes
        case .source(let source):
            guard source.count <= limit else { throw MediaError.make(.limitExceeded, "the input is \(source.count) bytes, over the \(limit)-byte limit") }
            return try source.read(0..<source.count)
        }
    }
}
