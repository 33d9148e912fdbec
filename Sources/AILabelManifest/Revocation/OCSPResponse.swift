import Foundation
import SwiftASN1
import X509

/// An OCSP response (RFC 6960 §4.2.1), read with swift-asn1.
///
/// swift-certificates keeps its OCSP types internal, so the few structures a C2PA validator reads
/// are read here: the response status, and for a successful `id-pkix-ocsp-basic` response the signed
/// ResponseData (its exact bytes, what the signature covers), the signature, the certificates the
/// responder sent, and each SingleResponse. Nothing is verified by reading: ``OCSPChecker`` does that.
///
/// Responses come from strangers (a file's `rVals` or `c2pa.certificate-status`, a responder named
/// in a certificate), so reading is bounded: at most ``maximumSize`` bytes, ``maximumCertificates``
/// certificates and ``maximumResponses`` single responses; anything else is a ``ManifestError`` with
/// code `ocsp.malformed` that says what is wrong, never the bytes.
public struct OCSPResponse: Sendable {
    /// The largest response read. Real ones, with the responder's certificate, are 1–4 KB;
    /// c2pa-rs reads a fetched answer up to 1 MB.
    public static let maximumSize = 64 * 1024
    static let maximumCertificates = 8
    static let maximumResponses = 64

    /// OCSPResponseStatus: 0 successful, 1 malformedRequest, 2 internalError, 3 tryLater,
    /// 5 sigRequired, 6 unauthorized.
    public var status: Int
    /// The BasicOCSPResponse of a successful response.
    public var basic: Basic?

    public struct Basic: Sendable {
        /// The ResponseData exactly as encoded: what the signature covers.
        public var signedBytes: ArraySlice<UInt8>
        public var producedAt: Date
        public var responses: [Single]
        public var signatureAlgorithm: AlgorithmIdentifierValue
        public var signature: [UInt8]
        /// The DER of each certificate the responder sent (the first signs, by c2pa-rs's rule).
        public var certificateDERs: [[UInt8]]
    }

    /// One SingleResponse.
    public struct Single: Sendable {
        public var certID: CertID
        public var status: CertificateStatus
        public var thisUpdate: Date
        public var nextUpdate: Date?
    }

    /// Which certificate a single response is about: its issuer's name and key hashed with
    /// `hashAlgorithm`, and its serial number.
    public struct CertID: Sendable, Hashable {
        public var hashAlgorithm: ASN1ObjectIdentifier
        public var issuerNameHash: [UInt8]
        public var issuerKeyHash: [UInt8]
        /// The serial number's INTEGER content bytes.
        public var serialNumber: [UInt8]
    }

    public enum CertificateStatus: Sendable, Hashable {
        case good
        /// `reason` is the CRLReason (1 keyCompromise … 8 removeFromCRL …) when given.
        case revoked(at: Date, reason: Int?)
        case unknown
    }

    static let basicType: ASN1ObjectIdentifier = [1, 3, 6, 1, 5, 5, 7, 48, 1, 1]
    static let enumerated = ASN1Identifier(tagWithNumber: 10, tagClass: .universal)

    /// Reads an OCSPResponse. Throws ``ManifestError/Code/ocspMalformed``.
    public init(derEncoded bytes: [UInt8]) throws {
        guard bytes.count <= Self.maximumSize else {
            throw Self.malformed("The OCSP response is \(bytes.count) bytes, more than the \(Self.maximumSize) read")
        }
        do {
            let root = try DER.parse(bytes)
            var status = 0
            var basic: Basic?
            try DER.sequence(root, identifier: .sequence) { nodes in
                guard let statusNode = nodes.next(), statusNode.identifier == Self.enumerated,
                    case .primitive(let content) = statusNode.content, content.count == 1
                else { throw Self.malformed("The OCSP response has no readable status") }
                status = Int(content.first!)
                try DER.optionalExplicitlyTagged(&nodes, tagNumber: 0, tagClass: .contextSpecific) { node in
                    // ResponseBytes ::= SEQUENCE { responseType OID, response OCTET STRING }
                    try DER.sequence(node, identifier: .sequence) { parts in
                        let type = try ASN1ObjectIdentifier(derEncoded: &parts)
                        let inner = try ASN1OctetString(derEncoded: &parts)
                        guard type == Self.basicType else {
                            throw Self.malformed("The OCSP response is of type \(type), not id-pkix-ocsp-basic")
                        }
                        basic = try Basic(derEncoded: Array(inner.bytes))
                    }
                }
            }
            self.status = status
            self.basic = basic
        } catch let error as ManifestError {
            throw error
        } catch {
            throw Self.malformed("The OCSP response is not valid DER (\(ParsedCertificate.reason(error)))")
        }
    }

