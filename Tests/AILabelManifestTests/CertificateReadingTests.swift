import AILabelMedia
import Foundation
import SwiftASN1
import Testing
import X509

@testable import AILabelManifest

/// Certificates swift-certificates refuses or reads otherwise than c2pa-rs (RSASSA-PSS keys and
/// signatures, KeyUsage `03 02 00 C0`), EKUs from a trust config, trust bundles with an unreadable
/// certificate, and claim signatures checked whatever the certificate. The fixtures are made by
/// Fixtures/c2pa/make_profile_fixtures.py and signed by the reference SDK, whose verdict is stored
/// beside each and re-read live.
@Suite("Certificate reading as c2pa-rs reads certificates")
struct CertificateReadingTests {
    struct Case: Sendable, CustomStringConvertible {
        var fixture: String
        var anchors: [String]
        var description: String { fixture }
    }

    static let cases: [Case] = [
        Case(fixture: "signed-pss-keys.jpg", anchors: ["pss-root.pem"]),
        Case(fixture: "signed-pss-keys-signature-broken.jpg", anchors: ["pss-root.pem"]),
        Case(fixture: "signed-pss512-keys.jpg", anchors: ["pss512-root.pem"]),
        Case(fixture: "signed-key-usage-00c0.jpg", anchors: ["odd-root.pem"]),
        Case(fixture: "signed-private-eku.jpg", anchors: ["odd-root.pem"]),
        Case(fixture: "signed-app11-from-zero.jpg", anchors: ["fixtures-root.pem"]),
    ]

    @Test("ailabel's state and failure codes are the reference SDK's", arguments: cases)
    func agreesWithSDK(_ item: Case) throws {
        let path = TestPaths.fixtures + "/sdk/" + item.fixture
        let trust = try TrustConfiguration(anchorPEMs: item.anchors.map { try TestPaths.readText("keys/" + $0) })
        let report = ManifestValidator(trust: trust).validate(asset: try TestPaths.read("sdk/" + item.fixture))
        let sdk = try Referee.read(path, trust: item.anchors.map { TestPaths.fixtures + "/keys/" + $0 })
        #expect(report.state.rawValue == sdk.state, "\(report.statuses)")
        #expect(report.failureCodes == sdk.failure)
    }

    @Test("APP11 sequence numbers are read as c2pa-rs reads them", arguments: [
        [1, 2, 3], [0, 1, 2], [0, 2, 3], [1, 3, 5], [5, 6, 7], [1, 2, 2], [2, 1, 3],
    ])
    func app11Numbering(_ numbers: [UInt32]) throws {
        var asset = try TestPaths.read("sdk/signed-three-app11-segments.jpg")
        // The store's three APP11 segments, in file order: FF EB, length, "JP", box instance, sequence.
        var starts: [Int] = []
        var position = 2
        while position + 4 <= asset.count, asset[position] == 0xFF, asset[position + 1] != 0xDA {
            if asset[position + 1] == 0xEB { starts.append(position) }
            position += 2 + (Int(asset[position + 2]) << 8 | Int(asset[position + 3]))
        }
        try #require(starts.count == 3)
        for (start, number) in zip(starts, numbers) {
            asset.replaceSubrange(start + 8..<start + 12, with: withUnsafeBytes(of: number.bigEndian, Array.init))
        }
        let path = try TestSigning.write(asset, name: "app11-\(numbers.map(String.init).joined(separator: "-")).jpg")
        let sdk = try Referee.read(path, trust: [TestPaths.fixtures + "/keys/fixtures-root.pem"])
        let trust = try TrustConfiguration(anchorPEMs: [TestPaths.readText("keys/fixtures-root.pem")])
        // Both ways in: ailabel's own container reader (validate(asset:)) and the media layer's (what verify uses).
        let direct = ManifestValidator(trust: trust).validate(asset: asset)
        let viaMedia = ManifestValidator(trust: trust).validate(contents: try MediaFile(path: path, bytes: asset).contents, asset: asset)
        for report in [direct, viaMedia] {
            let state = report.state == .absent ? "absent" : report.state.rawValue
            if sdk.state == "error" {
                #expect(report.state == .invalid, "\(numbers): ailabel \(report.statuses), SDK \(sdk.error ?? "")")
            } else {
                #expect(state == sdk.state, "\(numbers): ailabel \(report.statuses), SDK \(sdk)")
                #expect(report.failureCodes == sdk.failure, "\(numbers)")
            }
        }
    }

    @Test("An id-RSASSA-PSS chain: swift-certificates refuses it, ailabel reads and checks every signature")
    func pssChain() throws {
        let chain = try ParsedCertificate.certificates(fromPEMBundle: TestPaths.readText("keys/pss-chain.pem"))
        let root = try ParsedCertificate.certificates(fromPEMBundle: TestPaths.readText("keys/pss-root.pem"))[0]
        #expect(throws: (any Error).self) { try Certificate(derEncoded: chain[0].der) }
        guard case .rsaPSS = chain[0].publicKey else {
            Issue.record("the leaf's key is not read as RSASSA-PSS")
            return
        }
        #expect(chain[0].signatureAlgorithm.oid == CertificateKey.rsaPSSAlgorithm)
        #expect(chain[1].publicKey.isValidSignature(chain[0].signature, over: chain[0].tbsBytes, algorithm: chain[0].signatureAlgorithm))
        #expect(root.publicKey.isValidSignature(chain[1].signature, over: chain[1].tbsBytes, algorithm: chain[1].signatureAlgorithm))
        // The wrong issuer's key, or a changed TBSCertificate, does not verify.
        #expect(!root.publicKey.isValidSignature(chain[0].signature, over: chain[0].tbsBytes, algorithm: chain[0].signatureAlgorithm))
        var changed = Array(chain[0].tbsBytes)
        changed[changed.count / 2] ^= 1
        #expect(!chain[1].publicKey.isValidSignature(chain[0].signature, over: changed[...], algorithm: chain[0].signatureAlgorithm))
        #expect(CertificateProfile.violations(ofSigner: chain[0], at: Date()).isEmpty)
        let trust = TrustConfiguration(anchors: [root])
        guard case .trusted = trust.evaluate(chain: chain, signingTime: nil) else {
            Issue.record("the PSS chain does not reach its PSS root")
            return
        }
    }

