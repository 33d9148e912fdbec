#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// File names as the kernel has them: bytes, not necessarily UTF-8. Paths travel through ailabel as Swift
/// strings, which cannot hold a byte that is not part of valid UTF-8; decoding such a name with
/// replacement characters would make the file unreachable (or, worse, name another file). So names are
/// decoded losslessly, as Python's `surrogateescape` does but with private-use scalars a Swift string can
/// hold:
///
/// - a byte that is not part of a well-formed UTF-8 sequence becomes U+F700 + byte;
/// - a well-formed character that is itself in U+F700…U+F7FF is decoded as its three bytes, each escaped
///   the same way, so that decoding is injective and `encode(decode(bytes)) == bytes` for every name.
///
/// Every name read from the system (`readdir`, `realpath`, argv, standard input) is decoded here, and
/// every path handed to a system call is encoded here (``withPlatformString(_:_:)``), byte for byte.
/// Text for people shows the escaped bytes as `\xNN` (``visible(_:)``).
public enum PathBytes {
    /// The first scalar of the escape range: byte `b` is U+F700 + `b`.
    public static let escapeBase: UInt32 = 0xF700

    /// The lossless string for a name's bytes.
    public static func decode<Bytes: Collection>(_ bytes: Bytes) -> String where Bytes.Element == UInt8 {
        let bytes = Array(bytes)
        var scalars = String.UnicodeScalarView()
        var index = 0
        while index < bytes.count {
            let length = wellFormedLength(bytes, at: index)
            if length == 0 {
                scalars.append(escape(bytes[index]))
                index += 1
                continue
            }
            let scalar = Self.scalar(bytes[index..<index + length])
            if scalar.value >= escapeBase && scalar.value <= escapeBase + 0xFF {
                // A real U+F7xx character: escaped byte by byte, or it would read back as one byte.
                for byte in bytes[index..<index + length] { scalars.append(escape(byte)) }
            } else {
                scalars.append(scalar)
            }
            index += length
        }
        return String(scalars)
    }

    /// The lossless string for a NUL-terminated name from the system.
    public static func decode(cString: UnsafePointer<CChar>) -> String {
        decode(UnsafeRawBufferPointer(start: cString, count: strlen(cString)))
    }

    /// The bytes a path string stands for: escapes back to their byte, everything else as UTF-8.
    public static func encode(_ path: String) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(path.utf8.count)
        for scalar in path.unicodeScalars {
            if scalar.value >= escapeBase && scalar.value <= escapeBase + 0xFF {
                bytes.append(UInt8(scalar.value - escapeBase))
            } else {
                bytes.append(contentsOf: String(scalar).utf8)
            }
        }
        return bytes
    }

    /// Calls `body` with the path as the NUL-terminated bytes the kernel expects. The one way a path
    /// string reaches a system call.
    @discardableResult
    public static func withPlatformString<Result>(_ path: String, _ body: (UnsafePointer<CChar>) throws -> Result) rethrows -> Result {
        var bytes = encode(path)
        bytes.append(0)
        return try bytes.withUnsafeBufferPointer { buffer in
            try buffer.baseAddress!.withMemoryRebound(to: CChar.self, capacity: buffer.count) { try body($0) }
        }
    }

    /// Whether the path holds bytes that are not UTF-8 (or a character of the escape range).
    public static func hasEscapes(_ path: String) -> Bool {
        path.unicodeScalars.contains { $0.value >= escapeBase && $0.value <= escapeBase + 0xFF }
    }

    /// The path for people and for JSON: each escaped byte shown as `\xNN` (a backslash is left as it is;
    /// the escape is what `printf '\xNN'` or Python's `b"\xNN"` reads back).
    public static func visible(_ path: String) -> String {
        guard hasEscapes(path) else { return path }
        var text = ""
        for scalar in path.unicodeScalars {
            if scalar.value >= escapeBase && scalar.value <= escapeBase + 0xFF {
                let byte = scalar.value - escapeBase
                text += "\\x" + (byte < 16 ? "0" : "") + String(byte, radix: 16, uppercase: false)
            } else {
                text.unicodeScalars.append(scalar)
            }
        }
        return text
    }

    private static func escape(_ byte: UInt8) -> Unicode.Scalar {
        Unicode.Scalar(escapeBase + UInt32(byte))!
    }

    /// The length of the well-formed UTF-8 sequence at `index` (Unicode Table 3-7), or 0.
    private static func wellFormedLength(_ bytes: [UInt8], at index: Int) -> Int {
        let lead = bytes[index]
        func continuation(_ offset: Int, _ range: ClosedRange<UInt8> = 0x80...0xBF) -> Bool {
            index + offset < bytes.count && range.contains(bytes[index + offset])
        }
        switch lead {
        case 0x00...0x7F: return 1
        case 0xC2...0xDF: return continuation(1) ? 2 : 0
        case 0xE0: return continuation(1, 0xA0...0xBF) && continuation(2) ? 3 : 0
        case 0xE1...0xEC, 0xEE...0xEF: return continuation(1) && continuation(2) ? 3 : 0
        case 0xED: return continuation(1, 0x80...0x9F) && continuation(2) ? 3 : 0
        case 0xF0: return continuation(1, 0x90...0xBF) && continuation(2) && continuation(3) ? 4 : 0
        case 0xF1...0xF3: return continuation(1) && continuation(2) && continuation(3) ? 4 : 0
        case 0xF4: return continuation(1, 0x80...0x8F) && continuation(2) && continuation(3) ? 4 : 0
        default: return 0
        }
    }

    private static func scalar(_ sequence: ArraySlice<UInt8>) -> Unicode.Scalar {
        var value: UInt32
        let first = UInt32(sequence.first!)
        switch sequence.count {
        case 1: return Unicode.Scalar(first)!
        case 2: value = first & 0x1F
        case 3: value = first & 0x0F
        default: value = first & 0x07
        }
        for byte in sequence.dropFirst() { value = value << 6 | UInt32(byte & 0x3F) }
        return Unicode.Scalar(value)!
    }
}

extension PathBytes {
    /// ``withPlatformString(_:_:)`` for the calls that take two paths (`renameat`).
    @discardableResult
    public static func withPlatformStrings<Result>(
        _ first: String, _ second: String, _ body: (UnsafePointer<CChar>, UnsafePointer<CChar>) throws -> Result
    ) rethrows -> Result {
        try withPlatformString(first) { first in try withPlatformString(second) { second in try body(first, second) } }
    }
}

extension PathBytes {
    /// A JSON document with each escaped byte written as the text `\xNN` (JSON `"\\xNN"`), so a report
    /// names the bytes visibly instead of carrying private-use characters a reader would take for text.
    /// The scalars can only occur inside JSON strings, where the escaped backslash keeps the document valid.
    public static func visibleInJSON(_ json: String) -> String {
        guard hasEscapes(json) else { return json }
        var text = ""
        for scalar in json.unicodeScalars {
            if scalar.value >= escapeBase && scalar.value <= escapeBase + 0xFF {
                text += "\\" + visible(String(scalar))
            } else {
                text.unicodeScalars.append(scalar)
            }
        }
        return text
    }
}
