/// Puts a newly coded primary image into a HEIF file in place of the old one, keeping everything else.
///
/// `coded` is libheif's one-image file of the marked picture (an `hvc1` or `av01` item with its
/// properties, and an alpha `auxl` item when the picture has alpha). In the original:
/// - the primary item keeps its ID (so `pitm`, `cdsc` metadata, `thmb` thumbnails still point at it);
///   its type, properties (`ipma`) and data (`iloc`) become the coded image's. Its old properties
///   (`irot`, `imir`, `clap`: applied by the decode, so no longer wanted) stay in `ipco`, unassociated;
/// - what only the old picture needed goes: a grid's tiles (`dimg`) and the old alpha plane (with its
///   tiles); the new alpha item is added with its `auxl` reference;
/// - every other item, reference, property and top-level box is kept byte for byte (the C2PA `uuid`
///   box is the stamper's to replace). Item data is laid out again: one `mdat` with the images and
///   every other item's bytes, then one with the XMP and EXIF items (which the stamp rewrites next).
struct HEIFImageReplacement {
    let original: HEIFFile
    let coded: HEIFFile

    /// The bytes of the original's primary image: its coded data, or a grid's tiles summed; nil when
    /// they cannot be told (data elsewhere).
    static func primaryImageBytes(of file: HEIFFile) -> Int? {
        let meta = file.meta
        guard let primary = meta.primaryItem else { return nil }
        var items = [primary]
        if ["grid", "iovl"].contains(meta.item(primary)?.type.description ?? "") {
            items = meta.references?.references.filter { $0.type == "dimg" && $0.from == primary }.flatMap(\.to) ?? []
        }
        var total = 0
        for id in Set(items) {
            guard let ranges = try? meta.fileRanges(of: id, fileSize: file.source.count) else { return nil }
            total += ranges.reduce(0) { $0 + $1.count }
        }
        return total > 0 ? total : nil
    }

    typealias Association = HEIFPropertyAssociation

    /// `iprp` as the parser read it (``HEIFMeta/properties`` and ``HEIFMeta/associationEntries``), each
    /// property as its whole box again: the parser takes only 32-bit box sizes of at least 8, so the box
    /// written back is byte for byte the original's.
    struct Properties {
        var boxes: [[UInt8]]
        var associations: [(id: UInt32, list: [Association])]

        init(_ file: HEIFFile) {
            boxes = file.meta.properties.map { BMFFBoxWriter.box($0.type, Array($0.payload)) }
            associations = file.meta.associationEntries
        }

        func list(of id: UInt32) -> [Association] { associations.filter { $0.id == id }.flatMap(\.list) }

        /// `iprp` with `ipco` and one `ipma`.
        func serialized() throws -> [UInt8] {
            let wideIDs = associations.contains { $0.id > UInt32(UInt16.max) }
            let wideIndexes = boxes.count > 127
            guard boxes.count <= 0x7FFF else { throw MediaError.make(.limitExceeded, "more than 32767 item properties") }
            var ipma: [UInt8] = []
            BigEndian.append(UInt32(associations.count), to: &ipma)
            for (id, list) in associations {
                if wideIDs { BigEndian.append(id, to: &ipma) } else { BigEndian.append(UInt16(id), to: &ipma) }
                guard list.count <= 255 else { throw MediaError.make(.limitExceeded, "item \(id) has more than 255 properties") }
                ipma.append(UInt8(list.count))
                for association in list {
                    if wideIndexes {
                        BigEndian.append(UInt16(association.index) | (association.essential ? 0x8000 : 0), to: &ipma)
                    } else {
                        ipma.append(UInt8(association.index) | (association.essential ? 0x80 : 0))
                    }
                }
            }
            let ipco = BMFFBoxWriter.box(.ipco, boxes.flatMap { $0 })
            return BMFFBoxWriter.box(.iprp, ipco + BMFFBoxWriter.fullBox(.ipma, version: wideIDs ? 1 : 0, flags: wideIndexes ? 1 : 0, ipma))
        }
    }

    /// Where an item's data goes in the new file.
    enum ItemData {
        case original([Range<Int>])
        case coded([UInt8])
    }

