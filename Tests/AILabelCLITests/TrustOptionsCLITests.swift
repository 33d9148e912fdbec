import AILabelTestSupport
import Foundation
import Testing

/// verify's trust options as a user meets them: --trust bundles with an unreadable certificate,
/// --trust-config (c2pa-rs's store.cfg), --allowed-list, and the config file's [trust] table.
@Suite("ailabel verify trust options")
struct TrustOptionsCLITests {
    static let keys = "Fixtures/c2pa/keys"
    static let privateEKUFile = "Fixtures/c2pa/sdk/signed-private-eku.jpg"

    static func c2paState(_ result: ProcessResult) throws -> (state: String, failures: [String]) {
        let document = try #require(try JSONSerialization.jsonObject(with: result.stdoutData) as? [String: Any])
        let file = try #require((document["files"] as? [[String: Any]])?.first)
        let c2pa = try #require(file["c2pa"] as? [String: Any])
        return (c2pa["state"] as? String ?? "", c2pa["failures"] as? [String] ?? [])
    }

    @Test("A bundle with an unreadable certificate loads the rest and names the bad one in one warning line")
    func unreadableAnchor() throws {
        let folder = try Repository.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let bundle = folder.appendingPathComponent("anchors.pem")
        let garbage = "-----BEGIN CERTIFICATE-----\nMIIBAAAAAAAAAAAAAAAAAAAAAAAAAAAA\n-----END CERTIFICATE-----\n"
        try (try String(contentsOfFile: Repository.root().appendingPathComponent("\(Self.keys)/pss-root.pem").path, encoding: .utf8) + garbage)
            .write(to: bundle, atomically: true, encoding: .utf8)
        let result = try ProcessRunner.ailabel(
            ["verify", "Fixtures/c2pa/sdk/signed-pss-keys.jpg", "--trust", bundle.path, "--format", "json", "--scan", "metadata"],
            directory: Repository.root())
        #expect(result.status != 64, "\(result.stderr)")
        #expect(result.stderr.contains("ailabel: warning: certificate 2 of 2 in \(bundle.path) cannot be read and is ignored"), "\(result.stderr)")
        #expect(!result.stderr.contains("Usage"))
        #expect(!result.stderr.contains("ASN1Any"), "no raw byte dump")
        #expect(try Self.c2paState(result).state == "Trusted")
    }

    @Test("A bundle with no readable certificate is bad usage, said in one line without the usage text")
    func unreadableBundle() throws {
        let folder = try Repository.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let bundle = folder.appendingPathComponent("bad.pem")
        try "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n".write(to: bundle, atomically: true, encoding: .utf8)
        let result = try ProcessRunner.ailabel(["verify", Self.privateEKUFile, "--trust", bundle.path], directory: Repository.root())
        #expect(result.status == 64)
        #expect(result.stderr.contains("none of the 1 certificates in \(bundle.path) can be read"), "\(result.stderr)")
        #expect(!result.stderr.contains("Usage"))
    }

    @Test("--trust-config adds an EKU in c2pa-rs's store.cfg form; so does [trust] trust_config")
    func trustConfig() throws {
        let root = Repository.root()
        let without = try ProcessRunner.ailabel(
            ["verify", Self.privateEKUFile, "--trust", "\(Self.keys)/odd-root.pem", "--format", "json", "--scan", "metadata"], directory: root)
        #expect(try Self.c2paState(without).failures == ["signingCredential.invalid", "signingCredential.untrusted"])
        let with = try ProcessRunner.ailabel(
            ["verify", Self.privateEKUFile, "--trust", "\(Self.keys)/odd-root.pem", "--trust-config", "\(Self.keys)/private-eku.cfg",
             "--format", "json", "--scan", "metadata"], directory: root)
        #expect(try Self.c2paState(with).state == "Trusted")

        let folder = try Repository.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let keys = root.appendingPathComponent(Self.keys).path
        let config = folder.appendingPathComponent("ailabel.toml")
        try """
            [trust]
            anchors = ["\(keys)/odd-root.pem"]
            trust_config = "\(keys)/private-eku.cfg"
            """.write(to: config, atomically: true, encoding: .utf8)
        let configured = try ProcessRunner.ailabel(
            ["verify", Self.privateEKUFile, "--config", config.path, "--format", "json", "--scan", "metadata"], directory: root)
        #expect(try Self.c2paState(configured).state == "Trusted", "\(configured.stderr)")
    }

    @Test("--allowed-list trusts an end-entity certificate as it is")
    func allowedList() throws {
        let root = Repository.root()
        let result = try ProcessRunner.ailabel(
            ["verify", "Fixtures/c2pa/sdk/signed-key-usage-00c0.jpg", "--allowed-list", "\(Self.keys)/odd-key-usage-chain.pem",
             "--format", "json", "--scan", "metadata"], directory: root)
        #expect(try Self.c2paState(result).state == "Trusted", "\(result.stderr)")
    }
}
