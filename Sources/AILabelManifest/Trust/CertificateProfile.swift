import Foundation
import SwiftASN1
import X509
import _CryptoExtras

/// The C2PA signer certificate profile (C2PA §14.5.1), with the rules, their order and their
/// leniencies of c2pa-rs (`crypto/cose/certificate_profile.rs`): X.509 v3; valid at the signing time;
/// signed with ECDSA, RSA PKCS#1 v1.5 or RSASSA-PSS over SHA-256/384/512, or Ed25519 (PSS parameters
/// present, the MGF1 hash the signature's hash); an EC key on P-256/384/521, an RSA or PSS key of at
/// least 2048 bits; not a self-signed CA; no unique identifiers; an ExtendedKeyUsage that is not
/// anyExtendedKeyUsage and names an accepted purpose (timeStamping and OCSPSigning only alone); an
/// AuthorityKeyIdentifier; KeyUsage with digitalSignature (keyCertSign only on a CA), keyCertSign or
/// nonRepudiation; no critical extension c2pa-rs does not handle; and not a CA.
///
/// c2pa-rs stops at the first violation, so that one decides the status code
/// (`signingCredential.expired` or `.invalid`); ailabel names the others in its explanation.
public enum CertificateProfile {
    /// id-kp-documentSigning (RFC 9336).
    public static let documentSigning: ASN1ObjectIdentifier = [1, 3, 6, 1, 5, 5, 7, 3, 36]
    /// The C2PA claim-signing purpose.
    public static let c2paClaimSigning: ASN1ObjectIdentifier = [1, 3, 6, 1, 4, 1, 62558, 2, 1]
    /// Microsoft's C2PA signing purpose.
    public static let microsoftC2PASigning: ASN1ObjectIdentifier = [1, 3, 6, 1, 4, 1, 311, 76, 59, 1, 9]

    static let serverAuth: ASN1ObjectIdentifier = [1, 3, 6, 1, 5, 5, 7, 3, 1]
    static let clientAuth: ASN1ObjectIdentifier = [1, 3, 6, 1, 5, 5, 7, 3, 2]
    static let codeSigning: ASN1ObjectIdentifier = [1, 3, 6, 1, 5, 5, 7, 3, 3]
    static let emailProtection: ASN1ObjectIdentifier = [1, 3, 6, 1, 5, 5, 7, 3, 4]
    static let timeStamping: ASN1ObjectIdentifier = [1, 3, 6, 1, 5, 5, 7, 3, 8]
    static let ocspSigning: ASN1ObjectIdentifier = [1, 3, 6, 1, 5, 5, 7, 3, 9]
    static let anyExtendedKeyUsage: ASN1ObjectIdentifier = [2, 5, 29, 37, 0]

    /// The purposes c2pa-rs accepts with no configuration (its `valid_eku_oids.cfg`); a trust
    /// configuration adds to them, never removes.
    public static let defaultAcceptedUsages: Set<ASN1ObjectIdentifier> = [
        emailProtection, documentSigning, timeStamping, ocspSigning, microsoftC2PASigning, c2paClaimSigning,
    ]

    static let acceptedSignatureAlgorithms: Set<ASN1ObjectIdentifier> = Set(CertificateKey.standardAlgorithms.keys)
        .union([CertificateKey.rsaPSSAlgorithm])

    static let ecPublicKey: ASN1ObjectIdentifier = [1, 2, 840, 10045, 2, 1]

    /// The extensions x509-parser parses (so c2pa-rs counts them handled when critical).
    static let handledExtensions: Set<ASN1ObjectIdentifier> = [
        [2, 5, 29, 35], [2, 5, 29, 14], [2, 5, 29, 15], [2, 5, 29, 32], [2, 5, 29, 33], [2, 5, 29, 17], [2, 5, 29, 19],
        [2, 5, 29, 30], [2, 5, 29, 36], [2, 5, 29, 37], [2, 5, 29, 31], [2, 5, 29, 54], [1, 3, 6, 1, 5, 5, 7, 1, 1],
        [2, 16, 840, 1, 113730, 1, 1], [2, 5, 29, 20], [2, 5, 29, 21], [2, 5, 29, 24],
    ]

    /// A violation of the profile, with the C2PA status code it maps to.
    public struct Violation: Sendable, Hashable, CustomStringConvertible {
        /// `signingCredential.expired` for validity problems, otherwise `signingCredential.invalid`.
        public var code: ValidationStatus.Code
        public var description: String
    }

