import AILabelMedia
import AILabelTestSupport
import Foundation
#if canImport(Glibc)
import Glibc
#endif
import Testing

@testable import AILabelManifest

/// WAV, RF64, MP3 and FLAC signed by ailabel (data hash; the store in the RIFF `C2PA` chunk or the ID3
/// `GEOB` frame, where c2pa-rs puts it) judged by the reference SDK, and files the SDK signed (and a
/// byte of their audio changed) judged by ailabel with the SDK's state and codes.
@Suite("Audio: signed by ailabel read by the reference SDK, and the other way round", .serialized)
struct AudioInteropTests {
    static let fixtures = ["media/pcm16.wav", "media/float32-stereo.wav", "media/info.wav", "media/id3v24.mp3", "media/id3v23.mp3",
                           "media/no-tag.mp3", "media/aigc-tag.mp3", "media/stereo.flac", "media/aigc-comment.flac"]

    static func mime(_ path: String) -> String {
        switch (path as NSString).pathExtension {
        case "wav": return "audio/wav"
        case "mp3": return "audio/mpeg"
        default: return "audio/flac"
        }
    }

    @Test("Every audio file ailabel signs is Trusted in the reference SDK with no failure codes, and so in ailabel", arguments: fixtures)
    func signedAudioIsTrusted(_ fixture: String) throws {
        let asset = try Repository.fixtureBytes(fixture)
        let signed = try TestSigning.signer.sign(asset, definition: TestSigning.definition(title: fixture))
        let handler = try #require(AssetRegistry.standard.handler(for: signed))
        let contents = try handler.parse(signed)
        #expect(contents.c2paStoreCount == 1)
        #expect(ByteRanges.equal(asset, try handler.imageDataRanges(in: asset), signed, contents.imageDataRanges), "the audio is unchanged")
        let name = "signed-" + (fixture as NSString).lastPathComponent
        let verdict = try Referee.read(try TestSigning.write(signed, name: name), trust: [TestSigning.trustAnchorsPath], mime: Self.mime(fixture))
        #expect(verdict.state == "Trusted", "\(name): \(verdict)")
        #expect(verdict.failure.isEmpty, "\(name): \(verdict.failure)")
        #expect(verdict.digitalSourceTypes?.contains(TestSigning.aiGenerated) == true)
        #expect(ManifestValidator(trust: TestSigning.trust).validate(asset: signed).state == .trusted)
        // Re-signing replaces ailabel's own manifest and stays Trusted.
        let again = try TestSigning.signer.sign(signed, definition: TestSigning.definition(title: fixture))
        #expect(try handler.parse(again).c2paStoreCount == 1)
        #expect(ManifestValidator(trust: TestSigning.trust).validate(asset: again).state == .trusted)
    }

    @Test("An RF64 WAV ailabel signs validates in ailabel (the SDK's RIFF reader does not read RF64)")
    func signedRF64() throws {
        let signed = try TestSigning.signer.sign(try Repository.fixtureBytes("media/rf64.wav"), definition: TestSigning.definition(title: "rf64.wav"))
        #expect(signed.starts(with: Array("RF64".utf8)))
        #expect(ManifestValidator(trust: TestSigning.trust).validate(asset: signed).state == .trusted)
        var tampered = signed
        tampered[200] ^= 0x21
        #expect(ManifestValidator(trust: TestSigning.trust).validate(asset: tampered).failureCodes == ["assertion.dataHash.mismatch"])
    }

    @Test("An RF64 WAV past 4 GB (sparse) is signed: its C2PA chunk, after the samples, is excluded by 64-bit offsets; Trusted, and a changed sample past 4 GB is a mismatch")
    func signedRF64PastFourGigabytes() throws {
        let folder = try Repository.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("large.wav").path
        let dataSize: UInt64 = (4 << 30) + 4096
        try SparseRF64.write(to: path, dataSize: dataSize)

        let source = try FileByteSource(path: path)
        let handler = WAVHandler()
        let plan = try TestSigning.signer.sign(source, contents: try handler.parse(source), handler: handler,
                                               definition: TestSigning.definition(title: "large.wav"))
        let signed = plan.output(over: source)
        let store = try handler.locateC2PAStore(in: signed)
        let storeStart = try #require(store.ranges.first?.lowerBound)
        #expect(storeStart > Int(UInt32.max), "the store lies past 4 GB, after the samples")
        let storeBytes = try #require(store.store)
        let manifest = try #require(try ManifestStore(parsing: storeBytes).activeManifest)
        let binding = try #require(manifest.assertions.first { $0.baseLabel == "c2pa.hash.data" }?.cbor)
        let exclusion = try #require(binding["exclusions"]?.arrayValue?.first)
        let excluded = try #require(exclusion["start"]?.intValue)
        #expect(excluded > Int(UInt32.max) && excluded >= storeStart && excluded < signed.count, "the exclusion lies past 4 GB, where the store is")

        let validator = ManifestValidator(trust: TestSigning.trust)
        let report = validator.validate(asset: signed, handler: handler)
        #expect(report.state == .trusted, "\(report.statuses)")
        #expect(report.statuses.contains { $0.code == .assertionDataHashMatch })
        let changed = OneByteChanged(base: signed, offset: Int(UInt32.max) + 100)
        #expect(validator.validate(asset: changed, handler: handler).failureCodes == ["assertion.dataHash.mismatch"])
    }

