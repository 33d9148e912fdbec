/// Where a `SplicePlan` writes the file it describes: an array in memory, a hasher, or a file being
/// written (`AtomicFile`'s temporary file).
public protocol ByteSink {
    mutating func write(_ chunk: UnsafeRawBufferPointer) throws
    /// Writes `range` of `source`. The default reads it chunk by chunk into ``write(_:)``; a file sink
    /// copies a range of a file inside the kernel instead (the media of a movie, gigabytes that ailabel
    /// never needs to see).
    mutating func copy(_ range: Range<Int>, of source: any ByteSource) throws
}

extension ByteSink {
    public mutating func copy(_ range: Range<Int>, of source: any ByteSource) throws {
        try source.forEachChunk(in: range) { try write($0) }
    }
}

/// Collects the written bytes in memory (for small files, tests and callers that want an array).
public struct ArrayByteSink: ByteSink {
    public private(set) var bytes: [UInt8] = []

    public init(reservingCapacity capacity: Int = 0) { bytes.reserveCapacity(capacity) }

    public mutating func write(_ chunk: UnsafeRawBufferPointer) throws { bytes.append(contentsOf: chunk) }
}
