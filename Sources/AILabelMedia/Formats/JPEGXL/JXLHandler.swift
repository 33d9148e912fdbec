/// JPEG XL (ISO/IEC 18181-2): a bare codestream (`FF 0A`), or a container of ISO BMFF-style boxes
/// that starts with the `JXL ` signature box, then `ftyp`. Metadata lives in boxes: XMP in `xml `,
/// EXIF in `Exif` (a 4-byte offset, then a TIFF structure), either of them possibly Brotli-compressed
/// in a `brob` box; the C2PA store is a top-level `jumb` box whose description is labelled `c2pa`,
/// which c2pa-rs (`jpegxl_io.rs`) puts right after `ftyp` and binds with a data hash that excludes
/// the whole box. The codestream is in `jxlc`, or split over `jxlp` boxes.
///
/// Parsing reads box headers and metadata boxes by position, never the codestream beyond its header;
/// a rewrite is a splice plan that copies every box it does not change as a range of the source. A
/// bare codestream has no place for metadata: a rewrite that adds any wraps it in a container
/// (signature, `ftyp`, the metadata boxes, one `jxlc` holding the codestream unchanged). c2pa-rs
/// refuses to sign a bare codestream; ailabel wraps it, and c2pa-rs reads the result.
public struct JXLHandler: AssetHandler {
    public init() {}

    public var declaration: FormatDeclaration { Self.declaration }

    /// Boxes that hold the image: the codestream whole or in parts, and a recompressed JPEG's
    /// reconstruction data.
    static let imageBoxes: Set<String> = ["jxlc", "jxlp", "jbrd"]

    /// The metadata boxes of a container, found by a walk of its box headers.
    struct Layout {
        var boxes: [JXLBox]
        /// The first `xml ` box, or `brob` box standing for one; then every other.
        var xmp: [JXLBox] = []
        var exif: [JXLBox] = []
        var c2pa: [JXLBox] = []
        /// Which of the above are `brob` boxes.
        var compressed: Set<Int> = []
    }

    static func layout(of source: any ByteSource) throws -> Layout {
        var layout = Layout(boxes: try JXLBoxes.walk(source))
        for box in layout.boxes {
            var type = box.typeName
            if box.isType("brob") {
                type = String(decoding: try JXLBrotliBox.innerType(of: box, in: source), as: UTF8.self)
                layout.compressed.insert(box.range.lowerBound)
            }
            switch type {
            case "xml ": layout.xmp.append(box)
            case "Exif": layout.exif.append(box)
            case "jumb" where !box.isType("brob"):
                if try JXLBoxes.isC2PAStore(box, in: source) { layout.c2pa.append(box) }
            default: break
            }
        }
        return layout
    }

