import Foundation
import SwiftASN1
import X509

/// An X.509 certificate as C2PA validation reads it, parsed with swift-asn1.
///
/// swift-certificates refuses a certificate whose key is id-RSASSA-PSS, or an RSA key under 2048
/// bits, and cannot check a PSS signature; c2pa-rs reads all of them (and then judges them). So the
/// validator reads every certificate here: the structure is parsed strictly (DER), while the parts
/// c2pa-rs reads leniently (a key of a kind no one supports, a KeyUsage bit string with unused bits
/// left unstated) are kept for the profile to judge instead of failing the whole certificate.
public struct ParsedCertificate: Sendable, Hashable {
    public static func == (lhs: Self, rhs: Self) -> Bool { lhs.der == rhs.der }
    public func hash(into hasher: inout Hasher) { hasher.combine(der) }

    /// The whole certificate, DER.
    public let der: [UInt8]
    /// The signed part (TBSCertificate), exactly as encoded: what the issuer's signature covers.
    public let tbsBytes: ArraySlice<UInt8>
    /// 1, 2 or 3 (the encoded INTEGER plus one).
    public let version: Int
    public let signatureAlgorithm: AlgorithmIdentifierValue
    public let signature: [UInt8]
    /// The issuer and subject names exactly as encoded (compared byte for byte to link a chain).
    public let issuerBytes: ArraySlice<UInt8>
    public let subjectBytes: ArraySlice<UInt8>
    /// The names as swift-certificates reads them (nil when it cannot: the raw bytes still link).
    public let issuer: DistinguishedName?
    public let subject: DistinguishedName?
    public let notValidBefore: Date
    public let notValidAfter: Date
    public let publicKey: CertificateKey
    /// The serial number's INTEGER content bytes, as encoded (OCSP names a certificate by it).
    public let serialNumberBytes: ArraySlice<UInt8>
    /// The subjectPublicKey BIT STRING's bytes (an OCSP CertID hashes the issuer's).
    public let publicKeyBits: [UInt8]
    /// Whether issuerUniqueID or subjectUniqueID is present (C2PA forbids both).
    public let hasUniqueIdentifiers: Bool
    /// Every extension, in order.
    public let extensions: [Certificate.Extension]

    /// Parses one DER certificate. Throws a ``ManifestError`` (`manifest.invalid-certificate`) that
    /// says what is wrong, never the bytes.
    public init(derEncoded der: [UInt8]) throws {
        do {
            let root = try DER.parse(der)
            var parts: (tbs: ArraySlice<UInt8>, algorithm: AlgorithmIdentifierValue, signature: [UInt8])!
            var body: Body!
            try DER.sequence(root, identifier: .sequence) { nodes in
                guard let tbsNode = nodes.next() else { throw ASN1Error.invalidASN1Object(reason: "no TBSCertificate") }
                body = try Body(tbsNode)
                let algorithm = try AlgorithmIdentifierValue(derEncoded: &nodes)
                let signature = try ASN1BitString(derEncoded: &nodes)
                parts = (tbsNode.encodedBytes, algorithm, Array(signature.bytes))
            }
            self.der = der
            self.tbsBytes = parts.tbs
            self.signatureAlgorithm = parts.algorithm
            self.signature = parts.signature
            self.version = body.version
            self.issuerBytes = body.issuerBytes
            self.subjectBytes = body.subjectBytes
            self.issuer = try? DistinguishedName(derEncoded: body.issuerBytes)
            self.subject = try? DistinguishedName(derEncoded: body.subjectBytes)
            self.notValidBefore = body.notValidBefore
            self.notValidAfter = body.notValidAfter
            guard let key = body.publicKey else { throw ASN1Error.invalidASN1Object(reason: "no key") }
            self.publicKey = key
            self.serialNumberBytes = body.serialNumberBytes
            self.publicKeyBits = body.publicKeyBits
            self.hasUniqueIdentifiers = body.hasUniqueIdentifiers
            self.extensions = body.extensions
        } catch let error as ManifestError {
            throw error
        } catch {
            throw ManifestError.make(.invalidCertificate, "The certificate is not a readable X.509 certificate (\(Self.reason(error)))")
        }
    }

