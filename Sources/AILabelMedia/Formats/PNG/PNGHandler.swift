/// PNG: metadata lives in ancillary chunks: `iTXt` (XMP under keyword `XML:com.adobe.xmp`), `eXIf`,
/// `tEXt`/`zTXt`/`iTXt`, `iCCP`, and C2PA's `caBX`.
///
/// Writing rebuilds the chunk sequence, copying every chunk it does not change byte for byte, so the
/// IDAT stream (the compressed pixels) is untouched.
public struct PNGHandler: AssetHandler {
    /// Whether `parse` checks the CRCs of IDAT chunks as well as of every metadata chunk.
    public var verifiesImageDataChecksums: Bool

    public init(verifiesImageDataChecksums: Bool = true) {
        self.verifiesImageDataChecksums = verifiesImageDataChecksums
    }

    public var declaration: FormatDeclaration { Self.declaration }

    /// The keyword under which PNG carries XMP (XMP specification part 3, 1.1.5).
    public static let xmpKeyword = "XML:com.adobe.xmp"
    /// Largest text a text chunk may hold once inflated: far above any real label or prompt, far below
    /// what a decompression bomb would ask for.
    public static let maximumTextBytes = 8 * 1024 * 1024
    /// Largest inflated ICC profile.
    public static let maximumICCBytes = 16 * 1024 * 1024
    /// Most text all of a file's text chunks may hold together once inflated: each is bounded by
    /// ``maximumTextBytes``, but 8 KB of zTXt inflates to 8 MiB, and a file of many such chunks would
    /// be held a thousand times over in memory.
    public static let maximumTotalTextBytes = 64 * 1024 * 1024

    /// The chunks whose data `parse` reads; IDAT and every other chunk are walked by their headers.
    static let metadataChunks: Set<String> = ["IHDR", "eXIf", "iCCP", "caBX", "tEXt", "zTXt", "iTXt"]
    static let textChunks: Set<String> = ["tEXt", "zTXt", "iTXt"]

    public func parse(_ source: any ByteSource) throws -> MediaContents {
        let (chunks, chunkData, trailing) = try PNGChunkParser.parse(
            source, verifyImageDataChecksums: verifiesImageDataChecksums, keeping: Self.metadataChunks)
        let header = try Self.header(of: chunks, data: chunkData[0])
        var contents = MediaContents(format: .png, width: header.width, height: header.height)
        contents.pngHeader = header.fields
        var storeCount = 0
        var sawIDAT = false
        var keywords: [Int: String] = [:]
        var textBytes = 0
        for (index, chunk) in chunks.enumerated() {
            var block = MetadataBlock(kind: .other, name: chunk.type, offset: chunk.range.lowerBound, size: chunk.range.count)
            let data = (chunkData[index] ?? [])[...]
            switch chunk.type {
            case "IHDR":
                block.kind = .header
                block.detail = "\(header.width)×\(header.height), \(header.fields.bitDepth)-bit, colour type \(header.fields.colorType)"
            case "IDAT":
                block.kind = .imageData
                contents.imageDataRanges.append(chunk.range)
                sawIDAT = true
            case "IEND":
                block.kind = .end
            case "eXIf":
                block.kind = .exif
                if contents.exif == nil { contents.exif = Array(data) }
            case "iCCP":
                block.kind = .icc
                // The first profile only: PNG allows one, and each would inflate to 16 MiB.
                if contents.icc == nil, let (_, rest) = Self.splitKeyword(data), rest.count > 1 {
                    contents.icc = try? Zlib.inflate(rest.dropFirst(), limit: Self.maximumICCBytes)
                }
            case "caBX":
                block.kind = .c2pa
                storeCount += 1
                if storeCount == 1 {
                    contents.c2paStore = Array(data)
                    contents.c2paStoreRanges = [chunk.range]
                }
            case "tEXt", "zTXt", "iTXt":
                let entry = try Self.decodeText(chunk: chunk.type, data: data, at: chunk.range.lowerBound)
                textBytes += entry.text.utf8.count
                guard textBytes <= Self.maximumTotalTextBytes else {
                    throw MediaError.make(
                        .limitExceeded,
                        "the text chunks up to the \(chunk.type) chunk at byte \(chunk.range.lowerBound) hold \(textBytes) bytes of text together, over the \(Self.maximumTotalTextBytes)-byte limit")
                }
                block.detail = entry.keyword
                keywords[index] = entry.keyword
                if chunk.type == "iTXt" && entry.keyword == Self.xmpKeyword {
                    block.kind = .xmp
                    if contents.xmp == nil { contents.xmp = Array(entry.text.utf8) }
                } else {
                    block.kind = .text
                    contents.textEntries.append(entry)
                }
            default:
                if chunk.isCritical && !["PLTE"].contains(chunk.type) {
                    contents.warnings.append("unknown critical chunk \(chunk.type) at byte \(chunk.range.lowerBound)")
                }
            }
            contents.blocks.append(block)
        }
        guard sawIDAT else { throw MediaError.make(.malformed, "the PNG has no IDAT chunk (no image data)") }
        contents.c2paStoreCount = storeCount
        if let trailing {
            contents.blocks.append(MetadataBlock(kind: .trailing, name: "trailing", offset: trailing.lowerBound, size: trailing.count))
            contents.warnings.append("\(trailing.count) bytes follow the IEND chunk")
        }
        contents.structure = PNGStructure(sourceCount: source.count, chunks: chunks, keywords: keywords)
        return contents
    }

