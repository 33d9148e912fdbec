import AILabelMedia
import Foundation
import Testing
import X509

@testable import AILabelManifest

/// Both directions with the reference SDK (c2pa-rs through c2pa-python in <repo>/.venv).
@Suite("Interop with the C2PA reference SDK", .serialized)
struct InteropTests {
    // MARK: ailabel → reference SDK

    static func expectTrustedInSDK(_ signed: [UInt8], name: String, extraTrust: [String] = [],
                                   sourceLocation: SourceLocation = #_sourceLocation) throws {
        let path = try TestSigning.write(signed, name: name)
        let verdict = try Referee.read(path, trust: [TestSigning.trustAnchorsPath] + extraTrust)
        #expect(verdict.state == "Trusted", "\(name): \(verdict)", sourceLocation: sourceLocation)
        #expect(verdict.failure.isEmpty, "\(name): \(verdict.failure)", sourceLocation: sourceLocation)
        #expect(verdict.ingredientFailure ?? [] == [], "\(name): \(verdict)", sourceLocation: sourceLocation)
        #expect(verdict.digitalSourceTypes?.contains(TestSigning.aiGenerated) == true, sourceLocation: sourceLocation)
    }

    @Test("Every JPEG and PNG ailabel signs is Trusted in the reference SDK", arguments: SigningRoundTripTests.sources)
    func signedByAILabel(_ source: String) throws {
        let asset = try TestPaths.read("sources/" + source)
        var definition = TestSigning.definition(title: source)
        definition.watermarks = [WatermarkAction(description: "invisible watermark")]
        definition.softBindings = [SoftBinding(algorithm: "io.ailabel.watermark.1", value: "AQID")]
        try Self.expectTrustedInSDK(try TestSigning.signer.sign(asset, definition: definition), name: source)
    }

    @Test("Files signed through the media layer's handler are Trusted in the reference SDK", arguments: ["medium-480x360.jpg", "medium-320x240.png"])
    func signedThroughHandler(_ source: String) throws {
        let asset = try TestPaths.read("sources/" + source)
        let handler = try #require(AssetRegistry.standard.handler(for: asset))
        var definition = TestSigning.definition()
        definition.customAssertions = [(label: "io.ailabel.test.bulk", value: .bytes([UInt8](repeating: 0x33, count: 140_000)))]
        try Self.expectTrustedInSDK(try TestSigning.signer.sign(asset, handler: handler, definition: definition), name: "handler-" + source)
        let foreign = try TestPaths.read("sdk/signed.png")
        let pngHandler = try #require(AssetRegistry.standard.handler(for: foreign))
        try Self.expectTrustedInSDK(try TestSigning.signer.sign(foreign, handler: pngHandler, definition: TestSigning.definition()),
                                    name: "handler-parent-" + source + ".png", extraTrust: [TestPaths.fixtures + "/keys/fixtures-root.pem"])
    }

    @Test("A manifest over 64 KB (several APP11 segments) is Trusted in the reference SDK")
    func multiSegment() throws {
        var definition = TestSigning.definition()
        definition.customAssertions = [(label: "io.ailabel.test.bulk", value: .bytes([UInt8](repeating: 0x5A, count: 200_000)))]
        let signed = try TestSigning.signer.sign(try TestPaths.read("sources/medium-480x360.jpg"), definition: definition)
        #expect(try ManifestDebug.locateStore(in: signed).ranges.count == 4)
        try Self.expectTrustedInSDK(signed, name: "multisegment.jpg")
        var png = TestSigning.definition()
        png.customAssertions = definition.customAssertions
        try Self.expectTrustedInSDK(try TestSigning.signer.sign(try TestPaths.read("sources/small-96x64.png"), definition: png),
                                    name: "large-manifest.png")
    }

