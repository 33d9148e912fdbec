@testable import AILabelMedia
import AILabelTestSupport
import Foundation
import Testing

/// MP4, MOV, M4A and 3GP: formats told by their brands, tracks and codecs read from `moov`, XMP and
/// the AIGC key read and written where exiftool and ffmpeg put them, chunk offsets moved (and
/// promoted to 64 bits) with the media bytes, and hostile box trees refused.
@Suite("MP4, MOV and M4A")
struct MP4Tests {
    static let packet = Array("""
        <?xpacket begin="\u{FEFF}" id="W5M0MpCehiHzreSzNTczkc9d"?><x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF \
        xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description rdf:about="" \
        xmlns:dc="http://purl.org/dc/elements/1.1/" dc:format="video/mp4"/></rdf:RDF></x:xmpmeta><?xpacket end="w"?>
        """.utf8)
    static let label = #"{"Label":"1","ContentProducer":"ailabel-test","ProduceID":"t-1"}"#

    static let fixtures = ["media/h264.mp4", "media/faststart.mp4", "media/h265.mp4", "media/vp9.mp4", "media/movie.mov",
                           "media/aac.m4a", "media/video.3gp", "media/aigc.mp4", "media/xmp.mp4", "media/xmp.mov"]

    @Test("Brands decide the format: qt is mov, M4A is m4a, every other movie (3GP, M4V) is mp4")
    func sniffing() throws {
        let expected: [String: MediaFormat] = [
            "media/h264.mp4": .mp4, "media/h265.mp4": .mp4, "media/vp9.mp4": .mp4, "media/video.3gp": .mp4,
            "media/movie.mov": .mov, "media/xmp.mov": .mov, "media/aac.m4a": .m4a,
        ]
        for (path, format) in expected {
            #expect(AssetRegistry.standard.sniff(try Repository.fixtureBytes(path)) == format, "\(path)")
        }
        #expect(AssetRegistry.standard.sniff(try Repository.fixtureBytes("media/plain.heic")) == .heif, "HEIF keeps its brands")
    }

    @Test("Tracks, codecs, sizes, rates and duration come from moov")
    func coding() throws {
        let movie = try MP4Handler.mp4.parse(try Repository.fixtureBytes("media/h264.mp4"))
        let coding = try #require(movie.movieCoding)
        #expect(movie.width == 64 && movie.height == 48)
        #expect(coding.tracks.map(\.kind) == ["video", "audio"])
        #expect(coding.tracks.map(\.codecName) == ["H.264", "AAC"])
        #expect(coding.tracks[1].sampleRate == 16000 && coding.tracks[1].channels == 1)
        #expect(abs((coding.duration ?? 0) - 0.8) < 0.1, "\(String(describing: coding.duration))")
        #expect(coding.summary.contains("video H.264 64×48") && coding.summary.contains("audio AAC 16000 Hz 1 ch"), "\(coding.summary)")
        #expect(try MP4Handler.mp4.parse(try Repository.fixtureBytes("media/h265.mp4")).movieCoding?.tracks.first?.codec == "hvc1")
        #expect(try MP4Handler.mp4.parse(try Repository.fixtureBytes("media/vp9.mp4")).movieCoding?.tracks.first?.codecName == "VP9")
        let audio = try MP4Handler.m4a.parse(try Repository.fixtureBytes("media/aac.m4a"))
        #expect(audio.width == 0 && audio.movieCoding?.tracks.map(\.kind) == ["audio"])
    }

    @Test("exiftool's XMP is read from the uuid box of an MP4 and from moov/udta/XMP_ of a MOV; ffmpeg's AIGC key from moov/udta/meta")
    func labelsWhereToolsPutThem() throws {
        let mp4 = try MP4Handler.mp4.parse(try Repository.fixtureBytes("media/xmp.mp4"))
        #expect(String(decoding: try #require(mp4.xmp), as: UTF8.self).contains("MP4 Fixture Author"))
        #expect(mp4.blocks.contains { $0.kind == .xmp && $0.name == "uuid XMP" })
        let mov = try MP4Handler.mov.parse(try Repository.fixtureBytes("media/xmp.mov"))
        #expect(String(decoding: try #require(mov.xmp), as: UTF8.self).contains("MOV Fixture Author"))
        #expect(mov.blocks.contains { $0.kind == .xmp && $0.name == "moov/udta/XMP_" })
        let aigc = try MP4Handler.mp4.parse(try Repository.fixtureBytes("media/aigc.mp4"))
        let entry = try #require(aigc.textEntries.first { $0.keyword == "AIGC" })
        #expect(entry.chunk == .quickTimeKeys && entry.text.contains("video-0001"))
        #expect(aigc.blocks.contains { $0.kind == .text && $0.name == "moov/udta/meta" && ($0.detail ?? "").contains("AIGC") })
    }

