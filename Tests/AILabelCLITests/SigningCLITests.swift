import AILabelTestSupport
import Foundation
import Testing

@Suite("Signing from the command line, the environment and the config file")
struct SigningCLITests {
    @Test("keys init makes a PKI; the signer comes from options, environment or config; the output is Trusted")
    func signerSources() throws {
        let folder = try Repository.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let keys = folder.appendingPathComponent("keys")
        let initResult = try ProcessRunner.ailabel(["keys", "init", keys.path])
        #expect(initResult.status == 0, "\(initResult.stderr)")
        let attributes = try FileManager.default.attributesOfItem(atPath: keys.appendingPathComponent("signer.key").path)
        #expect((attributes[.posixPermissions] as? Int) == 0o600)
        #expect(try ProcessRunner.ailabel(["keys", "init", keys.path]).status != 0, "existing keys are never overwritten")

        let image = Repository.fixture("media/photo-640x480.jpg").path
        let key = keys.appendingPathComponent("signer.key").path
        let chain = keys.appendingPathComponent("signer-chain.pem").path
        let trust = keys.appendingPathComponent("trust-anchors.pem").path

        let viaEnvironment = try ProcessRunner.ailabel(
            ["stamp", image, "--out", folder.appendingPathComponent("env").path, "--json"],
            environment: ["AILABEL_SIGN_KEY": key, "AILABEL_SIGN_CHAIN": chain])
        #expect(viaEnvironment.status == 0, "\(viaEnvironment.stderr)")
        #expect(viaEnvironment.stdout.contains("\"signed\":true"))

        let config = folder.appendingPathComponent("ailabel.toml")
        try """
            [label]
            producer = "Config Producer"
            producer_id = "CFG-001"
            languages = ["kk", "ru"]

            [signer]
            key = "keys/signer.key"
            chain = "keys/signer-chain.pem"

            [trust]
            anchors = ["keys/trust-anchors.pem"]
            """.write(to: config, atomically: true, encoding: .utf8)
        let out = folder.appendingPathComponent("config")
        let viaConfig = try ProcessRunner.ailabel(["stamp", image, "--out", out.path, "--config", config.path])
        #expect(viaConfig.status == 0, "\(viaConfig.stderr)")
        let stamped = out.appendingPathComponent("photo-640x480.jpg").path
        let verify = try ProcessRunner.ailabel(["verify", stamped, "--config", config.path, "--require-trusted", "--format", "json"])
        #expect(verify.status == 0, "\(verify.stdout)")
        #expect(verify.stdout.contains("\"state\" : \"Trusted\""))
        let inspect = try ProcessRunner.ailabel(["inspect", "--json", stamped])
        #expect(inspect.stdout.contains("CFG-001") && inspect.stdout.contains("Config Producer"), "the config's [label] table was used")
        let viaTrustEnvironment = try ProcessRunner.ailabel(["verify", stamped, "--require-trusted"], environment: ["AILABEL_TRUST": trust])
        #expect(viaTrustEnvironment.status == 0)
        // Without trust anchors the manifest is Valid, not Trusted (the IPTC and TC260 layers still disclose).
        let untrusted = try ProcessRunner.ailabel(["verify", stamped, "--format", "json"])
        #expect(untrusted.stdout.contains("\"state\" : \"Valid\"") && untrusted.stdout.contains("c2pa.untrusted"))
    }

    @Test("A key that does not match its certificate is refused before any file is written")
    func mismatchedKey() throws {
        let folder = try Repository.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let out = folder.appendingPathComponent("out")
        let result = try ProcessRunner.ailabel([
            "stamp", Repository.fixture("media/photo.png").path, "--out", out.path,
            "--sign-key", Repository.fixture("c2pa/keys/untrusted-signer.key").path,
            "--sign-chain", Repository.fixture("c2pa/keys/fixtures-chain.pem").path,
        ])
        #expect(result.status == 64)
        #expect(result.stderr.contains("signer was refused"))
        #expect(!FileManager.default.fileExists(atPath: out.path))
    }

    @Test("Batch results are the same with --jobs 1 and --jobs 16")
    func jobsDoNotChangeResults() throws {
        let folder = try Repository.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        var outputs: [String] = []
        for jobs in ["1", "16"] {
            let out = folder.appendingPathComponent("out\(jobs)")
            let stamp = try ProcessRunner.ailabel(["stamp", Repository.fixture("media").path + "/", "--out", out.path, "--time", "2026-01-18T09:00:00Z", "--content-id", "fixed-id", "--jobs", jobs, "--json"])
            #expect(stamp.status == 0)
            let verify = try ProcessRunner.ailabel(["verify", Repository.fixture("verify").path, "--format", "json", "--jobs", jobs, "--scan", "metadata"])
            // Every pixel detector too, so that the concurrent decode and watermark paths are compared.
            let scanned = try ProcessRunner.ailabel(["verify", out.path, "--format", "json", "--jobs", jobs, "--scan", "full"])
            outputs.append(stamp.stdout.replacingOccurrences(of: out.path, with: "OUT") + verify.stdout
                + scanned.stdout.replacingOccurrences(of: out.path, with: "OUT"))
        }
        #expect(outputs[0] == outputs[1])
        for name in try FileManager.default.contentsOfDirectory(atPath: folder.appendingPathComponent("out1").path) {
            #expect(FileManager.default.contents(atPath: folder.appendingPathComponent("out1/\(name)").path)
                == FileManager.default.contents(atPath: folder.appendingPathComponent("out16/\(name)").path), "\(name)")
        }
    }
}
