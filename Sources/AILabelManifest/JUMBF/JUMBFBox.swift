/// A JUMBF superbox (`jumb`, ISO/IEC 19566-5): a description box followed by content boxes and
/// nested superboxes. C2PA manifest stores, manifests, assertion stores and assertions are all
/// superboxes.
///
/// A parsed superbox keeps ``encodedBytes``, the exact bytes it occupied in the input, because the
/// hashed URIs of C2PA assertions are computed over those bytes as stored.
public struct JUMBFSuperbox: Sendable {
    public var description: JUMBFDescription
    public var children: [JUMBFElement]
    /// The whole box as it was parsed, header included; `nil` for a box built in memory.
    public var encodedBytes: ArraySlice<UInt8>?

    public init(description: JUMBFDescription, children: [JUMBFElement]) {
        self.description = description
        self.children = children
        self.encodedBytes = nil
    }

    /// The label of the description box.
    public var label: String? { description.label }

    /// The direct child superboxes.
    public var superboxes: [JUMBFSuperbox] {
        children.compactMap { if case .superbox(let box) = $0 { return box } else { return nil } }
    }

    /// The direct content boxes.
    public var contentBoxes: [JUMBFContentBox] {
        children.compactMap { if case .content(let box) = $0 { return box } else { return nil } }
    }

    /// The first direct child superbox with this label.
    public func child(labelled label: String) -> JUMBFSuperbox? {
        superboxes.first { $0.label == label }
    }

    /// The bytes a C2PA hashed URI to this superbox covers: the box without its LBox/TBox
    /// (and XLBox) header, that is its description box and children, as parsed or freshly serialised.
    /// (The reference SDK hashes assertions, manifests and signature boxes this way.)
    public var bytesForHashing: ArraySlice<UInt8> {
        let whole = encodedBytes ?? serialized()[...]
        guard whole.count >= 8 else { return whole }
        let s = whole.startIndex
        let isExtended = whole[s] == 0 && whole[s + 1] == 0 && whole[s + 2] == 0 && whole[s + 3] == 1
        return whole.dropFirst(isExtended ? 16 : 8)
    }
}

/// One child of a superbox.
public enum JUMBFElement: Sendable {
    case superbox(JUMBFSuperbox)
    case content(JUMBFContentBox)
}

/// A content box: a four-character type (`cbor`, `json`, `uuid`, `bfdb`, `bidb`, `c2sh`…) and its payload.
public struct JUMBFContentBox: Sendable, Hashable {
    public var type: String
    public var payload: ArraySlice<UInt8>

    public init(type: String, payload: ArraySlice<UInt8>) {
        self.type = type
        self.payload = payload
    }

    public init(type: String, payload: [UInt8]) {
        self.init(type: type, payload: payload[...])
    }
}

/// The description box (`jumd`) of a superbox.
public struct JUMBFDescription: Sendable, Hashable {
    /// The 16-byte type UUID (C2PA: `xxxx0011-0010-8000-00AA00389B71` with a four-character prefix).
    public var typeUUID: [UInt8]
    /// The toggles byte: 0x01 requestable, 0x02 label, 0x04 ID, 0x08 signature, 0x10 private box.
    public var toggles: UInt8
    public var label: String?
    public var id: UInt32?
    /// The 32-byte SHA-256 "signature" field, when toggle 0x08 is set.
    public var hash: [UInt8]?
    /// The private box (C2PA: the `c2sh` salt box), when toggle 0x10 is set.
    public var privateBox: JUMBFContentBox?

    public init(typeUUID: [UInt8], label: String?, toggles: UInt8? = nil, id: UInt32? = nil,
                hash: [UInt8]? = nil, privateBox: JUMBFContentBox? = nil) {
        self.typeUUID = typeUUID
        self.label = label
        self.id = id
        self.hash = hash
        self.privateBox = privateBox
        if let toggles {
            self.toggles = toggles
        } else {
            var computed: UInt8 = 0x01
            if label != nil { computed |= 0x02 }
            if id != nil { computed |= 0x04 }
            if hash != nil { computed |= 0x08 }
            if privateBox != nil { computed |= 0x10 }
            self.toggles = computed
        }
    }

    /// A C2PA type UUID: the four ASCII characters `prefix` followed by `0011-0010-8000-00AA00389B71`.
    public static func c2paType(_ prefix: String) -> [UInt8] {
        Array(prefix.utf8.prefix(4)) + [0x00, 0x11, 0x00, 0x10, 0x80, 0x00, 0x00, 0xAA, 0x00, 0x38, 0x9B, 0x71]
    }

    /// The four-character prefix of a C2PA type UUID (`c2pa`, `c2ma`, `c2cl`…), or `nil`.
    public var c2paTypePrefix: String? {
        guard typeUUID.count == 16, Array(typeUUID[4...]) == Array(JUMBFDescription.c2paType("xxxx")[4...]) else {
            return nil
        }
        return String(decoding: typeUUID[0..<4], as: UTF8.self)
    }
}

