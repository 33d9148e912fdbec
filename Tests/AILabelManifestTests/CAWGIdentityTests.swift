import Crypto
import Foundation
import Testing

@testable import AILabelManifest

/// CAWG identity assertions (`cawg.identity`): made here with an X.509 credential and compared with
/// the reference SDK's verdict, and read in c2pa-rs's own CAWG fixtures in ../shared/wild (claims
/// aggregation too), skipped with a message when that folder is absent.
@Suite("CAWG identity assertions")
struct CAWGIdentityTests {
    static let wild = URL(fileURLWithPath: TestPaths.repositoryRoot).appendingPathComponent("../shared/wild/files").standardized
    static var wildIsPresent: Bool { FileManager.default.fileExists(atPath: wild.path) }

    /// A store for `asset` whose manifest carries an X.509 identity assertion signed by the test
    /// PKI's signer, with the given faults.
    static func identitySidecar(for asset: [UInt8], shape: String) throws -> [UInt8] {
        var builder = ManifestBuilder()
        let actions = ManifestBuilder.cborAssertion(label: "c2pa.actions.v2", content: .textMap([("actions", .array([
            .textMap([("action", .text("c2pa.created")), ("digitalSourceType", .text(TestSigning.aiGenerated))]),
        ]))]))
        let hash = ManifestBuilder.cborAssertion(label: "c2pa.hash.data", content: try ManifestBuilder.dataHash(
            exclusion: nil, hash: HashAlgorithm.sha256.hash(asset)))
        builder.add(actions)
        builder.add(hash)
        var references = [ManifestBuilder.hashedURI("self#jumbf=c2pa.assertions/c2pa.actions.v2", of: actions)]
        if shape != "no hard binding" { references.append(ManifestBuilder.hashedURI("self#jumbf=c2pa.assertions/c2pa.hash.data", of: hash)) }
        let payload = CBOR.map([
            (.text("referenced_assertions"), .array(references.map(\.cbor))), (.text("sig_type"), .text("cawg.x509.cose")),
        ])
        var identitySigner = TestSigning.signer
        if shape == "time-stamped" { identitySigner.timeStamper = try Self.timeStamper() }
        var signature = try identitySigner.coseSignature(claimBytes: CAWGIdentityValidator.signedPayload(payload), placeholder: false)
        if shape == "signature changed" { signature[signature.count - 5] ^= 1 }
        let pad: [UInt8] = shape == "padding not zero" ? [0, 7, 0] : [0, 0, 0]
        builder.add(ManifestBuilder.cborAssertion(label: "cawg.identity", content: .map([
            (.text("signer_payload"), payload), (.text("signature"), .bytes(signature)), (.text("pad1"), .bytes(pad)),
        ])))
        let claim = builder.claim(title: "identity.jpg", generatorVersion: "test").encoded()
        let claimSignature = try TestSigning.signer.coseSignature(claimBytes: claim, placeholder: false)
        return ManifestBuilder.storeBox(previous: [], manifest: builder.manifestBox(claimBytes: claim, signatureBytes: claimSignature))
    }

    /// An RFC 3161 authority (openssl ts -reply with local_tsa.py's PKI), made once for the suite.
    /// One local TSA for the suite, made once and asked one request at a time: each case making it in
    /// the same folder raced (one case's `openssl ts -reply` read the PKI or the serial file while another
    /// rewrote it, and answered nothing: "not valid DER" under load).
    static let sharedTimeStamper = Result { () throws -> @Sendable ([UInt8]) throws -> [UInt8] in
        let stamp = try RevocationTests.timeStamper(in: try TestPaths.temporaryDirectory() + "/tsa")
        let lock = NSLock()
        return { message in try lock.withLock { try stamp(message) } }
    }
    static func timeStamper() throws -> @Sendable ([UInt8]) throws -> [UInt8] {
        try sharedTimeStamper.get()
    }

