/// A TIFF's byte order (`II` little-endian, `MM` big-endian): every number in the file, header,
/// directories and values, is read and written in it.
struct TIFFByteOrder: Sendable, Hashable {
    let littleEndian: Bool

    static let little = TIFFByteOrder(littleEndian: true)
    static let big = TIFFByteOrder(littleEndian: false)

    /// The unsigned number in `width` bytes at `index` of `bytes` (the caller has checked the bounds).
    func unsigned(_ bytes: ArraySlice<UInt8>, at index: Int, width: Int) -> UInt64 {
        var value: UInt64 = 0
        for step in 0..<width {
            let byte = UInt64(bytes[index + (littleEndian ? width - 1 - step : step)])
            value = value << 8 | byte
        }
        return value
    }

    func uint16(_ bytes: ArraySlice<UInt8>, at index: Int) -> UInt16 { UInt16(unsigned(bytes, at: index, width: 2)) }
    func uint32(_ bytes: ArraySlice<UInt8>, at index: Int) -> UInt32 { UInt32(unsigned(bytes, at: index, width: 4)) }
    func uint64(_ bytes: ArraySlice<UInt8>, at index: Int) -> UInt64 { unsigned(bytes, at: index, width: 8) }

    /// `value` as `width` bytes in this order.
    func bytes(_ value: UInt64, width: Int) -> [UInt8] {
        (0..<width).map { step in
            let shift = UInt64(8 * (littleEndian ? step : width - 1 - step))
            return UInt8(truncatingIfNeeded: value >> shift)
        }
    }
}