    @Test("A file whose foreign manifest becomes the parent is Trusted in the reference SDK")
    func foreignParent() throws {
        let fixturesRoot = TestPaths.fixtures + "/keys/fixtures-root.pem"
        for name in ["signed.jpg", "signed.png", "signed-with-parent.jpg"] {
            let signed = try TestSigning.signer.sign(try TestPaths.read("sdk/" + name), definition: TestSigning.definition())
            try Self.expectTrustedInSDK(signed, name: "parent-" + name, extraTrust: [fixturesRoot])
            let verdict = try Referee.read(try TestSigning.write(signed, name: "count-" + name), trust: [TestSigning.trustAnchorsPath, fixturesRoot])
            #expect(verdict.manifestCount == (name == "signed-with-parent.jpg" ? 3 : 2))
            // Re-signed by ailabel: still Trusted, the foreign chain kept.
            let again = try TestSigning.signer.sign(signed, definition: TestSigning.definition())
            try Self.expectTrustedInSDK(again, name: "resigned-" + name, extraTrust: [fixturesRoot])
        }
    }

    @Test("A sidecar ailabel signs is Trusted in the reference SDK")
    func sidecar() throws {
        let asset = try TestPaths.read("sources/small-160x120.jpg")
        let sidecar = try TestSigning.signer.signSidecar(forAsset: asset, format: "image/jpeg", definition: TestSigning.definition())
        let assetPath = try TestSigning.write(asset, name: "sidecar-asset.jpg")
        let sidecarPath = try TestSigning.write(sidecar, name: "sidecar-asset.c2pa")
        let verdict = try Referee.read(assetPath, trust: [TestSigning.trustAnchorsPath], sidecar: sidecarPath)
        #expect(verdict.state == "Trusted", "\(verdict)")
        #expect(verdict.failure.isEmpty)
    }

    @Test("Other algorithms ailabel signs with are Trusted in the reference SDK", arguments: [COSEAlgorithm.es384, .es512, .ps256, .ed25519])
    func otherAlgorithms(_ algorithm: COSEAlgorithm) throws {
        let key = try SigningKey.generate(algorithm)
        let chain = try SignerTests.chain(leafKey: key) { try SignerTests.goodExtensions(key) }
        let signer = try ManifestSigner(privateKeyPEM: key.pemRepresentation, certificateChainPEM: chain)
        let signed = try signer.sign(try TestPaths.read("sources/small-160x120.jpg"), definition: TestSigning.definition())
        let path = try TestSigning.write(signed, name: "alg-\(algorithm).jpg")
        // The chain's root is not in any trust list: Valid with only signingCredential.untrusted.
        let verdict = try Referee.read(path, trust: [TestSigning.trustAnchorsPath])
        #expect(verdict.state == "Valid", "\(algorithm): \(verdict)")
        #expect(verdict.failure == ["signingCredential.untrusted"], "\(algorithm): \(verdict)")
        let ours = ManifestValidator(trust: TestSigning.trust).validate(asset: signed)
        #expect(ours.state == .valid)
        #expect(ours.failureCodes == ["signingCredential.untrusted"])
    }

    // MARK: reference SDK → ailabel

    static let sdkFixtures = [
        "signed.jpg", "signed.png", "signed-pixels-changed.png", "signed-byte-flipped.jpg", "signed-assertion-edited.jpg",
        "signed-untrusted-root.jpg", "signed-stripped.jpg", "signed-with-parent.jpg", "signed-with-parent-edited.jpg",
        "signed-es384.jpg", "signed-es512.jpg", "signed-ps256.jpg", "signed-ed25519.jpg",
        "unsigned.jpg", "unsigned.png",
    ]

