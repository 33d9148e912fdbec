import Crypto
import _CryptoExtras
import Foundation
import SwiftASN1
import X509

/// Verifies an RFC 3161 time-stamp token over some bytes the way c2pa-rs does
/// (`crypto/time_stamp/verify.rs`), step for step, so the same token gets the same codes:
///
/// 1. the token must parse (else `timeStamp.malformed`) and carry certificates, all readable
///    (else `timeStamp.untrusted`);
/// 2. for each signer whose certificate is in the token: the TSTInfo must be readable, the signed
///    message-digest attribute must match the content (`timeStamp.malformed` / `timeStamp.mismatch`),
///    the CMS signature must verify with the TSA certificate's key (`timeStamp.untrusted`), the TSA
///    certificate must be valid at the signing time, give or take the token's accuracy
///    (`timeStamp.outsideValidity`), and the message imprint must be the hash of the data
///    (`timeStamp.validated`, else `timeStamp.mismatch`);
/// 3. when trust is checked: the TSA certificate must meet the signer profile with the
///    time-stamping purpose and chain to an anchor at the signing time (`timeStamp.trusted`, else
///    `timeStamp.untrusted`).
///
/// All these codes are informational or success: a bad time-stamp never fails a manifest by
/// itself; it only means the signer's certificate is judged at validation time instead.
public struct TimeStampVerifier: Sendable {
    public var trust: TrustConfiguration

    public init(trust: TrustConfiguration) {
        self.trust = trust
    }

    public struct Outcome: Sendable {
        /// The statuses, in the order c2pa-rs logs them.
        public var statuses: [ValidationStatus]
        /// The time the token vouches for, when it was accepted (validated, and trusted if asked).
        public var time: Date?
    }

    static let sha1: ASN1ObjectIdentifier = [1, 3, 14, 3, 2, 26]
    static let sha256: ASN1ObjectIdentifier = [2, 16, 840, 1, 101, 3, 4, 2, 1]
    static let sha384: ASN1ObjectIdentifier = [2, 16, 840, 1, 101, 3, 4, 2, 2]
    static let sha512: ASN1ObjectIdentifier = [2, 16, 840, 1, 101, 3, 4, 2, 3]

