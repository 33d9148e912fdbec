import AILabelTestSupport
import Foundation
import Testing

/// `stamp --ocsp-staple` and `verify --ocsp-fetch` against a local OCSP responder
/// (Fixtures/ocsp/local_ocsp.py: `openssl ocsp -index` behind a small HTTP handler on 127.0.0.1, with
/// a good and a revoked signer whose certificates name it), started and stopped by each test; the
/// reference SDK reads the same files, asking the same responder when it fetches.
@Suite("OCSP stapling and fetching", .serialized)
struct OCSPCLITests {
    struct Referee: Decodable {
        var state: String?
        var failure: [String]
        var success: [String]
        var informational: [String]

        static func read(_ asset: String, trust: [String], fetch: Bool = false) throws -> Referee {
            var arguments = [Repository.fixture("c2pa/referee.py").path, "read", asset]
            for pem in trust { arguments += ["--trust", pem] }
            if fetch { arguments.append("--ocsp-fetch") }
            let result = try ProcessRunner.run(Repository.python, arguments)
            guard result.status == 0 else {
                Issue.record("referee.py failed: \(result.stderr)")
                throw CancellationError()
            }
            return try JSONDecoder().decode(Referee.self, from: result.stdoutData)
        }

        var codes: Set<String> { Set(failure + success + informational) }
    }

    /// A running local responder and its PKI; `stop()` kills it.
    final class LocalOCSP {
        let process = Process()
        let url: String
        let folder: URL

        init(folder: URL, mode: String = "ok") throws {
            self.folder = folder
            process.executableURL = URL(fileURLWithPath: Repository.python)
            process.arguments = [Repository.fixture("ocsp/local_ocsp.py").path, folder.path, "--mode", mode]
            let output = Pipe()
            process.standardOutput = output
            process.standardError = FileHandle.nullDevice
            try process.run()
            // The first line is the URL, printed once the PKI exists and the socket listens.
            var line: [UInt8] = []
            while let byte = try output.fileHandleForReading.read(upToCount: 1), let first = byte.first, first != 10 {
                line.append(first)
            }
            url = String(decoding: line, as: UTF8.self)
        }

        func path(_ name: String) -> String { folder.appendingPathComponent(name).path }
        var root: String { path("root.pem") }

        /// Arguments signing as `signer` (good, revoked) of this PKI.
        func signing(_ signer: String) -> [String] {
            ["--sign-key", path("signer-\(signer).key"), "--sign-chain", path("signer-\(signer)-chain.pem")]
        }

        /// SIGKILL, since SIGTERM may be ignored by what the test runner hands down.
        func stop() {
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
            process.waitUntilExit()
        }
    }

    static func verify(_ path: String, _ extra: [String]) throws -> (state: String?, codes: Set<String>, text: String) {
        let result = try ProcessRunner.ailabel(["verify", path, "--format", "json"] + extra)
        let json = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
        let file = (json?["files"] as? [[String: Any]])?.first
        let c2pa = file?["c2pa"] as? [String: Any]
        return (c2pa?["state"] as? String, Set(c2pa?["codes"] as? [String] ?? []), result.stdout + result.stderr)
    }

