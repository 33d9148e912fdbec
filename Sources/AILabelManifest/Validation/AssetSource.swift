import Crypto
import Foundation

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

/// A file on disk, hashed in chunks of ``chunkSize`` bytes.
public struct FileAssetSource: AssetSource {
    public let path: String
    public let count: Int
    public var chunkSize = 1 << 20

    public init(path: String) throws {
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: path),
            let size = attributes[.size] as? NSNumber
        else {
            throw ManifestError.make(.io, "Cannot read \(path)")
        }
        self.path = path
        self.count = size.intValue
    }

    public func forEachChunk(in range: Range<Int>, _ body: (UnsafeRawBufferPointer) -> Void) throws {
        guard let handle = FileHandle(forReadingAtPath: path) else { throw ManifestError.make(.io, "Cannot open \(path)") }
        defer { try? handle.close() }
        try handle.seek(toOffset: UInt64(range.lowerBound))
        var remaining = range.count
        while remaining > 0 {
            let want = Swift.min(chunkSize, remaining)
            guard let data = try handle.read(upToCount: want), !data.isEmpty else {
                throw ManifestError.make(.io, "\(path) ended early")
            }
            data.withUnsafeBytes { body($0) }
            remaining -= data.count
        }
    }

    /// The first `length` bytes (where the store of a JPEG or PNG is usually found).
    func prefix(_ length: Int) throws -> [UInt8] {
        guard let handle = FileHandle(forReadingAtPath: path) else { throw ManifestError.make(.io, "Cannot open \(path)") }
        defer { try? handle.close() }
        return [UInt8](try handle.read(upToCount: Swift.min(length, count)) ?? Data())
    }
}

/// A hash function named by a C2PA `alg` string.
enum HashAlgorithm: String {
    case sha256, sha384, sha512

    init?(c2paName: String?) {
        self.init(rawValue: (c2paName ?? "sha256").lowercased().replacingOccurrences(of: "-", with: ""))
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
