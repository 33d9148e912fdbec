import AILabelTestSupport
import Foundation
import Testing

/// A file whose only provenance is a remote manifest (XMP `dcterms:provenance`): the record names the
/// address with `manifest.inaccessible` unless `--fetch-remote` fetches it, under the SSRF rules
/// (https and public addresses only, unless the host is named with `--allowed-host`; redirects
/// checked hop by hop; a size limit). The server is a local one on 127.0.0.1, started by the test.
@Suite("Remote C2PA manifests: inaccessible unless fetched, and fetched safely", .serialized)
struct RemoteManifestCLITests {
    /// A server with the manifest at /manifest.c2pa, and paths that misbehave.
    static let script = """
        import http.server, sys
        folder = sys.argv[1]
        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, *args): pass
            def send(self, status, body=b"", headers=()):
                self.send_response(status)
                for key, value in headers: self.send_header(key, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
            def do_GET(self):
                port = self.server.server_address[1]
                if self.path == "/manifest.c2pa":
                    self.send(200, open(folder + "/manifest.c2pa", "rb").read(), [("Content-Type", "application/c2pa")])
                elif self.path == "/away":
                    self.send(302, headers=[("Location", "http://localhost:%d/manifest.c2pa" % port)])
                elif self.path == "/inside":
                    self.send(302, headers=[("Location", "/manifest.c2pa")])
                elif self.path == "/loop":
                    self.send(302, headers=[("Location", "/loop")])
                elif self.path == "/big":
                    self.send(200, b"\\0" * (17 << 20))
                else:
                    self.send(404, b"no")
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        print("port", server.server_address[1], flush=True)
        server.serve_forever()
        """

    /// A JPEG whose XMP names `address` as its provenance, and nothing else.
    static func jpeg(referencing address: String) throws -> [UInt8] {
        let source = try Repository.fixtureBytes("media/photo-640x480.jpg")
        let xmp = """
            <x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">\
            <rdf:Description rdf:about="" xmlns:dcterms="http://purl.org/dc/terms/" dcterms:provenance="\(address)"/>\
            </rdf:RDF></x:xmpmeta>
            """
        let payload = Array("http://ns.adobe.com/xap/1.0/".utf8) + [0] + Array(xmp.utf8)
        let length = payload.count + 2
        return [0xFF, 0xD8, 0xFF, 0xE1, UInt8(length >> 8), UInt8(length & 0xFF)] + payload + source.dropFirst(2)
    }

    struct Record {
        var state: String?
        var codes: [String]
        var remote: String?
        var findings: [String]
    }

    static func verify(_ path: String, _ options: [String], trust: String) throws -> Record {
        let result = try ProcessRunner.ailabel(["verify", path, "--format", "json", "--no-default-trust", "--trust", trust] + options)
        let document = try #require(try JSONSerialization.jsonObject(with: result.stdoutData) as? [String: Any], "\(result.stderr)")
        let file = try #require((document["files"] as? [[String: Any]])?.first)
        let c2pa = file["c2pa"] as? [String: Any]
        let findings = (file["findings"] as? [[String: Any]] ?? []).map { "\($0["code"] ?? ""): \($0["message"] ?? "")" }
        return Record(state: c2pa?["state"] as? String, codes: c2pa?["codes"] as? [String] ?? [], remote: c2pa?["remoteManifest"] as? String, findings: findings)
    }