    /// The chunk offsets of every track, in track order.
    static func chunkOffsets(_ bytes: [UInt8]) throws -> [[Int]] {
        let tree = try BMFFTree(bytes)
        return tree.boxes.filter { $0.type == .stco || $0.type == .co64 }.map { box in
            let width = box.type == .stco ? 4 : 8
            let count = Int(bytes[box.payloadStart..<box.payloadStart + 4].reduce(0) { $0 << 8 | UInt32($1) })
            return (0..<count).map { entry in
                bytes[box.payloadStart + 4 + entry * width..<box.payloadStart + 4 + (entry + 1) * width].reduce(0) { $0 << 8 | Int($1) }
            }
        }
    }

    @Test("A rewrite adds the C2PA box after ftyp, XMP where exiftool puts it and the AIGC key where ffmpeg does; every chunk offset still points at its bytes",
          arguments: fixtures)
    func rewriteMovesChunkOffsets(_ path: String) throws {
        let bytes = try Repository.fixtureBytes(path)
        let handler = try #require(AssetRegistry.standard.handler(for: bytes))
        let before = try handler.parse(bytes)
        var edit = MetadataEdit()
        edit.xmp = .replace(Self.packet + [UInt8](repeating: 0x20, count: 2000))
        edit.setTextEntries = [TextEntry(keyword: "AIGC", text: Self.label)]
        edit.c2paStore = .replace([UInt8](repeating: 7, count: 5000))
        let rewritten = try handler.rewrite(bytes, applying: edit)
        let after = try handler.parse(rewritten.bytes)
        #expect(after.blocks[1].kind == .c2pa, "the C2PA box follows ftyp")
        #expect(rewritten.c2paStoreRange == after.c2paStoreRanges.first)
        #expect(after.c2paStore == [UInt8](repeating: 7, count: 5000))
        #expect(after.xmp == Self.packet + [UInt8](repeating: 0x20, count: 2000))
        #expect(after.blocks.filter { $0.kind == .xmp }.map(\.name) == [handler.format == .mov ? "moov/udta/XMP_" : "uuid XMP"])
        #expect(after.textEntries.filter { $0.keyword == "AIGC" }.map(\.text) == [Self.label])
        #expect(ByteRanges.equal(bytes, before.imageDataRanges, rewritten.bytes, after.imageDataRanges), "mdat is copied byte for byte")
        let old = try Self.chunkOffsets(bytes), new = try Self.chunkOffsets(rewritten.bytes)
        #expect(old.map(\.count) == new.map(\.count) && !old.isEmpty)
        let mediaEnd = { (at: Int, ranges: [Range<Int>]) in ranges.first { $0.contains(at) }?.upperBound ?? at }
        for (oldTrack, newTrack) in zip(old, new) {
            for (from, to) in zip(oldTrack, newTrack) {
                // The bytes from the chunk to the end of its mdat (at most 32) are the same bytes.
                let length = min(32, mediaEnd(from, before.imageDataRanges) - from)
                #expect(length > 0 && Array(bytes[from..<from + length]) == Array(rewritten.bytes[to..<to + length]), "\(from) -> \(to)")
            }
        }
        // The same edit again replaces what it wrote: the same bytes.
        #expect(try handler.rewrite(rewritten.bytes, applying: edit).bytes == rewritten.bytes)
        // Removing every label leaves none, and the media where it was.
        var removal = MetadataEdit()
        removal.xmp = .remove
        removal.c2paStore = .remove
        removal.removeTextKeywords = ["AIGC"]
        let removed = try handler.rewrite(rewritten.bytes, applying: removal).bytes
        let cleaned = try handler.parse(removed)
        #expect(cleaned.xmp == nil && cleaned.c2paStoreCount == 0 && !cleaned.textEntries.contains { $0.keyword == "AIGC" })
        #expect(ByteRanges.equal(bytes, before.imageDataRanges, removed, cleaned.imageDataRanges))
    }

