import Crypto
import _CryptoExtras
import SwiftASN1
import X509

/// A private key that signs C2PA claims: P-256, P-384, P-521, RSA (PSS) or Ed25519, read from PEM.
public struct SigningKey: Sendable {
    enum Backing: Sendable {
        case p256(P256.Signing.PrivateKey)
        case p384(P384.Signing.PrivateKey)
        case p521(P521.Signing.PrivateKey)
        case rsa(_RSA.Signing.PrivateKey)
        case ed25519(Curve25519.Signing.PrivateKey)
    }

    let backing: Backing

    /// Reads a PKCS#8 (`PRIVATE KEY`), SEC1 (`EC PRIVATE KEY`) or PKCS#1 (`RSA PRIVATE KEY`) PEM key.
    public init(pemRepresentation pem: String) throws {
        let document: PEMDocument
        do {
            document = try PEMDocument(pemString: pem)
        } catch {
            // Never the library's text: its description of a malformed PEM quotes the base64 body, the key itself.
            throw ManifestError.make(.invalidKey, "The private key is not a complete PEM document (a BEGIN and a matching END line around base64)")
        }
        if document.discriminator == "ENCRYPTED PRIVATE KEY" {
            throw ManifestError.make(.invalidKey, "The private key is encrypted; ailabel needs an unencrypted PKCS#8 key")
        }
        let generic: Certificate.PrivateKey
        do {
            generic = try Certificate.PrivateKey(pemDocument: document)
        } catch {
            throw ManifestError.make(.invalidKey, "The private key cannot be read: its PEM block is not a PKCS#8, SEC1 or PKCS#1 key")
        }
        let publicKey = generic.publicKey
        do {
            if P256.Signing.PublicKey(publicKey) != nil {
                backing = .p256(try P256.Signing.PrivateKey(pemRepresentation: pem))
            } else if P384.Signing.PublicKey(publicKey) != nil {
                backing = .p384(try P384.Signing.PrivateKey(pemRepresentation: pem))
            } else if P521.Signing.PublicKey(publicKey) != nil {
                backing = .p521(try P521.Signing.PrivateKey(pemRepresentation: pem))
            } else if _RSA.Signing.PublicKey(publicKey) != nil {
                backing = .rsa(try _RSA.Signing.PrivateKey(pemRepresentation: pem))
            } else if Curve25519.Signing.PublicKey(publicKey) != nil {
                // PKCS#8 Ed25519: the key is an OCTET STRING (04 20 + 32 bytes) at the end of the document.
                let der = document.derBytes
                guard der.count >= 34, der[der.count - 34] == 0x04, der[der.count - 33] == 0x20 else {
                    throw ManifestError.make(.invalidKey, "The Ed25519 key is not in the PKCS#8 form ailabel reads")
                }
                backing = .ed25519(try Curve25519.Signing.PrivateKey(rawRepresentation: der.suffix(32)))
            } else {
                throw ManifestError.make(.invalidKey, "The private key type is not one C2PA signs with")
            }
        } catch let error as ManifestError {
            throw error
        } catch {
            throw ManifestError.make(.invalidKey, "The private key cannot be read: its contents are not a valid key of its type")
        }
    }

    init(_ backing: Backing) { self.backing = backing }

    /// A fresh key for `algorithm` (RSA keys are 2048 bits). For tests and ``TestPKI``.
    public static func generate(_ algorithm: COSEAlgorithm) throws -> SigningKey {
        switch algorithm {
        case .es256: return SigningKey(.p256(P256.Signing.PrivateKey()))
        case .es384: return SigningKey(.p384(P384.Signing.PrivateKey()))
        case .es512: return SigningKey(.p521(P521.Signing.PrivateKey()))
        case .ps256, .ps384, .ps512:
            do {
                return SigningKey(.rsa(try _RSA.Signing.PrivateKey(keySize: .bits2048)))
            } catch {
                throw ManifestError.make(.invalidKey, "An RSA key could not be generated")
            }
        case .ed25519: return SigningKey(.ed25519(Curve25519.Signing.PrivateKey()))
        }
    }

    /// The key as PKCS#8 PEM.
    public var pemRepresentation: String {
        switch backing {
        case .p256(let key): return key.pemRepresentation
        case .p384(let key): return key.pemRepresentation
        case .p521(let key): return key.pemRepresentation
        case .rsa(let key): return key.pkcs8PEMRepresentation
        case .ed25519(let key):
            // PKCS#8 for Ed25519 (RFC 8410): SEQUENCE { 0, SEQUENCE { 1.3.101.112 }, OCTET STRING { OCTET STRING key } }.
            let der: [UInt8] = [0x30, 0x2E, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2B, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20]
                + Array(key.rawRepresentation)
            return PEMDocument(type: "PRIVATE KEY", derBytes: der).pemString
        }
    }

