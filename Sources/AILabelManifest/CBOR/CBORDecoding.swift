extension CBOR {
    /// Limits that bound the work and memory a hostile CBOR item can cause.
    public struct DecodingLimits: Sendable, Hashable {
        /// Deepest nesting of arrays, maps and tags.
        public var maximumDepth: Int
        /// Most data items in one decode (counting every nested item).
        public var maximumItems: Int
        /// Longest single byte or text string.
        public var maximumStringLength: Int

        public init(maximumDepth: Int = 64, maximumItems: Int = 1_000_000, maximumStringLength: Int = 64 << 20) {
            self.maximumDepth = maximumDepth
            self.maximumItems = maximumItems
            self.maximumStringLength = maximumStringLength
        }

        public static let standard = DecodingLimits()
    }

    /// Decodes exactly one item that fills `bytes`; trailing bytes are an error.
    ///
    /// Hostile input throws ``ManifestError/Code/cborMalformed``: a declared length is compared
    /// with the bytes left before anything is allocated, nesting is bounded by
    /// ``DecodingLimits/maximumDepth`` without recursion past it, and the total item count is capped.
    public init<C: Collection>(decoding bytes: C, limits: DecodingLimits = .standard) throws
    where C.Element == UInt8 {
        let array = Array(bytes)
        var decoder = CBORDecoder(bytes: array[...], limits: limits)
        let item = try decoder.decodeItem(depth: 0)
        guard decoder.position == array.endIndex else {
            throw ManifestError.make(
                .cborMalformed, "CBOR item is followed by \(array.endIndex - decoder.position) trailing bytes")
        }
        self = item
    }
}

struct CBORDecoder {
    let bytes: ArraySlice<UInt8>
    let limits: CBOR.DecodingLimits
    var position: Int
    var items = 0

    init(bytes: ArraySlice<UInt8>, limits: CBOR.DecodingLimits) {
        self.bytes = bytes
        self.limits = limits
        self.position = bytes.startIndex
    }

    var remaining: Int { bytes.endIndex - position }

    private func fail(_ reason: String) -> ManifestError {
        ManifestError.make(.cborMalformed, reason)
    }

    mutating func readByte() throws -> UInt8 {
        guard position < bytes.endIndex else { throw fail("CBOR ends in the middle of an item") }
        defer { position += 1 }
        return bytes[position]
    }

    mutating func readUInt(_ count: Int) throws -> UInt64 {
        guard remaining >= count else { throw fail("CBOR ends in the middle of an item head") }
        var value: UInt64 = 0
        for index in 0..<count { value = value << 8 | UInt64(bytes[position + index]) }
        position += count
        return value
    }

    /// The argument of a head whose additional information is `info` (nil = indefinite length).
    mutating func readArgument(_ info: UInt8) throws -> UInt64? {
        switch info {
        case 0..<24: return UInt64(info)
        case 24: return try readUInt(1)
        case 25: return try readUInt(2)
        case 26: return try readUInt(4)
        case 27: return try readUInt(8)
        case 31: return nil
        default: throw fail("reserved CBOR additional information \(info)")
        }
    }

    /// A declared length checked against the bytes that remain, before any allocation.
    mutating func checkedLength(_ declared: UInt64, minimumBytesEach: Int, what: String) throws -> Int {
        guard declared <= UInt64(Int.max / max(minimumBytesEach, 1)) else {
            throw fail("CBOR \(what) declares \(declared) entries, more than any input can hold")
        }
        let count = Int(declared)
        guard count * minimumBytesEach <= remaining else {
            throw fail("CBOR \(what) declares \(declared) \(minimumBytesEach == 1 ? "bytes" : "entries") but only \(remaining) bytes remain")
        }
        return count
    }

    mutating func countItem() throws {
        items += 1
        guard items <= limits.maximumItems else {
            throw fail("CBOR holds more than \(limits.maximumItems) items")
        }
    }

