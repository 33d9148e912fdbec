import AILabelTestSupport
import Foundation
import Testing

/// WebP pixels end to end: `--visible --watermark` on lossy, lossless, alpha, ICC and animated WebP;
/// verify finds the badge and the watermark, the reference SDK reads the signed result as Trusted,
/// and the animation keeps its frames, timing and loop count (read by Pillow and webpinfo, not by ailabel).
@Suite("WebP pixel marks through stamp and verify")
struct WebPPixelCLITests {
    static let fixtures = ["pixels-lossy.webp", "pixels-lossless.webp", "pixels-alpha.webp", "pixels-animated.webp"]

    @Test("Badge and watermark on every kind of WebP: verify finds both, the SDK says Trusted, kind and animation are kept")
    func marksOnWebP() throws {
        let workspace = try StampWorkspace(fixtures: (Self.fixtures + ["pixels-icc.webp"]).map { "media/" + $0 })
        defer { workspace.remove() }
        let output = workspace.output
        let stamp = try ProcessRunner.ailabel(
            ["stamp", workspace.input.path, "--out", output.path, "--json", "--visible", "--watermark"] + workspace.signingArguments)
        #expect(stamp.status == 0, "\(stamp.stderr)")
        for line in stamp.stdout.split(separator: "\n") {
            let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            let name = ((object["path"] as? String ?? "") as NSString).lastPathComponent
            let layers = object["layers"] as? [String] ?? []
            #expect(layers.contains("visible") && layers.contains("c2pa"), "\(name): \(layers)")
            if Self.fixtures.contains(name) { #expect(layers.contains("watermark"), "\(name): \(layers) \(object["warnings"] ?? "")") }
        }

        let trust = workspace.trustAnchors
        let verify = try ProcessRunner.ailabel(["verify", output.path, "--profile", "eu", "--trust", trust, "--format", "json", "--scan", "full"])
        let files = try #require((try JSONSerialization.jsonObject(with: verify.stdoutData) as? [String: Any])?["files"] as? [[String: Any]])
        for file in files {
            let name = ((file["path"] as? String ?? "") as NSString).lastPathComponent
            #expect(file["verdict"] as? String == "compliant", "\(name)")
            let intact = Set((file["disclosures"] as? [[String: Any]] ?? []).filter { $0["intact"] as? Bool == true }.compactMap { $0["kind"] as? String })
            #expect(intact.contains("visible") && intact.contains("c2pa"), "\(name): \(intact)")
            if Self.fixtures.contains(name) { #expect(intact.contains("watermark"), "\(name): \(intact)") }
            let sdk = try ProcessRunner.run(Repository.python, [
                Repository.root().appendingPathComponent("Fixtures/c2pa/referee.py").path, "read", file["path"] as? String ?? "", "--trust", trust,
            ])
            let verdict = try #require(try JSONSerialization.jsonObject(with: sdk.stdoutData) as? [String: Any], "\(sdk.stderr)")
            #expect(verdict["state"] as? String == "Trusted" && (verdict["failure"] as? [String])?.isEmpty == true, "\(name): \(verdict)")
        }

        // Pillow reads the kinds back: lossless stays lossless, alpha stays, the animation keeps 3 frames, timing, loop, ICC.
        let probe = """
            import json, sys
            from PIL import Image
            out = {}
            for path in sys.argv[1:]:
                image = Image.open(path)
                frames = getattr(image, "n_frames", 1)
                out[path.rsplit("/", 1)[-1]] = {"mode": image.mode, "frames": frames,
                    "loop": image.info.get("loop"), "icc": "icc_profile" in image.info,
                    "lossless": open(path, "rb").read().find(b"VP8L") >= 0}
            print(json.dumps(out))
            """
        let paths = (Self.fixtures + ["pixels-icc.webp"]).map { output.appendingPathComponent($0).path }
        let pillow = try ProcessRunner.run(Repository.python, ["-c", probe] + paths)
        let kinds = try #require(try JSONSerialization.jsonObject(with: pillow.stdoutData) as? [String: [String: Any]], "\(pillow.stderr)")
        #expect(kinds["pixels-lossless.webp"]?["lossless"] as? Bool == true)
        #expect(kinds["pixels-lossy.webp"]?["lossless"] as? Bool == false)
        #expect(kinds["pixels-alpha.webp"]?["mode"] as? String == "RGBA")
        #expect(kinds["pixels-animated.webp"]?["frames"] as? Int == 3)
        #expect(kinds["pixels-animated.webp"]?["loop"] as? Int == 2)
        // Pillow does not report per-frame durations: libwebp's webpinfo reads the ANMF chunks.
        let info = try ProcessRunner.run("webpinfo", [output.appendingPathComponent("pixels-animated.webp").path])
        let durations = info.stdout.split(separator: "\n").filter { $0.contains("Duration:") }.compactMap { Int($0.split(separator: ":").last?.trimmingCharacters(in: .whitespaces) ?? "") }
        #expect(durations == [100, 150, 200], "\(info.stdout)")
        #expect(kinds["pixels-icc.webp"]?["icc"] as? Bool == true, "the ICC profile is carried")
    }
}
