import AILabelManifest
import AILabelMedia

/// What `ailabel inspect` reports for one file: the container's structure and every metadata block,
/// decoded. A file that cannot be read has only `path` and `error`.
public struct InspectionReport: Sendable, Encodable {
    public var path: String
    public var format: String?
    public var width: Int?
    public var height: Int?
    public var blocks: [MetadataBlock]?
    public var xmp: [XMPEntry]?
    public var exif: [EXIFEntry]?
    public var text: [TextEntry]?
    /// IPTC IIM datasets (JPEG APP13).
    public var iptc: [IPTCEntry]?
    public var comments: [String]?
    public var icc: ICCSummary?
    public var c2pa: C2PASummary?
    /// How the image data is coded, written under the format's own key (`jpeg`, `png`).
    public var coding: (any FormatCoding)?
    public var warnings: [String]?
    public var error: String?

    enum CodingKeys: String, CodingKey {
        case path, format, width, height, blocks, xmp, exif, text, iptc, comments, icc, c2pa, warnings, error
    }

    struct FormatKey: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(path, forKey: .path)
        try container.encodeIfPresent(format, forKey: .format)
        try container.encodeIfPresent(width, forKey: .width)
        try container.encodeIfPresent(height, forKey: .height)
        try container.encodeIfPresent(blocks, forKey: .blocks)
        try container.encodeIfPresent(xmp, forKey: .xmp)
        try container.encodeIfPresent(exif, forKey: .exif)
        try container.encodeIfPresent(text, forKey: .text)
        try container.encodeIfPresent(iptc, forKey: .iptc)
        try container.encodeIfPresent(comments, forKey: .comments)
        try container.encodeIfPresent(icc, forKey: .icc)
        try container.encodeIfPresent(c2pa, forKey: .c2pa)
        try container.encodeIfPresent(warnings, forKey: .warnings)
        try container.encodeIfPresent(error, forKey: .error)
        if let coding {
            var formatContainer = encoder.container(keyedBy: FormatKey.self)
            try formatContainer.encode(coding, forKey: FormatKey(stringValue: coding.reportKey))
        }
    }

    public struct XMPEntry: Sendable, Codable, Hashable {
        public var namespace: String
        public var name: String
        public var value: String
    }

    public struct EXIFEntry: Sendable, Codable, Hashable {
        public var directory: String
        public var tag: String
        public var name: String
        public var value: String
    }

    public struct ICCSummary: Sendable, Codable, Hashable {
        public var size: Int
        /// The profile's description tag, when it is a plain `desc` or `mluc` string.
        public var description: String?
    }

    public struct IPTCEntry: Sendable, Encodable {
        /// `record:dataset`, as IIM numbers them (`2:120`).
        public var dataset: String
        public var name: String
        public var value: String
    }

    public struct C2PASummary: Sendable, Encodable {
        public var present: Bool
        public var storeCount: Int
        public var size: Int
        public var ranges: [[Int]]
        /// The manifest store as the validator reads it, with no trust anchors (so at best Valid): state,
        /// status codes, the active manifest's claim, actions, assertions, signer and ingredients.
        public var manifestStore: ValidationReport?
    }

    public init(path: String, error: String) {
        self.path = path
        self.error = error
    }

    init(path: String) { self.path = path }
}

/// Builds inspection reports.
public enum Inspector {
    public static func inspect(path: String) -> InspectionReport {
        do {
            return try inspect(try MediaFile(path: path))
        } catch let error as MediaError {
            return InspectionReport(path: path, error: error.reason)
        } catch {
            return InspectionReport(path: path, error: "\(error)")
        }
    }