    func file() throws -> [UInt8] {
        let source = original.source
        var meta = original.meta
        guard let primary = meta.primaryItem, let primaryInfo = meta.item(primary), var location = meta.location else {
            throw MediaError.make(.malformed, "the meta box has no primary item or no iloc box")
        }
        guard let codedPrimary = coded.meta.primaryItem, let codedInfo = coded.meta.item(codedPrimary) else {
            throw MediaError.make(.libraryFailure, "libheif's file has no primary image")
        }
        var references = meta.references ?? HEIFItemReferences(version: 0, references: [])
        let codedReferences = coded.meta.references?.references ?? []
        let codedAlpha = codedReferences.first { $0.type == "auxl" && $0.to.contains(codedPrimary) }.map(\.from)

        // What only the old picture needed: its tiles, its alpha plane and that plane's tiles.
        // Tiles by the item they make up, gathered once (a lookup per item would scan every reference).
        var tilesByItem: [UInt32: [UInt32]] = [:]
        for reference in references.references where reference.type == "dimg" { tilesByItem[reference.from, default: []] += reference.to }
        func tiles(of id: UInt32) -> [UInt32] { tilesByItem[id] ?? [] }
        var alphaChecked = Set<UInt32>()
        let oldAlpha = references.references.filter { reference in
            reference.type == "auxl" && reference.to.contains(primary) && alphaChecked.insert(reference.from).inserted && {
                let name = meta.property("auxC", of: reference.from).map { String(decoding: $0.dropFirst(4).prefix { $0 != 0 }, as: UTF8.self) } ?? ""
                return name.hasSuffix(":alpha") || name == "urn:mpeg:hevc:2015:auxid:1"
            }()
        }.map(\.from)
        var dropped = Set(tiles(of: primary) + oldAlpha + oldAlpha.flatMap(tiles(of:)))
        dropped.remove(primary)
        // A tile another kept item still derives from stays.
        for reference in references.references where reference.type == "dimg" && reference.from != primary && !dropped.contains(reference.from) {
            dropped.subtract(reference.to)
        }

        // New IDs for what the coded file adds besides the primary (the alpha plane).
        let usedIDs = meta.items.map(\.id) + location.entries.map(\.itemID) + [primary]
        let alphaID: UInt32? = codedAlpha.map { _ in (usedIDs.max() ?? 0) + 1 }

        // Items.
        meta.items.removeAll { dropped.contains($0.id) }
        references.references = references.references.compactMap { reference in
            guard !dropped.contains(reference.from), !(reference.from == primary && reference.type == "dimg") else { return nil }
            var kept = reference
            kept.to.removeAll { dropped.contains($0) }
            return kept.to.isEmpty ? nil : kept
        }
        if let alphaID { references.references.append(.init(type: "auxl", from: alphaID, to: [primary])) }
        if (alphaID ?? 0) > UInt32(UInt16.max) { references.version = 1 }

        // Properties: the coded file's appended to ipco; the primary's and the alpha's associations point at them.
        var properties = Properties(original)
        let codedProperties = Properties(coded)
        func adopt(_ id: UInt32) -> [Association] {
            coded.meta.associations[id] == nil ? [] : codedProperties.list(of: id).compactMap { association in
                guard association.index >= 1, association.index <= codedProperties.boxes.count else { return nil }
                properties.boxes.append(codedProperties.boxes[association.index - 1])
                return Association(index: properties.boxes.count, essential: association.essential)
            }
        }
        let primaryAssociations = adopt(codedPrimary)
        let alphaAssociations = codedAlpha.map(adopt) ?? []
        properties.associations = properties.associations.compactMap { entry in
            dropped.contains(entry.id) || entry.id == primary ? nil : entry
        }
        properties.associations.append((primary, primaryAssociations))
        if let alphaID { properties.associations.append((alphaID, alphaAssociations)) }
        properties.associations.sort { $0.id < $1.id }

        // Data: every kept item's bytes (file offsets) laid out again; the coded images' bytes from libheif's file.
        func codedData(_ id: UInt32) throws -> [UInt8] {
            guard let ranges = try coded.meta.fileRanges(of: id, fileSize: coded.source.count) else {
                throw MediaError.make(.libraryFailure, "libheif's file holds item \(id)'s data elsewhere")
            }
            return try ranges.flatMap { try coded.source.read($0) }
        }
        var images: [(id: UInt32, data: ItemData)] = [(primary, .coded(try codedData(codedPrimary)))]
        if let alphaID, let codedAlpha { images.append((alphaID, .coded(try codedData(codedAlpha)))) }
        var metadata: [(id: UInt32, data: ItemData)] = []
        location.entries.removeAll { dropped.contains($0.itemID) || $0.itemID == primary }
        for entry in location.entries where entry.constructionMethod == 0 && entry.dataReferenceIndex == 0 {
            guard let ranges = try meta.fileRanges(of: entry.itemID, fileSize: source.count) else { continue }
            let isMetadata = meta.item(entry.itemID).map { $0.isXMP || $0.isExif } ?? false
            if isMetadata { metadata.append((entry.itemID, .original(ranges))) } else { images.append((entry.itemID, .original(ranges))) }
        }
        let movedIDs = Set((images + metadata).map(\.id))
        location.entries.removeAll { movedIDs.contains($0.itemID) }
        if alphaID.map({ $0 > UInt32(UInt16.max) }) == true || primary > UInt32(UInt16.max) { location.version = 2 }
        if location.version == 0 && location.entries.contains(where: { $0.constructionMethod != 0 }) { location.version = 1 }
        let total = (images + metadata).reduce(0) { sum, item in
            switch item.data {
            case .coded(let bytes): sum + bytes.count
            case .original(let ranges): sum + ranges.reduce(0) { $0 + $1.count }
            }
        }
        let wide = source.count + total > Int(UInt32.max)
        location.offsetSize = max(location.offsetSize, wide ? 8 : 4)
        location.lengthSize = max(location.lengthSize, 4)

        // The new top level: every box but meta and the mdats copied in order, meta rebuilt, two mdats at the end.
        let tree = original.tree
        var before: [UInt8] = []
        var after: [UInt8] = []
        var passedMeta = false
        for index in tree.topLevel {
            let box = tree.boxes[index]
            if index == original.metaIndex { passedMeta = true; continue }
            if box.type == .mdat { continue }
            let bytes = try source.read(box.range)
            if passedMeta { after += bytes } else { before += bytes }
        }
        if tree.end < source.count { after += try source.read(tree.end..<source.count) }

        let imagesLength = images.reduce(0) { sum, item in
            switch item.data {
            case .coded(let bytes): sum + bytes.count
            case .original(let ranges): sum + ranges.reduce(0) { $0 + $1.count }
            }
        }
        /// The iloc entries of the moved items, the images' payload starting at `imagesStart` and the
        /// metadata's after the second mdat's 8-byte header.
        func entries(imagesStart: Int) -> [HEIFItemLocation.Entry] {
            var offset = imagesStart
            var out: [HEIFItemLocation.Entry] = []
            func place(_ items: [(id: UInt32, data: ItemData)]) {
                for (id, data) in items {
                    var entry = HEIFItemLocation.Entry(itemID: id, constructionMethod: 0, dataReferenceIndex: 0, baseOffset: 0, extents: [])
                    switch data {
                    case .coded(let bytes):
                        entry.extents = [.init(index: 0, offset: UInt64(offset), length: UInt64(bytes.count))]
                        offset += bytes.count
                    case .original(let ranges):
                        for range in ranges {
                            entry.extents.append(.init(index: 0, offset: UInt64(offset), length: UInt64(range.count)))
                            offset += range.count
                        }
                    }
                    out.append(entry)
                }
            }
            place(images)
            offset += 8
            place(metadata)
            return out
        }
        func metaBox(_ placed: [HEIFItemLocation.Entry]) throws -> [UInt8] {
            var full = location
            full.entries = (location.entries + placed).sorted { $0.itemID < $1.itemID }
            return try buildMeta(meta: meta, primary: primary, primaryInfo: primaryInfo, codedType: codedInfo.type,
                                 alpha: alphaID.map { (id: $0, type: coded.meta.item(codedAlpha!)?.type ?? codedInfo.type) },
                                 location: full, references: references, properties: properties)
        }
        let metaSize = try metaBox(entries(imagesStart: 0)).count
        let imagesStart = before.count + metaSize + after.count + (imagesLength + 8 > Int(UInt32.max) ? 16 : 8)
        let placed = entries(imagesStart: imagesStart)
        let newMeta = try metaBox(placed)
        guard newMeta.count == metaSize else { throw MediaError.make(.malformed, "the rebuilt meta box changed size between layout passes") }

        var out = before + newMeta + after
        func append(_ items: [(id: UInt32, data: ItemData)]) throws {
            var payload: [UInt8] = []
            for (_, data) in items {
                switch data {
                case .coded(let bytes): payload += bytes
                case .original(let ranges): for range in ranges { payload += try source.read(range) }
                }
            }
            out += BMFFBoxWriter.box(.mdat, payload)
        }
        try append(images)
        guard out.count == imagesStart + imagesLength else { throw MediaError.make(.malformed, "the image data landed away from where iloc says") }
        if !metadata.isEmpty { try append(metadata) }
        return out
    }

