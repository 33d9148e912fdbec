import AILabelMedia
import AILabelTestSupport
import Foundation
import Testing

@testable import AILabelManifest

/// The redaction and action rules where the reference SDK's Builder cannot make the file: stores built
/// here, judged by ailabel alone, each against what c2pa-rs's code does (store.rs `ingredient_checks`,
/// `get_claim_referenced_manifests`; claim.rs `verify_actions`, `from_value`).
@Suite("Redaction and action rules on built stores")
struct RedactionRuleTests {
    static func superbox(_ element: JUMBFElement) -> JUMBFSuperbox? {
        if case .superbox(let box) = element { return box }
        return nil
    }

    @Test("A manifest nothing refers to cannot excuse an assertion missing from the signed active manifest by listing it as redacted")
    func orphanRedactionIsIgnored() throws {
        let signed = try TestSigning.signer.sign(try TestPaths.read("sources/small-160x120.jpg"), definition: TestSigning.definition())
        let location = try ManifestDebug.locateStore(in: signed)
        var store = try JUMBFSuperbox(parsing: try #require(location.store))
        let activeIndex = try #require(store.children.lastIndex { Self.superbox($0) != nil })
        var active = try #require(Self.superbox(store.children[activeIndex]))
        let assertionsIndex = try #require(active.children.firstIndex { Self.superbox($0)?.label == "c2pa.assertions" })
        var assertions = try #require(Self.superbox(active.children[assertionsIndex]))
        assertions.children.removeAll { Self.superbox($0)?.label == ManifestDefinition.disclosureLabel }
        assertions.encodedBytes = nil
        active.children[assertionsIndex] = .superbox(assertions)
        active.encodedBytes = nil
        // An unsigned manifest, referred to by nothing, claiming to redact the removed assertion.
        let uri = "self#jumbf=/c2pa/\(active.label ?? "")/c2pa.assertions/\(ManifestDefinition.disclosureLabel)"
        let orphanBuilder = ManifestBuilder(label: "urn:c2pa:orphan")
        guard case .map(var claim) = orphanBuilder.claim(title: "orphan", generatorVersion: "test") else { Issue.record("no claim map"); return }
        claim.append((key: .text("redacted_assertions"), value: .array([.text(uri)])))
        let orphan = orphanBuilder.manifestBox(claimBytes: CBOR.map(claim).encoded(), signatureBytes: [0xF6])
        store.children[activeIndex] = .superbox(active)
        store.children.insert(.superbox(orphan), at: activeIndex)
        store.encodedBytes = nil
        var forged = location
        forged.store = store.serialized()
        let report = ManifestValidator(trust: TestSigning.trust).validate(location: forged, source: signed)
        #expect(report.state == .invalid)
        #expect(report.failureCodes.contains("assertion.missing"), "\(report.failureCodes)")
    }

    /// A store whose active (v2) manifest redacts `com.example.secret` from its parentOf ingredient's
    /// manifest, a C2PA 1 claim that still lists it; the ingredient assertion has no claimSignature,
    /// as 1.x ingredients had none.
    static func redactedV1Ingredient() throws -> [UInt8] {
        var parent = ManifestBuilder(label: "urn:uuid:parent")
        parent.add(ManifestBuilder.cborAssertion(label: "com.example.secret", content: .textMap([("gps", .text("here"))])))
        let secretURI = ManifestBuilder.hashedURI("self#jumbf=c2pa.assertions/com.example.secret", of: parent.assertions[0])
        let parentClaim = CBOR.textMap([
            ("claim_generator", .text("an older tool/1.0")), ("signature", .text("self#jumbf=c2pa.signature")),
            ("assertions", .array([secretURI.cbor])), ("alg", .text("sha256")),
        ]).encoded()
        let redactedParent = ManifestBuilder(label: "urn:uuid:parent")
            .manifestBox(claimBytes: parentClaim, signatureBytes: [0xF6], claimLabel: "c2pa.claim")
        var active = ManifestBuilder(label: "urn:c2pa:active")
        active.add(ManifestBuilder.cborAssertion(label: "c2pa.ingredient", content: .textMap([
            ("relationship", .text("parentOf")), ("dc:title", .text("parent.jpg")),
            ("c2pa_manifest", ManifestBuilder.hashedURI("self#jumbf=/c2pa/urn:uuid:parent", of: redactedParent).cbor),
        ])))
        guard case .map(var claim) = active.claim(title: "active", generatorVersion: "test") else { throw CancellationError() }
        claim.append((key: .text("redacted_assertions"), value: .array([.text("self#jumbf=/c2pa/urn:uuid:parent/c2pa.assertions/com.example.secret")])))
        return ManifestBuilder.storeBox(previous: [redactedParent], manifest: active.manifestBox(claimBytes: CBOR.map(claim).encoded(), signatureBytes: [0xF6]))
    }

    @Test("A redacted C2PA 1 ingredient is bound by neither its manifest hash nor a claim signature it never had (c2pa-rs checks neither)")
    func redactedV1IngredientNeedsNoClaimSignature() throws {
        let report = ManifestValidator(trust: TestSigning.trust).validate(storeBytes: try Self.redactedV1Ingredient(), source: [UInt8]())
        let ingredient = try #require(report.activeManifest?.ingredients.first)
        let codes = ingredient.newFailures.map(\.code.rawValue)
        #expect(!codes.contains("ingredient.claimSignature.missing") && !codes.contains("ingredient.manifest.mismatch"), "\(codes)")
        #expect(ingredient.validation?.failureCodes.contains("assertion.missing") == false, "the redacted assertion is not missing")
    }

    /// The statuses of one v2 actions assertion of `actions` in a manifest with a parentOf and a
    /// componentOf ingredient, in a store that also holds a manifest `urn:c2pa:other` referencing `a`.
    static func actionStatuses(_ actions: [CBOR]) -> [ValidationStatus] {
        var other = ManifestBuilder(label: "urn:c2pa:other")
        other.add(ManifestBuilder.cborAssertion(label: "a", content: .textMap([("x", .int(1))])))
        let otherBox = other.manifestBox(claimBytes: other.claim(title: "other", generatorVersion: "test").encoded(), signatureBytes: [0xF6])
        var builder = ManifestBuilder(label: "urn:c2pa:this")
        builder.add(ManifestBuilder.cborAssertion(label: "c2pa.ingredient.v3", content: .textMap([("relationship", .text("parentOf"))])))
        builder.add(ManifestBuilder.cborAssertion(label: "c2pa.ingredient.v3__1", content: .textMap([("relationship", .text("componentOf"))])))
        let box = ManifestBuilder.cborAssertion(label: "c2pa.actions.v2", content: .textMap([("actions", .array(actions))]))
        builder.add(box)
        var budget = ManifestStore.maximumItems
        let manifest = Manifest(box: builder.manifestBox(claimBytes: builder.claim(title: "this", generatorVersion: "test").encoded(), signatureBytes: [0xF6]),
                                itemBudget: &budget)
        let otherManifest = Manifest(box: otherBox, itemBudget: &budget)
        let store = ManifestStore(manifests: [otherManifest, manifest], encodedBytes: [])
        var statuses: [ValidationStatus] = []
        ManifestValidator().checkActions(AssertionBox(box: box, itemBudget: &budget), isFirst: true,
                                         context: .init(manifest, claimVersion: 2, store: store, memo: .init()), url: "u", statuses: &statuses)
        return statuses
    }

    static let created = CBOR.textMap([("action", .text("c2pa.created")), ("digitalSourceType", .text(TestSigning.aiGenerated))])
    static func action(_ name: String, _ parameters: [(String, CBOR)]) -> CBOR {
        .textMap([("action", .text(name)), ("parameters", .textMap(parameters))])
    }
    static func ingredients(_ labels: [String]) -> CBOR {
        .array(labels.map { .textMap([("url", .text("self#jumbf=c2pa.assertions/\($0)")), ("hash", .bytes([0]))]) })
    }

    @Test("c2pa.redacted: no URI, or one naming no manifest of the store, is redactionMismatch; one naming an assertion its manifest's claim does not reference is notRedacted")
    func redactedActionTargets() {
        #expect(Self.actionStatuses([Self.created, Self.action("c2pa.redacted", [])]).map(\.code) == [.assertionActionRedactionMismatch])
        #expect(Self.actionStatuses([Self.created, Self.action("c2pa.redacted", [("redacted", .text("self#jumbf=/c2pa/urn:c2pa:absent/c2pa.assertions/a"))])]).map(\.code)
                == [.assertionActionRedactionMismatch])
        #expect(Self.actionStatuses([Self.created, Self.action("c2pa.redacted", [("redacted", .text("self#jumbf=/c2pa/urn:c2pa:other/c2pa.assertions/b"))])]).map(\.code)
                == [.assertionNotRedacted])
        #expect(Self.actionStatuses([Self.created, Self.action("c2pa.redacted", [("redacted", .text("self#jumbf=/c2pa/urn:c2pa:other/c2pa.assertions/a"))])]).isEmpty)
    }

    @Test("c2pa.transcoded: no ingredients is fine, an empty list is a mismatch, a list with a parentOf one is fine")
    func transcodedIngredients() {
        #expect(Self.actionStatuses([Self.created, .textMap([("action", .text("c2pa.transcoded"))])]).isEmpty)
        #expect(Self.actionStatuses([Self.created, Self.action("c2pa.transcoded", [("ingredients", .array([]))])]).map(\.code) == [.assertionActionIngredientMismatch])
        #expect(Self.actionStatuses([Self.created, Self.action("c2pa.transcoded", [("ingredients", Self.ingredients(["c2pa.ingredient.v3"]))])]).isEmpty)
        #expect(Self.actionStatuses([Self.created, Self.action("c2pa.transcoded", [("ingredients", Self.ingredients(["c2pa.ingredient.v3__1"]))])]).map(\.code)
                == [.assertionActionIngredientMismatch])
    }

    @Test("A claim's version is what its fields say; both lists or neither is refused, and v1 fields in a box labelled v2 are read as v1")
    func claimVersionFromFields() throws {
        let v1 = CBOR.textMap([("assertions", .array([])), ("signature", .text("self#jumbf=c2pa.signature")), ("alg", .text("sha256"))])
        #expect(try Claim(decoding: v1.encoded(), label: "c2pa.claim.v2").version == 1)
        let v2 = CBOR.textMap([("created_assertions", .array([])), ("signature", .text("self#jumbf=c2pa.signature")), ("alg", .text("sha256"))])
        #expect(try Claim(decoding: v2.encoded(), label: "c2pa.claim").version == 2)
        let both = CBOR.textMap([("assertions", .array([])), ("created_assertions", .array([]))])
        #expect(throws: ManifestError.self) { try Claim(decoding: both.encoded(), label: "c2pa.claim.v2") }
        #expect(throws: ManifestError.self) { try Claim(decoding: CBOR.textMap([("alg", .text("sha256"))]).encoded(), label: "c2pa.claim.v2") }
    }
}
