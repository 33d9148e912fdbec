/// HEIF, HEIC and AVIF: ISO BMFF files whose images are items of a top-level `meta` box. XMP and
/// EXIF are items too (`mime` with content type `application/rdf+xml`, and `Exif`), described in
/// `iinf`, located by `iloc` and tied to the primary image by a `cdsc` reference, as exiftool and
/// libheif write them. The C2PA store is a top-level `uuid` box right after `ftyp`, where c2pa-rs puts
/// it, bound by a BMFF hash (`c2pa.hash.bmff.v3`, ``BMFFTree`` and AILabelManifest's `BMFFHash`).
///
/// A rewrite rebuilds `meta` (new item entries, locations and references; every other box in it
/// copied), writes the new metadata items into an `mdat` box of their own at the end of the file,
/// and moves every absolute offset (`iloc` extents, `stco`/`co64` of an image sequence) with the
/// bytes it points to. Image data is copied byte for byte.
public struct HEIFHandler: AssetHandler {
    public let declaration: FormatDeclaration

    public static let heif = HEIFHandler(declaration: heifDeclaration)
    public static let avif = HEIFHandler(declaration: avifDeclaration)

    /// The largest XMP or EXIF item read.
    static let maximumMetadataItem = 16 << 20

    /// The largest C2PA store read.
    static let maximumStoreSize = 256 << 20

    public func parse(_ source: any ByteSource) throws -> MediaContents {
        let file = try HEIFFile(source)
        var contents = MediaContents(format: format, width: 0, height: 0)
        contents.warnings = file.tree.warnings
        let meta = file.meta
        let primary = try meta.primaryItem.map { id -> UInt32 in
            guard meta.item(id) != nil else { throw MediaError.make(.malformed, "the primary item \(id) is not described in iinf") }
            return id
        }
        guard let primary else { throw MediaError.make(.malformed, "the meta box names no primary item (pitm)") }
        if let size = meta.property("ispe", of: primary), size.count >= 12 {
            let values = Array(size)
            contents.width = Int(BigEndian.uint32(values, 4))
            contents.height = Int(BigEndian.uint32(values, 8))
        }
        for index in file.tree.topLevel {
            let box = file.tree.boxes[index]
            var block = MetadataBlock(kind: .other, name: box.type.description, offset: box.range.lowerBound, size: box.range.count)
            switch box.type {
            case .ftyp: block.kind = .header
            case .mdat: block.kind = .imageData
            case .meta: block.detail = "\(meta.items.count) items"
            case .uuid where BMFFC2PABox.isC2PA(box): block.kind = .c2pa
            default: break
            }
            contents.blocks.append(block)
        }
        // Every item's bytes must lie inside the file (or its idat): checked for all, read for metadata.
        var imageRanges: [Range<Int>] = []
        // The boxes a rewrite writes anew: an item stored at file offsets (construction method 0) whose data
        // lies in them would not be the same bytes afterwards (the fuzzer's: a lone "to the end" extent from
        // byte 0 made the whole file, header and meta box included, the image's data).
        let rewritten = file.tree.topLevel.map { file.tree.boxes[$0] }.filter { $0.type == .ftyp || $0.type == .meta }.map(\.range)
        for item in meta.items {
            guard let ranges = try meta.fileRanges(of: item.id, fileSize: source.count) else { continue }
            if meta.location?.entry(for: item.id)?.constructionMethod == 0,
                let range = ranges.first(where: { range in rewritten.contains { $0.overlaps(range) } }) {
                throw MediaError.make(
                    .malformed, "iloc: item \(item.id)'s data (bytes \(range.lowerBound)..<\(range.upperBound)) overlaps the file's header or meta box")
            }
            if item.isXMP || item.isExif {
                let total = ranges.reduce(0) { $0 + $1.count }
                guard total <= Self.maximumMetadataItem else {
                    throw MediaError.make(.limitExceeded, "the \(item.isXMP ? "XMP" : "EXIF") item \(item.id) is \(total) bytes, more than \(Self.maximumMetadataItem)")
                }
                let data = try ranges.flatMap { try source.read($0) }
                contents.blocks.append(MetadataBlock(kind: item.isXMP ? .xmp : .exif, name: item.isXMP ? "mime item" : "Exif item",
                                                     offset: ranges.first?.lowerBound ?? 0, size: total, detail: "item \(item.id)"))
                if item.isXMP, contents.xmp == nil {
                    contents.xmp = data
                } else if item.isExif, contents.exif == nil, data.count >= 4 {
                    // The payload starts with the offset of the TIFF header after these 4 bytes.
                    let skip = Int(BigEndian.uint32(data, 0))
                    if skip <= data.count - 4 { contents.exif = Array(data[(4 + skip)...]) }
                }
            } else if item.type != "mime", item.type != "uri " {
                imageRanges += ranges.filter { !$0.isEmpty }
            }
        }
        contents.imageDataRanges = imageRanges.sorted { $0.lowerBound < $1.lowerBound }
        if let colour = meta.property("colr", of: primary), colour.count > 4 {
            let kind = FourCC(colour.prefix(4))
            if kind == "prof" || kind == "rICC" { contents.icc = Array(colour.dropFirst(4)) }
        }
        let location = try locateC2PAStore(in: file)
        contents.c2paStore = location.store
        contents.c2paStoreRanges = location.ranges
        contents.c2paStoreCount = location.storeCount

        // Each auxiliary once: a file may repeat a reference, and each look costs a pass over the item's properties.
        let auxiliaries = Set((meta.references?.references ?? []).filter { $0.type == "auxl" && $0.to.contains(primary) }.map(\.from))
        let alpha = auxiliaries.contains { id in
            // AVIF names alpha planes urn:mpeg:mpegB:cicp:systems:auxiliary:alpha, HEVC urn:mpeg:hevc:2015:auxid:1.
            meta.property("auxC", of: id).map { property in
                let name = String(decoding: property.dropFirst(4).prefix { $0 != 0 }, as: UTF8.self)
                return name.hasSuffix(":alpha") || name == "urn:mpeg:hevc:2015:auxid:1"
            } ?? false
        }
        let depth = meta.property("pixi", of: primary).flatMap { $0.count >= 6 ? Int($0[$0.startIndex + 5]) : nil }
        contents.coding = HEIFCoding(
            majorBrand: file.majorBrand, compatibleBrands: file.compatibleBrands, primaryItemType: meta.item(primary)?.type.description ?? "",
            bitDepth: depth, alpha: alpha, sequence: file.tree.first(.moov) != nil, itemCount: meta.items.count)
        return contents
    }