    /// The meta box with `iinf`, `iloc`, `iref` and `iprp` rebuilt, every other child copied in order.
    func buildMeta(meta: HEIFMeta, primary: UInt32, primaryInfo: HEIFItemInfo, codedType: FourCC, alpha: (id: UInt32, type: FourCC)?,
                   location: HEIFItemLocation, references: HEIFItemReferences, properties: Properties) throws -> [UInt8] {
        let tree = original.tree
        let box = tree.boxes[original.metaIndex]
        var children: [UInt8] = []
        var wroteReferences = false
        for child in box.children {
            let childBox = tree.boxes[child]
            switch childBox.type {
            case .iinf:
                children += try itemInfo(meta: meta, primary: primary, primaryInfo: primaryInfo, codedType: codedType, alpha: alpha)
                if meta.references == nil, !references.references.isEmpty {
                    children += try references.serialized()
                    wroteReferences = true
                }
            case .iloc: children += try location.serialized()
            case .iref:
                if !references.references.isEmpty { children += try references.serialized() }
                wroteReferences = true
            case .iprp: children += try properties.serialized()
            default: children += original.metaSlice(childBox.range)
            }
        }
        if !wroteReferences, !references.references.isEmpty { children += try references.serialized() }
        let versionAndFlags = box.version == nil ? [] : Array(original.metaSlice(box.range.lowerBound + box.headerSize..<box.range.lowerBound + box.headerSize + 4))
        let lastChildEnd = box.children.last.map { tree.boxes[$0].range.upperBound } ?? box.payloadStart
        return BMFFBoxWriter.box(.meta, versionAndFlags + children + original.metaSlice(lastChildEnd..<box.range.upperBound))
    }