    @Test("An edit that changes nothing plans the identity")
    func emptyEditIsIdentity() throws {
        let bytes = try Repository.fixtureBytes("media/faststart.mp4")
        let plan = try MP4Handler.mp4.planRewrite(of: bytes, contents: try MP4Handler.mp4.parse(bytes), applying: MetadataEdit())
        #expect(plan.isIdentity(sourceCount: bytes.count))
    }

    @Test("Setting the AIGC key in a file ffmpeg labelled replaces its value; the other keys keep their numbers")
    func aigcKeyReplaced() throws {
        let bytes = try Repository.fixtureBytes("media/aigc.mp4")
        var edit = MetadataEdit()
        edit.setTextEntries = [TextEntry(keyword: "AIGC", text: Self.label)]
        let after = try MP4Handler.mp4.parse(try MP4Handler.mp4.rewrite(bytes, applying: edit).bytes)
        let before = try MP4Handler.mp4.parse(bytes)
        #expect(after.textEntries.map(\.keyword) == before.textEntries.map(\.keyword))
        #expect(after.textEntries.first { $0.keyword == "AIGC" }?.text == Self.label)
        #expect(after.textEntries.filter { $0.keyword != "AIGC" } == before.textEntries.filter { $0.keyword != "AIGC" })
    }

    @Test("ffmpeg decodes every rewritten movie without a word, to the same frames and samples (framemd5)", arguments: fixtures)
    func decodedStreamsUnchanged(_ path: String) throws {
        let bytes = try Repository.fixtureBytes(path)
        let handler = try #require(AssetRegistry.standard.handler(for: bytes))
        var edit = MetadataEdit()
        edit.xmp = .replace(Self.packet)
        edit.setTextEntries = [TextEntry(keyword: "AIGC", text: Self.label)]
        edit.c2paStore = .replace([UInt8](repeating: 7, count: 3000))
        let folder = try Repository.temporaryDirectory("mp4-decode")
        defer { try? FileManager.default.removeItem(at: folder) }
        let suffix = (path as NSString).pathExtension
        let original = folder.appendingPathComponent("original.\(suffix)")
        let changed = folder.appendingPathComponent("changed.\(suffix)")
        try Data(bytes).write(to: original)
        try Data(try handler.rewrite(bytes, applying: edit).bytes).write(to: changed)
        func frames(_ url: URL) throws -> String {
            let run = try ProcessRunner.run("ffmpeg", ["-v", "warning", "-i", url.path, "-f", "framemd5", "-"])
            #expect(run.status == 0 && run.stderr.isEmpty, "ffmpeg reports \(run.stderr) for \(url.lastPathComponent)")
            return run.stdout.split(separator: "\n").filter { !$0.hasPrefix("#") }.joined(separator: "\n")
        }
        let expected = try frames(original)
        #expect(!expected.isEmpty)
        #expect(try frames(changed) == expected)
    }

    // MARK: QuickTime's udta terminator

    @Test("QuickTime's 32-bit zero after udta's children is read, and kept last when XMP_ and keyed metadata go in; ffmpeg reads the result without a word")
    func userDataTerminatorKept() throws {
        let bytes = try QuickTimeUserData.movie(terminator: [0, 0, 0, 0])
        let before = try MP4Handler.mov.parse(bytes)
        #expect(before.xmp == nil)
        var edit = MetadataEdit()
        edit.xmp = .replace(Self.packet)
        edit.setTextEntries = [TextEntry(keyword: "AIGC", text: Self.label)]
        edit.c2paStore = .replace([UInt8](repeating: 7, count: 3000))
        let rewritten = try MP4Handler.mov.rewrite(bytes, applying: edit).bytes
        let after = try MP4Handler.mov.parse(rewritten)
        #expect(after.xmp == Self.packet)
        #expect(after.textEntries.first { $0.keyword == "AIGC" }?.text == Self.label)
        let tree = try BMFFTree(rewritten)
        let userData = try #require(tree.boxes.first { $0.type == "udta" })
        #expect(userData.hasQuickTimeTerminator)
        #expect(Array(rewritten[userData.range.upperBound - 4..<userData.range.upperBound]) == [0, 0, 0, 0])
        #expect(userData.children.map { tree.boxes[$0].type.description } == ["name", "meta", "XMP_"])
        // Removing the labels again leaves the name box and the terminator.
        var removal = MetadataEdit()
        removal.xmp = .remove
        removal.c2paStore = .remove
        removal.removeTextKeywords = ["AIGC"]
        let removed = try BMFFTree(try MP4Handler.mov.rewrite(rewritten, applying: removal).bytes)
        let kept = try #require(removed.boxes.first { $0.type == "udta" })
        #expect(kept.hasQuickTimeTerminator && kept.children.map { removed.boxes[$0].type.description }.first == "name")
        let folder = try Repository.temporaryDirectory("mov-terminator")
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = folder.appendingPathComponent("stamped.mov")
        try Data(rewritten).write(to: url)
        let run = try ProcessRunner.run("ffmpeg", ["-v", "warning", "-i", url.path, "-f", "null", "-"])
        #expect(run.status == 0 && run.stderr.isEmpty, "ffmpeg reports \(run.stderr)")
    }

