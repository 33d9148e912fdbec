/// WAV: a RIFF container (`RIFF….WAVE`, or `RF64`/`BW64` with 64-bit sizes in a `ds64` chunk past
/// 4 GB) of chunks: `fmt ` (the coding), `data` (the samples), and metadata. ailabel keeps XMP in
/// `_PMX` (where exiftool and Adobe's tools put it; `XMP ` is read too), the TC260 label in an `AIGC`
/// chunk, and C2PA's store in a `C2PA` chunk, the RIFF's last, where c2pa-rs puts it (`riff_io.rs`).
///
/// Parsing reads chunk headers and the metadata chunks only; a rewrite is a splice plan that copies
/// every chunk it does not change, above all `data`, as a range of the source.
public struct WAVHandler: AssetHandler {
    public init() {}

    public var declaration: FormatDeclaration { Self.declaration }

    /// The XMP chunk ailabel writes, and the ones it reads.
    static let xmpChunk = "_PMX"
    static let xmpChunks: Set<String> = ["_PMX", "XMP "]
    static let labelChunk = "AIGC"
    static let storeChunk = "C2PA"

    static func walk(_ source: any ByteSource) throws -> RIFFWalk {
        try RIFFChunkParser.walk(source, form: "WAVE", formName: "WAV", allowsRF64: true)
    }

    public func parse(_ source: any ByteSource) throws -> MediaContents {
        let walk = try Self.walk(source)
        var contents = MediaContents(format: .wav, width: 0, height: 0)
        var format: WAVAudioFormat?
        var dataSize: Int?
        for chunk in walk.chunks {
            let name = String(RIFFChunkParser.printable(chunk.fourCC).dropFirst().dropLast())
            var block = MetadataBlock(kind: .other, name: name, offset: chunk.range.lowerBound, size: chunk.paddedRange.count)
            switch chunk.fourCC {
            case "ds64":
                block.kind = .header
                block.detail = "RF64 64-bit sizes"
            case "fmt ":
                block.kind = .header
                if format == nil {
                    format = try WAVAudioFormat(source.read(at: chunk.data.lowerBound, count: min(chunk.data.count, WAVAudioFormat.bytesRead), "the fmt chunk"))
                    block.detail = format?.codec
                }
            case "data":
                block.kind = .imageData
                block.detail = "audio samples"
                contents.imageDataRanges.append(chunk.range)
                if dataSize == nil { dataSize = chunk.data.count }
            case _ where Self.xmpChunks.contains(chunk.fourCC):
                block.kind = .xmp
                if contents.xmp == nil {
                    guard chunk.data.count <= XMPPacket.maximumPacketSize else {
                        throw MediaError.make(.limitExceeded, "the XMP chunk at byte \(chunk.range.lowerBound) is \(chunk.data.count) bytes, over the \(XMPPacket.maximumPacketSize)-byte limit")
                    }
                    contents.xmp = try source.read(chunk.data)
                }
            case Self.labelChunk:
                block.kind = .text
                block.detail = "TC260 AIGC label"
                let text = try Self.readText(source, chunk)
                contents.textEntries.append(TextEntry(keyword: "AIGC", text: text, chunk: .riff))
            case "LIST":
                block.detail = try Self.readInfo(source, chunk, into: &contents)
                if block.detail == "INFO" { block.kind = .text }
            case Self.storeChunk:
                block.kind = .c2pa
                contents.c2paStoreCount += 1
                if contents.c2paStoreCount == 1 {
                    contents.c2paStore = try Self.readStore(source, chunk)
                    contents.c2paStoreRanges = [chunk.range]
                } else {
                    contents.c2paStore = nil
                }
            default:
                break
            }
            contents.blocks.append(block)
        }
        guard let format else { throw MediaError.make(.malformed, "the WAV has no fmt chunk") }
        guard dataSize != nil else { throw MediaError.make(.malformed, "the WAV has no data chunk") }
        contents.coding = format.coding(dataSize: dataSize, sampleCount: walk.ds64?.sampleCount)
        if walk.riffEnd < source.count {
            contents.blocks.append(MetadataBlock(kind: .trailing, name: "trailing", offset: walk.riffEnd, size: source.count - walk.riffEnd))
            contents.warnings.append("\(source.count - walk.riffEnd) bytes follow the RIFF container")
        }
        return contents
    }

