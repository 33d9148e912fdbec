/// JPEG: metadata lives in APPn and COM marker segments before the first scan.
///
/// Reading walks the marker segments (``JPEGSegmentParser``); writing splices segments at the byte level
/// and copies everything else, entropy-coded data included, unchanged.
public struct JPEGHandler: AssetHandler {
    public init() {}

    public var declaration: FormatDeclaration { Self.declaration }

    /// ICC profiles larger than this are refused (the largest real profiles are a few MB).
    static let maximumICCParts = 255

    public func parse(_ source: any ByteSource) throws -> MediaContents {
        let (segments, trailing) = try JPEGSegmentParser.parse(source)
        return try contents(of: source, segments: segments, trailing: trailing)
    }

    public func imageDataRanges(in bytes: [UInt8]) throws -> [Range<Int>] { try imageDataRanges(in: bytes as any ByteSource) }

    public func imageDataRanges(in source: any ByteSource) throws -> [Range<Int>] {
        try JPEGSegmentParser.parse(source).segments.filter(\.isEntropyCodedData).map(\.range)
    }

    /// Whether `parse` reads a segment's payload: the metadata segments and the few headers whose
    /// fields `MediaContents` reports. Scan headers, Huffman tables and entropy-coded data are not read.
    static func readsPayload(_ marker: UInt8) -> Bool {
        (0xE0...0xEF).contains(marker) || marker == JPEGSegment.com || marker == JPEGSegment.dqt || JPEGSegment.isStartOfFrame(marker)
    }