    public func parse(_ source: any ByteSource) throws -> MediaContents {
        guard source.count > 0 else { throw MediaError.make(.empty, "the file is empty") }
        guard try JXLBoxes.isContainer(source) else { return try parseCodestream(source) }
        let layout = try Self.layout(of: source)
        guard layout.boxes.count >= 2, layout.boxes[1].isType("ftyp") else {
            throw MediaError.make(.malformed, "the JPEG XL container's second box is not 'ftyp'")
        }
        var contents = MediaContents(format: .jxl, width: 0, height: 0)
        var codestreamHead: [UInt8] = []
        var recompressed = false
        for box in layout.boxes {
            var block = MetadataBlock(kind: .other, name: String(JXLBoxes.printable(box.type).dropFirst().dropLast()), offset: box.range.lowerBound, size: box.range.count)
            let compressed = layout.compressed.contains(box.range.lowerBound)
            switch box.typeName {
            case "JXL ", "ftyp":
                block.kind = .header
            case "jxlc", "jxlp", "jbrd":
                block.kind = .imageData
                contents.imageDataRanges.append(box.data)
                if box.isType("jbrd") { recompressed = true; break }
                // jxlp parts start with a 4-byte index; the header is in the first part.
                let skip = box.isType("jxlp") ? min(4, box.data.count) : 0
                let wanted = min(box.data.count - skip, JXLHeader.maximumHeaderBytes - codestreamHead.count)
                if wanted > 0 { codestreamHead += try source.read(at: box.data.lowerBound + skip, count: wanted, "the codestream") }
            default:
                break
            }
            if layout.xmp.first == box {
                block.kind = .xmp
                contents.xmp = compressed ? try JXLBrotliBox.decompress(box, in: source) : try Self.boundedPayload(box, in: source, limit: XMPPacket.maximumPacketSize, "XMP")
                if compressed { block.detail = "Brotli-compressed XMP" }
            } else if layout.exif.first == box {
                block.kind = .exif
                let payload = compressed ? try JXLBrotliBox.decompress(box, in: source) : try Self.boundedPayload(box, in: source, limit: XMPPacket.maximumPacketSize, "EXIF")
                contents.exif = try Self.tiff(fromExifPayload: payload, at: box.range.lowerBound)
                if compressed { block.detail = "Brotli-compressed EXIF" }
            } else if layout.c2pa.contains(box) {
                block.kind = .c2pa
            } else if compressed {
                block.detail = "Brotli-compressed"
            }
            contents.blocks.append(block)
        }
        guard !codestreamHead.isEmpty else {
            throw MediaError.make(.malformed, "the JPEG XL container has no codestream (no jxlc or jxlp box)")
        }
        if let store = layout.c2pa.first {
            contents.c2paStore = try Self.boundedPayload(store, in: source, limit: Self.maximumStoreBytes, "C2PA store", whole: true)
            contents.c2paStoreRanges = [store.range]
        }
        contents.c2paStoreCount = layout.c2pa.count
        if layout.xmp.count > 1 { contents.warnings.append("\(layout.xmp.count) XMP boxes: the first is read, a stamp keeps one") }
        let header = try JXLHeader(codestreamHead)
        fill(&contents, header: header, container: true, recompressed: recompressed)
        return contents
    }

    /// A bare codestream: one image-data range, no metadata.
    func parseCodestream(_ source: any ByteSource) throws -> MediaContents {
        guard source.count >= 2, try source.read(at: 0, count: 2) == JXLBoxes.codestreamSignature else {
            throw MediaError.make(.malformed, "not a JPEG XL file: neither the container signature nor the codestream's FF 0A")
        }
        var contents = MediaContents(format: .jxl, width: 0, height: 0)
        contents.imageDataRanges = [0..<source.count]
        contents.blocks = [MetadataBlock(kind: .imageData, name: "codestream", offset: 0, size: source.count)]
        let header = try JXLHeader(try source.read(at: 0, count: min(source.count, JXLHeader.maximumHeaderBytes)))
        fill(&contents, header: header, container: false, recompressed: false)
        return contents
    }

    func fill(_ contents: inout MediaContents, header: JXLHeader, container: Bool, recompressed: Bool) {
        (contents.width, contents.height) = (header.width, header.height)
        contents.coding = JXLCoding(
            container: container, bitsPerSample: header.bitsPerSample, alphaBits: header.alphaBits,
            lossless: header.usesOriginalProfile && !recompressed, animated: header.animated, recompressedJPEG: recompressed,
            colourProfile: header.originalIsICC ? "icc" : "encoded", dataICC: header.dataICC, dataEncoding: header.dataEncoding)
    }

    /// The largest C2PA store read (a manifest with large ingredient thumbnails stays far below).
    static let maximumStoreBytes = 256 * 1024 * 1024

    static func boundedPayload(_ box: JXLBox, in source: any ByteSource, limit: Int, _ what: String, whole: Bool = false) throws -> [UInt8] {
        let range = whole ? box.range : box.data
        guard range.count <= limit else {
            throw MediaError.make(.limitExceeded, "the \(what) box at byte \(box.range.lowerBound) is \(range.count) bytes, over the \(limit)-byte limit")
        }
        return try source.read(at: range.lowerBound, count: range.count, "the \(what) box")
    }

    /// An `Exif` box's payload: a 4-byte big-endian offset to the TIFF header, then the TIFF structure.
    static func tiff(fromExifPayload payload: [UInt8], at offset: Int) throws -> [UInt8] {
        guard payload.count >= 4 else { throw MediaError.make(.malformed, "the Exif box at byte \(offset) is shorter than its 4-byte offset") }
        let skip = UInt64(JXLBoxes.readUInt32BE(payload, at: 0))
        guard skip <= UInt64(payload.count - 4) else {
            throw MediaError.make(.malformed, "the Exif box at byte \(offset) points its TIFF header past its end")
        }
        return Array(payload[(4 + Int(skip))...])
    }