/// Limits that bound a hostile JUMBF tree.
public struct JUMBFLimits: Sendable, Hashable {
    public var maximumDepth: Int
    public var maximumBoxes: Int

    public init(maximumDepth: Int = 16, maximumBoxes: Int = 100_000) {
        self.maximumDepth = maximumDepth
        self.maximumBoxes = maximumBoxes
    }

    public static let standard = JUMBFLimits()
}

// MARK: Parsing

extension JUMBFSuperbox {
    /// Parses exactly one superbox that fills `bytes` (a C2PA manifest store); trailing bytes are an error.
    public init(parsing bytes: ArraySlice<UInt8>, limits: JUMBFLimits = .standard) throws {
        var parser = JUMBFParser(limits: limits)
        var position = bytes.startIndex
        let box = try parser.parseSuperbox(in: bytes, at: &position, depth: 0)
        guard position == bytes.endIndex else {
            throw ManifestError.make(.jumbfMalformed, "\(bytes.endIndex - position) bytes follow the JUMBF superbox")
        }
        self = box
    }

    public init(parsing bytes: [UInt8], limits: JUMBFLimits = .standard) throws {
        try self.init(parsing: bytes[...], limits: limits)
    }
}

struct JUMBFParser {
    let limits: JUMBFLimits
    var boxes = 0

    init(limits: JUMBFLimits) { self.limits = limits }

    private func fail(_ reason: String) -> ManifestError { ManifestError.make(.jumbfMalformed, reason) }

    /// Reads one box header at `position`: its type, the payload range, and the end of the box.
    mutating func readHeader(in bytes: ArraySlice<UInt8>, at position: Int) throws -> (type: String, payload: Range<Int>) {
        boxes += 1
        guard boxes <= limits.maximumBoxes else { throw fail("more than \(limits.maximumBoxes) JUMBF boxes") }
        let available = bytes.endIndex - position
        guard available >= 8 else { throw fail("JUMBF box header is truncated (\(available) bytes left)") }
        let lbox = UInt32(bytes[position]) << 24 | UInt32(bytes[position + 1]) << 16
            | UInt32(bytes[position + 2]) << 8 | UInt32(bytes[position + 3])
        let typeBytes = bytes[position + 4..<position + 8]
        let type = String(decoding: typeBytes, as: UTF8.self)
        var headerLength = 8
        var boxLength: UInt64
        switch lbox {
        case 0:
            boxLength = UInt64(available)
        case 1:
            guard available >= 16 else { throw fail("JUMBF box \(type) has a truncated XLBox") }
            var extended: UInt64 = 0
            for index in 8..<16 { extended = extended << 8 | UInt64(bytes[position + index]) }
            headerLength = 16
            boxLength = extended
        case 2..<8:
            throw fail("JUMBF box \(type) declares an impossible length of \(lbox) bytes")
        default:
            boxLength = UInt64(lbox)
        }
        guard boxLength >= UInt64(headerLength) else {
            throw fail("JUMBF box \(type) declares \(boxLength) bytes, shorter than its header")
        }
        guard boxLength <= UInt64(available) else {
            throw fail("JUMBF box \(type) declares \(boxLength) bytes but only \(available) remain")
        }
        return (type, position + headerLength..<position + Int(boxLength))
    }

    mutating func parseSuperbox(in bytes: ArraySlice<UInt8>, at position: inout Int, depth: Int) throws -> JUMBFSuperbox {
        guard depth <= limits.maximumDepth else { throw fail("JUMBF nesting deeper than \(limits.maximumDepth)") }
        let start = position
        let header = try readHeader(in: bytes, at: position)
        guard header.type == "jumb" else { throw fail("expected a jumb superbox, found \(header.type)") }
        var inner = header.payload.lowerBound
        let end = header.payload.upperBound
        // The description box comes first.
        let descriptionHeader = try readHeader(in: bytes[..<end], at: inner)
        guard descriptionHeader.type == "jumd" else {
            throw fail("JUMBF superbox does not start with a jumd description box (found \(descriptionHeader.type))")
        }
        let description = try parseDescription(bytes[descriptionHeader.payload])
        inner = descriptionHeader.payload.upperBound
        var children: [JUMBFElement] = []
        while inner < end {
            let childHeader = try readHeader(in: bytes[..<end], at: inner)
            if childHeader.type == "jumb" {
                boxes -= 1  // counted again by parseSuperbox
                var childPosition = inner
                children.append(.superbox(try parseSuperbox(in: bytes[..<end], at: &childPosition, depth: depth + 1)))
                inner = childPosition
            } else {
                children.append(.content(JUMBFContentBox(type: childHeader.type, payload: bytes[childHeader.payload])))
                inner = childHeader.payload.upperBound
            }
        }
        position = end
        var box = JUMBFSuperbox(description: description, children: children)
        box.encodedBytes = bytes[start..<end]
        return box
    }