    public func imageDataRanges(in source: any ByteSource) throws -> [Range<Int>] {
        try Self.walk(source).chunks.filter { $0.fourCC == "data" }.map(\.range)
    }

    static func readText(_ source: any ByteSource, _ chunk: RIFFChunk) throws -> String {
        guard chunk.data.count <= AudioLimits.maximumTextBlock else {
            throw MediaError.make(.limitExceeded, "the \(chunk.fourCC) chunk at byte \(chunk.range.lowerBound) is \(chunk.data.count) bytes, over the \(AudioLimits.maximumTextBlock)-byte limit")
        }
        let bytes = try source.read(chunk.data)
        // RIFF text is NUL-terminated by convention.
        return String(decoding: bytes.prefix { $0 != 0 }, as: UTF8.self)
    }

    static func readStore(_ source: any ByteSource, _ chunk: RIFFChunk) throws -> [UInt8] {
        guard chunk.data.count <= AudioLimits.maximumC2PAStore else {
            throw MediaError.make(.limitExceeded, "the C2PA chunk at byte \(chunk.range.lowerBound) is \(chunk.data.count) bytes, over the \(AudioLimits.maximumC2PAStore)-byte limit")
        }
        return try source.read(chunk.data)
    }

    /// Reads a `LIST` chunk's type and, for `INFO`, its text entries (`INAM`, `ICMT`…, where ffmpeg's
    /// `-metadata` puts the tags it knows). Returns the list type.
    static func readInfo(_ source: any ByteSource, _ chunk: RIFFChunk, into contents: inout MediaContents) throws -> String? {
        guard chunk.data.count >= 4 else { return nil }
        let type = String(decoding: try source.read(at: chunk.data.lowerBound, count: 4), as: UTF8.self)
        guard type == "INFO", chunk.data.count <= AudioLimits.maximumTextBlock else { return RIFFChunkParser.printable(type) }
        let data = try source.read(chunk.data)
        var position = 4
        while data.count - position >= 8 {
            let id = String(decoding: data[position..<position + 4], as: UTF8.self)
            let size = Int(RIFFChunkParser.readUInt32LE(data, at: position + 4))
            guard size <= data.count - position - 8 else {
                contents.warnings.append("the LIST/INFO entry \(RIFFChunkParser.printable(id)) at byte \(chunk.data.lowerBound + position) runs past its list")
                break
            }
            let value = data[(position + 8)..<(position + 8 + size)]
            contents.textEntries.append(TextEntry(keyword: id, text: String(decoding: value.prefix { $0 != 0 }, as: UTF8.self), chunk: .riffInfo))
            position += 8 + size + (size & 1)
        }
        return type
    }

