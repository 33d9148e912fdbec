import Crypto
import Foundation
import AILabelMedia
import SwiftASN1
import X509
#if canImport(Glibc)
import Glibc
#endif

/// A small test PKI that the C2PA reference SDK accepts: a root CA, an intermediate CA, and an
/// ES256 signer certificate with the documentSigning and emailProtection EKUs, KeyUsage
/// digitalSignature, AuthorityKeyIdentifier and SubjectKeyIdentifier.
///
/// It is for tests and trials: anyone holding `trust-anchors.pem` trusts this signer only because
/// they chose to.
public struct TestPKI: Sendable {
    /// The signer's private key, PKCS#8 PEM (`signer.key`).
    public var signerKeyPEM: String
    /// The signer certificate then the intermediate, PEM (`signer-chain.pem`, what goes into x5chain).
    public var signerChainPEM: String
    /// The root certificate, PEM (`trust-anchors.pem`, what a verifier trusts).
    public var trustAnchorsPEM: String

    /// Makes a fresh PKI. Validity: root 20 years, intermediate 10, signer `signerValidityDays`.
    public static func generate(commonName: String = "ailabel test", now: Date = Date(), signerValidityDays: Int = 730) throws -> TestPKI {
        let rootKey = P256.Signing.PrivateKey()
        let intermediateKey = P256.Signing.PrivateKey()
        let signerKey = P256.Signing.PrivateKey()
        let start = now.addingTimeInterval(-3600)
        let day: TimeInterval = 86_400

        let rootName = try DistinguishedName {
            OrganizationName("ailabel test PKI")
            CommonName("\(commonName) root CA")
        }
        let intermediateName = try DistinguishedName {
            OrganizationName("ailabel test PKI")
            CommonName("\(commonName) intermediate CA")
        }
        let signerName = try DistinguishedName {
            OrganizationName("ailabel test PKI")
            CommonName("\(commonName) signer")
        }
        let rootPublic = Certificate.PublicKey(rootKey.publicKey)
        let intermediatePublic = Certificate.PublicKey(intermediateKey.publicKey)
        let signerPublic = Certificate.PublicKey(signerKey.publicKey)

        do {
            let root = try Certificate(
                version: .v3, serialNumber: Certificate.SerialNumber(), publicKey: rootPublic,
                notValidBefore: start, notValidAfter: now.addingTimeInterval(day * 365 * 20),
                issuer: rootName, subject: rootName, signatureAlgorithm: .ecdsaWithSHA256,
                extensions: try Certificate.Extensions {
                    Critical(BasicConstraints.isCertificateAuthority(maxPathLength: 1))
                    Critical(KeyUsage(keyCertSign: true, cRLSign: true))
                    SubjectKeyIdentifier(hash: rootPublic)
                },
                issuerPrivateKey: Certificate.PrivateKey(rootKey))
            let intermediate = try Certificate(
                version: .v3, serialNumber: Certificate.SerialNumber(), publicKey: intermediatePublic,
                notValidBefore: start, notValidAfter: now.addingTimeInterval(day * 365 * 10),
                issuer: rootName, subject: intermediateName, signatureAlgorithm: .ecdsaWithSHA256,
                extensions: try Certificate.Extensions {
                    Critical(BasicConstraints.isCertificateAuthority(maxPathLength: 0))
                    Critical(KeyUsage(keyCertSign: true, cRLSign: true))
                    SubjectKeyIdentifier(hash: intermediatePublic)
                    AuthorityKeyIdentifier(keyIdentifier: SubjectKeyIdentifier(hash: rootPublic).keyIdentifier)
                },
                issuerPrivateKey: Certificate.PrivateKey(rootKey))
            let signer = try Certificate(
                version: .v3, serialNumber: Certificate.SerialNumber(), publicKey: signerPublic,
                notValidBefore: start, notValidAfter: now.addingTimeInterval(day * Double(signerValidityDays)),
                issuer: intermediateName, subject: signerName, signatureAlgorithm: .ecdsaWithSHA256,
                extensions: try Certificate.Extensions {
                    Critical(BasicConstraints.notCertificateAuthority)
                    Critical(KeyUsage(digitalSignature: true))
                    try ExtendedKeyUsage([
                        ExtendedKeyUsage.Usage(oid: CertificateProfile.documentSigning), .emailProtection,
                    ])
                    SubjectKeyIdentifier(hash: signerPublic)
                    AuthorityKeyIdentifier(keyIdentifier: SubjectKeyIdentifier(hash: intermediatePublic).keyIdentifier)
                },
                issuerPrivateKey: Certificate.PrivateKey(intermediateKey))
            return TestPKI(
                signerKeyPEM: signerKey.pemRepresentation,
                signerChainPEM: try signer.serializeAsPEM().pemString + "\n" + intermediate.serializeAsPEM().pemString + "\n",
                trustAnchorsPEM: try root.serializeAsPEM().pemString + "\n")
        } catch {
            throw ManifestError.make(.invalidCertificate, "The test PKI could not be made: \(error)")
        }
    }

    /// A certificate as PEM text.
    public static func pem(_ certificate: Certificate) throws -> String {
        try certificate.serializeAsPEM().pemString + "\n"
    }

    /// The file names `ailabel keys init` writes.
    public static let signerKeyFile = "signer.key"
    public static let signerChainFile = "signer-chain.pem"
    public static let trustAnchorsFile = "trust-anchors.pem"

    /// Writes the three files into `directory` (created if needed). Refuses to overwrite any
    /// existing one; the key file gets mode 0600. Returns the paths written.
    @discardableResult
    public func write(to directory: String) throws -> [String] {
        let manager = FileManager.default
        // The key's folder is private whatever the umask (0777 under `umask 000` would let anyone swap
        // the files); a folder that already exists keeps its mode.
        var built = directory.hasPrefix("/") ? "" : "."
        for component in directory.split(separator: "/") {
            built += "/" + component
            if mkdir(built, 0o700) == 0 {
                _ = chmod(built, 0o700)
            } else if errno != EEXIST {
                throw ManifestError.make(.io, "Cannot create \(built): \(Self.sentence(errno))")
            }
        }
        let files = [
            (Self.signerKeyFile, signerKeyPEM, 0o600), (Self.signerChainFile, signerChainPEM, 0o644),
            (Self.trustAnchorsFile, trustAnchorsPEM, 0o644),
        ]
        let paths = files.map { (directory as NSString).appendingPathComponent($0.0) }
        for path in paths where manager.fileExists(atPath: path) {
            throw ManifestError.make(.io, "\(path) already exists; ailabel never overwrites keys (choose another directory or remove it)")
        }
        for (file, path) in zip(files, paths) {
            // Create with the final mode so the key is never readable by others, even briefly.
            let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL, mode_t(file.2))
            guard descriptor >= 0 else { throw ManifestError.make(.io, "Cannot create \(path): \(Self.sentence(errno))") }
            let bytes = Array(file.1.utf8)
            let written = bytes.withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress, $0.count) }
            close(descriptor)
            guard written == bytes.count else { throw ManifestError.make(.io, "Cannot write \(path)") }
            _ = chmod(path, mode_t(file.2))
        }
        return paths
    }

    /// An error number as a sentence, never `errno 17`.
    static func sentence(_ code: Int32) -> String { SystemError.sentence(code) }
}