    @Test("Files signed by the reference SDK validate in ailabel with the SDK's state and failure codes", arguments: sdkFixtures)
    func signedBySDK(_ name: String) throws {
        let asset = try TestPaths.read("sdk/" + name)
        let trust = try TrustConfiguration(anchorPEMs: [TestPaths.readText("keys/fixtures-root.pem")])
        let report = ManifestValidator(trust: trust).validate(asset: asset)
        let path = TestPaths.fixtures + "/sdk/" + name
        let live = try Referee.read(path, trust: [TestPaths.fixtures + "/keys/fixtures-root.pem"])
        var stored: Referee.Verdict?
        if FileManager.default.fileExists(atPath: path + ".expected.json") {
            stored = try JSONDecoder().decode(Referee.Verdict.self, from: Data(contentsOf: URL(fileURLWithPath: path + ".expected.json")))
        }
        for verdict in [live] + (stored.map { [$0] } ?? []) {
            let expectedState = verdict.state == "absent" ? "Absent" : verdict.state
            #expect(report.state.rawValue == expectedState, "\(name): ailabel \(report.state) \(report.statuses), SDK \(verdict)")
            #expect(report.failureCodes == verdict.failure.sorted(), "\(name): ailabel \(report.failureCodes), SDK \(verdict.failure)")
            #expect(report.ingredientFailureCodes == (verdict.ingredientFailure ?? []).sorted(),
                    "\(name): ailabel ingredients \(report.ingredientFailureCodes), SDK \(verdict.ingredientFailure ?? [])")
        }
        if live.state == "Trusted" {
            #expect(Set(live.success).isSubset(of: Set(report.successCodes)), "\(name): \(report.successCodes) vs \(live.success)")
        }
    }
}

/// Claim v1 (`c2pa.claim`, `urn:uuid:` labels, `assertions` list): ailabel writes one only here, to
/// check its v1 reader against the reference SDK on the same file.
@Suite("Claim v1 reading")
struct ClaimV1Tests {
    static func v1Sidecar(for asset: [UInt8], tamperClaim: Bool = false) throws -> [UInt8] {
        var builder = ManifestBuilder(label: "urn:uuid:" + UUID().uuidString.lowercased())
        builder.add(ManifestBuilder.cborAssertion(label: "c2pa.actions", content: .textMap([("actions", .array([
            .textMap([("action", .text("c2pa.created")), ("digitalSourceType", .text(TestSigning.aiGenerated))]),
        ]))])))
        builder.add(ManifestBuilder.cborAssertion(label: "c2pa.hash.data", content: try ManifestBuilder.dataHash(
            exclusion: nil, hash: HashAlgorithm.sha256.hash(asset))))
        let references: [CBOR] = builder.assertions.map {
            ManifestBuilder.hashedURI("self#jumbf=c2pa.assertions/\($0.label ?? "")", of: $0).cbor
        }
        let claim = CBOR.textMap([
            ("claim_generator", .text("ailabel-v1-test/1.0")),
            ("claim_generator_info", .array([.textMap([("name", .text("ailabel-v1-test")), ("version", .text("1.0"))])])),
            ("signature", .text("self#jumbf=c2pa.signature")),
            ("assertions", .array(references)),
            ("dc:format", .text("image/jpeg")),
            ("instanceID", .text("xmp:iid:" + UUID().uuidString.lowercased())),
            ("dc:title", .text("v1.jpg")),
            ("alg", .text("sha256")),
        ]).encoded()
        let signature = try TestSigning.signer.coseSignature(claimBytes: claim, placeholder: false)
        var stored = claim
        if tamperClaim { stored[stored.count - 2] ^= 0x01 }
        let manifest = builder.manifestBox(claimBytes: stored, signatureBytes: signature, claimLabel: "c2pa.claim")
        return ManifestBuilder.storeBox(previous: [], manifest: manifest)
    }

