/// Where a `SplicePlan` writes the file it describes: an array in memory, a hasher, or a file being
/// written (`AtomicFile`'s temporary file).
public protocol ByteSink {
    mutating func write(_ chunk: UnsafeRawBufferPointer) throws
}

/// Collects the written bytes in memory (for small files, tests and callers that want an array).
public struct ArrayByteSink: ByteSink {
    public private(set) var bytes: [UInt8] = []

    public init(reservingCapacity capacity: Int = 0) { bytes.reserveCapacity(capacity) }

    public mutating func write(_ chunk: UnsafeRawBufferPointer) throws { bytes.append(contentsOf: chunk) }
}