    /// The violations of the signer (leaf) certificate in c2pa-rs's order, empty when it satisfies
    /// the profile. The first decides the status code. `acceptedUsages` are the EKU purposes accepted
    /// besides emailProtection, timeStamping and OCSPSigning (always accepted, as in c2pa-rs).
    public static func violations(ofSigner certificate: ParsedCertificate, at time: Date,
                                  acceptedUsages: Set<ASN1ObjectIdentifier> = defaultAcceptedUsages) -> [Violation] {
        var out: [Violation] = []
        func invalid(_ text: String) { out.append(Violation(code: .signingCredentialInvalid, description: text)) }
        if certificate.version != 3 { invalid("The signing certificate is not an X.509 v3 certificate") }
        if certificate.notValidAfter < time {
            out.append(Violation(code: .signingCredentialExpired, description:
                "The signing certificate expired on \(certificate.notValidAfter)"))
        } else if certificate.notValidBefore > time {
            out.append(Violation(code: .signingCredentialExpired, description:
                "The signing certificate is not valid before \(certificate.notValidBefore)"))
        }
        let algorithm = certificate.signatureAlgorithm
        if !acceptedSignatureAlgorithms.contains(algorithm.oid) {
            invalid("The signing certificate is signed with \(algorithm.oid), which C2PA does not accept")
        } else if algorithm.oid == CertificateKey.rsaPSSAlgorithm {
            if let parameters = RSAPSSParameters(algorithm) {
                if parameters.maskHash != parameters.hash {
                    invalid("The signing certificate's RSASSA-PSS signature uses a mask hash other than its hash")
                }
            } else {
                invalid("The signing certificate's RSASSA-PSS signature has no readable parameters with SHA-256, SHA-384 or SHA-512")
            }
        }
        out += keyViolations(certificate.publicKey).map { Violation(code: .signingCredentialInvalid, description: $0) }
        if certificate.isCA && certificate.isSelfIssued {
            invalid("The signing certificate is a self-signed CA certificate")
        }
        if certificate.hasUniqueIdentifiers {
            invalid("The signing certificate has issuer or subject unique identifiers, which C2PA forbids")
        }
        if let usages = certificate.extendedKeyUsage {
            let oids = Set(usages)
            let ocsp = oids.contains(ocspSigning)
            let stamping = oids.contains(timeStamping)
            let others = oids.subtracting([ocspSigning, timeStamping])
            if oids.contains(anyExtendedKeyUsage) {
                invalid("The signing certificate's ExtendedKeyUsage is anyExtendedKeyUsage, which C2PA forbids")
            } else if oids.isDisjoint(with: acceptedUsages.union([emailProtection, timeStamping, ocspSigning])) {
                invalid("The signing certificate's ExtendedKeyUsage names no accepted purpose (emailProtection, documentSigning, timeStamping, OCSPSigning, C2PA claim signing, or one configured with --trust-config)")
            } else if (ocsp && stamping) || ((ocsp != stamping) && !others.isEmpty) {
                invalid("The signing certificate's ExtendedKeyUsage combines timeStamping or OCSPSigning with other purposes")
            }
        } else if !certificate.isCA {
            invalid("The signing certificate has no ExtendedKeyUsage extension")
        }
        if let usage = certificate.keyUsage {
            if usage.digitalSignature && usage.keyCertSign && !certificate.isCA {
                invalid("The signing certificate's KeyUsage allows keyCertSign (a CA usage) but it is not a CA")
            } else if !(usage.digitalSignature || usage.keyCertSign || usage.nonRepudiation) {
                invalid("The signing certificate's KeyUsage has none of digitalSignature, nonRepudiation, keyCertSign")
            }
        } else {
            invalid("The signing certificate has no readable KeyUsage extension")
        }
        if certificate.extension(.X509ExtensionID.authorityKeyIdentifier) == nil {
            invalid("The signing certificate has no AuthorityKeyIdentifier extension")
        }
        if certificate.isCA && certificate.extension(.X509ExtensionID.subjectKeyIdentifier) == nil {
            invalid("The signing certificate is a CA without a SubjectKeyIdentifier extension")
        }
        for ext in certificate.extensions where ext.critical && !handledExtensions.contains(ext.oid) {
            invalid("The signing certificate has an unhandled critical extension \(ext.oid)")
        }
        if certificate.isCA {
            invalid("The signing certificate is a CA certificate; C2PA signs with an end-entity certificate")
        }
        return out
    }

    static func keyViolations(_ key: CertificateKey) -> [String] {
        if let rsa = key.rsa {
            return rsa.keySizeInBits < 2048 ? ["The signing certificate's RSA key has \(rsa.keySizeInBits) bits; C2PA needs at least 2048"] : []
        }
        if key.isAcceptedKind { return [] }
        return ["The signing certificate's key (\(key.kindDescription)) is not of a kind C2PA accepts (EC P-256/384/521, RSA, RSASSA-PSS, Ed25519)"]
    }

    /// The profile for a certificate ailabel signs with: the validator's profile, and not self-issued
    /// (ailabel writes only what every validator accepts; c2pa-rs forbids only self-signed CAs).
    public static func violations(ofSigningCertificate certificate: ParsedCertificate, at time: Date) -> [Violation] {
        var out = violations(ofSigner: certificate, at: time)
        if certificate.isSelfIssued && !certificate.isCA {
            out.append(Violation(code: .signingCredentialInvalid, description:
                "The signing certificate is self-signed; C2PA needs a certificate issued by a CA (run `ailabel keys init`)"))
        }
        return out
    }
}

@available(*, unavailable)
extension CertificateProfile: Sendable {}
