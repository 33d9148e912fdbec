/// GIF (GIF87a and GIF89a): a header, a logical screen descriptor with its global colour table, then
/// extensions and images in sub-blocks, and a trailer. Metadata lives in application extensions: XMP
/// in `XMP DataXMP` (raw packet and the XMP magic trailer, as exiftool writes it), the C2PA store in
/// `C2PA_GIF` right after the global colour table (where c2pa-rs `gif_io.rs` puts it, before the
/// first image, the only place its reader looks), an ICC profile in `ICCRGBG1012`; free text in
/// comment extensions.
///
/// Parsing reads the headers and the sub-block lengths at their positions, never the image data; a
/// rewrite copies every block it does not change as a range of the source.
public struct GIFHandler: AssetHandler {
    public init() {}

    public var declaration: FormatDeclaration { Self.declaration }

    public func parse(_ source: any ByteSource) throws -> MediaContents {
        let reader = source
        let structure = try GIFStructure.walk(reader)
        guard structure.frameCount > 0 else { throw MediaError.make(.malformed, "the GIF holds no image") }
        var contents = MediaContents(format: .gif, width: structure.screenWidth, height: structure.screenHeight)
        var timing: [GIFFrameTiming] = []
        var pendingControl: GIFFrameTiming?
        var loopCount: Int?
        var transparency = false
        var interlaced = false
        var seenImage = false
        var ignoredStores = 0
        var frameStart: Int?
        for block in structure.blocks {
            let offset = block.range.lowerBound
            var item = MetadataBlock(kind: .other, name: block.boxName ?? "EXT", offset: offset, size: block.range.count)
            switch block.kind {
            case .header:
                item.kind = .header
                item.name = "GIF\(structure.version)"
            case .screen:
                item.kind = .header
                item.detail = "screen \(structure.screenWidth)×\(structure.screenHeight)"
                    + (structure.globalColourTableSize.map { ", global colour table of \($0)" } ?? "")
            case .application(let identifier):
                let data = try reader.read(block.subBlocksStart!..<block.range.upperBound)
                item.name = "APP " + GIFStructure.printable(identifier).dropFirst().dropLast()
                if identifier == GIFApplicationExtension.xmpIdentifier {
                    item.kind = .xmp
                    if contents.xmp == nil {
                        if let packet = GIFApplicationExtension.xmpPacket(raw: data) {
                            contents.xmp = packet
                        } else {
                            contents.warnings.append("the XMP extension at byte \(offset) lacks the XMP magic trailer; it was not read")
                        }
                    }
                } else if identifier == GIFApplicationExtension.c2paIdentifier {
                    item.kind = .c2pa
                    if seenImage {
                        // c2pa-rs looks for the store only before the first image; neither does ailabel.
                        ignoredStores += 1
                        item.detail = "after the first image, where C2PA readers do not look"
                    } else {
                        contents.c2paStoreCount += 1
                        if contents.c2paStoreCount == 1 {
                            contents.c2paStore = GIFApplicationExtension.joinSubBlocks(data)
                            contents.c2paStoreRanges = [block.range]
                        }
                    }
                } else if identifier == GIFApplicationExtension.iccIdentifier {
                    item.kind = .icc
                    if contents.icc == nil { contents.icc = GIFApplicationExtension.joinSubBlocks(data) }
                } else if GIFApplicationExtension.netscapeIdentifiers.contains(identifier) {
                    let loop = GIFApplicationExtension.joinSubBlocks(data)
                    if loop.count >= 3, loop[0] == 1 {
                        loopCount = Int(loop[1]) | Int(loop[2]) << 8
                        item.detail = loopCount == 0 ? "loops forever" : "loop count \(loopCount!)"
                    }
                }
            case .comment:
                item.kind = .comment
                let text = GIFApplicationExtension.joinSubBlocks(try reader.read(block.subBlocksStart!..<block.range.upperBound))
                contents.comments.append(Self.decodeText(text))
            case .graphicControl:
                let data = GIFApplicationExtension.joinSubBlocks(try reader.read(block.subBlocksStart!..<block.range.upperBound))
                if data.count >= 4 {
                    let packed = data[0]
                    let control = GIFFrameTiming(
                        delayCentiseconds: Int(data[1]) | Int(data[2]) << 8, disposal: Int(packed >> 2 & 0x07),
                        transparentIndex: packed & 0x01 != 0 ? Int(data[3]) : nil)
                    pendingControl = control
                    transparency = transparency || control.transparentIndex != nil
                    item.detail = "delay \(control.delayCentiseconds) cs, disposal \(control.disposal)"
                        + (control.transparentIndex.map { ", transparent index \($0)" } ?? "")
                }
            case .plainText, .otherExtension:
                break
            case .imageDescriptor(let descriptor):
                seenImage = true
                item.kind = .frame
                interlaced = interlaced || descriptor.interlaced
                timing.append(pendingControl ?? GIFFrameTiming())
                pendingControl = nil
                item.detail = "frame \(timing.count): \(descriptor.width)×\(descriptor.height) at (\(descriptor.left), \(descriptor.top))"
                    + (descriptor.localColourTableSize.map { ", local colour table of \($0)" } ?? "")
                    + (descriptor.interlaced ? ", interlaced" : "")
                frameStart = block.range.lowerBound
            case .imageData:
                item.kind = .imageData
                item.name = "LZW"
                // The descriptor, its local colour table and the LZW data: one range per frame.
                contents.imageDataRanges.append((frameStart ?? block.range.lowerBound)..<block.range.upperBound)
                frameStart = nil
            case .trailer:
                item.kind = .end
            }
            contents.blocks.append(item)
        }
        if ignoredStores > 0 {
            contents.warnings.append("\(ignoredStores) C2PA extension(s) after the first image were ignored (C2PA puts the store before it)")
        }
        contents.coding = GIFCoding(
            version: structure.version, frames: timing.count, loopCount: loopCount,
            totalDelayCentiseconds: timing.reduce(0) { $0 + $1.delayCentiseconds }, transparency: transparency, interlaced: interlaced,
            timing: timing)
        if structure.end < reader.count {
            contents.blocks.append(MetadataBlock(kind: .trailing, name: "trailing", offset: structure.end, size: reader.count - structure.end))
            contents.warnings.append("\(reader.count - structure.end) bytes follow the GIF trailer")
        }
        return contents
    }

