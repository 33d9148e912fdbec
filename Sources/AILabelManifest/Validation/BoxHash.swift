/// The box hash (`c2pa.hash.boxes`): instead of one hash over the file less an exclusion, a hash per
/// run of named boxes (JPEG segments, PNG chunks), with the C2PA store's box named `C2PA` and never
/// hashed. Microsoft signs this way. Validated as c2pa-rs does (`assertions/box_hash.rs`, and the
/// box maps of `asset_handlers/jpeg_io.rs` and `png_io.rs`).
enum BoxHash {
    /// One box of the asset: its name and the bytes it spans.
    struct Box: Equatable {
        var name: String
        var range: Range<Int>
    }

    static let c2paName = "C2PA"

    /// The boxes of a JPEG, in file order, named as c2pa-rs names them: SOI, APPn, DQT, DHT, SOF0–2,
    /// DRI, COM, SOS (its header and the entropy-coded data after it, restart markers included),
    /// RSTn, EOI; the APP11 segments of the C2PA store are one box `C2PA`. Nil when the file cannot
    /// be walked or holds a marker c2pa-rs has no name for.
    static func jpegBoxes(_ bytes: [UInt8]) -> [Box]? {
        guard bytes.count >= 2, bytes[0] == 0xFF, bytes[1] == 0xD8 else { return nil }
        var boxes = [Box(name: "SOI", range: 0..<2)]
        var position = 2
        var storeInstance: [UInt8]?
        var storeIndex: Int?
        while position < bytes.count {
            guard position + 1 < bytes.count, bytes[position] == 0xFF else { return nil }
            let marker = bytes[position + 1]
            if marker == 0xFF { position += 1; continue }  // fill byte
            if marker == 0xD9 {
                boxes.append(Box(name: "EOI", range: position..<position + 2))
                return boxes
            }
            var size = 2
            if hasLength(marker) {
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
                    if bytes[end] == 0xFF, end + 1 < bytes.count, !inEntropy(bytes[end + 1]) { break }
                    end += bytes[end] == 0xFF ? 2 : 1
                }
                boxes.append(Box(name: "SOS", range: position..<min(end, bytes.count)))
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
                    boxes.append(Box(name: c2paName, range: segment))
                    position = segment.upperBound
                    continue
                }
            }
            guard let name = name(of: marker) else { return nil }
            boxes.append(Box(name: name, range: segment))
            position = segment.upperBound
        }
        return boxes
    }

    static func hasLength(_ marker: UInt8) -> Bool {
        (0xE0...0xEF).contains(marker) || (0xC0...0xCF).contains(marker) || [0xDA, 0xFE, 0xDB, 0xDD].contains(marker)
    }

    static func inEntropy(_ marker: UInt8) -> Bool { marker == 0x00 || (0xD0...0xD7).contains(marker) }

    static func name(of marker: UInt8) -> String? {
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

    /// The boxes of a PNG: `PNGh` (the signature), then each chunk by its type, the `caBX` chunk as `C2PA`.
    static func pngBoxes(_ bytes: [UInt8]) -> [Box]? {
        guard let chunks = try? StoreEmbedding.pngChunks(bytes) else { return nil }
        return [Box(name: "PNGh", range: 0..<8)]
            + chunks.map { Box(name: $0.type == "caBX" ? c2paName : $0.type, range: $0.range) }
    }

    /// Why a box hash does not hold, or nil when it does. `entries` are the assertion's `boxes`.
    static func mismatch(entries: [CBOR], claimAlgorithm: String, asset bytes: [UInt8]) -> String? {
        guard let boxes = StoreEmbedding.format(of: bytes) == .png ? pngBoxes(bytes) : jpegBoxes(bytes) else {
            return "the asset's boxes cannot be listed"
        }
        guard !entries.isEmpty else { return "the box hash lists no boxes" }
        var index = 0
        // A PNG hash may leave out the signature box.
        if boxes.first?.name == "PNGh", entries[0]["names"]?.arrayValue?.first?.textValue != "PNGh" { index = 1 }
        for entry in entries {
            guard let names = entry["names"]?.arrayValue?.compactMap(\.textValue), !names.isEmpty else {
                return "a box hash entry has no names"
            }
            var span: Range<Int>?
            var isStore = false
            for name in names {
                guard index < boxes.count, boxes[index].name == name else {
                    return "the box hash names \(name) where the asset has \(index < boxes.count ? boxes[index].name : "no more boxes") (assertion.boxesHash.unknownBox)"
                }
                if span == nil {
                    span = boxes[index].range
                    if name == c2paName {
                        guard names.count == 1 else { return "the C2PA box is hashed together with other boxes" }
                        isStore = true
                    }
                } else {
                    span = span!.lowerBound..<boxes[index].range.upperBound
                }
                index += 1
            }
            if isStore || entry["excluded"]?.boolValue == true { continue }
            guard let algorithm = HashAlgorithm(c2paName: entry["alg"]?.textValue ?? claimAlgorithm) else {
                return "a box hash entry uses an unsupported algorithm"
            }
            guard let expected = entry["hash"]?.bytesValue, let span else { return "a box hash entry has no hash" }
            if algorithm.hash(bytes[span]) != expected {
                return "the boxes \(names.joined(separator: ", ")) were changed after signing"
            }
        }
        return nil
    }
}
