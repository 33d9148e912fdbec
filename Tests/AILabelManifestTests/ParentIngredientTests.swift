import AILabelMedia
import AILabelTestSupport
import Foundation
import Testing

@testable import AILabelManifest

/// The reference SDK's rules for parents: a manifest has at most one parentOf ingredient
/// (`manifest.multipleParents`), an update manifest exactly one (none is `manifest.update.wrongParents`,
/// several `manifest.update.invalid`). Files signed by the SDK at test time, judged by both.
@Suite("Parent ingredients: at most one per manifest, exactly one per update manifest, as the reference SDK rules", .serialized)
struct ParentIngredientTests {
    static let keys = "c2pa/keys/"

    /// `source` signed by the reference SDK with `parents` as parentOf ingredients, under the
    /// fixtures' PKI (the parents are signed by it too).
    static func sdkSigned(_ source: String, parents: [String], intent: String? = nil, name: String) throws -> [UInt8] {
        let path = try TestPaths.temporaryDirectory() + "/" + name
        var arguments = [TestPaths.fixtures + "/sdk_sign.py", Repository.fixture(source).path, path, "image/jpeg",
                         "--key", Repository.fixture(keys + "fixtures-signer.key").path,
                         "--chain", Repository.fixture(keys + "fixtures-chain.pem").path,
                         "--parents", parents.map { Repository.fixture($0).path }.joined(separator: ",")]
        if let intent { arguments += ["--intent", intent] }
        let signing = try ProcessRunner.run(TestPaths.python, arguments)
        try #require(signing.status == 0, "sdk_sign.py failed: \(signing.stderr)")
        return [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
    }

    /// The asset with its active (last) manifest's type changed from a standard manifest to an
    /// update manifest, in place: the type is in the manifest box's description, which no signature
    /// or data hash covers.
    static func madeUpdate(_ asset: [UInt8]) throws -> [UInt8] {
        try retyped(asset, to: "c2um")
    }

    /// The asset with its active (last) standard manifest's type changed to `type`, in place.
    static func retyped(_ asset: [UInt8], to type: String) throws -> [UInt8] {
        let standard = JUMBFDescription.c2paType("c2ma")
        let starts = asset.indices.dropLast(standard.count).filter { asset[$0] == standard[0] && Array(asset[$0..<$0 + standard.count]) == standard }
        let last = try #require(starts.last)
        var forged = asset
        forged.replaceSubrange(last..<last + 4, with: Array(type.utf8))
        return forged
    }

    static func judged(_ bytes: [UInt8], name: String) throws -> (ailabel: ValidationReport, sdk: Referee.Verdict) {
        let root = Repository.fixture(keys + "fixtures-root.pem").path
        let verdict = try Referee.read(try TestSigning.write(bytes, name: name), trust: [root], mime: "image/jpeg")
        let report = ManifestValidator(trust: try TrustConfiguration(anchorPEMs: [try String(contentsOfFile: root, encoding: .utf8)])).validate(asset: bytes)
        return (report, verdict)
    }

    @Test("A standard manifest typed c2md (C2PA 11.2.2) is read as a standard manifest: Trusted in ailabel and in the reference SDK")
    func c2mdManifest() throws {
        let signed = try Self.sdkSigned("c2pa/sdk/unsigned.jpg", parents: ["c2pa/sdk/signed.jpg"], name: "one-parent.jpg")
        let (report, verdict) = try Self.judged(try Self.retyped(signed, to: "c2md"), name: "c2md.jpg")
        #expect(verdict.state == "Trusted" && verdict.failure.isEmpty, "the SDK: \(verdict)")
        #expect(report.state.rawValue == verdict.state, "ailabel \(report.statuses)")
        #expect(report.manifestCount == 2)
    }

    @Test("Two parentOf ingredients: Invalid with manifest.multipleParents in ailabel and in the reference SDK")
    func twoParents() throws {
        let signed = try Self.sdkSigned("c2pa/sdk/unsigned.jpg", parents: ["c2pa/sdk/signed.jpg", "c2pa/sdk/signed-es384.jpg"], name: "two-parents.jpg")
        let (report, verdict) = try Self.judged(signed, name: "two-parents.jpg")
        #expect(verdict.state == "Invalid" && verdict.failure == ["manifest.multipleParents"], "the SDK's rule: \(verdict)")
        #expect(report.state.rawValue == verdict.state, "ailabel \(report.statuses)")
        #expect(Set(report.failureCodes) == Set(verdict.failure), "ailabel \(report.failureCodes), SDK \(verdict.failure)")
    }

    @Test("One parentOf ingredient, in a standard manifest and in an update manifest: Trusted in both")
    func oneParent() throws {
        for intent in [nil, "update"] {
            let source = intent == nil ? "c2pa/sdk/unsigned.jpg" : "c2pa/sdk/signed.jpg"
            let name = "one-parent-\(intent ?? "edit").jpg"
            let signed = try Self.sdkSigned(source, parents: ["c2pa/sdk/signed.jpg"], intent: intent, name: name)
            let (report, verdict) = try Self.judged(signed, name: name)
            if intent == "update" {
                let store = try ManifestStore(parsing: try ManifestDebug.store(in: signed))
                #expect(store.activeManifest?.isUpdate == true, "the SDK made an update manifest")
            }
            #expect(verdict.state == "Trusted" && verdict.failure.isEmpty, "\(name): \(verdict)")
            #expect(report.state.rawValue == verdict.state, "\(name): ailabel \(report.statuses)")
            #expect(report.failureCodes.isEmpty, "\(name): \(report.failureCodes)")
        }
    }

    @Test("An update manifest of two parents is manifest.update.invalid in ailabel and in the reference SDK")
    func updateOfTwoParents() throws {
        let signed = try Self.sdkSigned("c2pa/sdk/unsigned.jpg", parents: ["c2pa/sdk/signed.jpg", "c2pa/sdk/signed-es384.jpg"], name: "two-parents.jpg")
        let forged = try Self.madeUpdate(signed)
        let (report, verdict) = try Self.judged(forged, name: "update-two-parents.jpg")
        #expect(verdict.state == "Invalid" && verdict.failure == ["manifest.update.invalid"], "the SDK's rule: \(verdict)")
        #expect(report.state.rawValue == verdict.state, "ailabel \(report.statuses)")
        #expect(Set(report.failureCodes) == Set(verdict.failure), "ailabel \(report.failureCodes), SDK \(verdict.failure)")
        #expect(report.statuses.contains { $0.code == .manifestUpdateInvalid && $0.explanation.contains("2 parentOf ingredients") })
    }

    @Test("An update manifest of no parent is manifest.update.wrongParents; of many parents, only the first is checked against the asset")
    func parentsOfAnUnboundUpdate() throws {
        // An update manifest with no hard binding of its own and two parents, each with a data hash:
        // the SDK's signed manifest with its hard binding taken out and its type made `c2um`.
        let signed = try Self.sdkSigned("c2pa/sdk/unsigned.jpg", parents: ["c2pa/sdk/signed.jpg", "c2pa/sdk/signed-es384.jpg"], name: "two-parents.jpg")
        let root = try JUMBFSuperbox(parsing: try ManifestDebug.store(in: signed))
        func storeWith(ingredients keep: (JUMBFSuperbox) -> Bool) throws -> [UInt8] {
            var store = root
            let activeIndex = try #require(store.children.lastIndex { if case .superbox = $0 { return true } else { return false } })
            guard case .superbox(var active) = store.children[activeIndex] else { throw CancellationError() }
            active.description.typeUUID = JUMBFDescription.c2paType("c2um")
            let assertionsIndex = try #require(active.children.firstIndex { if case .superbox(let box) = $0 { return box.label == "c2pa.assertions" } else { return false } })
            guard case .superbox(var assertions) = active.children[assertionsIndex] else { throw CancellationError() }
            assertions.children = assertions.children.filter {
                guard case .superbox(let box) = $0, let label = box.label else { return true }
                return !label.hasPrefix("c2pa.hash.") && (!label.hasPrefix("c2pa.ingredient") || keep(box))
            }
            assertions.encodedBytes = nil
            active.children[assertionsIndex] = .superbox(assertions)
            active.encodedBytes = nil
            store.children[activeIndex] = .superbox(active)
            store.encodedBytes = nil
            return store.serialized()
        }
        let validator = ManifestValidator(trust: try TrustConfiguration(anchorPEMs: [try String(contentsOfFile: Repository.fixture(Self.keys + "fixtures-root.pem").path, encoding: .utf8)]))

        let twoParents = validator.validate(asset: try ManifestDebug.embed(rawStore: try storeWith { _ in true }, in: signed))
        let ingredients = try #require(twoParents.activeManifest?.ingredients)
        #expect(ingredients.count == 2 && ingredients.allSatisfy { $0.validation != nil }, "both parents are validated")
        let checkedAgainstAsset = ingredients.filter { ingredient in
            ingredient.validation?.statuses.contains { $0.code == .assertionDataHashMatch || $0.code == .assertionDataHashMismatch } == true
        }
        #expect(checkedAgainstAsset.count == 1, "one parent's data hash is computed over the asset, not each parent's: \(ingredients.map { $0.validation?.statuses ?? [] })")
        #expect(twoParents.statuses.contains { $0.code == .manifestUpdateInvalid && $0.explanation.contains("2 parentOf ingredients") })

        let noParent = validator.validate(asset: try ManifestDebug.embed(rawStore: try storeWith { _ in false }, in: signed))
        #expect(noParent.state == .invalid)
        #expect(noParent.failureCodes.contains("manifest.update.wrongParents"), "\(noParent.failureCodes)")
    }
}
