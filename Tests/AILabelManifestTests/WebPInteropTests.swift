import AILabelMedia
import AILabelTestSupport
import Foundation
import Testing

@testable import AILabelManifest

/// WebP signed by ailabel (the `C2PA` chunk last, data-hash bound), judged by the reference SDK and by
/// ailabel's validator, intact and tampered.
@Suite("WebP: signed by ailabel, read by the reference SDK", .serialized)
struct WebPInteropTests {
    static let fixtures = ["media/lossy.webp", "media/lossless.webp", "media/alpha.webp", "media/animated.webp", "media/metadata.webp"]

    @Test("Every kind of WebP ailabel signs is Trusted in the reference SDK with no failure codes, and so in ailabel", arguments: fixtures)
    func signedWebPIsTrusted(_ fixture: String) throws {
        let asset = try Repository.fixtureBytes(fixture)
        let signed = try TestSigning.signer.sign(asset, definition: TestSigning.definition(title: fixture))
        let handler = WebPHandler()
        let contents = try handler.parse(signed)
        #expect(contents.c2paStoreCount == 1)
        #expect(contents.blocks.last { $0.kind != .trailing }?.kind == .c2pa, "the C2PA chunk is the RIFF's last, as c2pa-rs puts it")
        #expect(ByteRanges.equal(asset, try handler.imageDataRanges(in: asset), signed, contents.imageDataRanges))
        let name = "signed-" + (fixture as NSString).lastPathComponent
        let verdict = try Referee.read(try TestSigning.write(signed, name: name), trust: [TestSigning.trustAnchorsPath], mime: "image/webp")
        #expect(verdict.state == "Trusted", "\(name): \(verdict)")
        #expect(verdict.failure.isEmpty, "\(name): \(verdict.failure)")
        #expect(verdict.digitalSourceTypes?.contains(TestSigning.aiGenerated) == true)
        #expect(ManifestValidator(trust: TestSigning.trust).validate(asset: signed).state == .trusted)
        // Re-signing replaces ailabel's own manifest and stays Trusted.
        let again = try TestSigning.signer.sign(signed, definition: TestSigning.definition(title: fixture))
        #expect(try handler.parse(again).c2paStoreCount == 1)
        #expect(ManifestValidator(trust: TestSigning.trust).validate(asset: again).state == .trusted)
    }

    @Test("A changed byte of a signed WebP's image data is a data hash mismatch in ailabel and in the reference SDK", arguments: fixtures)
    func tamperedWebP(_ fixture: String) throws {
        try ImageTamperCheck.expectDataHashMismatch(fixture, handler: WebPHandler(), mime: "image/webp")
    }

    @Test("A WebP larger than the head read is validated by reading on to its last chunk")
    func streamedWebP() throws {
        let signed = try TestSigning.signer.sign(try Repository.fixtureBytes("media/animated.webp"), definition: TestSigning.definition())
        let path = try TestSigning.write(signed, name: "streamed.webp")
        let report = ManifestValidator(trust: TestSigning.trust).validate(fileAt: path, chunkSize: 64)
        #expect(report.state == .trusted, "\(report.statuses)")
    }
}
