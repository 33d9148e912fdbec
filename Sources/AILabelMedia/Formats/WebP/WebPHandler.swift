/// WebP: a RIFF container of chunks. Metadata lives in the extended layout (a `VP8X` chunk first,
/// whose flags announce ICC, EXIF and XMP): `ICCP` after `VP8X`, `EXIF` and `XMP ` after the image
/// data, and C2PA's `C2PA` chunk last, where c2pa-rs puts it (`riff_io.rs`).
///
/// Writing copies every chunk it does not change byte for byte; a simple file (a lone `VP8 ` or `VP8L`
/// chunk) gains a `VP8X` chunk, with the canvas size read from the bitstream, when it gains metadata.
public struct WebPHandler: AssetHandler {
    public init() {}

    public var declaration: FormatDeclaration { Self.declaration }

    static let imageChunks: Set<String> = ["VP8 ", "VP8L", "ALPH", "ANMF"]

    /// VP8X flag bits (WebP container specification, "Extended File Format").
    enum Flag {
        static let icc: UInt8 = 0x20
        static let alpha: UInt8 = 0x10
        static let exif: UInt8 = 0x08
        static let xmp: UInt8 = 0x04
        static let animation: UInt8 = 0x02
    }

    /// How much of a chunk's data `parse` reads: all of a metadata chunk, the few header bytes of a
    /// VP8X or image chunk it takes sizes and kinds from, nothing of any other.
    static func parsedLength(of chunk: RIFFChunk) -> Int {
        switch chunk.fourCC {
        case "ICCP", "EXIF", "XMP ", "C2PA": return chunk.data.count
        case "VP8X", "VP8 ", "VP8L": return min(10, chunk.data.count)
        case "ANMF": return min(20, chunk.data.count)
        default: return 0
        }
    }

    public func parse(_ source: any ByteSource) throws -> MediaContents {
        let (chunks, riffEnd) = try RIFFChunkParser.parse(source)
        var contents = MediaContents(format: .webp, width: 0, height: 0)
        var storeCount = 0
        var lossy = false
        var lossless = false
        var alpha = false
        var animated = false
        var extended = false
        for (index, chunk) in chunks.enumerated() {
            let name = RIFFChunkParser.printable(chunk.fourCC).dropFirst().dropLast()
            var block = MetadataBlock(kind: .other, name: String(name), offset: chunk.range.lowerBound, size: chunk.paddedRange.count)
            let data = try source.read(chunk.data.lowerBound..<chunk.data.lowerBound + Self.parsedLength(of: chunk))[...]
            switch chunk.fourCC {
            case "VP8X":
                block.kind = .header
                guard index == 0, chunk.data.count >= 10 else {
                    throw MediaError.make(.malformed, "the VP8X chunk at byte \(chunk.range.lowerBound) is misplaced or shorter than 10 bytes")
                }
                extended = true
                let flags = data[data.startIndex]
                alpha = alpha || flags & Flag.alpha != 0
                animated = flags & Flag.animation != 0
                contents.width = RIFFChunkParser.readUInt24LE(data, at: data.startIndex + 4) + 1
                contents.height = RIFFChunkParser.readUInt24LE(data, at: data.startIndex + 7) + 1
                block.detail = "canvas \(contents.width)×\(contents.height)"
            case "VP8 ", "VP8L", "ALPH", "ANMF":
                block.kind = .imageData
                contents.imageDataRanges.append(chunk.range)
                if chunk.fourCC == "VP8 " { lossy = true }
                if chunk.fourCC == "VP8L" { lossless = true }
                if chunk.fourCC == "ALPH" { alpha = true }
                if chunk.fourCC == "ANMF" {
                    // A frame holds its own VP8/VP8L (and ALPH) sub-chunks after a 16-byte header.
                    let inner = data.dropFirst(16)
                    if inner.count >= 4 {
                        let kind = String(decoding: inner.prefix(4), as: UTF8.self)
                        if kind == "VP8L" { lossless = true } else { lossy = true }
                    }
                }
                if !extended, index == 0, let size = try Self.bitstreamSize(chunk.fourCC, data) {
                    (contents.width, contents.height) = (size.width, size.height)
                    alpha = alpha || size.alpha
                    block.detail = "\(size.width)×\(size.height)"
                }
            case "ICCP":
                block.kind = .icc
                if contents.icc == nil { contents.icc = Array(data) }
            case "EXIF":
                block.kind = .exif
                // The container specification wants a bare TIFF structure; some writers keep JPEG's prefix.
                let exifPrefix: [UInt8] = Array("Exif".utf8) + [0, 0]
                if contents.exif == nil { contents.exif = data.starts(with: exifPrefix) ? Array(data.dropFirst(6)) : Array(data) }
            case "XMP ":
                block.kind = .xmp
                if contents.xmp == nil { contents.xmp = Array(data) }
            case "C2PA":
                block.kind = .c2pa
                storeCount += 1
                if storeCount == 1 {
                    contents.c2paStore = Array(data)
                    contents.c2paStoreRanges = [chunk.range]
                }
            default:
                break
            }
            contents.blocks.append(block)
        }
        guard !contents.imageDataRanges.isEmpty else {
            throw MediaError.make(.malformed, "the WebP has no image data (no VP8, VP8L or ANMF chunk)")
        }
        guard contents.width > 0, contents.height > 0 else {
            throw MediaError.make(.malformed, "the WebP's image size cannot be read from its first chunk")
        }
        contents.c2paStoreCount = storeCount
        contents.coding = WebPCoding(
            compression: lossy && lossless ? "mixed" : (lossless ? "lossless" : "lossy"), alpha: alpha, animated: animated, extended: extended,
            quality: lossy ? WebPQuality.estimate(chunks: chunks, read: { try source.read($0) }) : nil,
            animation: animated ? WebPAnimationTiming(chunks: chunks, read: { try source.read($0) }) : nil)
        if riffEnd < source.count {
            contents.blocks.append(MetadataBlock(kind: .trailing, name: "trailing", offset: riffEnd, size: source.count - riffEnd))
            contents.warnings.append("\(source.count - riffEnd) bytes follow the RIFF container")
        }
        contents.structure = WebPStructure(sourceCount: source.count, chunks: chunks, riffEnd: riffEnd)
        return contents
    }