    @Test("--ocsp-staple embeds the good signer's response as c2pa.certificate-status: ailabel and the SDK read it as not revoked; a revoked signer is refused and nothing is written")
    func stapleRoundTrip() throws {
        let folder = try Repository.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let responder = try LocalOCSP(folder: folder.appendingPathComponent("pki"))
        defer { responder.stop() }
        #expect(responder.url.hasPrefix("http://127.0.0.1:"), "the local responder did not start: \(responder.url)")
        let out = folder.appendingPathComponent("out")
        let stamp = try ProcessRunner.ailabel(
            ["stamp", Repository.fixture("media/photo-640x480.jpg").path, "--out", out.path, "--ocsp-staple"] + responder.signing("good"))
        #expect(stamp.status == 0, "\(stamp.stderr)\(stamp.stdout)")
        // The same through the configuration file's [signer] ocsp_staple.
        let config = folder.appendingPathComponent("ailabel.toml")
        try """
            [signer]
            key = "\(responder.path("signer-good.key"))"
            chain = "\(responder.path("signer-good-chain.pem"))"
            ocsp_staple = true
            """.write(to: config, atomically: true, encoding: .utf8)
        let configured = try ProcessRunner.ailabel(["stamp", Repository.fixture("media/photo.png").path, "--out", out.path, "--config", config.path])
        #expect(configured.status == 0, "\(configured.stderr)\(configured.stdout)")
        for name in ["photo-640x480.jpg", "photo.png"] {
            let stamped = out.appendingPathComponent(name).path
            let ours = try Self.verify(stamped, ["--trust", responder.root])
            #expect(ours.state == "Trusted" && ours.codes.contains("signingCredential.ocsp.notRevoked"), "\(name): \(ours.text)")
            let sdk = try Referee.read(stamped, trust: [responder.root])
            #expect(sdk.state == "Trusted" && sdk.success.contains("signingCredential.ocsp.notRevoked"), "\(name): \(sdk)")
            #expect(ours.codes.filter { $0.contains("ocsp") } == sdk.codes.filter { $0.contains("ocsp") })
            // Without anchors the carried response is still read (c2pa-rs reads certificate-status
            // responses without judging the responder): not revoked, and the signer untrusted.
            let sdkNoTrust = try Referee.read(stamped, trust: [])
            let oursNoTrust = try Self.verify(stamped, [])
            #expect(sdkNoTrust.state == "Valid" && oursNoTrust.state == "Valid")
            #expect(oursNoTrust.codes.filter { $0.contains("ocsp") } == sdkNoTrust.codes.filter { $0.contains("ocsp") }, "\(oursNoTrust.codes) vs \(sdkNoTrust.codes)")
        }
        // The revoked signer: its responder says so, the file fails and is not written.
        let revokedOut = folder.appendingPathComponent("revoked")
        let revoked = try ProcessRunner.ailabel(
            ["stamp", Repository.fixture("media/photo-640x480.jpg").path, "--out", revokedOut.path, "--ocsp-staple"] + responder.signing("revoked"))
        #expect(revoked.status == 1 && (revoked.stdout + revoked.stderr).contains("is revoked"), "\(revoked.stdout)\(revoked.stderr)")
        #expect(!FileManager.default.fileExists(atPath: revokedOut.appendingPathComponent("photo-640x480.jpg").path))
    }

    @Test("--ocsp-staple with a responder that fails, answers garbage or is gone fails the file clearly and writes nothing; a certificate naming no responder is a usage error")
    func stapleFailures() throws {
        let folder = try Repository.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        for (mode, expected) in [("error", "HTTP 500"), ("garbage", "not an OCSP response"), ("gone", "could not be fetched")] {
            let responder = try LocalOCSP(folder: folder.appendingPathComponent(mode), mode: mode == "gone" ? "ok" : mode)
            if mode == "gone" { responder.stop() }
            defer { responder.stop() }
            let out = folder.appendingPathComponent("out-\(mode)")
            let stamp = try ProcessRunner.ailabel(
                ["stamp", Repository.fixture("media/photo-640x480.jpg").path, "--out", out.path, "--ocsp-staple"] + responder.signing("good"))
            let text = stamp.stdout + stamp.stderr
            #expect(stamp.status == 1 && text.contains("OCSP") && text.contains(expected), "\(mode): \(text)")
            #expect(!FileManager.default.fileExists(atPath: out.appendingPathComponent("photo-640x480.jpg").path), "\(mode): nothing half-signed")
        }
        let keys = folder.appendingPathComponent("keys").path
        #expect(try ProcessRunner.ailabel(["keys", "init", keys]).status == 0)
        let none = try ProcessRunner.ailabel([
            "stamp", Repository.fixture("media/photo.png").path, "--out", folder.appendingPathComponent("none").path,
            "--sign-key", keys + "/signer.key", "--sign-chain", keys + "/signer-chain.pem", "--ocsp-staple",
        ])
        #expect(none.status == 64 && none.stderr.contains("names no OCSP responder"), "\(none.stderr)")
        let noSigner = try ProcessRunner.ailabel(["stamp", Repository.fixture("media/photo.png").path, "--out", folder.appendingPathComponent("n").path, "--ocsp-staple"])
        #expect(noSigner.status == 64 && noSigner.stderr.contains("--ocsp-staple needs a signer"), "\(noSigner.stderr)")
    }