    /// Signs a certificate with this key (for building test chains).
    public var certificatePrivateKey: Certificate.PrivateKey {
        switch backing {
        case .p256(let key): return Certificate.PrivateKey(key)
        case .p384(let key): return Certificate.PrivateKey(key)
        case .p521(let key): return Certificate.PrivateKey(key)
        case .rsa(let key): return Certificate.PrivateKey(key)
        case .ed25519(let key): return Certificate.PrivateKey(key)
        }
    }

    /// The COSE algorithm this key signs with (RSA keys sign with PS256).
    public var algorithm: COSEAlgorithm {
        switch backing {
        case .p256: return .es256
        case .p384: return .es384
        case .p521: return .es512
        case .rsa: return .ps256
        case .ed25519: return .ed25519
        }
    }

    /// The public half, in the form certificates hold.
    public var publicKey: Certificate.PublicKey {
        switch backing {
        case .p256(let key): return Certificate.PublicKey(key.publicKey)
        case .p384(let key): return Certificate.PublicKey(key.publicKey)
        case .p521(let key): return Certificate.PublicKey(key.publicKey)
        case .rsa(let key): return Certificate.PublicKey(key.publicKey)
        case .ed25519(let key): return Certificate.PublicKey(key.publicKey)
        }
    }

    /// The length in bytes of every signature this key makes (fixed for all supported kinds).
    public var signatureLength: Int {
        switch backing {
        case .p256: return 64
        case .p384: return 96
        case .p521: return 132
        case .rsa(let key): return key.keySizeInBits / 8
        case .ed25519: return 64
        }
    }

    /// Signs `data` the way COSE asks: ECDSA as raw r||s, RSA as PSS with SHA-256, Ed25519 as is.
    public func sign(_ data: [UInt8]) throws -> [UInt8] {
        do {
            switch backing {
            case .p256(let key): return Array(try key.signature(for: data).rawRepresentation)
            case .p384(let key): return Array(try key.signature(for: data).rawRepresentation)
            case .p521(let key): return Array(try key.signature(for: data).rawRepresentation)
            case .rsa(let key): return Array(try key.signature(for: SHA256.hash(data: data), padding: .PSS).rawRepresentation)
            case .ed25519(let key): return Array(try key.signature(for: data))
            }
        } catch {
            throw ManifestError.make(.signingFailed, "The signature could not be made with the signing key")
        }
    }
}

/// Checks a COSE signature with a certificate's public key. Returns `false` for any mismatch of
/// algorithm and key type.
func verifyCOSESignature(
    _ signature: [UInt8], over data: [UInt8], algorithm: COSEAlgorithm, publicKey: Certificate.PublicKey
) -> Bool {
    switch algorithm {
    case .es256:
        guard let key = P256.Signing.PublicKey(publicKey),
            let parsed = try? P256.Signing.ECDSASignature(rawRepresentation: signature)
        else { return false }
        return key.isValidSignature(parsed, for: data)
    case .es384:
        guard let key = P384.Signing.PublicKey(publicKey),
            let parsed = try? P384.Signing.ECDSASignature(rawRepresentation: signature)
        else { return false }
        return key.isValidSignature(parsed, for: data)
    case .es512:
        guard let key = P521.Signing.PublicKey(publicKey),
            let parsed = try? P521.Signing.ECDSASignature(rawRepresentation: signature)
        else { return false }
        return key.isValidSignature(parsed, for: data)
    case .ps256, .ps384, .ps512:
        guard let key = _RSA.Signing.PublicKey(publicKey) else { return false }
        let parsed = _RSA.Signing.RSASignature(rawRepresentation: signature)
        switch algorithm {
        case .ps384: return key.isValidSignature(parsed, for: SHA384.hash(data: data), padding: .PSS)
        case .ps512: return key.isValidSignature(parsed, for: SHA512.hash(data: data), padding: .PSS)
        default: return key.isValidSignature(parsed, for: SHA256.hash(data: data), padding: .PSS)
        }
    case .ed25519:
        guard let key = Curve25519.Signing.PublicKey(publicKey) else { return false }
        return key.isValidSignature(signature, for: data)
    }
}
