/// Where C2PA puts its store in a JPEG: JPEG XT APP11 segments right after SOI and APP0, each with
/// `JP`, a box instance and a sequence number, every segment after the first repeating the superbox's
/// 8-byte header (C2PA 2.x, A.3.3; c2pa-rs `jpeg_io.rs`).
extension JPEGHandler {
    public func locateC2PAStore(in bytes: [UInt8], isPrefix: Bool) throws -> C2PAStoreLocation {
        let segments = try JPEGSegmentParser.headerSegments(bytes, isPrefix: isPrefix)
        let groups = JPEGBoxGroup.groups(in: segments, of: bytes)
        let stores = groups.filter { $0.label == "c2pa" }
        guard let first = stores.first else { return .none }
        return C2PAStoreLocation(
            store: stores.count == 1 ? first.reassembled() : nil, ranges: stores.flatMap { $0.parts.map(\.range) },
            storeCount: stores.count)
    }

    public func framedC2PAStore(_ store: [UInt8]) throws -> [UInt8] { try JPEGSegmentWriter.c2paStore(store) }

    /// The boxes named as c2pa-rs names them: SOI, APPn, DQT, DHT, SOF0–2, DRI, COM, SOS (its header and
    /// the entropy-coded data after it, restart markers included), RSTn, EOI; the APP11 segments of the
    /// C2PA store are one box `C2PA`. Nil when the file cannot be walked or holds a marker c2pa-rs has no
    /// name for.
    public func c2paBoxes(in bytes: [UInt8]) -> [C2PABox]? {
        guard bytes.count >= 2, bytes[0] == 0xFF, bytes[1] == 0xD8 else { return nil }
        var boxes = [C2PABox(name: "SOI", range: 0..<2)]
        var position = 2
        var storeInstance: [UInt8]?
        var storeIndex: Int?
        while position < bytes.count {
            guard position + 1 < bytes.count, bytes[position] == 0xFF else { return nil }
            let marker = bytes[position + 1]
            if marker == 0xFF { position += 1; continue }  // fill byte
            if marker == 0xD9 {
                boxes.append(C2PABox(name: "EOI", range: position..<position + 2))
                return boxes
            }
            var size = 2
            if Self.boxHasLength(marker) {
                guard position + 4 <= bytes.count else { return nil }
                size = 2 + (Int(bytes[position + 2]) << 8 | Int(bytes[position + 3]))
                guard size >= 4, position + size <= bytes.count else { return nil }
            }
            let segment = position..<position + size
            if marker == 0xDA {
                // The scan: its header and the entropy-coded data up to the next marker that is not
                // a restart marker or a stuffed zero.
                var end = segment.upperBound
                while end < bytes.count {
                    if bytes[end] == 0xFF, end + 1 < bytes.count, !Self.isInEntropyCodedData(bytes[end + 1]) { break }
                    end += bytes[end] == 0xFF ? 2 : 1
                }
                boxes.append(C2PABox(name: "SOS", range: position..<min(end, bytes.count)))
                position = min(end, bytes.count)
                continue
            }
            if marker == 0xEB, size > 4 + 16 {
                let content = Array(bytes[position + 4..<segment.upperBound])
                let instance = Array(content[2..<4])
                if let storeIndex, storeInstance == instance {
                    // A continuation of the store: its box grows (c2pa-rs counts every segment of the
                    // same box instance after the first as part of it).
                    boxes[storeIndex].range = boxes[storeIndex].range.lowerBound..<segment.upperBound
                    position = segment.upperBound
                    continue
                }
                if content.count > 28, Array(content[24..<28]) == Array("c2pa".utf8) {
                    storeInstance = instance
                    storeIndex = boxes.count
                    boxes.append(C2PABox(name: C2PABox.c2paName, range: segment))
                    position = segment.upperBound
                    continue
                }
            }
            guard let name = Self.boxName(of: marker) else { return nil }
            boxes.append(C2PABox(name: name, range: segment))
            position = segment.upperBound
        }
        return boxes
    }

    static func boxHasLength(_ marker: UInt8) -> Bool {
        (0xE0...0xEF).contains(marker) || (0xC0...0xCF).contains(marker) || [0xDA, 0xFE, 0xDB, 0xDD].contains(marker)
    }

    static func isInEntropyCodedData(_ marker: UInt8) -> Bool { marker == 0x00 || (0xD0...0xD7).contains(marker) }

    static func boxName(of marker: UInt8) -> String? {
        switch marker {
        case 0xE0...0xEF: return "APP\(marker - 0xE0)"
        case 0xFE: return "COM"
        case 0xC4: return "DHT"
        case 0xDB: return "DQT"
        case 0xDD: return "DRI"
        case 0xD0...0xD7: return "RST\(marker - 0xD0)"
        case 0xC0...0xC2: return "SOF\(marker - 0xC0)"
        case 0xCC: return "DAC"
        case 0xF0...0xFD: return "JPG\(marker - 0xF0)"
        default: return nil
        }
    }
}

extension JPEGSegmentParser {
    /// The marker segments before the first scan, walked without reading any payload: where a C2PA store
    /// lives. With `isPrefix`, a segment cut by the end of `bytes` ends the walk, unless it is an APP11
    /// segment (part of a store, perhaps), which throws so that the caller reads more.
    static func headerSegments(_ bytes: [UInt8], isPrefix: Bool) throws -> [JPEGSegment] {
        guard bytes.count >= 2, bytes[0] == 0xFF, bytes[1] == JPEGSegment.soi else {
            throw MediaError.make(.malformed, "not a JPEG: it does not start with the SOI marker FF D8")
        }
        var segments: [JPEGSegment] = []
        var position = 2
        while true {
            guard segments.count < maximumSegments else {
                throw MediaError.make(.limitExceeded, "more than \(maximumSegments) JPEG segments")
            }
            if isPrefix && position + 4 > bytes.count { return segments }
            if isPrefix, bytes[position] == 0xFF {
                let length = Int(bytes[position + 2]) << 8 | Int(bytes[position + 3])
                if position + 2 + length > bytes.count {
                    guard bytes[position + 1] != JPEGSegment.app11 else {
                        throw MediaError.make(.truncated, "the bytes read end inside an APP11 segment at byte \(position)")
                    }
                    return segments
                }
            }
            guard position + 1 < bytes.count else {
                throw MediaError.make(.truncated, "the JPEG ends before its image data")
            }
            guard bytes[position] == 0xFF else {
                throw MediaError.make(.malformed, "expected a JPEG marker at byte \(position), found 0x\(String(bytes[position], radix: 16))")
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
            if marker == JPEGSegment.eoi { return segments }
            guard position + 4 <= bytes.count else {
                throw MediaError.make(.truncated, "the JPEG ends inside the segment header at byte \(position)")
            }
            let length = Int(bytes[position + 2]) << 8 | Int(bytes[position + 3])
            guard length >= 2, position + 2 + length <= bytes.count else {
                throw MediaError.make(.truncated, "\(JPEGSegment.name(of: marker)) at byte \(position) runs past the end of the file")
            }
            segments.append(JPEGSegment(marker: marker, range: position..<position + 2 + length, payload: position + 4..<position + 2 + length))
            position += 2 + length
            if marker == JPEGSegment.sos { return segments }
        }
    }
}
