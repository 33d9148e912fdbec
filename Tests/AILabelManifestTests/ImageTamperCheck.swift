import AILabelMedia
import AILabelTestSupport
import Foundation
import Testing

@testable import AILabelManifest

/// The check every data-hash-bound format's interop suite makes: a fixture signed by ailabel, one byte
/// of its last image-data range flipped, is `assertion.dataHash.mismatch` in ailabel and in the
/// reference SDK.
enum ImageTamperCheck {
    static func expectDataHashMismatch(_ fixture: String, handler: any AssetHandler, mime: String) throws {
        let signed = try TestSigning.signer.sign(try Repository.fixtureBytes(fixture), definition: TestSigning.definition())
        let image = try #require(try handler.imageDataRanges(in: signed).last)
        var tampered = signed
        tampered[image.upperBound - 3] ^= 0x21
        let ours = ManifestValidator(trust: TestSigning.trust).validate(asset: tampered)
        #expect(ours.failureCodes == ["assertion.dataHash.mismatch"], "\(ours.statuses)")
        let name = "tampered-" + (fixture as NSString).lastPathComponent
        let verdict = try Referee.read(try TestSigning.write(tampered, name: name), trust: [TestSigning.trustAnchorsPath], mime: mime)
        #expect(verdict.failure.contains("assertion.dataHash.mismatch"), "\(name): \(verdict)")
    }
}