    public func planRewrite(of source: any ByteSource, contents: MediaContents, applying edit: MetadataEdit) throws -> SplicePlan {
        let walk = try Self.walk(source)
        let newXMP: [UInt8]? = if case .replace(let packet) = edit.xmp { try RIFFChunkParser.chunk(Self.xmpChunk, data: packet) } else { nil }
        let label = edit.setTextEntries.last { $0.keyword == "AIGC" }
        let newLabel: [UInt8]? = try label.map { try RIFFChunkParser.chunk(Self.labelChunk, data: Array($0.text.utf8)) }
        let dropsLabels = label != nil || edit.removeTextKeywords.contains("AIGC")
        func isReplaced(_ fourCC: String) -> Bool {
            switch fourCC {
            case _ where Self.xmpChunks.contains(fourCC): return edit.xmp != .keep
            case Self.labelChunk: return dropsLabels
            case Self.storeChunk: return edit.c2paStore != .keep
            case "ds64": return walk.isRF64  // rewritten first, with the new size
            default: return false
            }
        }
        // New blocks take the place of the first block they replace, so stamping twice gives the same
        // bytes; those with no place go before a kept C2PA chunk (the store stays last) or at the end.
        var pending: [(fourCC: String, bytes: [UInt8])] = []
        if let newXMP { pending.append((Self.xmpChunk, newXMP)) }
        if let newLabel { pending.append((Self.labelChunk, newLabel)) }

        var body = SplicePlan()
        for chunk in walk.chunks {
            if isReplaced(chunk.fourCC) {
                if let index = pending.firstIndex(where: { $0.fourCC == chunk.fourCC || (Self.xmpChunks.contains(chunk.fourCC) && $0.fourCC == Self.xmpChunk) }) {
                    body.insert(pending.remove(at: index).bytes)
                }
                continue
            }
            if chunk.fourCC == Self.storeChunk {
                for block in pending { body.insert(block.bytes) }
                pending.removeAll()
            }
            body.copy(chunk.paddedRange)
            // A last chunk written without its pad byte gets one, since chunks may follow it now.
            if chunk.data.count & 1 == 1, chunk.paddedRange == chunk.range { body.insert([0]) }
        }
        for block in pending { body.insert(block.bytes) }
        var store: [UInt8]?
        if case .replace(let bytes) = edit.c2paStore {
            guard bytes.count <= Int(UInt32.max) - 1 else { throw MediaError.make(.limitExceeded, "a C2PA store of \(bytes.count) bytes does not fit a RIFF chunk") }
            store = bytes
        }
        let storeSize = store.map { 8 + $0.count + ($0.count & 1) } ?? 0

        // The header: RIFF with a 32-bit size, or RF64 with its ds64 chunk carrying the 64-bit one.
        var header = Array(walk.magic.utf8)
        var ds64Chunk: [UInt8] = []
        if let ds64 = walk.ds64 {
            ds64Chunk = Self.ds64Chunk(ds64, riffSize: 0)
        }
        let riffSize = 4 + ds64Chunk.count + body.count + storeSize
        if var ds64 = walk.ds64 {
            ds64.riffSize = UInt64(riffSize)
            ds64Chunk = Self.ds64Chunk(ds64, riffSize: UInt64(riffSize))
            RIFFChunkParser.appendUInt32LE(RIFFChunkParser.sizeInDS64, to: &header)
        } else {
            guard riffSize <= Int(UInt32.max) else {
                throw MediaError.make(.limitExceeded, "the rewritten WAV would exceed the 4 GB a RIFF size can declare (write it as RF64 first, e.g. ffmpeg -rf64 auto)")
            }
            RIFFChunkParser.appendUInt32LE(UInt32(riffSize), to: &header)
        }
        header += Array("WAVE".utf8)

        var plan = SplicePlan()
        plan.insert(header + ds64Chunk)
        for piece in body.pieces {
            switch piece {
            case .source(let range): plan.copy(range)
            case .bytes(let bytes): plan.insert(bytes)
            }
        }
        if let store {
            plan.insertC2PAStore(try framedC2PAStore(store))
            if store.count & 1 == 1 { plan.insert([0]) }
        }
        if walk.riffEnd < source.count { plan.copy(walk.riffEnd..<source.count) }
        return plan
    }

    /// A `ds64` chunk with `riffSize` and the rest as it was.
    static func ds64Chunk(_ ds64: RIFFWalk.DS64, riffSize: UInt64) -> [UInt8] {
        var data: [UInt8] = []
        RIFFChunkParser.appendUInt64LE(riffSize, to: &data)
        RIFFChunkParser.appendUInt64LE(ds64.dataSize, to: &data)
        RIFFChunkParser.appendUInt64LE(ds64.sampleCount, to: &data)
        RIFFChunkParser.appendUInt32LE(UInt32(ds64.table.count), to: &data)
        for entry in ds64.table {
            data += Array(entry.fourCC.utf8.prefix(4))
            RIFFChunkParser.appendUInt64LE(entry.size, to: &data)
        }
        return (try? RIFFChunkParser.chunk("ds64", data: data)) ?? []
    }
}