    @Test("Four bytes after udta's children that are not zero, and three zero bytes, are still refused")
    func userDataTerminatorOnlyZeroInUdta() throws {
        let nonZero = try QuickTimeUserData.movie(terminator: [0, 0, 0, 1])
        #expect(throws: MediaError.self) { try MP4Handler.mov.parse(nonZero) }
        let three = try QuickTimeUserData.movie(terminator: [0, 0, 0])
        #expect(throws: MediaError.self) { try MP4Handler.mov.parse(three) }
    }

    // MARK: 32-bit chunk offsets past 4 GB

    /// A sparse file just under 4 GB: ftyp, moov (before the media, so it moves them when it grows) with
    /// one track whose stco points at a chunk near the start and one 60 bytes before 4 GB, and an mdat
    /// with a 64-bit size running past 4 GB. Only the headers and the two chunks are written.
    static func sparseMovie(at url: URL) throws -> (chunks: [Int], markers: [[UInt8]]) {
        let ftyp = BMFFBoxWriter.box(.ftyp, Array("isom".utf8) + [0, 0, 2, 0] + Array("isommp41".utf8))
        func stbl(_ offsets: [Int]) -> [UInt8] {
            var entries: [UInt8] = [0, 0, 0, UInt8(offsets.count)]
            for offset in offsets { entries += [UInt8(offset >> 24 & 0xFF), UInt8(offset >> 16 & 0xFF), UInt8(offset >> 8 & 0xFF), UInt8(offset & 0xFF)] }
            return BMFFBoxWriter.box("stbl", BMFFBoxWriter.fullBox(.stco, version: 0, flags: 0, entries))
        }
        let moovSize = 8 + 8 + 8 + 8 + 8 + 12 + 4 + 8
        let mdatStart = ftyp.count + moovSize
        let chunks = [mdatStart + 16 + 100, (1 << 32) - 60]
        let moov = BMFFBoxWriter.box(.moov, BMFFBoxWriter.box("trak", BMFFBoxWriter.box("mdia", BMFFBoxWriter.box("minf", stbl(chunks)))))
        precondition(moov.count == moovSize)
        let total = (1 << 32) + 4096
        var mdatHeader: [UInt8] = [0, 0, 0, 1] + Array("mdat".utf8)
        let mdatSize = total - mdatStart
        for shift in stride(from: 56, through: 0, by: -8) { mdatHeader.append(UInt8(mdatSize >> shift & 0xFF)) }
        FileManager.default.createFile(atPath: url.path, contents: Data(ftyp + moov + mdatHeader))
        let handle = try FileHandle(forWritingTo: url)
        defer { try? handle.close() }
        let markers = chunks.enumerated().map { index, _ in Array("chunk \(index) sample data".utf8) }
        for (chunk, marker) in zip(chunks, markers) {
            try handle.seek(toOffset: UInt64(chunk))
            handle.write(Data(marker))
        }
        try handle.truncate(atOffset: UInt64(total))
        return (chunks, markers)
    }

    @Test("An stco whose offsets would pass 4 GB once the C2PA box goes in is written as a co64, every offset on its bytes")
    func stcoPromotedToCo64() throws {
        let folder = try Repository.temporaryDirectory("mp4-co64")
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = folder.appendingPathComponent("sparse.mp4")
        let (_, markers) = try Self.sparseMovie(at: url)
        let source = try FileByteSource(path: url.path)
        let contents = try MP4Handler.mp4.parse(source)
        var edit = MetadataEdit()
        edit.c2paStore = .replace([UInt8](repeating: 7, count: 20_000))
        let plan = try MP4Handler.mp4.planRewrite(of: source, contents: contents, applying: edit)
        let output = plan.output(over: source)
        let tree = try BMFFTree(count: output.count) { try output.read($0) }
        #expect(!tree.boxes.contains { $0.type == .stco })
        let co64 = try #require(tree.boxes.first { $0.type == .co64 })
        let table = try output.read(co64.payloadStart..<co64.range.upperBound)
        #expect(Array(table[0..<4]) == [0, 0, 0, 2])
        let offsets = (0..<2).map { entry in table[4 + entry * 8..<12 + entry * 8].reduce(0) { $0 << 8 | Int($1) } }
        #expect(offsets[1] > Int(UInt32.max), "the second chunk now lies past 4 GB")
        for (offset, marker) in zip(offsets, markers) {
            #expect(try output.read(offset..<offset + marker.count) == marker)
        }
        #expect(plan.count == source.count + 20_000 + 8 + 16 + 4 + 9 + 8 + 8, "the store's box and 8 more bytes: two 4-byte offsets became 8-byte ones")
    }

