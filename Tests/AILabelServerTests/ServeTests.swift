@_spi(Testing) import AILabelServer
import AILabelTestSupport
import Foundation
import Testing

/// `ailabel serve` as a client meets it: started on a free port and stopped by each test, driven by
/// serve_client.py (raw sockets for the hostile clients, the reference SDK for the round trip).
@Suite("ailabel serve", .serialized)
struct ServeTests {
    static let keys = Repository.fixture("c2pa/keys")
    static let client = Repository.root().appendingPathComponent("Tests/AILabelServerTests/serve_client.py").path
    static let jpeg = Repository.fixture("media/photo-640x480.jpg").path

    static func tokenFile(_ folder: URL, _ tokens: String) throws -> String {
        let path = folder.appendingPathComponent("tokens.txt").path
        try tokens.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    static func runClient(_ arguments: [String]) throws -> ProcessResult {
        try ProcessRunner.run(Repository.python, [client] + arguments)
    }

    @Test("stamp round trip: the SDK reads the served stamp as Trusted; verify's record is the CLI's; sidecars; health, metrics; graceful shutdown")
    func roundTrip() throws {
        let folder = try Repository.temporaryDirectory("serve-roundtrip")
        defer { try? FileManager.default.removeItem(at: folder) }
        let tokens = try Self.tokenFile(folder, "# the test's token\nsecret-token\n")
        let root = Self.keys.appendingPathComponent("fixtures-root.pem").path
        let server = try ServerProcess(arguments: [
            "--token-file", tokens, "--sign-key", Self.keys.appendingPathComponent("fixtures-signer.key").path,
            "--sign-chain", Self.keys.appendingPathComponent("fixtures-chain.pem").path, "--trust", root, "--no-default-trust",
        ])
        let result = try Self.runClient([
            "roundtrip", server.url, "secret-token", root, Self.jpeg, Repository.fixture("sidecar/report.pdf").path, folder.path, String(server.pid),
        ])
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        // The client sent SIGTERM mid-request: the server finishes it and exits 0.
        #expect(server.wait() == 0, "\(server.log)")

        // The record /v1/verify returns is the object `verify --format json` puts in `files`.
        let served = try JSONSerialization.jsonObject(with: Data(contentsOf: folder.appendingPathComponent("verify.json"))) as? [String: Any]
        let cli = try ProcessRunner.ailabel(["verify", folder.appendingPathComponent("stamped.jpg").path, "--format", "json", "--trust", root, "--no-default-trust"])
        let document = try JSONSerialization.jsonObject(with: Data(cli.stdout.utf8)) as? [String: Any]
        var file = (document?["files"] as? [[String: Any]])?.first ?? [:]
        file["path"] = "stamped.jpg"
        #expect(NSDictionary(dictionary: file).isEqual(to: served ?? [:]), "CLI \(file) vs served \(served ?? [:])")
        // Logs are JSON lines.
        let lines = server.log.split(separator: "\n")
        #expect(!lines.isEmpty && lines.allSatisfy { (try? JSONSerialization.jsonObject(with: Data($0.utf8))) != nil }, "\(server.log.prefix(500))")
        #expect(server.log.contains("\"route\":\"stamp\""))
    }

    @Test("auth: stamp needs a known token; verify needs one unless anonymous reads are allowed; SIGHUP reloads the token file")
    func auth() throws {
        let folder = try Repository.temporaryDirectory("serve-auth")
        defer { try? FileManager.default.removeItem(at: folder) }
        let tokens = try Self.tokenFile(folder, "first-token\n")
        let server = try ServerProcess(arguments: ["--token-file", tokens, "--no-default-trust"])
        var result = try Self.runClient(["auth", server.url, "first-token", Self.jpeg, "before"])
        #expect(result.status == 0, "\(result.stderr)")
        _ = try Self.tokenFile(folder, "second-token\n")
        server.signal(SIGHUP)
        // The reload is logged once done.
        let deadline = Date().addingTimeInterval(10)
        while !server.log.contains("token file reloaded") && Date() < deadline { usleep(50_000) }
        result = try Self.runClient(["auth", server.url, "second-token", Self.jpeg, "after"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(server.stop() == 0)

        let open = try ServerProcess(arguments: ["--token-file", tokens, "--anonymous-read", "--no-default-trust"])
        result = try Self.runClient(["auth", open.url, "second-token", Self.jpeg, "anonymous"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(open.stop() == 0)
    }

    @Test("limits from a [serve] table (its listen address too): 413 before the body is read, 415, 422 for bad options and for keys or trust named by a request, 503 with Retry-After when full, the request timeout, errors counted by code")
    func limits() throws {
        let folder = try Repository.temporaryDirectory("serve-limits")
        defer { try? FileManager.default.removeItem(at: folder) }
        _ = try Self.tokenFile(folder, "limit-token\n")
        let config = folder.appendingPathComponent("ailabel.toml")
        try """
            [serve]
            listen = "127.0.0.1:0"
            token_file = "tokens.txt"
            max_body_mb = 1
            max_concurrency = 2
            request_timeout = 3
            """.write(to: config, atomically: true, encoding: .utf8)
        // No --listen: the table's address is the one served.
        let server = try ServerProcess(arguments: ["--config", config.path, "--no-default-trust"], listen: nil)
        #expect(server.url.hasPrefix("http://127.0.0.1:") && !server.url.hasSuffix(":0"), "\(server.url)")
        let result = try Self.runClient(["limits", server.url, "limit-token", Self.jpeg])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(server.stop() == 0)
    }

    @Test("hostile clients: slow-loris headers, absurd headers, an endless chunked body, 10,000 tiny requests at once: each refused or closed on time, and the server still serves")
    func hostile() throws {
        let folder = try Repository.temporaryDirectory("serve-hostile")
        defer { try? FileManager.default.removeItem(at: folder) }
        let tokens = try Self.tokenFile(folder, "hostile-token\n")
        let server = try ServerProcess(arguments: ["--token-file", tokens, "--request-timeout", "3", "--max-concurrency", "32", "--no-default-trust"])
        let result = try Self.runClient(["hostile", server.url, "hostile-token", Self.jpeg])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(server.stop() == 0)
    }

    @Test("the CLI's hostile corpus over HTTP: verify answers each bomb and truncation with the CLI's record (422 input.unreadable when it cannot be read), inspect and stamp with 200 or 422, all on time")
    func hostileCorpus() throws {
        let folder = try Repository.temporaryDirectory("serve-corpus")
        defer { try? FileManager.default.removeItem(at: folder) }
        let tokens = try Self.tokenFile(folder, "corpus-token\n")
        let root = Self.keys.appendingPathComponent("fixtures-root.pem").path
        let trust = ["--trust", root, "--no-default-trust"]
        let folders = [Repository.fixture("bombs").path, Repository.fixture("malformed").path]
        let cli = try ProcessRunner.ailabel(["verify", "--format", "jsonl"] + trust + folders)
        let records = folder.appendingPathComponent("cli.jsonl")
        try cli.stdout.write(to: records, atomically: true, encoding: .utf8)
        let server = try ServerProcess(arguments: [
            "--token-file", tokens, "--sign-key", Self.keys.appendingPathComponent("fixtures-signer.key").path,
            "--sign-chain", Self.keys.appendingPathComponent("fixtures-chain.pem").path, "--request-timeout", "60",
        ] + trust)
        let result = try Self.runClient(["corpus", server.url, "corpus-token", records.path] + folders)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(server.stop() == 0, "\(server.log.suffix(2000))")
    }

    /// A CA, a server certificate for 127.0.0.1 signed by it, and a key that belongs to neither, made
    /// with openssl for this test only (nothing private is committed).
    static func makeTLSFiles(in folder: URL) throws -> (ca: String, certificate: String, key: String, otherKey: String) {
        func path(_ name: String) -> String { folder.appendingPathComponent(name).path }
        let steps: [[String]] = [
            ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", path("ca.key"), "-out", path("ca.pem"),
             "-days", "2", "-subj", "/CN=ailabel serve test CA", "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign"],
            ["req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", path("server.key"), "-out", path("server.csr"),
             "-subj", "/CN=127.0.0.1"],
            ["x509", "-req", "-in", path("server.csr"), "-CA", path("ca.pem"), "-CAkey", path("ca.key"), "-CAcreateserial", "-out", path("server.pem"),
             "-days", "2", "-extfile", path("server.ext")],
            ["genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", path("other.key")],
        ]
        try "subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n".write(toFile: path("server.ext"), atomically: true, encoding: .utf8)
        for step in steps {
            let result = try ProcessRunner.run("openssl", step)
            guard result.status == 0 else { throw OpenSSLFailure(step: step.first ?? "", message: result.stderr) }
        }
        return (path("ca.pem"), path("server.pem"), path("server.key"), path("other.key"))
    }

    /// `ailabel serve ARGUMENTS` expected to refuse to start: its exit status and standard error (killed
    /// after 30 s if it starts after all, so the test fails rather than hangs).
    static func refusedStart(_ arguments: [String]) throws -> ProcessResult {
        try ProcessRunner.run("/usr/bin/timeout", ["30", ProcessRunner.ailabelBinary, "serve", "--listen", "127.0.0.1:0", "--no-default-trust"] + arguments)
    }

    @Test("TLS: --tls-cert/--tls-key serve https that a client trusting the test CA verifies a file over; a bad pair is a clear start-up error")
    func tls() throws {
        let folder = try Repository.temporaryDirectory("serve-tls")
        defer { try? FileManager.default.removeItem(at: folder) }
        let tokens = try Self.tokenFile(folder, "tls-token\n")
        let files = try Self.makeTLSFiles(in: folder)
        let server = try ServerProcess(arguments: ["--token-file", tokens, "--tls-cert", files.certificate, "--tls-key", files.key, "--no-default-trust"])
        #expect(server.url.hasPrefix("https://127.0.0.1:"), "\(server.url)")
        let result = try Self.runClient(["tls", server.url, "tls-token", files.ca, Self.jpeg])
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        #expect(server.stop() == 0)

        // A key that is not the certificate's, a key file that is not a key, a certificate file that is
        // not one, one half of the pair: each refused at start with the file named, never "listening".
        let pem = "-----BEGIN CERTIFICATE-----\nnot base64 at all\n-----END CERTIFICATE-----\n"
        try pem.write(toFile: folder.appendingPathComponent("garbage.pem").path, atomically: true, encoding: .utf8)
        let garbage = folder.appendingPathComponent("garbage.pem").path
        let cases: [(arguments: [String], says: String)] = [
            (["--tls-cert", files.certificate, "--tls-key", files.otherKey], "is not the private key of the first certificate"),
            (["--tls-cert", files.certificate, "--tls-key", files.certificate], "cannot be read as an unencrypted PEM private key"),
            (["--tls-cert", garbage, "--tls-key", files.key], "cannot be read as a PEM certificate chain"),
            (["--tls-cert", folder.appendingPathComponent("absent.pem").path, "--tls-key", files.key], "cannot be read as a PEM certificate chain"),
            (["--tls-cert", files.certificate], "TLS needs both --tls-cert and --tls-key"),
        ]
        for (arguments, says) in cases {
            let refused = try Self.refusedStart(arguments)
            #expect(refused.status != 0 && refused.status != 124, "\(arguments): status \(refused.status)")
            #expect(refused.stderr.contains(says), "\(arguments): \(refused.stderr)")
            #expect(!refused.stdout.contains("listening on"), "\(arguments): \(refused.stdout)")
            #expect(!refused.stderr.contains("BEGIN"), "no key or certificate text in the message: \(refused.stderr)")
        }
    }

    @Test("schemathesis: requests generated from the OpenAPI document, every response conforming to it, no server error")
    func schemathesis() throws {
        let schemathesis = Repository.root().appendingPathComponent(".venv/bin/schemathesis").path
        guard FileManager.default.isExecutableFile(atPath: schemathesis) else {
            Issue.record("schemathesis is not installed in .venv (scripts/setup installs it)")
            return
        }
        let folder = try Repository.temporaryDirectory("serve-schemathesis")
        defer { try? FileManager.default.removeItem(at: folder) }
        let tokens = try Self.tokenFile(folder, "schema-token\n")
        let server = try ServerProcess(arguments: ["--token-file", tokens, "--no-default-trust", "--max-body-mb", "4", "--request-timeout", "20"])
        // A handful of examples per operation keeps the suite fast; scripts/schemathesis runs longer by hand.
        let result = try ProcessRunner.run(
            Repository.root().appendingPathComponent("scripts/schemathesis").path, [server.url, "schema-token", "2"])
        #expect(result.status == 0, "\(result.stdout.suffix(4000))\(result.stderr.suffix(2000))")
        #expect(server.stop() == 0)
    }

    @Test("the routes are the OpenAPI document's paths and methods, each upload route documents the media types the server takes, and the document is OpenAPI 3.1")
    func routesMatchTheDocument() throws {
        let document = try JSONSerialization.jsonObject(with: Data(LabelServer.openAPIDocument)) as? [String: Any]
        #expect((document?["openapi"] as? String)?.hasPrefix("3.1") == true)
        let paths = document?["paths"] as? [String: [String: Any]] ?? [:]
        let documented = Set(paths.flatMap { path, operations in operations.keys.map { "\($0.uppercased()) \(path)" } })
        #expect(documented == Set(LabelServer.routes))
        // Each upload route documents every media type the server takes, and no other.
        for path in ["/v1/stamp", "/v1/verify", "/v1/inspect"] {
            let post = paths[path]?["post"] as? [String: Any]
            let content = (post?["requestBody"] as? [String: Any])?["content"] as? [String: Any] ?? [:]
            #expect(Set(content.keys) == LabelServer.acceptedMediaTypes, "\(path): documented \(content.keys.sorted()), accepted \(LabelServer.acceptedMediaTypes.sorted())")
        }
        let file = try Data(contentsOf: Repository.root().appendingPathComponent("Sources/AILabelServer/Resources/openapi.json"))
        #expect(Array(file) == LabelServer.openAPIDocument, "the served document is the repository's")
    }
}

/// openssl could not make the test's certificates.
struct OpenSSLFailure: Error, CustomStringConvertible {
    let step: String
    let message: String
    var description: String { "openssl \(step): \(message)" }
}
