import Foundation
import Testing
import X509

@testable import AILabelManifest

@Suite("Trust configuration and reports")
struct TrustTests {
    static func signedSample() throws -> [UInt8] {
        try TestSigning.signer.sign(try TestPaths.read("sources/small-96x64.png"), definition: TestSigning.definition())
    }

    @Test("An allowed list trusts an end-entity certificate by its SHA-256, in hex or as PEM")
    func allowedList() throws {
        let signed = try Self.signedSample()
        let leaf = try TrustConfiguration.certificates(fromPEMBundle: TestSigning.pki.signerChainPEM)[0]
        let hex = TrustConfiguration.fingerprint(leaf).map { String(format: "%02x", $0) }.joined()
        let byHash = try TrustConfiguration(anchorPEMs: [], allowedList: "# ailabel signer\n\(hex)\n")
        #expect(ManifestValidator(trust: byHash).validate(asset: signed).state == .trusted)
        let byPEM = try TrustConfiguration(anchorPEMs: [], allowedList: try TestPKI.pem(leaf))
        #expect(ManifestValidator(trust: byPEM).validate(asset: signed).state == .trusted)
        let other = try TrustConfiguration(anchorPEMs: [TestPaths.readText("keys/untrusted-root.pem")])
        let report = ManifestValidator(trust: other).validate(asset: signed)
        #expect(report.state == .valid)
        #expect(report.failureCodes == ["signingCredential.untrusted"])
    }

    @Test("An intermediate can be the trust anchor")
    func intermediateAnchor() throws {
        let intermediate = try TrustConfiguration.certificates(fromPEMBundle: TestSigning.pki.signerChainPEM)[1]
        let trust = try TrustConfiguration(anchors: [intermediate])
        #expect(ManifestValidator(trust: trust).validate(asset: try Self.signedSample()).state == .trusted)
    }

    @Test("A bundle without certificates is refused")
    func emptyBundle() {
        #expect(throws: ManifestError.invalidCertificate) { try TrustConfiguration(anchorPEMs: ["no certificates here"]) }
    }

    @Test("A certificate expired at validation time is signingCredential.expired")
    func expiredAtValidation() throws {
        let signed = try Self.signedSample()
        let later = Date().addingTimeInterval(86_400 * 365 * 5)
        let report = ManifestValidator(trust: TestSigning.trust, validationTime: later).validate(asset: signed)
        #expect(report.state == .invalid)
        #expect(report.failureCodes == ["signingCredential.expired"])
    }

    @Test("Reports encode as JSON with codes, explanations and the manifest summary")
    func jsonReport() throws {
        let report = ManifestValidator(trust: TestSigning.trust).validate(asset: try Self.signedSample())
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let object = try JSONSerialization.jsonObject(with: encoder.encode(report)) as? [String: Any]
        #expect(object?["state"] as? String == "Trusted")
        #expect((object?["success"] as? [String])?.contains("claimSignature.validated") == true)
        let manifest = object?["activeManifest"] as? [String: Any]
        #expect(manifest?["claimGeneratorName"] as? String == "ailabel")
        #expect((manifest?["disclosure"] as? [String: Any])?["jurisdiction"] as? String == "EU")
        let statuses = object?["statuses"] as? [[String: Any]]
        #expect(statuses?.allSatisfy { $0["explanation"] is String && $0["code"] is String } == true)
    }
}
