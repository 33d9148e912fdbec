import AILabelTestSupport
import Foundation
import Testing

/// `stamp --tsa-url` against a local time-stamp authority (Fixtures/tsa/local_tsa.py: `openssl ts
/// -reply` behind a small HTTP handler on 127.0.0.1), started and stopped by each test, and
/// `stamp --signer-cmd` with a script that signs with openssl.
@Suite("Time-stamped and externally signed stamping", .serialized)
struct TimeStampCLITests {
    /// The reference SDK's reading (Fixtures/c2pa/referee.py), with `trust` PEM files as anchors.
    struct Referee: Decodable {
        var state: String?
        var failure: [String]
        var success: [String]
        var informational: [String]

        static func read(_ asset: String, trust: [String]) throws -> Referee {
            var arguments = [Repository.fixture("c2pa/referee.py").path, "read", asset]
            for pem in trust { arguments += ["--trust", pem] }
            let result = try ProcessRunner.run(Repository.root().appendingPathComponent(".venv/bin/python").path, arguments)
            guard result.status == 0 else {
                Issue.record("referee.py failed: \(result.stderr)")
                throw CancellationError()
            }
            return try JSONDecoder().decode(Referee.self, from: result.stdoutData)
        }
    }

    /// A running local TSA; `stop()` kills it.
    final class LocalTSA {
        let process = Process()
        let url: String
        let folder: URL

        init(folder: URL, mode: String = "ok", pss: Bool = false) throws {
            self.folder = folder
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = ["python3", Repository.fixture("tsa/local_tsa.py").path, folder.path, "--mode", mode] + (pss ? ["--pss"] : [])
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

        var rootPEM: String { folder.appendingPathComponent("tsa-root.pem").path }

        /// SIGKILL, since SIGTERM may be ignored by what the test runner hands down.
        func stop() {
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
            process.waitUntilExit()
        }
    }

    @Test("--tsa-url embeds a sigTst2 token: ailabel and the reference SDK read Trusted with timeStamp codes")
    func timeStampedStampIsTrusted() throws {
        let folder = try Repository.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let tsa = try LocalTSA(folder: folder)
        defer { tsa.stop() }
        #expect(tsa.url.hasPrefix("http://127.0.0.1:"), "the local TSA did not start: \(tsa.url)")
        let keys = folder.appendingPathComponent("keys").path
        #expect(try ProcessRunner.ailabel(["keys", "init", keys]).status == 0)
        let out = folder.appendingPathComponent("out")
        for image in ["media/photo-640x480.jpg", "media/photo.png"] {
            let stamp = try ProcessRunner.ailabel([
                "stamp", Repository.fixture(image).path, "--out", out.path, "--sign-key", keys + "/signer.key",
                "--sign-chain", keys + "/signer-chain.pem", "--tsa-url", tsa.url,
            ])
            #expect(stamp.status == 0, "\(stamp.stderr)\(stamp.stdout)")
        }
        for name in ["photo-640x480.jpg", "photo.png"] {
            let stamped = out.appendingPathComponent(name).path
            let verify = try ProcessRunner.ailabel([
                "verify", stamped, "--trust", keys + "/trust-anchors.pem", "--trust", tsa.rootPEM, "--format", "json",
            ])
            #expect(verify.stdout.contains("\"state\" : \"Trusted\""), "\(verify.stdout)")
            #expect(verify.stdout.contains("timeStamp.validated") && verify.stdout.contains("timeStamp.trusted"), "\(verify.stdout)")
            let sdk = try Referee.read(stamped, trust: [keys + "/trust-anchors.pem", tsa.rootPEM])
            #expect(sdk.state == "Trusted", "\(sdk)")
            #expect(sdk.failure.isEmpty, "\(sdk.failure)")
            #expect(sdk.success.contains("timeStamp.validated") && sdk.success.contains("timeStamp.trusted"), "\(sdk.success)")
            // Without the TSA's root the time-stamp is untrusted (informational) for both, and nothing fails.
            let sdkNoTSA = try Referee.read(stamped, trust: [keys + "/trust-anchors.pem"])
            #expect(sdkNoTSA.state == "Trusted" && sdkNoTSA.informational.contains("timeStamp.untrusted"), "\(sdkNoTSA)")
            let oursNoTSA = try ProcessRunner.ailabel(["verify", stamped, "--trust", keys + "/trust-anchors.pem", "--format", "json"])
            #expect(oursNoTSA.stdout.contains("\"state\" : \"Trusted\"") && oursNoTSA.stdout.contains("timeStamp.untrusted"))
        }
    }