    // MARK: Hostile box trees

    static func refused(_ path: String, _ code: MediaError.Code, mentioning words: [String] = []) throws {
        let error = try #require(throws: MediaError.self, "\(path)") {
            let bytes = try Repository.fixtureBytes(path)
            var edit = MetadataEdit()
            edit.c2paStore = .replace([1, 2, 3])
            _ = try MP4Handler.mp4.rewrite(bytes, applying: edit)
        }
        #expect(error.code == code, "\(path): \(error)")
        for word in words { #expect(error.reason.contains(word), "\(path): \(error.reason)") }
    }

    @Test("Boxes nested deeper than 32 levels are refused")
    func deeplyNestedBoxes() throws {
        try Self.refused("malformed/mp4-deeply-nested.mp4", .limitExceeded, mentioning: ["nested deeper than 32"])
    }

    @Test("A box of size 0 inside moov (to the end of the file) is refused: it would swallow the boxes after its parent")
    func boxSizeZeroInsideParent() throws {
        try Self.refused("malformed/mp4-box-size-zero-inside.mp4", .malformed, mentioning: ["trak", "size 0", "inside another box"])
    }

    @Test("A box whose size is less than its header (a walk that kept going would loop) is refused")
    func boxSizeLoop() throws {
        try Self.refused("malformed/mp4-box-size-loop.mp4", .malformed, mentioning: ["less than its own header"])
    }

    @Test("A 64-bit box size past the end of the file is refused")
    func largeSizePastEnd() throws {
        try Self.refused("malformed/mp4-box-64bit-size-past-end.mp4", .truncated, mentioning: ["moov"])
    }

    @Test("A box overlapping the end of its parent is refused")
    func boxOverlapsParent() throws {
        try Self.refused("malformed/mp4-box-overlaps-parent.mp4", .truncated, mentioning: ["in its parent box"])
    }

    @Test("stco offsets outside the file are refused")
    func chunkOffsetsOutsideTheFile() throws {
        try Self.refused("malformed/mp4-stco-outside-file.mp4", .malformed, mentioning: ["chunk offset", "outside the 9783-byte file"])
    }

    @Test("An stco declaring more entries than it holds is refused")
    func chunkOffsetCountPastTheBox() throws {
        try Self.refused("malformed/mp4-stco-count-past-box.mp4", .truncated, mentioning: ["more than it holds"])
    }

    @Test("A movie cut inside moov is refused")
    func truncatedMovie() throws {
        try Self.refused("malformed/mp4-truncated.mp4", .truncated)
    }

    @Test("An esds box shorter than its own full-box header is read as no channel count, not trapped on")
    func shortESDS() throws {
        // The fuzzer's QuickTime file: an mp4a sound entry whose esds box declares 8 bytes.
        let finding = try Repository.fixtureBytes("fuzz/mov/quicktime-esds-shorter-than-its-header.bin")
        _ = try? MP4Handler.mov.parse(finding)
        for size in 8...11 {
            // A version-0 sound entry of 36 bytes, then an esds box of `size` bytes.
            var entry = [UInt8](repeating: 0, count: 36) + [0, 0, 0, UInt8(size)] + Array("esds".utf8) + [UInt8](repeating: 0, count: size - 8)
            entry[3] = UInt8(entry.count)
            #expect(MP4Movie.aacChannels(entry: entry) == nil)
        }
    }

