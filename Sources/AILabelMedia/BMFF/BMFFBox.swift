/// One box of an ISO base media file (ISO/IEC 14496-12): HEIF, AVIF, MP4, MOV, M4A. Boxes are found
/// by ``BMFFTree``; this is where one sits and what its header says, never its payload.
public struct BMFFBox: Sendable, Hashable {
    /// The four-character type as its four bytes.
    public var type: FourCC
    /// The whole box, header included. A box whose size field is 0 runs to the end of the file.
    public var range: Range<Int>
    /// The header's length: 8, 16 with a 64-bit size, plus 16 for a `uuid` box's extended type.
    public var headerSize: Int
    /// The extended type of a `uuid` box.
    public var userType: [UInt8]?
    /// A full box's version and flags (the 4 bytes after the header), for the types c2pa-rs reads as
    /// full boxes and the C2PA `uuid` box; nil for plain boxes.
    public var version: UInt8?
    public var flags: UInt32?
    /// Whether the size was written in the 64-bit `largesize` field.
    public var hasLargeSize: Bool
    /// Whether the size field was 0 ("to the end of the file").
    public var extendsToEnd: Bool
    /// Whether the box (an `mdat`) claimed more bytes than the file holds and was cut at its end.
    public var isCut = false
    /// Whether the box (a QuickTime `udta`) ends with the 32-bit zero QuickTime allows after its
    /// children: the four bytes after the last child.
    public var hasQuickTimeTerminator = false
    /// The index of the enclosing box in ``BMFFTree/boxes``; nil at the top level.
    public var parent: Int?
    /// The indexes of the boxes inside, for the container types the tree descends into.
    public var children: [Int] = []
    /// 1 at the top level.
    public var depth: Int

    /// Where the payload starts: after the header and, for a full box, after its version and flags.
    public var payloadStart: Int { range.lowerBound + headerSize + (version == nil ? 0 : 4) }
    /// The bytes after the header (a full box's version and flags included).
    public var body: Range<Int> { range.lowerBound + headerSize..<range.upperBound }
}

/// A box type: four bytes, compared as bytes and shown as text.
public struct FourCC: Sendable, Hashable, CustomStringConvertible, ExpressibleByStringLiteral {
    public var value: UInt32

    public init(_ value: UInt32) { self.value = value }

    public init(_ bytes: some Collection<UInt8>) {
        self.value = bytes.prefix(4).reduce(0) { $0 << 8 | UInt32($1) }
    }

    public init(stringLiteral text: String) {
        self.init(Array(text.utf8))
    }

    public var bytes: [UInt8] { [UInt8(value >> 24), UInt8(value >> 16 & 0xFF), UInt8(value >> 8 & 0xFF), UInt8(value & 0xFF)] }

    /// The type as c2pa-rs names it in xpaths (the bytes as text, non-ASCII bytes replaced).
    public var description: String {
        String(bytes.map { $0 >= 0x20 && $0 < 0x7F ? Character(UnicodeScalar($0)) : "\u{FFFD}" })
    }

    /// Whether `name` is this type's ``description``, compared scalar by scalar without making the
    /// description (an xpath is matched against every box of a level). The description holds only
    /// printable ASCII and U+FFFD, none of which has a decomposition, so this is String equality.
    public func isNamed(_ name: String) -> Bool {
        var scalars = name.unicodeScalars.makeIterator()
        for shift in stride(from: 24, through: 0, by: -8) {
            let byte = UInt32(value >> UInt32(shift) & 0xFF)
            guard let scalar = scalars.next(), scalar.value == (byte >= 0x20 && byte < 0x7F ? byte : 0xFFFD) else { return false }
        }
        return scalars.next() == nil
    }

    /// The type quoted for messages, with unprintable bytes as `?`.
    public var quoted: String {
        "'" + String(bytes.map { $0 >= 0x20 && $0 < 0x7F ? Character(UnicodeScalar($0)) : "?" }) + "'"
    }
}

extension FourCC {
    public static let ftyp: FourCC = "ftyp"
    public static let meta: FourCC = "meta"
    public static let mdat: FourCC = "mdat"
    public static let uuid: FourCC = "uuid"
    public static let free: FourCC = "free"
    public static let skip: FourCC = "skip"
    public static let moov: FourCC = "moov"
    public static let iloc: FourCC = "iloc"
    public static let iinf: FourCC = "iinf"
    public static let infe: FourCC = "infe"
    public static let iref: FourCC = "iref"
    public static let pitm: FourCC = "pitm"
    public static let idat: FourCC = "idat"
    public static let hdlr: FourCC = "hdlr"
    public static let iprp: FourCC = "iprp"
    public static let ipco: FourCC = "ipco"
    public static let ipma: FourCC = "ipma"
    public static let stco: FourCC = "stco"
    public static let co64: FourCC = "co64"
}

/// The `uuid` extended types C2PA uses (C2PA 2.x, A.4: the ContentProvenanceBox; and the XMP box of MP4).
public enum BMFFUUID {
    /// `D8FEC3D6-1B0E-483C-9297-5828877EC481`: the C2PA manifest store's box.
    public static let c2pa: [UInt8] = [0xD8, 0xFE, 0xC3, 0xD6, 0x1B, 0x0E, 0x48, 0x3C, 0x92, 0x97, 0x58, 0x28, 0x87, 0x7E, 0xC4, 0x81]
    /// `BE7ACFCB-97A9-42E8-9C71-999491E3AFAC`: XMP in a `uuid` box (MP4).
    public static let xmp: [UInt8] = [0xBE, 0x7A, 0xCF, 0xCB, 0x97, 0xA9, 0x42, 0xE8, 0x9C, 0x71, 0x99, 0x94, 0x91, 0xE3, 0xAF, 0xAC]
}
