import Crypto
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Bytes of an asset that the validator hashes: in memory, or a file read in chunks so that a
/// large asset is never held whole.
public protocol AssetSource: Sendable {
    var count: Int { get }
    /// Calls `body` with consecutive chunks covering `range`.
    func forEachChunk(in range: Range<Int>, _ body: (UnsafeRawBufferPointer) -> Void) throws
}

extension Array: AssetSource where Element == UInt8 {
    public func forEachChunk(in range: Range<Int>, _ body: (UnsafeRawBufferPointer) -> Void) throws {
        self[range].withUnsafeBytes { body($0) }
    }
}

/// A file on disk, hashed in chunks of ``chunkSize`` bytes read with POSIX `pread` into one
/// reused buffer, so that a large asset is never held whole in memory.
public struct FileAssetSource: AssetSource {
    public let path: String
    public let count: Int
    public var chunkSize = 1 << 20

    public init(path: String) throws {
        let descriptor = open(path, O_RDONLY)
        guard descriptor >= 0 else { throw ManifestError.make(.io, "Cannot open \(path): errno \(errno)") }
        defer { close(descriptor) }
        let size = lseek(descriptor, 0, SEEK_END)
        guard size >= 0 else { throw ManifestError.make(.io, "Cannot read the size of \(path): errno \(errno)") }
        self.path = path
        self.count = Int(size)
    }

    public func forEachChunk(in range: Range<Int>, _ body: (UnsafeRawBufferPointer) -> Void) throws {
        let descriptor = open(path, O_RDONLY)
        guard descriptor >= 0 else { throw ManifestError.make(.io, "Cannot open \(path): errno \(errno)") }
        defer { close(descriptor) }
        var buffer = [UInt8](repeating: 0, count: Swift.max(1, Swift.min(chunkSize, range.count)))
        var offset = range.lowerBound
        while offset < range.upperBound {
            let want = Swift.min(buffer.count, range.upperBound - offset)
            let got = buffer.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress, want, off_t(offset)) }
            guard got > 0 else { throw ManifestError.make(.io, "\(path) ended early or could not be read") }
            buffer.withUnsafeBytes { body(UnsafeRawBufferPointer(rebasing: $0[0..<got])) }
            offset += got
        }
    }

    /// The first `length` bytes (where a store is usually found; a WebP's is last, so its handler asks for more).
    func prefix(_ length: Int) throws -> [UInt8] {
        let wanted = Swift.min(length, count)
        var out = [UInt8](repeating: 0, count: wanted)
        var filled = 0
        try out.withUnsafeMutableBytes { target in
            try forEachChunk(in: 0..<wanted) { chunk in
                UnsafeMutableRawBufferPointer(rebasing: target[filled..<filled + chunk.count]).copyMemory(from: chunk)
                filled += chunk.count
            }
        }
        return out
    }
}

/// A hash function named by a C2PA `alg` string.
enum HashAlgorithm: String {
    case sha256, sha384, sha512

    init?(c2paName: String?) {
        self.init(rawValue: (c2paName ?? "sha256").lowercased().replacingOccurrences(of: "-", with: ""))
    }

    var digestLength: Int {
        switch self {
        case .sha256: return 32
        case .sha384: return 48
        case .sha512: return 64
        }
    }

    func hash<C: Sequence>(_ bytes: C) -> [UInt8] where C.Element == UInt8 {
        let array = Array(bytes)
        switch self {
        case .sha256: return Array(SHA256.hash(data: array))
        case .sha384: return Array(SHA384.hash(data: array))
        case .sha512: return Array(SHA512.hash(data: array))
        }
    }

    /// The hash of `source` without the `exclusions` (sorted, in range), read chunk by chunk.
    func hash(_ source: any AssetSource, excluding exclusions: [Range<Int>]) throws -> [UInt8] {
        var included: [Range<Int>] = []
        var position = 0
        for exclusion in exclusions.sorted(by: { $0.lowerBound < $1.lowerBound }) {
            if exclusion.lowerBound > position { included.append(position..<exclusion.lowerBound) }
            position = Swift.max(position, exclusion.upperBound)
        }
        if position < source.count { included.append(position..<source.count) }
        switch self {
        case .sha256:
            var hasher = SHA256()
            for range in included { try source.forEachChunk(in: range) { hasher.update(bufferPointer: $0) } }
            return Array(hasher.finalize())
        case .sha384:
            var hasher = SHA384()
            for range in included { try source.forEachChunk(in: range) { hasher.update(bufferPointer: $0) } }
            return Array(hasher.finalize())
        case .sha512:
            var hasher = SHA512()
            for range in included { try source.forEachChunk(in: range) { hasher.update(bufferPointer: $0) } }
            return Array(hasher.finalize())
        }
    }
}