    func contents(of source: any ByteSource, segments: [JPEGSegment], trailing: Range<Int>?) throws -> MediaContents {
        var contents = MediaContents(format: .jpeg, width: 0, height: 0)
        var extendedParts: [String: [(offset: Int, total: Int, data: ArraySlice<UInt8>)]] = [:]
        var iccParts: [(sequence: Int, data: ArraySlice<UInt8>)] = []
        var boxParts: [(segment: Int, payload: ArraySlice<UInt8>)] = []
        var roles = [JPEGStructure.Role](repeating: .other, count: segments.count)
        var lumaTable: [Int]?
        var scans = 0
        var window = ByteWindow(source)

        for (index, segment) in segments.enumerated() {
            let payload: ArraySlice<UInt8> = Self.readsPayload(segment.marker) ? (try window.bytes(segment.payload) ?? [])[...] : []
            var block = MetadataBlock(
                kind: .other, name: JPEGSegment.name(of: segment.marker), offset: segment.range.lowerBound,
                size: segment.range.count)
            switch segment.marker {
            case 0:
                block.kind = .imageData
                contents.imageDataRanges.append(segment.range)
            case JPEGSegment.soi:
                block.kind = .header
            case JPEGSegment.eoi:
                block.kind = .end
            case JPEGSegment.sos:
                block.kind = .scan
                scans += 1
            case JPEGSegment.dqt:
                block.kind = .quantization
                if lumaTable == nil { lumaTable = JPEGQuality.firstTable(in: payload) }
            case JPEGSegment.dht:
                block.kind = .huffman
            case 0xD0...0xD7:
                block.kind = .restart
            case JPEGSegment.com:
                block.kind = .comment
                contents.comments.append(decodeText(payload))
            case JPEGSegment.app0:
                block.kind = payload.starts(with: JPEGIdentifier.jfif) || payload.starts(with: JPEGIdentifier.jfxx) ? .jfif : .other
            case JPEGSegment.app1:
                if payload.starts(with: JPEGIdentifier.exif) {
                    block.kind = .exif
                    roles[index] = .exif
                    if contents.exif == nil { contents.exif = Array(payload.dropFirst(JPEGIdentifier.exif.count)) }
                } else if payload.starts(with: JPEGIdentifier.xmp) {
                    block.kind = .xmp
                    roles[index] = .xmp
                    if contents.xmp == nil { contents.xmp = Array(payload.dropFirst(JPEGIdentifier.xmp.count)) }
                } else if payload.starts(with: JPEGIdentifier.extendedXMP) {
                    block.kind = .extendedXMP
                    roles[index] = .xmp
                    var cursor = ByteCursor(payload.dropFirst(JPEGIdentifier.extendedXMP.count))
                    if let guid = cursor.readBytes(32), let total = cursor.readUInt32BE(), let offset = cursor.readUInt32BE() {
                        let key = String(decoding: guid, as: UTF8.self)
                        block.detail = "GUID \(key), offset \(offset)"
                        extendedParts[key, default: []].append(
                            (Int(offset), Int(total), cursor.bytes[cursor.position...]))
                    } else {
                        contents.warnings.append("an Extended XMP segment at byte \(segment.range.lowerBound) is too short")
                    }
                }
            case JPEGSegment.app2 where payload.starts(with: JPEGIdentifier.icc):
                block.kind = .icc
                roles[index] = .icc
                let rest = payload.dropFirst(JPEGIdentifier.icc.count)
                if rest.count >= 2 {
                    iccParts.append((Int(rest[rest.startIndex]), rest.dropFirst(2)))
                }
            case JPEGSegment.app11 where payload.starts(with: JPEGIdentifier.jpegXT):
                block.kind = .jumbf
                boxParts.append((index, payload))
                var cursor = ByteCursor(payload.dropFirst(2))
                if let instance = cursor.readUInt16BE(), let sequence = cursor.readUInt32BE() {
                    block.detail = "box instance \(instance), sequence \(sequence)"
                }
            case JPEGSegment.app13 where IPTCIIM.isPhotoshopSegment(payload):
                block.kind = .photoshop
                let (datasets, warning) = IPTCIIM.datasets(inAPP13: payload)
                if contents.iptc.count + datasets.count <= IPTCIIM.maximumDatasets { contents.iptc += datasets }
                if !datasets.isEmpty { block.detail = "IPTC IIM, \(CountPhrase.of(datasets.count, "dataset"))" }
                if let warning { contents.warnings.append("\(warning) (APP13 at byte \(segment.range.lowerBound))") }
            case JPEGSegment.app14 where payload.starts(with: JPEGIdentifier.adobe):
                block.kind = .adobe
            case let marker where JPEGSegment.isStartOfFrame(marker):
                block.kind = .frame
                var cursor = ByteCursor(payload)
                guard let precision = cursor.readUInt8(), let height = cursor.readUInt16BE(), let width = cursor.readUInt16BE(),
                    let components = cursor.readUInt8()
                else {
                    throw MediaError.make(.malformed, "the frame header \(block.name) at byte \(segment.range.lowerBound) is too short")
                }
                var samplingH = 1
                var samplingV = 1
                if components > 0, cursor.skip(1), let sampling = cursor.readUInt8() {
                    samplingH = Int(sampling >> 4)
                    samplingV = Int(sampling & 0x0F)
                }
                if contents.jpegCoding == nil {
                    contents.width = Int(width)
                    contents.height = Int(height)
                    contents.jpegCoding = JPEGCoding(
                        progressive: marker == 0xC2 || marker == 0xC6 || marker == 0xCA || marker == 0xCE,
                        components: Int(components), samplingH: samplingH, samplingV: samplingV, estimatedQuality: nil)
                }
                block.detail = "\(width)×\(height), \(components) component(s), \(precision)-bit"
            default:
                break
            }
            contents.blocks.append(block)
        }
        if let trailing {
            contents.blocks.append(MetadataBlock(kind: .trailing, name: "trailing", offset: trailing.lowerBound, size: trailing.count))
            contents.warnings.append("\(trailing.count) bytes follow the EOI marker")
        }
        guard contents.jpegCoding != nil else {
            throw MediaError.make(.malformed, "the JPEG has no frame header (SOFn)")
        }
        guard scans > 0 else { throw MediaError.make(.malformed, "the JPEG has no scan (SOS)") }
        contents.jpegCoding?.estimatedQuality = lumaTable.map(JPEGQuality.estimate(lumaTable:))

        contents.extendedXMP = reassembleExtendedXMP(extendedParts, main: contents.xmp, warnings: &contents.warnings)
        contents.icc = reassembleICC(iccParts)

        var storeCount = 0
        let groups = JPEGBoxGroup.groups(boxParts.map { (segments[$0.segment].range, $0.payload) })
        for group in groups {
            guard group.label == "c2pa" else { continue }
            storeCount += 1
            guard storeCount == 1 else { continue }
            contents.c2paStore = group.reassembled()
            if contents.c2paStore == nil {
                contents.warnings.append("the C2PA store's APP11 segments are out of sequence or incomplete")
            }
            contents.c2paStoreRanges = Self.mergedRanges(group.parts.map(\.range))
        }
        contents.c2paStoreCount = storeCount
        // Sorted once and searched: a file may interleave 50,000 store segments with 50,000 others.
        let storeRanges = contents.c2paStoreRanges.sorted { $0.lowerBound < $1.lowerBound }
        for index in contents.blocks.indices where contents.blocks[index].kind == .jumbf {
            let offset = contents.blocks[index].offset
            if RangeSpans.span(holding: offset, in: storeRanges) != nil { contents.blocks[index].kind = .c2pa }
        }
        if storeCount > 0 {
            // Every APP11 group labelled c2pa is the store's, not only the first: a rewrite leaves at most one
            // store. A group is known by the segment that opens it, whatever its sequence number (see JPEGBoxGroup).
            var c2paInstances = Set<UInt16>()
            for part in boxParts {
                var cursor = ByteCursor(part.payload.dropFirst(2))
                if let instance = cursor.readUInt16BE(), cursor.readUInt32BE() != nil,
                    JUMBFPeek.superboxLabel(cursor.bytes[cursor.position...]) == "c2pa"
                {
                    c2paInstances.insert(instance)
                }
            }
            for part in boxParts {
                var cursor = ByteCursor(part.payload.dropFirst(2))
                let range = segments[part.segment].range
                if RangeSpans.span(holding: range.lowerBound, in: storeRanges) != nil
                    || cursor.readUInt16BE().map(c2paInstances.contains) == true
                {
                    roles[part.segment] = .c2pa
                }
            }
        }
        contents.structure = JPEGStructure(sourceCount: source.count, segments: segments, roles: roles, trailing: trailing)
        return contents
    }

