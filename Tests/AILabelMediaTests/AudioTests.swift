import AILabelMedia
import AILabelTestSupport
import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// A source that counts what a handler reads: parsing must read headers and metadata, not the audio.
final class CountingSource: ByteSource, @unchecked Sendable {
    let base: any ByteSource
    private(set) var bytesRead = 0
    init(_ base: any ByteSource) { self.base = base }
    var count: Int { base.count }
    func read(_ range: Range<Int>) throws -> [UInt8] {
        bytesRead += range.count
        return try base.read(range)
    }
    func forEachChunk(in range: Range<Int>, _ body: (UnsafeRawBufferPointer) throws -> Void) throws {
        bytesRead += range.count
        try base.forEachChunk(in: range, body)
    }
}

/// WAV (RIFF and RF64), MP3 and FLAC: what their headers say, labels written and read back in the
/// places their tools use, audio copied byte for byte, and hostile files refused, each test named
/// after its attack.
@Suite("Audio containers: WAV, RF64, MP3, FLAC")
struct AudioTests {
    static let fixtures = [
        "media/pcm16.wav", "media/float32-stereo.wav", "media/rf64.wav", "media/info.wav", "media/id3v24.mp3", "media/id3v23.mp3",
        "media/no-tag.mp3", "media/aigc-tag.mp3", "media/stereo.flac", "media/aigc-comment.flac",
    ]
    static let label = #"{"Label":"1","ContentProducer":"ailabel-test","ProduceID":"p1","ReservedCode1":"","ContentPropagator":"","PropagateID":"","ReservedCode2":""}"#

    static func packet(_ marker: String) -> [UInt8] {
        var packet = XMPPacket()
        packet.set(.text(marker), namespace: "http://example.com/ns/test/", preferredPrefix: "test", name: "Marker")
        return packet.serialized()
    }

    /// A JUMBF superbox labelled `c2pa`, as the contract suite builds one.
    static func store(payload: Int) -> [UInt8] {
        func box(_ type: String, _ content: [UInt8]) -> [UInt8] {
            let length = UInt32(8 + content.count)
            return [UInt8(length >> 24), UInt8(length >> 16 & 0xFF), UInt8(length >> 8 & 0xFF), UInt8(length & 0xFF)] + Array(type.utf8) + content
        }
        let uuid: [UInt8] = [0x63, 0x32, 0x70, 0x61, 0x00, 0x11, 0x00, 0x10, 0x80, 0x00, 0x00, 0xAA, 0x00, 0x38, 0x9B, 0x71]
        return box("jumb", box("jumd", uuid + [0x03] + Array("c2pa".utf8) + [0]) + box("bidb", (0..<payload).map { UInt8(truncatingIfNeeded: $0 &* 7) }))
    }

    static func stampEdit(_ marker: String, store payload: Int = 301) -> MetadataEdit {
        var edit = MetadataEdit()
        edit.xmp = .replace(packet(marker))
        edit.setTextEntries = [TextEntry(keyword: "AIGC", text: label)]
        edit.c2paStore = .replace(store(payload: payload))
        return edit
    }

    // MARK: What the headers say

    @Test("A decode of the first seconds keeps them and stops there: WAV in Swift, MP3, FLAC and an M4A's track through FFmpeg")
    func decodesTheStartOnly() throws {
        for name in ["music-6s.wav", "music-6s.mp3", "music-6s-24bit.flac", "aac.m4a"] {
            let path = Repository.fixture("media/" + name).path
            let file = try MediaFile(path: path)
            let whole = name.hasSuffix(".m4a") ? try AudioCodec.decodeMovie(file.movieInput).audio : try file.decodeAudio().audio
            let start = name.hasSuffix(".m4a") ? try AudioCodec.decodeMovie(file.movieInput, firstSeconds: 0.25).audio : try file.decodeAudio(firstSeconds: 0.25).audio
            #expect(whole.frameCount > whole.sampleRate / 2, "\(name): \(whole.frameCount) frames")
            #expect(start.frameCount == Int(0.25 * Double(whole.sampleRate)) + 1, "\(name): \(start.frameCount) frames at \(start.sampleRate) Hz")
            #expect(Array(start.samples) == Array(whole.samples.prefix(start.samples.count)), "\(name): the start differs from the whole's")
        }
        // A start no stream reaches (a span a hostile label declares) or that is no time at all keeps the whole.
        let wav = try MediaFile(path: Repository.fixture("media/music-6s.wav").path)
        let mp3 = try MediaFile(path: Repository.fixture("media/music-6s.mp3").path)
        for seconds in [1e300, .infinity, .nan] {
            #expect(try wav.decodeAudio(firstSeconds: seconds).audio.frameCount == wav.decodeAudio().audio.frameCount, "WAV, \(seconds) s")
            #expect(try mp3.decodeAudio(firstSeconds: seconds).audio.frameCount == mp3.decodeAudio().audio.frameCount, "MP3, \(seconds) s")
        }
    }