    func parseDescription(_ payload: ArraySlice<UInt8>) throws -> JUMBFDescription {
        guard payload.count >= 17 else { throw fail("jumd description box is shorter than 17 bytes") }
        var position = payload.startIndex
        let uuid = Array(payload[position..<position + 16])
        position += 16
        let toggles = payload[position]
        position += 1
        var label: String?
        if toggles & 0x02 != 0 {
            guard let terminator = payload[position...].firstIndex(of: 0) else {
                throw fail("jumd label is not NUL-terminated")
            }
            guard let text = String(validating: payload[position..<terminator], as: UTF8.self) else {
                throw fail("jumd label is not valid UTF-8")
            }
            label = text
            position = terminator + 1
        }
        var id: UInt32?
        if toggles & 0x04 != 0 {
            guard payload.endIndex - position >= 4 else { throw fail("jumd ID is truncated") }
            id = UInt32(payload[position]) << 24 | UInt32(payload[position + 1]) << 16
                | UInt32(payload[position + 2]) << 8 | UInt32(payload[position + 3])
            position += 4
        }
        var hash: [UInt8]?
        if toggles & 0x08 != 0 {
            guard payload.endIndex - position >= 32 else { throw fail("jumd signature field is truncated") }
            hash = Array(payload[position..<position + 32])
            position += 32
        }
        var privateBox: JUMBFContentBox?
        if toggles & 0x10 != 0 {
            var parser = JUMBFParser(limits: limits)
            let header = try parser.readHeader(in: payload, at: position)
            privateBox = JUMBFContentBox(type: header.type, payload: payload[header.payload])
            position = header.payload.upperBound
        }
        guard position == payload.endIndex else {
            throw fail("jumd description box has \(payload.endIndex - position) unexpected trailing bytes")
        }
        return JUMBFDescription(typeUUID: uuid, label: label, toggles: toggles, id: id, hash: hash, privateBox: privateBox)
    }
}

// MARK: Serialising

extension JUMBFSuperbox {
    /// The box's bytes. A box built from parsed children reuses their parsed bytes unchanged.
    public func serialized() -> [UInt8] {
        var out: [UInt8] = []
        serialize(into: &out)
        return out
    }

    public func serialize(into out: inout [UInt8]) {
        var body: [UInt8] = []
        JUMBFBoxWriter.appendBox(type: "jumd", payload: description.serialized(), to: &body)
        for child in children {
            switch child {
            case .superbox(let box):
                if let encoded = box.encodedBytes { body.append(contentsOf: encoded) } else { box.serialize(into: &body) }
            case .content(let box):
                JUMBFBoxWriter.appendBox(type: box.type, payload: box.payload, to: &body)
            }
        }
        JUMBFBoxWriter.appendBox(type: "jumb", payload: body, to: &out)
    }
}

extension JUMBFDescription {
    func serialized() -> [UInt8] {
        var out = typeUUID
        out.append(toggles)
        if let label, toggles & 0x02 != 0 {
            out.append(contentsOf: label.utf8)
            out.append(0)
        }
        if let id, toggles & 0x04 != 0 { out.appendUInt32BigEndian(id) }
        if let hash, toggles & 0x08 != 0 { out.append(contentsOf: hash) }
        if let privateBox, toggles & 0x10 != 0 {
            JUMBFBoxWriter.appendBox(type: privateBox.type, payload: privateBox.payload, to: &out)
        }
        return out
    }
}

enum JUMBFBoxWriter {
    static func appendBox<C: Collection>(type: String, payload: C, to out: inout [UInt8]) where C.Element == UInt8 {
        let total = UInt64(payload.count) + 8
        if total <= UInt64(UInt32.max) {
            out.appendUInt32BigEndian(UInt32(total))
            out.append(contentsOf: Array(type.utf8.prefix(4)))
        } else {
            out.appendUInt32BigEndian(1)
            out.append(contentsOf: Array(type.utf8.prefix(4)))
            out.appendUInt64BigEndian(total + 8)
        }
        out.append(contentsOf: payload)
    }
}

extension Array where Element == UInt8 {
    mutating func appendUInt32BigEndian(_ value: UInt32) {
        append(UInt8(value >> 24))
        append(UInt8((value >> 16) & 0xFF))
        append(UInt8((value >> 8) & 0xFF))
        append(UInt8(value & 0xFF))
    }

    mutating func appendUInt64BigEndian(_ value: UInt64) {
        appendUInt32BigEndian(UInt32(value >> 32))
        appendUInt32BigEndian(UInt32(value & 0xFFFF_FFFF))
    }
}