    @Test("A TSA whose key is id-RSASSA-PSS (tokens signed with RSASSA-PSS): its certificate is read and its tokens validated and trusted, as the SDK does")
    func pssAuthority() throws {
        let folder = try Repository.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let tsa = try LocalTSA(folder: folder.appendingPathComponent("tsa"), pss: true)
        defer { tsa.stop() }
        #expect(tsa.url.hasPrefix("http://127.0.0.1:"), "the local TSA did not start: \(tsa.url)")
        let keys = folder.appendingPathComponent("keys").path
        #expect(try ProcessRunner.ailabel(["keys", "init", keys]).status == 0)
        let out = folder.appendingPathComponent("out")
        let stamp = try ProcessRunner.ailabel([
            "stamp", Repository.fixture("media/photo-640x480.jpg").path, "--out", out.path, "--sign-key", keys + "/signer.key",
            "--sign-chain", keys + "/signer-chain.pem", "--tsa-url", tsa.url,
        ])
        #expect(stamp.status == 0, "\(stamp.stderr)\(stamp.stdout)")
        let stamped = out.appendingPathComponent("photo-640x480.jpg").path
        let verify = try ProcessRunner.ailabel([
            "verify", stamped, "--trust", keys + "/trust-anchors.pem", "--trust", tsa.rootPEM, "--format", "json",
        ])
        #expect(verify.stdout.contains("\"state\" : \"Trusted\""), "\(verify.stdout)")
        #expect(verify.stdout.contains("timeStamp.validated") && verify.stdout.contains("timeStamp.trusted"), "\(verify.stdout)")
        let sdk = try Referee.read(stamped, trust: [keys + "/trust-anchors.pem", tsa.rootPEM])
        #expect(sdk.state == "Trusted" && sdk.failure.isEmpty, "\(sdk)")
        #expect(sdk.success.contains("timeStamp.validated") && sdk.success.contains("timeStamp.trusted"), "\(sdk.success)")
        // The token really is PSS-signed by a PSS key (what swift-certificates alone refuses to read).
        let certificate = try String(contentsOfFile: tsa.folder.appendingPathComponent("tsa.pem").path, encoding: .utf8)
        let text = try ProcessRunner.run("/usr/bin/env", ["openssl", "x509", "-noout", "-text"], stdin: Data(certificate.utf8))
        #expect(text.stdout.contains("rsassaPss"), "\(text.stdout)")
    }

    @Test("A TSA that fails, refuses connection, or answers garbage or too much fails the file clearly and writes nothing")
    func failingAuthority() throws {
        let folder = try Repository.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let keys = folder.appendingPathComponent("keys").path
        #expect(try ProcessRunner.ailabel(["keys", "init", keys]).status == 0)
        for (mode, expected) in [("error", "HTTP 500"), ("garbage", "not valid DER"), ("huge", "more than")] {
            let tsa = try LocalTSA(folder: folder.appendingPathComponent(mode), mode: mode)
            defer { tsa.stop() }
            let out = folder.appendingPathComponent("out-\(mode)")
            let stamp = try ProcessRunner.ailabel([
                "stamp", Repository.fixture("media/photo-640x480.jpg").path, "--out", out.path,
                "--sign-key", keys + "/signer.key", "--sign-chain", keys + "/signer-chain.pem", "--tsa-url", tsa.url,
            ])
            #expect(stamp.status == 1, "\(mode): \(stamp.stdout)")
            let text = stamp.stdout + stamp.stderr
            #expect(text.contains("time-stamp") && text.contains(expected), "\(mode): \(text)")
            #expect(!FileManager.default.fileExists(atPath: out.appendingPathComponent("photo-640x480.jpg").path),
                    "\(mode): nothing half-signed is written")
        }
        // Nothing listens on a closed port: a connection error, named.
        let refused = try ProcessRunner.ailabel([
            "stamp", Repository.fixture("media/photo.png").path, "--out", folder.appendingPathComponent("out-closed").path,
            "--sign-key", keys + "/signer.key", "--sign-chain", keys + "/signer-chain.pem", "--tsa-url", "http://127.0.0.1:9/tsa",
        ])
        #expect(refused.status == 1 && (refused.stdout + refused.stderr).contains("127.0.0.1:9"))
        let bad = try ProcessRunner.ailabel([
            "stamp", Repository.fixture("media/photo.png").path, "--out", folder.appendingPathComponent("x").path,
            "--sign-key", keys + "/signer.key", "--sign-chain", keys + "/signer-chain.pem", "--tsa-url", "ftp://example/tsa",
        ])
        #expect(bad.status == 64 && bad.stderr.contains("not an http or https URL"))
    }

