/// A read-ahead window over a ``ByteSource`` for walking a container byte by byte (marker scans,
/// chunk headers): one positioned read fills ``windowSize`` bytes, so a walk makes one system call per
/// window rather than one per field. Reads past the end return nil; nothing here traps.
public struct ByteWindow {
    public let source: any ByteSource
    public let windowSize: Int
    private var buffer: [UInt8] = []
    private var bufferStart = 0

    public init(_ source: any ByteSource, windowSize: Int = 64 * 1024) {
        self.source = source
        self.windowSize = max(16, windowSize)
    }

    public var count: Int { source.count }

    /// The byte at `offset`, or nil when the source ends before it.
    public mutating func byte(at offset: Int) throws -> UInt8? {
        guard offset >= 0, offset < source.count else { return nil }
        if offset < bufferStart || offset >= bufferStart + buffer.count { try fill(from: offset) }
        return buffer[offset - bufferStart]
    }

    /// The bytes of `range`, or nil when the source ends first. Served from the window when it holds
    /// them; a longer range is read directly.
    public mutating func bytes(_ range: Range<Int>) throws -> [UInt8]? {
        guard range.lowerBound >= 0, range.upperBound <= source.count else { return nil }
        if range.count > windowSize { return try source.read(range) }
        if range.lowerBound < bufferStart || range.upperBound > bufferStart + buffer.count { try fill(from: range.lowerBound) }
        return Array(buffer[(range.lowerBound - bufferStart)..<(range.upperBound - bufferStart)])
    }

    public mutating func uint16BE(at offset: Int) throws -> UInt16? {
        guard let high = try byte(at: offset), let low = try byte(at: offset + 1) else { return nil }
        return UInt16(high) << 8 | UInt16(low)
    }

    public mutating func uint32BE(at offset: Int) throws -> UInt32? {
        guard let bytes = try bytes(offset..<offset + 4) else { return nil }
        return UInt32(bytes[0]) << 24 | UInt32(bytes[1]) << 16 | UInt32(bytes[2]) << 8 | UInt32(bytes[3])
    }

    public mutating func uint32LE(at offset: Int) throws -> UInt32? {
        guard let bytes = try bytes(offset..<offset + 4) else { return nil }
        return UInt32(bytes[0]) | UInt32(bytes[1]) << 8 | UInt32(bytes[2]) << 16 | UInt32(bytes[3]) << 24
    }

    private mutating func fill(from offset: Int) throws {
        bufferStart = offset
        buffer = try source.read(offset..<min(source.count, offset + windowSize))
    }
}
