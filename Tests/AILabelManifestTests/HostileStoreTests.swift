import AILabelMedia
import AILabelTestSupport
import Foundation
import Testing

@testable import AILabelManifest

/// Hostile manifest stores embedded in otherwise valid JPEGs: each must give Invalid with a clear
/// code, never a crash.
@Suite("Hostile manifest stores")
struct HostileStoreTests {
    static func embed(_ store: [UInt8]) throws -> [UInt8] {
        try ManifestDebug.embed(rawStore: store, in: try TestPaths.read("sources/small-160x120.jpg"))
    }

    static func signedStore() throws -> [UInt8] {
        let signed = try TestSigning.signer.sign(try TestPaths.read("sources/small-160x120.jpg"), definition: TestSigning.definition())
        return try #require(try ManifestDebug.locateStore(in: signed).store)
    }

    static func validate(_ asset: [UInt8]) -> ValidationReport {
        ManifestValidator(trust: TestSigning.trust).validate(asset: asset)
    }

    @Test("An ingredient's manifest at the depth limit is not followed (a chain of thousands would overflow a stack); one level up it is validated")
    func ingredientAtTheDepthLimit() throws {
        let asset = try Repository.fixtureBytes("c2pa/sdk/signed-with-parent.jpg")
        let store = try ManifestStore(parsing: try #require(try ManifestDebug.locateStore(in: asset).store))
        let active = try #require(store.activeManifest)
        let ingredient = try #require(active.assertions.first { $0.baseLabel.hasPrefix("c2pa.ingredient") })
        let validator = ManifestValidator(trust: TestSigning.trust)
        for (depth, followed) in [(ManifestValidator.maximumIngredientDepth, false), (ManifestValidator.maximumIngredientDepth - 1, true)] {
            var statuses: [ValidationStatus] = []
            var visited: Set<String> = [active.label]
            let summary = validator.checkIngredient(ingredient, store: store, url: "self#jumbf=/c2pa/\(active.label)/c2pa.assertions/\(ingredient.label)",
                                                    statuses: &statuses, visited: &visited, depth: depth)
            #expect((summary.validation != nil) == followed, "depth \(depth)")
            #expect(statuses.contains { $0.code.rawValue == "ailabel.ingredient.tooDeep" } == !followed, "depth \(depth): \(statuses)")
        }
    }

    @Test("An x5chain of 33 certificates is refused before any is parsed (signingCredential.invalid); 32 are read")
    func longCertificateChain() throws {
        let store = try ManifestStore(parsing: try Self.signedStore())
        let manifest = try #require(store.activeManifest)
        let sign1 = try COSESign1(decoding: try #require(manifest.signatureBytes))
        let leaf = try #require(sign1.certificateChain.first)
        let validator = ManifestValidator(trust: TestSigning.trust)
        for count in [32, 33] {
            guard case .map(var entries) = sign1.protectedHeader else { Issue.record("no protected header map"); return }
            entries = entries.filter { $0.key.intValue != 33 } + [(key: .int(33), value: .array(Array(repeating: .bytes(leaf), count: count)))]
            let forged = COSESign1(protectedHeader: .map(entries), unprotectedHeader: sign1.unprotectedHeader, payload: sign1.payload, signature: sign1.signature)
            let (_, statuses) = validator.validateSignature(forged.encoded(), claimBytes: try #require(manifest.claimBytes))
            let refused = statuses.contains { $0.code == .signingCredentialInvalid && $0.explanation.contains("more than the 32") }
            #expect(refused == (count == 33), "\(count): \(statuses.map(\.code.rawValue))")
        }
    }

    @Test("A store whose claim and assertions hold more CBOR items together than the store's limit is refused, though each is under the per-item limit")
    func cborItemsAcrossAssertions() throws {
        var definition = TestSigning.definition()
        definition.customAssertions = (0..<3).map { (label: "org.example.items.\($0)", value: .array(Array(repeating: .int(0), count: 200_000))) }
        let signed = try TestSigning.signer.sign(try TestPaths.read("sources/small-160x120.jpg"), definition: definition)
        let storeBytes = try #require(try ManifestDebug.locateStore(in: signed).store)
        // Each assertion alone is under the million items one decode allows; together they pass 500,000.
        let whole = try ManifestStore(parsing: storeBytes)
        #expect(whole.activeManifest?.assertions.filter { $0.label.hasPrefix("org.example.items") }.allSatisfy { $0.cbor != nil } == true)
        #expect(throws: ManifestError.self) { try ManifestStore(parsing: storeBytes, maximumItems: 500_000) }
        do {
            _ = try ManifestStore(parsing: storeBytes, maximumItems: 500_000)
        } catch let error as ManifestError {
            #expect(error.code == .cborMalformed)
            #expect(error.reason.contains("more than 500000 CBOR items together"), "\(error.reason)")
        }
        #expect(ManifestStore.maximumItems == 4_000_000)
        #expect(Self.validate(signed).state == .trusted, "under the default limit the store validates")
    }

    @Test("Missing ingredient manifests deep in a chain are reported on the active manifest, once, not copied into every manifest above them")
    func missingIngredientsDeepInAChain() throws {
        let depth = 20
        let missing = 500
        // The chain's deepest manifest first; each other one names the one below it as an ingredient.
        var manifests: [JUMBFSuperbox] = []
        for level in (0..<depth).reversed() {
            var builder = ManifestBuilder(label: "urn:c2pa:level-\(level)")
            if let below = manifests.last {
                let reference = ManifestBuilder.hashedURI("self#jumbf=/c2pa/\(below.label ?? "")", of: below)
                builder.add(ManifestBuilder.cborAssertion(label: "c2pa.ingredient.v2", content: .textMap([
                    ("relationship", .text("componentOf")), ("activeManifest", reference.cbor)])))
            } else {
                for index in 0..<missing {
                    let reference = HashedURI(url: "self#jumbf=/c2pa/urn:c2pa:absent-\(index)", hash: Array(repeating: 0, count: 32))
                    builder.add(ManifestBuilder.cborAssertion(label: builder.uniqueLabel("c2pa.ingredient.v2"), content: .textMap([
                        ("relationship", .text("componentOf")), ("activeManifest", reference.cbor)])))
                }
            }
            manifests.append(builder.manifestBox(claimBytes: builder.claim(title: "level \(level)", generatorVersion: "test").encoded(), signatureBytes: [0xF6]))
        }
        let store = ManifestBuilder.storeBox(previous: Array(manifests.dropLast()), manifest: try #require(manifests.last))
        let report = ManifestValidator(trust: TestSigning.trust).validate(storeBytes: store, source: [UInt8]())
        #expect(report.state == .invalid)
        #expect(report.statuses.filter { $0.code == .ingredientManifestMissing }.count == missing, "each missing manifest once on the active one")
        var held: [Int] = []
        var ingredient = report.activeManifest?.ingredients.first
        while let validation = ingredient?.validation {
            held.append(validation.statuses.filter { $0.code == .ingredientManifestMissing }.count)
            ingredient = validation.activeManifest?.ingredients.first
        }
        #expect(held == Array(repeating: 0, count: depth - 2) + [missing], "only the manifest that names them holds them: \(held)")
        // None of these manifests has a hard binding: only the active one, which binds the asset, is
        // failed for it (c2pa-rs counts hard bindings on the binding manifest alone).
        #expect(report.failureCodes.contains("claim.hardBindings.missing"))
        let ingredientFailures = report.activeManifest?.ingredients.first?.validation?.failureCodes ?? []
        #expect(!ingredientFailures.contains("claim.hardBindings.missing"), "\(ingredientFailures)")
    }

    @Test("A claim redacting 30,000 assertions of a manifest of 30,000, with 30,000 c2pa.redacted actions, is judged by lookups, not a search per redaction")
    func redactionFlood() throws {
        let count = 30_000
        var target = ManifestBuilder(label: "urn:c2pa:target")
        for index in 0..<count {
            target.add(ManifestBuilder.cborAssertion(label: "com.example.private.\(index)", content: .textMap([("n", .int(index))])))
        }
        let targetBox = target.manifestBox(claimBytes: target.claim(title: "target", generatorVersion: "test").encoded(), signatureBytes: [0xF6])
        let uris = (0..<count).map { "self#jumbf=/c2pa/urn:c2pa:target/c2pa.assertions/com.example.private.\($0)" }
        var active = ManifestBuilder(label: "urn:c2pa:active")
        active.add(ManifestBuilder.cborAssertion(label: "c2pa.actions.v2", content: .textMap([
            ("actions", .array([.textMap([("action", .text("c2pa.created")), ("digitalSourceType", .text(TestSigning.aiGenerated))])]
                + uris.map { .textMap([("action", .text("c2pa.redacted")), ("parameters", .textMap([("redacted", .text($0))]))]) })),
        ])))
        guard case .map(var claim) = active.claim(title: "active", generatorVersion: "test") else { Issue.record("the claim is not a map"); return }
        claim.append((key: .text("redacted_assertions"), value: .array(uris.map { .text($0) })))
        let store = ManifestBuilder.storeBox(previous: [targetBox], manifest: active.manifestBox(claimBytes: CBOR.map(claim).encoded(), signatureBytes: [0xF6]))
        let report = ManifestValidator(trust: TestSigning.trust).validate(storeBytes: store, source: [UInt8]())
        // Each redacted assertion is still there: one assertion.notRedacted each, and every action resolves.
        #expect(report.statuses.filter { $0.code == .assertionNotRedacted }.count == count)
        #expect(!report.statuses.contains { $0.code == .assertionActionRedactionMismatch })
    }

    @Test("Truncated JUMBF")
    func truncatedJUMBF() throws {
        let store = try Self.signedStore()
        for cut in [40, 100, store.count / 3, store.count - 1] {
            // Keep the store's own LBox, so the box claims more bytes than the segment holds.
            let report = Self.validate(try Self.embed(Array(store.prefix(cut))))
            #expect(report.state == .invalid)
            #expect(report.failureCodes == ["general.error"])
            #expect(report.failures.first?.explanation.contains("malformed") == true)
        }
    }

    @Test("Box lengths past the end of the store")
    func lengthsPastEnd() throws {
        var store = try Self.signedStore()
        // The first manifest box (after the store's 8-byte header and its description box) claims 2 GB.
        let descriptionLength = Int(store[8]) << 24 | Int(store[9]) << 16 | Int(store[10]) << 8 | Int(store[11])
        let manifest = 8 + descriptionLength
        store[manifest..<manifest + 4] = [0x7F, 0xFF, 0xFF, 0xFF]
        let report = Self.validate(try Self.embed(store))
        #expect(report.state == .invalid)
        #expect(report.failureCodes == ["general.error"])
    }

    @Test("A declared length of 4 GB")
    func fourGigabyteLength() throws {
        var store = try Self.signedStore()
        store[0..<4] = [0xFF, 0xFF, 0xFF, 0xFF]
        #expect(Self.validate(try Self.embed(store)).failureCodes == ["general.error"])
        // An XLBox of 4 GB.
        var extended: [UInt8] = [0, 0, 0, 1] + Array("jumb".utf8)
        extended.appendUInt64BigEndian(1 << 32)
        extended += store[8...]
        #expect(Self.validate(try Self.embed(extended)).failureCodes == ["general.error"])
    }

    /// A store whose only manifest's claim is `claim` (unsigned).
    static func store(claim: [UInt8]) -> [UInt8] {
        var builder = ManifestBuilder(label: "urn:c2pa:hostile")
        builder.add(ManifestBuilder.cborAssertion(label: "c2pa.actions.v2", content: .textMap([("actions", .array([]))])))
        let manifest = builder.manifestBox(claimBytes: claim, signatureBytes: [0xF6])
        return ManifestBuilder.storeBox(previous: [], manifest: manifest)
    }

    @Test("A claim of CBOR nested 10000 deep")
    func deepCBORClaim() throws {
        let claim = [UInt8](repeating: 0x81, count: 10_000) + [0x00]
        let report = Self.validate(try Self.embed(Self.store(claim: claim)))
        #expect(report.state == .invalid)
        #expect(report.failureCodes == ["claim.cbor.invalid"])
        #expect(report.failures.first?.explanation.contains("deeper") == true)
    }

    @Test("A claim declaring a 4 GB byte string")
    func fourGigabyteCBOR() throws {
        let claim: [UInt8] = [0xA1, 0x61, 0x61, 0x5A, 0xFF, 0xFF, 0xFF, 0xFF, 0x00]
        let report = Self.validate(try Self.embed(Self.store(claim: claim)))
        #expect(report.state == .invalid)
        #expect(report.failureCodes == ["claim.cbor.invalid"])
    }

    @Test("A store that is not C2PA, and a manifest without claim")
    func wrongShapes() throws {
        let notC2PA = JUMBFSuperbox(description: JUMBFDescription(typeUUID: JUMBFDescription.c2paType("c2pa"), label: "c2pa"), children: [])
        #expect(Self.validate(try Self.embed(notC2PA.serialized())).failureCodes == ["claim.missing"])
        let empty = JUMBFSuperbox(description: JUMBFDescription(typeUUID: JUMBFDescription.c2paType("c2ma"), label: "urn:c2pa:x"), children: [])
        let store = ManifestBuilder.storeBox(previous: [], manifest: empty)
        #expect(Self.validate(try Self.embed(store)).failureCodes == ["claim.missing"])
    }

    @Test("A garbage signature is a claim signature mismatch")
    func garbageSignature() throws {
        let claim = CBOR.textMap([("created_assertions", .array([]))]).encoded()
        let report = Self.validate(try Self.embed(Self.store(claim: claim)))
        #expect(report.state == .invalid)
        #expect(report.failureCodes.contains("claimSignature.mismatch"))
        #expect(report.failureCodes.contains("claim.hardBindings.missing"))
    }

    @Test("Random corruption anywhere in the store never crashes")
    func fuzzStore() throws {
        let store = try Self.signedStore()
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<300 {
            var copy = store
            for _ in 0..<Int.random(in: 1...4, using: &generator) {
                copy[Int.random(in: 0..<copy.count, using: &generator)] = UInt8.random(in: 0...255, using: &generator)
            }
            let report = Self.validate(try Self.embed(copy))
            #expect(report.state != .trusted || copy == store || report.failures.isEmpty)
        }
    }
}

@Suite("Two manifest stores")
struct TwoStoresTests {
    @Test("A JPEG with two C2PA stores is Invalid (the reference SDK refuses it too)")
    func twoStores() throws {
        let signed = try TestSigning.signer.sign(try TestPaths.read("sources/small-160x120.jpg"), definition: TestSigning.definition())
        let located = try ManifestDebug.locateStore(in: signed)
        let range = try #require(located.ranges.first)
        var second = Array(signed[range])
        second[6] = 0x02
        second[7] = 0x12  // another box instance number (En)
        var doubled = signed
        doubled.insert(contentsOf: second, at: range.upperBound)
        let report = ManifestValidator(trust: TestSigning.trust).validate(asset: doubled)
        #expect(report.state == .invalid)
        #expect(report.failureCodes == ["manifest.inaccessible"])
        // Signing it would drop both stores: refused unless the definition allows replacing them.
        #expect(throws: ManifestError.storeMalformed) { try TestSigning.signer.sign(doubled, definition: TestSigning.definition()) }
        var replacing = TestSigning.definition()
        replacing.replaceUnreadableStore = true
        #expect(ManifestValidator(trust: TestSigning.trust).validate(asset: try TestSigning.signer.sign(doubled, definition: replacing)).state == .trusted)
        let verdict = try Referee.read(try TestSigning.write(doubled, name: "two-stores.jpg"), trust: [TestSigning.trustAnchorsPath])
        #expect(verdict.state != "Trusted" && verdict.state != "Valid", "\(verdict)")
    }
}
