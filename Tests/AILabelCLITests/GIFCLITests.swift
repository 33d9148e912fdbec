import AILabelTestSupport
import Foundation
import Testing

/// GIF end to end through the CLI: stamp with every layer (the badge and the watermark on every frame,
/// re-quantised to a palette), read back by exiftool and by verify, a tamper caught, a TC260 label
/// another tool put in a comment read, and a re-stamp left as it is.
@Suite("GIF through stamp, inspect and verify")
struct GIFCLITests {
    static let fixtures = ["still.gif", "animated.gif", "animated-large.gif", "partial-frames.gif", "interlaced.gif", "xmp.gif", "aigc-comment.gif"]

    @Test("Stamped and signed GIF with every layer: exiftool reads DigitalSourceType, verify finds the label, the watermark and the manifest, a tamper is invalid")
    func stampInspectVerify() throws {
        let folder = try Repository.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let keys = folder.appendingPathComponent("keys")
        #expect(try ProcessRunner.ailabel(["keys", "init", keys.path]).status == 0)
        let input = folder.appendingPathComponent("in")
        try FileManager.default.createDirectory(at: input, withIntermediateDirectories: true)
        for name in Self.fixtures {
            try FileManager.default.copyItem(at: Repository.fixture("media/" + name), to: input.appendingPathComponent(name))
        }
        let signing = ["--sign-key", keys.appendingPathComponent("signer.key").path, "--sign-chain", keys.appendingPathComponent("signer-chain.pem").path]
        let output = folder.appendingPathComponent("out")
        let stamp = try ProcessRunner.ailabel(["stamp", input.path, "--out", output.path, "--json", "--profile", "eu", "--visible"] + signing)
        #expect(stamp.status == 0, "\(stamp.stderr)")
        var results: [String: [String: Any]] = [:]
        for line in stamp.stdout.split(separator: "\n") {
            guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any], let path = object["path"] as? String else { continue }
            results[(path as NSString).lastPathComponent] = object
        }
        for name in Self.fixtures {
            let result = try #require(results[name], "\(name): \(stamp.stdout)")
            #expect(result["format"] as? String == "gif", "\(name)")
            let layers = result["layers"] as? [String] ?? []
            #expect(layers.contains("visible") && layers.contains("c2pa") && layers.contains("tc260"), "\(name): \(layers)")
            #expect(!layers.contains("exif"), "a GIF carries no EXIF")
        }
        // 256×192 frames carry the badge and the watermark through the palette on every frame: claimed.
        #expect((results["animated-large.gif"]?["layers"] as? [String])?.contains("watermark") == true, "\(results["animated-large.gif"] ?? [:])")
        // On 160×128 frames the badge and the 256-colour palette may leave too little of it on some frame
        // (it depends on the badge's size and the payload): then it is said, never claimed.
        for name in ["animated.gif", "partial-frames.gif"] where (results[name]?["layers"] as? [String])?.contains("watermark") != true {
            #expect((results[name]?["warnings"] as? [String] ?? []).contains("no watermark mark: it could not be read back after re-encoding as GIF"),
                    "\(name): \(results[name] ?? [:])")
        }
        // The stills are too small for it: a warning for the file, not a layer.
        let stillWarnings = results["still.gif"]?["warnings"] as? [String] ?? []
        #expect(stillWarnings.contains { $0.hasPrefix("no watermark: the image is 96×64") }, "\(stillWarnings)")
        // The comment's TC260 label gives way to the one in XMP.
        #expect((results["aigc-comment.gif"]?["warnings"] as? [String] ?? []).contains { $0.contains("comment holding an AIGC label") })

        for name in Self.fixtures {
            let path = output.appendingPathComponent(name).path
            let exif = try ProcessRunner.run("exiftool", ["-j", "-XMP-iptcExt:DigitalSourceType", "-XMP-dc:Creator", "-FrameCount", "-Comment", path])
            #expect(exif.status == 0, "\(exif.stderr)")
            let object = try #require((try JSONSerialization.jsonObject(with: exif.stdoutData) as? [[String: Any]])?.first)
            #expect((object["DigitalSourceType"] as? String)?.hasSuffix("trainedAlgorithmicMedia") == true, "\(name): \(object)")
            if name == "xmp.gif" { #expect(object["Creator"] as? String == "GIF Fixture Author", "the owner's XMP is merged, not replaced") }
            if name == "animated.gif" { #expect(object["FrameCount"] as? Int == 4, "every frame is kept") }
            if name == "aigc-comment.gif" { #expect(object["Comment"] == nil, "the loose comment label is gone") }
            let validate = try ProcessRunner.run("exiftool", ["-validate", "-warning", "-error", "-a", "-j", path])
            #expect(validate.stdout.contains("\"Validate\": \"OK\""), "\(name): \(validate.stdout)")
        }

        let inspect = try ProcessRunner.ailabel(["inspect", "--json", output.appendingPathComponent("animated.gif").path])
        #expect(inspect.status == 0, "\(inspect.stderr)")
        let report = try #require((try JSONSerialization.jsonObject(with: inspect.stdoutData) as? [[String: Any]])?.first)
        #expect(report["format"] as? String == "gif")
        let blocks = try #require(report["blocks"] as? [[String: Any]])
        #expect(blocks.count > 3 && blocks[2]["kind"] as? String == "c2pa", "the store follows the screen descriptor")
        let coding = try #require(report["gif"] as? [String: Any])
        #expect(coding["frames"] as? Int == 4 && coding["loopCount"] as? Int == 0)

        let trust = keys.appendingPathComponent("trust-anchors.pem").path
        let verify = try ProcessRunner.ailabel(["verify", output.path, "--profile", "eu", "--trust", trust, "--format", "json", "--scan", "full"])
        let files = try #require((try JSONSerialization.jsonObject(with: verify.stdoutData) as? [String: Any])?["files"] as? [[String: Any]])
        #expect(files.count == Self.fixtures.count, "no GIF is skipped")
        for file in files {
            #expect(file["format"] as? String == "gif")
            #expect(file["verdict"] as? String == "compliant", "\(file)")
            let sources = (file["aiEvidence"] as? [[String: Any]] ?? []).compactMap { $0["source"] as? String }
            #expect(sources.contains("c2pa") && sources.contains("iptc"), "\(file)")
            // A claimed watermark is one verify reads back from the re-quantised frames.
            let name = ((file["path"] as? String ?? "") as NSString).lastPathComponent
            if (results[name]?["layers"] as? [String])?.contains("watermark") == true {
                #expect(sources.contains("watermark:ailabel"), "\(name): the claimed watermark is read back: \(sources)")
            }
        }

        // One byte of the image data changed after signing: the C2PA binding no longer holds.
        let tamperedPath = output.appendingPathComponent("still.gif").path
        var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: tamperedPath)))
        bytes[bytes.count - 5] ^= 0x10
        try Data(bytes).write(to: URL(fileURLWithPath: tamperedPath))
        let tampered = try ProcessRunner.ailabel(["verify", tamperedPath, "--profile", "eu", "--trust", trust, "--format", "json"])
        #expect(tampered.stdout.contains("assertion.dataHash.mismatch"), "\(tampered.stdout)")

        // Re-stamping a stamped file leaves it as it is: the marks are not drawn twice.
        let restamped = output.appendingPathComponent("animated-large.gif").path
        let before = try Data(contentsOf: URL(fileURLWithPath: restamped))
        let again = try ProcessRunner.ailabel(["stamp", restamped, "--in-place", "--json", "--profile", "eu", "--visible"] + signing)
        #expect(again.status == 0, "\(again.stderr)")
        #expect(again.stdout.contains("\"status\":\"unchanged\""), "\(again.stdout)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: restamped)) == before)
    }

    @Test("A TC260 label another tool put in a GIF comment extension is read by verify and shown by inspect")
    func commentLabel() throws {
        let path = Repository.fixture("media/aigc-comment.gif").path
        let verify = try ProcessRunner.ailabel(["verify", path, "--profile", "cn", "--format", "json"])
        let file = try #require(((try JSONSerialization.jsonObject(with: verify.stdoutData) as? [String: Any])?["files"] as? [[String: Any]])?.first)
        let evidence = (file["aiEvidence"] as? [[String: Any]] ?? [])
        #expect(evidence.contains { ($0["source"] as? String) == "tc260" && (($0["detail"] as? String) ?? "").contains("GIF comment") }, "\(file)")
        let inspect = try ProcessRunner.ailabel(["inspect", path])
        #expect(inspect.stdout.contains("comment: AIGC{\"Label\":\"1\""), "\(inspect.stdout)")
    }
}
