import Crypto
import Foundation
import SwiftASN1
import X509

/// What a validator trusts, as c2pa-rs's trust settings: trust anchors (root or intermediate CA
/// certificates), an allowed list of end-entity certificates trusted as they are (by certificate or
/// by the SHA-256 of its DER), and the ExtendedKeyUsage purposes accepted besides the defaults
/// (c2pa-rs's `trust_config`, one OID a line). With no anchor and no allowed certificate, nothing is
/// Trusted: a valid manifest is reported as Valid.
public struct TrustConfiguration: Sendable {
    public var anchors: [ParsedCertificate] {
        didSet { anchorDERs = Set(anchors.map(\.der)) }
    }
    /// The anchors' encodings, kept beside them: every chain evaluation asks whether a certificate is
    /// an anchor, and a set made per evaluation hashed every anchor (hundreds with the C2PA lists) each time.
    private(set) var anchorDERs: Set<[UInt8]> = []
    public var allowedCertificateHashes: Set<[UInt8]>
    /// ExtendedKeyUsage purposes a signer may have (emailProtection, timeStamping and OCSPSigning are
    /// always accepted as well).
    public var acceptedUsages: Set<ASN1ObjectIdentifier>
    /// What could not be read but did not stop the rest from loading (an unreadable certificate in
    /// an anchor bundle), one sentence each, naming the file and the certificate.
    public var warnings: [String]
    /// Anchors for time-stamp authorities (RFC 3161 tokens in `sigTst`/`sigTst2`): the C2PA TSA trust
    /// list when installed, plus every `--trust` anchor (as in c2pa-rs, whose anchors serve both).
    public var timeStampAnchors: [ParsedCertificate] = []

    /// What a time-stamp authority's chain is judged against: every anchor (as c2pa-rs, whose anchors
    /// serve signers and authorities alike) and the time-stamp anchors (the C2PA TSA trust list), which
    /// anchor authorities only.
    public var timeStampTrust: TrustConfiguration {
        guard !timeStampAnchors.isEmpty else { return self }
        var copy = self
        copy.anchors += timeStampAnchors.filter { !anchorDERs.contains($0.der) }
        return copy
    }

    public init(anchors: [ParsedCertificate] = [], allowedCertificateHashes: Set<[UInt8]> = [],
                acceptedUsages: Set<ASN1ObjectIdentifier> = CertificateProfile.defaultAcceptedUsages) {
        self.anchors = anchors
        self.anchorDERs = Set(anchors.map(\.der))
        self.allowedCertificateHashes = allowedCertificateHashes
        self.acceptedUsages = acceptedUsages
        self.warnings = []
    }

    /// Anchors given as swift-certificates certificates (what ailabel's own test PKI makes).
    public init(anchors: [Certificate]) throws {
        self.init(anchors: try anchors.map { try ParsedCertificate(derEncoded: Self.der($0)) })
    }

    /// No anchors: nothing is Trusted.
    public static let none = TrustConfiguration()

    /// Trust anchors from one or more PEM bundles (named for warnings, "bundle N" otherwise), an
    /// optional allowed list (a PEM bundle of end-entity certificates, and/or lines holding a hex or
    /// base64 SHA-256 of a certificate's DER), and optional extra EKU OIDs in c2pa-rs's `store.cfg`
    /// form. A certificate of a bundle that cannot be read is skipped with a warning naming it; a
    /// bundle with no readable certificate at all is refused.
    public init(anchorBundles: [(name: String, pem: String)], allowedList: String? = nil,
                extendedKeyUsages: String? = nil) throws {
        var anchors: [ParsedCertificate] = []
        var warnings: [String] = []
        for bundle in anchorBundles {
            let (certificates, problems) = try Self.readBundle(bundle.pem, name: bundle.name)
            anchors += certificates
            warnings += problems
        }
        var hashes = Set<[UInt8]>()
        if let allowedList {
            if allowedList.contains("-----BEGIN CERTIFICATE-----") {
                let (certificates, problems) = try Self.readBundle(allowedList, name: "the allowed list")
                for certificate in certificates { hashes.insert(certificate.sha256) }
                warnings += problems
            }
            for line in allowedList.split(whereSeparator: \.isNewline) {
                let text = line.trimmingCharacters(in: .whitespaces)
                if text.isEmpty || text.hasPrefix("#") || text.hasPrefix("-----") { continue }
                if text.count == 64, let bytes = Self.hexBytes(text) {
                    hashes.insert(bytes)
                } else if text.count == 44, let data = Data(base64Encoded: text), data.count == 32 {
                    hashes.insert(Array(data))
                }
            }
        }
        var usages = CertificateProfile.defaultAcceptedUsages
        if let extendedKeyUsages { usages.formUnion(Self.extendedKeyUsages(fromConfig: extendedKeyUsages)) }
        self.init(anchors: anchors, allowedCertificateHashes: hashes, acceptedUsages: usages)
        self.warnings = warnings
    }

