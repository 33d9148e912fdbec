import AILabelMedia
import AILabelTestSupport
import Foundation
import Testing

@testable import AILabelManifest

/// MP4, MOV, M4A and 3GP signed by ailabel (the C2PA `uuid` box after `ftyp`, bound by
/// `c2pa.hash.bmff.v3`, chunk offsets moved) and by the reference SDK, judged by both, intact and tampered.
@Suite("MP4, MOV and M4A: the BMFF hash binding against the reference SDK", .serialized)
struct MP4InteropTests {
    static let fixtures = ["media/h264.mp4", "media/faststart.mp4", "media/h265.mp4", "media/vp9.mp4", "media/movie.mov",
                           "media/aac.m4a", "media/video.3gp", "media/aigc.mp4", "media/xmp.mov"]

    static func mime(_ path: String) -> String {
        switch (path as NSString).pathExtension {
        case "mov": "video/quicktime"
        case "m4a": "audio/mp4"
        default: "video/mp4"
        }
    }

    @Test("Every MP4, MOV, M4A and 3GP ailabel signs is Trusted in the reference SDK with a BMFF hash match and no failure codes, and so in ailabel",
          arguments: fixtures)
    func signedMovieIsTrusted(_ fixture: String) throws {
        let asset = try Repository.fixtureBytes(fixture)
        let signed = try TestSigning.signer.sign(asset, definition: TestSigning.definition(title: fixture))
        let handler = try #require(AssetRegistry.standard.handler(for: signed))
        let contents = try handler.parse(signed)
        #expect(contents.c2paStoreCount == 1)
        #expect(contents.blocks.dropFirst().first?.kind == .c2pa, "the C2PA uuid box follows ftyp, as c2pa-rs puts it")
        #expect(ByteRanges.equal(asset, try handler.imageDataRanges(in: asset), signed, contents.imageDataRanges))
        // The SDK reads a .3gp by the MP4 MIME type (its own list has no 3GPP).
        let name = "signed-" + (fixture as NSString).lastPathComponent.replacingOccurrences(of: ".3gp", with: ".mp4")
        let verdict = try Referee.read(try TestSigning.write(signed, name: name), trust: [TestSigning.trustAnchorsPath], mime: Self.mime(name))
        #expect(verdict.state == "Trusted", "\(name): \(verdict)")
        #expect(verdict.failure.isEmpty, "\(name): \(verdict.failure)")
        #expect(verdict.success.contains("assertion.bmffHash.match"), "\(name): \(verdict.success)")
        #expect(verdict.digitalSourceTypes?.contains(TestSigning.aiGenerated) == true)
        let ours = ManifestValidator(trust: TestSigning.trust).validate(asset: signed)
        #expect(ours.state == .trusted, "\(ours.statuses)")
        #expect(ours.successCodes.contains("assertion.bmffHash.match"))
        // Re-signing replaces ailabel's own manifest in place and stays Trusted.
        let again = try TestSigning.signer.sign(signed, definition: TestSigning.definition(title: fixture))
        #expect(again.count == signed.count)
        #expect(try handler.parse(again).c2paStoreCount == 1)
        #expect(ManifestValidator(trust: TestSigning.trust).validate(asset: again).state == .trusted)
    }

    @Test("A MOV whose udta ends with QuickTime's 32-bit zero, signed by ailabel, is Trusted in the reference SDK and in ailabel")
    func userDataTerminatorSigned() throws {
        let asset = try QuickTimeUserData.movie(terminator: [0, 0, 0, 0])
        let signed = try TestSigning.signer.sign(asset, definition: TestSigning.definition(title: "terminator.mov"))
        let verdict = try Referee.read(try TestSigning.write(signed, name: "signed-terminator.mov"), trust: [TestSigning.trustAnchorsPath], mime: "video/quicktime")
        #expect(verdict.state == "Trusted" && verdict.failure.isEmpty, "\(verdict)")
        #expect(ManifestValidator(trust: TestSigning.trust).validate(asset: signed).state == .trusted)
    }

    /// Three tampers: a byte of the media data, a byte of moov (a chunk offset), and a `free` box slipped
    /// in before the media data (excluded itself, but it moves the boxes after it, whose offsets v3 hashes).
    static func tampers(_ signed: [UInt8]) throws -> [(String, [UInt8])] {
        let tree = try BMFFTree(signed)
        let mdat = try #require(tree.topLevel.first { tree.boxes[$0].type == .mdat })
        var media = signed
        media[tree.boxes[mdat].range.upperBound - 5] ^= 0x21
        var table = signed
        let stco = try #require(tree.boxes.first { $0.type == .stco || $0.type == .co64 })
        table[stco.range.upperBound - 1] ^= 0x01
        var moved = signed
        moved.insert(contentsOf: [0, 0, 0, 8] + Array("free".utf8), at: tree.boxes[mdat].range.lowerBound)
        return [("mdat", media), ("stco", table), ("moved", moved)]
    }