    mutating func decodeItem(depth: Int) throws -> CBOR {
        guard depth <= limits.maximumDepth else {
            throw fail("CBOR nesting is deeper than \(limits.maximumDepth) levels")
        }
        try countItem()
        let initial = try readByte()
        let major = initial >> 5
        let info = initial & 0x1F
        switch major {
        case 0:
            guard let value = try readArgument(info) else { throw fail("indefinite-length integer") }
            return .unsigned(value)
        case 1:
            guard let value = try readArgument(info) else { throw fail("indefinite-length integer") }
            return .negative(value)
        case 2:
            return .bytes(try readString(info: info, major: 2))
        case 3:
            let raw = try readString(info: info, major: 3)
            guard let text = String(validating: raw, as: UTF8.self) else {
                throw fail("CBOR text string is not valid UTF-8")
            }
            return .text(text)
        case 4:
            var items: [CBOR] = []
            if let declared = try readArgument(info) {
                let count = try checkedLength(declared, minimumBytesEach: 1, what: "array")
                items.reserveCapacity(count)
                for _ in 0..<count { items.append(try decodeItem(depth: depth + 1)) }
            } else {
                while try !consumeBreak() { items.append(try decodeItem(depth: depth + 1)) }
            }
            return .array(items)
        case 5:
            var entries: [(key: CBOR, value: CBOR)] = []
            if let declared = try readArgument(info) {
                let count = try checkedLength(declared, minimumBytesEach: 2, what: "map")
                entries.reserveCapacity(count)
                for _ in 0..<count {
                    let key = try decodeItem(depth: depth + 1)
                    let value = try decodeItem(depth: depth + 1)
                    entries.append((key: key, value: value))
                }
            } else {
                while try !consumeBreak() {
                    let key = try decodeItem(depth: depth + 1)
                    let value = try decodeItem(depth: depth + 1)
                    entries.append((key: key, value: value))
                }
            }
            return .map(entries)
        case 6:
            guard let tag = try readArgument(info) else { throw fail("indefinite-length tag") }
            return .tagged(tag, try decodeItem(depth: depth + 1))
        default:
            switch info {
            case 20: return .bool(false)
            case 21: return .bool(true)
            case 22: return .null
            case 23: return .undefined
            case 24:
                let value = try readByte()
                guard value >= 32 else { throw fail("CBOR simple value \(value) uses a two-byte encoding") }
                return .simple(value)
            case 25: return .float(CBOR.halfToDouble(UInt16(try readUInt(2))))
            case 26: return .float(Double(Float(bitPattern: UInt32(try readUInt(4)))))
            case 27: return .float(Double(bitPattern: try readUInt(8)))
            case 31: throw fail("CBOR break code outside an indefinite-length item")
            case 28...30: throw fail("reserved CBOR additional information \(info)")
            default: return .simple(info)
            }
        }
    }

    mutating func consumeBreak() throws -> Bool {
        guard position < bytes.endIndex else { throw fail("indefinite-length CBOR item has no break code") }
        if bytes[position] == 0xFF {
            position += 1
            return true
        }
        return false
    }

    mutating func readString(info: UInt8, major: UInt8) throws -> [UInt8] {
        if let declared = try readArgument(info) {
            let count = try checkedLength(declared, minimumBytesEach: 1, what: major == 2 ? "byte string" : "text string")
            guard count <= limits.maximumStringLength else {
                throw fail("CBOR string of \(count) bytes exceeds the limit of \(limits.maximumStringLength)")
            }
            defer { position += count }
            return Array(bytes[position..<position + count])
        }
        // Indefinite length: definite chunks of the same major type until a break.
        var out: [UInt8] = []
        while try !consumeBreak() {
            let head = try readByte()
            guard head >> 5 == major, head & 0x1F != 31 else {
                throw fail("indefinite-length CBOR string holds a chunk of another type")
            }
            try countItem()
            guard let declared = try readArgument(head & 0x1F) else { throw fail("nested indefinite string") }
            let count = try checkedLength(declared, minimumBytesEach: 1, what: "string chunk")
            guard out.count + count <= limits.maximumStringLength else {
                throw fail("CBOR string exceeds the limit of \(limits.maximumStringLength) bytes")
            }
            out.append(contentsOf: bytes[position..<position + count])
            position += count
        }
        return out
    }
}
