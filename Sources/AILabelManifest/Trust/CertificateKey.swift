import Crypto
import Foundation
import SwiftASN1
import X509
import _CryptoExtras

/// A certificate's subject public key, as C2PA validation uses it: the kinds swift-certificates
/// handles, an id-RSASSA-PSS key (which it refuses), or a key of a kind no one here can use (kept,
/// so that the profile, not the parser, says why the certificate is refused).
public enum CertificateKey: Sendable {
    /// EC P-256/384/521, RSA (rsaEncryption) or Ed25519.
    case standard(Certificate.PublicKey)
    /// id-RSASSA-PSS (1.2.840.113549.1.1.10): an RSA key restricted to PSS signatures.
    case rsaPSS(_RSA.Signing.PublicKey)
    /// Any other algorithm (or curve), named by its OID.
    case unsupported(algorithm: ASN1ObjectIdentifier)

    static let rsaEncryption: ASN1ObjectIdentifier = [1, 2, 840, 113549, 1, 1, 1]
    public static let rsaPSSAlgorithm: ASN1ObjectIdentifier = [1, 2, 840, 113549, 1, 1, 10]

    /// Reads a SubjectPublicKeyInfo.
    init(subjectPublicKeyInfo node: ASN1Node) throws {
        let algorithm = try DER.sequence(node, identifier: .sequence) { nodes in
            let algorithm = try AlgorithmIdentifierValue(derEncoded: &nodes)
            _ = try ASN1BitString(derEncoded: &nodes)
            return algorithm
        }
        let spki = node.encodedBytes
        switch algorithm.oid {
        case Self.rsaPSSAlgorithm:
            // swift-crypto reads a PSS SubjectPublicKeyInfo, dropping its parameters; 1024 bits and
            // up are read so that the profile, as c2pa-rs does, names a short key rather than failing.
            self = (try? _RSA.Signing.PublicKey(unsafeDERRepresentation: spki)).map { .rsaPSS($0) } ?? .unsupported(algorithm: algorithm.oid)
        case Self.rsaEncryption:
            self = (try? _RSA.Signing.PublicKey(unsafeDERRepresentation: spki)).map { .standard(Certificate.PublicKey($0)) }
                ?? .unsupported(algorithm: algorithm.oid)
        default:
            // EC on P-256/384/521 and Ed25519; anything else (another curve, DSA…) is unsupported.
            self = (try? Certificate.PublicKey(derEncoded: spki)).map { .standard($0) } ?? .unsupported(algorithm: algorithm.oid)
        }
    }

    /// The RSA key, whether rsaEncryption or RSASSA-PSS.
    var rsa: _RSA.Signing.PublicKey? {
        switch self {
        case .standard(let key): return _RSA.Signing.PublicKey(key)
        case .rsaPSS(let key): return key
        case .unsupported: return nil
        }
    }

    var standard: Certificate.PublicKey? {
        if case .standard(let key) = self { return key }
        return nil
    }

    /// Whether C2PA accepts this kind of key (EC P-256/384/521, RSA or RSASSA-PSS, Ed25519),
    /// whatever its size.
    var isAcceptedKind: Bool {
        switch self {
        case .standard(let key): return AcceptedKeyKinds.contains(key)
        case .rsaPSS: return true
        case .unsupported: return false
        }
    }

    /// A short name for messages.
    var kindDescription: String {
        switch self {
        case .standard(let key):
            if P256.Signing.PublicKey(key) != nil { return "EC P-256" }
            if P384.Signing.PublicKey(key) != nil { return "EC P-384" }
            if P521.Signing.PublicKey(key) != nil { return "EC P-521" }
            if let rsa = _RSA.Signing.PublicKey(key) { return "RSA \(rsa.keySizeInBits)" }
            if Curve25519.Signing.PublicKey(key) != nil { return "Ed25519" }
            return "unknown"
        case .rsaPSS(let key): return "RSASSA-PSS \(key.keySizeInBits)"
        case .unsupported(let oid): return "\(oid)"
        }
    }

    // MARK: Certificate signatures

    /// Whether `signature` over `data` (a TBSCertificate) was made by this key with `algorithm`
    /// (the certificate's signatureAlgorithm): ECDSA, RSA PKCS#1 v1.5 or RSASSA-PSS with SHA-256/384/512,
    /// or Ed25519. False for any other algorithm or a key of the wrong kind.
    func isValidSignature(_ signature: [UInt8], over data: ArraySlice<UInt8>, algorithm: AlgorithmIdentifierValue) -> Bool {
        if algorithm.oid == Self.rsaPSSAlgorithm {
            guard let rsa, let parameters = RSAPSSParameters(algorithm), parameters.isSupported else { return false }
            return Self.verifyPSS(rsa, signature: signature, data: data, hash: parameters.hash)
        }
        // A PSS-only key signs nothing but PSS (RFC 4055 §1.2).
        guard let key = standard, let standardAlgorithm = Self.standardAlgorithms[algorithm.oid] else { return false }
        return key.isValidSignature(signature, for: data, signatureAlgorithm: standardAlgorithm)
    }