    @Test("WAV fmt gives codec, channels, rate, bit depth and duration; RF64 sizes come from ds64")
    func wavCoding() throws {
        let pcm = try #require(try WAVHandler().parse(Repository.fixtureBytes("media/pcm16.wav")).audioCoding)
        #expect(pcm.codec == "pcm_s16le" && pcm.channels == 1 && pcm.sampleRate == 16000 && pcm.bitsPerSample == 16)
        #expect(abs((pcm.durationSeconds ?? 0) - 0.5) < 0.01)
        let float = try #require(try WAVHandler().parse(Repository.fixtureBytes("media/float32-stereo.wav")).audioCoding)
        #expect(float.codec == "pcm_f32le" && float.channels == 2 && float.bitsPerSample == 32)
        let rf64 = try WAVHandler().parse(Repository.fixtureBytes("media/rf64.wav"))
        #expect(rf64.blocks.first?.name == "ds64")
        #expect(abs((rf64.audioCoding?.durationSeconds ?? 0) - 0.5) < 0.01)
        let info = try WAVHandler().parse(Repository.fixtureBytes("media/info.wav"))
        #expect(info.textEntries.contains { $0.keyword == "INAM" && $0.text == "Fixture tone" && $0.chunk == .riffInfo })
    }

    @Test("MP3 frame headers and the Xing/Info header give codec, rate, channels and duration, with ID3v2.4, v2.3 or no tag")
    func mp3Coding() throws {
        for fixture in ["media/id3v24.mp3", "media/id3v23.mp3", "media/no-tag.mp3"] {
            let coding = try #require(try MP3Handler().parse(Repository.fixtureBytes(fixture)).audioCoding, "\(fixture)")
            #expect(coding.codec == "mp3" && coding.sampleRate == 16000 && coding.channels == 1, "\(fixture): \(coding)")
            // The encoder's delay and padding make the stream a little longer than the 0.5 s tone.
            #expect((0.45...0.7).contains(coding.durationSeconds ?? 0), "\(fixture): \(coding.summary)")
        }
        let tagged = try MP3Handler().parse(Repository.fixtureBytes("media/aigc-tag.mp3"))
        #expect(tagged.textEntries.contains { $0.keyword == "AIGC" && $0.chunk == .id3TXXX && $0.text.contains("\"Label\":\"1\"") })
    }

    @Test("FLAC STREAMINFO gives channels, rate, bit depth and duration; the Vorbis comment AIGC is read")
    func flacCoding() throws {
        let coding = try #require(try FLACHandler().parse(Repository.fixtureBytes("media/stereo.flac")).audioCoding)
        #expect(coding.codec == "flac" && coding.channels == 2 && coding.sampleRate == 16000 && coding.bitsPerSample == 16)
        #expect(abs((coding.durationSeconds ?? 0) - 0.5) < 0.01)
        let labelled = try FLACHandler().parse(Repository.fixtureBytes("media/aigc-comment.flac"))
        #expect(labelled.textEntries.contains { $0.keyword == "AIGC" && $0.chunk == .vorbisComment })
    }

    // MARK: Writing