    /// Plans the rewrite from the structure `parse` recorded: segments are copied as source ranges,
    /// entropy-coded data included, and only new segments are bytes of their own.
    public func planRewrite(of source: any ByteSource, contents: MediaContents, applying edit: MetadataEdit) throws -> SplicePlan {
        let structure: JPEGStructure
        if let recorded = contents.structure as? JPEGStructure, recorded.sourceCount == source.count {
            structure = recorded
        } else {
            structure = try parse(source).structure as! JPEGStructure
        }
        let segments = structure.segments
        let roles = structure.roles
        func isXMP(_ index: Int) -> Bool { roles[index] == .xmp }
        func isEXIF(_ index: Int) -> Bool { roles[index] == .exif }
        func isICC(_ index: Int) -> Bool { roles[index] == .icc }
        func isC2PA(_ index: Int) -> Bool { roles[index] == .c2pa }

        let newStore: [UInt8]? = if case .replace(let store) = edit.c2paStore { try JPEGSegmentWriter.c2paStore(store) } else { nil }
        let newEXIF: [UInt8]? = if case .replace(let tiff) = edit.exif { try JPEGSegmentWriter.exif(tiff) } else { nil }
        let newXMP: [UInt8]? = if case .replace(let packet) = edit.xmp { try JPEGSegmentWriter.xmp(packet) } else { nil }
        var pendingICC: [UInt8]? = if case .replace(let profile) = edit.icc { try JPEGSegmentWriter.icc(profile) } else { nil }
        var pendingComments: [UInt8]? = try edit.comments.map { comments in
            try comments.reduce(into: [UInt8]()) { out, comment in out += try JPEGSegmentWriter.segment(marker: JPEGSegment.com, payload: Array(comment.utf8)) }
        }

        // The C2PA store goes right after SOI and any APP0 (JFIF/JFXX), where c2pa-rs looks for it; EXIF
        // follows (readers expect it near the start); XMP comes after EXIF.
        var headerEnd = 1
        while headerEnd < segments.count, segments[headerEnd].marker == JPEGSegment.app0 { headerEnd += 1 }
        let firstEXIF = edit.exif == .keep ? nil : segments.indices.first(where: isEXIF)
        let hasEXIFAfterEdit = segments.indices.contains(where: isEXIF) && edit.exif == .keep || newEXIF != nil
        let firstXMP = edit.xmp == .keep ? nil : segments.indices.first(where: isXMP)
        let lastKeptEXIF = edit.exif == .keep ? segments.indices.last(where: isEXIF) : nil

        var plan = SplicePlan()
        var keptStoreRange: Range<Int>?
        var pendingXMP = newXMP
        /// Where the entropy-coded data last written ends.
        var scanDataEnd = -1

        func emitXMPIfPending() {
            if let xmp = pendingXMP {
                plan.insert(xmp)
                pendingXMP = nil
            }
        }
        for (index, segment) in segments.enumerated() {
            // New blocks that go right after SOI and APP0 come first, before any branch below can skip
            // the segment found there (a replaced COM or ICC segment; found by fuzzing, Fixtures/fuzz/jpeg).
            if index == headerEnd {
                if let newStore { plan.insertC2PAStore(newStore) }
                if let newEXIF, firstEXIF == nil {
                    plan.insert(newEXIF)
                    if firstXMP == nil { emitXMPIfPending() }
                }
                if !hasEXIFAfterEdit, firstXMP == nil { emitXMPIfPending() }
            }
            // A new ICC profile goes just before the first segment that is not APPn or COM (DQT, SOF…).
            if let icc = pendingICC, index >= headerEnd, !(0xE0...0xEF).contains(segment.marker), segment.marker != JPEGSegment.com {
                plan.insert(icc)
                pendingICC = nil
            }
            if isICC(index), edit.icc != .keep { continue }
            // New comments go where the first comment was, else before the first segment that is not APPn (DQT, SOF…).
            if segment.marker == JPEGSegment.com, edit.comments != nil {
                if let comments = pendingComments {
                    plan.insert(comments)
                    pendingComments = nil
                }
                continue
            }
            if let comments = pendingComments, index >= headerEnd, !(0xE0...0xEF).contains(segment.marker) {
                plan.insert(comments)
                pendingComments = nil
            }
            if isC2PA(index) {
                guard edit.c2paStore == .keep else { continue }
                let start = plan.count
                plan.copy(segment.range)
                if let existing = keptStoreRange, existing.upperBound == start {
                    keptStoreRange = existing.lowerBound..<plan.count
                } else if keptStoreRange == nil {
                    keptStoreRange = start..<plan.count
                }
                continue
            }
            if isEXIF(index), edit.exif != .keep {
                if index == firstEXIF, let newEXIF {
                    plan.insert(newEXIF)
                    if firstXMP == nil { emitXMPIfPending() }
                }
                continue
            }
            if isXMP(index), edit.xmp != .keep {
                if index == firstXMP { emitXMPIfPending() }
                continue
            }
            // A restart marker outside a scan is no part of the image, but written right after a scan's
            // data (once the segment between them is gone) it would join that scan and change the image
            // data: it is dropped there (found by fuzzing, Fixtures/fuzz/jpeg).
            if (0xD0...0xD7).contains(segment.marker), plan.count == scanDataEnd { continue }
            plan.copy(segment.range)
            if segment.marker == 0 { scanDataEnd = plan.count }
            if index == lastKeptEXIF, firstXMP == nil { emitXMPIfPending() }
        }
        if let trailingStart = segments.last?.range.upperBound, trailingStart < source.count {
            plan.copy(trailingStart..<source.count)
        }
        if let keptStoreRange, newStore == nil { plan.noteCopiedC2PAStore(keptStoreRange) }
        return plan
    }

