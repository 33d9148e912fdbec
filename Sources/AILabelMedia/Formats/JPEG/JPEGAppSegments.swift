import Crypto

/// The identifiers that open the APPn payloads ailabel reads and writes.
enum JPEGIdentifier {
    static let exif: [UInt8] = Array("Exif".utf8) + [0, 0]
    static let xmp: [UInt8] = Array("http://ns.adobe.com/xap/1.0/".utf8) + [0]
    static let extendedXMP: [UInt8] = Array("http://ns.adobe.com/xmp/extension/".utf8) + [0]
    static let icc: [UInt8] = Array("ICC_PROFILE".utf8) + [0]
    static let jfif: [UInt8] = Array("JFIF".utf8) + [0]
    static let jfxx: [UInt8] = Array("JFXX".utf8) + [0]
    static let adobe: [UInt8] = Array("Adobe".utf8)
    /// JPEG XT's common identifier for APP11 box segments.
    static let jpegXT: [UInt8] = [0x4A, 0x50]  // "JP"

    /// Largest payload of one marker segment: the length field counts itself and holds at most 65535.
    static let maximumPayload = 65533
}

/// Builds JPEG marker segments.
enum JPEGSegmentWriter {
    static func segment(marker: UInt8, payload: some Collection<UInt8>) throws -> [UInt8] {
        guard payload.count <= JPEGIdentifier.maximumPayload else {
            throw MediaError.make(
                .limitExceeded, "a \(JPEGSegment.name(of: marker)) payload of \(payload.count) bytes exceeds the 65533-byte segment limit")
        }
        var out: [UInt8] = [0xFF, marker]
        out.reserveCapacity(payload.count + 4)
        out.appendUInt16BE(UInt16(payload.count + 2))
        out.append(contentsOf: payload)
        return out
    }

    static func exif(_ tiff: [UInt8]) throws -> [UInt8] {
        try segment(marker: JPEGSegment.app1, payload: JPEGIdentifier.exif + tiff)
    }

    /// The main XMP segment, plus Extended XMP segments when the packet does not fit in one segment
    /// (XMP specification part 3, 1.1.3.1).
    static func xmp(_ packet: [UInt8]) throws -> [UInt8] {
        let room = JPEGIdentifier.maximumPayload - JPEGIdentifier.xmp.count
        if packet.count <= room {
            return try segment(marker: JPEGSegment.app1, payload: JPEGIdentifier.xmp + packet)
        }
        let split = try XMPPacket(parsing: packet).splitForJPEG(mainPacketLimit: room)
        var out = try segment(marker: JPEGSegment.app1, payload: JPEGIdentifier.xmp + split.main)
        guard let extended = split.extended else { return out }
        let guid = Array(split.guid.utf8)
        // identifier + 32-byte GUID + full length + offset
        let chunkRoom = JPEGIdentifier.maximumPayload - JPEGIdentifier.extendedXMP.count - 32 - 8
        var offset = 0
        while offset < extended.count {
            let end = min(offset + chunkRoom, extended.count)
            var payload = JPEGIdentifier.extendedXMP + guid
            payload.appendUInt32BE(UInt32(extended.count))
            payload.appendUInt32BE(UInt32(offset))
            payload.append(contentsOf: extended[offset..<end])
            out += try segment(marker: JPEGSegment.app1, payload: payload)
            offset = end
        }
        return out
    }

    /// The GUID that ties Extended XMP to its main packet: the MD5 of the extended packet, as 32
    /// upper-case hex digits (XMP specification part 3).
    static func extendedXMPGUID(for extended: [UInt8]) -> String {
        Insecure.MD5.hash(data: extended).map { byte in
            let hex = String(byte, radix: 16, uppercase: true)
            return hex.count == 1 ? "0" + hex : hex
        }.joined()
    }

    /// An ICC profile as APP2 `ICC_PROFILE` segments, each numbered with its sequence and the total (ICC.1 B.4).
    static func icc(_ profile: [UInt8]) throws -> [UInt8] {
        let room = JPEGIdentifier.maximumPayload - JPEGIdentifier.icc.count - 2
        let parts = max(1, (profile.count + room - 1) / room)
        guard parts <= 255 else { throw MediaError.make(.limitExceeded, "an ICC profile of \(profile.count) bytes needs more than 255 segments") }
        var out: [UInt8] = []
        for part in 0..<parts {
            let chunk = profile[(part * room)..<min(profile.count, (part + 1) * room)]
            out += try segment(marker: JPEGSegment.app2, payload: JPEGIdentifier.icc + [UInt8(part + 1), UInt8(parts)] + chunk)
        }
        return out
    }

