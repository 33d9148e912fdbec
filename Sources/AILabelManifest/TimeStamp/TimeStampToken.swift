import Foundation
import SwiftASN1
import X509

/// An RFC 3161 time-stamp token (a CMS SignedData whose content is a TSTInfo), read with swift-asn1.
///
/// swift-certificates keeps its CMS types internal (its `@_spi(CMS)` surface verifies only `id-data`
/// content against a policy and never exposes the TSTInfo), so the few structures a token needs are
/// read here. Nothing is verified by reading: ``TimeStampVerifier`` does that.
///
/// Accepts a bare token (`ContentInfo`, what `sigTst2` and the `c2pa.time-stamp` assertion hold)
/// and a whole `TimeStampResp` (what `sigTst` v1 holds), as c2pa-rs does.
public struct TimeStampToken: Sendable {
    /// The largest token read. Real tokens with their TSA chain are 3–10 KB.
    public static let maximumSize = 256 * 1024
    /// At most this many certificates and signer infos are read from one token.
    static let maximumCertificates = 16
    static let maximumSigners = 4

    public struct SignerInfo: Sendable {
        public enum Identifier: Sendable {
            /// The issuer's Name as encoded, and the serial number's INTEGER content bytes.
            case issuerAndSerial(issuer: [UInt8], serial: [UInt8])
            case subjectKeyIdentifier([UInt8])
        }
        public var identifier: Identifier
        public var digestAlgorithm: ASN1ObjectIdentifier
        /// The signed attributes re-tagged as a SET (what the signature covers), when present.
        public var signedAttributesForSigning: [UInt8]?
        /// Each signed attribute's values, by type.
        public var signedAttributes: [(type: ASN1ObjectIdentifier, values: [ASN1Node])]
        public var signatureAlgorithm: ASN1ObjectIdentifier
        public var signature: [UInt8]
    }

    public struct Info: Sendable {
        public var imprintAlgorithm: ASN1ObjectIdentifier
        public var imprint: [UInt8]
        public var genTime: Date
        /// The TSTInfo's accuracy, rounded up to whole seconds (0 when absent).
        public var accuracySeconds: Int64
        /// The nonce the request asked for, when the token carries one that fits 64 bits.
        public var nonce: UInt64?
    }

    /// The DER of every certificate the token carries, in order.
    public var certificateDERs: [[UInt8]]
    /// The certificates, parsed as C2PA validation reads them (``ParsedCertificate``: RSA-PSS keys
    /// included); `nil` where one cannot be read.
    public var certificates: [ParsedCertificate?]
    public var signers: [SignerInfo]
    public var contentType: ASN1ObjectIdentifier
    /// The encapsulated content (the TSTInfo's DER), when present.
    public var content: [UInt8]?
    /// The TSTInfo, when the content is one and can be read.
    public var info: Info?

    static let signedDataOID: ASN1ObjectIdentifier = [1, 2, 840, 113549, 1, 7, 2]
    static let tstInfoOID: ASN1ObjectIdentifier = [1, 2, 840, 113549, 1, 9, 16, 1, 4]
    static let messageDigestOID: ASN1ObjectIdentifier = [1, 2, 840, 113549, 1, 9, 4]
    static let signingTimeOID: ASN1ObjectIdentifier = [1, 2, 840, 113549, 1, 9, 5]

    /// Reads a token or a `TimeStampResp`. Throws ``ManifestError/Code/timeStampMalformed`` when
    /// it is neither, when a granted response carries no token, or when a limit is broken.
    public init(parsing bytes: [UInt8]) throws {
        guard bytes.count <= Self.maximumSize else {
            throw Self.malformed("The time-stamp token is \(bytes.count) bytes, more than the \(Self.maximumSize) read")
        }
        do {
            let root = try DER.parse(bytes)
            let parts = try Self.children(root, "time-stamp")
            guard let first = parts.first else { throw Self.malformed("The time-stamp is an empty sequence") }
            let contentInfo: ASN1Node
            if first.identifier == .objectIdentifier {
                contentInfo = root
            } else {
                // TimeStampResp ::= SEQUENCE { status PKIStatusInfo, timeStampToken ContentInfo OPTIONAL }
                let statusParts = try Self.children(first, "PKIStatusInfo")
                guard let statusNode = statusParts.first else { throw Self.malformed("The time-stamp response has no status") }
                let status = try Int(derEncoded: statusNode)
                guard status == 0 || status == 1 else {
                    throw Self.malformed("The time-stamp response was not granted (status \(status))")
                }
                guard parts.count >= 2 else { throw Self.malformed("The time-stamp response carries no token") }
                contentInfo = parts[1]
            }
            try self.init(contentInfo: contentInfo)
        } catch let error as ManifestError {
            throw error
        } catch {
            throw Self.malformed("The time-stamp token is not valid DER: \(error)")
        }
    }