    @Test("--signer-cmd signs through a program (openssl, DER ECDSA): the SDK reads Trusted; a wrong key or a failing program fails the file")
    func signerCommand() throws {
        let folder = try Repository.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let keys = folder.appendingPathComponent("keys").path
        #expect(try ProcessRunner.ailabel(["keys", "init", keys]).status == 0)
        let script = folder.appendingPathComponent("sign.sh").path
        // What a KMS wrapper does: the bytes on stdin, a DER ECDSA signature on stdout.
        try "#!/bin/sh\nexec openssl dgst -sha256 -sign \"$1\"\n".write(toFile: script, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: script)
        let out = folder.appendingPathComponent("out")
        let stamp = try ProcessRunner.ailabel([
            "stamp", Repository.fixture("media/photo-640x480.jpg").path, "--out", out.path,
            "--signer-cmd", "\(script) \(keys)/signer.key", "--sign-chain", keys + "/signer-chain.pem", "--sign-alg", "es256",
        ])
        #expect(stamp.status == 0, "\(stamp.stderr)\(stamp.stdout)")
        let stamped = out.appendingPathComponent("photo-640x480.jpg").path
        let sdk = try Referee.read(stamped, trust: [keys + "/trust-anchors.pem"])
        #expect(sdk.state == "Trusted" && sdk.failure.isEmpty, "\(sdk)")
        let verify = try ProcessRunner.ailabel(["verify", stamped, "--trust", keys + "/trust-anchors.pem", "--format", "json"])
        #expect(verify.stdout.contains("\"state\" : \"Trusted\""))

        // Another key: the signature does not verify with the certificate, so nothing is written.
        let other = folder.appendingPathComponent("other").path
        #expect(try ProcessRunner.ailabel(["keys", "init", other]).status == 0)
        let wrongOut = folder.appendingPathComponent("wrong")
        let wrong = try ProcessRunner.ailabel([
            "stamp", Repository.fixture("media/photo.png").path, "--out", wrongOut.path,
            "--signer-cmd", "\(script) \(other)/signer.key", "--sign-chain", keys + "/signer-chain.pem",
        ])
        #expect(wrong.status == 1 && (wrong.stdout + wrong.stderr).contains("not a valid ES256 signature"), "\(wrong.stdout)")
        #expect(!FileManager.default.fileExists(atPath: wrongOut.appendingPathComponent("photo.png").path))

        let failing = folder.appendingPathComponent("fail.sh").path
        try "#!/bin/sh\necho 'KMS: access denied' >&2\nexit 3\n".write(toFile: failing, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: failing)
        let failed = try ProcessRunner.ailabel([
            "stamp", Repository.fixture("media/photo.png").path, "--out", folder.appendingPathComponent("failed").path,
            "--signer-cmd", failing, "--sign-chain", keys + "/signer-chain.pem",
        ])
        let text = failed.stdout + failed.stderr
        #expect(failed.status == 1 && text.contains("exit status 3") && text.contains("KMS: access denied"), "\(text)")
        let both = try ProcessRunner.ailabel([
            "stamp", Repository.fixture("media/photo.png").path, "--out", folder.appendingPathComponent("both").path,
            "--signer-cmd", failing, "--sign-key", keys + "/signer.key", "--sign-chain", keys + "/signer-chain.pem",
        ])
        #expect(both.status == 64)
    }
}
