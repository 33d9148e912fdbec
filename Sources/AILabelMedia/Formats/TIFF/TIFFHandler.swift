/// TIFF, BigTIFF and DNG: directories of tagged values. XMP is tag 700 of IFD0, the C2PA store tag
/// 0xCD41 (c2pa-rs `tiff_io.rs`), ICC tag 34675, and the descriptive ASCII tags stand for EXIF
/// (``TIFFDescriptiveTags``).
///
/// Parsing walks the directories by positioned reads and never reads image data. A rewrite keeps the
/// original bytes where they are (so every offset in them, maker notes' private ones included, stays
/// true) and appends a new IFD0 after them with the changed values, the C2PA store last, as c2pa-rs
/// 0.91 does; a tail that an earlier stamp appended (IFD0 and its own values, nothing else pointing
/// there) is replaced rather than kept, so re-stamping does not grow the file.
public struct TIFFHandler: AssetHandler {
    public enum Variant: Sendable { case tiff, dng }
    public let variant: Variant

    public init(_ variant: Variant = .tiff) { self.variant = variant }

    public var declaration: FormatDeclaration {
        switch variant {
        case .tiff: Self.tiffDeclaration
        case .dng: Self.dngDeclaration
        }
    }

    /// A TIFF whose IFD0 carries DNGVersion is a DNG whichever name it was sniffed or claimed by.
    public func refined(by contents: MediaContents) -> any AssetHandler {
        TIFFHandler(contents.format == .dng ? .dng : .tiff)
    }

    /// Walks the directories by positioned reads: headers, directory tables and the metadata values
    /// (XMP, ICC, descriptive tags, the C2PA store), never the strips or tiles.
    public func parse(_ source: any ByteSource) throws -> MediaContents {
        try parse(reader: source)
    }