    private init(contentInfo: ASN1Node) throws {
        // ContentInfo ::= SEQUENCE { contentType OID, content [0] EXPLICIT ANY }
        let parts = try Self.children(contentInfo, "ContentInfo")
        guard parts.count == 2 else { throw Self.malformed("The time-stamp's ContentInfo is not two items") }
        let type = try ASN1ObjectIdentifier(derEncoded: parts[0])
        guard type == Self.signedDataOID else { throw Self.malformed("The time-stamp is not CMS SignedData (\(type))") }
        guard parts[1].identifier == ASN1Identifier(tagWithNumber: 0, tagClass: .contextSpecific),
            let signedData = try Self.children(parts[1], "content").first
        else { throw Self.malformed("The time-stamp's content is not tagged [0]") }

        // SignedData ::= SEQUENCE { version, digestAlgorithms SET, encapContentInfo,
        //   certificates [0] IMPLICIT OPTIONAL, crls [1] IMPLICIT OPTIONAL, signerInfos SET }
        let fields = try Self.children(signedData, "SignedData")
        guard fields.count >= 4 else { throw Self.malformed("The time-stamp's SignedData is incomplete") }
        let encapsulated = try Self.children(fields[2], "EncapsulatedContentInfo")
        guard let eType = encapsulated.first else { throw Self.malformed("The time-stamp has no content type") }
        contentType = try ASN1ObjectIdentifier(derEncoded: eType)
        if encapsulated.count > 1 {
            guard let octets = try Self.children(encapsulated[1], "eContent").first else {
                throw Self.malformed("The time-stamp's content is empty")
            }
            content = try Self.octets(octets)
        } else {
            content = nil
        }
        var certificateDERs: [[UInt8]] = []
        var certificates: [ParsedCertificate?] = []
        var signers: [SignerInfo] = []
        for field in fields.dropFirst(3) {
            if field.identifier == ASN1Identifier(tagWithNumber: 0, tagClass: .contextSpecific) {
                for node in try Self.children(field, "certificates") {
                    guard certificateDERs.count < Self.maximumCertificates else {
                        throw Self.malformed("The time-stamp carries more than \(Self.maximumCertificates) certificates")
                    }
                    // Other CertificateChoices (attribute certificates…) are tagged; c2pa-rs counts them unreadable.
                    certificateDERs.append(Array(node.encodedBytes))
                    certificates.append(node.identifier == .sequence ? try? ParsedCertificate(derEncoded: Array(node.encodedBytes)) : nil)
                }
            } else if field.identifier == .set {
                for node in try Self.children(field, "signerInfos") {
                    guard signers.count < Self.maximumSigners else {
                        throw Self.malformed("The time-stamp has more than \(Self.maximumSigners) signers")
                    }
                    signers.append(try Self.signerInfo(node))
                }
            }
        }
        self.certificateDERs = certificateDERs
        self.certificates = certificates
        self.signers = signers
        if contentType == Self.tstInfoOID, let content {
            info = try? Self.tstInfo(content)
        } else {
            info = nil
        }
    }

    // MARK: Parts

    static func signerInfo(_ node: ASN1Node) throws -> SignerInfo {
        // SignerInfo ::= SEQUENCE { version, sid, digestAlgorithm, signedAttrs [0] IMPLICIT OPTIONAL,
        //   signatureAlgorithm, signature OCTET STRING, unsignedAttrs [1] IMPLICIT OPTIONAL }
        let parts = try children(node, "SignerInfo")
        guard parts.count >= 5 else { throw malformed("A time-stamp SignerInfo is incomplete") }
        let identifier: SignerInfo.Identifier
        if parts[1].identifier == .sequence {
            let sid = try children(parts[1], "IssuerAndSerialNumber")
            guard sid.count == 2 else { throw malformed("A time-stamp signer's IssuerAndSerialNumber is not two items") }
            guard sid[0].identifier == .sequence, sid[1].identifier == .integer, case .primitive(let serial) = sid[1].content else {
                throw malformed("A time-stamp signer's IssuerAndSerialNumber is not a name and a serial number")
            }
            identifier = .issuerAndSerial(issuer: Array(sid[0].encodedBytes), serial: Array(serial))
        } else if parts[1].identifier == ASN1Identifier(tagWithNumber: 0, tagClass: .contextSpecific) {
            guard case .primitive(let bytes) = parts[1].content else { throw malformed("A time-stamp signer's key identifier is constructed") }
            identifier = .subjectKeyIdentifier(Array(bytes))
        } else {
            throw malformed("A time-stamp signer's identifier is of an unknown kind")
        }
        let digestAlgorithm = try algorithm(parts[2])
        var index = 3
        var forSigning: [UInt8]?
        var attributes: [(type: ASN1ObjectIdentifier, values: [ASN1Node])] = []
        if parts[index].identifier == ASN1Identifier(tagWithNumber: 0, tagClass: .contextSpecific) {
            var bytes = Array(parts[index].encodedBytes)
            bytes[0] = 0x31  // the signature covers the attributes as an explicit SET OF (RFC 5652 §5.4)
            forSigning = bytes
            for attribute in try children(parts[index], "signedAttrs") {
                let pieces = try children(attribute, "Attribute")
                guard pieces.count == 2 else { throw malformed("A time-stamp signed attribute is not two items") }
                attributes.append((try ASN1ObjectIdentifier(derEncoded: pieces[0]), try children(pieces[1], "attrValues")))
            }
            index += 1
        }
        guard parts.count >= index + 2 else { throw malformed("A time-stamp SignerInfo lacks its signature") }
        let signatureAlgorithm = try algorithm(parts[index])
        let signature = try octets(parts[index + 1])
        return SignerInfo(identifier: identifier, digestAlgorithm: digestAlgorithm, signedAttributesForSigning: forSigning,
                          signedAttributes: attributes, signatureAlgorithm: signatureAlgorithm, signature: signature)
    }