    private func decodeText(_ bytes: ArraySlice<UInt8>) -> String {
        let trimmed = bytes.last == 0 ? bytes.dropLast() : bytes
        if let text = String(validating: trimmed, as: UTF8.self) { return text }
        return String(trimmed.map { Character(Unicode.Scalar($0)) })
    }

    private func reassembleExtendedXMP(
        _ parts: [String: [(offset: Int, total: Int, data: ArraySlice<UInt8>)]], main: [UInt8]?, warnings: inout [String]
    ) -> [UInt8]? {
        guard !parts.isEmpty else { return nil }
        // The main packet names the GUID it belongs with; other GUIDs are leftovers of an older edit.
        let wanted = main.flatMap { XMPPacket.extendedGUID(inMainPacket: $0) }
        guard let key = wanted ?? parts.keys.sorted().first, let pieces = parts[key], let total = pieces.first?.total else {
            warnings.append("Extended XMP is present but the main packet names no matching GUID")
            return nil
        }
        guard total <= XMPPacket.maximumPacketSize, pieces.allSatisfy({ $0.total == total }) else {
            warnings.append("Extended XMP declares an inconsistent or oversized length")
            return nil
        }
        var buffer = [UInt8](repeating: 0, count: total)
        var covered = 0
        for piece in pieces.sorted(by: { $0.offset < $1.offset }) {
            guard piece.offset >= 0, piece.offset + piece.data.count <= total else {
                warnings.append("an Extended XMP part lies outside the declared length")
                return nil
            }
            buffer.replaceSubrange(piece.offset..<piece.offset + piece.data.count, with: piece.data)
            covered += piece.data.count
        }
        guard covered == total else {
            warnings.append("Extended XMP parts do not cover the declared length (\(covered) of \(total) bytes)")
            return nil
        }
        return buffer
    }

    private func reassembleICC(_ parts: [(sequence: Int, data: ArraySlice<UInt8>)]) -> [UInt8]? {
        guard !parts.isEmpty, parts.count <= Self.maximumICCParts else { return nil }
        return parts.sorted { $0.sequence < $1.sequence }.reduce(into: [UInt8]()) { $0.append(contentsOf: $1.data) }
    }

    static func mergedRanges(_ ranges: [Range<Int>]) -> [Range<Int>] {
        var merged: [Range<Int>] = []
        for range in ranges.sorted(by: { $0.lowerBound < $1.lowerBound }) {
            if let last = merged.last, last.upperBound == range.lowerBound {
                merged[merged.count - 1] = last.lowerBound..<range.upperBound
            } else {
                merged.append(range)
            }
        }
        return merged
    }
}

/// What `parse` learnt of a JPEG's layout, for `planRewrite`: every segment in order and what each is.
struct JPEGStructure: Sendable {
    enum Role: Sendable, Hashable {
        case other, xmp, exif, icc
        /// An APP11 segment of a group labelled `c2pa`.
        case c2pa
    }

    /// The size of the source parsed (a plan over another source walks it again).
    let sourceCount: Int
    let segments: [JPEGSegment]
    let roles: [Role]
    let trailing: Range<Int>?
}