    @Test("A v1 claim validates the same in ailabel and in the reference SDK")
    func v1Claim() throws {
        let asset = try TestPaths.read("sources/small-160x120.jpg")
        for tamper in [false, true] {
            let sidecar = try Self.v1Sidecar(for: asset, tamperClaim: tamper)
            let ours = ManifestValidator(trust: TestSigning.trust).validate(sidecar: sidecar, asset: asset)
            #expect(ours.activeManifest?.claimVersion == 1 || tamper)
            let verdict = try Referee.read(
                try TestSigning.write(asset, name: "v1.jpg"), trust: [TestSigning.trustAnchorsPath],
                sidecar: try TestSigning.write(sidecar, name: "v1.c2pa"))
            #expect(ours.state.rawValue == verdict.state, "tamper \(tamper): ailabel \(ours.statuses) SDK \(verdict)")
            #expect(ours.failureCodes == verdict.failure.sorted(), "tamper \(tamper): ailabel \(ours.failureCodes) SDK \(verdict.failure)")
            if !tamper {
                #expect(ours.state == .trusted)
                #expect(ours.activeManifest?.claimGenerator == "ailabel-v1-test/1.0")
            }
        }
    }

    /// A v2 claim over the given assertions, signed, as a sidecar for `asset`.
    static func v2Sidecar(for asset: [UInt8], assertions: [(String, CBOR)]) throws -> [UInt8] {
        var builder = ManifestBuilder()
        for (label, content) in assertions { builder.add(ManifestBuilder.cborAssertion(label: label, content: content)) }
        builder.add(ManifestBuilder.cborAssertion(label: "c2pa.hash.data", content: try ManifestBuilder.dataHash(
            exclusion: nil, hash: HashAlgorithm.sha256.hash(asset))))
        let claim = builder.claim(title: "shape.jpg", generatorVersion: "test").encoded()
        let signature = try TestSigning.signer.coseSignature(claimBytes: claim, placeholder: false)
        return ManifestBuilder.storeBox(previous: [], manifest: builder.manifestBox(claimBytes: claim, signatureBytes: signature))
    }

    @Test("Action rules of claim v2 match the reference SDK", arguments: [
        "no actions", "first action edited", "created without digitalSourceType", "opened without ingredient", "opened with a missing ingredient",
        "two actions assertions",
    ])
    func actionRules(_ shape: String) throws {
        let created = CBOR.textMap([("action", .text("c2pa.created")), ("digitalSourceType", .text(TestSigning.aiGenerated))])
        let assertions: [(String, CBOR)]
        switch shape {
        case "no actions": assertions = [("io.ailabel.test", .textMap([("x", .int(1))]))]
        case "first action edited": assertions = [("c2pa.actions.v2", .textMap([("actions", .array([.textMap([("action", .text("c2pa.edited"))])]))]))]
        case "created without digitalSourceType":
            assertions = [("c2pa.actions.v2", .textMap([("actions", .array([.textMap([("action", .text("c2pa.created"))])]))]))]
        case "opened without ingredient":
            assertions = [("c2pa.actions.v2", .textMap([("actions", .array([.textMap([("action", .text("c2pa.opened"))])]))]))]
        case "opened with a missing ingredient":
            let missing = HashedURI(url: "self#jumbf=c2pa.assertions/c2pa.ingredient.v3", hash: [UInt8](repeating: 1, count: 32))
            assertions = [("c2pa.actions.v2", .textMap([("actions", .array([.textMap([
                ("action", .text("c2pa.opened")), ("parameters", .textMap([("ingredients", .array([missing.cbor]))])),
            ])]))]))]
        default:
            assertions = [("c2pa.actions.v2", .textMap([("actions", .array([created]))])),
                          ("c2pa.actions.v2__1", .textMap([("actions", .array([.textMap([("action", .text("c2pa.edited"))])]))]))]
        }
        let asset = try TestPaths.read("sources/small-160x120.jpg")
        let sidecar = try Self.v2Sidecar(for: asset, assertions: assertions)
        let ours = ManifestValidator(trust: TestSigning.trust).validate(sidecar: sidecar, asset: asset)
        let verdict = try Referee.read(try TestSigning.write(asset, name: "shape.jpg"), trust: [TestSigning.trustAnchorsPath],
                                       sidecar: try TestSigning.write(sidecar, name: "shape.c2pa"))
        if verdict.state == "error" {
            // The SDK refuses some shapes outright; ailabel must at least not call them valid.
            #expect(ours.state == .invalid, "\(shape): \(ours.statuses)")
        } else {
            #expect(ours.state.rawValue == verdict.state, "\(shape): ailabel \(ours.statuses) SDK \(verdict)")
            #expect(ours.failureCodes == verdict.failure.sorted(), "\(shape): ailabel \(ours.failureCodes) SDK \(verdict.failure)")
        }
    }

