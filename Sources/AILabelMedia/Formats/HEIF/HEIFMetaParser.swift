extension HEIFMeta {
    /// The largest `meta` box read (it holds item descriptions, not image data, except a rare `idat`).
    static let maximumMetaSize = 64 << 20

    /// Reads the `meta` box at `metaIndex` of `tree`; `bytes` are the box's own bytes (header included).
    init(tree: BMFFTree, metaIndex: Int, bytes: [UInt8]) throws {
        let meta = tree.boxes[metaIndex]
        let base = meta.range.lowerBound
        func payload(_ box: BMFFBox) -> ArraySlice<UInt8> { bytes[box.payloadStart - base..<box.range.upperBound - base] }
        var itemInfoSeen = false
        for child in meta.children {
            let box = tree.boxes[child]
            switch box.type {
            case .pitm:
                var reader = BoxPayloadReader(payload(box), what: "the pitm box at byte \(box.range.lowerBound)")
                primaryItem = box.version == 0 ? UInt32(try reader.uint16()) : try reader.uint32()
            case .iinf:
                // One at most (ISO/IEC 14496-12 8.11.6); a second would be rewritten twice, each with the references.
                guard !itemInfoSeen else { throw MediaError.make(.malformed, "the meta box holds two iinf boxes") }
                itemInfoSeen = true
                try readItemInfo(box, payload(box))
            case .iloc:
                guard location == nil else { throw MediaError.make(.malformed, "the meta box holds two iloc boxes") }
                location = try HEIFItemLocation(payload: payload(box), version: box.version ?? 0, at: box.range.lowerBound)
            case .iref:
                guard references == nil else { throw MediaError.make(.malformed, "the meta box holds two iref boxes") }
                references = try HEIFItemReferences(payload: payload(box), version: box.version ?? 0, at: box.range.lowerBound)
            case .iprp:
                try readProperties(payload(box), at: box.range.lowerBound)
            case .idat:
                itemData = box.payloadStart..<box.range.upperBound
            default:
                break
            }
        }
    }

    /// `iinf`: an entry count, then that many `infe` boxes.
    mutating func readItemInfo(_ box: BMFFBox, _ payload: ArraySlice<UInt8>) throws {
        itemInfoVersion = box.version ?? 0
        var reader = BoxPayloadReader(payload, what: "the iinf box at byte \(box.range.lowerBound)")
        let count = itemInfoVersion == 0 ? Int(try reader.uint16()) : Int(try reader.uint32())
        guard count <= Self.maximumItems else {
            throw MediaError.make(.limitExceeded, "the iinf box at byte \(box.range.lowerBound) lists \(count) items, more than \(Self.maximumItems)")
        }
        let fileBase = box.payloadStart - payload.startIndex
        // Item IDs are unique (ISO/IEC 14496-12 8.11.6): two entries with one ID made one item both image
        // data and the XMP packet a rewrite replaces (the fuzzer's: an `Exfi` and a `mime` item 2).
        var described: [UInt32: Int] = [:]
        for _ in 0..<count {
            let headerStart = reader.position
            let size = Int(try reader.uint32())
            let type = FourCC(try reader.take(4))
            guard size >= 12, size - 8 <= reader.remaining else {
                throw MediaError.make(.truncated, "an item entry at byte \(fileBase + headerStart) declares \(size) bytes, more than the iinf box holds")
            }
            let body = try reader.take(size - 8)
            guard type == .infe else { continue }
            var entry = BoxPayloadReader(body, what: "the item entry at byte \(fileBase + headerStart)")
            let version = try entry.uint8()
            _ = try entry.take(3)
            var info = HEIFItemInfo(id: 0, type: FourCC(0), name: "", contentType: "", box: fileBase + headerStart..<fileBase + headerStart + size)
            if version < 2 {
                info.id = UInt32(try entry.uint16())
                _ = try entry.uint16()
                info.name = entry.cString()
                info.contentType = entry.cString()
            } else {
                info.id = version == 2 ? UInt32(try entry.uint16()) : try entry.uint32()
                _ = try entry.uint16()
                info.type = FourCC(try entry.take(4))
                info.name = entry.cString()
                if info.type == "mime" { info.contentType = entry.cString() }
            }
            if let earlier = described.updateValue(fileBase + headerStart, forKey: info.id) {
                throw MediaError.make(
                    .malformed, "iinf: item \(info.id) is described twice (the entries at bytes \(earlier) and \(fileBase + headerStart))")
            }
            items.append(info)
        }
    }

    /// `iprp`: the `ipco` properties and the `ipma` associations.
    mutating func readProperties(_ payload: ArraySlice<UInt8>, at offset: Int) throws {
        var position = payload.startIndex
        while payload.endIndex - position >= 8 {
            let size = Int(BigEndian.uint32(Array(payload[position..<position + 4]), 0))
            let type = FourCC(payload[position + 4..<position + 8])
            guard size >= 8, size <= payload.endIndex - position else {
                throw MediaError.make(.truncated, "a box in the iprp box at byte \(offset) declares \(size) bytes, more than remain")
            }
            let body = payload[position + 8..<position + size]
            if type == .ipco {
                var inner = body.startIndex
                while body.endIndex - inner >= 8 {
                    let propertySize = Int(BigEndian.uint32(Array(body[inner..<inner + 4]), 0))
                    guard propertySize >= 8, propertySize <= body.endIndex - inner else {
                        throw MediaError.make(.truncated, "a property in the ipco box declares \(propertySize) bytes, more than remain")
                    }
                    properties.append((FourCC(body[inner + 4..<inner + 8]), body[inner + 8..<inner + propertySize]))
                    guard properties.count <= Self.maximumItems * 4 else {
                        throw MediaError.make(.limitExceeded, "the ipco box holds more than \(Self.maximumItems * 4) properties")
                    }
                    inner += propertySize
                }
            } else if type == .ipma {
                var reader = BoxPayloadReader(body, what: "the ipma box")
                let version = try reader.uint8()
                let flags = try reader.uint(3)
                let count = Int(try reader.uint32())
                guard count <= Self.maximumItems else { throw MediaError.make(.limitExceeded, "the ipma box lists \(count) items, more than \(Self.maximumItems)") }
                for _ in 0..<count {
                    let id = version < 1 ? UInt32(try reader.uint16()) : try reader.uint32()
                    let associationCount = Int(try reader.uint8())
                    var list: [HEIFPropertyAssociation] = []
                    for _ in 0..<associationCount {
                        if flags & 1 == 1 {
                            let value = try reader.uint16()
                            list.append(HEIFPropertyAssociation(index: Int(value & 0x7FFF), essential: value & 0x8000 != 0))
                        } else {
                            let value = try reader.uint8()
                            list.append(HEIFPropertyAssociation(index: Int(value & 0x7F), essential: value & 0x80 != 0))
                        }
                    }
                    associations[id, default: []] += list.map(\.index)
                    associationEntries.append((id, list))
                }
            }
            position += size
        }
    }

    /// The byte ranges of an item's data in the file (construction method 0 or 1), checked to lie
    /// inside the file; nil for items built from other items (method 2) or stored in another file.
    func fileRanges(of itemID: UInt32, fileSize: Int) throws -> [Range<Int>]? {
        guard let entry = location?.entry(for: itemID) else { return nil }
        guard entry.dataReferenceIndex == 0 else { return nil }
        let origin: Int
        let limit: Int
        switch entry.constructionMethod {
        case 0:
            (origin, limit) = (0, fileSize)
        case 1:
            guard let itemData else { throw MediaError.make(.malformed, "item \(itemID) is stored in an idat box the meta box does not have") }
            (origin, limit) = (itemData.lowerBound, itemData.upperBound)
        default:
            return nil
        }
        // The bytes the extents may address: the file, or the idat box's payload.
        let span = UInt64(max(0, limit - origin))
        return try entry.extents.map { extent in
            let (start, overflow) = entry.baseOffset.addingReportingOverflow(extent.offset)
            // A lone extent of length 0 runs to the end of the span; one that starts past the span is
            // refused below (the length is not computed from it: that subtraction went negative, a trap).
            let length = extent.length == 0 && entry.extents.count == 1 ? span - min(start, span) : extent.length
            guard !overflow, start <= span, length <= span - start else {
                throw MediaError.make(.malformed, "iloc: item \(itemID)'s extent at offset \(start), \(length) bytes, lies outside the \(entry.constructionMethod == 0 ? "file" : "idat box")")
            }
            return origin + Int(start)..<origin + Int(start) + Int(length)
        }
    }
}