    @Test("An X.509 identity assertion validates as in the reference SDK", arguments: [
        "intact", "signature changed", "no hard binding", "padding not zero", "time-stamped",
    ])
    func x509Identity(_ shape: String) throws {
        let asset = try TestPaths.read("sources/small-160x120.jpg")
        let sidecar = try Self.identitySidecar(for: asset, shape: shape)
        let ours = ManifestValidator(trust: TestSigning.trust).validate(sidecar: sidecar, asset: asset)
        let sdk = try Referee.read(try TestSigning.write(asset, name: "identity.jpg"), trust: [TestSigning.trustAnchorsPath],
                                   sidecar: try TestSigning.write(sidecar, name: "identity.c2pa"))
        #expect(ours.state.rawValue == sdk.state, "\(shape): ailabel \(ours.statuses) SDK \(sdk)")
        #expect(ours.failureCodes == sdk.failure, "\(shape): ailabel \(ours.failureCodes) SDK \(sdk.failure)")
        if shape == "time-stamped" {
            // The identity signature's time-stamp is read (the signature still validates) but, as in
            // the SDK, gives no timeStamp code of its own.
            let codes = Set(ours.statuses.map(\.code.rawValue))
            #expect(codes.contains("cawg.x509.signature.validated"), "\(ours.statuses)")
            #expect(Set((sdk.success + sdk.informational).filter { $0.hasPrefix("timeStamp.") })
                    == codes.filter { $0.hasPrefix("timeStamp.") }, "ailabel \(codes) SDK \(sdk.success) \(sdk.informational)")
        }
        let identity = ours.activeManifest?.identities.first
        if shape == "intact" {
            #expect(identity?.signatureValid == true)
            #expect(identity?.credential?.contains("ailabel unit test") == true, "\(String(describing: identity))")
            #expect(identity?.trusted == false)
        }
    }

    /// A store for `asset` whose manifest carries an identity claims aggregation credential, issued
    /// by a fresh `did:jwk` Ed25519 key, with the given faults.
    static func aggregationSidecar(for asset: [UInt8], shape: String) throws -> [UInt8] {
        var builder = ManifestBuilder()
        let actions = ManifestBuilder.cborAssertion(label: "c2pa.actions.v2", content: .textMap([("actions", .array([
            .textMap([("action", .text("c2pa.created")), ("digitalSourceType", .text(TestSigning.aiGenerated))]),
        ]))]))
        let hash = ManifestBuilder.cborAssertion(label: "c2pa.hash.data", content: try ManifestBuilder.dataHash(
            exclusion: nil, hash: HashAlgorithm.sha256.hash(asset)))
        builder.add(actions)
        builder.add(hash)
        let reference = ManifestBuilder.hashedURI("self#jumbf=c2pa.assertions/c2pa.hash.data", of: hash)
        let payload = CBOR.map([
            (.text("referenced_assertions"), .array([reference.cbor])), (.text("sig_type"), .text("cawg.identity_claims_aggregation")),
        ])
        let key = Curve25519.Signing.PrivateKey()
        func base64URL(_ bytes: [UInt8]) -> String {
            Data(bytes).base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
                .replacingOccurrences(of: "=", with: "")
        }
        var jwk = #"{"kty":"OKP","crv":"Ed25519","x":"\#(base64URL(Array(key.publicKey.rawRepresentation)))"}"#
        // c2pa-rs reads the DID's key only without padding to add: make its length a multiple of 3,
        // unless the case is about exactly that.
        while jwk.utf8.count % 3 != (shape == "unpadded did:jwk" ? 1 : 0) { jwk += " " }
        let issuer = "did:jwk:" + base64URL(Array(jwk.utf8))
        // c2pa-rs writes the hash as the bytes of its base64 text.
        var assetHash = Array(Data(reference.hash).base64EncodedString().utf8).map(Int.init)
        if shape == "asset differs" { assetHash = Array(Data(repeating: 7, count: 32).base64EncodedString().utf8).map(Int.init) }
        var credential: [String: Any] = [
            "@context": ["https://www.w3.org/ns/credentials/v2", "https://cawg.io/identity/1.1/ica/context/"],
            "type": ["VerifiableCredential", "IdentityClaimsAggregationCredential"],
            "issuer": issuer,
            "credentialSubject": [
                "verifiedIdentities": [["type": "cawg.social_media", "name": "Example Studio", "username": "example",
                                        "verifiedAt": "2026-01-01T00:00:00Z", "provider": ["id": "https://social.example", "name": "Example Social"]]],
                "c2paAsset": ["referenced_assertions": [["url": reference.url, "hash": assetHash]], "sig_type": "cawg.identity_claims_aggregation"],
            ] as [String: Any],
        ]
        if shape != "no validFrom" { credential["validFrom"] = "2025-01-01T00:00:00Z" }
        let vc = Array(try JSONSerialization.data(withJSONObject: credential, options: [.sortedKeys]))
        let protected = CBOR.map([(.unsigned(1), .negative(7)), (.unsigned(3), .text("application/vc"))]).encoded(deterministic: false)
        var signature = Array(try key.signature(for: COSESign1.signedBytes(protectedBytes: protected, payload: vc)))
        if shape == "signature changed" { signature[10] ^= 1 }
        var unprotected = CBOR.map([])
        if shape.hasPrefix("time-stamp") {
            // sigTst2 over the credential's signature (or, for the mismatch, over other bytes).
            let unstamped = try COSESign1(decoding: CBOR.tagged(18, .array([.bytes(protected), .map([]), .bytes(vc), .bytes(signature)])).encoded(deterministic: false))
            var message = COSETimeStamp.imprintedBytes(.v2, claimBytes: vc, sign1: unstamped)
            if shape == "time-stamp for other bytes" { message[message.count - 1] ^= 1 }
            unprotected = .textMap([("sigTst2", COSETimeStamp.container(token: try Self.timeStamper()(message)))])
        }
        let sign1 = CBOR.tagged(18, .array([.bytes(protected), unprotected, .bytes(vc), .bytes(signature)])).encoded(deterministic: false)
        builder.add(ManifestBuilder.cborAssertion(label: "cawg.identity", content: .map([
            (.text("signer_payload"), payload), (.text("signature"), .bytes(sign1)), (.text("pad1"), .bytes([0, 0])),
        ])))
        let claim = builder.claim(title: "aggregated.jpg", generatorVersion: "test").encoded()
        let claimSignature = try TestSigning.signer.coseSignature(claimBytes: claim, placeholder: false)
        return ManifestBuilder.storeBox(previous: [], manifest: builder.manifestBox(claimBytes: claim, signatureBytes: claimSignature))
    }

    @Test("An identity claims aggregation credential validates as in the reference SDK", arguments: [
        "intact", "signature changed", "asset differs", "no validFrom", "unpadded did:jwk", "time-stamped", "time-stamp for other bytes",
    ])
    func claimsAggregation(_ shape: String) throws {
        let asset = try TestPaths.read("sources/small-160x120.jpg")
        let sidecar = try Self.aggregationSidecar(for: asset, shape: shape)
        let ours = ManifestValidator(trust: TestSigning.trust).validate(sidecar: sidecar, asset: asset)
        let sdk = try Referee.read(try TestSigning.write(asset, name: "aggregated.jpg"), trust: [TestSigning.trustAnchorsPath],
                                   sidecar: try TestSigning.write(sidecar, name: "aggregated.c2pa"))
        #expect(ours.state.rawValue == sdk.state, "\(shape): ailabel \(ours.statuses) SDK \(sdk)")
        #expect(ours.failureCodes == sdk.failure, "\(shape): ailabel \(ours.failureCodes) SDK \(sdk.failure)")
        #expect(Set(ours.informational.map(\.code.rawValue)).isSuperset(of: Set(sdk.informational.filter { $0.hasPrefix("cawg.") })),
                "\(shape): ailabel \(ours.informational) SDK \(sdk.informational)")
        if shape == "intact" {
            let identity = try #require(ours.activeManifest?.identities.first)
            #expect(identity.signatureValid)
            #expect(identity.verifiedIdentities == ["Example Studio (Example Social)"])
        }
        if shape.hasPrefix("time-stamp") {
            let code = shape == "time-stamped" ? "cawg.ica.time_stamp.validated" : "cawg.ica.time_stamp.invalid"
            #expect(ours.statuses.contains { $0.code.rawValue == code }, "\(shape): \(ours.statuses)")
            #expect((sdk.success + sdk.failure).contains(code), "\(shape): SDK \(sdk)")
        }
    }

    @Test("c2pa-rs's CAWG fixtures: the SDK's codes, and who the credentials name",
          .enabled(if: wildIsPresent, "skipped: ../shared/wild (real files by others) is absent beside the repository"))
    func wildFixtures() throws {
        func report(_ name: String) throws -> ValidationReport {
            ManifestValidator().validate(asset: [UInt8](try Data(contentsOf: Self.wild.appendingPathComponent(name))))
        }
        let x509 = try report("c2pa-rs__cli_tests_fixtures_C_with_CAWG_data.jpg")
        #expect(x509.state == .valid)
        #expect(x509.failureCodes == ["cawg.x509.credential.untrusted", "signingCredential.untrusted"])
        #expect(x509.successCodes.contains("cawg.x509.signature.validated"))
        #expect(x509.activeManifest?.identities.first?.signatureType == "cawg.x509.cose")

        let aggregated = try report("c2pa-rs__sdk_src_identity_tests_fixtures_claim_aggregation_ica_validation_success.jpg")
        #expect(aggregated.state == .valid)
        let identity = try #require(aggregated.activeManifest?.identities.first)
        #expect(identity.signatureValid)
        #expect(identity.credential?.hasPrefix("did:jwk:") == true)
        #expect(!identity.verifiedIdentities.isEmpty)
        #expect(aggregated.informational.contains { $0.code.rawValue == "cawg.ica.untrusted_issuer" })

        let mismatch = try report("c2pa-rs__sdk_src_identity_tests_fixtures_claim_aggregation_ica_validation_signature_mismatch.jpg")
        #expect(mismatch.state == .invalid)
        #expect(mismatch.failureCodes.contains("cawg.ica.signature_mismatch"))

        let web = try report("c2pa-rs__sdk_src_identity_tests_fixtures_claim_aggregation_adobe_connected_identities.jpg")
        #expect(web.failureCodes.contains("cawg.ica.did_unavailable"))

        let malformed = try report("c2pa-rs__sdk_src_identity_tests_fixtures_validation_method_malformed_cbor.jpg")
        #expect(malformed.failureCodes.contains("assertion.required.missing"))
    }
}
