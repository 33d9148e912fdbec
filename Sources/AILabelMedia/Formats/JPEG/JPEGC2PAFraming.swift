/// Where C2PA puts its store in a JPEG: JPEG XT APP11 segments right after SOI and APP0, each with
/// `JP`, a box instance and a sequence number, every segment after the first repeating the superbox's
/// 8-byte header (C2PA 2.x, A.3.3; c2pa-rs `jpeg_io.rs`).
extension JPEGHandler {
    public func locateC2PAStore(in source: any ByteSource) throws -> C2PAStoreLocation {
        try locateC2PAStore(in: source, isPrefix: false)
    }

    public func locateC2PAStore(in bytes: [UInt8], isPrefix: Bool) throws -> C2PAStoreLocation {
        try locateC2PAStore(in: bytes as any ByteSource, isPrefix: isPrefix)
    }

    /// The structural pass: the segments before the first scan by their lengths, and the payloads of
    /// the APP11 segments among them, read by position.
    func locateC2PAStore(in source: any ByteSource, isPrefix: Bool) throws -> C2PAStoreLocation {
        let segments = try JPEGSegmentParser.headerSegments(source, isPrefix: isPrefix)
        var window = ByteWindow(source)
        var parts: [(range: Range<Int>, payload: ArraySlice<UInt8>)] = []
        for segment in segments where segment.marker == JPEGSegment.app11 {
            parts.append((segment.range, (try window.bytes(segment.payload) ?? [])[...]))
        }
        let stores = JPEGBoxGroup.groups(parts).filter { $0.label == "c2pa" }
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
    public func c2paBoxes(in bytes: [UInt8]) -> [C2PABox]? { c2paBoxes(in: bytes as any ByteSource) }

    public func c2paBoxes(in source: any ByteSource) -> [C2PABox]? { try? boxes(in: source) }

    private func boxes(in source: any ByteSource) throws -> [C2PABox]? {
        var window = ByteWindow(source)
        let count = source.count
        guard count >= 2, try window.byte(at: 0) == 0xFF, try window.byte(at: 1) == 0xD8 else { return nil }
        var boxes = [C2PABox(name: "SOI", range: 0..<2)]
        var position = 2
        var storeInstance: [UInt8]?
        var storeIndex: Int?
        while position < count {
            guard position + 1 < count, try window.byte(at: position) == 0xFF, let marker = try window.byte(at: position + 1) else { return nil }
            if marker == 0xFF { position += 1; continue }  // fill byte
            if marker == 0xD9 {
                boxes.append(C2PABox(name: "EOI", range: position..<position + 2))
                return boxes
            }
            var size = 2
            if Self.boxHasLength(marker) {
                guard position + 4 <= count, let length = try window.uint16BE(at: position + 2) else { return nil }
                size = 2 + Int(length)
                guard size >= 4, position + size <= count else { return nil }
            }
            let segment = position..<position + size
            if marker == 0xDA {
                // The scan: its header and the entropy-coded data up to the next marker that is not
                // a restart marker or a stuffed zero.
                var end = segment.upperBound
                while end < count {
                    let byte = try window.byte(at: end)
                    if byte == 0xFF, end + 1 < count, let next = try window.byte(at: end + 1), !Self.isInEntropyCodedData(next) { break }
                    end += byte == 0xFF ? 2 : 1
                }
                boxes.append(C2PABox(name: "SOS", range: position..<min(end, count)))
                position = min(end, count)
                continue
            }
            if marker == 0xEB, size > 4 + 16, let head = try window.bytes(position + 4..<min(segment.upperBound, position + 4 + 28)) {
                let instance = Array(head[2..<4])
                if let storeIndex, storeInstance == instance {
                    // A continuation of the store: its box grows (c2pa-rs counts every segment of the
                    // same box instance after the first as part of it).
                    boxes[storeIndex].range = boxes[storeIndex].range.lowerBound..<segment.upperBound
                    position = segment.upperBound
                    continue
                }
                if size - 4 > 28, Array(head[24..<28]) == Array("c2pa".utf8) {
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
    /// The marker segments before the first scan, walked by their lengths without reading any payload:
    /// where a C2PA store lives. With `isPrefix`, a segment cut by the end of the source ends the walk,
    /// unless it is an APP11 segment (part of a store, perhaps), which throws so that the caller reads more.
    static func headerSegments(_ source: any ByteSource, isPrefix: Bool) throws -> [JPEGSegment] {
        var window = ByteWindow(source)
        let count = source.count
        guard count >= 2, try window.byte(at: 0) == 0xFF, try window.byte(at: 1) == JPEGSegment.soi else {
            throw MediaError.make(.malformed, "not a JPEG: it does not start with the SOI marker FF D8")
        }
        var segments: [JPEGSegment] = []
        var position = 2
        while true {
            guard segments.count < maximumSegments else {
                throw MediaError.make(.limitExceeded, "more than \(maximumSegments) JPEG segments")
            }
            if isPrefix && position + 4 > count { return segments }
            if isPrefix, try window.byte(at: position) == 0xFF, let length = try window.uint16BE(at: position + 2) {
                if position + 2 + Int(length) > count {
                    guard try window.byte(at: position + 1) != JPEGSegment.app11 else {
                        throw MediaError.make(.truncated, "the bytes read end inside an APP11 segment at byte \(position)")
                    }
                    return segments
                }
            }
            guard position + 1 < count, let first = try window.byte(at: position), let marker = try window.byte(at: position + 1) else {
                throw MediaError.make(.truncated, "the JPEG ends before its image data")
            }
            guard first == 0xFF else {
                throw MediaError.make(.malformed, "expected a JPEG marker at byte \(position), found 0x\(String(first, radix: 16))")
            }
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
            guard position + 4 <= count, let length16 = try window.uint16BE(at: position + 2) else {
                throw MediaError.make(.truncated, "the JPEG ends inside the segment header at byte \(position)")
            }
            let length = Int(length16)
            guard length >= 2, position + 2 + length <= count else {
                throw MediaError.make(.truncated, "\(JPEGSegment.name(of: marker)) at byte \(position) runs past the end of the file")
            }
            segments.append(JPEGSegment(marker: marker, range: position..<position + 2 + length, payload: position + 4..<position + 2 + length))
            position += 2 + length
            if marker == JPEGSegment.sos { return segments }
        }
    }
}
