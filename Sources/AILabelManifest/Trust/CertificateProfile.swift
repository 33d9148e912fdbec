import Foundation
import SwiftASN1
import X509

/// The C2PA signer certificate profile, as the reference SDK enforces it when signing and reading
/// (`crypto/cose/certificate_profile.rs` in c2pa-rs): X.509 v3; an EC P-256/384/521, RSA ≥ 2048
/// or Ed25519 key; not a CA and not self-signed; an AuthorityKeyIdentifier; KeyUsage with
/// digitalSignature and without keyCertSign; an ExtendedKeyUsage that is not anyExtendedKeyUsage and
/// names one of the C2PA-accepted purposes; no unhandled critical extension; valid at the given time.
public enum CertificateProfile {
    /// An EKU purpose the profile accepts.
    static let acceptedUsages: Set<ExtendedKeyUsage.Usage> = [
        .emailProtection, .timeStamping, .ocspSigning,
        ExtendedKeyUsage.Usage(oid: documentSigning), ExtendedKeyUsage.Usage(oid: c2paClaimSigning),
    ]

    /// id-kp-documentSigning (RFC 9336).
    public static let documentSigning: ASN1ObjectIdentifier = [1, 3, 6, 1, 5, 5, 7, 3, 36]
    /// The C2PA claim-signing purpose.
    public static let c2paClaimSigning: ASN1ObjectIdentifier = [1, 3, 6, 1, 4, 1, 62558, 2, 1]

    static let acceptedSignatureAlgorithms: Set<Certificate.SignatureAlgorithm> = [
        .ecdsaWithSHA256, .ecdsaWithSHA384, .ecdsaWithSHA512, .sha256WithRSAEncryption, .sha384WithRSAEncryption,
        .sha512WithRSAEncryption, .ed25519,
    ]

    static let handledCriticalExtensions: Set<ASN1ObjectIdentifier> = [
        .X509ExtensionID.basicConstraints, .X509ExtensionID.keyUsage, .X509ExtensionID.extendedKeyUsage,
        .X509ExtensionID.subjectAlternativeName, .X509ExtensionID.nameConstraints,
        .X509ExtensionID.authorityKeyIdentifier, .X509ExtensionID.subjectKeyIdentifier,
    ]

    /// A violation of the profile, with the C2PA status code it maps to.
    public struct Violation: Sendable, Hashable, CustomStringConvertible {
        /// `signingCredential.expired` for validity problems, otherwise `signingCredential.invalid`.
        public var code: ValidationStatus.Code
        public var description: String
    }

    /// The violations of the signer (leaf) certificate, empty when it satisfies the profile.
    public static func violations(ofSigner certificate: Certificate, at time: Date) -> [Violation] {
        var out: [Violation] = []
        func invalid(_ text: String) { out.append(Violation(code: .signingCredentialInvalid, description: text)) }
        if certificate.version != .v3 { invalid("The signing certificate is not an X.509 v3 certificate") }
        if !acceptedSignatureAlgorithms.contains(certificate.signatureAlgorithm) {
            invalid("The signing certificate is signed with \(certificate.signatureAlgorithm), which C2PA does not accept")
        }
        if certificate.notValidAfter < time {
            out.append(Violation(code: .signingCredentialExpired, description:
                "The signing certificate expired on \(certificate.notValidAfter)"))
        } else if certificate.notValidBefore > time {
            out.append(Violation(code: .signingCredentialExpired, description:
                "The signing certificate is not valid before \(certificate.notValidBefore)"))
        }
        out += keyViolations(certificate).map { Violation(code: .signingCredentialInvalid, description: $0) }
        if certificate.issuer == certificate.subject {
            invalid("The signing certificate is self-signed; C2PA needs a certificate issued by a CA (run `ailabel keys init`)")
        }
        let extensions = certificate.extensions
        if let constraints = try? extensions.basicConstraints, case .isCertificateAuthority = constraints {
            invalid("The signing certificate is a CA certificate; sign with an end-entity certificate")
        }
        if (try? extensions.authorityKeyIdentifier) == nil {
            invalid("The signing certificate has no AuthorityKeyIdentifier extension")
        }
        if let usage = try? extensions.keyUsage {
            if !usage.digitalSignature { invalid("The signing certificate's KeyUsage lacks digitalSignature") }
            if usage.keyCertSign { invalid("The signing certificate's KeyUsage allows keyCertSign (a CA usage)") }
        } else {
            invalid("The signing certificate has no KeyUsage extension")
        }
        if let eku = try? extensions.extendedKeyUsage {
            let oids = Set(eku)
            if oids.contains(.any) {
                invalid("The signing certificate's ExtendedKeyUsage is anyExtendedKeyUsage, which C2PA forbids")
            } else if oids.isDisjoint(with: acceptedUsages) {
                invalid("The signing certificate's ExtendedKeyUsage names none of emailProtection, documentSigning, timeStamping, OCSPSigning or C2PA claim signing")
            }
        } else {
            invalid("The signing certificate has no ExtendedKeyUsage extension")
        }
        for ext in extensions where ext.critical && !handledCriticalExtensions.contains(ext.oid) {
            invalid("The signing certificate has an unhandled critical extension \(ext.oid)")
        }
        return out
    }

    static func keyViolations(_ certificate: Certificate) -> [String] {
        let key = certificate.publicKey
        if let rsa = _rsaKeySize(key) {
            return rsa < 2048 ? ["The signing certificate's RSA key has \(rsa) bits; C2PA needs at least 2048"] : []
        }
        if AcceptedKeyKinds.contains(key) { return [] }
        return ["The signing certificate's key type is not one C2PA accepts"]
    }
}

@available(*, unavailable)
extension CertificateProfile: Sendable {}