    /// Verifies `tokenBytes` over `data` (the bytes whose hash is the message imprint).
    public func verify(_ tokenBytes: [UInt8], over data: [UInt8], checkTrust: Bool, url: String? = nil) -> Outcome {
        var statuses: [ValidationStatus] = []
        func add(_ code: ValidationStatus.Code, _ text: String) { statuses.append(ValidationStatus(code, url: url, text)) }
        let token: TimeStampToken
        do {
            token = try TimeStampToken(parsing: tokenBytes)
        } catch let error as ManifestError {
            add(.timeStampMalformed, "The time-stamp cannot be read: \(error.reason)")
            return Outcome(statuses: statuses, time: nil)
        } catch {
            add(.timeStampMalformed, "The time-stamp cannot be read")
            return Outcome(statuses: statuses, time: nil)
        }
        guard !token.certificateDERs.isEmpty else {
            add(.timeStampUntrusted, "The time-stamp carries no certificate of its authority")
            return Outcome(statuses: statuses, time: nil)
        }
        let certificates = token.certificates.compactMap { $0 }
        guard certificates.count == token.certificateDERs.count else {
            add(.timeStampUntrusted, "A certificate in the time-stamp cannot be read")
            return Outcome(statuses: statuses, time: nil)
        }

        var current: [ValidationStatus] = []
        for signer in token.signers {
            current = []
            func log(_ code: ValidationStatus.Code, _ text: String) { current.append(ValidationStatus(code, url: url, text)) }
            guard let position = certificates.firstIndex(where: { Self.matches($0, signer.identifier) }) else { continue }
            let certificate = certificates[position]
            let name = Self.commonName(of: certificate)
            guard var info = token.info else {
                log(.timeStampMalformed, "The time-stamp holds no readable TSTInfo")
                continue
            }
            if signer.signedAttributesForSigning != nil {
                if let signed = token.signingTime(of: signer) { info.genTime = signed }
                guard let digestAttribute = signer.signedAttributes.first(where: { $0.type == TimeStampToken.messageDigestOID }) else {
                    log(.timeStampMalformed, "The time-stamp's signed attributes have no message digest")
                    continue
                }
                guard digestAttribute.values.count == 1 else {
                    log(.timeStampMalformed, "The time-stamp's message digest attribute has \(digestAttribute.values.count) values")
                    continue
                }
                guard let signedDigest = try? TimeStampToken.octets(digestAttribute.values[0]) else {
                    log(.timeStampMalformed, "The time-stamp's message digest cannot be read")
                    continue
                }
                guard let digest = Self.hash(token.content ?? [], with: signer.digestAlgorithm) else {
                    log(.timeStampMalformed, "The time-stamp's digest algorithm \(signer.digestAlgorithm) is not supported")
                    continue
                }
                guard digest == signedDigest else {
                    log(.timeStampMismatch, "The time-stamp's signed digest does not match its content")
                    continue
                }
            }
            guard let signedBytes = signer.signedAttributesForSigning ?? token.content else {
                log(.timeStampMalformed, "The time-stamp has no content to check its signature over")
                continue
            }
            guard Self.isValidSignature(signer.signature, over: signedBytes, digest: signer.digestAlgorithm,
                                        signatureAlgorithm: signer.signatureAlgorithm, key: certificate.publicKey)
            else {
                log(.timeStampUntrusted, "The time-stamp's signature does not verify with its authority's certificate (\(name))")
                continue
            }
            let margin = TimeInterval(info.accuracySeconds)
            guard info.genTime >= certificate.notValidBefore.addingTimeInterval(-margin),
                info.genTime <= certificate.notValidAfter.addingTimeInterval(margin)
            else {
                log(.timeStampOutsideValidity, "The time-stamp authority's certificate (\(name)) was not valid at the time-stamp's time")
                continue
            }
            guard let imprint = Self.hash(data, with: info.imprintAlgorithm) else {
                log(.timeStampUntrusted, "The time-stamp's message imprint uses an unsupported algorithm \(info.imprintAlgorithm)")
                continue
            }
            guard imprint == info.imprint else {
                log(.timeStampMismatch, "The time-stamp (\(name)) is for other data than this signature")
                continue
            }
            log(.timeStampValidated, "The time-stamp (\(name)) matches the signature")
            if checkTrust {
                let chain = Self.chain(from: position, in: certificates)
                let violations = chain.first.map { CertificateProfile.violations(ofSigner: $0, at: info.genTime) } ?? []
                if chain.isEmpty || !violations.isEmpty || !Self.hasTimeStampingUsage(certificate) {
                    for violation in violations { log(violation.code, "The time-stamp authority's certificate: " + violation.description) }
                    log(.timeStampUntrusted, "The time-stamp authority's certificate (\(name)) does not meet the C2PA profile for time-stamping")
                    continue
                }
                guard case .trusted = trust.timeStampTrust.evaluate(chain: chain, signingTime: info.genTime) else {
                    log(.timeStampUntrusted, "The time-stamp authority (\(name)) does not chain to a trusted anchor")
                    continue
                }
            }
            log(.timeStampTrusted, "The time-stamp authority (\(name)) is accepted")
            return Outcome(statuses: statuses + current, time: info.genTime)
        }
        return Outcome(statuses: statuses + current, time: nil)
    }

    // MARK: Helpers

