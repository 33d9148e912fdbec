import AILabelMedia
import Crypto
import Foundation

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

    /// The hash of `range` of a source, read chunk by chunk.
    func hash(_ source: any ByteSource, range: Range<Int>) throws -> [UInt8] {
        try hash(source, excluding: [0..<range.lowerBound, range.upperBound..<source.count])
    }

    /// The hash of `source` without the `exclusions` (sorted, in range), read chunk by chunk.
    func hash(_ source: any ByteSource, excluding exclusions: [Range<Int>]) throws -> [UInt8] {
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