    @Test("A changed byte of a signed file's audio is a data hash mismatch in ailabel and in the reference SDK", arguments: fixtures)
    func tamperedAudio(_ fixture: String) throws {
        let signed = try TestSigning.signer.sign(try Repository.fixtureBytes(fixture), definition: TestSigning.definition())
        let handler = try #require(AssetRegistry.standard.handler(for: signed))
        let audio = try #require(try handler.imageDataRanges(in: signed).last)
        var tampered = signed
        tampered[audio.lowerBound + audio.count / 2] ^= 0x21
        let ours = ManifestValidator(trust: TestSigning.trust).validate(asset: tampered)
        #expect(ours.failureCodes == ["assertion.dataHash.mismatch"], "\(ours.statuses)")
        let name = "tampered-" + (fixture as NSString).lastPathComponent
        let verdict = try Referee.read(try TestSigning.write(tampered, name: name), trust: [TestSigning.trustAnchorsPath], mime: Self.mime(fixture))
        #expect(verdict.failure.contains("assertion.dataHash.mismatch"), "\(name): \(verdict)")
    }

    static let sdkFixtures = ["signed.wav", "signed-audio-changed.wav", "signed.mp3", "signed-audio-changed.mp3", "signed.flac", "signed-audio-changed.flac"]

    @Test("Audio signed by the reference SDK validates in ailabel with the SDK's state and failure codes", arguments: sdkFixtures)
    func signedBySDK(_ name: String) throws {
        let asset = try TestPaths.read("sdk/" + name)
        let trust = try TrustConfiguration(anchorPEMs: [TestPaths.readText("keys/fixtures-root.pem")])
        let report = ManifestValidator(trust: trust).validate(asset: asset)
        let path = TestPaths.fixtures + "/sdk/" + name
        let live = try Referee.read(path, trust: [TestPaths.fixtures + "/keys/fixtures-root.pem"], mime: Self.mime(name))
        let stored = try JSONDecoder().decode(Referee.Verdict.self, from: Data(contentsOf: URL(fileURLWithPath: path + ".expected.json")))
        for verdict in [live, stored] {
            #expect(report.state.rawValue == verdict.state, "\(name): ailabel \(report.state) \(report.statuses), SDK \(verdict)")
            #expect(report.failureCodes == verdict.failure.sorted(), "\(name): ailabel \(report.failureCodes), SDK \(verdict.failure)")
        }
        // ailabel re-signs what the SDK signed, keeping its manifest as the parent ingredient.
        if live.state == "Trusted" {
            let resigned = try TestSigning.signer.sign(asset, definition: TestSigning.definition(title: name))
            let verdict = try Referee.read(try TestSigning.write(resigned, name: "re-" + name), trust: [TestSigning.trustAnchorsPath], mime: Self.mime(name))
            #expect(verdict.failure.isEmpty, "\(name): \(verdict)")
        }
    }
}

/// A source with one byte flipped: a tampered copy of a file too large to copy in a test.
struct OneByteChanged: ByteSource {
    let base: any ByteSource
    let offset: Int
    var count: Int { base.count }
    func read(_ range: Range<Int>) throws -> [UInt8] {
        var bytes = try base.read(range)
        if range.contains(offset) { bytes[offset - range.lowerBound] ^= 0x21 }
        return bytes
    }
    func forEachChunk(in range: Range<Int>, _ body: (UnsafeRawBufferPointer) throws -> Void) throws {
        // Chunks arrive in order; only the one holding `offset` is copied to be changed.
        var position = range.lowerBound
        try base.forEachChunk(in: range) { chunk in
            defer { position += chunk.count }
            guard (position..<position + chunk.count).contains(offset) else { return try body(chunk) }
            var copy = Array(chunk)
            copy[offset - position] ^= 0x21
            try copy.withUnsafeBytes { try body($0) }
        }
    }
}