    /// Comment text: UTF-8, or Latin-1 where it is not (the GIF specification says 7-bit ASCII).
    static func decodeText(_ bytes: [UInt8]) -> String {
        String(validating: bytes, as: UTF8.self) ?? String(bytes.map { Character(UnicodeScalar($0)) })
    }

    public func imageDataRanges(in source: any ByteSource) throws -> [Range<Int>] {
        try Self.imageDataRanges(of: GIFStructure.walk(source))
    }

    public func imageDataRanges(in bytes: [UInt8]) throws -> [Range<Int>] {
        try imageDataRanges(in: bytes as any ByteSource)
    }

    static func imageDataRanges(of structure: GIFStructure) -> [Range<Int>] {
        var ranges: [Range<Int>] = []
        var frameStart: Int?
        for block in structure.blocks {
            switch block.kind {
            case .imageDescriptor: frameStart = block.range.lowerBound
            case .imageData:
                ranges.append((frameStart ?? block.range.lowerBound)..<block.range.upperBound)
                frameStart = nil
            default: break
            }
        }
        return ranges
    }

    /// The rewrite as a splice: every block the edit does not name, the image data above all, is a
    /// range of the source; new blocks go where the comments below say.
    public func planRewrite(of source: any ByteSource, contents: MediaContents, applying edit: MetadataEdit) throws -> SplicePlan {
        let reader = source
        let structure = try GIFStructure.walk(reader)
        guard structure.frameCount > 0 else { throw MediaError.make(.malformed, "the GIF holds no image") }
        func identifier(_ block: GIFBlock) -> [UInt8]? { block.kind.applicationIdentifier }
        func isComment(_ block: GIFBlock) -> Bool { if case .comment = block.kind { true } else { false } }
        /// Whether the edit takes this block out (a replaced block comes back at its first place).
        func changes(_ block: GIFBlock) -> Bool {
            if isComment(block) { return edit.comments != nil }
            switch identifier(block) {
            case GIFApplicationExtension.xmpIdentifier: return edit.xmp != .keep
            case GIFApplicationExtension.c2paIdentifier: return edit.c2paStore != .keep
            case GIFApplicationExtension.iccIdentifier: return edit.icc != .keep
            default: return false
            }
        }
        let newXMP: [UInt8]? = if case .replace(let packet) = edit.xmp { GIFApplicationExtension.xmp(packet) } else { nil }
        let newICC: [UInt8]? = if case .replace(let profile) = edit.icc { GIFApplicationExtension.icc(profile) } else { nil }
        let newStore: [UInt8]? = if case .replace(let store) = edit.c2paStore { GIFApplicationExtension.c2pa(store) } else { nil }
        let newComments = (edit.comments ?? []).map(GIFApplicationExtension.comment).reduce([], +)
        let addsExtensions = newXMP != nil || newICC != nil || newStore != nil || !newComments.isEmpty

        // Where new blocks go: each replaces the first block of its kind; otherwise the store goes right
        // after the global colour table (c2pa-rs), and the XMP, ICC and comments before the first frame
        // (before the graphic control extension that belongs to it, which must stay next to its image).
        let blocks = structure.blocks
        let firstImage = blocks.firstIndex { $0.kind.isImageDescriptor }!
        var firstFrame = firstImage
        if firstFrame > 0, case .graphicControl = blocks[firstFrame - 1].kind { firstFrame -= 1 }
        func firstIndex(of wanted: [UInt8]) -> Int? { blocks.firstIndex { identifier($0) == wanted } }
        let storeAt = firstIndex(of: GIFApplicationExtension.c2paIdentifier).flatMap { $0 < firstImage ? $0 : nil }
        let xmpAt = firstIndex(of: GIFApplicationExtension.xmpIdentifier)
        let iccAt = firstIndex(of: GIFApplicationExtension.iccIdentifier)
        let commentAt = blocks.firstIndex(where: isComment)

        var plan = SplicePlan()
        for (index, block) in blocks.enumerated() {
            switch block.kind {
            case .header where addsExtensions && structure.version == "87a":
                // Extensions need GIF89a (c2pa-rs and exiftool raise the version too).
                plan.insert(Array("GIF89a".utf8))
                continue
            default: break
            }
            if index == firstFrame {
                if let newICC, iccAt == nil || iccAt! >= firstFrame { plan.insert(newICC) }
                if let newXMP, xmpAt == nil || xmpAt! >= firstFrame { plan.insert(newXMP) }
                if !newComments.isEmpty, commentAt == nil || commentAt! >= firstFrame { plan.insert(newComments) }
            }
            if index == storeAt, let newStore { plan.insertC2PAStore(newStore) }
            if index == xmpAt, index < firstFrame, let newXMP { plan.insert(newXMP) }
            if index == iccAt, index < firstFrame, let newICC { plan.insert(newICC) }
            if index == commentAt, index < firstFrame, !newComments.isEmpty { plan.insert(newComments) }
            if !changes(block) { plan.copy(block.range) }
            if case .screen = block.kind, storeAt == nil, let newStore { plan.insertC2PAStore(newStore) }
        }
        if structure.end < reader.count { plan.copy(structure.end..<reader.count) }
        return plan
    }
}
