import AILabelKit
import AILabelManifest
import AILabelMedia
import AILabelTestSupport
import AILabelVerify
import AILabelVocabulary
import Foundation
import Testing

/// The C2PA Asset Rubrics signals: ailabel's evaluation (ProvenanceSignal) against the rubric's rules
/// evaluated by Fixtures/c2pa/rubric.py on the reference SDK's crJSON, manifest by manifest, on the
/// signal fixtures (made by Fixtures/c2pa/make_signal_fixtures.py), the SDK fixtures, files ailabel
/// signs, and the real files in ../shared/wild (skipped, and said so, when absent); then what verify
/// reports of them.
@Suite("C2PA Asset Rubrics signals, as the rubric evaluates them", .serialized)
struct SignalTests {
    static let signalsRubric = Repository.root().appendingPathComponent("../shared/conformance/asset-rubric-signals-local.yml").standardizedFileURL.path
    static let wild = Repository.root().appendingPathComponent("../shared/wild/files").standardizedFileURL

    /// rubric.py's signals per manifest label, or nil when the SDK cannot read the file.
    static func rubricSignals(_ path: String) throws -> [String: [String]]? {
        let result = try ProcessRunner.run(Repository.python, [
            Repository.root().appendingPathComponent("Fixtures/c2pa/rubric.py").path, "signals", path, "--rubric", signalsRubric,
        ])
        guard result.status == 0 else { return nil }
        struct Output: Decodable {
            struct Manifest: Decodable { var label: String?; var signals: [String] }
            var manifests: [Manifest]
            var unimplemented: [String]
        }
        let output = try JSONDecoder().decode(Output.self, from: result.stdoutData)
        #expect(output.unimplemented.isEmpty, "signal rules rubric.py does not implement: \(output.unimplemented)")
        var out: [String: [String]] = [:]
        for manifest in output.manifests { if let label = manifest.label { out[label] = manifest.signals } }
        return out
    }

    /// ailabel's signals per manifest label: the active manifest and every ingredient manifest it holds.
    static func ailabelSignals(_ bytes: [UInt8]) -> [String: [String]] {
        var out: [String: [String]] = [:]
        func walk(_ summary: ManifestSummary?, depth: Int) {
            guard let summary, depth < 16 else { return }
            out[summary.label] = summary.signals.map(\.rubricID)
            for ingredient in summary.ingredients { walk(ingredient.validation?.activeManifest, depth: depth + 1) }
        }
        walk(ManifestValidator(trust: .none).validate(asset: bytes).activeManifest, depth: 0)
        return out
    }

