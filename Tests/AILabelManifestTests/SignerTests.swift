import Crypto
import Foundation
import Testing
import X509

@testable import AILabelManifest

@Suite("Signer profile checks")
struct SignerTests {
    static let day: TimeInterval = 86_400

    /// Builds a chain with a caller-shaped leaf, issued by a fresh intermediate and root.
    static func chain(leafKey: SigningKey, notAfter: Date = Date().addingTimeInterval(day), leafExtensions: () throws -> Certificate.Extensions) throws -> String {
        let rootKey = try SigningKey.generate(.es256)
        let intermediateKey = try SigningKey.generate(.es256)
        let rootName = try DistinguishedName { CommonName("profile root") }
        let intermediateName = try DistinguishedName { CommonName("profile intermediate") }
        let leafName = try DistinguishedName { CommonName("profile leaf") }
        let start = Date().addingTimeInterval(-2 * day)
        let intermediate = try Certificate(
            version: .v3, serialNumber: .init(), publicKey: intermediateKey.publicKey, notValidBefore: start,
            notValidAfter: Date().addingTimeInterval(365 * day), issuer: rootName, subject: intermediateName,
            signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.isCertificateAuthority(maxPathLength: 0))
                Critical(KeyUsage(keyCertSign: true))
                SubjectKeyIdentifier(hash: intermediateKey.publicKey)
            }, issuerPrivateKey: rootKey.certificatePrivateKey)
        let leaf = try Certificate(
            version: .v3, serialNumber: .init(), publicKey: leafKey.publicKey, notValidBefore: start, notValidAfter: notAfter,
            issuer: intermediateName, subject: leafName, signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try leafExtensions(), issuerPrivateKey: intermediateKey.certificatePrivateKey)
        return try TestPKI.pem(leaf) + TestPKI.pem(intermediate)
    }

    static func goodExtensions(_ key: SigningKey) throws -> Certificate.Extensions {
        try Certificate.Extensions {
            Critical(BasicConstraints.notCertificateAuthority)
            Critical(KeyUsage(digitalSignature: true))
            try ExtendedKeyUsage([.emailProtection])
            AuthorityKeyIdentifier(keyIdentifier: [1, 2, 3, 4])
        }
    }

    @Test("Accepts the test PKI and a well-formed chain")
    func acceptsGood() throws {
        _ = try ManifestSigner(privateKeyPEM: TestSigning.pki.signerKeyPEM, certificateChainPEM: TestSigning.pki.signerChainPEM)
        let key = try SigningKey.generate(.es256)
        _ = try ManifestSigner(privateKeyPEM: key.pemRepresentation, certificateChainPEM: Self.chain(leafKey: key) { try Self.goodExtensions(key) })
    }

    @Test("Refuses a key that does not match the certificate")
    func refusesMismatchedKey() throws {
        let other = try SigningKey.generate(.es256)
        #expect(throws: ManifestError.keyMismatch) {
            try ManifestSigner(privateKeyPEM: other.pemRepresentation, certificateChainPEM: TestSigning.pki.signerChainPEM)
        }
    }

    @Test("Refuses an expired certificate")
    func refusesExpired() throws {
        let key = try SigningKey.generate(.es256)
        let chain = try Self.chain(leafKey: key, notAfter: Date().addingTimeInterval(-Self.day)) { try Self.goodExtensions(key) }
        #expect(throws: ManifestError.invalidCertificate) {
            try ManifestSigner(privateKeyPEM: key.pemRepresentation, certificateChainPEM: chain)
        }
    }

    @Test("Refuses a CA certificate as signer")
    func refusesCA() throws {
        let key = try SigningKey.generate(.es256)
        let chain = try Self.chain(leafKey: key) {
            try Certificate.Extensions {
                Critical(BasicConstraints.isCertificateAuthority(maxPathLength: nil))
                Critical(KeyUsage(digitalSignature: true, keyCertSign: true))
                try ExtendedKeyUsage([.emailProtection])
                AuthorityKeyIdentifier(keyIdentifier: [1, 2, 3, 4])
            }
        }
        do {
            _ = try ManifestSigner(privateKeyPEM: key.pemRepresentation, certificateChainPEM: chain)
            Issue.record("a CA certificate was accepted")
        } catch let error as ManifestError {
            #expect(error.code == .invalidCertificate)
            #expect(error.reason.contains("CA certificate"))
        }
    }

    @Test("Refuses profile violations: no EKU, anyExtendedKeyUsage, no AKI, no digitalSignature")
    func refusesProfileViolations() throws {
        let key = try SigningKey.generate(.es256)
        let variants: [() throws -> Certificate.Extensions] = [
            { try Certificate.Extensions { Critical(KeyUsage(digitalSignature: true)); AuthorityKeyIdentifier(keyIdentifier: [1]) } },
            { try Certificate.Extensions {
                Critical(KeyUsage(digitalSignature: true)); try ExtendedKeyUsage([.any]); AuthorityKeyIdentifier(keyIdentifier: [1])
            } },
            { try Certificate.Extensions { Critical(KeyUsage(digitalSignature: true)); try ExtendedKeyUsage([.emailProtection]) } },
            { try Certificate.Extensions {
                Critical(KeyUsage(keyEncipherment: true)); try ExtendedKeyUsage([.emailProtection]); AuthorityKeyIdentifier(keyIdentifier: [1])
            } },
            { try Certificate.Extensions {
                Critical(KeyUsage(digitalSignature: true)); try ExtendedKeyUsage([.serverAuth]); AuthorityKeyIdentifier(keyIdentifier: [1])
            } },
        ]
        for variant in variants {
            let chain = try Self.chain(leafKey: key, leafExtensions: variant)
            #expect(throws: ManifestError.invalidCertificate) {
                try ManifestSigner(privateKeyPEM: key.pemRepresentation, certificateChainPEM: chain)
            }
        }
    }

    @Test("Refuses a self-signed certificate")
    func refusesSelfSigned() throws {
        let key = try SigningKey.generate(.es256)
        let certificate = try COSETests.certificate(for: key)
        #expect(throws: ManifestError.invalidCertificate) {
            try ManifestSigner(privateKeyPEM: key.pemRepresentation, certificateChainPEM: TestPKI.pem(certificate))
        }
    }

    @Test("Refuses garbage key and certificate PEM")
    func refusesGarbage() {
        #expect(throws: ManifestError.invalidKey) { try ManifestSigner(privateKeyPEM: "nope", certificateChainPEM: TestSigning.pki.signerChainPEM) }
        #expect(throws: ManifestError.invalidCertificate) { try ManifestSigner(privateKeyPEM: TestSigning.pki.signerKeyPEM, certificateChainPEM: "nope") }
    }

    @Test("keys init writes three files, the key with mode 0600, and refuses to overwrite")
    func writesTestPKI() throws {
        let directory = try TestPaths.temporaryDirectory() + "/keys"
        let pki = try TestPKI.generate()
        let paths = try pki.write(to: directory)
        #expect(paths.map { ($0 as NSString).lastPathComponent } == ["signer.key", "signer-chain.pem", "trust-anchors.pem"])
        let attributes = try FileManager.default.attributesOfItem(atPath: paths[0])
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
        #expect(try TrustConfiguration.certificates(fromPEMBundle: String(contentsOfFile: paths[1], encoding: .utf8)).count == 2)
        #expect(throws: ManifestError.self) { try TestPKI.generate().write(to: directory) }
        #expect(try String(contentsOfFile: paths[0], encoding: .utf8) == pki.signerKeyPEM)
    }
}