    @Test("Not fetched: manifest.inaccessible naming the address; fetched from an allowed host: validated against the file")
    func inaccessibleThenFetched() throws {
        let folder = try Repository.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let served = folder.appendingPathComponent("served")
        try FileManager.default.createDirectory(at: served, withIntermediateDirectories: true)
        let server = try LocalHTTPServer(serving: served, script: Self.script)
        defer { server.stop() }
        let address = server.base + "manifest.c2pa"

        // The asset, then a manifest for it made as a sidecar (its hard binding covers the whole file).
        let keys = folder.appendingPathComponent("keys")
        #expect(try ProcessRunner.ailabel(["keys", "init", keys.path]).status == 0)
        let trust = keys.appendingPathComponent("trust-anchors.pem").path
        let asset = folder.appendingPathComponent("remote.jpg")
        try Data(try Self.jpeg(referencing: address)).write(to: asset)
        let sidecar = try ProcessRunner.ailabel([
            "stamp", asset.path, "--in-place", "--sidecar", "--sign-key", keys.appendingPathComponent("signer.key").path,
            "--sign-chain", keys.appendingPathComponent("signer-chain.pem").path,
        ])
        #expect(sidecar.status == 0, "\(sidecar.stderr)")
        try FileManager.default.moveItem(atPath: asset.path + ".c2pa", toPath: served.appendingPathComponent("manifest.c2pa").path)
        try? FileManager.default.removeItem(atPath: asset.path + ".xmp")

        let unfetched = try Self.verify(asset.path, [], trust: trust)
        #expect(unfetched.state == "Inaccessible")
        #expect(unfetched.codes == ["manifest.inaccessible"])
        #expect(unfetched.remote == address)
        #expect(unfetched.findings.contains { $0.hasPrefix("c2pa.manifest.inaccessible") && $0.contains(address) && $0.contains("--fetch-remote") })

        let fetched = try Self.verify(asset.path, ["--fetch-remote", "--allowed-host", "127.0.0.1"], trust: trust)
        #expect(fetched.state == "Trusted", "\(fetched)")
        #expect(fetched.remote == address)
        #expect(fetched.codes.contains("assertion.dataHash.match"))

        // Loopback and plain http are refused unless the host is named.
        let refused = try Self.verify(asset.path, ["--fetch-remote"], trust: trust)
        #expect(refused.state == "Inaccessible")
        #expect(refused.findings.contains { $0.contains("fetch.not-https") }, "\(refused.findings)")
    }

    @Test("Private and loopback targets are refused by default; redirects leave the allowed hosts only to be refused; size and redirect limits hold")
    func ssrf() throws {
        let folder = try Repository.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let served = folder.appendingPathComponent("served")
        try FileManager.default.createDirectory(at: served, withIntermediateDirectories: true)
        try Data([0]).write(to: served.appendingPathComponent("manifest.c2pa"))
        let server = try LocalHTTPServer(serving: served, script: Self.script)
        defer { server.stop() }
        let keys = folder.appendingPathComponent("keys")
        #expect(try ProcessRunner.ailabel(["keys", "init", keys.path]).status == 0)
        let trust = keys.appendingPathComponent("trust-anchors.pem").path

        func outcome(_ address: String, _ options: [String]) throws -> Record {
            let asset = folder.appendingPathComponent("a-\(UUID().uuidString).jpg")
            try Data(try Self.jpeg(referencing: address)).write(to: asset)
            return try Self.verify(asset.path, ["--fetch-remote"] + options, trust: trust)
        }
        for target in ["https://127.0.0.1:\(server.port)/manifest.c2pa", "https://10.20.30.40/m.c2pa", "https://169.254.169.254/latest/meta-data",
                       "https://[::1]/m.c2pa", "https://192.168.1.1/m.c2pa", "https://localhost/m.c2pa", "https://[::ffff:127.0.0.1]/m.c2pa"] {
            let record = try outcome(target, [])
            #expect(record.state == "Inaccessible" && record.findings.contains { $0.contains("fetch.private-address") }, "\(target): \(record.findings)")
        }
        let away = try outcome(server.base + "away", ["--allowed-host", "127.0.0.1"])
        #expect(away.findings.contains { $0.contains("redirect to http://localhost") && $0.contains("fetch.host-not-allowed") }, "\(away.findings)")
        let inside = try outcome(server.base + "inside", ["--allowed-host", "127.0.0.1"])
        #expect(inside.state == "Invalid", "a redirect inside the allowed host is followed; the one-byte store is malformed: \(inside)")
        let loop = try outcome(server.base + "loop", ["--allowed-host", "127.0.0.1"])
        #expect(loop.findings.contains { $0.contains("fetch.too-many-redirects") }, "\(loop.findings)")
        let big = try outcome(server.base + "big", ["--allowed-host", "127.0.0.1"])
        #expect(big.findings.contains { $0.contains("fetch.too-large") }, "\(big.findings)")
        let other = try outcome("https://example.com/m.c2pa", ["--allowed-host", "127.0.0.1"])
        #expect(other.findings.contains { $0.contains("fetch.host-not-allowed") }, "\(other.findings)")
        // --allowed-host alone is bad usage.
        #expect(try ProcessRunner.ailabel(["verify", folder.path, "--allowed-host", "127.0.0.1"]).status == 64)
    }
}