    /// The chunks and text keywords a rewrite needs, walked without checking CRCs (for a source no parse
    /// has recorded: a rewrite of bytes in memory).
    static func structure(of source: any ByteSource) throws -> PNGStructure {
        let (chunks, data, _) = try PNGChunkParser.parse(source, verifyChecksums: false, keeping: textChunks.union(["IHDR"]))
        _ = try header(of: chunks, data: data[0])
        var keywords: [Int: String] = [:]
        for (index, chunk) in chunks.enumerated() where textChunks.contains(chunk.type) {
            keywords[index] = splitKeyword((data[index] ?? [])[...]).map { latin1($0.keyword) } ?? ""
        }
        return PNGStructure(sourceCount: source.count, chunks: chunks, keywords: keywords)
    }

    /// Plans the rewrite of metadata chunks. Chunks are copied as source ranges: their CRCs were checked
    /// when the file was parsed, so they are not computed again here.
    public func planRewrite(of source: any ByteSource, contents: MediaContents, applying edit: MetadataEdit) throws -> SplicePlan {
        let structure: PNGStructure
        if let recorded = contents.structure as? PNGStructure, recorded.sourceCount == source.count {
            structure = recorded
        } else {
            structure = try Self.structure(of: source)
        }
        let chunks = structure.chunks
        let replacedKeywords = Set(edit.setTextEntries.map(\.keyword)).union(edit.removeTextKeywords)

        var plan = SplicePlan(copying: 0..<8)
        var keptStoreRange: Range<Int>?
        var textsPlaced = false

        func keyword(of index: Int) -> String { structure.keywords[index] ?? "" }
        func isXMP(_ index: Int) -> Bool { chunks[index].type == "iTXt" && keyword(of: index) == Self.xmpKeyword }
        // A replaced block takes the place of the one it replaces, so re-stamping reproduces the same
        // bytes; a new one goes right after IHDR (and caBX), before PLTE and IDAT.
        var newEXIF: [UInt8]? = nil
        if case .replace(let tiff) = edit.exif { newEXIF = try PNGChunkParser.chunk(type: "eXIf", data: tiff) }
        var newXMP: [UInt8]? = nil
        if case .replace(let packet) = edit.xmp {
            guard let text = String(validating: packet, as: UTF8.self) else {
                throw MediaError.make(.invalidArgument, "the XMP packet is not valid UTF-8")
            }
            newXMP = try Self.encodeText(TextEntry(keyword: Self.xmpKeyword, text: text, chunk: .iTXt))
        }
        var newICC: [UInt8]? = nil
        if case .replace(let profile) = edit.icc {
            newICC = try PNGChunkParser.chunk(type: "iCCP", data: Array("ICC Profile".utf8) + [0, 0] + (try Zlib.deflate(profile)))
        }
        let exifInPlace = chunks.contains { $0.type == "eXIf" }
        let xmpInPlace = chunks.indices.contains(where: isXMP)

        for (index, chunk) in chunks.enumerated() {
            switch chunk.type {
            case "caBX" where edit.c2paStore != .keep:
                continue
            case "eXIf" where edit.exif != .keep:
                if let exif = newEXIF, exifInPlace {
                    plan.insert(exif)
                    newEXIF = nil
                }
                continue
            case "iCCP" where edit.icc != .keep, "sRGB" where edit.icc != .keep:
                continue
            case "tEXt", "zTXt", "iTXt":
                if isXMP(index) {
                    if edit.xmp != .keep {
                        if let xmp = newXMP, xmpInPlace {
                            plan.insert(xmp)
                            newXMP = nil
                        }
                        continue
                    }
                } else if replacedKeywords.contains(keyword(of: index)) {
                    continue
                }
            case "IDAT" where !textsPlaced, "IEND" where !textsPlaced:
                for entry in edit.setTextEntries { plan.insert(try Self.encodeText(entry)) }
                textsPlaced = true
            default:
                break
            }
            if chunk.type == "caBX" {
                // An untouched store: report where it now sits.
                keptStoreRange = plan.count..<plan.count + chunk.range.count
            }
            plan.copy(chunk.range)
            if chunk.type == "IHDR" {
                // caBX immediately after IHDR (C2PA A.3.5), then a new ICC profile, EXIF and XMP.
                if case .replace(let store) = edit.c2paStore {
                    plan.insertC2PAStore(try PNGChunkParser.chunk(type: "caBX", data: store))
                }
                if let icc = newICC { plan.insert(icc) }
                if let exif = newEXIF, !exifInPlace {
                    plan.insert(exif)
                    newEXIF = nil
                }
                if let xmp = newXMP, !xmpInPlace {
                    plan.insert(xmp)
                    newXMP = nil
                }
            }
        }
        if let trailingStart = chunks.last?.range.upperBound, trailingStart < source.count {
            plan.copy(trailingStart..<source.count)
        }
        if let keptStoreRange, edit.c2paStore == .keep { plan.noteCopiedC2PAStore(keptStoreRange) }
        return plan
    }

