/// One IPTC IIM dataset (the pre-XMP IPTC metadata that cameras, Photoshop and image services still write
/// into JPEG APP13): record and dataset number, and its value as text.
public struct IPTCDataset: Sendable, Hashable, Codable {
    public var record: Int
    public var dataset: Int
    public var value: String

    public init(record: Int, dataset: Int, value: String) {
        self.record = record
        self.dataset = dataset
        self.value = value
    }

    /// The dataset's IIM name where ailabel knows it (`Caption-Abstract`), else `record:dataset`.
    public var name: String { IPTCIIM.names[record << 8 | dataset] ?? "\(record):\(dataset)" }
}

/// Reads IPTC IIM from a JPEG APP13 payload: the Photoshop image resource block ("Photoshop 3.0", then
/// `8BIM` resources) whose resource 0x0404 (IPTC-NAA) holds the datasets. Only reads; hostile input gives
/// fewer datasets and a warning, never a trap.
public enum IPTCIIM {
    /// The APP13 identifier of Photoshop's image resources.
    static let photoshopIdentifier: [UInt8] = Array("Photoshop 3.0".utf8) + [0]
    /// Image resource signatures: Photoshop's `8BIM`, and those other writers use (as exiftool accepts them).
    static let resourceSignatures: [[UInt8]] = ["8BIM", "PHUT", "AgHg", "DCSR", "MeSa"].map { Array($0.utf8) }
    /// The image resource that holds IPTC-NAA (IIM) datasets.
    static let iptcResource: UInt16 = 0x0404
    /// Most datasets read from one file.
    public static let maximumDatasets = 4096

    /// Dataset names used in messages and `inspect` (IIM 4.2, record 2).
    static let names: [Int: String] = [
        0x0100 | 90: "CodedCharacterSet", 0x0200 | 5: "ObjectName", 0x0200 | 25: "Keywords", 0x0200 | 40: "SpecialInstructions",
        0x0200 | 55: "DateCreated", 0x0200 | 65: "OriginatingProgram", 0x0200 | 70: "ProgramVersion", 0x0200 | 80: "By-line",
        0x0200 | 105: "Headline", 0x0200 | 110: "Credit", 0x0200 | 115: "Source", 0x0200 | 116: "CopyrightNotice",
        0x0200 | 120: "Caption-Abstract", 0x0200 | 122: "Writer-Editor",
    ]

    public static func isPhotoshopSegment(_ payload: ArraySlice<UInt8>) -> Bool { payload.starts(with: photoshopIdentifier) }

    /// The datasets in one APP13 payload, and a warning when its structure is broken.
    public static func datasets(inAPP13 payload: ArraySlice<UInt8>) -> (datasets: [IPTCDataset], warning: String?) {
        guard isPhotoshopSegment(payload) else { return ([], nil) }
        var cursor = ByteCursor(payload.dropFirst(photoshopIdentifier.count))
        var datasets: [IPTCDataset] = []
        while !cursor.isAtEnd {
            guard let signature = cursor.readBytes(4), resourceSignatures.contains(where: { signature.elementsEqual($0) }),
                let identifier = cursor.readUInt16BE(), let nameLength = cursor.readUInt8(),
                // The Pascal name and its length byte are padded to an even size.
                cursor.skip(Int(nameLength) + (Int(nameLength) % 2 == 0 ? 1 : 0)),
                let size = cursor.readUInt32BE(), let data = cursor.readBytes(Int(size))
            else {
                return (datasets, "the APP13 Photoshop resources are malformed; only the IPTC datasets before the damage were read")
            }
            if size % 2 == 1 { _ = cursor.skip(1) }
            if identifier == iptcResource {
                let (found, warning) = parseDatasets(data, limit: maximumDatasets - datasets.count)
                datasets += found
                if let warning { return (datasets, warning) }
            }
        }
        return (datasets, nil)
    }

    /// Parses IIM datasets: tag marker 0x1C, record, dataset, a 16-bit length (extended lengths are
    /// refused: no text field needs one).
    static func parseDatasets(_ bytes: ArraySlice<UInt8>, limit: Int) -> (datasets: [IPTCDataset], warning: String?) {
        var cursor = ByteCursor(bytes)
        var raw: [(record: Int, dataset: Int, value: ArraySlice<UInt8>)] = []
        var warning: String?
        while !cursor.isAtEnd {
            // Writers pad the resource with zeros.
            if cursor.peekUInt8() == 0 { break }
            guard raw.count < limit else {
                warning = "more than \(maximumDatasets) IPTC datasets; the rest were not read"
                break
            }
            guard cursor.readUInt8() == 0x1C, let record = cursor.readUInt8(), let dataset = cursor.readUInt8(), let length = cursor.readUInt16BE(),
                length & 0x8000 == 0, let value = cursor.readBytes(Int(length))
            else {
                warning = "the IPTC IIM datasets are malformed; only those before the damage were read"
                break
            }
            raw.append((Int(record), Int(dataset), value))
        }
        // 1:90 ESC % G declares UTF-8; without it the text is ISO 8859-1 by IIM's rule, though many writers
        // put UTF-8 there anyway, so valid UTF-8 is taken as such.
        let declaredUTF8 = raw.contains { $0.record == 1 && $0.dataset == 90 && $0.value.elementsEqual([0x1B, 0x25, 0x47]) }
        let datasets = raw.map { entry in
            IPTCDataset(record: entry.record, dataset: entry.dataset, value: decode(entry.value, declaredUTF8: declaredUTF8))
        }
        return (datasets, warning)
    }

    static func decode(_ bytes: ArraySlice<UInt8>, declaredUTF8: Bool) -> String {
        if let text = String(validating: bytes, as: UTF8.self) { return text }
        if declaredUTF8 { return String(decoding: bytes, as: UTF8.self) }
        return String(String.UnicodeScalarView(bytes.map { Unicode.Scalar($0) }))
    }
}