    static func malformed(_ reason: String) -> ManifestError { ManifestError.make(.ocspMalformed, reason) }
}

extension OCSPResponse.Basic {
    /// BasicOCSPResponse ::= SEQUENCE { tbsResponseData ResponseData, signatureAlgorithm,
    ///   signature BIT STRING, certs [0] EXPLICIT SEQUENCE OF Certificate OPTIONAL }
    init(derEncoded bytes: [UInt8]) throws {
        let root = try DER.parse(bytes)
        var result: OCSPResponse.Basic!
        try DER.sequence(root, identifier: .sequence) { nodes in
            guard let data = nodes.next() else { throw OCSPResponse.malformed("The OCSP response has no ResponseData") }
            let (producedAt, responses) = try Self.responseData(data)
            let algorithm = try AlgorithmIdentifierValue(derEncoded: &nodes)
            let signature = try ASN1BitString(derEncoded: &nodes)
            var certificates: [[UInt8]] = []
            try DER.optionalExplicitlyTagged(&nodes, tagNumber: 0, tagClass: .contextSpecific) { node in
                try DER.sequence(node, identifier: .sequence) { items in
                    while let item = items.next() {
                        guard certificates.count < OCSPResponse.maximumCertificates else {
                            throw OCSPResponse.malformed("The OCSP response carries more than \(OCSPResponse.maximumCertificates) certificates")
                        }
                        guard item.identifier == .sequence else { throw ASN1Error.unexpectedFieldType(item.identifier) }
                        certificates.append(Array(item.encodedBytes))
                    }
                }
            }
            result = OCSPResponse.Basic(signedBytes: data.encodedBytes, producedAt: producedAt, responses: responses,
                                        signatureAlgorithm: algorithm, signature: Array(signature.bytes),
                                        certificateDERs: certificates)
        }
        self = result
    }

    /// ResponseData ::= SEQUENCE { version [0] EXPLICIT DEFAULT v1, responderID ResponderID,
    ///   producedAt GeneralizedTime, responses SEQUENCE OF SingleResponse, responseExtensions [1] OPTIONAL }
    static func responseData(_ node: ASN1Node) throws -> (Date, [OCSPResponse.Single]) {
        try DER.sequence(node, identifier: .sequence) { nodes in
            _ = try DER.optionalExplicitlyTagged(&nodes, tagNumber: 0, tagClass: .contextSpecific) { try Int(derEncoded: $0) }
            guard let responder = nodes.next(), responder.identifier.tagClass == .contextSpecific,
                [1, 2].contains(responder.identifier.tagNumber)
            else { throw OCSPResponse.malformed("The OCSP response's responder ID is neither a name nor a key hash") }
            let producedAt = try OCSPResponse.date(try GeneralizedTime(derEncoded: &nodes))
            var responses: [OCSPResponse.Single] = []
            guard let list = nodes.next() else { throw OCSPResponse.malformed("The OCSP response has no responses") }
            try DER.sequence(list, identifier: .sequence) { items in
                while let item = items.next() {
                    guard responses.count < OCSPResponse.maximumResponses else {
                        throw OCSPResponse.malformed("The OCSP response holds more than \(OCSPResponse.maximumResponses) single responses")
                    }
                    responses.append(try OCSPResponse.Single(item))
                }
            }
            // responseExtensions (a nonce) are not needed: skipped.
            while nodes.next() != nil {}
            return (producedAt, responses)
        }
    }
}