    public init(anchorPEMs: [String], allowedList: String? = nil) throws {
        try self.init(anchorBundles: anchorPEMs.enumerated().map { (name: "bundle \($0.offset + 1)", pem: $0.element) },
                      allowedList: allowedList)
    }

    /// The readable certificates of a bundle and a warning for each unreadable one. Throws when the
    /// bundle holds no readable certificate.
    static func readBundle(_ pem: String, name: String) throws -> ([ParsedCertificate], [String]) {
        let entries = ParsedCertificate.entries(ofPEMBundle: pem)
        var certificates: [ParsedCertificate] = []
        var warnings: [String] = []
        for entry in entries {
            switch entry.result {
            case .success(let certificate): certificates.append(certificate)
            case .failure(let error):
                warnings.append("certificate \(entry.position) of \(entries.count) in \(name) cannot be read and is ignored: \(error.reason)")
            }
        }
        guard !entries.isEmpty else {
            throw ManifestError.make(.invalidCertificate, "\(name) holds no PEM certificate (-----BEGIN CERTIFICATE-----)")
        }
        guard !certificates.isEmpty else {
            throw ManifestError.make(.invalidCertificate, "none of the \(entries.count) certificates in \(name) can be read: \(warnings.joined(separator: "; "))")
        }
        return (certificates, warnings)
    }

