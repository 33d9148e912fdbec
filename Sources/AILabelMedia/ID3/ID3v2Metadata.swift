/// The labels an ID3v2 tag carries, read into ``MediaContents`` and rewritten, for every container
/// that starts with one (MP3; FLAC, where C2PA 2.3 Annex A.3.4 puts the store in a prepended tag).
enum ID3v2Metadata {
    /// Lists the tag's frames as blocks and reads the XMP (`PRIV` `XMP`), the `TXXX` text fields and
    /// the C2PA store (`GEOB` `application/c2pa`) from them.
    static func read(_ tag: ID3v2Tag, into contents: inout MediaContents) throws {
        contents.blocks.append(MetadataBlock(
            kind: .header, name: "ID3v2.\(tag.majorVersion)", offset: 0, size: tag.range.count,
            detail: tag.isUnsynchronised ? "unsynchronised" : nil))
        for frame in tag.frames {
            var block = MetadataBlock(kind: .other, name: frame.id, offset: frame.fileRange.lowerBound, size: frame.fileRange.count)
            defer { contents.blocks.append(block) }
            guard let content = frame.content else {
                block.detail = "compressed or encrypted: not read"
                continue
            }
            switch frame.id {
            case "PRIV":
                guard let (owner, data) = ID3v2Frames.privateFrame(content), owner == ID3v2Frames.xmpOwner else { continue }
                block.kind = .xmp
                block.detail = "owner XMP"
                if contents.xmp == nil {
                    guard data.count <= XMPPacket.maximumPacketSize else {
                        throw MediaError.make(.limitExceeded, "the XMP in the PRIV frame at byte \(frame.fileRange.lowerBound) is over the \(XMPPacket.maximumPacketSize)-byte limit")
                    }
                    contents.xmp = Array(data)
                }
            case "TXXX":
                guard let (description, value) = ID3v2Frames.userText(content) else { continue }
                block.kind = .text
                block.detail = description == "AIGC" ? "TXXX:AIGC, TC260 label" : "TXXX:\(description)"
                contents.textEntries.append(TextEntry(keyword: description, text: value, chunk: .id3TXXX))
            case "GEOB":
                guard let object = ID3v2Frames.encapsulatedObject(content), ID3v2Frames.isC2PA(mimeType: object.mimeType) else { continue }
                block.kind = .c2pa
                block.detail = object.mimeType
                contents.c2paStoreCount += 1
                if contents.c2paStoreCount == 1 {
                    contents.c2paStore = Array(content[object.dataOffset...])
                    // c2pa-rs excludes the store's own bytes, found in the tag, not the frame header.
                    contents.c2paStoreRanges = frame.contentFileRange.map { [($0.lowerBound + object.dataOffset)..<$0.upperBound] } ?? []
                    if frame.contentFileRange == nil {
                        contents.warnings.append("the C2PA GEOB frame is unsynchronised: its bytes in the file are not the store's")
                    }
                } else {
                    contents.c2paStore = nil
                }
            default:
                break
            }
        }
    }

    /// The C2PA store's location from the tag alone (a structural pass: no label is read).
    static func locateStore(_ tag: ID3v2Tag?) -> C2PAStoreLocation {
        guard let tag else { return .none }
        var stores: [(store: [UInt8], range: Range<Int>?)] = []
        for frame in tag.frames where frame.id == "GEOB" {
            guard let content = frame.content, let object = ID3v2Frames.encapsulatedObject(content), ID3v2Frames.isC2PA(mimeType: object.mimeType)
            else { continue }
            stores.append((Array(content[object.dataOffset...]), frame.contentFileRange.map { ($0.lowerBound + object.dataOffset)..<$0.upperBound }))
        }
        guard let first = stores.first else { return .none }
        return C2PAStoreLocation(store: stores.count == 1 ? first.store : nil, ranges: stores.compactMap(\.range), storeCount: stores.count)
    }