    @Test("XMP, the TC260 label and a C2PA store written then read give back what was written; audio stays byte-identical; twice gives the same bytes",
          arguments: fixtures)
    func roundTrip(_ fixture: String) throws {
        let bytes = try Repository.fixtureBytes(fixture)
        let file = try MediaFile(path: fixture, bytes: bytes)
        let edit = Self.stampEdit("first")
        let rewritten = try file.handler.rewrite(bytes, applying: edit)
        let reread = try file.handler.parse(rewritten.bytes)
        #expect(try XMPPacket(parsing: try #require(reread.xmp)).value(namespace: "http://example.com/ns/test/", name: "Marker") == .text("first"))
        #expect(reread.textEntries.filter { $0.keyword == "AIGC" }.map(\.text) == [Self.label], "one native label, the new one")
        #expect(reread.c2paStore == Self.store(payload: 301) && reread.c2paStoreCount == 1)
        let range = try #require(rewritten.c2paStoreRange)
        #expect(reread.c2paStoreRanges == [range])
        #expect(Array(rewritten.bytes[range]) == (try file.handler.framedC2PAStore(Self.store(payload: 301))))
        #expect(ByteRanges.equal(bytes, file.contents.imageDataRanges, rewritten.bytes, reread.imageDataRanges), "the audio is copied unchanged")
        #expect(reread.audioCoding == file.contents.audioCoding)
        #expect(try file.handler.locateC2PAStore(in: rewritten.bytes, isPrefix: false).ranges == [range])
        // Stamping the stamped file again replaces every block in place: the same bytes.
        #expect(try file.handler.rewrite(rewritten.bytes, applying: edit).bytes == rewritten.bytes)
        // Removing the store leaves no store.
        var remove = MetadataEdit()
        remove.c2paStore = .remove
        #expect(try file.handler.parse(try file.handler.rewrite(rewritten.bytes, applying: remove).bytes).c2paStoreCount == 0)
    }

    @Test("An RF64 WAV stays RF64: ds64 carries the new RIFF size and the 32-bit fields stay 0xFFFFFFFF")
    func rf64Rewrite() throws {
        let bytes = try Repository.fixtureBytes("media/rf64.wav")
        let out = try WAVHandler().rewrite(bytes, applying: Self.stampEdit("rf64")).bytes
        #expect(Array(out[0..<4]) == Array("RF64".utf8) && Array(out[4..<8]) == [0xFF, 0xFF, 0xFF, 0xFF])
        #expect(Array(out[12..<16]) == Array("ds64".utf8))
        let riffSize = (0..<8).reduce(UInt64(0)) { $0 | UInt64(out[20 + $1]) << (8 * UInt64($1)) }
        #expect(riffSize == UInt64(out.count - 8))
        #expect(try WAVHandler().parse(out).c2paStoreCount == 1)
    }