    /// The OIDs of a c2pa-rs `store.cfg`: one dotted OID a line; comments (`//`, `#`) and anything
    /// else that is not an OID are ignored, as c2pa-rs ignores them.
    public static func extendedKeyUsages(fromConfig text: String) -> Set<ASN1ObjectIdentifier> {
        var out = Set<ASN1ObjectIdentifier>()
        for line in text.split(whereSeparator: \.isNewline) {
            let candidate = line.trimmingCharacters(in: .whitespaces)
            guard !candidate.isEmpty, candidate.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == ".") }),
                let oid = try? ASN1ObjectIdentifier(dotRepresentation: candidate)
            else { continue }
            out.insert(oid)
        }
        return out
    }

    /// Every certificate of a PEM bundle, read by swift-certificates (for signing chains, which
    /// ailabel makes itself); throws on the first unreadable one.
    public static func certificates(fromPEMBundle bundle: String) throws -> [Certificate] {
        var out: [Certificate] = []
        for entry in ParsedCertificate.entries(ofPEMBundle: bundle) {
            switch entry.result {
            case .failure(let error): throw error
            case .success(let parsed):
                do {
                    out.append(try Certificate(derEncoded: parsed.der))
                } catch {
                    throw ManifestError.make(.invalidCertificate,
                        "certificate \(entry.position) of the PEM bundle (\(parsed.subjectDescription)) is of a kind ailabel cannot sign with")
                }
            }
        }
        guard !out.isEmpty else {
            throw ManifestError.make(.invalidCertificate, "The PEM bundle holds no certificate")
        }
        return out
    }

    /// One certificate of a trust list that could not be read: its position (1-based), the label the
    /// list gives it (the `Subject` line the C2PA trust lists put before each certificate), and why.
    public struct UnreadableCertificate: Sendable, Hashable, CustomStringConvertible {
        public var position: Int
        public var label: String?
        public var reason: String
        public var description: String {
            "certificate \(position)" + (label.map { " (\($0))" } ?? "") + ": \(reason)"
        }
    }

    /// Every certificate of a trust list (a PEM bundle) that can be read, and each one that cannot,
    /// named by position and by the `Subject` line before it; never throws.
    public static func readList(_ pem: String) -> (certificates: [ParsedCertificate], unreadable: [UnreadableCertificate]) {
        // The Subject line preceding each BEGIN, in order (nil when a certificate has none).
        var labels: [String?] = []
        var pending: String?
        for line in pem.split(whereSeparator: \.isNewline) {
            let text = line.trimmingCharacters(in: .whitespaces)
            if text.hasPrefix("-----BEGIN CERTIFICATE-----") {
                labels.append(pending)
                pending = nil
            } else if text.hasPrefix("Subject") {
                pending = text.dropFirst("Subject".count).trimmingCharacters(in: CharacterSet(charactersIn: " \t:="))
            }
        }
        var certificates: [ParsedCertificate] = []
        var unreadable: [UnreadableCertificate] = []
        for entry in ParsedCertificate.entries(ofPEMBundle: pem) {
            switch entry.result {
            case .success(let certificate): certificates.append(certificate)
            case .failure(let error):
                let label = entry.position <= labels.count ? labels[entry.position - 1] : nil
                unreadable.append(UnreadableCertificate(position: entry.position, label: label, reason: error.reason))
            }
        }
        return (certificates, unreadable)
    }

    static func der(_ certificate: Certificate) throws -> [UInt8] {
        var serializer = DER.Serializer()
        try serializer.serialize(certificate)
        return serializer.serializedBytes
    }

    static func fingerprint(_ certificate: Certificate) -> [UInt8] {
        guard let der = try? der(certificate) else { return [] }
        return Array(SHA256.hash(data: der))
    }

    static func hexBytes(_ text: String) -> [UInt8]? {
        var out: [UInt8] = []
        var iterator = text.utf8.makeIterator()
        while let high = iterator.next() {
            guard let low = iterator.next(), let h = hexValue(high), let l = hexValue(low) else { return nil }
            out.append(h << 4 | l)
        }
        return out
    }

    private static func hexValue(_ c: UInt8) -> UInt8? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return c - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return c - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return c - UInt8(ascii: "A") + 10
        default: return nil
        }
    }

    // MARK: Chain evaluation

    enum ChainResult {
        case trusted
        case untrusted(String)
        case invalid(String)
    }

    /// Whether `chain` (leaf first, then the x5chain's intermediates) leads to a configured anchor,
    /// as c2pa-rs decides it: an allowed end-entity certificate is trusted as it is; otherwise the
    /// leaf needs an accepted ExtendedKeyUsage, each certificate must be signed by the next (and
    /// the next be a CA), and some certificate must be an anchor or be signed by one. Validity
    /// periods are checked only at `signingTime` (a time-stamp's time), as c2pa-rs checks them only
    /// when the signature is time-stamped; the leaf's own period is the profile's business.
    func evaluate(chain: [ParsedCertificate], signingTime: Date?) -> ChainResult {
        guard let leaf = chain.first else { return .invalid("The signature carries no certificate") }
        if allowedCertificateHashes.contains(leaf.sha256) { return .trusted }
        if anchors.isEmpty { return .untrusted("No trust anchors are configured, so the signer cannot be trusted") }
        guard let usages = leaf.extendedKeyUsage,
            !Set(usages).isDisjoint(with: acceptedUsages.union([CertificateProfile.emailProtection, CertificateProfile.timeStamping, CertificateProfile.ocspSigning]))
        else {
            return .untrusted("The signer's certificate has no accepted ExtendedKeyUsage, so no anchor can vouch for it")
        }
        for index in 0..<(chain.count - 1) {
            let child = chain[index]
            let parent = chain[index + 1]
            guard child.issuerBytes == parent.subjectBytes,
                parent.publicKey.isValidSignature(child.signature, over: child.tbsBytes, algorithm: child.signatureAlgorithm)
            else {
                return .untrusted("Certificate \"\(child.subjectDescription)\" is not signed by the next certificate of the chain, \"\(parent.subjectDescription)\", so the chain leads nowhere")
            }
            guard parent.isCA else {
                return .untrusted("Certificate \"\(parent.subjectDescription)\" issues another certificate but is not a CA")
            }
        }
        for certificate in chain.reversed() {
            if let signingTime, !(certificate.notValidBefore <= signingTime && signingTime <= certificate.notValidAfter) {
                return .untrusted("The chain's certificate \"\(certificate.subjectDescription)\" was outside its validity period at signing time")
            }
            if anchorDERs.contains(certificate.der) { return .trusted }
            for anchor in anchors where certificate.issuerBytes == anchor.subjectBytes {
                if let signingTime, !(anchor.notValidBefore <= signingTime && signingTime <= anchor.notValidAfter) { continue }
                if anchor.publicKey.isValidSignature(certificate.signature, over: certificate.tbsBytes,
                                                     algorithm: certificate.signatureAlgorithm) {
                    return .trusted
                }
            }
        }
        return .untrusted("The signer's certificate chain does not lead to any configured trust anchor")
    }

    static func isCA(_ certificate: Certificate) -> Bool {
        if let constraints = try? certificate.extensions.basicConstraints, case .isCertificateAuthority = constraints {
            return true
        }
        return false
    }
}
