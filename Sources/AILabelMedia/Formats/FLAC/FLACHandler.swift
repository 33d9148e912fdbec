/// FLAC: `fLaC`, metadata blocks (STREAMINFO first), then audio frames. The TC260 label is a Vorbis
/// comment `AIGC` (where `ffmpeg -metadata AIGC=…` and `metaflac` put it). FLAC has no XMP block, so
/// XMP and the C2PA store live in an ID3v2 tag prepended to the stream, as C2PA 2.3 Annex A.3.4 and
/// c2pa-rs (`flac_io.rs`) do: XMP in a `PRIV` frame owned by `XMP`, the store in a `GEOB` frame.
///
/// Parsing reads the tag, the block headers and the VORBIS_COMMENT block; a rewrite writes a new tag
/// and block headers and copies every block's data and the audio frames as ranges of the source.
public struct FLACHandler: AssetHandler {
    public init() {}

    public var declaration: FormatDeclaration { Self.declaration }

    public func parse(_ source: any ByteSource) throws -> MediaContents {
        guard source.count > 0 else { throw MediaError.make(.empty, "the file is empty") }
        var contents = MediaContents(format: .flac, width: 0, height: 0)
        let tag = try ID3v2Tag.parse(source)
        if let tag { try ID3v2Metadata.read(tag, into: &contents) }
        let start = tag?.range.upperBound ?? 0
        let blocks = try FLACMetadataBlock.walk(source, markerAt: start)
        contents.blocks.append(MetadataBlock(kind: .header, name: "fLaC", offset: start, size: 4))
        for block in blocks {
            var entry = MetadataBlock(kind: .other, name: block.name, offset: block.range.lowerBound, size: block.range.count)
            switch block.type {
            case FLACMetadataBlock.streamInfo:
                entry.kind = .header
                // Only the first block is the stream's (the walk proved it 34 bytes); a second is listed, not read.
                guard block == blocks[0] else {
                    contents.warnings.append("a second STREAMINFO block at byte \(block.range.lowerBound) is ignored")
                    break
                }
                contents.coding = Self.coding(streamInfo: try source.read(block.data.prefix(34)))
                entry.detail = contents.audioCoding?.summary
            case FLACMetadataBlock.vorbisComment:
                entry.kind = .text
                guard block.data.count <= XMPPacket.maximumPacketSize else {
                    contents.warnings.append("the VORBIS_COMMENT block at byte \(block.range.lowerBound) is \(block.data.count) bytes: not read (over \(XMPPacket.maximumPacketSize))")
                    break
                }
                let comment = try VorbisComment(try source.read(block.data))
                for (name, value) in comment.entries {
                    contents.textEntries.append(TextEntry(keyword: name, text: value, chunk: .vorbisComment))
                }
                if comment.entries.contains(where: { $0.name == "AIGC" }) { entry.detail = "AIGC, TC260 label" }
            default:
                break
            }
            contents.blocks.append(entry)
        }
        let frames = blocks.last!.range.upperBound..<source.count
        // The frames are the media data, not a block (no length field says where they end).
        contents.imageDataRanges = [frames]
        return contents
    }

    /// STREAMINFO's sample rate (20 bits), channels (3), bits per sample (5) and total samples (36).
    static func coding(streamInfo data: [UInt8]) -> AudioCoding {
        guard data.count >= 18 else { return AudioCoding(codec: "flac", channels: 0, sampleRate: 0) }
        let packed = data[10..<18].reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        let sampleRate = Int(packed >> 44)
        let channels = Int(packed >> 41 & 0x7) + 1
        let bits = Int(packed >> 36 & 0x1F) + 1
        let samples = packed & 0xF_FFFF_FFFF
        var coding = AudioCoding(codec: "flac", channels: channels, sampleRate: sampleRate, bitsPerSample: bits)
        if samples > 0, sampleRate > 0 {
            coding.durationSeconds = Double(samples) / Double(sampleRate)
            coding.durationSource = "STREAMINFO sample count"
        }
        return coding
    }

    public func imageDataRanges(in source: any ByteSource) throws -> [Range<Int>] {
        let blocks = try FLACMetadataBlock.walk(source, markerAt: try ID3v2Tag.parse(source)?.range.upperBound ?? 0)
        return [blocks.last!.range.upperBound..<source.count]
    }

    public func planRewrite(of source: any ByteSource, contents: MediaContents, applying edit: MetadataEdit) throws -> SplicePlan {
        let tag = try ID3v2Tag.parse(source)
        let start = tag?.range.upperBound ?? 0
        let blocks = try FLACMetadataBlock.walk(source, markerAt: start)
        var plan = SplicePlan()
        if try !ID3v2Metadata.planTag(tag, applying: edit, labelInTag: false, into: &plan) {
            plan.copy(0..<start)
        }
        plan.copy(start..<start + 4)

        let label = edit.setTextEntries.last { $0.keyword == "AIGC" }
        let changesLabel = label != nil || edit.removeTextKeywords.contains("AIGC")
        // The blocks as written: (type, data as a source range or new bytes).
        var out: [(type: UInt8, data: SplicePlan.Piece)] = blocks.map { ($0.type, .source($0.data)) }
        if changesLabel {
            let newField = label.map { Array("AIGC=".utf8) + Array($0.text.utf8) }
            if let index = blocks.firstIndex(where: { $0.type == FLACMetadataBlock.vorbisComment }) {
                guard blocks[index].data.count <= XMPPacket.maximumPacketSize else {
                    throw MediaError.make(.limitExceeded, "the VORBIS_COMMENT block is \(blocks[index].data.count) bytes, over the \(XMPPacket.maximumPacketSize)-byte limit for a rewrite")
                }
                var comment = try VorbisComment(try source.read(blocks[index].data))
                // The label replaces the first AIGC field in place; other AIGC fields go.
                var replaced = false
                comment.fields = comment.fields.compactMap { field in
                    guard comment.isField(field, named: "AIGC") else { return field }
                    guard let newField, !replaced else { return nil }
                    replaced = true
                    return newField
                }
                if let newField, !replaced { comment.fields.append(newField) }
                out[index].data = .bytes(comment.serialized)
            } else if let newField {
                out.insert((FLACMetadataBlock.vorbisComment, .bytes(VorbisComment(vendor: Array("ailabel".utf8), fields: [newField]).serialized)), at: 1)
            }
        }
        for (index, block) in out.enumerated() {
            plan.insert(try FLACMetadataBlock.header(type: block.type, isLast: index == out.count - 1, length: block.data.count))
            switch block.data {
            case .source(let range): plan.copy(range)
            case .bytes(let bytes): plan.insert(bytes)
            }
        }
        plan.copy(blocks.last!.range.upperBound..<source.count)
        return plan
    }

    public func locateC2PAStore(in source: any ByteSource) throws -> C2PAStoreLocation {
        ID3v2Metadata.locateStore(try ID3v2Tag.parse(source))
    }

    /// The store's bytes are the exclusion (c2pa-rs excludes the `GEOB` frame's data, not its header).
    public func framedC2PAStore(_ store: [UInt8]) throws -> [UInt8] { store }
}