    /// Rewrites bytes in memory without a parse: its RIFF chunks walked, as the plan does for a source no parse recorded.
    public func rewrite(_ bytes: [UInt8], applying edit: MetadataEdit) throws -> RewrittenAsset {
        let plan = try planRewrite(of: bytes, contents: MediaContents(format: .webp, width: 0, height: 0), applying: edit)
        return RewrittenAsset(bytes: try plan.materialize(from: bytes), c2paStoreRange: plan.c2paStoreRange)
    }

    public func imageDataRanges(in bytes: [UInt8]) throws -> [Range<Int>] { try imageDataRanges(in: bytes as any ByteSource) }

    public func imageDataRanges(in source: any ByteSource) throws -> [Range<Int>] {
        try RIFFChunkParser.parse(source).chunks.filter { Self.imageChunks.contains($0.fourCC) }.map(\.range)
    }

    /// The size a simple file's bitstream declares: VP8 key frame header, or the VP8L header (which
    /// also says whether alpha is used).
    static func bitstreamSize(_ fourCC: String, _ data: ArraySlice<UInt8>) throws -> (width: Int, height: Int, alpha: Bool)? {
        let s = data.startIndex
        switch fourCC {
        case "VP8 ":
            guard data.count >= 10, data[s + 3] == 0x9D, data[s + 4] == 0x01, data[s + 5] == 0x2A else {
                throw MediaError.make(.malformed, "the VP8 chunk has no key frame header")
            }
            let width = (Int(data[s + 6]) | Int(data[s + 7]) << 8) & 0x3FFF
            let height = (Int(data[s + 8]) | Int(data[s + 9]) << 8) & 0x3FFF
            return (width, height, false)
        case "VP8L":
            guard data.count >= 5, data[s] == 0x2F else { throw MediaError.make(.malformed, "the VP8L chunk has no signature byte 0x2F") }
            let bits = UInt32(data[s + 1]) | UInt32(data[s + 2]) << 8 | UInt32(data[s + 3]) << 16 | UInt32(data[s + 4]) << 24
            return (Int(bits & 0x3FFF) + 1, Int(bits >> 14 & 0x3FFF) + 1, bits >> 28 & 1 == 1)
        default:
            return nil
        }
    }

