import AILabelTestSupport
import Foundation
import Testing

/// WebP end to end through the CLI: stamp with a signer, read back by exiftool and by verify, a tamper
/// caught, and marks ailabel cannot draw in WebP said per file instead of claimed.
@Suite("WebP through stamp, inspect and verify")
struct WebPCLITests {
    static let fixtures = ["lossy.webp", "lossless.webp", "alpha.webp", "animated.webp", "metadata.webp"]

    @Test("Stamped and signed WebP: exiftool reads DigitalSourceType, the owner's XMP is kept, verify finds it compliant and a tamper invalid")
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
        let output = folder.appendingPathComponent("out")
        let stamp = try ProcessRunner.ailabel([
            "stamp", input.path, "--out", output.path, "--json", "--profile", "eu",
            "--sign-key", keys.appendingPathComponent("signer.key").path, "--sign-chain", keys.appendingPathComponent("signer-chain.pem").path,
        ])
        #expect(stamp.status == 0, "\(stamp.stderr)")
        for name in Self.fixtures {
            #expect(stamp.stdout.contains("\"format\":\"webp\""), "\(name)")
        }
        // eu asks for the watermark: these small WebP files cannot carry it, so each file says so.
        #expect(stamp.stdout.contains("no watermark: the image is 64×48, too small to carry it"), "\(stamp.stdout)")
        #expect(!stamp.stdout.contains("\"watermark\""), "no watermark layer is claimed")

        for name in Self.fixtures {
            let path = output.appendingPathComponent(name).path
            let exif = try ProcessRunner.run("exiftool", ["-j", "-XMP-iptcExt:DigitalSourceType", "-XMP-dc:Creator", path])
            #expect(exif.status == 0, "\(exif.stderr)")
            let object = try #require((try JSONSerialization.jsonObject(with: exif.stdoutData) as? [[String: Any]])?.first)
            #expect((object["DigitalSourceType"] as? String)?.hasSuffix("trainedAlgorithmicMedia") == true, "\(name): \(object)")
            if name == "metadata.webp" { #expect(object["Creator"] as? String == "WebP Fixture Author", "the owner's XMP is merged, not replaced") }
        }

        let inspect = try ProcessRunner.ailabel(["inspect", "--json", output.appendingPathComponent("lossy.webp").path])
        #expect(inspect.status == 0, "\(inspect.stderr)")
        let report = try #require((try JSONSerialization.jsonObject(with: inspect.stdoutData) as? [[String: Any]])?.first)
        #expect(report["format"] as? String == "webp")
        #expect((report["blocks"] as? [[String: Any]])?.last?["kind"] as? String == "c2pa", "the C2PA chunk is last")
        #expect((report["webp"] as? [String: Any])?["compression"] as? String == "lossy")

        let trust = keys.appendingPathComponent("trust-anchors.pem").path
        let verify = try ProcessRunner.ailabel(["verify", output.path, "--profile", "eu", "--trust", trust, "--format", "json"])
        let files = try #require((try JSONSerialization.jsonObject(with: verify.stdoutData) as? [String: Any])?["files"] as? [[String: Any]])
        #expect(files.count == Self.fixtures.count, "no WebP is skipped")
        for file in files {
            #expect(file["format"] as? String == "webp")
            #expect(file["verdict"] as? String == "compliant", "\(file)")
        }

        // One byte of the image data changed after signing: the C2PA binding no longer holds.
        let tamperedPath = output.appendingPathComponent("lossy.webp").path
        var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: tamperedPath)))
        bytes[40] ^= 0x10
        try Data(bytes).write(to: URL(fileURLWithPath: tamperedPath))
        let tampered = try ProcessRunner.ailabel(["verify", tamperedPath, "--profile", "eu", "--trust", trust, "--format", "json"])
        #expect(tampered.stdout.contains("assertion.dataHash.mismatch"), "\(tampered.stdout)")
        let tamperedFile = try #require((try JSONSerialization.jsonObject(with: tampered.stdoutData) as? [String: Any])?["files"] as? [[String: Any]])
        #expect(tamperedFile.first?["verdict"] as? String == "invalid-disclosure", "\(tamperedFile)")

        // Re-stamping a stamped file leaves it as it is (the watermark too small an image cannot carry is not waited for).
        let restamped = output.appendingPathComponent("alpha.webp").path
        let before = try Data(contentsOf: URL(fileURLWithPath: restamped))
        let again = try ProcessRunner.ailabel([
            "stamp", restamped, "--in-place", "--json", "--profile", "eu",
            "--sign-key", keys.appendingPathComponent("signer.key").path, "--sign-chain", keys.appendingPathComponent("signer-chain.pem").path,
        ])
        #expect(again.status == 0, "\(again.stderr)")
        #expect(again.stdout.contains("\"status\":\"unchanged\""), "\(again.stdout)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: restamped)) == before)
    }
}
