import Crypto
import _CryptoExtras
import X509

/// A signer whose private key stays outside ailabel (an HSM, a cloud KMS, a program): it is given
/// the COSE `Sig_structure` bytes and returns the signature. ECDSA signatures may come back raw
/// (r||s, as COSE wants) or DER-encoded (as most KMS services return them); DER is converted.
/// Every signature is checked against the signing certificate before it is used, so a wrong key or
/// a garbled answer fails the file instead of writing a manifest that does not verify.
public struct ExternalSigner: Sendable {
    public var algorithm: COSEAlgorithm
    /// Signs the bytes; throws to fail the file.
    public var sign: @Sendable ([UInt8]) throws -> [UInt8]

    public init(algorithm: COSEAlgorithm, sign: @escaping @Sendable ([UInt8]) throws -> [UInt8]) {
        self.algorithm = algorithm
        self.sign = sign
    }

    /// The algorithm a certificate's key signs with by default: ES256/384/512 by curve, PS256 for
    /// RSA, Ed25519.
    public static func defaultAlgorithm(forLeafOf chain: [Certificate]) -> COSEAlgorithm? {
        chain.first.flatMap { defaultAlgorithm(for: $0.publicKey) }
    }

    public static func defaultAlgorithm(for key: Certificate.PublicKey) -> COSEAlgorithm? {
        if P256.Signing.PublicKey(key) != nil { return .es256 }
        if P384.Signing.PublicKey(key) != nil { return .es384 }
        if P521.Signing.PublicKey(key) != nil { return .es512 }
        if _RSA.Signing.PublicKey(key) != nil { return .ps256 }
        if Curve25519.Signing.PublicKey(key) != nil { return .ed25519 }
        return nil
    }

    /// The fixed signature length `algorithm` gives with `key`, or `nil` when they do not fit together.
    static func signatureLength(_ algorithm: COSEAlgorithm, key: Certificate.PublicKey) -> Int? {
        switch algorithm {
        case .es256: return P256.Signing.PublicKey(key) != nil ? 64 : nil
        case .es384: return P384.Signing.PublicKey(key) != nil ? 96 : nil
        case .es512: return P521.Signing.PublicKey(key) != nil ? 132 : nil
        case .ps256, .ps384, .ps512: return _RSA.Signing.PublicKey(key).map { $0.keySizeInBits / 8 }
        case .ed25519: return Curve25519.Signing.PublicKey(key) != nil ? 64 : nil
        }
    }

    /// The signature in COSE's form: ECDSA DER turned into raw r||s; other kinds as given.
    static func normalized(_ signature: [UInt8], algorithm: COSEAlgorithm, length: Int) -> [UInt8] {
        guard signature.count != length, signature.first == 0x30 else { return signature }
        switch algorithm {
        case .es256: return (try? P256.Signing.ECDSASignature(derRepresentation: signature)).map { Array($0.rawRepresentation) } ?? signature
        case .es384: return (try? P384.Signing.ECDSASignature(derRepresentation: signature)).map { Array($0.rawRepresentation) } ?? signature
        case .es512: return (try? P521.Signing.ECDSASignature(derRepresentation: signature)).map { Array($0.rawRepresentation) } ?? signature
        default: return signature
        }
    }
}