    /// Plans the rewrite: kept chunks are copied as source ranges, the RIFF header and VP8X are new bytes.
    public func planRewrite(of source: any ByteSource, contents: MediaContents, applying edit: MetadataEdit) throws -> SplicePlan {
        let chunks: [RIFFChunk]
        let riffEnd: Int
        if let recorded = contents.structure as? WebPStructure, recorded.sourceCount == source.count {
            (chunks, riffEnd) = (recorded.chunks, recorded.riffEnd)
        } else {
            (chunks, riffEnd) = try RIFFChunkParser.parse(source)
        }
        func changes(_ fourCC: String) -> Bool {
            switch fourCC {
            case "XMP ": return edit.xmp != .keep
            case "EXIF": return edit.exif != .keep
            case "ICCP": return edit.icc != .keep
            case "C2PA": return edit.c2paStore != .keep
            default: return false
            }
        }
        let kept = chunks.filter { !changes($0.fourCC) && $0.fourCC != "VP8X" }
        let newXMP: [UInt8]? = if case .replace(let packet) = edit.xmp { try RIFFChunkParser.chunk("XMP ", data: packet) } else { nil }
        let newEXIF: [UInt8]? = if case .replace(let tiff) = edit.exif { try RIFFChunkParser.chunk("EXIF", data: tiff) } else { nil }
        let newICC: [UInt8]? = if case .replace(let profile) = edit.icc { try RIFFChunkParser.chunk("ICCP", data: profile) } else { nil }
        let newStore: [UInt8]? = if case .replace(let store) = edit.c2paStore { try RIFFChunkParser.chunk("C2PA", data: store) } else { nil }
        let hasXMP = newXMP != nil || kept.contains { $0.fourCC == "XMP " }
        let hasEXIF = newEXIF != nil || kept.contains { $0.fourCC == "EXIF" }
        let hasICC = newICC != nil || kept.contains { $0.fourCC == "ICCP" }

        var header: [UInt8]? = nil
        if let vp8x = chunks.first(where: { $0.fourCC == "VP8X" }) {
            // VP8X holds 10 bytes; a longer one is kept whole, as found, up to a bound.
            guard vp8x.data.count <= Self.maximumHeaderChunk else {
                throw MediaError.make(.limitExceeded, "the VP8X chunk at byte \(vp8x.range.lowerBound) declares \(vp8x.data.count) bytes")
            }
            header = try source.read(vp8x.data)
        }
        if header == nil, hasXMP || hasEXIF || hasICC {
            // A simple file gains the extended layout: VP8X with the canvas size of its bitstream.
            guard let first = chunks.first,
                let size = try Self.bitstreamSize(first.fourCC, source.read(first.data.lowerBound..<first.data.lowerBound + min(10, first.data.count))[...])
            else {
                throw MediaError.make(.malformed, "the WebP's first chunk is neither VP8X, VP8 nor VP8L")
            }
            var data: [UInt8] = [size.alpha ? Flag.alpha : 0, 0, 0, 0]
            for value in [size.width - 1, size.height - 1] { data += [UInt8(value & 0xFF), UInt8(value >> 8 & 0xFF), UInt8(value >> 16 & 0xFF)] }
            header = data
        }
        var front: [UInt8] = []
        if var flags = header {
            flags[0] = (flags[0] & ~(Flag.icc | Flag.exif | Flag.xmp))
                | (hasICC ? Flag.icc : 0) | (hasEXIF ? Flag.exif : 0) | (hasXMP ? Flag.xmp : 0)
            front += try RIFFChunkParser.chunk("VP8X", data: flags)
        }
        // ICCP must come right after VP8X, before ANIM and the image.
        if let newICC { front += newICC }
        // The RIFF size counts everything after its own field: known before anything is written.
        var riffSize = RIFFChunkParser.headerSize - 8 + front.count
        for chunk in kept { riffSize += chunk.paddedRange.count + (chunk.data.count & 1 == 1 && chunk.paddedRange == chunk.range ? 1 : 0) }
        riffSize += (newEXIF?.count ?? 0) + (newXMP?.count ?? 0) + (newStore?.count ?? 0)
        guard riffSize <= Int(UInt32.max) else {
            throw MediaError.make(.limitExceeded, "the rewritten WebP would exceed the 4 GB a RIFF size can declare")
        }
        var riffHeader = try source.read(0..<RIFFChunkParser.headerSize)
        let size = UInt32(riffSize)
        riffHeader.replaceSubrange(4..<8, with: [UInt8(size & 0xFF), UInt8(size >> 8 & 0xFF), UInt8(size >> 16 & 0xFF), UInt8(size >> 24)])

        var plan = SplicePlan()
        plan.insert(riffHeader + front)
        var keptStoreRange: Range<Int>?
        for chunk in kept {
            let start = plan.count
            plan.copy(chunk.paddedRange)
            // A last chunk written without its pad byte gets one, since chunks follow it now.
            if chunk.data.count & 1 == 1, chunk.paddedRange == chunk.range { plan.insert([0]) }
            if chunk.fourCC == "C2PA", keptStoreRange == nil { keptStoreRange = start..<start + chunk.range.count }
        }
        if let newEXIF { plan.insert(newEXIF) }
        if let newXMP { plan.insert(newXMP) }
        if let newStore, case .replace(let store) = edit.c2paStore {
            // The data hash excludes the chunk's header and data, not its pad byte.
            plan.insertC2PAStore(Array(newStore.prefix(8 + store.count)))
            if newStore.count > 8 + store.count { plan.insert([0]) }
        } else if let keptStoreRange {
            plan.noteCopiedC2PAStore(keptStoreRange)
        }
        if riffEnd < source.count { plan.copy(riffEnd..<source.count) }
        return plan
    }

    /// Largest VP8X chunk a rewrite copies (the specification's is 10 bytes).
    static let maximumHeaderChunk = 64 * 1024
}

/// What `parse` learnt of a WebP's layout, for `planRewrite`: the top-level chunks and where the RIFF ends.
struct WebPStructure: Sendable {
    let sourceCount: Int
    let chunks: [RIFFChunk]
    let riffEnd: Int
}