    @Test("KeyUsage encoded 03 02 00 C0 is read as digitalSignature and nonRepudiation, as c2pa-rs reads it")
    func keyUsageWithUnstatedPadding() throws {
        let leaf = try ParsedCertificate.certificates(fromPEMBundle: TestPaths.readText("keys/odd-key-usage-chain.pem"))[0]
        let raw = try #require(leaf.extension(.X509ExtensionID.keyUsage))
        #expect(Array(raw.value) == [0x03, 0x02, 0x00, 0xC0])
        // swift-certificates takes it for no KeyUsage at all.
        #expect((try? Certificate(derEncoded: leaf.der).extensions.keyUsage) == nil)
        let usage = try #require(leaf.keyUsage)
        #expect(usage.digitalSignature && usage.nonRepudiation && !usage.keyCertSign)
        #expect(CertificateProfile.violations(ofSigner: leaf, at: Date()).isEmpty)
    }

    @Test("A private EKU is accepted only through the trust config (store.cfg form), as the SDK's trust_config")
    func privateExtendedKeyUsage() throws {
        let path = TestPaths.fixtures + "/sdk/signed-private-eku.jpg"
        let config = try TestPaths.readText("keys/private-eku.cfg")
        #expect(TrustConfiguration.extendedKeyUsages(fromConfig: config) == [[1, 3, 6, 1, 4, 1, 99999, 1]])
        let trust = try TrustConfiguration(anchorBundles: [(name: "odd-root.pem", pem: TestPaths.readText("keys/odd-root.pem"))],
                                           extendedKeyUsages: config)
        let report = ManifestValidator(trust: trust).validate(asset: try TestPaths.read("sdk/signed-private-eku.jpg"))
        let sdk = try Referee.read(path, trust: [TestPaths.fixtures + "/keys/odd-root.pem"],
                                   trustConfig: TestPaths.fixtures + "/keys/private-eku.cfg")
        #expect(report.state == .trusted)
        #expect(sdk.state == "Trusted")
        #expect(report.failureCodes == sdk.failure)
    }

    @Test("A bundle with one unreadable certificate loads the others and names the bad one")
    func bundleWithUnreadableCertificate() throws {
        let root = try TestPaths.readText("keys/pss-root.pem")
        let garbage = "-----BEGIN CERTIFICATE-----\nMIIBAAAAAAAAAAAAAAAAAAAAAAAAAAAA\n-----END CERTIFICATE-----\n"
        let trust = try TrustConfiguration(anchorBundles: [(name: "anchors.pem", pem: garbage + root)])
        #expect(trust.anchors.count == 1)
        #expect(trust.warnings.count == 1)
        let warning = try #require(trust.warnings.first)
        #expect(warning.contains("certificate 1 of 2 in anchors.pem"))
        #expect(!warning.contains("[") && warning.count < 300, "no byte dump: \(warning)")
        #expect(throws: ManifestError.invalidCertificate) {
            try TrustConfiguration(anchorBundles: [(name: "bad.pem", pem: garbage)])
        }
    }

    @Test("A broken claim signature by a certificate outside the profile gives both failures, as the SDK")
    func signatureCheckedWhateverTheCertificate() throws {
        let key = try SigningKey.generate(.es256)
        // No AuthorityKeyIdentifier: outside the profile (signingCredential.invalid).
        let chainPEM = try SignerTests.chain(leafKey: key) {
            try Certificate.Extensions {
                Critical(BasicConstraints.notCertificateAuthority)
                Critical(KeyUsage(digitalSignature: true))
                try ExtendedKeyUsage([.emailProtection])
            }
        }
        let signer = try ManifestSigner(uncheckedKey: key, certificates: TrustConfiguration.certificates(fromPEMBundle: chainPEM))
        var signed = try signer.sign(try TestPaths.read("sources/small-160x120.jpg"), definition: TestSigning.definition())
        // Flip a byte of the 64-byte ES256 signature that ends the COSE_Sign1.
        let label = Array("c2pa.signature".utf8)
        let start = try #require(signed.indices.first { signed[$0...].starts(with: label) })
        let marker = try #require(signed.indices.reversed().first { $0 > start && signed[$0...].starts(with: [0x58, 0x40]) })
        signed[marker + 12] ^= 1
        let report = ManifestValidator().validate(asset: signed)
        #expect(report.failureCodes == ["claimSignature.mismatch", "signingCredential.invalid", "signingCredential.untrusted"])
        let path = try TestSigning.write(signed, name: "broken-signature-bad-certificate.jpg")
        let sdk = try Referee.read(path, trust: [])
        #expect(report.state.rawValue == sdk.state)
        #expect(report.failureCodes == sdk.failure)
    }
}