    /// An AVIF whose brands say only `mif1` is told by its primary item's AV1 coding.
    public func refined(by contents: MediaContents) -> any AssetHandler {
        contents.heifCoding?.primaryItemType == "av01" ? HEIFHandler.avif : self
    }

    // MARK: C2PA

    public func locateC2PAStore(in bytes: [UInt8], isPrefix: Bool) throws -> C2PAStoreLocation {
        if isPrefix {
            return try Self.locateC2PAStore(inPrefix: bytes)
        }
        return try locateC2PAStore(in: bytes as any ByteSource)
    }

    public func locateC2PAStore(in source: any ByteSource) throws -> C2PAStoreLocation {
        try locateC2PAStore(in: HEIFFile(source, readingMeta: false))
    }

    func locateC2PAStore(in file: HEIFFile) throws -> C2PAStoreLocation {
        var stores: [(store: [UInt8], range: Range<Int>)] = []
        for index in file.tree.topLevel where BMFFC2PABox.isC2PA(file.tree.boxes[index]) {
            let box = file.tree.boxes[index]
            guard box.range.count <= Self.maximumStoreSize else {
                throw MediaError.make(.limitExceeded, "the C2PA box at byte \(box.range.lowerBound) is \(box.range.count) bytes, more than \(Self.maximumStoreSize)")
            }
            let payload = try file.source.read(box.payloadStart..<box.range.upperBound)
            guard let found = try BMFFC2PABox.store(in: box, payload: payload), found.purpose != "update" else { continue }
            stores.append((Array(payload[(found.store.lowerBound - box.payloadStart)...]), box.range))
        }
        guard let first = stores.first else { return .none }
        return C2PAStoreLocation(store: stores.count == 1 ? first.store : nil, ranges: stores.map(\.range), storeCount: stores.count)
    }