    /// Plans a new tag applying `edit` to `tag` (nil: the file has none), unless the tag can be copied
    /// as it is. `labelInTag` says whether the TC260 label (`edit`'s `AIGC` entry) is
    /// written as a `TXXX:AIGC` frame (MP3) or elsewhere (FLAC's Vorbis comment): either way an old
    /// `TXXX:AIGC` is replaced or removed, so the file keeps one native label.
    ///
    /// The tag is written in its own version (2.3 or 2.4; 2.4 for a new one) without unsynchronisation,
    /// extended header, footer or padding; frames not changed are carried byte for byte; the C2PA
    /// `GEOB` frame goes last, as c2pa-rs adds it.
    ///
    /// Appends the new tag to `plan` and returns true, or returns false (the caller copies the old tag).
    static func planTag(_ tag: ID3v2Tag?, applying edit: MetadataEdit, labelInTag: Bool, into plan: inout SplicePlan) throws -> Bool {
        let label = edit.setTextEntries.last { $0.keyword == "AIGC" }
        let dropsLabel = label != nil || edit.removeTextKeywords.contains("AIGC")
        let writesLabel = labelInTag && label != nil
        let hasLabelFrame = tag?.frames.contains { isUserText($0, "AIGC") } ?? false
        guard edit.xmp != .keep || edit.c2paStore != .keep || writesLabel || (dropsLabel && hasLabelFrame) else { return false }
        if tag == nil, edit.c2paStore == .keep || edit.c2paStore == .remove, edit.xmp == .keep || edit.xmp == .remove, !writesLabel { return false }
        let major = tag?.majorVersion ?? 4
        guard major >= 3 else {
            throw MediaError.make(.unsupportedFormat, "the file's ID3v2.2 tag cannot be rewritten (ailabel writes 2.3 and 2.4 tags); convert it to ID3v2.4 first")
        }
        var newXMP: [UInt8]? = if case .replace(let packet) = edit.xmp { try ID3v2Frames.privateFrame(owner: ID3v2Frames.xmpOwner, data: packet, major: major) } else { nil }
        var newLabel: [UInt8]? = try label.flatMap { writesLabel ? try ID3v2Frames.userTextFrame(description: "AIGC", value: $0.text, major: major) : nil }

        var frames: [UInt8] = []
        for frame in tag?.frames ?? [] {
            let content = frame.content
            if frame.id == "PRIV", let content, ID3v2Frames.privateFrame(content)?.owner == ID3v2Frames.xmpOwner, edit.xmp != .keep {
                if let bytes = newXMP { frames += bytes; newXMP = nil }
                continue
            }
            if dropsLabel, isUserText(frame, "AIGC") {
                if let bytes = newLabel { frames += bytes; newLabel = nil }
                continue
            }
            if frame.id == "GEOB", let content, let object = ID3v2Frames.encapsulatedObject(content), ID3v2Frames.isC2PA(mimeType: object.mimeType),
                edit.c2paStore != .keep
            {
                continue
            }
            var raw = frame.raw
            // 2.4: frames the old header declared unsynchronised keep saying so themselves.
            if major == 4, tag?.isUnsynchronised == true, raw.count >= 10 { raw[9] |= 0x02 }
            frames += raw
        }
        if let newXMP { frames += newXMP }
        if let newLabel { frames += newLabel }

        var storeHeader: [UInt8] = []
        var store: [UInt8]?
        if case .replace(let bytes) = edit.c2paStore {
            store = bytes
            storeHeader = try ID3v2Frames.c2paObjectPrefix(storeCount: bytes.count, major: major)
        }
        let size = frames.count + storeHeader.count + (store?.count ?? 0)
        guard size < 1 << 28 else { throw MediaError.make(.limitExceeded, "the rewritten ID3v2 tag would be \(size) bytes, over the format's 256 MB") }
        plan.insert(Array("ID3".utf8) + [major, 0, 0] + ID3v2Frames.synchsafeBytes(size) + frames + storeHeader)
        if let store { plan.insertC2PAStore(store) }
        return true
    }

    static func isUserText(_ frame: ID3v2Frame, _ description: String) -> Bool {
        frame.id == "TXXX" && frame.content.flatMap(ID3v2Frames.userText)?.description == description
    }
}
