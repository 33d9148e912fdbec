/// A bounds-checked reader over a slice of a file. Every read returns `nil` or throws on short input;
/// nothing here traps, whatever the bytes say.
public struct ByteCursor: Sendable {
    public let bytes: ArraySlice<UInt8>
    /// Absolute index of the next byte to read (indices are those of the underlying array).
    public private(set) var position: Int

    public init(_ bytes: ArraySlice<UInt8>) {
        self.bytes = bytes
        self.position = bytes.startIndex
    }

    public init(_ bytes: [UInt8]) { self.init(bytes[...]) }

    public var remaining: Int { bytes.endIndex - position }
    public var isAtEnd: Bool { position >= bytes.endIndex }

    public mutating func readUInt8() -> UInt8? {
        guard position < bytes.endIndex else { return nil }
        defer { position += 1 }
        return bytes[position]
    }

    public func peekUInt8(at offset: Int = 0) -> UInt8? {
        let index = position + offset
        guard index >= position, index < bytes.endIndex else { return nil }
        return bytes[index]
    }

    public mutating func readUInt16BE() -> UInt16? {
        guard remaining >= 2 else { return nil }
        defer { position += 2 }
        return UInt16(bytes[position]) << 8 | UInt16(bytes[position + 1])
    }

    public mutating func readUInt32BE() -> UInt32? {
        guard remaining >= 4 else { return nil }
        defer { position += 4 }
        return UInt32(bytes[position]) << 24 | UInt32(bytes[position + 1]) << 16
            | UInt32(bytes[position + 2]) << 8 | UInt32(bytes[position + 3])
    }

    public mutating func readUInt64BE() -> UInt64? {
        guard let high = readUInt32BE(), let low = readUInt32BE() else { return nil }
        return UInt64(high) << 32 | UInt64(low)
    }

    /// Reads `count` bytes as a slice of the original buffer (no copy).
    public mutating func readBytes(_ count: Int) -> ArraySlice<UInt8>? {
        guard count >= 0, remaining >= count else { return nil }
        defer { position += count }
        return bytes[position..<position + count]
    }

    public mutating func skip(_ count: Int) -> Bool {
        guard count >= 0, remaining >= count else { return false }
        position += count
        return true
    }

    /// Moves to an absolute index inside the buffer.
    public mutating func seek(to index: Int) -> Bool {
        guard index >= bytes.startIndex, index <= bytes.endIndex else { return false }
        position = index
        return true
    }
}

extension Array where Element == UInt8 {
    mutating func appendUInt16BE(_ value: UInt16) {
        append(UInt8(value >> 8))
        append(UInt8(value & 0xFF))
    }

    mutating func appendUInt32BE(_ value: UInt32) {
        append(UInt8(value >> 24))
        append(UInt8((value >> 16) & 0xFF))
        append(UInt8((value >> 8) & 0xFF))
        append(UInt8(value & 0xFF))
    }
}

extension Collection where Element == UInt8 {
    /// Whether the bytes start with the ASCII string `prefix`.
    public func starts(withASCII prefix: String) -> Bool {
        starts(with: prefix.utf8)
    }
}
