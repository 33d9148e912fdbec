import Crypto
import Foundation
import SwiftASN1
import X509

/// What a validator trusts: trust anchors (root or intermediate CA certificates), and an allowed
/// list of end-entity certificates trusted as they are (by certificate or by the SHA-256 of its DER).
/// With nothing configured, nothing is Trusted: a valid manifest is reported as Valid.
public struct TrustConfiguration: Sendable {
    public var anchors: [Certificate]
    public var allowedCertificateHashes: Set<[UInt8]>
    /// Anchors for time-stamp authorities (RFC 3161 tokens in `sigTst`/`sigTst2`): the C2PA TSA trust
    /// list when installed, plus every `--trust` anchor (as in c2pa-rs, whose anchors serve both).
    public var timeStampAnchors: [Certificate]

    public init(anchors: [Certificate] = [], allowedCertificateHashes: Set<[UInt8]> = [], timeStampAnchors: [Certificate] = []) {
        self.anchors = anchors
        self.allowedCertificateHashes = allowedCertificateHashes
        self.timeStampAnchors = timeStampAnchors
    }

    /// No anchors: nothing is Trusted.
    public static let none = TrustConfiguration()

    /// Trust anchors from one or more PEM bundles, and an optional allowed list (a PEM bundle of
    /// end-entity certificates, and/or lines holding a hex or base64 SHA-256 of a certificate's DER).
    public init(anchorPEMs: [String], allowedList: String? = nil) throws {
        var anchors: [Certificate] = []
        for bundle in anchorPEMs { anchors += try Self.certificates(fromPEMBundle: bundle) }
        var hashes = Set<[UInt8]>()
        if let allowedList {
            if allowedList.contains("-----BEGIN CERTIFICATE-----") {
                for certificate in try Self.certificates(fromPEMBundle: allowedList) {
                    hashes.insert(Self.fingerprint(certificate))
                }
            }
            for line in allowedList.split(whereSeparator: \.isNewline) {
                let text = line.trimmingCharacters(in: .whitespaces)
                if text.isEmpty || text.hasPrefix("#") || text.hasPrefix("-----") { continue }
                if text.count == 64, let bytes = Self.hexBytes(text) {
                    hashes.insert(bytes)
                } else if let data = Data(base64Encoded: text), data.count == 32 {
                    hashes.insert(Array(data))
                }
            }
        }
        self.init(anchors: anchors, allowedCertificateHashes: hashes)
    }

    /// Every certificate of a PEM bundle.
    public static func certificates(fromPEMBundle bundle: String) throws -> [Certificate] {
        var out: [Certificate] = []
        var current: [Substring] = []
        var inside = false
        for line in bundle.split(whereSeparator: \.isNewline) {
            if line.hasPrefix("-----BEGIN CERTIFICATE-----") {
                inside = true
                current = [line]
            } else if line.hasPrefix("-----END CERTIFICATE-----"), inside {
                current.append(line)
                inside = false
                do {
                    out.append(try Certificate(pemEncoded: current.joined(separator: "\n")))
                } catch {
                    throw ManifestError.make(.invalidCertificate, "A certificate in the PEM bundle cannot be read: \(error)")
                }
            } else if inside {
                current.append(line)
            }
        }
        guard !out.isEmpty else {
            throw ManifestError.make(.invalidCertificate, "The PEM bundle holds no certificate")
        }
        return out
    }

    /// One certificate of a PEM bundle that could not be read: its position (1-based), the label the
    /// bundle gives it (the `Subject` line the C2PA trust lists put before each certificate), and why.
    public struct UnreadableCertificate: Sendable, Hashable, CustomStringConvertible {
        public var position: Int
        public var label: String?
        public var reason: String
        public var description: String {
            "certificate \(position)" + (label.map { " (\($0))" } ?? "") + ": \(reason)"
        }
    }

    /// Every certificate of a PEM bundle that can be read, and the ones that cannot, each named; never
    /// throws, so one certificate of an unsupported kind does not hide the rest of a trust list.
    public static func readBundle(_ bundle: String) -> (certificates: [Certificate], unreadable: [UnreadableCertificate]) {
        var certificates: [Certificate] = []
        var unreadable: [UnreadableCertificate] = []
        var current: [Substring] = []
        var inside = false
        var position = 0
        var label: String?
        for line in bundle.split(whereSeparator: \.isNewline) {
            if line.hasPrefix("-----BEGIN CERTIFICATE-----") {
                inside = true
                current = [line]
            } else if line.hasPrefix("-----END CERTIFICATE-----"), inside {
                current.append(line)
                inside = false
                position += 1
                do {
                    certificates.append(try Certificate(pemEncoded: current.joined(separator: "\n")))
                } catch {
                    unreadable.append(UnreadableCertificate(position: position, label: label, reason: Self.describe(error)))
                }
                label = nil
            } else if inside {
                current.append(line)
            } else {
                let text = line.trimmingCharacters(in: .whitespaces)
                if text.hasPrefix("Subject") {
                    label = text.dropFirst("Subject".count).trimmingCharacters(in: CharacterSet(charactersIn: " \t:="))
                }
            }
        }
        return (certificates, unreadable)
    }

    /// A parser error in one line, without the raw bytes swift-asn1 puts in some of its messages.
    static func describe(_ error: any Error) -> String {
        let text = String(describing: error)
        let firstLine = text.split(separator: "\n").first.map(String.init) ?? text
        return firstLine.count > 200 ? String(firstLine.prefix(200)) + "…" : firstLine
    }

    static func fingerprint(_ certificate: Certificate) -> [UInt8] {
        var serializer = DER.Serializer()
        guard (try? serializer.serialize(certificate)) != nil else { return [] }
        return Array(SHA256.hash(data: serializer.serializedBytes))
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

    /// Whether `chain` (leaf first, then the x5chain's intermediates) leads to a configured anchor
    /// at `time`: each certificate is signed by the next (or by an anchor), CAs are CAs, and all are
    /// within their validity.
    func evaluate(chain: [Certificate], at time: Date) -> ChainResult {
        guard let leaf = chain.first else { return .invalid("The signature carries no certificate") }
        // Every link inside the presented chain must hold.
        for index in 0..<(chain.count - 1) {
            let child = chain[index]
            let parent = chain[index + 1]
            guard child.issuer == parent.subject, parent.publicKey.isValidSignature(child.signature, for: child) else {
                return .untrusted("Certificate \"\(child.subject)\" is not signed by the next certificate of the chain, \"\(parent.subject)\", so the chain leads nowhere")
            }
            guard Self.isCA(parent) else {
                return .untrusted("Certificate \"\(parent.subject)\" issues another certificate but is not a CA")
            }
            guard parent.notValidBefore <= time, time <= parent.notValidAfter else {
                return .untrusted("The chain's certificate \"\(parent.subject)\" is outside its validity period")
            }
        }
        if allowedCertificateHashes.contains(Self.fingerprint(leaf)) { return .trusted }
        if anchors.isEmpty { return .untrusted("No trust anchors are configured, so the signer cannot be trusted") }
        let anchorDERs = Set(anchors.map(Self.fingerprint))
        for certificate in chain {
            if anchorDERs.contains(Self.fingerprint(certificate)) { return .trusted }
            for anchor in anchors where certificate.issuer == anchor.subject {
                if anchor.publicKey.isValidSignature(certificate.signature, for: certificate),
                    anchor.notValidBefore <= time, time <= anchor.notValidAfter
                {
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