    /// Compares every manifest both sides read; returns how many were compared.
    @discardableResult
    static func compare(_ path: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> Int {
        guard let expected = try rubricSignals(path) else { return 0 }
        let ours = ailabelSignals(try FileReader.read(path))
        var compared = 0
        for (label, signals) in ours {
            guard let reference = expected[label] else { continue }
            #expect(signals == reference, "\(URL(fileURLWithPath: path).lastPathComponent) \(label)", sourceLocation: sourceLocation)
            compared += 1
        }
        return compared
    }

    static let signalFixtures = ["firefly-like.jpg", "generative-fill.jpg", "partner-model.jpg", "partly-ai.jpg", "composite.jpg", "screen-capture.jpg", "camera.jpg"]

    @Test("ailabel's signals equal the rubric's on the signal fixtures and the SDK fixtures")
    func fixtures() throws {
        guard FileManager.default.fileExists(atPath: Self.signalsRubric) else {
            print("SignalTests: skipped, \(Self.signalsRubric) is absent")
            return
        }
        var compared = 0
        for name in Self.signalFixtures { compared += try Self.compare(Repository.fixture("c2pa/signals/" + name).path) }
        for name in ["signed.jpg", "signed.png", "signed-with-parent.jpg", "signed-ps256.jpg"] {
            compared += try Self.compare(Repository.fixture("c2pa/sdk/" + name).path)
        }
        #expect(compared >= 12, "manifests compared: \(compared)")
        // The stored expectations (what the SDK's crJSON gave when the fixtures were made) still hold.
        for name in Self.signalFixtures {
            let stored = try JSONSerialization.jsonObject(with: Data(contentsOf: Repository.fixture("c2pa/signals/\(name).expected.json"))) as? [String: Any]
            let first = ((stored?["manifests"] as? [[String: Any]])?.first?["signals"] as? [String]) ?? []
            let ours = ManifestValidator(trust: .none).validate(asset: try Repository.fixtureBytes("c2pa/signals/" + name)).activeManifest?.signals.map(\.rubricID)
            #expect(ours == first, "\(name)")
        }
    }

    @Test("ailabel's signals equal the rubric's on every real file in ../shared/wild the SDK reads")
    func wildFiles() throws {
        guard FileManager.default.fileExists(atPath: Self.signalsRubric), FileManager.default.fileExists(atPath: Self.wild.path) else {
            print("SignalTests: skipped, ../shared/wild or the rubric is absent")
            return
        }
        let files = try FileManager.default.contentsOfDirectory(atPath: Self.wild.path)
            .filter { [".jpg", ".jpeg", ".png"].contains(where: $0.lowercased().hasSuffix) }.sorted()
        var compared = 0
        for file in files { compared += try Self.compare(Self.wild.appendingPathComponent(file).path) }
        print("SignalTests: \(compared) manifests of \(files.count) real files compared with the rubric")
        #expect(compared >= 50)
    }

    @Test("verify reports the signals as AI evidence classes; Adobe's vendor parameter on c2pa.opened counts as AI evidence")
    func verifyReports() throws {
        let verifier = Verifier(options: VerifyOptions(profile: try Profile.load("kz"), scan: .metadata))
        func report(_ name: String) -> FileReport { verifier.verify(path: Repository.fixture("c2pa/signals/" + name).path) }

        let firefly = report("firefly-like.jpg")
        #expect(firefly.c2pa?.aiClass == "generative-ai")
        #expect(firefly.c2pa?.signals?.contains { $0.signal == "inception:signal_fullyGenAIMedia" && $0.active && $0.aiEvidence == "generative-ai" } == true)
        #expect(firefly.aiEvidence.contains { $0.detail.contains("fullyGenAIMedia") })

        let fill = report("generative-fill.jpg")
        #expect(fill.c2pa?.aiClass == "generative-ai")
        #expect(fill.aiEvidence.contains { $0.detail.contains("perceptibleGenAI") })
        #expect(fill.c2pa?.signals?.contains { $0.signal == "inception:signal_mediaUnknownProvenance" && $0.aiEvidence == nil } == true)

        // No rubric signal fires on c2pa.opened with a vendor parameter; the parameter itself is the evidence.
        let partner = report("partner-model.jpg")
        #expect(partner.aiEvidence.contains { $0.detail.contains("com.adobe.digitalSourceType") && $0.detail.contains("trainedAlgorithmicMedia") }, "\(partner.aiEvidence)")
        #expect(partner.verdict != .noAIEvidence)

        let composite = report("composite.jpg")
        #expect(composite.c2pa?.aiClass == "possibly-generative-ai")
        #expect(composite.findings.contains { $0.code == "c2pa.signal.possibly-ai" })
        #expect(!composite.aiEvidence.contains { $0.detail.contains("signal") })

        let camera = report("camera.jpg")
        #expect(camera.c2pa?.aiClass == nil)
        #expect(camera.c2pa?.signals?.contains { $0.signal == "inception:signal_capturedMedia" } == true)
        #expect(camera.verdict == .noAIEvidence)

        // The JSON report carries them.
        let json = try ReportRenderer.json(firefly, pretty: false)
        #expect(json.contains("\"aiClass\":\"generative-ai\"") && json.contains("inception:signal_fullyGenAIMedia"))
    }
}
