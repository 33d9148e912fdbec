import Crypto
import _CryptoExtras
import X509

/// Recognises the key kinds C2PA accepts (EC P-256/384/521, RSA, Ed25519).
enum AcceptedKeyKinds {
    static func contains(_ key: Certificate.PublicKey) -> Bool {
        P256.Signing.PublicKey(key) != nil || P384.Signing.PublicKey(key) != nil
            || P521.Signing.PublicKey(key) != nil || Curve25519.Signing.PublicKey(key) != nil
            || _RSA.Signing.PublicKey(key) != nil
    }
}

/// The size of an RSA key in bits, or nil for other kinds.
func _rsaKeySize(_ key: Certificate.PublicKey) -> Int? {
    _RSA.Signing.PublicKey(key)?.keySizeInBits
}
