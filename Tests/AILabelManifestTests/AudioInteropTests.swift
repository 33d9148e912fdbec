import AILabelMedia
import AILabelTestSupport
import Foundation
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