    static let standardAlgorithms: [ASN1ObjectIdentifier: Certificate.SignatureAlgorithm] = [
        [1, 2, 840, 10045, 4, 3, 2]: .ecdsaWithSHA256, [1, 2, 840, 10045, 4, 3, 3]: .ecdsaWithSHA384,
        [1, 2, 840, 10045, 4, 3, 4]: .ecdsaWithSHA512, [1, 2, 840, 113549, 1, 1, 11]: .sha256WithRSAEncryption,
        [1, 2, 840, 113549, 1, 1, 12]: .sha384WithRSAEncryption, [1, 2, 840, 113549, 1, 1, 13]: .sha512WithRSAEncryption,
        [1, 3, 101, 112]: .ed25519,
    ]

    static func verifyPSS(_ key: _RSA.Signing.PublicKey, signature: [UInt8], data: some DataProtocol, hash: HashAlgorithm) -> Bool {
        let parsed = _RSA.Signing.RSASignature(rawRepresentation: signature)
        // swift-crypto's PSS padding: MGF1 with the same hash, salt as long as the digest.
        switch hash {
        case .sha256: return key.isValidSignature(parsed, for: SHA256.hash(data: data), padding: .PSS)
        case .sha384: return key.isValidSignature(parsed, for: SHA384.hash(data: data), padding: .PSS)
        case .sha512: return key.isValidSignature(parsed, for: SHA512.hash(data: data), padding: .PSS)
        }
    }

    // MARK: COSE claim signatures

    /// Checks a COSE signature (ECDSA as raw r||s, PSS, Ed25519) with this key. False for any
    /// mismatch of algorithm and key kind.
    func isValidCOSESignature(_ signature: [UInt8], over data: [UInt8], algorithm: COSEAlgorithm) -> Bool {
        switch algorithm {
        case .es256, .es384, .es512, .ed25519:
            guard let key = standard else { return false }
            return verifyCOSESignature(signature, over: data, algorithm: algorithm, publicKey: key)
        case .ps256, .ps384, .ps512:
            guard let rsa else { return false }
            let hash: HashAlgorithm = algorithm == .ps384 ? .sha384 : algorithm == .ps512 ? .sha512 : .sha256
            return Self.verifyPSS(rsa, signature: signature, data: data, hash: hash)
        }
    }
}

/// RSASSA-PSS-params (RFC 4055 §3.1): the hash, the MGF1 hash and the salt length.
struct RSAPSSParameters {
    /// nil for a hash other than SHA-256/384/512 (SHA-1 when absent).
    var hash: HashAlgorithm
    var maskHash: HashAlgorithm?
    var hashPresent: Bool
    var maskPresent: Bool
    var saltLength: Int

    static let mgf1: ASN1ObjectIdentifier = [1, 2, 840, 113549, 1, 1, 8]
    static let hashes: [ASN1ObjectIdentifier: HashAlgorithm] = [
        [2, 16, 840, 1, 101, 3, 4, 2, 1]: .sha256, [2, 16, 840, 1, 101, 3, 4, 2, 2]: .sha384,
        [2, 16, 840, 1, 101, 3, 4, 2, 3]: .sha512,
    ]

    /// Nil when the parameters are absent, malformed, or name a hash other than SHA-256/384/512.
    init?(_ algorithm: AlgorithmIdentifierValue) {
        guard let node = algorithm.parameters else { return nil }
        var hashOID: ASN1ObjectIdentifier?
        var maskOID: ASN1ObjectIdentifier?
        var salt = 20
        do {
            try DER.sequence(node, identifier: .sequence) { nodes in
                hashOID = try DER.optionalExplicitlyTagged(&nodes, tagNumber: 0, tagClass: .contextSpecific) {
                    try AlgorithmIdentifierValue(derEncoded: $0).oid
                }
                maskOID = try DER.optionalExplicitlyTagged(&nodes, tagNumber: 1, tagClass: .contextSpecific) { node in
                    let mask = try AlgorithmIdentifierValue(derEncoded: node)
                    guard mask.oid == Self.mgf1, let inner = mask.parameters else {
                        throw ASN1Error.invalidASN1Object(reason: "not MGF1")
                    }
                    return try AlgorithmIdentifierValue(derEncoded: inner).oid
                }
                salt = try DER.optionalExplicitlyTagged(&nodes, tagNumber: 2, tagClass: .contextSpecific) { try Int(derEncoded: $0) } ?? 20
                // The trailer field, if any, is always 1 (trailerFieldBC); nothing else is read.
                while nodes.next() != nil {}
            }
        } catch {
            return nil
        }
        guard let hashOID, let hash = Self.hashes[hashOID] else { return nil }
        self.hash = hash
        self.maskHash = maskOID.flatMap { Self.hashes[$0] }
        self.hashPresent = true
        self.maskPresent = maskOID != nil
        self.saltLength = salt
    }

    /// What c2pa-rs's profile asks (the MGF1 hash is the signature's hash), and what swift-crypto can
    /// check (a salt as long as the digest).
    var isSupported: Bool { maskHash == hash && saltLength == hash.digestLength }
}