    /// The C2PA store as JPEG XT APP11 segments: each carries `JP`, the box instance `En`, the
    /// sequence number `Z`, and up to 64000 bytes of the JUMBF superbox; continuation segments repeat
    /// the superbox's 8-byte LBox/TBox header (C2PA 2.x, A.3.3; as c2pa-rs writes it).
    static func c2paStore(_ store: [UInt8], boxInstance: UInt16 = 0x0211) throws -> [UInt8] {
        guard store.count >= 8 else {
            throw MediaError.make(.invalidArgument, "a C2PA store must be a JUMBF box of at least 8 bytes")
        }
        let chunk = 64000
        let header = Array(store[0..<8])
        var out: [UInt8] = []
        out.reserveCapacity(store.count + (store.count / chunk + 1) * 24)
        var offset = 0
        var sequence: UInt32 = 1
        while offset < store.count {
            let end = min(offset + chunk, store.count)
            var payload = JPEGIdentifier.jpegXT
            payload.appendUInt16BE(boxInstance)
            payload.appendUInt32BE(sequence)
            if sequence > 1 { payload += header }
            payload.append(contentsOf: store[offset..<end])
            out += try segment(marker: JPEGSegment.app11, payload: payload)
            offset = end
            sequence += 1
        }
        return out
    }
}

/// Reassembles APP11 JPEG XT box segments into JUMBF superboxes.
struct JPEGBoxGroup {
    let boxInstance: UInt16
    var parts: [(sequence: UInt32, data: ArraySlice<UInt8>, range: Range<Int>)] = []

    /// The superbox bytes, or nil when the parts do not form one. Read as c2pa-rs reads them
    /// (`jpeg_io.rs`): in file order, the first part starts the box whatever its sequence number
    /// (Bing Image Creator numbers from 0, the standard from 1), and each later part needs a
    /// sequence number above the count of parts before it.
    func reassembled() -> [UInt8]? {
        guard let first = parts.first else { return nil }
        var box = Array(first.data)
        for (index, part) in parts.enumerated().dropFirst() {
            guard part.sequence > UInt32(index), part.data.count >= 8 else { return nil }
            box.append(contentsOf: part.data.dropFirst(8))
        }
        return box
    }

    /// APP11 JPEG XT box segments (their ranges and payloads, `JP` first) grouped by box instance, in
    /// the order each instance first appears.
    static func groups(_ segments: [(range: Range<Int>, payload: ArraySlice<UInt8>)]) -> [JPEGBoxGroup] {
        var groups: [UInt16: JPEGBoxGroup] = [:]
        var order: [UInt16] = []
        for segment in segments where segment.payload.starts(with: JPEGIdentifier.jpegXT) {
            var cursor = ByteCursor(segment.payload.dropFirst(2))
            guard let instance = cursor.readUInt16BE(), let sequence = cursor.readUInt32BE() else { continue }
            if groups[instance] == nil {
                groups[instance] = JPEGBoxGroup(boxInstance: instance)
                order.append(instance)
            }
            groups[instance]!.parts.append((sequence, cursor.bytes[cursor.position...], segment.range))
        }
        return order.compactMap { groups[$0] }
    }

    /// The label of the superbox's description box (`c2pa` for a manifest store), read from the first part.
    var label: String? {
        guard let first = parts.first else { return nil }
        return JUMBFPeek.superboxLabel(first.data)
    }
}

/// Just enough JUMBF reading for the container layer to recognise a C2PA store. The full parser lives
/// in AILabelManifest.
enum JUMBFPeek {
    /// The label of a `jumb` superbox's `jumd` description box.
    static func superboxLabel(_ bytes: ArraySlice<UInt8>) -> String? {
        var cursor = ByteCursor(bytes)
        guard let length = cursor.readUInt32BE(), let type = cursor.readBytes(4), type.elementsEqual("jumb".utf8) else { return nil }
        if length == 1 { guard cursor.skip(8) else { return nil } }
        guard cursor.readUInt32BE() != nil, let descriptionType = cursor.readBytes(4),
            descriptionType.elementsEqual("jumd".utf8), cursor.skip(16), let toggles = cursor.readUInt8()
        else { return nil }
        guard toggles & 0x02 != 0 else { return nil }
        var label: [UInt8] = []
        while let byte = cursor.readUInt8(), byte != 0, label.count < 256 { label.append(byte) }
        return String(decoding: label, as: UTF8.self)
    }
}