    /// `iinf`: kept entries copied, the primary's rewritten with the coded type, the alpha's added (hidden).
    func itemInfo(meta: HEIFMeta, primary: UInt32, primaryInfo: HEIFItemInfo, codedType: FourCC, alpha: (id: UInt32, type: FourCC)?) throws -> [UInt8] {
        func entry(id: UInt32, type: FourCC, name: String, flags: UInt32) -> [UInt8] {
            var payload: [UInt8] = []
            if id > UInt32(UInt16.max) { BigEndian.append(id, to: &payload) } else { BigEndian.append(UInt16(id), to: &payload) }
            payload += [0, 0] + type.bytes + Array(name.utf8) + [0]
            return BMFFBoxWriter.fullBox(.infe, version: id > UInt32(UInt16.max) ? 3 : 2, flags: flags, payload)
        }
        let count = meta.items.count + (alpha == nil ? 0 : 1)
        let version: UInt8 = count > Int(UInt16.max) ? 1 : meta.itemInfoVersion
        var payload: [UInt8] = []
        if version == 0 { BigEndian.append(UInt16(count), to: &payload) } else { BigEndian.append(UInt32(count), to: &payload) }
        for item in meta.items {
            if item.id == primary {
                let old = original.metaSlice(item.box)
                let flags = old.count >= 12 ? UInt32(old[old.startIndex + 9]) << 16 | UInt32(old[old.startIndex + 10]) << 8 | UInt32(old[old.startIndex + 11]) : 0
                payload += entry(id: primary, type: codedType, name: primaryInfo.name, flags: flags)
            } else {
                payload += original.metaSlice(item.box)
            }
        }
        if let alpha { payload += entry(id: alpha.id, type: alpha.type, name: "", flags: 1) }
        return BMFFBoxWriter.fullBox(.iinf, version: version, flags: 0, payload)
    }
}