    @Test("Claim structure rules match the reference SDK", arguments: [
        "undeclared assertion", "missing assertion", "no hard binding", "two hard bindings", "exclusion past the end", "wrong data hash",
    ])
    func structureRules(_ shape: String) throws {
        let asset = try TestPaths.read("sources/small-160x120.jpg")
        let digest = HashAlgorithm.sha256.hash(asset)
        let actions = ManifestBuilder.cborAssertion(label: "c2pa.actions.v2", content: .textMap([("actions", .array([
            .textMap([("action", .text("c2pa.created")), ("digitalSourceType", .text(TestSigning.aiGenerated))]),
        ]))]))
        let hash = ManifestBuilder.cborAssertion(label: "c2pa.hash.data", content: try ManifestBuilder.dataHash(exclusion: nil, hash: digest))
        let extra = ManifestBuilder.cborAssertion(label: "io.ailabel.extra", content: .textMap([("x", .int(1))]))
        var stored = [actions, hash]
        var referenced = [actions, hash]
        switch shape {
        case "undeclared assertion": stored.append(extra)
        case "missing assertion": referenced.append(extra)
        case "no hard binding": stored = [actions]; referenced = [actions]
        case "two hard bindings":
            let second = ManifestBuilder.cborAssertion(label: "c2pa.hash.data__1", content: try ManifestBuilder.dataHash(exclusion: nil, hash: digest))
            stored.append(second)
            referenced.append(second)
        case "exclusion past the end":
            let bad = ManifestBuilder.cborAssertion(label: "c2pa.hash.data", content: try ManifestBuilder.dataHash(
                exclusion: asset.count - 10..<asset.count + 100, hash: digest))
            stored = [actions, bad]
            referenced = [actions, bad]
        default:
            let bad = ManifestBuilder.cborAssertion(label: "c2pa.hash.data", content: try ManifestBuilder.dataHash(
                exclusion: nil, hash: [UInt8](repeating: 7, count: 32)))
            stored = [actions, bad]
            referenced = [actions, bad]
        }
        var claimBuilder = ManifestBuilder()
        claimBuilder.assertions = referenced
        let claim = claimBuilder.claim(title: "shape.jpg", generatorVersion: "test").encoded()
        var storeBuilder = claimBuilder
        storeBuilder.assertions = stored
        let signature = try TestSigning.signer.coseSignature(claimBytes: claim, placeholder: false)
        let sidecar = ManifestBuilder.storeBox(previous: [], manifest: storeBuilder.manifestBox(claimBytes: claim, signatureBytes: signature))
        let ours = ManifestValidator(trust: TestSigning.trust).validate(sidecar: sidecar, asset: asset)
        let verdict = try Referee.read(try TestSigning.write(asset, name: "structure.jpg"), trust: [TestSigning.trustAnchorsPath],
                                       sidecar: try TestSigning.write(sidecar, name: "structure.c2pa"))
        if verdict.state == "error" {
            #expect(ours.state == .invalid, "\(shape): ailabel \(ours.statuses); SDK error \(verdict.error ?? "")")
        } else {
            #expect(ours.state.rawValue == verdict.state, "\(shape): ailabel \(ours.statuses) SDK \(verdict)")
            #expect(ours.failureCodes == verdict.failure.sorted(), "\(shape): ailabel \(ours.failureCodes) SDK \(verdict.failure)")
        }
    }