extension OCSPResponse.Single {
    /// SingleResponse ::= SEQUENCE { certID CertID, certStatus CertStatus, thisUpdate GeneralizedTime,
    ///   nextUpdate [0] EXPLICIT GeneralizedTime OPTIONAL, singleExtensions [1] EXPLICIT OPTIONAL }
    init(_ node: ASN1Node) throws {
        var result: OCSPResponse.Single!
        try DER.sequence(node, identifier: .sequence) { nodes in
            guard let idNode = nodes.next() else { throw OCSPResponse.malformed("A single response has no CertID") }
            let certID = try OCSPResponse.CertID(idNode)
            guard let statusNode = nodes.next(), statusNode.identifier.tagClass == .contextSpecific else {
                throw OCSPResponse.malformed("A single response has no certificate status")
            }
            let status: OCSPResponse.CertificateStatus
            switch statusNode.identifier.tagNumber {
            case 0: status = .good
            case 1:
                // RevokedInfo ::= SEQUENCE { revocationTime GeneralizedTime, revocationReason [0] EXPLICIT CRLReason OPTIONAL }, IMPLICIT [1]
                guard case .constructed(let collection) = statusNode.content else {
                    throw OCSPResponse.malformed("A revoked status has no revocation time")
                }
                var parts = collection.makeIterator()
                let time = try OCSPResponse.date(try GeneralizedTime(derEncoded: &parts))
                let reason = try DER.optionalExplicitlyTagged(&parts, tagNumber: 0, tagClass: .contextSpecific) { reasonNode -> Int in
                    guard reasonNode.identifier == OCSPResponse.enumerated, case .primitive(let content) = reasonNode.content,
                        content.count == 1
                    else { throw OCSPResponse.malformed("A revocation reason cannot be read") }
                    return Int(content.first!)
                }
                guard parts.next() == nil else { throw OCSPResponse.malformed("A revoked status has trailing fields") }
                status = .revoked(at: time, reason: reason)
            case 2: status = .unknown
            default: throw OCSPResponse.malformed("A single response has an unknown status tag [\(statusNode.identifier.tagNumber)]")
            }
            let thisUpdate = try OCSPResponse.date(try GeneralizedTime(derEncoded: &nodes))
            let nextUpdate = try DER.optionalExplicitlyTagged(&nodes, tagNumber: 0, tagClass: .contextSpecific) {
                try OCSPResponse.date(try GeneralizedTime(derEncoded: $0))
            }
            while nodes.next() != nil {}
            result = OCSPResponse.Single(certID: certID, status: status, thisUpdate: thisUpdate, nextUpdate: nextUpdate)
        }
        self = result
    }
}

extension OCSPResponse.CertID {
    /// CertID ::= SEQUENCE { hashAlgorithm, issuerNameHash OCTET STRING, issuerKeyHash OCTET STRING, serialNumber INTEGER }
    init(_ node: ASN1Node) throws {
        var result: OCSPResponse.CertID!
        try DER.sequence(node, identifier: .sequence) { nodes in
            let algorithm = try AlgorithmIdentifierValue(derEncoded: &nodes)
            let nameHash = try ASN1OctetString(derEncoded: &nodes)
            let keyHash = try ASN1OctetString(derEncoded: &nodes)
            guard let serial = nodes.next(), serial.identifier == .integer, case .primitive(let content) = serial.content else {
                throw OCSPResponse.malformed("A CertID has no serial number")
            }
            result = OCSPResponse.CertID(hashAlgorithm: algorithm.oid, issuerNameHash: Array(nameHash.bytes),
                                         issuerKeyHash: Array(keyHash.bytes), serialNumber: Array(content))
        }
        self = result
    }

    /// The serial number's value bytes, without the sign-padding zeros DER puts before a high bit
    /// (so a serial c2pa-rs would compare equal as an integer compares equal here).
    static func magnitude<Bytes: Collection>(_ bytes: Bytes) -> [UInt8] where Bytes.Element == UInt8 {
        Array(bytes.drop(while: { $0 == 0 }))
    }
}

extension OCSPResponse {
    static func date(_ time: GeneralizedTime) throws -> Date {
        var components = DateComponents()
        (components.year, components.month, components.day) = (time.year, time.month, time.day)
        (components.hour, components.minute, components.second) = (time.hours, time.minutes, time.seconds)
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        guard let date = calendar.date(from: components) else { throw malformed("The OCSP response holds an impossible date") }
        return date
    }
}
