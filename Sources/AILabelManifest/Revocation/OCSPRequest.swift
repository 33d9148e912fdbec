import Crypto
import SwiftASN1

/// An OCSP request (RFC 6960 §4.1.1) for one certificate, unsigned and without a nonce, as c2pa-rs
/// builds it (`crypto/ocsp/fetch.rs`): the CertID hashes the issuer's name and key with SHA-1, and
/// the hash AlgorithmIdentifier carries an explicit NULL, which many responders expect.
public struct OCSPRequest: Sendable {
    public var certID: OCSPResponse.CertID

    /// The request about `chain[0]`, issued by `chain[1]`; nil without the issuer.
    public init?(chain: [ParsedCertificate]) {
        guard chain.count >= 2 else { return nil }
        certID = OCSPResponse.CertID(
            hashAlgorithm: OCSPChecker.sha1, issuerNameHash: Array(Insecure.SHA1.hash(data: chain[1].subjectBytes)),
            issuerKeyHash: Array(Insecure.SHA1.hash(data: chain[1].publicKeyBits)), serialNumber: Array(chain[0].serialNumberBytes))
    }

    /// OCSPRequest ::= SEQUENCE { tbsRequest SEQUENCE { requestList SEQUENCE OF Request } },
    /// Request ::= SEQUENCE { reqCert CertID }.
    public func encoded() throws -> [UInt8] {
        var serializer = DER.Serializer()
        try serializer.appendConstructedNode(identifier: .sequence) { request in
            try request.appendConstructedNode(identifier: .sequence) { tbs in
                try tbs.appendConstructedNode(identifier: .sequence) { list in
                    try list.appendConstructedNode(identifier: .sequence) { single in
                        try single.appendConstructedNode(identifier: .sequence) { id in
                            try id.appendConstructedNode(identifier: .sequence) { algorithm in
                                try algorithm.serialize(certID.hashAlgorithm)
                                try algorithm.serialize(ASN1Null())
                            }
                            try id.serialize(ASN1OctetString(contentBytes: certID.issuerNameHash[...]))
                            try id.serialize(ASN1OctetString(contentBytes: certID.issuerKeyHash[...]))
                            id.appendPrimitiveNode(identifier: .integer) { $0.append(contentsOf: certID.serialNumber) }
                        }
                    }
                }
            }
        }
        return serializer.serializedBytes
    }
}