    @Test("Signer certificate profile at read time matches the reference SDK", arguments: [
        "no EKU", "anyExtendedKeyUsage", "CA leaf", "no AKI", "expired", "serverAuth only", "keyCertSign",
    ])
    func profileAtReadTime(_ shape: String) throws {
        let key = try SigningKey.generate(.es256)
        let day: TimeInterval = 86_400
        let notAfter = shape == "expired" ? Date().addingTimeInterval(-day) : Date().addingTimeInterval(day)
        let chainPEM = try SignerTests.chain(leafKey: key, notAfter: notAfter) {
            try Certificate.Extensions {
                if shape == "CA leaf" {
                    Critical(BasicConstraints.isCertificateAuthority(maxPathLength: nil))
                } else {
                    Critical(BasicConstraints.notCertificateAuthority)
                }
                Critical(KeyUsage(digitalSignature: true, keyCertSign: shape == "keyCertSign" || shape == "CA leaf"))
                if shape == "anyExtendedKeyUsage" { try ExtendedKeyUsage([.any]) }
                if shape == "serverAuth only" { try ExtendedKeyUsage([.serverAuth]) }
                if shape != "no EKU" && shape != "anyExtendedKeyUsage" && shape != "serverAuth only" { try ExtendedKeyUsage([.emailProtection]) }
                if shape != "no AKI" { AuthorityKeyIdentifier(keyIdentifier: [1, 2, 3, 4]) }
            }
        }
        let signer = try ManifestSigner(uncheckedKey: key, certificates: TrustConfiguration.certificates(fromPEMBundle: chainPEM))
        let signed = try signer.sign(try TestPaths.read("sources/small-160x120.jpg"), definition: TestSigning.definition())
        let ours = ManifestValidator(trust: TestSigning.trust).validate(asset: signed)
        let verdict = try Referee.read(try TestSigning.write(signed, name: "profile.jpg"), trust: [TestSigning.trustAnchorsPath])
        #expect(ours.state.rawValue == verdict.state, "\(shape): ailabel \(ours.statuses) SDK \(verdict)")
        #expect(ours.failureCodes == verdict.failure.sorted(), "\(shape): ailabel \(ours.failureCodes) SDK \(verdict.failure)")
    }

    @Test("Signature and chain faults match the reference SDK", arguments: ["leaf only", "wrong key", "reversed chain", "foreign intermediate"])
    func signatureFaults(_ shape: String) throws {
        let chain = try TrustConfiguration.certificates(fromPEMBundle: TestSigning.pki.signerChainPEM)
        let key = try SigningKey(pemRepresentation: TestSigning.pki.signerKeyPEM)
        let signer: ManifestSigner
        switch shape {
        case "leaf only": signer = try ManifestSigner(uncheckedKey: key, certificates: [chain[0]])
        case "wrong key": signer = try ManifestSigner(uncheckedKey: try SigningKey.generate(.es256), certificates: chain)
        case "reversed chain": signer = try ManifestSigner(uncheckedKey: key, certificates: chain.reversed())
        default:
            let other = try TrustConfiguration.certificates(fromPEMBundle: TestPaths.readText("keys/untrusted-chain.pem"))
            signer = try ManifestSigner(uncheckedKey: key, certificates: [chain[0], other[1]])
        }
        let signed = try signer.sign(try TestPaths.read("sources/small-160x120.jpg"), definition: TestSigning.definition())
        let ours = ManifestValidator(trust: TestSigning.trust).validate(asset: signed)
        let verdict = try Referee.read(try TestSigning.write(signed, name: "fault.jpg"), trust: [TestSigning.trustAnchorsPath])
        #expect(ours.state.rawValue == verdict.state, "\(shape): ailabel \(ours.statuses) SDK \(verdict)")
        #expect(ours.failureCodes == verdict.failure.sorted(), "\(shape): ailabel \(ours.failureCodes) SDK \(verdict.failure)")
    }