    @Test("verify --ocsp-fetch asks the responder: good is not revoked, revoked is Invalid, as the SDK fetching the same; a private responder not named with --allowed-host, or one that is gone, is inaccessible")
    func fetch() throws {
        let folder = try Repository.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let responder = try LocalOCSP(folder: folder.appendingPathComponent("pki"))
        defer { responder.stop() }
        var files: [String: String] = [:]
        for signer in ["good", "revoked"] {
            let out = folder.appendingPathComponent(signer)
            let stamp = try ProcessRunner.ailabel(["stamp", Repository.fixture("media/photo-640x480.jpg").path, "--out", out.path] + responder.signing(signer))
            #expect(stamp.status == 0, "\(stamp.stderr)")
            files[signer] = out.appendingPathComponent("photo-640x480.jpg").path
        }
        let fetching = ["--trust", responder.root, "--ocsp-fetch", "--allowed-host", "127.0.0.1"]
        let good = try Self.verify(files["good"]!, fetching)
        #expect(good.state == "Trusted" && good.codes.contains("signingCredential.ocsp.notRevoked"), "\(good.state ?? "-") \(good.codes) \(good.text.suffix(3000))")
        let revoked = try Self.verify(files["revoked"]!, fetching)
        #expect(revoked.state == "Invalid" && revoked.codes.contains("signingCredential.ocsp.revoked"), "\(revoked.text)")
        #expect(revoked.text.contains("revoked at"))
        for (signer, ours) in [("good", good), ("revoked", revoked)] {
            let sdk = try Referee.read(files[signer]!, trust: [responder.root], fetch: true)
            #expect(sdk.state == ours.state, "\(signer): SDK \(sdk), ailabel \(ours.codes)")
            #expect(sdk.codes.filter { $0.contains("ocsp") } == ours.codes.filter { $0.contains("ocsp") }, "\(signer): SDK \(sdk.codes), ailabel \(ours.codes)")
        }
        // Without fetching: skipped, as the SDK says.
        let unasked = try Self.verify(files["revoked"]!, ["--trust", responder.root])
        #expect(unasked.state == "Trusted" && unasked.codes.contains("signingCredential.ocsp.skipped"))
        // The responder is on loopback: without --allowed-host it is refused (SSRF), and said.
        let refused = try Self.verify(files["revoked"]!, ["--trust", responder.root, "--ocsp-fetch"])
        #expect(refused.state == "Trusted" && refused.codes.contains("signingCredential.ocsp.inaccessible"), "\(refused.text)")
        responder.stop()
        let gone = try Self.verify(files["good"]!, fetching)
        #expect(gone.state == "Trusted" && gone.codes.contains("signingCredential.ocsp.inaccessible"), "\(gone.text)")
        let sdkGone = try Referee.read(files["good"]!, trust: [responder.root], fetch: true)
        #expect(sdkGone.state == "Trusted" && sdkGone.informational.contains("signingCredential.ocsp.inaccessible"), "\(sdkGone)")
        let misuse = try ProcessRunner.ailabel(["verify", files["good"]!, "--allowed-host", "127.0.0.1"])
        #expect(misuse.status == 64)
    }
}