    /// A short reason for an ASN.1 error, without the bytes swift-asn1 may quote.
    static func reason(_ error: any Error) -> String {
        if let error = error as? ASN1Error {
            switch error.code {
            case .unexpectedFieldType: return "an unexpected field"
            case .invalidASN1Object: return "malformed ASN.1"
            case .invalidASN1IntegerEncoding: return "a malformed integer"
            case .truncatedASN1Field: return "a truncated field"
            case .unsupportedFieldLength: return "an unsupported field length"
            case .invalidPEMDocument: return "malformed PEM"
            case .invalidStringRepresentation: return "a malformed string"
            case .tooFewOIDComponents: return "a malformed object identifier"
            default: return "malformed ASN.1"
            }
        }
        return "malformed"
    }

    /// The TBSCertificate's fields.
    private struct Body {
        var version = 1
        var issuerBytes: ArraySlice<UInt8> = []
        var subjectBytes: ArraySlice<UInt8> = []
        var notValidBefore = Date.distantPast
        var notValidAfter = Date.distantPast
        var publicKey: CertificateKey?
        var serialNumberBytes: ArraySlice<UInt8> = []
        var publicKeyBits: [UInt8] = []
        var hasUniqueIdentifiers = false
        var extensions: [Certificate.Extension] = []

        init(_ node: ASN1Node) throws {
            try DER.sequence(node, identifier: .sequence) { nodes in
                let encodedVersion = try DER.optionalExplicitlyTagged(&nodes, tagNumber: 0, tagClass: .contextSpecific) { node in
                    try Int(derEncoded: node)
                }
                version = (encodedVersion ?? 0) + 1
                // serialNumber: skipped unread, as c2pa-rs tolerates serials strict DER would refuse
                // (a leading zero byte, a negative value).
                guard let serial = nodes.next(), serial.identifier == .integer, case .primitive(let serialContent) = serial.content else {
                    throw ASN1Error.invalidASN1Object(reason: "no serial number")
                }
                serialNumberBytes = serialContent
                _ = try AlgorithmIdentifierValue(derEncoded: &nodes)  // signature (repeated outside)
                guard let issuer = nodes.next() else { throw ASN1Error.invalidASN1Object(reason: "no issuer") }
                guard issuer.identifier == .sequence else { throw ASN1Error.unexpectedFieldType(issuer.identifier) }
                issuerBytes = issuer.encodedBytes
                guard let validity = nodes.next() else { throw ASN1Error.invalidASN1Object(reason: "no validity") }
                try DER.sequence(validity, identifier: .sequence) { times in
                    notValidBefore = try Self.time(times.next())
                    notValidAfter = try Self.time(times.next())
                }
                guard let subject = nodes.next() else { throw ASN1Error.invalidASN1Object(reason: "no subject") }
                guard subject.identifier == .sequence else { throw ASN1Error.unexpectedFieldType(subject.identifier) }
                subjectBytes = subject.encodedBytes
                guard let spki = nodes.next() else { throw ASN1Error.invalidASN1Object(reason: "no subjectPublicKeyInfo") }
                publicKey = try CertificateKey(subjectPublicKeyInfo: spki)
                publicKeyBits = try DER.sequence(spki, identifier: .sequence) { parts in
                    _ = parts.next()
                    return Array(try ASN1BitString(derEncoded: &parts).bytes)
                }
                while let next = nodes.next() {
                    switch next.identifier {
                    case ASN1Identifier(tagWithNumber: 1, tagClass: .contextSpecific),
                        ASN1Identifier(tagWithNumber: 2, tagClass: .contextSpecific):
                        hasUniqueIdentifiers = true
                    case ASN1Identifier(tagWithNumber: 3, tagClass: .contextSpecific):
                        extensions = try DER.explicitlyTagged(next, tagNumber: 3, tagClass: .contextSpecific) { inner in
                            try DER.sequence(of: Certificate.Extension.self, identifier: .sequence, rootNode: inner)
                        }
                    default:
                        throw ASN1Error.unexpectedFieldType(next.identifier)
                    }
                }
            }
        }