    @Test("Ingredient faults match the reference SDK", arguments: ["intact", "no validationResults", "wrong claimSignature hash", "wrong manifest hash"])
    func ingredientFaults(_ shape: String) throws {
        let asset = try TestPaths.read("sources/small-160x120.jpg")
        let foreignStore = try ManifestStore(parsing: try #require(try ManifestDebug.locateStore(in: try TestPaths.read("sdk/signed.jpg")).store))
        let parent = try #require(foreignStore.activeManifest)
        var visited = Set<String>()
        let parentValidation = ManifestValidator().validate(
            manifest: parent, in: foreignStore, source: nil, checkDataHash: false, visited: &visited)
        var ingredient = IngredientBuilder.parentIngredient(for: parent, in: foreignStore, format: "image/jpeg", validation: parentValidation)
        guard case .map(var entries) = ingredient else { return }
        switch shape {
        case "no validationResults": entries.removeAll { $0.key == .text("validationResults") }
        case "wrong claimSignature hash", "wrong manifest hash":
            let key = shape == "wrong manifest hash" ? "activeManifest" : "claimSignature"
            let index = try #require(entries.firstIndex { $0.key == .text(key) })
            var uri = try #require(HashedURI(entries[index].value))
            uri.hash[0] ^= 0xFF
            entries[index].value = uri.cbor
        default: break
        }
        ingredient = .map(entries)
        var builder = ManifestBuilder()
        let ingredientBox = ManifestBuilder.cborAssertion(label: "c2pa.ingredient.v3", content: ingredient)
        builder.add(ingredientBox)
        let reference = ManifestBuilder.hashedURI("self#jumbf=c2pa.assertions/c2pa.ingredient.v3", of: ingredientBox)
        builder.add(ManifestBuilder.cborAssertion(label: "c2pa.actions.v2", content: ManifestBuilder.actions(
            definition: TestSigning.definition(), parentIngredientURI: reference)))
        builder.add(ManifestBuilder.cborAssertion(label: "c2pa.hash.data", content: try ManifestBuilder.dataHash(
            exclusion: nil, hash: HashAlgorithm.sha256.hash(asset))))
        let claim = builder.claim(title: "child.jpg", generatorVersion: "test").encoded()
        let signature = try TestSigning.signer.coseSignature(claimBytes: claim, placeholder: false)
        let sidecar = ManifestBuilder.storeBox(previous: [parent.box], manifest: builder.manifestBox(claimBytes: claim, signatureBytes: signature))
        let fixturesRoot = try TestPaths.readText("keys/fixtures-root.pem")
        let ours = ManifestValidator(trust: try TrustConfiguration(anchorPEMs: [TestSigning.pki.trustAnchorsPEM, fixturesRoot]))
            .validate(sidecar: sidecar, asset: asset)
        let verdict = try Referee.read(try TestSigning.write(asset, name: "ingredient.jpg"),
                                       trust: [TestSigning.trustAnchorsPath, TestPaths.fixtures + "/keys/fixtures-root.pem"],
                                       sidecar: try TestSigning.write(sidecar, name: "ingredient.c2pa"))
        #expect(ours.state.rawValue == verdict.state, "\(shape): ailabel \(ours.statuses) \(ours.ingredientFailureCodes) SDK \(verdict)")
        #expect(ours.failureCodes == verdict.failure.sorted(), "\(shape): ailabel \(ours.failureCodes) SDK \(verdict.failure)")
        #expect(ours.ingredientFailureCodes == (verdict.ingredientFailure ?? []).sorted(),
                "\(shape): ailabel \(ours.ingredientFailureCodes) SDK \(verdict.ingredientFailure ?? [])")
    }

    @Test("A thumbnail (off by default) is accepted by the reference SDK")
    func thumbnail() throws {
        var definition = TestSigning.definition()
        definition.thumbnail = Thumbnail(bytes: try TestPaths.read("sources/tiny-8x8.jpg"), mimeType: "image/jpeg")
        let signed = try TestSigning.signer.sign(try TestPaths.read("sources/small-160x120.jpg"), definition: definition)
        #expect(ManifestValidator(trust: TestSigning.trust).validate(asset: signed).state == .trusted)
        try InteropTests.expectTrustedInSDK(signed, name: "thumbnail.jpg")
    }
}