    public static func inspect(_ file: MediaFile) throws -> InspectionReport {
        let contents = file.contents
        var report = InspectionReport(path: file.path)
        report.format = contents.format.rawValue
        // A file without pixels (audio) reports no dimensions rather than 0×0.
        if contents.width > 0 || contents.height > 0 {
            report.width = contents.width
            report.height = contents.height
        }
        report.blocks = contents.blocks
        report.warnings = contents.warnings
        if let xmp = contents.xmp {
            do {
                let packet = try XMPPacket(parsing: xmp, extended: contents.extendedXMP)
                report.xmp = packet.properties.map { InspectionReport.XMPEntry(namespace: $0.namespace, name: $0.name, value: $0.value.displayText) }
            } catch let error as MediaError {
                report.warnings?.append("XMP: \(error.reason)")
            }
        }
        if let exif = contents.exif {
            do {
                let metadata = try EXIFMetadata(tiff: exif)
                report.exif = metadata.tags.map {
                    InspectionReport.EXIFEntry(
                        directory: $0.directory.rawValue, tag: "0x" + String($0.tag, radix: 16, uppercase: true), name: $0.name,
                        value: $0.tag == EXIFTag.userComment ? (metadata.userComment ?? $0.value) : $0.value)
                }
            } catch let error as MediaError {
                report.warnings?.append("EXIF: \(error.reason)")
            }
        }
        if !contents.textEntries.isEmpty { report.text = contents.textEntries }
        if !contents.comments.isEmpty { report.comments = contents.comments }
        if !contents.iptc.isEmpty {
            report.iptc = contents.iptc.map { InspectionReport.IPTCEntry(dataset: "\($0.record):\($0.dataset)", name: $0.name, value: $0.value) }
        }
        if let icc = contents.icc { report.icc = InspectionReport.ICCSummary(size: icc.count, description: ICCProfile.description(of: icc)) }
        report.coding = contents.coding
        report.c2pa = InspectionReport.C2PASummary(
            present: contents.c2paStore != nil, storeCount: contents.c2paStoreCount, size: contents.c2paStore?.count ?? 0,
            ranges: contents.c2paStoreRanges.map { [$0.lowerBound, $0.count] },
            manifestStore: contents.c2paStore == nil && contents.c2paStoreCount == 0
                ? nil : ManifestValidator().validate(contents: contents, asset: file.source))
        return report
    }
}

/// Reads the description of an ICC profile, for reports.
enum ICCProfile {
    static func description(of profile: [UInt8]) -> String? {
        var cursor = ByteCursor(profile)
        guard cursor.seek(to: 128), let count = cursor.readUInt32BE(), count < 1000 else { return nil }
        for _ in 0..<count {
            guard let signature = cursor.readUInt32BE(), let offset = cursor.readUInt32BE(), let size = cursor.readUInt32BE() else { return nil }
            guard signature == 0x6465_7363 /* desc */, Int(offset) + Int(size) <= profile.count, size >= 12 else { continue }
            let tag = profile[Int(offset)..<Int(offset) + Int(size)]
            if tag.starts(withASCII: "desc") {
                var inner = ByteCursor(tag)
                guard inner.skip(8), let length = inner.readUInt32BE(), let text = inner.readBytes(Int(min(length, 256))) else { return nil }
                return String(decoding: text.prefix { $0 != 0 }, as: UTF8.self)
            }
            if tag.starts(withASCII: "mluc") {
                var inner = ByteCursor(tag)
                guard inner.skip(12), inner.readUInt32BE() != nil, inner.skip(4), let length = inner.readUInt32BE(),
                    let textOffset = inner.readUInt32BE(), Int(textOffset) + Int(length) <= tag.count
                else { return nil }
                let bytes = tag[(tag.startIndex + Int(textOffset))..<(tag.startIndex + Int(textOffset) + Int(length))]
                var units: [UInt16] = []
                var index = bytes.startIndex
                while index + 1 < bytes.endIndex {
                    units.append(UInt16(bytes[index]) << 8 | UInt16(bytes[index + 1]))
                    index += 2
                }
                return String(decoding: units, as: UTF16.self)
            }
        }
        return nil
    }
}
