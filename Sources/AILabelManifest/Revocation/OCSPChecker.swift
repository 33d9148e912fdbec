import Crypto
import Foundation
import SwiftASN1
import X509

/// Judges an OCSP response about a claim signer's certificate the way c2pa-rs does
/// (`crypto/ocsp/mod.rs` `from_der_checked`, `crypto/cose/ocsp.rs` `check_stapled_ocsp_response`),
/// so the same response gives the same codes:
///
/// 1. A response that cannot be read, is not `successful`, carries no certificate, or whose
///    signature does not verify with the first certificate it carries is ignored (the spec: an OCSP
///    value that cannot be interpreted is treated as absent).
/// 2. Only single responses whose CertID names the signer (serial, and the issuer's name and key
///    hashed with SHA-1 or SHA-256, the issuer being the x5chain's second certificate) count; a
///    response about another certificate says nothing.
/// 3. `good`: not revoked when the signing time (the time-stamp's, else now) is before thisUpdate or
///    within [thisUpdate, nextUpdate] (producedAt + 24 h when nextUpdate is absent); outside that
///    window c2pa-rs reports the certificate revoked. `revoked`: revoked unless the signature was
///    time-stamped before the revocation (removeFromCRL: unless the revocation is still to come).
///    `unknown`: `signingCredential.ocsp.unknown` (informational, as the reference SDK reports it).
/// 4. For a stapled or fetched response (``judge(_:signer:signingTime:trust:)``), the responder must
///    also be accountable: its certificate meets the C2PA end-entity profile with the OCSPSigning
///    purpose, and its chain (completed with the signer's issuing CA when the response carries the
///    responder alone, RFC 6960 §4.2.2.2 delegation) leads to a trust anchor at the signing time.
///    Otherwise the response is ignored.
public struct OCSPChecker: Sendable {
    public var trust: TrustConfiguration

    public init(trust: TrustConfiguration) {
        self.trust = trust
    }

    /// What a response says about the signer.
    public struct Finding: Sendable {
        /// The statuses c2pa-rs logs (`signingCredential.ocsp.notRevoked` / `.revoked` / `.unknown`);
        /// empty when the response says nothing usable about this signer.
        public var statuses: [ValidationStatus]
        /// The responder's certificates, when the response's signature verified.
        public var responderCertificates: [ParsedCertificate]
        /// When the signer's certificate was revoked, if the response says so.
        public var revokedAt: Date?
        /// The response's nextUpdate for the signer (when it is good).
        public var nextUpdate: Date?

        /// Whether some single response named the signer.
        public var namesSigner = false

        /// Only the verdicts (not revoked, revoked): what c2pa-rs keeps of a stapled response.
        public var verdicts: [ValidationStatus] {
            statuses.filter { $0.code == .signingCredentialRevoked || $0.code == .signingCredentialNotRevoked }
        }

        public var isRevoked: Bool { statuses.contains { $0.code == .signingCredentialRevoked } }
        public var isNotRevoked: Bool { statuses.contains { $0.code == .signingCredentialNotRevoked } }
        static let nothing = Finding(statuses: [], responderCertificates: [])
    }

    static let sha1: ASN1ObjectIdentifier = [1, 3, 14, 3, 2, 26]
    static let sha256: ASN1ObjectIdentifier = [2, 16, 840, 1, 101, 3, 4, 2, 1]
    static let removeFromCRL = 8

