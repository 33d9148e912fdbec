import AILabelMedia
import AILabelTestSupport
import Foundation
import Testing

@Suite("ailabel verify, run as a user runs it")
struct VerifyCLITests {
    /// Golden files: rerun with AILABEL_UPDATE_GOLDEN=1 to rewrite them after an intended change, then review the diff.
    static let formats: [(format: String, file: String)] = [
        ("text", "verify.txt"), ("json", "verify.json"), ("jsonl", "verify.jsonl"), ("sarif", "verify.sarif"), ("junit", "verify.junit.xml"),
    ]

    @Test("Each output format matches its golden file", arguments: formats.map(\.format))
    func golden(format: String) throws {
        let file = Self.formats.first { $0.format == format }!.file
        let result = try ProcessRunner.ailabel(
            ["verify", "Fixtures/verify", "--format", format, "--jobs", "2", "--scan", "metadata"], directory: Repository.root())
        #expect(result.status == 1, "the fixtures include failing verdicts")
        let goldenURL = Repository.root().appendingPathComponent("Tests/AILabelCLITests/Snapshots/\(file)")
        var output = result.stdout
        if format == "jsonl" {
            // JSON Lines come as files finish; compare them in path order.
            output = output.split(separator: "\n").sorted().joined(separator: "\n") + "\n"
        }
        if ProcessInfo.processInfo.environment["AILABEL_UPDATE_GOLDEN"] == "1" {
            try output.write(to: goldenURL, atomically: true, encoding: .utf8)
        }
        let golden = try String(contentsOf: goldenURL, encoding: .utf8)
        #expect(output == golden)
    }

    @Test("JSON has the documented fields and vocabularies")
    func jsonSchema() throws {
        let result = try ProcessRunner.ailabel(["verify", "Fixtures/verify", "--format", "json", "--scan", "metadata"], directory: Repository.root())
        let document = try #require(try JSONSerialization.jsonObject(with: result.stdoutData) as? [String: Any])
        let files = try #require(document["files"] as? [[String: Any]])
        let sources: Set<String> = ["c2pa", "iptc", "tc260", "exif", "watermark:ailabel", "watermark:stable-diffusion", "sidecar"]
        let kinds: Set<String> = ["iptc", "tc260", "c2pa", "ailabel-xmp", "visible", "watermark", "sidecar"]
        for file in files {
            for key in ["path", "format", "verdict", "aiEvidence", "disclosures", "c2pa", "findings"] { #expect(file.keys.contains(key), "\(key)") }
            for evidence in file["aiEvidence"] as? [[String: Any]] ?? [] {
                let source = evidence["source"] as? String ?? ""
                #expect(sources.contains(source) || source.hasPrefix("generator:"), "\(source)")
            }
            for disclosure in file["disclosures"] as? [[String: Any]] ?? [] {
                #expect(kinds.contains(disclosure["kind"] as? String ?? ""))
                #expect(disclosure["intact"] is Bool)
            }
        }
        let summary = try #require(document["summary"] as? [String: Any])
        #expect(summary["skipped"] as? Int == 1, "notes.txt is skipped, not unreadable")
    }

    @Test("Exit status follows --fail-on; bad usage exits 64")
    func exitStatus() throws {
        let root = Repository.root()
        #expect(try ProcessRunner.ailabel(["verify", "Fixtures/verify/plain.jpg", "Fixtures/verify/label-iptc-exiftool.jpg"], directory: root).status == 0)
        #expect(try ProcessRunner.ailabel(["verify", "Fixtures/verify/gen-comfyui.png"], directory: root).status == 1)
        #expect(try ProcessRunner.ailabel(["verify", "Fixtures/verify/gen-comfyui.png", "--fail-on", "unreadable"], directory: root).status == 0)
        #expect(try ProcessRunner.ailabel(["verify", "Fixtures/verify", "--fail-on", "nonsense"], directory: root).status == 64)
        #expect(try ProcessRunner.ailabel(["verify", "Fixtures/verify", "--profile", "xx"], directory: root).status == 64)
        #expect(try ProcessRunner.ailabel(["verify"], directory: root).status == 64)
    }

    // The HTML report's tests, headless Chromium's screenshots included, are in HTMLReportTests.

    @Test("Paths from standard input, JSON Lines as files finish")
    func stdinAndStreaming() throws {
        let result = try ProcessRunner.ailabel(
            ["verify", "-", "--format", "jsonl"], stdin: Data("Fixtures/verify/plain.png\nFixtures/verify/gen-novelai.png\n".utf8), directory: Repository.root())
        let lines = result.stdout.split(separator: "\n")
        #expect(lines.count == 2)
        #expect(result.status == 1)
    }
}