    static func tstInfo(_ der: [UInt8]) throws -> Info {
        // TSTInfo ::= SEQUENCE { version, policy, messageImprint, serialNumber, genTime, accuracy OPTIONAL, … }
        let parts = try children(try DER.parse(der), "TSTInfo")
        guard parts.count >= 5 else { throw malformed("The TSTInfo is incomplete") }
        let imprint = try children(parts[2], "MessageImprint")
        guard imprint.count == 2 else { throw malformed("The TSTInfo's message imprint is not two items") }
        let genTime = try GeneralizedTime(derEncoded: parts[4])
        var accuracy: Int64 = 0
        if parts.count > 5, parts[5].identifier == .sequence {
            var micros: Int64 = 0
            for item in try children(parts[5], "Accuracy") {
                // Bounded first, so no product overflows: a token claiming more than a day is as good as unbounded.
                let value = Int64(min(max((try? Int(derEncoded: item, withIdentifier: item.identifier)) ?? 0, 0), 86_400_000_000))
                switch item.identifier {
                case .integer: micros += min(value, 86_400) * 1_000_000
                case ASN1Identifier(tagWithNumber: 0, tagClass: .contextSpecific): micros += min(value, 999) * 1_000
                case ASN1Identifier(tagWithNumber: 1, tagClass: .contextSpecific): micros += min(value, 999)
                default: break
                }
            }
            accuracy = max(0, (micros + 999_999) / 1_000_000)
        }
        let nonceNode = parts.dropFirst(5).first { $0.identifier == .integer }
        let nonce = nonceNode.flatMap { try? UInt64(derEncoded: $0) }
        return Info(imprintAlgorithm: try algorithm(imprint[0]), imprint: try octets(imprint[1]),
                    genTime: date(genTime), accuracySeconds: accuracy, nonce: nonce)
    }

    /// The signing-time attribute's value, when present with exactly one value.
    func signingTime(of signer: SignerInfo) -> Date? {
        guard let attribute = signer.signedAttributes.first(where: { $0.type == Self.signingTimeOID }),
            attribute.values.count == 1, let value = attribute.values.first
        else { return nil }
        if let time = try? UTCTime(derEncoded: value) {
            return Self.date(year: time.year, month: time.month, day: time.day, hours: time.hours,
                             minutes: time.minutes, seconds: time.seconds)
        }
        if let time = try? GeneralizedTime(derEncoded: value) { return Self.date(time) }
        return nil
    }

    static func algorithm(_ node: ASN1Node) throws -> ASN1ObjectIdentifier {
        guard let first = try children(node, "AlgorithmIdentifier").first else { throw malformed("An algorithm identifier is empty") }
        return try ASN1ObjectIdentifier(derEncoded: first)
    }

    static func octets(_ node: ASN1Node) throws -> [UInt8] {
        Array(try ASN1OctetString(derEncoded: node).bytes)
    }

    static func children(_ node: ASN1Node, _ what: String) throws -> [ASN1Node] {
        guard case .constructed(let nodes) = node.content else { throw malformed("The time-stamp's \(what) is not constructed") }
        return Array(nodes)
    }

    static func malformed(_ reason: String) -> ManifestError { ManifestError.make(.timeStampMalformed, reason) }

    static func date(_ time: GeneralizedTime) -> Date {
        date(year: time.year, month: time.month, day: time.day, hours: time.hours, minutes: time.minutes, seconds: time.seconds)
    }

    /// Seconds since 1970 from a civil UTC date (days-from-civil; no calendar or locale involved).
    static func date(year: Int, month: Int, day: Int, hours: Int, minutes: Int, seconds: Int) -> Date {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        let days = era * 146_097 + dayOfEra - 719_468
        return Date(timeIntervalSince1970: TimeInterval(days * 86_400 + hours * 3_600 + minutes * 60 + seconds))
    }
}