    /// Step 1–3: what the response says about `signer` (leaf first, then its issuer), judged at
    /// `signingTime` (nil: now, as c2pa-rs does when nothing vouches for the signing time).
    public func read(_ der: [UInt8], signer chain: [ParsedCertificate], signingTime: Date?, now: Date = Date(), url: String? = nil) -> Finding {
        guard let response = try? OCSPResponse(derEncoded: der), response.status == 0, let basic = response.basic else {
            return .nothing
        }
        let responders = basic.certificateDERs.compactMap { try? ParsedCertificate(derEncoded: $0) }
        guard let responder = responders.first, responders.count == basic.certificateDERs.count,
            responder.publicKey.isValidSignature(basic.signature, over: basic.signedBytes, algorithm: basic.signatureAlgorithm)
        else { return .nothing }

        var found = Finding(statuses: [], responderCertificates: responders)
        var failures: [ValidationStatus] = []
        func fail(_ code: ValidationStatus.Code, _ text: String) { failures.append(ValidationStatus(code, url: url, text)) }
        for single in basic.responses where Self.names(single.certID, chain) {
            found.namesSigner = true
            switch single.status {
            case .good:
                let next = single.nextUpdate ?? basic.producedAt.addingTimeInterval(24 * 3600)
                let inRange: Bool
                if let signingTime {
                    inRange = signingTime < single.thisUpdate || (single.thisUpdate <= signingTime && signingTime <= next)
                } else {
                    inRange = now >= single.thisUpdate
                }
                if inRange {
                    found.nextUpdate = single.nextUpdate
                    found.statuses.append(ValidationStatus(.signingCredentialNotRevoked, url: url,
                        "The OCSP response (\(responder.subjectDescription)) says the signing certificate was not revoked"))
                    return found
                }
                fail(.signingCredentialRevoked, "The OCSP response (\(responder.subjectDescription)) covers \(single.thisUpdate) to \(next), which does not include the signing time, so the certificate is taken as revoked")
            case .revoked(let time, let reason):
                if reason == Self.removeFromCRL {
                    if !(time > (signingTime ?? now)) {
                        found.revokedAt = time
                        fail(.signingCredentialRevoked, "The OCSP response (\(responder.subjectDescription)) says the signing certificate was revoked at \(time)")
                    }
                } else if reason != nil, let signingTime, signingTime < time {
                    // Signed (and time-stamped) before the revocation: the signature stands.
                    found.revokedAt = nil
                    return found
                } else {
                    found.revokedAt = time
                    fail(.signingCredentialRevoked, "The OCSP response (\(responder.subjectDescription)) says the signing certificate was revoked at \(time)")
                }
            case .unknown:
                fail(.signingCredentialOCSPUnknown, "The OCSP response (\(responder.subjectDescription)) does not know the signing certificate")
            }
        }
        found.statuses += failures
        return found
    }

    /// Steps 1–4: a stapled (`rVals`, `c2pa.certificate-status`) or fetched response, counted only
    /// when its responder is accountable.
    public func judge(_ der: [UInt8], signer chain: [ParsedCertificate], signingTime: Date?, now: Date = Date(), url: String? = nil) -> Finding {
        let finding = read(der, signer: chain, signingTime: signingTime, now: now, url: url)
        guard let responder = finding.responderCertificates.first else { return .nothing }
        guard CertificateProfile.violations(ofSigner: responder, at: signingTime ?? now, acceptedUsages: [CertificateProfile.ocspSigning]).isEmpty
        else { return .nothing }
        var responderTrust = trust
        responderTrust.acceptedUsages = [CertificateProfile.ocspSigning]
        guard case .trusted = responderTrust.evaluate(chain: Self.responderChain(finding.responderCertificates, signer: chain),
                                                      signingTime: signingTime)
        else { return .nothing }
        return finding
    }

    /// The responder's certificates, completed with the signer's issuing CAs when the response
    /// carries only the responder and the signer's issuer issued it (c2pa-rs `extend_ocsp_cert_chain`).
    static func responderChain(_ certificates: [ParsedCertificate], signer chain: [ParsedCertificate]) -> [ParsedCertificate] {
        if certificates.count == 1, chain.count >= 2, certificates[0].issuerBytes == chain[1].subjectBytes {
            return certificates + chain.dropFirst()
        }
        return certificates
    }

    /// Whether `id` names `chain[0]` as issued by `chain[1]` (RFC 6960 §4.1.1). False without the issuer.
    static func names(_ id: OCSPResponse.CertID, _ chain: [ParsedCertificate]) -> Bool {
        guard chain.count >= 2 else { return false }
        let (leaf, issuer) = (chain[0], chain[1])
        guard OCSPResponse.CertID.magnitude(id.serialNumber) == OCSPResponse.CertID.magnitude(leaf.serialNumberBytes),
            let nameHash = hash(issuer.subjectBytes, with: id.hashAlgorithm),
            let keyHash = hash(issuer.publicKeyBits, with: id.hashAlgorithm)
        else { return false }
        return nameHash == id.issuerNameHash && keyHash == id.issuerKeyHash
    }

    static func hash<Bytes: DataProtocol>(_ bytes: Bytes, with algorithm: ASN1ObjectIdentifier) -> [UInt8]? {
        switch algorithm {
        case sha1: return Array(Insecure.SHA1.hash(data: bytes))
        case sha256: return Array(SHA256.hash(data: bytes))
        default: return nil
        }
    }
}