    /// Rewrites bytes in memory without a parse: its chunks walked without checking CRCs, as the plan does for a source no parse recorded.
    public func rewrite(_ bytes: [UInt8], applying edit: MetadataEdit) throws -> RewrittenAsset {
        let plan = try planRewrite(of: bytes, contents: MediaContents(format: .png, width: 0, height: 0), applying: edit)
        return RewrittenAsset(bytes: try plan.materialize(from: bytes), c2paStoreRange: plan.c2paStoreRange)
    }

    public func imageDataRanges(in bytes: [UInt8]) throws -> [Range<Int>] { try imageDataRanges(in: bytes as any ByteSource) }

    public func imageDataRanges(in source: any ByteSource) throws -> [Range<Int>] {
        try PNGChunkParser.parse(source, verifyChecksums: false).chunks.filter { $0.type == "IDAT" }.map(\.range)
    }

    // MARK: Text chunks

    static func splitKeyword(_ data: ArraySlice<UInt8>) -> (keyword: ArraySlice<UInt8>, rest: ArraySlice<UInt8>)? {
        guard let zero = data.prefix(80).firstIndex(of: 0) else { return nil }
        return (data[data.startIndex..<zero], data[(zero + 1)...])
    }

    static func decodeText(chunk: String, data: ArraySlice<UInt8>, at offset: Int) throws -> TextEntry {
        guard let (keywordBytes, rest) = splitKeyword(data), !keywordBytes.isEmpty else {
            throw MediaError.make(.malformed, "\(chunk) chunk at byte \(offset) has no keyword of 1–79 bytes")
        }
        let keyword = latin1(keywordBytes)
        func checkSize(_ count: Int) throws {
            guard count <= maximumTextBytes else {
                throw MediaError.make(
                    .limitExceeded,
                    "\(chunk) chunk '\(keyword)' at byte \(offset) holds \(count) bytes of text, over the \(maximumTextBytes)-byte limit")
            }
        }
        switch chunk {
        case "tEXt":
            try checkSize(rest.count)
            return TextEntry(keyword: keyword, text: latin1(rest), chunk: .tEXt)
        case "zTXt":
            guard let method = rest.first, method == 0 else {
                throw MediaError.make(.malformed, "zTXt chunk '\(keyword)' at byte \(offset) uses an unknown compression method")
            }
            let inflated = try inflating(rest.dropFirst(), chunk: chunk, keyword: keyword, offset: offset)
            return TextEntry(keyword: keyword, text: latin1(inflated[...]), chunk: .zTXt)
        default:
            var cursor = ByteCursor(rest)
            guard let compressed = cursor.readUInt8(), let method = cursor.readUInt8() else {
                throw MediaError.make(.truncated, "iTXt chunk '\(keyword)' at byte \(offset) is cut short")
            }
            let remainder = cursor.bytes[cursor.position...]
            guard let languageEnd = remainder.firstIndex(of: 0),
                let translatedEnd = remainder[(languageEnd + 1)...].firstIndex(of: 0)
            else {
                throw MediaError.make(.malformed, "iTXt chunk '\(keyword)' at byte \(offset) lacks its language or translated keyword")
            }
            let language = latin1(remainder[remainder.startIndex..<languageEnd])
            let translated = String(decoding: remainder[(languageEnd + 1)..<translatedEnd], as: UTF8.self)
            var textBytes = remainder[(translatedEnd + 1)...]
            if compressed == 1 {
                guard method == 0 else {
                    throw MediaError.make(.malformed, "iTXt chunk '\(keyword)' at byte \(offset) uses an unknown compression method")
                }
                textBytes = try inflating(textBytes, chunk: chunk, keyword: keyword, offset: offset)[...]
            } else {
                try checkSize(textBytes.count)
            }
            guard let text = String(validating: textBytes, as: UTF8.self) else {
                throw MediaError.make(.malformed, "iTXt chunk '\(keyword)' at byte \(offset) is not valid UTF-8")
            }
            return TextEntry(keyword: keyword, text: text, chunk: .iTXt, language: language, translatedKeyword: translated)
        }
    }