    static func matches(_ certificate: ParsedCertificate, _ identifier: TimeStampToken.SignerInfo.Identifier) -> Bool {
        switch identifier {
        case .issuerAndSerial(let issuer, let serial):
            return certificate.issuerBytes.elementsEqual(issuer)
                && OCSPResponse.CertID.magnitude(certificate.serialNumberBytes) == OCSPResponse.CertID.magnitude(serial)
        case .subjectKeyIdentifier(let keyID):
            guard let ext = certificate.extension(.X509ExtensionID.subjectKeyIdentifier),
                let ski = try? SubjectKeyIdentifier(ext)
            else { return false }
            return Array(ski.keyIdentifier) == keyID
        }
    }

    static func hasTimeStampingUsage(_ certificate: ParsedCertificate) -> Bool {
        certificate.extendedKeyUsage?.contains(CertificateProfile.timeStamping) == true
    }

    /// The signer's certificate first, then each issuer found among the token's certificates.
    static func chain(from position: Int, in certificates: [ParsedCertificate]) -> [ParsedCertificate] {
        var chain = [certificates[position]]
        var used: Set<Int> = [position]
        while let next = certificates.indices.first(where: { !used.contains($0) && certificates[$0].subjectBytes == chain.last!.issuerBytes }) {
            chain.append(certificates[next])
            used.insert(next)
        }
        return chain
    }

    static func hash(_ bytes: [UInt8], with algorithm: ASN1ObjectIdentifier) -> [UInt8]? {
        switch algorithm {
        case sha1: return Array(Insecure.SHA1.hash(data: bytes))
        case sha256: return Array(SHA256.hash(data: bytes))
        case sha384: return Array(SHA384.hash(data: bytes))
        case sha512: return Array(SHA512.hash(data: bytes))
        default: return nil
        }
    }

    static let rsaPSS: ASN1ObjectIdentifier = [1, 2, 840, 113549, 1, 1, 10]

    /// The CMS signature, checked as the key's kind and the signer's digest algorithm say
    /// (c2pa-rs chooses the verifier from the certificate's key algorithm and the digest). A key
    /// that is id-RSASSA-PSS (which swift-certificates refuses) signs with PSS only.
    static func isValidSignature(_ signature: [UInt8], over bytes: [UInt8], digest: ASN1ObjectIdentifier,
                                 signatureAlgorithm: ASN1ObjectIdentifier, key certificateKey: CertificateKey) -> Bool {
        if let rsa = certificateKey.rsa {
            if signatureAlgorithm == rsaPSS || certificateKey.standard == nil {
                guard signatureAlgorithm == rsaPSS, let hash = [sha256: HashAlgorithm.sha256, sha384: .sha384, sha512: .sha512][digest]
                else { return false }
                return CertificateKey.verifyPSS(rsa, signature: signature, data: bytes, hash: hash)
            }
            guard let key = certificateKey.standard else { return false }
            let algorithm: Certificate.SignatureAlgorithm
            switch digest {
            case sha1: algorithm = .sha1WithRSAEncryption
            case sha256: algorithm = .sha256WithRSAEncryption
            case sha384: algorithm = .sha384WithRSAEncryption
            case sha512: algorithm = .sha512WithRSAEncryption
            default: return false
            }
            return key.isValidSignature(signature, for: bytes, signatureAlgorithm: algorithm)
        }
        guard let key = certificateKey.standard else { return false }
        if Curve25519.Signing.PublicKey(key) != nil {
            return key.isValidSignature(signature, for: bytes, signatureAlgorithm: .ed25519)
        }
        let algorithm: Certificate.SignatureAlgorithm
        switch digest {
        case sha256: algorithm = .ecdsaWithSHA256
        case sha384: algorithm = .ecdsaWithSHA384
        case sha512: algorithm = .ecdsaWithSHA512
        default: return false
        }
        return key.isValidSignature(signature, for: bytes, signatureAlgorithm: algorithm)
    }

    static func commonName(of certificate: ParsedCertificate) -> String {
        ParsedCertificate.attribute(.RDNAttributeType.commonName, of: certificate.subject) ?? certificate.subjectDescription
    }
}