    /// The store found by walking the top-level boxes of the first bytes of a file. c2pa-rs writes it
    /// right after `ftyp`; when the walk reaches the end of the bytes without finding one, the store
    /// may lie further on, and this throws so that the caller reads the whole file.
    static func locateC2PAStore(inPrefix bytes: [UInt8]) throws -> C2PAStoreLocation {
        var position = 0
        while bytes.count - position >= 8 {
            let head = BMFFTree.HeaderBytes(window: bytes, base: position, count: min(bytes.count - position, 40))
            let (box, claimed) = try BMFFTree.header(head, at: position, parentEnd: Int.max, fileSize: Int.max, depth: 1, parent: nil)
            if box.extendsToEnd { break }
            if BMFFC2PABox.isC2PA(box) {
                guard box.range.upperBound <= bytes.count else {
                    throw MediaError.make(.truncated, "the bytes read end inside the C2PA box")
                }
                if let found = try BMFFC2PABox.store(in: box, payload: Array(bytes[box.payloadStart..<box.range.upperBound])), found.purpose != "update" {
                    return C2PAStoreLocation(store: Array(bytes[found.store]), ranges: [box.range], storeCount: 1)
                }
            }
            guard claimed <= bytes.count - position else {
                throw MediaError.make(.truncated, "the bytes read end before the top-level boxes do")
            }
            position += claimed
        }
        return .none
    }

    public func framedC2PAStore(_ store: [UInt8]) throws -> [UInt8] {
        try BMFFC2PABox.framed(store)
    }
}

/// A HEIF file's box tree and `meta`, read once by positioned reads: the headers of every box, the
/// `ftyp` and the `meta` box's bytes, nothing of the media data.
struct HEIFFile {
    let source: any ByteSource
    let tree: BMFFTree
    let majorBrand: String
    let compatibleBrands: [String]
    let metaIndex: Int
    let meta: HEIFMeta
    /// The meta box's bytes, header included (empty when not read).
    let metaBytes: [UInt8]

    init(_ source: any ByteSource, readingMeta: Bool = true) throws {
        self.source = source
        let tree = try BMFFTree(count: source.count) { try source.read($0) }
        self.tree = tree
        guard let first = tree.topLevel.first, tree.boxes[first].type == .ftyp else {
            throw MediaError.make(.malformed, "not a HEIF or AVIF file: it does not start with an ftyp box")
        }
        let ftyp = tree.boxes[first]
        guard ftyp.body.count >= 8, ftyp.body.count <= 4096 else {
            throw MediaError.make(.malformed, "the ftyp box's \(ftyp.body.count) bytes are not a brand list")
        }
        let brands = try source.read(ftyp.body)
        majorBrand = FourCC(brands[0..<4]).description
        compatibleBrands = stride(from: 8, to: brands.count - 3, by: 4).map { FourCC(brands[$0..<$0 + 4]).description }
        let metas = tree.topLevel.filter { tree.boxes[$0].type == .meta }
        guard let metaIndex = metas.first else { throw MediaError.make(.malformed, "the file has no top-level meta box, so it holds no image items") }
        guard metas.count == 1 else { throw MediaError.make(.malformed, "the file has \(metas.count) top-level meta boxes; one is allowed") }
        self.metaIndex = metaIndex
        let metaBox = tree.boxes[metaIndex]
        guard readingMeta else {
            meta = HEIFMeta()
            metaBytes = []
            return
        }
        guard metaBox.range.count <= HEIFMeta.maximumMetaSize else {
            throw MediaError.make(.limitExceeded, "the meta box is \(metaBox.range.count) bytes, more than \(HEIFMeta.maximumMetaSize)")
        }
        metaBytes = try source.read(metaBox.range)
        meta = try HEIFMeta(tree: tree, metaIndex: metaIndex, bytes: metaBytes)
    }

    /// Bytes inside the meta box, by their file offsets.
    func metaSlice(_ range: Range<Int>) -> ArraySlice<UInt8> {
        let base = tree.boxes[metaIndex].range.lowerBound
        return metaBytes[range.lowerBound - base..<range.upperBound - base]
    }
}