    func parse(reader: some ByteSource) throws -> MediaContents {
        let structure = try TIFFStructure(reading: reader)
        let ifd0 = structure.firstPage
        let isDNG = ifd0.entry(TIFFTag.dngVersion) != nil
        // A DNG's IFD0 is usually a preview: the main image is the directory whose NewSubfileType is 0.
        let main = ([ifd0] + structure.subDirectories.filter { $0.role == .subIFD(page: 0) }).first { directory in
            (try? directory.entry(TIFFTag.newSubfileType).map { try structure.integers(of: $0, reader: reader).first ?? 0 }) ?? 0 == 0
        } ?? ifd0
        func number(_ directory: TIFFDirectory, _ tag: UInt16) throws -> Int? {
            guard let entry = directory.entry(tag) else { return nil }
            return try structure.integers(of: entry, reader: reader).first.map { Int(clamping: $0) }
        }
        func numbers(_ directory: TIFFDirectory, _ tag: UInt16) throws -> [Int] {
            guard let entry = directory.entry(tag), entry.count <= 64 else { return [] }
            return try structure.integers(of: entry, reader: reader).map { Int(clamping: $0) }
        }
        guard let width = try number(main, TIFFTag.imageWidth), let height = try number(main, TIFFTag.imageLength), width > 0, height > 0 else {
            throw MediaError.make(.malformed, "\(TIFFStructure.name(main.role)) has no ImageWidth and ImageLength")
        }
        var contents = MediaContents(format: isDNG ? .dng : .tiff, width: width, height: height)
        contents.warnings = structure.warnings

        var blocks = [MetadataBlock(kind: .header, name: structure.isBigTIFF ? "BigTIFF header" : "TIFF header", offset: 0, size: structure.headerSize)]
        for directory in structure.allDirectories {
            let name: String
            var kind = MetadataBlock.Kind.header
            switch directory.role {
            case .page(let number): name = directory.isC2PAOnly ? "IFD\(number) (C2PA only)" : "IFD\(number)"
            case .subIFD: name = "SubIFD"
            case .exif:
                name = "EXIF IFD"
                kind = .exif
            }
            blocks.append(MetadataBlock(kind: kind, name: name, offset: directory.tableRange.lowerBound, size: directory.tableRange.count,
                                        detail: "\(directory.entries.count) entries"))
        }
        for (role, ranges, tiled) in structure.imageData where !ranges.isEmpty {
            let start = ranges.map(\.lowerBound).min()!
            let end = ranges.map(\.upperBound).max()!
            blocks.append(MetadataBlock(kind: .imageData, name: tiled ? "tiles" : "strips", offset: start, size: end - start,
                                        detail: "\(TIFFStructure.name(role)), \(ranges.count) run\(ranges.count == 1 ? "" : "s")"))
            contents.imageDataRanges += ranges
        }

        if let entry = ifd0.entry(TIFFTag.xmp), entry.type == TIFFFieldType.byte || entry.type == TIFFFieldType.undefined {
            // Bounded before it is read: a count of 1.9 GB in a 2 GB file is not a packet.
            guard let size = entry.valueSize, size <= XMPPacket.maximumPacketSize else {
                throw MediaError.make(.limitExceeded, "the XMP packet (tag 700) declares \(entry.count) bytes, over the \(XMPPacket.maximumPacketSize)-byte limit")
            }
            contents.xmp = Array(try structure.value(of: entry, reader: reader))
            if let range = entry.dataRange { blocks.append(MetadataBlock(kind: .xmp, name: "XMP", offset: range.lowerBound, size: range.count, detail: "tag 700")) }
        }
        if let entry = ifd0.entry(TIFFTag.iccProfile), entry.type == TIFFFieldType.undefined, (entry.valueSize ?? .max) > PNGHandler.maximumICCBytes {
            contents.warnings.append("the ICC profile (tag 34675) declares \(entry.count) bytes, over the \(PNGHandler.maximumICCBytes)-byte limit: not read")
        } else if let entry = ifd0.entry(TIFFTag.iccProfile), entry.type == TIFFFieldType.undefined {
            contents.icc = Array(try structure.value(of: entry, reader: reader))
            if let range = entry.dataRange { blocks.append(MetadataBlock(kind: .icc, name: "ICC", offset: range.lowerBound, size: range.count, detail: "tag 34675")) }
        }
        contents.exif = try TIFFDescriptiveTags.block(of: structure, reader: reader)

        let location = try Self.c2paLocation(in: structure, reader: reader)
        contents.c2paStore = location.store
        contents.c2paStoreRanges = location.ranges
        contents.c2paStoreCount = location.storeCount
        if let range = location.ranges.first {
            blocks.append(MetadataBlock(kind: .c2pa, name: "C2PA", offset: range.lowerBound, size: range.count, detail: "tag 0xCD41"))
        }
        if let found = structure.c2paEntry, found.page != 0, ifd0.entry(TIFFTag.c2pa) != nil {
            contents.warnings.append("IFD0 also holds a C2PA store; c2pa-rs reads only the one in the last directory")
        }
        contents.blocks = blocks.sorted { $0.offset < $1.offset }

        let pages = structure.pages.filter { !$0.isC2PAOnly }.count
        // DNGVersion is four BYTEs.
        let dngVersion = try ifd0.entry(TIFFTag.dngVersion).map { try structure.value(of: $0, reader: reader).map(String.init).joined(separator: ".") }
        contents.coding = TIFFCoding(
            byteOrder: structure.order.littleEndian ? "II" : "MM", bigTIFF: structure.isBigTIFF, pages: max(1, pages),
            compression: try number(main, TIFFTag.compression) ?? 1, photometric: try number(main, TIFFTag.photometric) ?? -1,
            bitsPerSample: try numbers(main, TIFFTag.bitsPerSample), samplesPerPixel: try number(main, TIFFTag.samplesPerPixel) ?? 1,
            extraSamples: try numbers(main, TIFFTag.extraSamples), tiled: main.entry(TIFFTag.tileOffsets) != nil,
            predictor: try number(main, TIFFTag.predictor), dngVersion: dngVersion)
        return contents
    }

    /// The rewrite as a splice: the original's ranges (image data among them) and the new IFD0, its
    /// values and the store. The directories are walked again by positioned reads (cheap: no value is
    /// read but those the edit touches).
    public func planRewrite(of source: any ByteSource, contents: MediaContents, applying edit: MetadataEdit) throws -> SplicePlan {
        try TIFFRewritePlan.plan(structure: try TIFFStructure(reading: source), reader: source, edit: edit)
    }

    public func imageDataRanges(in source: any ByteSource) throws -> [Range<Int>] {
        try TIFFStructure(reading: source).imageData.flatMap(\.ranges)
    }

    public func imageDataRanges(in bytes: [UInt8]) throws -> [Range<Int>] {
        try imageDataRanges(in: bytes as any ByteSource)
    }
}
