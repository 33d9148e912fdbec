/// One top-level box of a JPEG XL container (ISO/IEC 18181-2): a 32-bit big-endian size (0: to the end
/// of the file; 1: a 64-bit size follows the type), a four-character type, the payload.
struct JXLBox: Sendable, Hashable {
    /// The type as its four bytes.
    let type: [UInt8]
    /// The header and payload.
    let range: Range<Int>
    let data: Range<Int>

    var typeName: String { String(decoding: type, as: UTF8.self) }

    func isType(_ name: String) -> Bool { type.elementsEqual(name.utf8) }
}

/// Splits a JPEG XL container into its top-level boxes by positioned reads of their headers only, and
/// writes boxes. Never trusts a size it has not checked against the bytes the file holds.
enum JXLBoxes {
    /// The container's first box, its signature: size 12, type `JXL `, payload 0D 0A 87 0A.
    static let signature: [UInt8] = [0, 0, 0, 0x0C, 0x4A, 0x58, 0x4C, 0x20, 0x0D, 0x0A, 0x87, 0x0A]
    /// The start of a bare codestream (no container, hence no boxes).
    static let codestreamSignature: [UInt8] = [0xFF, 0x0A]
    /// The `ftyp` box ailabel writes when it wraps a bare codestream (brand `jxl `, version 0, compatible `jxl `).
    static let fileType: [UInt8] = box("ftyp", Array("jxl ".utf8) + [0, 0, 0, 0] + Array("jxl ".utf8))

    /// More top-level boxes than a real file has; c2pa-rs refuses past the same 1024 (`MAX_JXL_BOX_COUNT`).
    static let maximumBoxes = 1024

    /// Whether `source` starts with the container signature (else it may be a bare codestream).
    static func isContainer(_ source: any ByteSource) throws -> Bool {
        guard source.count >= signature.count else { return false }
        return try source.read(at: 0, count: signature.count) == signature
    }

    /// The top-level boxes, the signature box first.
    ///
    /// With `prefix`, `source` is only the start of the file: the walk stops at the first box that the
    /// prefix does not hold whole, returning it as `cut` (its header, if the prefix holds that).
    static func walk(_ source: any ByteSource) throws -> [JXLBox] { try walk(source, prefix: false).boxes }

    static func walk(_ source: any ByteSource, prefix: Bool) throws -> (boxes: [JXLBox], cut: JXLBox?) {
        guard try isContainer(source) else {
            throw MediaError.make(.malformed, "not a JPEG XL container: it does not start with the 'JXL ' signature box")
        }
        var boxes: [JXLBox] = []
        var position = 0
        let end = source.count
        while position < end {
            guard boxes.count < maximumBoxes else {
                throw MediaError.make(.limitExceeded, "more than \(maximumBoxes) top-level boxes in the JPEG XL container")
            }
            guard end - position >= 8 else {
                if prefix { return (boxes, nil) }
                throw MediaError.make(.truncated, "the file ends inside a box header at byte \(position)")
            }
            let header = try source.read(at: position, count: 8, "a box header")
            let size32 = readUInt32BE(header, at: 0)
            let type = Array(header[4..<8])
            var headerSize = 8
            let total: Int
            switch size32 {
            case 0:
                // To the end of the file, which a prefix does not know.
                if prefix { return (boxes, JXLBox(type: type, range: position..<end, data: position + 8..<end)) }
                total = end - position
            case 1:
                if prefix, end - position < 16 { return (boxes, nil) }
                let large = try source.read(at: position + 8, count: 8, "a 64-bit box size")
                var value: UInt64 = 0
                for byte in large { value = value << 8 | UInt64(byte) }
                headerSize = 16
                // Compared as unsigned before any conversion: a size near 2^64 neither traps nor wraps.
                guard value <= UInt64(end - position) else {
                    if prefix { return (boxes, JXLBox(type: type, range: position..<end, data: position + 16..<end)) }
                    throw MediaError.make(
                        .truncated, "box \(printable(type)) at byte \(position) declares a 64-bit size of \(value) bytes but only \(end - position) remain")
                }
                total = Int(value)
            default:
                total = Int(size32)
                guard total <= end - position else {
                    if prefix { return (boxes, JXLBox(type: type, range: position..<end, data: position + 8..<end)) }
                    throw MediaError.make(
                        .truncated, "box \(printable(type)) at byte \(position) declares \(total) bytes but only \(end - position) remain")
                }
            }
            guard total >= headerSize else {
                throw MediaError.make(.malformed, "box \(printable(type)) at byte \(position) declares \(total) bytes, less than its own header")
            }
            boxes.append(JXLBox(type: type, range: position..<position + total, data: position + headerSize..<position + total))
            position += total
        }
        return (boxes, nil)
    }

    /// A box as written: a 32-bit size, or size 1 and a 64-bit size when it does not fit 32 bits.
    static func box(_ type: String, _ payload: [UInt8]) -> [UInt8] {
        header(type, payloadCount: payload.count) + payload
    }

    static func header(_ type: String, payloadCount: Int) -> [UInt8] {
        if payloadCount + 8 <= Int(UInt32.max) {
            return bigEndian(UInt64(payloadCount + 8), bytes: 4) + Array(type.utf8)
        }
        return [0, 0, 0, 1] + Array(type.utf8) + bigEndian(UInt64(payloadCount + 16), bytes: 8)
    }

    static func bigEndian(_ value: UInt64, bytes: Int) -> [UInt8] {
        (0..<bytes).reversed().map { UInt8(truncatingIfNeeded: value >> (8 * UInt64($0))) }
    }

    static func readUInt32BE(_ bytes: [UInt8], at index: Int) -> UInt32 {
        UInt32(bytes[index]) << 24 | UInt32(bytes[index + 1]) << 16 | UInt32(bytes[index + 2]) << 8 | UInt32(bytes[index + 3])
    }

    /// A box type as text safe for a message.
    static func printable(_ type: [UInt8]) -> String {
        "'" + String(type.map { $0 >= 0x20 && $0 < 0x7F ? Character(Unicode.Scalar($0)) : "?" }) + "'"
    }

    /// Bytes of a `jumb` payload that hold its description box's label: size, `jumd`, a 16-byte UUID,
    /// the toggles, then the label (`c2pa` and its NUL). c2pa-rs peeks the same 30.
    static let jumdLabelPeek = 30

    /// Whether a `jumb` box is the C2PA manifest store: its first inner box is a `jumd` whose label
    /// is `c2pa` (c2pa-rs `jumb_data_has_c2pa_label`). Other `jumb` boxes (EXIF in JUMBF) are not.
    static func isC2PAStore(_ box: JXLBox, in source: any ByteSource) throws -> Bool {
        guard box.isType("jumb"), box.data.count >= 25 else { return false }
        let peek = try source.read(at: box.data.lowerBound, count: min(box.data.count, jumdLabelPeek), "a JUMBF description box")
        guard peek[4..<8].elementsEqual("jumd".utf8), peek[24] & 0x03 == 0x03 else { return false }
        let label = peek[25...].prefix { $0 != 0 }
        return label.elementsEqual("c2pa".utf8)
    }
}
