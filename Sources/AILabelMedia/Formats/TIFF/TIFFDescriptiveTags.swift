/// A TIFF's "EXIF" as ailabel reads and writes it: IFD0's descriptive ASCII tags (ImageDescription,
/// Make, Model, Software, DateTime, Artist, Copyright) and the EXIF IFD's UserComment, gathered into
/// a small TIFF block like the one a JPEG's APP1 holds, so the layers that read and add EXIF work on a
/// TIFF unchanged. Writing sets IFD0's descriptive tags from such a block; the EXIF IFD itself (with
/// any MakerNote and its private offsets) is never rewritten.
enum TIFFDescriptiveTags {
    /// Largest descriptive value read (an ImageDescription of a gigabyte is no description).
    static let maximumValueBytes = 1 << 20

    /// The block for `structure`, or nil when the file has none of these tags.
    static func block(of structure: TIFFStructure, reader: some ByteSource) throws -> [UInt8]? {
        var ifd0: [(UInt16, [UInt8])] = []
        for tag in TIFFTag.descriptive {
            guard let entry = structure.firstPage.entry(tag), entry.type == TIFFFieldType.ascii, entry.count > 0,
                (entry.valueSize ?? .max) <= maximumValueBytes
            else { continue }
            ifd0.append((tag, Array(try structure.value(of: entry, reader: reader))))
        }
        var comment: [UInt8]?
        if let exif = structure.subDirectories.first(where: { $0.role == .exif(page: 0) }), let entry = exif.entry(TIFFTag.userComment),
            entry.type == TIFFFieldType.undefined, (entry.valueSize ?? .max) <= maximumValueBytes
        {
            comment = Array(try structure.value(of: entry, reader: reader))
        }
        guard !ifd0.isEmpty || comment != nil else { return nil }
        return try make(ifd0: ifd0, userComment: comment)
    }

    /// A big-endian TIFF block: IFD0 with the ASCII tags, and an EXIF IFD with UserComment when given.
    static func make(ifd0: [(UInt16, [UInt8])], userComment: [UInt8]?) throws -> [UInt8] {
        let writer = TIFFDirectoryWriter(order: .big, isBigTIFF: false)
        let entryCount = ifd0.count + (userComment == nil ? 0 : 1)
        var cursor = 8 + writer.tableSize(entries: entryCount)
        var values: [UInt8] = []
        var entries: [TIFFWrittenEntry] = []
        func place(_ bytes: [UInt8]) -> TIFFWrittenEntry.Value {
            if let field = writer.inlineField(bytes) { return .field(field) }
            let at = cursor + values.count
            values += bytes
            if values.count % 2 == 1 { values.append(0) }
            return .offset(at)
        }
        for (tag, value) in ifd0 {
            entries.append(TIFFWrittenEntry(tag: tag, type: TIFFFieldType.ascii, count: UInt64(value.count), value: place(value)))
        }
        var exifTable: [UInt8] = []
        if let userComment {
            let exifAt = cursor + values.count
            cursor = exifAt + writer.tableSize(entries: 1)
            let commentValue: TIFFWrittenEntry.Value = writer.inlineField(userComment).map { .field($0) } ?? .offset(cursor)
            exifTable = try writer.table([TIFFWrittenEntry(tag: TIFFTag.userComment, type: TIFFFieldType.undefined, count: UInt64(userComment.count), value: commentValue)], next: 0)
            if case .offset = commentValue { exifTable += userComment }
            entries.append(TIFFWrittenEntry(tag: TIFFTag.exifIFD, type: TIFFFieldType.long, count: 1, value: .field(TIFFByteOrder.big.bytes(UInt64(exifAt), width: 4))))
        }
        return [0x4D, 0x4D, 0x00, 0x2A, 0, 0, 0, 8] + (try writer.table(entries, next: 0)) + values + exifTable
    }

    /// IFD0's descriptive ASCII values in a block (a TIFF structure such as libexif writes).
    static func values(in block: [UInt8]) throws -> [UInt16: [UInt8]] {
        let structure: TIFFStructure
        do {
            structure = try TIFFStructure(reading: block, imageData: false)
        } catch let error as MediaError {
            throw MediaError.make(.exif, "the EXIF block to write cannot be read: \(error.reason)")
        }
        var out: [UInt16: [UInt8]] = [:]
        for tag in TIFFTag.descriptive {
            guard let entry = structure.firstPage.entry(tag), entry.type == TIFFFieldType.ascii, entry.count > 0 else { continue }
            out[tag] = Array(try structure.value(of: entry, reader: block))
        }
        return out
    }
}