    @Test("A moov holding 20,000 keyed metadata boxes is rewritten in one pass over them (each box edited used to read them all again)")
    func twentyThousandKeyedMetadataBoxes() throws {
        let bytes = try Repository.fixtureBytes("media/h264.mp4")
        let tree = try BMFFTree(count: bytes.count) { Array(bytes[$0]) }
        let moovIndex = try #require(tree.topLevel.last)
        let moov = tree.boxes[moovIndex]
        #expect(moov.type == .moov && moov.range.upperBound == bytes.count, "moov comes last, so growing it moves no media")
        var metadata = QuickTimeKeyedMetadata()
        metadata.set("title", text: "t")
        let boxes = (0..<20_000).flatMap { _ in metadata.metaBox }
        let hostile = Array(bytes[..<moov.range.lowerBound]) + BMFFBoxWriter.box(.moov, Array(bytes[moov.payloadStart..<moov.range.upperBound]) + boxes)
        var edit = MetadataEdit()
        edit.setTextEntries = [TextEntry(keyword: "AIGC", text: Self.label)]
        let after = try MP4Handler.mp4.parse(try MP4Handler.mp4.rewrite(hostile, applying: edit).bytes)
        #expect(after.textEntries.filter { $0.keyword == "AIGC" }.map(\.text) == [Self.label], "the key goes into one box only")
        #expect(after.textEntries.filter { $0.keyword == "title" }.count == 20_000)
    }

    @Test("A movie followed by 200,000 C2PA uuid boxes is rewritten in one pass over them (each top-level box was looked up in the list of stores)")
    func twoHundredThousandC2PABoxes() throws {
        let bytes = try Repository.fixtureBytes("media/h264.mp4")
        // Merkle proof boxes (the C2PA uuid type), each holding a CBOR null.
        let box = BMFFC2PABox.merkleBox([0xF6])
        let hostile = bytes + (0..<200_000).flatMap { _ in box }
        var edit = MetadataEdit()
        edit.c2paStore = .remove
        let rewritten = try MP4Handler.mp4.rewrite(hostile, applying: edit).bytes
        #expect(rewritten.count < bytes.count + 4096, "every C2PA box is dropped with the stores")
        let after = try MP4Handler.mp4.parse(rewritten)
        #expect(after.c2paStoreCount == 0 && after.c2paStoreRanges.isEmpty)
    }

    @Test("Keyed metadata with a key repeated 10,000 times: every copy removed in one pass, the other keys and their items renumbered")
    func keyRepeatedTenThousandTimes() throws {
        func text(_ value: String) -> [UInt8] {
            var data: [UInt8] = [0, 0, 0, 1, 0, 0, 0, 0]
            data += Array(value.utf8)
            return BMFFBoxWriter.box("data", data)
        }
        var metadata = QuickTimeKeyedMetadata()
        metadata.keys = [.init(namespace: "mdta", name: Array("a".utf8)), .init(namespace: "mdta", name: Array("AIGC".utf8)),
                         .init(namespace: "mdta", name: Array("b".utf8)), .init(namespace: "mdta", name: Array("AIGC".utf8))]
        metadata.items = [.init(keyIndex: 1, payload: text("A")), .init(keyIndex: 2, payload: text("x")), .init(keyIndex: 3, payload: text("B")),
                          .init(keyIndex: 4, payload: text("y")), .init(keyIndex: 0, payload: text("none")), .init(keyIndex: 9, payload: text("past"))]
        metadata.remove("AIGC")
        #expect(metadata.keys.map { String(decoding: $0.name, as: UTF8.self) } == ["a", "b"])
        #expect(metadata.items.map(\.keyIndex) == [1, 2, 0, 7], "a's and b's items follow their keys; one naming no key stays, one past the keys moves down by two")
        #expect(metadata.textEntries.map { "\($0.key)=\($0.text)" } == ["a=A", "b=B"])

        // A hostile file's worth: 10,000 copies of the key, an item for each.
        var hostile = QuickTimeKeyedMetadata()
        hostile.keys = [.init(namespace: "mdta", name: Array("title".utf8))]
            + Array(repeating: .init(namespace: "mdta", name: Array("AIGC".utf8)), count: QuickTimeKeyedMetadata.maximumEntries - 1)
        hostile.items = (1...QuickTimeKeyedMetadata.maximumEntries).map { .init(keyIndex: UInt32($0), payload: text("v\($0)")) }
        #expect(hostile.textEntries.count == QuickTimeKeyedMetadata.maximumEntries)
        hostile.remove("AIGC")
        #expect(hostile.keys.count == 1 && hostile.items.map(\.keyIndex) == [1])
        #expect(hostile.textEntries.map { "\($0.key)=\($0.text)" } == ["title=v1"])
    }
}