    @Test("Parsing reads headers and metadata only, and a rewrite copies the audio as a source range")
    func streamingReads() throws {
        // An MP3 of 230 KB: the frames of no-tag.mp3 a hundred times behind the ID3v2.4 tag of id3v24.mp3.
        let tagged = try Repository.fixtureBytes("media/id3v24.mp3")
        let tagEnd = 10 + ID3v2FrameBytes.unsynchsafe(Array(tagged[6..<10]))
        let longMP3 = Array(tagged[..<tagEnd]) + Array(repeating: try Repository.fixtureBytes("media/no-tag.mp3"), count: 100).flatMap { $0 }
        for (name, bytes) in [("float32-stereo.wav", try Repository.fixtureBytes("media/float32-stereo.wav")),
                              ("stereo.flac", try Repository.fixtureBytes("media/stereo.flac")), ("long mp3", longMP3)] {
            let fixture = name
            let source = CountingSource(bytes)
            let handler = try #require(AssetRegistry.standard.handler(for: bytes))
            let contents = try handler.parse(source)
            let audio = contents.imageDataRanges.reduce(0) { $0 + $1.count }
            // MP3 reads up to 64 KB after its tag to find the first frame, then 4 KB of it for the Xing header.
            // (Chunk and block headers are read and may lie inside the audio's range: 64 bytes for them.)
            let allowance = (handler.format == .mp3 ? (64 << 10) + 4096 : 0) + 64
            #expect(source.bytesRead <= bytes.count - audio + allowance, "\(fixture): read \(source.bytesRead) of \(bytes.count)")
            let plan = try handler.planRewrite(of: bytes, contents: contents, applying: Self.stampEdit("plan"))
            let copied = plan.pieces.compactMap { if case .source(let range) = $0 { range } else { nil } }
            #expect(contents.imageDataRanges.allSatisfy { audio in copied.contains { $0.contains(audio.lowerBound) && $0.upperBound >= audio.upperBound } },
                    "\(fixture): the audio is a source range of the plan")
        }
    }

    @Test("A 4 GB RF64 WAV (sparse) is parsed and planned from its headers: kilobytes read, the data copied as one range")
    func largeRF64() throws {
        let folder = try Repository.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("large.wav").path
        let dataSize: UInt64 = (4 << 30) + 1000
        let headerCount = try SparseRF64.write(to: path, dataSize: dataSize)
        let source = CountingSource(try FileByteSource(path: path))
        let contents = try WAVHandler().parse(source)
        #expect(contents.imageDataRanges == [headerCount - 8..<source.count])
        #expect(abs((contents.audioCoding?.durationSeconds ?? 0) - Double(dataSize / 2) / 48000) < 0.01)
        let plan = try WAVHandler().planRewrite(of: source, contents: contents, applying: Self.stampEdit("large"))
        #expect(source.bytesRead < 4096, "read \(source.bytesRead) bytes")
        #expect(plan.pieces.contains { if case .source(let range) = $0 { range.contains(headerCount - 8) && range.upperBound == source.count } else { false } },
                "the data chunk is copied as one source range")
        let output = plan.output(over: source)
        let reparsed = try WAVHandler().parse(output)
        #expect(reparsed.c2paStoreCount == 1 && reparsed.c2paStore == Self.store(payload: 301))
    }

    @Test("A FLAC with a prepended ID3v2 tag is FLAC, judged by the bytes after the tag, whole or read by position")
    func flacBehindID3() throws {
        var edit = MetadataEdit()
        edit.c2paStore = .replace(Self.store(payload: 5000))
        let tagged = try FLACHandler().rewrite(try Repository.fixtureBytes("media/stereo.flac"), applying: edit).bytes
        #expect(tagged.starts(with: Array("ID3".utf8)))
        #expect(AssetRegistry.standard.handler(for: tagged)?.format == .flac)
        #expect(try AssetRegistry.standard.handler(sniffing: tagged)?.format == .flac)
        #expect(AssetRegistry.standard.handler(for: try Repository.fixtureBytes("media/id3v24.mp3"))?.format == .mp3)
        #expect(try MediaFile(path: "x.flac", bytes: tagged).format == .flac)
    }

    @Test("The WebP handler walks its RIFF with the shared walker and is unchanged: a WebP is not a WAV and a WAV is not a WebP")
    func sharedRIFFWalker() throws {
        let wav = try Repository.fixtureBytes("media/pcm16.wav")
        #expect(throws: MediaError.malformed) { try WebPHandler().parse(wav) }
        #expect(throws: MediaError.malformed) { try WAVHandler().parse(try Repository.fixtureBytes("media/lossy.webp")) }
    }

    // MARK: Hostile input, each named after its attack

    @Test("RIFF size past the end of the file is refused as truncated")
    func riffSizePastTheEnd() throws {
        let bytes = try Repository.fixtureBytes("malformed/wav-riff-size-past-end.wav")
        #expect(throws: MediaError.truncated) { try WAVHandler().parse(bytes) }
        #expect(throws: MediaError.truncated) { try WAVHandler().locateC2PAStore(in: bytes, isPrefix: false) }
        #expect(throws: MediaError.self) { try MediaFile(path: "x.wav", bytes: bytes) }
    }

    @Test("Chunk size past the end of the RIFF is refused as truncated, and so is a WAV cut short")
    func chunkSizePastTheEnd() throws {
        #expect(throws: MediaError.truncated) { try WAVHandler().parse(try Repository.fixtureBytes("malformed/wav-chunk-size-past-end.wav")) }
        #expect(throws: MediaError.truncated) { try WAVHandler().parse(try Repository.fixtureBytes("malformed/wav-truncated.wav")) }
    }

    @Test("RF64 ds64 sizes past the end (the RIFF's, the data chunk's) are refused as truncated")
    func rf64SizesPastTheEnd() throws {
        #expect(throws: MediaError.truncated) { try WAVHandler().parse(try Repository.fixtureBytes("malformed/rf64-ds64-size-past-end.wav")) }
        #expect(throws: MediaError.truncated) { try WAVHandler().parse(try Repository.fixtureBytes("malformed/rf64-data-size-past-end.wav")) }
        // A ds64 that declares 2^64-1 bytes (an Int overflow if trusted) is refused, not trapped on.
        var bytes = try Repository.fixtureBytes("media/rf64.wav")
        for index in 20..<28 { bytes[index] = 0xFF }
        #expect(throws: MediaError.self) { try WAVHandler().parse(bytes) }
    }

    @Test("Chunk-count bomb: more RIFF chunks than the documented limit is refused, not walked")
    func chunkCountBomb() throws {
        #expect(throws: MediaError.limitExceeded) { try WAVHandler().parse(RIFFTestFiles.chunkCountBomb(form: "WAVE")) }
    }

    @Test("riff_bomb_1000 (c2pa-rs): LISTs nested 1000 deep are not recursed into; the file has no store, as the SDK says")
    func riffBombFromTheWild() throws {
        let path = Repository.root().appendingPathComponent("../shared/wild/other/c2pa-rs__sdk_tests_fixtures_riff_bomb_1000.wav").path
        guard FileManager.default.fileExists(atPath: path) else {
            print("skipped: ../shared/wild is absent")
            return
        }
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        let contents = try WAVHandler().parse(bytes)
        #expect(contents.c2paStoreCount == 0)
        #expect(contents.blocks.count < 10, "the top level only: \(contents.blocks.count) blocks")
    }

    @Test("ID3 tag size past the end of the file is refused as truncated")
    func id3SizePastTheEnd() throws {
        let bytes = try Repository.fixtureBytes("malformed/mp3-id3-size-past-end.mp3")
        #expect(throws: MediaError.truncated) { try MP3Handler().parse(bytes) }
        #expect(throws: MediaError.truncated) { try MP3Handler().locateC2PAStore(in: bytes, isPrefix: false) }
    }

    @Test("ID3 synchsafe overflow: a size byte with its high bit set is refused as malformed")
    func id3SynchsafeOverflow() throws {
        #expect(throws: MediaError.malformed) { try MP3Handler().parse(try Repository.fixtureBytes("malformed/mp3-id3-synchsafe-overflow.mp3")) }
    }

    @Test("ID3 frame size past the end of the tag is refused")
    func id3FramePastTheEnd() throws {
        #expect(throws: MediaError.self) { try MP3Handler().parse(try Repository.fixtureBytes("malformed/mp3-id3-frame-past-end.mp3")) }
    }

    @Test("ID3v2.3 compression underflow: a compressed frame shorter than its decompressed-size field is refused as malformed")
    func id3CompressionUnderflow() throws {
        #expect(throws: MediaError.malformed) { try MP3Handler().parse(try Repository.fixtureBytes("malformed/mp3-id3-compression-underflow.mp3")) }
        let path = Repository.root().appendingPathComponent("../shared/wild/other/c2pa-rs__sdk_tests_fixtures_id3v23_compression_underflow.mp3").path
        if FileManager.default.fileExists(atPath: path) {
            #expect(throws: MediaError.malformed) { try MP3Handler().parse([UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))) }
        } else {
            print("skipped the wild file: ../shared/wild is absent")
        }
    }

    @Test("ID3 unsynchronisation, the extended header and the 2.4 footer are undone before frames are read")
    func id3Tricks() throws {
        // An ID3v2.3 tag, unsynchronised as a whole, with an extended header: a PRIV XMP frame whose
        // data holds 0xFF bytes (stuffed with 0x00 in the file).
        let xmp = Self.packet("tricks") + [0xFF, 0xE0]
        var frame = Array("PRIV".utf8) + ID3v2FrameBytes.bigEndian(4 + xmp.count) + [0, 0] + Array("XMP".utf8) + [0] + xmp
        frame = frame.flatMap { $0 == 0xFF ? [0xFF, 0x00] : [$0] }
        let extended: [UInt8] = [0, 0, 0, 6, 0, 0, 0, 0, 0, 0]
        let body = extended + frame
        let tag = Array("ID3".utf8) + [3, 0, 0xC0] + ID3v2FrameBytes.synchsafe(body.count) + body
        let audio = try Repository.fixtureBytes("media/no-tag.mp3")
        let contents = try MP3Handler().parse(tag + audio)
        #expect(contents.xmp == xmp)
        // ID3v2.4 with a footer: the audio starts after it.
        let v24frame = Array("TXXX".utf8) + ID3v2FrameBytes.synchsafe(8) + [0, 0, 0] + Array("AIGC".utf8) + [0] + Array("{}".utf8)
        let v24 = Array("ID3".utf8) + [4, 0, 0x10] + ID3v2FrameBytes.synchsafe(v24frame.count) + v24frame
            + Array("3DI".utf8) + [4, 0, 0x10] + ID3v2FrameBytes.synchsafe(v24frame.count)
        let parsed = try MP3Handler().parse(v24 + audio)
        #expect(parsed.textEntries.first { $0.keyword == "AIGC" }?.text == "{}")
        #expect(parsed.imageDataRanges.first?.lowerBound == v24.count)
        // Rewriting the 2.3 tag drops its unsynchronisation and extended header and keeps the XMP frame's content.
        var edit = MetadataEdit()
        edit.setTextEntries = [TextEntry(keyword: "AIGC", text: Self.label)]
        let rewritten = try MP3Handler().rewrite(tag + audio, applying: edit).bytes
        #expect(rewritten[3] == 3 && rewritten[5] == 0)
        #expect(try MP3Handler().parse(rewritten).xmp == xmp)
    }

    @Test("An MP3 whose tag is followed by no audio frame is refused as malformed")
    func mp3WithoutFrames() throws {
        #expect(throws: MediaError.malformed) { try MP3Handler().parse(try Repository.fixtureBytes("malformed/mp3-no-frames.mp3")) }
    }

    @Test("FLAC metadata block length past the end is refused as truncated")
    func flacBlockLengthPastTheEnd() throws {
        #expect(throws: MediaError.truncated) { try FLACHandler().parse(try Repository.fixtureBytes("malformed/flac-block-length-past-end.flac")) }
    }

    @Test("FLAC Vorbis comment count bomb: two billion fields claimed in a small block are refused before anything is allocated")
    func flacVorbisCountBomb() throws {
        #expect(throws: MediaError.limitExceeded) { try FLACHandler().parse(try Repository.fixtureBytes("malformed/flac-vorbis-count-bomb.flac")) }
    }

    @Test("A FLAC stream that does not start with STREAMINFO is refused as malformed")
    func flacWithoutStreamInfo() throws {
        #expect(throws: MediaError.malformed) { try FLACHandler().parse(try Repository.fixtureBytes("malformed/flac-no-streaminfo.flac")) }
    }
}

/// ID3v2 size fields for hand-built tags.
enum ID3v2FrameBytes {
    static func synchsafe(_ value: Int) -> [UInt8] {
        [UInt8(value >> 21 & 0x7F), UInt8(value >> 14 & 0x7F), UInt8(value >> 7 & 0x7F), UInt8(value & 0x7F)]
    }
    static func unsynchsafe(_ bytes: [UInt8]) -> Int { bytes.reduce(0) { $0 << 7 | Int($1 & 0x7F) } }
    static func bigEndian(_ value: Int) -> [UInt8] {
        [UInt8(value >> 24 & 0xFF), UInt8(value >> 16 & 0xFF), UInt8(value >> 8 & 0xFF), UInt8(value & 0xFF)]
    }
}