    @Test("A changed mdat byte, a changed chunk offset and a moved box are BMFF hash mismatches in ailabel and in the reference SDK",
          arguments: ["media/h264.mp4", "media/movie.mov", "media/aac.m4a"])
    func tamperedMovie(_ fixture: String) throws {
        let signed = try TestSigning.signer.sign(try Repository.fixtureBytes(fixture), definition: TestSigning.definition())
        for (kind, tampered) in try Self.tampers(signed) {
            let ours = ManifestValidator(trust: TestSigning.trust).validate(asset: tampered)
            #expect(ours.failureCodes == ["assertion.bmffHash.mismatch"], "\(kind): \(ours.statuses)")
            let name = "tampered-\(kind)-" + (fixture as NSString).lastPathComponent
            let verdict = try Referee.read(try TestSigning.write(tampered, name: name), trust: [TestSigning.trustAnchorsPath], mime: Self.mime(fixture))
            #expect(verdict.state == ours.state.rawValue, "\(kind): SDK \(verdict), ailabel \(ours.state)")
            #expect(verdict.failure == ours.failureCodes, "\(kind): SDK \(verdict.failure), ailabel \(ours.failureCodes)")
        }
    }

    @Test("Files the reference SDK signs, intact and tampered, get the SDK's state and failure codes in ailabel",
          arguments: ["sdk/signed.mp4", "sdk/signed-faststart.mp4", "sdk/signed.mov", "sdk/signed.m4a"])
    func signedBySDK(_ name: String) throws {
        let asset = try TestPaths.read(name)
        let trustPEM = TestPaths.fixtures + "/keys/fixtures-root.pem"
        let trust = try TrustConfiguration(anchorPEMs: [TestPaths.readText("keys/fixtures-root.pem")])
        for (kind, bytes) in [("intact", asset)] + (try Self.tampers(asset)) {
            let path = try TestSigning.write(bytes, name: "\(kind)-" + (name as NSString).lastPathComponent)
            // Untrusted and trusted for the intact file; the tampers judged with the anchors (the codes are the hash's).
            for anchors in kind == "intact" ? [[], [trustPEM]] : [[trustPEM]] {
                let report = ManifestValidator(trust: anchors.isEmpty ? .none : trust).validate(asset: bytes)
                let verdict = try Referee.read(path, trust: anchors, mime: Self.mime(name))
                #expect(report.state.rawValue == verdict.state, "\(name) \(kind): ailabel \(report.state) \(report.statuses), SDK \(verdict)")
                #expect(report.failureCodes == verdict.failure.sorted(), "\(name) \(kind): ailabel \(report.failureCodes), SDK \(verdict.failure)")
                if kind == "intact" { #expect(report.successCodes.contains("assertion.bmffHash.match")) }
            }
        }
    }

    @Test("ailabel signing over an SDK-signed MP4 keeps the SDK's manifest as the parent; the SDK reads it with no failure codes")
    func resignedOverSDK() throws {
        let asset = try TestPaths.read("sdk/signed.mp4")
        let signed = try TestSigning.signer.sign(asset, definition: TestSigning.definition())
        let path = try TestSigning.write(signed, name: "resigned.mp4")
        let verdict = try Referee.read(path, trust: [TestSigning.trustAnchorsPath, TestPaths.fixtures + "/keys/fixtures-root.pem"], mime: "video/mp4")
        #expect(verdict.state == "Trusted", "\(verdict)")
        #expect(verdict.failure.isEmpty && (verdict.ingredientFailure ?? []).isEmpty, "\(verdict)")
        #expect(verdict.manifestCount == 2)
    }

    @Test("An MP4 is validated from its file by positioned reads and a streamed hash")
    func streamedMovie() throws {
        let signed = try TestSigning.signer.sign(try Repository.fixtureBytes("media/h264.mp4"), definition: TestSigning.definition())
        let path = try TestSigning.write(signed, name: "streamed.mp4")
        let report = ManifestValidator(trust: TestSigning.trust).validate(fileAt: path, chunkSize: 64)
        #expect(report.state == .trusted, "\(report.statuses)")
    }
}
