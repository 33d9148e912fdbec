internal import CAILabelEXIF

#if canImport(Glibc)
import Glibc
#endif

/// The EXIF IFDs, as libexif names them.
public enum EXIFDirectory: String, Sendable, Hashable, Codable, CaseIterable {
    case ifd0 = "IFD0", ifd1 = "IFD1", exif = "EXIF", gps = "GPS", interoperability = "Interoperability"

    init(_ ifd: ExifIfd) {
        switch ifd {
        case EXIF_IFD_0: self = .ifd0
        case EXIF_IFD_1: self = .ifd1
        case EXIF_IFD_EXIF: self = .exif
        case EXIF_IFD_GPS: self = .gps
        default: self = .interoperability
        }
    }

    var libexif: ExifIfd {
        switch self {
        case .ifd0: EXIF_IFD_0
        case .ifd1: EXIF_IFD_1
        case .exif: EXIF_IFD_EXIF
        case .gps: EXIF_IFD_GPS
        case .interoperability: EXIF_IFD_INTEROPERABILITY
        }
    }
}

/// One EXIF tag, decoded by libexif.
public struct EXIFTag: Sendable, Hashable, Codable {
    public var directory: EXIFDirectory
    public var tag: UInt16
    /// libexif's name for the tag (`ImageDescription`, `UserComment`…), or the hex number.
    public var name: String
    /// libexif's rendering of the value.
    public var value: String
    /// The raw value bytes (for tags whose text libexif does not decode fully, such as UserComment).
    public var raw: [UInt8]

    /// Tags ailabel reads by number.
    public static let imageDescription: UInt16 = 0x010E
    public static let make: UInt16 = 0x010F
    public static let software: UInt16 = 0x0131
    public static let artist: UInt16 = 0x013B
    public static let copyright: UInt16 = 0x8298
    public static let userComment: UInt16 = 0x9286
    public static let makerNote: UInt16 = 0x927C
}

/// EXIF read and written through libexif.
///
/// libexif "fixes" data while loading unless told not to; ailabel turns both fixing options off so
/// what it reports is what the file holds.
public struct EXIFMetadata: Sendable, Hashable {
    public let tags: [EXIFTag]
    /// Whether multi-byte values are little-endian (`II`).
    public let littleEndian: Bool

    static let header: [UInt8] = Array("Exif".utf8) + [0, 0]
    /// Largest value libexif renders as text for a report.
    static let renderLimit = 2048

    /// Decodes a TIFF-structured EXIF block (no `Exif\0\0` prefix).
    public init(tiff: [UInt8]) throws {
        guard tiff.count >= 8, tiff.starts(with: [0x49, 0x49, 0x2A, 0x00]) || tiff.starts(with: [0x4D, 0x4D, 0x00, 0x2A]) else {
            throw MediaError.make(.exif, "the EXIF block does not start with a TIFF header (II*\\0 or MM\\0*)")
        }
        littleEndian = tiff[0] == 0x49
        guard let data = Self.load(tiff) else {
            throw MediaError.make(.exif, "libexif could not allocate or load the EXIF block")
        }
        defer { exif_data_unref(data) }
        var tags: [EXIFTag] = []
        var buffer = [CChar](repeating: 0, count: Self.renderLimit)
        Self.forEachEntry(in: data) { ifd, entry in
            let tagNumber = UInt16(entry.pointee.tag.rawValue)
            let name = exif_tag_get_name_in_ifd(entry.pointee.tag, ifd).map { String(cString: $0) }
                ?? "0x" + String(tagNumber, radix: 16, uppercase: true)
            let value = buffer.withUnsafeMutableBufferPointer { chars -> String in
                guard let text = exif_entry_get_value(entry, chars.baseAddress, UInt32(chars.count)) else { return "" }
                return String(cString: text)
            }
            let raw = entry.pointee.data.map { Array(UnsafeBufferPointer(start: $0, count: Int(entry.pointee.size))) } ?? []
            tags.append(EXIFTag(directory: EXIFDirectory(ifd), tag: tagNumber, name: name, value: value, raw: raw))
        }
        self.tags = tags
        if tags.isEmpty && tiff.count > 8 {
            throw MediaError.make(.exif, "libexif found no readable tags in the EXIF block")
        }
    }

    public func tag(_ number: UInt16, in directory: EXIFDirectory? = nil) -> EXIFTag? {
        tags.first { $0.tag == number && (directory == nil || $0.directory == directory) }
    }

    /// UserComment decoded from its 8-byte character-code prefix (ASCII, UNICODE as UTF-16, or undefined).
    public var userComment: String? {
        guard let raw = tag(EXIFTag.userComment)?.raw, raw.count >= 8 else { return nil }
        let code = raw[0..<8]
        let body = raw[8...]
        if code.starts(with: Array("UNICODE".utf8)) {
            // Writers disagree on byte order (A1111 writes UTF-16BE whatever the TIFF order): try both.
            let bigEndian = Self.utf16(body, bigEndian: true)
            let little = Self.utf16(body, bigEndian: false)
            let printable = { (text: String) in text.unicodeScalars.filter { $0.value >= 0x20 && $0.value < 0x3000 }.count }
            return (printable(bigEndian) >= printable(little) ? bigEndian : little).trimmingCharacters(in: [0])
        }
        return String(decoding: body, as: UTF8.self).trimmingCharacters(in: [0, 0x20])
    }

    private static func utf16(_ bytes: ArraySlice<UInt8>, bigEndian: Bool) -> String {
        var units: [UInt16] = []
        var index = bytes.startIndex
        while index + 1 < bytes.endIndex {
            let high = UInt16(bytes[index]), low = UInt16(bytes[index + 1])
            units.append(bigEndian ? high << 8 | low : low << 8 | high)
            index += 2
        }
        return String(decoding: units, as: UTF16.self)
    }

