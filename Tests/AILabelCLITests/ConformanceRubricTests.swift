import AILabelTestSupport
import Foundation
import Testing

/// Every manifest ailabel writes passes the C2PA conformance program's asset rubric for spec 2.4
/// (../shared/conformance/asset-rubric-conformance0.2-spec2.4.yml, beside the repository as in CI),
/// evaluated by Fixtures/c2pa/rubric.py on the reference SDK's crJSON of the stamped file.
@Suite("C2PA conformance rubric (spec 2.4) on what ailabel signs", .serialized)
struct ConformanceRubricTests {
    static let conformance = Repository.root().appendingPathComponent("../shared/conformance").standardizedFileURL
    static let rubric = conformance.appendingPathComponent("asset-rubric-conformance0.2-spec2.4.yml").path
    static let signalsRubric = conformance.appendingPathComponent("asset-rubric-signals-local.yml").path
    static let script = Repository.root().appendingPathComponent("Fixtures/c2pa/rubric.py").path

    /// The rubric's verdict on one file: failed rule ids and ids the checker does not implement.
    struct Verdict: Decodable {
        struct Rule: Decodable { var passed: Bool; var warning: Bool }
        var rules: [String: Rule]
        var failed: [String]
        var unimplemented: [String]
    }

    static func evaluate(_ asset: String, crjson: String? = nil) throws -> (Verdict, String) {
        var arguments = [script, "conformance", asset, "--rubric", rubric]
        if let crjson { arguments += ["--crjson", crjson] }
        let result = try ProcessRunner.run(Repository.python, arguments)
        guard result.status == 0 else {
            Issue.record("rubric.py failed on \(asset): \(result.stderr)")
            throw CancellationError()
        }
        return (try JSONDecoder().decode(Verdict.self, from: result.stdoutData), result.stdout)
    }

    /// Stamps `source` in each mode with a fresh test PKI and returns (mode, stamped path).
    static func stampInEveryMode(in folder: URL) throws -> [(mode: String, path: String)] {
        let keys = folder.appendingPathComponent("keys")
        #expect(try ProcessRunner.ailabel(["keys", "init", keys.path]).status == 0)
        let signer = ["--sign-key", keys.appendingPathComponent("signer.key").path,
                      "--sign-chain", keys.appendingPathComponent("signer-chain.pem").path,
                      "--time", "2026-08-01T12:00:00Z"]
        let jpeg = Repository.fixture("media/photo-640x480.jpg").path
        let png = Repository.fixture("media/alpha.png").path
        let modes: [(String, String, [String])] = [
            ("plain", jpeg, ["--no-visible"]),
            ("plain-png", png, ["--no-visible"]),
            ("visible", jpeg, ["--visible"]),
            ("watermark", jpeg, ["--no-visible", "--watermark"]),
            ("visible-watermark-png", png, ["--visible", "--watermark"]),
            ("deepfake", jpeg, ["--no-visible", "--deepfake"]),
            ("foreign-parent", Repository.fixture("c2pa/sdk/signed.jpg").path, ["--no-visible"]),
        ]
        var out: [(String, String)] = []
        for (mode, source, options) in modes {
            let target = folder.appendingPathComponent(mode)
            let result = try ProcessRunner.ailabel(["stamp", source, "--out", target.path] + signer + options)
            #expect(result.status == 0, "\(mode): \(result.stderr)")
            out.append((mode, target.appendingPathComponent(URL(fileURLWithPath: source).lastPathComponent).path))
        }
        // Re-stamp of a file ailabel signed (its own manifest is replaced; a foreign one, above, becomes the ingredient).
        let again = folder.appendingPathComponent("restamp")
        let restamp = try ProcessRunner.ailabel(["stamp", out[0].1, "--out", again.path, "--no-visible"] + signer)
        #expect(restamp.status == 0, "restamp: \(restamp.stderr)")
        out.append(("restamp", again.appendingPathComponent("photo-640x480.jpg").path))
        return out
    }

    @Test("Manifests ailabel signs in every stamping mode pass every rule of the rubric")
    func everyMode() throws {
        guard FileManager.default.fileExists(atPath: Self.rubric) else {
            print("ConformanceRubricTests: skipped, \(Self.rubric) is absent (../shared beside the repository)")
            return
        }
        let folder = try Repository.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        for (mode, path) in try Self.stampInEveryMode(in: folder) {
            // The reference SDK's crJSON of the file, then ailabel's own (inspect --crjson).
            let own = folder.appendingPathComponent("\(mode).crjson.json")
            let inspect = try ProcessRunner.ailabel(["inspect", "--crjson", path])
            #expect(inspect.status == 0, "\(mode): \(inspect.stderr)")
            try inspect.stdoutData.write(to: own)
            for (source, crjson) in [("sdk", nil as String?), ("ailabel", own.path)] {
                let (verdict, raw) = try Self.evaluate(path, crjson: crjson)
                #expect(verdict.unimplemented.isEmpty, "rules the checker does not implement: \(verdict.unimplemented)")
                #expect(verdict.rules.count >= 31, "\(mode) \(source): \(verdict.rules.count) rules evaluated")
                #expect(verdict.failed.isEmpty, "\(mode) \(source): \(raw)")
                #expect(!verdict.rules.values.contains { !$0.passed && $0.warning }, "\(mode) \(source) warns: \(raw)")
            }
        }
    }

    @Test("The checker fails what the rubric fails: the SDK fixtures lack specVersion and allActionsIncluded")
    func checkerBites() throws {
        guard FileManager.default.fileExists(atPath: Self.rubric) else {
            print("ConformanceRubricTests: skipped, \(Self.rubric) is absent")
            return
        }
        let (plain, _) = try Self.evaluate(Repository.fixture("c2pa/sdk/signed.jpg").path)
        #expect(Set(plain.failed) == ["validation:mandatory_spec_version", "validation:mandatory_all_actions_included",
                                      "validation:inception_action_position"])
        let (parent, _) = try Self.evaluate(Repository.fixture("c2pa/sdk/signed-with-parent.jpg").path)
        #expect(parent.failed.contains("validation:all_actions_included_opened"))
    }
}