    private static func inflating(_ data: ArraySlice<UInt8>, chunk: String, keyword: String, offset: Int) throws -> [UInt8] {
        do {
            return try Zlib.inflate(data, limit: maximumTextBytes)
        } catch let error as MediaError {
            throw MediaError.make(error.code, "\(chunk) chunk '\(keyword)' at byte \(offset): \(error.reason)")
        }
    }

    static func encodeText(_ entry: TextEntry) throws -> [UInt8] {
        let keyword = Array(entry.keyword.unicodeScalars.map { UInt8(truncatingIfNeeded: $0.value) })
        guard (1...79).contains(keyword.count), entry.keyword.unicodeScalars.allSatisfy({ $0.value < 256 && $0.value != 0 }) else {
            throw MediaError.make(.invalidArgument, "PNG text keyword '\(entry.keyword)' must be 1–79 Latin-1 characters")
        }
        var data = keyword + [0]
        switch entry.chunk {
        case .tEXt, .zTXt:
            // Latin-1 chunks cannot carry other characters; such text goes into iTXt instead.
            guard entry.text.unicodeScalars.allSatisfy({ $0.value < 256 }) else {
                return try encodeText(TextEntry(keyword: entry.keyword, text: entry.text, chunk: .iTXt))
            }
            let latin = entry.text.unicodeScalars.map { UInt8($0.value) }
            if entry.chunk == .tEXt {
                data += latin
                return try PNGChunkParser.chunk(type: "tEXt", data: data)
            }
            data += [0] + (try Zlib.deflate(latin))
            return try PNGChunkParser.chunk(type: "zTXt", data: data)
        case .iTXt, .riff, .riffInfo, .id3TXXX, .vorbisComment, .quickTimeKeys:
            data += [0, 0]
            data += Array(entry.language.utf8) + [0]
            data += Array(entry.translatedKeyword.utf8) + [0]
            data += Array(entry.text.utf8)
            return try PNGChunkParser.chunk(type: "iTXt", data: data)
        }
    }

    static func latin1(_ bytes: ArraySlice<UInt8>) -> String {
        var text = ""
        text.unicodeScalars.append(contentsOf: bytes.map { Unicode.Scalar($0) })
        return text
    }

    // MARK: Header

    static func header(of chunks: [PNGChunk], data: [UInt8]?) throws -> (width: Int, height: Int, fields: PNGHeader) {
        guard let first = chunks.first, first.type == "IHDR", first.data.count == 13, let data, data.count == 13 else {
            throw MediaError.make(.malformed, "the PNG's IHDR chunk is missing or not 13 bytes long")
        }
        var cursor = ByteCursor(data)
        let width = Int(cursor.readUInt32BE()!)
        let height = Int(cursor.readUInt32BE()!)
        let depth = Int(cursor.readUInt8()!)
        let colorType = Int(cursor.readUInt8()!)
        _ = cursor.readUInt8()
        _ = cursor.readUInt8()
        let interlace = cursor.readUInt8()!
        guard width > 0, height > 0, width <= PNGChunkParser.maximumChunkLength, height <= PNGChunkParser.maximumChunkLength else {
            throw MediaError.make(.malformed, "IHDR declares an impossible size \(width)×\(height)")
        }
        let validDepths: [Int: [Int]] = [0: [1, 2, 4, 8, 16], 2: [8, 16], 3: [1, 2, 4, 8], 4: [8, 16], 6: [8, 16]]
        guard let depths = validDepths[colorType], depths.contains(depth) else {
            throw MediaError.make(.malformed, "IHDR declares colour type \(colorType) with bit depth \(depth), which PNG does not allow")
        }
        return (width, height, PNGHeader(bitDepth: depth, colorType: colorType, interlaced: interlace == 1))
    }
}

/// What `parse` learnt of a PNG's layout, for `planRewrite`: the chunks in order and the keywords of
/// the text chunks among them (by index).
struct PNGStructure: Sendable {
    let sourceCount: Int
    let chunks: [PNGChunk]
    let keywords: [Int: String]
}
