/// Where a C2PA manifest store sits in a JPEG or PNG, and how to put one there.
///
/// This is ailabel's own small container code for the two places a store lives (JPEG APP11 JUMBF
/// segments, PNG `caBX`), so that signing and validation do not depend on the full media layer.
/// It copies every other byte of the file unchanged.
enum StoreEmbedding {
    enum Format: Sendable { case jpeg, png }

    struct Located: Sendable {
        var format: Format
        /// The reassembled JUMBF store, if there is exactly one.
        var store: [UInt8]?
        /// The byte ranges the store occupies (APP11 segments incl. markers, or the whole caBX chunk).
        var ranges: [Range<Int>]
        /// How many distinct stores the file holds.
        var storeCount: Int
    }

    static let jpegSegmentPayload = 64000

    static func format(of bytes: [UInt8]) -> Format? {
        if bytes.count >= 3, bytes[0] == 0xFF, bytes[1] == 0xD8, bytes[2] == 0xFF { return .jpeg }
        if bytes.count >= 8, Array(bytes[0..<8]) == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] { return .png }
        return nil
    }

    /// Finds the store. With `isPrefix`, `bytes` is only the start of the file: parsing stops where
    /// the prefix ends, unless the store itself is cut there (then it throws, and the caller reads more).
    static func locate(in bytes: [UInt8], isPrefix: Bool = false) throws -> Located {
        switch format(of: bytes) {
        case .jpeg: return try locateJPEG(bytes, isPrefix: isPrefix)
        case .png: return try locatePNG(bytes, isPrefix: isPrefix)
        case nil:
            throw ManifestError.make(.unsupportedAsset, "The asset is neither a JPEG nor a PNG; use a .c2pa sidecar")
        }
    }

    /// The asset with every C2PA store removed and, if `store` is given, the new one inserted.
    /// Returns the new bytes and the range the inserted store occupies.
    static func rewrite(_ bytes: [UInt8], store: [UInt8]?) throws -> (bytes: [UInt8], storeRange: Range<Int>?) {
        switch format(of: bytes) {
        case .jpeg: return try rewriteJPEG(bytes, store: store)
        case .png: return try rewritePNG(bytes, store: store)
        case nil:
            throw ManifestError.make(.unsupportedAsset, "The asset is neither a JPEG nor a PNG; use a .c2pa sidecar")
        }
    }

    // MARK: JPEG

    struct JPEGSegment {
        var marker: UInt8
        /// From the FF byte to the end of the segment.
        var range: Range<Int>
        /// The payload after the two length bytes.
        var payload: Range<Int>
    }

    /// The marker segments before the first scan, and the index where the scan data starts.
    static func jpegSegments(_ bytes: [UInt8], isPrefix: Bool = false) throws -> (segments: [JPEGSegment], scanStart: Int) {
        var segments: [JPEGSegment] = []
        var position = 2
        while true {
            if isPrefix && position + 4 > bytes.count { return (segments, position) }
            if isPrefix, bytes[position] == 0xFF, position + 4 <= bytes.count {
                let length = Int(bytes[position + 2]) << 8 | Int(bytes[position + 3])
                if position + 2 + length > bytes.count {
                    guard bytes[position + 1] != 0xEB else {
                        throw ManifestError.make(.unsupportedAsset, "The prefix ends inside an APP11 segment")
                    }
                    return (segments, position)
                }
            }
            guard position + 1 < bytes.count else {
                throw ManifestError.make(.unsupportedAsset, "The JPEG ends before its image data")
            }
            guard bytes[position] == 0xFF else {
                throw ManifestError.make(.unsupportedAsset, "The JPEG has a malformed segment at offset \(position)")
            }
            let marker = bytes[position + 1]
            if marker == 0xFF {
                position += 1
                continue
            }
            if marker == 0x01 || (0xD0...0xD7).contains(marker) {
                segments.append(JPEGSegment(marker: marker, range: position..<position + 2, payload: position + 2..<position + 2))
                position += 2
                continue
            }
            if marker == 0xD9 {
                return (segments, position)
            }
            guard position + 4 <= bytes.count else {
                throw ManifestError.make(.unsupportedAsset, "The JPEG ends inside a segment header")
            }
            let length = Int(bytes[position + 2]) << 8 | Int(bytes[position + 3])
            guard length >= 2, position + 2 + length <= bytes.count else {
                throw ManifestError.make(.unsupportedAsset, "A JPEG segment at offset \(position) runs past the end of the file")
            }
            segments.append(JPEGSegment(marker: marker, range: position..<position + 2 + length, payload: position + 4..<position + 2 + length))
            position += 2 + length
            if marker == 0xDA { return (segments, position) }
        }
    }

    /// Whether an APP11 segment is a JPEG XT JUMBF segment, and its En and Z fields.
    static func jumbfSegmentFields(_ bytes: [UInt8], _ segment: JPEGSegment) -> (instance: UInt16, sequence: UInt32)? {
        guard segment.marker == 0xEB, segment.payload.count >= 8 else { return nil }
        let p = segment.payload.lowerBound
        guard bytes[p] == 0x4A, bytes[p + 1] == 0x50 else { return nil }
        let instance = UInt16(bytes[p + 2]) << 8 | UInt16(bytes[p + 3])
        let sequence = UInt32(bytes[p + 4]) << 24 | UInt32(bytes[p + 5]) << 16 | UInt32(bytes[p + 6]) << 8 | UInt32(bytes[p + 7])
        return (instance, sequence)
    }

    /// Whether a first JUMBF segment starts a C2PA store (its jumd label is `c2pa`).
    static func startsC2PAStore(_ data: ArraySlice<UInt8>) -> Bool {
        // LBox TBox(jumb) LBox TBox(jumd) UUID(16) toggles label...
        guard data.count >= 8 + 8 + 16 + 1 + 5 else { return false }
        var s = data.startIndex
        guard Array(data[s + 4..<s + 8]) == Array("jumb".utf8) else { return false }
        if data[s] == 0, data[s + 1] == 0, data[s + 2] == 0, data[s + 3] == 1 {
            // An XLBox header is 8 bytes longer.
            guard data.count >= 16 + 8 + 16 + 1 + 5 else { return false }
            s += 8
        }
        guard Array(data[s + 12..<s + 16]) == Array("jumd".utf8) else { return false }
        let labelStart = s + 16 + 16 + 1
        return Array(data[labelStart..<labelStart + 5]) == Array("c2pa\0".utf8)
    }

    static func locateJPEG(_ bytes: [UInt8], isPrefix: Bool = false) throws -> Located {
        let (segments, _) = try jpegSegments(bytes, isPrefix: isPrefix)
        var groups: [UInt16: (data: [UInt8], ranges: [Range<Int>], isC2PA: Bool, nextSequence: UInt32, broken: Bool)] = [:]
        var order: [UInt16] = []
        for segment in segments {
            guard let fields = jumbfSegmentFields(bytes, segment) else { continue }
            let data = bytes[(segment.payload.lowerBound + 8)..<segment.payload.upperBound]
            // As c2pa-rs reads APP11 (`jpeg_io.rs`): the first segment of a box instance starts it
            // whatever its sequence number (Bing Image Creator numbers from 0); each later one needs a
            // sequence number above the count of segments before it.
            if groups[fields.instance] == nil {
                groups[fields.instance] = (Array(data), [segment.range], startsC2PAStore(data), 2, false)
                order.append(fields.instance)
            } else {
                var group = groups[fields.instance]!
                if fields.sequence < group.nextSequence || data.count < 8 {
                    group.broken = true
                } else {
                    group.data.append(contentsOf: data.dropFirst(8))
                    group.nextSequence += 1
                }
                group.ranges.append(segment.range)
                groups[fields.instance] = group
            }
        }
        let stores = order.compactMap { groups[$0] }.filter(\.isC2PA)
        guard let first = stores.first else { return Located(format: .jpeg, store: nil, ranges: [], storeCount: 0) }
        return Located(format: .jpeg, store: stores.count == 1 ? first.data : nil,
                       ranges: stores.flatMap(\.ranges), storeCount: stores.count)
    }

    static func rewriteJPEG(_ bytes: [UInt8], store: [UInt8]?) throws -> (bytes: [UInt8], storeRange: Range<Int>?) {
        let (segments, scanStart) = try jpegSegments(bytes)
        let located = try locateJPEG(bytes)
        let removed = Set(located.ranges.map(\.lowerBound))
        var out: [UInt8] = [0xFF, 0xD8]
        out.reserveCapacity(bytes.count + (store?.count ?? 0) + 64)
        var storeRange: Range<Int>?
        var inserted = store == nil
        func insert() throws {
            guard let store, !inserted else { return }
            let start = out.count
            try appendAPP11(store, to: &out)
            storeRange = start..<out.count
            inserted = true
        }
        for (index, segment) in segments.enumerated() {
            if index == 0 && segment.marker != 0xE0 { try insert() }
            if !removed.contains(segment.range.lowerBound) {
                out.append(contentsOf: bytes[segment.range])
            }
            if index == 0 && segment.marker == 0xE0 { try insert() }
        }
        try insert()
        out.append(contentsOf: bytes[scanStart...])
        return (out, storeRange)
    }

    static func appendAPP11(_ store: [UInt8], to out: inout [UInt8]) throws {
        guard store.count >= 8 else { throw ManifestError.make(.invalidDefinition, "The manifest store is too short") }
        let header = Array(store[0..<8])
        var offset = 0
        var sequence: UInt32 = 1
        let maximumSegments = Int(UInt32.max)
        while offset < store.count {
            let chunk = min(jpegSegmentPayload, store.count - offset)
            let repeatHeader = sequence > 1
            let length = 2 + 2 + 2 + 4 + (repeatHeader ? 8 : 0) + chunk
            out.append(0xFF)
            out.append(0xEB)
            out.append(UInt8(length >> 8))
            out.append(UInt8(length & 0xFF))
            out.append(contentsOf: [0x4A, 0x50, 0x02, 0x11])
            out.appendUInt32BigEndian(sequence)
            if repeatHeader { out.append(contentsOf: header) }
            out.append(contentsOf: store[offset..<offset + chunk])
            offset += chunk
            sequence += 1
            guard Int(sequence) < maximumSegments else { break }
        }
    }

    /// The bytes a store occupies once framed for `format`: the APP11 segments, or the whole caBX chunk.
    static func framed(_ store: [UInt8], format: Format) throws -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(store.count + store.count / jpegSegmentPayload * 20 + 32)
        switch format {
        case .jpeg:
            try appendAPP11(store, to: &out)
        case .png:
            out.appendUInt32BigEndian(UInt32(store.count))
            let typeAndData = Array("caBX".utf8) + store
            out.append(contentsOf: typeAndData)
            out.appendUInt32BigEndian(CRC32.checksum(typeAndData))
        }
        return out
    }

    // MARK: PNG

    struct PNGChunk {
        var type: String
        var range: Range<Int>
        var data: Range<Int>
    }

    static func pngChunks(_ bytes: [UInt8], isPrefix: Bool = false) throws -> [PNGChunk] {
        var chunks: [PNGChunk] = []
        var position = 8
        while position < bytes.count {
            if isPrefix {
                if position + 12 > bytes.count { break }
                let length = Int(bytes[position]) << 24 | Int(bytes[position + 1]) << 16 | Int(bytes[position + 2]) << 8 | Int(bytes[position + 3])
                if length > bytes.count - position - 12 {
                    guard Array(bytes[position + 4..<position + 8]) != Array("caBX".utf8) else {
                        throw ManifestError.make(.unsupportedAsset, "The prefix ends inside the caBX chunk")
                    }
                    break
                }
            }
            guard position + 12 <= bytes.count else {
                throw ManifestError.make(.unsupportedAsset, "The PNG ends inside a chunk header")
            }
            let length = Int(bytes[position]) << 24 | Int(bytes[position + 1]) << 16 | Int(bytes[position + 2]) << 8 | Int(bytes[position + 3])
            guard length <= bytes.count - position - 12 else {
                throw ManifestError.make(.unsupportedAsset, "A PNG chunk at offset \(position) runs past the end of the file")
            }
            let type = String(decoding: bytes[position + 4..<position + 8], as: UTF8.self)
            chunks.append(PNGChunk(type: type, range: position..<position + 12 + length, data: position + 8..<position + 8 + length))
            position += 12 + length
            if type == "IEND" { break }
        }
        guard chunks.first?.type == "IHDR" else { throw ManifestError.make(.unsupportedAsset, "The PNG does not start with IHDR") }
        return chunks
    }

    static func locatePNG(_ bytes: [UInt8], isPrefix: Bool = false) throws -> Located {
        let stores = try pngChunks(bytes, isPrefix: isPrefix).filter { $0.type == "caBX" }
        return Located(format: .png, store: stores.count == 1 ? Array(bytes[stores[0].data]) : nil,
                       ranges: stores.map(\.range), storeCount: stores.count)
    }

    static func rewritePNG(_ bytes: [UInt8], store: [UInt8]?) throws -> (bytes: [UInt8], storeRange: Range<Int>?) {
        let chunks = try pngChunks(bytes)
        var out = Array(bytes[0..<8])
        out.reserveCapacity(bytes.count + (store?.count ?? 0) + 12)
        var storeRange: Range<Int>?
        for chunk in chunks where chunk.type != "caBX" {
            out.append(contentsOf: bytes[chunk.range])
            if chunk.type == "IHDR", let store {
                guard store.count <= Int(Int32.max) else { throw ManifestError.make(.invalidDefinition, "The manifest store is too large for PNG") }
                let start = out.count
                out.appendUInt32BigEndian(UInt32(store.count))
                let typeAndData = Array("caBX".utf8) + store
                out.append(contentsOf: typeAndData)
                out.appendUInt32BigEndian(CRC32.checksum(typeAndData))
                storeRange = start..<out.count
            }
        }
        if let last = chunks.last, last.range.upperBound < bytes.count {
            out.append(contentsOf: bytes[last.range.upperBound...])
        }
        return (out, storeRange)
    }
}

/// The CRC-32 of PNG chunks (ISO 3309 polynomial, reflected), table-driven.
enum CRC32 {
    static let table: [UInt32] = (0..<256).map { index in
        var value = UInt32(index)
        for _ in 0..<8 { value = value & 1 != 0 ? 0xEDB8_8320 ^ (value >> 1) : value >> 1 }
        return value
    }

    static func checksum<C: Collection>(_ bytes: C) -> UInt32 where C.Element == UInt8 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes { crc = table[Int((crc ^ UInt32(byte)) & 0xFF)] ^ (crc >> 8) }
        return crc ^ 0xFFFF_FFFF
    }
}