    // MARK: Writing

    /// An ASCII tag to add.
    public struct ASCIIValue: Sendable, Hashable {
        public var directory: EXIFDirectory
        public var tag: UInt16
        public var value: String

        public init(directory: EXIFDirectory, tag: UInt16, value: String) {
            self.directory = directory
            self.tag = tag
            self.value = value
        }
    }

    /// Adds ASCII tags that are absent, never overwriting a tag the owner wrote.
    ///
    /// Returns the new TIFF block, or nil when nothing needs to change, or when the existing block has a
    /// MakerNote: libexif re-lays out the IFDs on save, which breaks the private offsets inside most
    /// maker notes, so such EXIF is left exactly as it is.
    public static func addingMissing(_ values: [ASCIIValue], to tiff: [UInt8]?) throws -> [UInt8]? {
        let existing = try tiff.map { try EXIFMetadata(tiff: $0) }
        if existing?.tag(EXIFTag.makerNote) != nil { return nil }
        let missing = values.filter { value in
            existing?.tag(value.tag, in: value.directory) == nil && !value.value.isEmpty
        }
        guard !missing.isEmpty else { return nil }

        let data: UnsafeMutablePointer<ExifData>?
        if let tiff {
            guard let loaded = load(tiff) else { throw MediaError.make(.exif, "libexif could not load the EXIF block") }
            data = loaded
        } else {
            guard let fresh = exif_data_new() else { throw MediaError.make(.exif, "libexif could not allocate EXIF data") }
            exif_data_set_byte_order(fresh, EXIF_BYTE_ORDER_MOTOROLA)
            exif_data_set_data_type(fresh, EXIF_DATA_TYPE_COMPRESSED)
            // A new block gets only the tags ailabel asks for, not libexif's idea of mandatory ones.
            exif_data_unset_option(fresh, EXIF_DATA_OPTION_FOLLOW_SPECIFICATION)
            data = fresh
        }
        guard let data else { throw MediaError.make(.exif, "libexif could not allocate EXIF data") }
        defer { exif_data_unref(data) }

        for value in missing {
            // EXIF ASCII is 7-bit; anything else would be mis-read by the readers this tag is for.
            let ascii = Array(value.value.unicodeScalars.filter { $0.isASCII && $0.value >= 0x20 }.map { UInt8($0.value) }) + [0]
            guard let content = CAILabelEXIF_content(data, value.directory.libexif) else { continue }
            guard let entry = exif_entry_new() else { throw MediaError.make(.exif, "libexif could not allocate an entry") }
            entry.pointee.tag = ExifTag(rawValue: UInt32(value.tag))
            guard let storage = malloc(ascii.count)?.assumingMemoryBound(to: UInt8.self) else {
                exif_entry_unref(entry)
                throw MediaError.make(.exif, "out of memory")
            }
            storage.initialize(from: ascii, count: ascii.count)
            entry.pointee.data = storage
            entry.pointee.size = UInt32(ascii.count)
            entry.pointee.components = UInt(ascii.count)
            entry.pointee.format = EXIF_FORMAT_ASCII
            exif_content_add_entry(content, entry)
            exif_entry_unref(entry)
        }
        var output: UnsafeMutablePointer<UInt8>?
        var size: UInt32 = 0
        exif_data_save_data(data, &output, &size)
        guard let output, size > UInt32(header.count) else {
            throw MediaError.make(.exif, "libexif could not serialise the EXIF block")
        }
        defer { free(output) }
        let saved = Array(UnsafeBufferPointer(start: output, count: Int(size)))
        return saved.starts(with: header) ? Array(saved.dropFirst(header.count)) : saved
    }

    // MARK: libexif plumbing

    private static func load(_ tiff: [UInt8]) -> UnsafeMutablePointer<ExifData>? {
        guard let data = exif_data_new() else { return nil }
        exif_data_unset_option(data, EXIF_DATA_OPTION_IGNORE_UNKNOWN_TAGS)
        exif_data_unset_option(data, EXIF_DATA_OPTION_FOLLOW_SPECIFICATION)
        let prefixed = header + tiff
        prefixed.withUnsafeBufferPointer { buffer in
            exif_data_load_data(data, buffer.baseAddress, UInt32(buffer.count))
        }
        return data
    }

    private static func forEachEntry(in data: UnsafeMutablePointer<ExifData>, _ body: (ExifIfd, UnsafeMutablePointer<ExifEntry>) -> Void) {
        for directory in EXIFDirectory.allCases {
            guard let content = CAILabelEXIF_content(data, directory.libexif) else { continue }
            let count = Int(content.pointee.count)
            guard count > 0, let entries = content.pointee.entries else { continue }
            for index in 0..<count {
                if let entry = entries[index] { body(directory.libexif, entry) }
            }
        }
    }
}

/// `ExifData.ifd` is a C array, which Swift imports as a tuple; this reads element `ifd` of it.
private func CAILabelEXIF_content(_ exifData: UnsafeMutablePointer<ExifData>, _ ifd: ExifIfd) -> UnsafeMutablePointer<ExifContent>? {
    return withUnsafePointer(to: &exifData.pointee.ifd) { tuple in
        tuple.withMemoryRebound(to: UnsafeMutablePointer<ExifContent>?.self, capacity: Int(EXIF_IFD_COUNT.rawValue)) {
            $0[Int(ifd.rawValue)]
        }
    }
}

extension String {
    func trimmingCharacters(in scalars: Set<UInt32>) -> String {
        var view = Substring(self).unicodeScalars
        while let first = view.first, scalars.contains(first.value) { view.removeFirst() }
        while let last = view.last, scalars.contains(last.value) { view.removeLast() }
        return String(view)
    }
}
