/// One entry of a directory ailabel writes: its value either fits the value field or lies at an offset.
struct TIFFWrittenEntry: Sendable, Hashable {
    enum Value: Sendable, Hashable {
        /// The value field's bytes as they are to be stored (at most 4, or 8 in BigTIFF; zero-padded).
        case field([UInt8])
        /// The value lies out of line at this offset of the new file.
        case offset(Int)
    }

    var tag: UInt16
    var type: UInt16
    var count: UInt64
    var value: Value
}

/// Lays out directory tables: entry count, entries sorted by tag (TIFF 6.0 requires ascending order),
/// next-directory offset, all in the file's byte order.
struct TIFFDirectoryWriter {
    let order: TIFFByteOrder
    let isBigTIFF: Bool

    var fieldWidth: Int { isBigTIFF ? 8 : 4 }

    func tableSize(entries: Int) -> Int { isBigTIFF ? 8 + entries * 20 + 8 : 2 + entries * 12 + 4 }

    /// The table's bytes. Throws when a classic TIFF's count or offset would not fit 32 bits.
    func table(_ entries: [TIFFWrittenEntry], next: Int) throws -> [UInt8] {
        let sorted = entries.sorted { $0.tag < $1.tag }
        var out: [UInt8] = []
        out.reserveCapacity(tableSize(entries: sorted.count))
        out += order.bytes(UInt64(sorted.count), width: isBigTIFF ? 8 : 2)
        for entry in sorted {
            out += order.bytes(UInt64(entry.tag), width: 2)
            out += order.bytes(UInt64(entry.type), width: 2)
            out += try number(entry.count, what: "a value count")
            switch entry.value {
            case .field(let bytes):
                out += bytes.prefix(fieldWidth) + Array(repeating: 0, count: max(0, fieldWidth - bytes.count))
            case .offset(let offset):
                out += try number(UInt64(offset), what: "an offset")
            }
        }
        out += try number(UInt64(next), what: "an offset")
        return out
    }

    /// `value` in the width of a count or offset (4 bytes, or 8 in BigTIFF).
    func number(_ value: UInt64, what: String) throws -> [UInt8] {
        if !isBigTIFF && value > UInt64(UInt32.max) {
            throw MediaError.make(.limitExceeded, "\(what) of \(value) does not fit a classic TIFF's 32 bits (the file would need to be a BigTIFF)")
        }
        return order.bytes(value, width: fieldWidth)
    }

    /// Bytes of `value` for a value field when it fits, else nil.
    func inlineField(_ value: [UInt8]) -> [UInt8]? {
        value.count <= fieldWidth ? value + Array(repeating: 0, count: fieldWidth - value.count) : nil
    }
}
