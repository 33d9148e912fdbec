import AILabelMedia
import AILabelTestSupport
import Foundation
import Testing

@testable import AILabelManifest

/// JPEG XL signed by ailabel (the C2PA `jumb` box after `ftyp`, data-hash bound), judged by the
/// reference SDK and by ailabel's validator, intact and tampered; and files the SDK signed, judged by both.
@Suite("JPEG XL: signed by ailabel, read by the reference SDK, and the other way round", .serialized)
struct JXLInteropTests {
    static let fixtures = [
        "media/codestream.jxl", "media/lossless.jxl", "media/alpha.jxl", "media/recompressed.jxl", "media/animated.jxl",
        "media/metadata.jxl", "media/compressed-metadata.jxl",
    ]

    @Test("Every kind of JPEG XL ailabel signs is Trusted in the reference SDK with no failure codes, and so in ailabel", arguments: fixtures)
    func signedJXLIsTrusted(_ fixture: String) throws {
        let asset = try Repository.fixtureBytes(fixture)
        let signed = try TestSigning.signer.sign(asset, definition: TestSigning.definition(title: fixture))
        let handler = JXLHandler()
        let contents = try handler.parse(signed)
        #expect(contents.c2paStoreCount == 1)
        #expect(contents.blocks.prefix(3).map(\.kind) == [.header, .header, .c2pa], "the C2PA jumb box follows ftyp, as c2pa-rs puts it")
        #expect(ByteRanges.equal(asset, try handler.imageDataRanges(in: asset), signed, contents.imageDataRanges))
        let name = "signed-" + (fixture as NSString).lastPathComponent
        let verdict = try Referee.read(try TestSigning.write(signed, name: name), trust: [TestSigning.trustAnchorsPath], mime: "image/jxl")
        #expect(verdict.state == "Trusted", "\(name): \(verdict)")
        #expect(verdict.failure.isEmpty, "\(name): \(verdict.failure)")
        #expect(verdict.digitalSourceTypes?.contains(TestSigning.aiGenerated) == true)
        #expect(ManifestValidator(trust: TestSigning.trust).validate(asset: signed).state == .trusted)
        // Re-signing replaces ailabel's own manifest and stays Trusted.
        let again = try TestSigning.signer.sign(signed, definition: TestSigning.definition(title: fixture))
        #expect(try handler.parse(again).c2paStoreCount == 1)
        #expect(ManifestValidator(trust: TestSigning.trust).validate(asset: again).state == .trusted)
    }

    @Test("A changed byte of a signed JPEG XL's codestream is a data hash mismatch in ailabel and in the reference SDK",
          arguments: ["media/codestream.jxl", "media/lossless.jxl", "media/compressed-metadata.jxl"])
    func tamperedJXL(_ fixture: String) throws {
        try ImageTamperCheck.expectDataHashMismatch(fixture, handler: JXLHandler(), mime: "image/jxl")
    }

    @Test("JPEG XL signed (and tampered) by the reference SDK: ailabel gives the SDK's state and failure codes",
          arguments: ["signed.jxl", "signed-byte-flipped.jxl", "signed-xmp-edited.jxl"])
    func signedBySDK(_ name: String) throws {
        let path = TestPaths.fixtures + "/sdk/" + name
        let asset = try TestPaths.read("sdk/" + name)
        let trust = try TrustConfiguration(anchorPEMs: [TestPaths.readText("keys/fixtures-root.pem")])
        let report = ManifestValidator(trust: trust).validate(asset: asset)
        let verdict = try Referee.read(path, trust: [TestPaths.fixtures + "/keys/fixtures-root.pem"], mime: "image/jxl")
        #expect(report.state.rawValue == verdict.state, "\(name): ailabel \(report.state) \(report.statuses), SDK \(verdict)")
        #expect(report.failureCodes == verdict.failure.sorted(), "\(name): ailabel \(report.failureCodes), SDK \(verdict.failure)")
        if verdict.state == "Trusted" {
            #expect(Set(verdict.success).isSubset(of: Set(report.successCodes)), "\(name): \(report.successCodes) vs \(verdict.success)")
        }
    }

    @Test("A JPEG XL larger than the head read is validated by reading on")
    func streamedJXL() throws {
        let signed = try TestSigning.signer.sign(try Repository.fixtureBytes("media/lossless.jxl"), definition: TestSigning.definition())
        let path = try TestSigning.write(signed, name: "streamed.jxl")
        let report = ManifestValidator(trust: TestSigning.trust).validate(fileAt: path, chunkSize: 64)
        #expect(report.state == .trusted, "\(report.statuses)")
    }
}
