import AILabelMedia
import AILabelTestSupport
import Foundation
import Testing

@testable import AILabelManifest

/// The claim, actions and redaction rules of C2PA 2.4 (6.8, 15.10.3) that a manifest breaks with its
/// bytes and signature intact: files signed by the reference SDK at test time
/// (`Fixtures/c2pa/sdk_rule_cases.py`, `sdk_redaction_cases.py`), judged by the SDK and by ailabel.
/// Before these rules, ailabel called eleven of the first script's files and five of the second's
/// Trusted where the SDK says Invalid, and a legitimately redacted file Invalid.
@Suite("Claim, actions and redaction rules: ailabel reaches the reference SDK's verdict on manifests that break them", .serialized)
struct SDKRuleAgreementTests {
    struct Case: Decodable {
        struct Verdict: Decodable {
            var state: String
            var failure: [String]
        }
        var name: String
        var rule: String
        var sdk: Verdict
    }

    static let root = Repository.fixture("c2pa/keys/fixtures-root.pem").path

    @Test("Every case: the SDK still gives the verdict written down for it, and ailabel gives the same state and failure codes",
          arguments: [("sdk_rule_cases.py", 17), ("sdk_redaction_cases.py", 7), ("sdk_claim_cases.py", 11)])
    func everyCase(_ script: String, cases expected: Int) throws {
        let directory = try TestPaths.temporaryDirectory()
        let signing = try ProcessRunner.run(TestPaths.python, [TestPaths.fixtures + "/" + script, directory])
        try #require(signing.status == 0, "\(script) failed: \(signing.stderr)")
        let cases = try JSONDecoder().decode([Case].self, from: Data(contentsOf: URL(fileURLWithPath: directory + "/cases.json")))
        #expect(cases.count == expected)
        let validator = ManifestValidator(trust: try TrustConfiguration(anchorPEMs: [try String(contentsOfFile: Self.root, encoding: .utf8)]))
        for testCase in cases {
            let path = directory + "/\(testCase.name).jpg"
            let verdict = try Referee.read(path, trust: [Self.root], mime: "image/jpeg")
            #expect(verdict.state == testCase.sdk.state && verdict.failure.sorted() == testCase.sdk.failure.sorted(),
                    "\(testCase.name) (\(testCase.rule)): the SDK now says \(verdict.state ?? "nothing") \(verdict.failure)")
            let report = validator.validate(asset: [UInt8](try Data(contentsOf: URL(fileURLWithPath: path))))
            if verdict.state == "error" {
                // The SDK's Reader refuses the file: ailabel reads it and calls it Invalid, saying why.
                #expect(report.state == .invalid && !report.failures.isEmpty, "\(testCase.name) (\(testCase.rule)): ailabel \(report.state) \(report.failures)")
                continue
            }
            #expect(report.state.rawValue == verdict.state, "\(testCase.name) (\(testCase.rule)): ailabel \(report.state) \(report.failures)")
            #expect(report.failureCodes == Array(Set(verdict.failure)).sorted(),
                    "\(testCase.name) (\(testCase.rule)): ailabel \(report.failureCodes), the SDK \(verdict.failure)")
        }
    }

    /// An update manifest whose one actions assertion declares `actions`.
    static func updateStatuses(_ actions: [String]) -> [ValidationStatus] {
        let box = ManifestBuilder.cborAssertion(label: "c2pa.actions.v2", content: .textMap([
            ("actions", .array(actions.map { .textMap([("action", .text($0))]) })),
        ]))
        var budget = ManifestStore.maximumItems
        let assertion = AssertionBox(box: box, itemBudget: &budget)
        var builder = ManifestBuilder(label: "urn:c2pa:update")
        builder.add(box)
        var manifestBox = builder.manifestBox(claimBytes: [0xA0], signatureBytes: [0xF6])
        manifestBox.description.typeUUID = JUMBFDescription.c2paType("c2um")
        var manifestBudget = ManifestStore.maximumItems
        let manifest = Manifest(box: manifestBox, itemBudget: &manifestBudget)
        var statuses: [ValidationStatus] = []
        let store = ManifestStore(manifests: [manifest], encodedBytes: [])
        ManifestValidator().checkActions(assertion, isFirst: true, context: .init(manifest, claimVersion: 2, store: store, memo: .init()),
                                         url: "u", statuses: &statuses)
        return statuses
    }

    @Test("An update manifest may only edit metadata, open, publish or redact (manifest.update.invalid otherwise, as the SDK reads a re-signed c2pa.converted)")
    func updateManifestActions() {
        #expect(Self.updateStatuses(["c2pa.published", "c2pa.edited.metadata", "c2pa.redacted"]).isEmpty)
        let statuses = Self.updateStatuses(["c2pa.published", "c2pa.converted"])
        #expect(statuses.map(\.code) == [.manifestUpdateInvalid])
        #expect(statuses.first?.explanation.contains("c2pa.converted") == true)
    }
}