        /// A Time (UTCTime or GeneralizedTime) as a date.
        static func time(_ node: ASN1Node?) throws -> Date {
            guard let node else { throw ASN1Error.invalidASN1Object(reason: "no time") }
            let parts: (year: Int, month: Int, day: Int, hours: Int, minutes: Int, seconds: Int)
            switch node.identifier {
            case UTCTime.defaultIdentifier:
                let time = try UTCTime(derEncoded: node)
                parts = (time.year, time.month, time.day, time.hours, time.minutes, time.seconds)
            case GeneralizedTime.defaultIdentifier:
                let time = try GeneralizedTime(derEncoded: node)
                parts = (time.year, time.month, time.day, time.hours, time.minutes, time.seconds)
            default:
                throw ASN1Error.unexpectedFieldType(node.identifier)
            }
            var components = DateComponents()
            (components.year, components.month, components.day) = (parts.year, parts.month, parts.day)
            (components.hour, components.minute, components.second) = (parts.hours, parts.minutes, parts.seconds)
            guard let date = Self.utc.date(from: components) else {
                throw ASN1Error.invalidASN1Object(reason: "impossible date")
            }
            return date
        }

        static let utc: Calendar = {
            var calendar = Calendar(identifier: .gregorian)
            calendar.timeZone = TimeZone(identifier: "UTC")!
            return calendar
        }()
    }

    // MARK: Reading bundles

    /// One certificate of a PEM bundle, or why it could not be read.
    public struct BundleEntry: Sendable {
        /// Which certificate of the bundle (1-based), for messages.
        public var position: Int
        public var result: Result<ParsedCertificate, ManifestError>
    }

    /// Every `BEGIN CERTIFICATE` block of a PEM bundle, each parsed on its own: one unreadable
    /// certificate does not hide the others.
    public static func entries(ofPEMBundle bundle: String) -> [BundleEntry] {
        var out: [BundleEntry] = []
        var base64 = ""
        var inside = false
        for line in bundle.split(whereSeparator: \.isNewline) {
            let text = line.trimmingCharacters(in: .whitespaces)
            if text.hasPrefix("-----BEGIN CERTIFICATE-----") {
                inside = true
                base64 = ""
            } else if text.hasPrefix("-----END CERTIFICATE-----"), inside {
                inside = false
                let position = out.count + 1
                if let data = Data(base64Encoded: base64) {
                    do {
                        out.append(BundleEntry(position: position, result: .success(try ParsedCertificate(derEncoded: Array(data)))))
                    } catch let error as ManifestError {
                        out.append(BundleEntry(position: position, result: .failure(error)))
                    } catch {
                        out.append(BundleEntry(position: position, result: .failure(.make(.invalidCertificate, "unreadable"))))
                    }
                } else {
                    out.append(BundleEntry(position: position, result: .failure(
                        .make(.invalidCertificate, "The PEM block is not valid base64"))))
                }
            } else if inside {
                base64 += text
            }
        }
        return out
    }

    /// Every certificate of a PEM bundle; throws on the first that cannot be read, or when there is none.
    public static func certificates(fromPEMBundle bundle: String) throws -> [ParsedCertificate] {
        let entries = entries(ofPEMBundle: bundle)
        guard !entries.isEmpty else { throw ManifestError.make(.invalidCertificate, "The PEM bundle holds no certificate") }
        return try entries.map { try $0.result.get() }
    }

    // MARK: What the profile and the chain need

    /// The common name and organisation of a name, for summaries.
    public static func attribute(_ oid: ASN1ObjectIdentifier, of name: DistinguishedName?) -> String? {
        for rdn in name ?? DistinguishedName() {
            for attribute in rdn where attribute.type == oid {
                return String(describing: attribute.value)
            }
        }
        return nil
    }

