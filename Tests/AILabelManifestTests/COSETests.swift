import Crypto
import Foundation
import Testing
import X509

@testable import AILabelManifest

@Suite("COSE_Sign1")
struct COSETests {
    /// A one-certificate chain for `key`, self-issued (enough to carry the public key).
    static func certificate(for key: SigningKey) throws -> Certificate {
        let name = try DistinguishedName { CommonName("cose test") }
        return try Certificate(
            version: .v3, serialNumber: .init(), publicKey: key.publicKey, notValidBefore: Date().addingTimeInterval(-60),
            notValidAfter: Date().addingTimeInterval(3600), issuer: name, subject: name,
            signatureAlgorithm: key.algorithm == .ed25519 ? .ed25519 : (key.algorithm == .ps256 ? .sha256WithRSAEncryption : .ecdsaWithSHA256),
            extensions: Certificate.Extensions(), issuerPrivateKey: key.certificatePrivateKey)
    }

    @Test("Signs and verifies a detached payload", arguments: [COSEAlgorithm.es256, .es384, .es512, .ps256, .ed25519])
    func signAndVerify(_ algorithm: COSEAlgorithm) throws {
        let key = try SigningKey.generate(algorithm)
        #expect(key.algorithm == algorithm)
        let reread = try SigningKey(pemRepresentation: key.pemRepresentation)
        #expect(reread.publicKey == key.publicKey)
        let claim = CBOR.textMap([("instanceID", .text("xmp:iid:1"))]).encoded()
        let protected = CBOR.map([(key: .int(1), value: .int(algorithm.rawValue))])
        let signature = try key.sign(COSESign1.signedBytes(protectedBytes: protected.encoded(), payload: claim))
        #expect(signature.count == key.signatureLength)
        let sign1 = COSESign1(protectedHeader: protected, unprotectedHeader: .textMap([("pad", .bytes([0, 0]))]),
                              payload: nil, signature: signature)
        let decoded = try COSESign1(decoding: sign1.encoded())
        #expect(decoded.algorithm == algorithm)
        #expect(decoded.payload == nil)
        let signed = COSESign1.signedBytes(protectedBytes: decoded.protectedBytes, payload: claim)
        #expect(verifyCOSESignature(decoded.signature, over: signed, algorithm: algorithm, publicKey: key.publicKey))
        var tampered = claim
        tampered[tampered.count - 1] ^= 1
        #expect(!verifyCOSESignature(decoded.signature, over: COSESign1.signedBytes(protectedBytes: decoded.protectedBytes, payload: tampered),
                                     algorithm: algorithm, publicKey: key.publicKey))
    }

    @Test("ECDSA signatures are raw r||s of fixed width")
    func rawECDSA() throws {
        for (algorithm, width) in [(COSEAlgorithm.es256, 64), (.es384, 96), (.es512, 132)] {
            let key = try SigningKey.generate(algorithm)
            #expect(try key.sign([1, 2, 3]).count == width)
        }
    }

    @Test("Reads x5chain as one bstr or an array, from label 33")
    func x5chain() throws {
        let one = COSESign1(protectedHeader: .map([(key: .int(1), value: .int(-7)), (key: .int(33), value: .bytes([1, 2]))]),
                            unprotectedHeader: .map([]), payload: nil, signature: [])
        #expect(one.certificateChain == [[1, 2]])
        let two = COSESign1(protectedHeader: .map([(key: .int(33), value: .array([.bytes([1]), .bytes([2])]))]),
                            unprotectedHeader: .map([]), payload: nil, signature: [])
        #expect(two.certificateChain == [[1], [2]])
    }

    @Test("Rejects structures that are not COSE_Sign1")
    func rejectsMalformed() {
        #expect(throws: ManifestError.coseMalformed) { try COSESign1(decoding: CBOR.tagged(17, .array([])).encoded()) }
        #expect(throws: ManifestError.coseMalformed) { try COSESign1(decoding: CBOR.array([.int(1)]).encoded()) }
        #expect(throws: ManifestError.coseMalformed) { try COSESign1(decoding: [0xFF]) }
    }
}