    public func imageDataRanges(in source: any ByteSource) throws -> [Range<Int>] {
        guard try JXLBoxes.isContainer(source) else {
            _ = try parseCodestream(source)
            return [0..<source.count]
        }
        return try JXLBoxes.walk(source).filter { Self.imageBoxes.contains($0.typeName) }.map(\.data)
    }

    public func planRewrite(of source: any ByteSource, contents: MediaContents, applying edit: MetadataEdit) throws -> SplicePlan {
        let xmpBox: [UInt8]? = if case .replace(let packet) = edit.xmp { JXLBoxes.box("xml ", packet) } else { nil }
        let exifBox: [UInt8]? = if case .replace(let tiff) = edit.exif { JXLBoxes.box("Exif", [0, 0, 0, 0] + tiff) } else { nil }
        var storeBox: [UInt8]?
        if case .replace(let store) = edit.c2paStore { storeBox = try framedC2PAStore(store) }

        var plan = SplicePlan()
        guard try JXLBoxes.isContainer(source) else {
            // A bare codestream gains a container only when it gains a box.
            guard xmpBox != nil || exifBox != nil || storeBox != nil else { return SplicePlan(copying: 0..<source.count) }
            plan.insert(JXLBoxes.signature + JXLBoxes.fileType)
            if let storeBox { plan.insertC2PAStore(storeBox) }
            if let xmpBox { plan.insert(xmpBox) }
            if let exifBox { plan.insert(exifBox) }
            plan.insert(JXLBoxes.header("jxlc", payloadCount: source.count))
            plan.copy(0..<source.count)
            return plan
        }
        let layout = try Self.layout(of: source)
        let firstXMP = layout.xmp.first?.range.lowerBound
        let firstEXIF = layout.exif.first?.range.lowerBound
        let firstStore = layout.c2pa.first?.range.lowerBound
        // New boxes with no box of their kind to replace go right after ftyp, the store first (c2pa-rs's
        // place); a replacement takes the place of the first box of its kind, and the others go.
        var pendingStore = firstStore == nil ? storeBox : nil
        var pendingXMP = firstXMP == nil ? xmpBox : nil
        var pendingEXIF = firstEXIF == nil ? exifBox : nil
        func insertPending() {
            if let box = pendingStore { plan.insertC2PAStore(box) }
            if let box = pendingXMP { plan.insert(box) }
            if let box = pendingEXIF { plan.insert(box) }
            (pendingStore, pendingXMP, pendingEXIF) = (nil, nil, nil)
        }
        for (index, box) in layout.boxes.enumerated() {
            // Before the codestream at the latest, should a file put it before ftyp's neighbours.
            if index > 1, Self.imageBoxes.contains(box.typeName) { insertPending() }
            if layout.c2pa.contains(box), edit.c2paStore != .keep {
                if box.range.lowerBound == firstStore, let storeBox { plan.insertC2PAStore(storeBox) }
            } else if layout.xmp.contains(box), edit.xmp != .keep {
                if box.range.lowerBound == firstXMP, let xmpBox { plan.insert(xmpBox) }
            } else if layout.exif.contains(box), edit.exif != .keep {
                if box.range.lowerBound == firstEXIF, let exifBox { plan.insert(exifBox) }
            } else if layout.c2pa.contains(box) {
                // Kept as it is: still the store a data hash excludes.
                plan.insertC2PAStoreCopy(of: box.range, from: source)
            } else {
                plan.copy(box.range)
            }
            if index == 1 { insertPending() }
        }
        insertPending()
        return plan
    }
}

extension SplicePlan {
    /// Keeps a store box unchanged while recording where it lands (bytes are small: a store, not image data).
    mutating func insertC2PAStoreCopy(of range: Range<Int>, from source: any ByteSource) {
        if let bytes = try? source.read(range) { insertC2PAStore(bytes) } else { copy(range) }
    }
}
