/// The C2PA ContentProvenanceBox of ISO BMFF files (C2PA 2.x, A.4): a top-level full `uuid` box with
/// the C2PA UUID, version and flags 0, a null-terminated purpose (`manifest`; `original` and `update`
/// for update manifests; `merkle` for Merkle maps), for a manifest an 8-byte offset of the first
/// auxiliary `uuid` box (0 when there is none), then the JUMBF store. c2pa-rs (`bmff_io.rs`
/// `write_c2pa_box`) writes it right after `ftyp`, or where the file's existing one is.
public enum BMFFC2PABox {
    public static let manifestPurpose = "manifest"
    /// The purpose of a box that carries one Merkle proof (a CBOR map right after the purpose, with
    /// no auxiliary box offset), as c2pa-rs writes it after an `mdat` or before a fragment's `moof`.
    public static let merklePurpose = "merkle"

    /// A `merkle` box around the CBOR of one proof (`write_c2pa_box` with purpose `merkle`).
    public static func merkleBox(_ cbor: [UInt8]) -> [UInt8] {
        let purpose = Array(merklePurpose.utf8) + [0]
        var out: [UInt8] = []
        BigEndian.append(UInt32(8 + 16 + 4 + purpose.count + cbor.count), to: &out)
        out += FourCC.uuid.bytes + BMFFUUID.c2pa + [0, 0, 0, 0] + purpose + cbor
        return out
    }

    /// The box around `store`, as c2pa-rs writes it for a manifest store.
    public static func framed(_ store: [UInt8]) throws -> [UInt8] {
        let purpose = Array(manifestPurpose.utf8) + [0]
        let size = 8 + 16 + 4 + purpose.count + 8 + store.count
        guard size <= Int(UInt32.max) else {
            throw MediaError.make(.limitExceeded, "a C2PA store of \(store.count) bytes does not fit a 32-bit box size")
        }
        var out: [UInt8] = []
        out.reserveCapacity(size)
        BigEndian.append(UInt32(size), to: &out)
        out += FourCC.uuid.bytes + BMFFUUID.c2pa + [0, 0, 0, 0] + purpose
        BigEndian.append(UInt64(0), to: &out)
        out += store
        return out
    }

    /// A C2PA box's purpose and where its store lies, read from its payload (the bytes after the
    /// version and flags: `payload` starts at `box.payloadStart`). Nil for a purpose other than a
    /// manifest store's (a `merkle` box). Throws when the purpose has no terminator or the box is too
    /// short for its merkle offset, as c2pa-rs does.
    public static func store(in box: BMFFBox, payload: [UInt8]) throws -> (purpose: String, store: Range<Int>)? {
        guard let terminator = payload.firstIndex(of: 0) else {
            throw MediaError.make(.malformed, "the C2PA box at byte \(box.range.lowerBound) has no null-terminated purpose")
        }
        let purpose = String(decoding: payload[..<terminator], as: UTF8.self)
        guard ["manifest", "original", "update"].contains(purpose) else { return nil }
        let storeStart = terminator + 1 + 8
        guard storeStart <= payload.count else {
            throw MediaError.make(.malformed, "the C2PA box at byte \(box.range.lowerBound) is too short for its auxiliary box offset")
        }
        return (purpose, box.payloadStart + storeStart..<box.range.upperBound)
    }

    /// Whether a box is a C2PA box.
    public static func isC2PA(_ box: BMFFBox) -> Bool { box.type == .uuid && box.userType == BMFFUUID.c2pa }
}

/// Box headers as written.
public enum BMFFBoxWriter {
    /// A plain box: header and payload; a 64-bit size when the box exceeds 4 GB.
    public static func box(_ type: FourCC, _ payload: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        appendHeader(type, payloadCount: payload.count, to: &out)
        out += payload
        return out
    }

    /// A full box: header, version, 24-bit flags, payload.
    public static func fullBox(_ type: FourCC, version: UInt8, flags: UInt32, _ payload: [UInt8]) -> [UInt8] {
        box(type, [version, UInt8(flags >> 16 & 0xFF), UInt8(flags >> 8 & 0xFF), UInt8(flags & 0xFF)] + payload)
    }

    public static func appendHeader(_ type: FourCC, payloadCount: Int, to out: inout [UInt8]) {
        if payloadCount + 8 <= Int(UInt32.max) {
            BigEndian.append(UInt32(payloadCount + 8), to: &out)
            out += type.bytes
        } else {
            BigEndian.append(UInt32(1), to: &out)
            out += type.bytes
            BigEndian.append(UInt64(payloadCount + 16), to: &out)
        }
    }
}