    /// The subject as text (`CN=…,O=…`), or a placeholder when the name cannot be read.
    public var subjectDescription: String { subject?.description ?? "(an unreadable name)" }
    public var issuerDescription: String { issuer?.description ?? "(an unreadable name)" }

    public var isSelfIssued: Bool { issuerBytes == subjectBytes }

    func `extension`(_ oid: ASN1ObjectIdentifier) -> Certificate.Extension? {
        extensions.first { $0.oid == oid }
    }

    /// Whether BasicConstraints says this is a CA.
    public var isCA: Bool {
        guard let ext = `extension`(.X509ExtensionID.basicConstraints),
            let constraints = try? BasicConstraints(ext), case .isCertificateAuthority = constraints
        else { return false }
        return true
    }

    /// The ExtendedKeyUsage purposes, nil when the extension is absent or unreadable.
    public var extendedKeyUsage: [ASN1ObjectIdentifier]? {
        guard let ext = `extension`(.X509ExtensionID.extendedKeyUsage), let node = try? DER.parse(ext.value) else { return nil }
        // Read as the SEQUENCE OF OID it is (swift-certificates' reader also refuses repeated purposes).
        return try? DER.sequence(of: ASN1ObjectIdentifier.self, identifier: .sequence, rootNode: node)
    }

    /// The KeyUsage bits, read leniently: a BIT STRING whose unused-bits count is 0 although its last
    /// bits are zero (`03 02 00 C0`, which strict DER refuses) is read as c2pa-rs reads it. Nil when
    /// the extension is absent or not a bit string at all.
    public var keyUsage: KeyUsageBits? {
        guard let ext = `extension`(.X509ExtensionID.keyUsage) else { return nil }
        return KeyUsageBits(extensionValue: ext.value)
    }

    /// The Authority Information Access addresses of OCSP responders (id-ad-ocsp), in order.
    public var ocspResponderURLs: [String] {
        guard let ext = `extension`(.X509ExtensionID.authorityInformationAccess),
            let access = try? AuthorityInformationAccess(ext)
        else { return [] }
        return access.compactMap { description in
            guard description.method == .ocspServer, case .uniformResourceIdentifier(let url) = description.location else { return nil }
            return url
        }
    }

    /// The fingerprint trust lists use: SHA-256 of the DER.
    public var sha256: [UInt8] { HashAlgorithm.sha256.hash(der) }
}

/// KeyUsage (RFC 5280 §4.2.1.3), bit 0 first.
public struct KeyUsageBits: Sendable, Hashable {
    public var bytes: [UInt8]

    init?(extensionValue value: ArraySlice<UInt8>) {
        // BIT STRING: tag 3, a short or long length, the unused-bits count, then the bits.
        guard let node = try? DER.parse(value), node.identifier == .bitString, case .primitive(let content) = node.content,
            let unused = content.first, unused < 8
        else { return nil }
        bytes = Array(content.dropFirst())
    }

    func bit(_ index: Int) -> Bool {
        let byte = index / 8
        guard byte < bytes.count else { return false }
        return bytes[byte] & (0x80 >> UInt8(index % 8)) != 0
    }

    public var digitalSignature: Bool { bit(0) }
    public var nonRepudiation: Bool { bit(1) }
    public var keyCertSign: Bool { bit(5) }
}

/// An AlgorithmIdentifier: an OID and its parameters, if any.
public struct AlgorithmIdentifierValue: Sendable, Hashable, DERParseable {
    public var oid: ASN1ObjectIdentifier
    public var parameters: ASN1Node?

    public init(oid: ASN1ObjectIdentifier, parameters: ASN1Node? = nil) {
        self.oid = oid
        self.parameters = parameters
    }

    public init(derEncoded node: ASN1Node) throws {
        (oid, parameters) = try DER.sequence(node, identifier: .sequence) { nodes in
            let oid = try ASN1ObjectIdentifier(derEncoded: &nodes)
            return (oid, nodes.next())
        }
    }
}
