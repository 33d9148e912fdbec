import AILabelTestSupport
import Foundation
import Testing

/// `ailabel trust update/show` and verify's default trust, each run with its own configuration folder
/// (XDG_CONFIG_HOME). The C2PA lists come from ../shared/trust-lists/ beside the repository (as in CI);
/// tests that need them say that they skipped when it is absent.
@Suite("C2PA trust lists: install, show, and verify's default trust", .serialized)
struct TrustListCLITests {
    static let shared = Repository.root().appendingPathComponent("../shared/trust-lists").standardizedFileURL
    static var sharedPresent: Bool { FileManager.default.fileExists(atPath: shared.appendingPathComponent("C2PA-TRUST-LIST.pem").path) }

    /// A fresh configuration folder and the environment that points ailabel at it.
    static func configuration() throws -> (URL, [String: String]) {
        let folder = try Repository.temporaryDirectory("ailabel-config")
        return (folder, ["XDG_CONFIG_HOME": folder.path])
    }

    /// A LoTE JSON form of the list, as the conformance program publishes beside the PEM.
    static let listJSON = #"{"LoTE": {"ListAndSchemeInformation": {"ListIssueDateTime": "2026-08-05T00:11:39Z", "NextUpdate": "2027-08-05T00:11:39Z"}}}"#

    @Test("trust update --from the published lists installs 30 signer and 22 TSA anchors; show lists them with issuer and expiry")
    func installFromFiles() throws {
        guard Self.sharedPresent else {
            print("TrustListCLITests: skipped, \(Self.shared.path) is absent")
            return
        }
        let (folder, environment) = try Self.configuration()
        defer { try? FileManager.default.removeItem(at: folder) }
        let empty = try ProcessRunner.ailabel(["trust", "show"], environment: environment)
        #expect(empty.status == 0)
        #expect(empty.stdout.contains("No C2PA trust list is installed") && empty.stdout.contains("ailabel trust update"))

        let update = try ProcessRunner.ailabel(["trust", "update", "--from", Self.shared.path], environment: environment)
        #expect(update.status == 0, "\(update.stderr)")
        #expect(update.stdout.contains("Installed 30 claim-signing anchors and 22 time-stamp authority anchors"), "\(update.stdout)")
        #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent("ailabel/trust-lists.json").path))

        let show = try ProcessRunner.ailabel(["trust", "show"], environment: environment)
        #expect(show.status == 0)
        #expect(show.stdout.contains("Claim-signing anchors (30):"))
        #expect(show.stdout.contains("Time-stamp authority anchors (22):"))
        #expect(show.stdout.contains("Google C2PA Root CA G3 (Google LLC)"))
        #expect(show.stdout.contains("issuer: Google C2PA Root CA G3 (Google LLC)  expires: 2050-05-08T22:32:21Z"))
        #expect(!show.stdout.contains("unreadable"), "every certificate of the published lists parses")
        #expect(show.stdout.contains("issued: not stated"), "the shared copies carry no JSON form")

        // A single file with --tsa-from, and the JSON form beside it: the issue date is shown.
        let copy = folder.appendingPathComponent("copy")
        try FileManager.default.createDirectory(at: copy, withIntermediateDirectories: true)
        for name in ["C2PA-TRUST-LIST.pem", "C2PA-TSA-TRUST-LIST.pem"] {
            try FileManager.default.copyItem(at: Self.shared.appendingPathComponent(name), to: copy.appendingPathComponent(name))
        }
        try Self.listJSON.write(to: copy.appendingPathComponent("C2PA-TRUST-LIST.json"), atomically: true, encoding: .utf8)
        let single = try ProcessRunner.ailabel(["trust", "update", "--from", copy.appendingPathComponent("C2PA-TRUST-LIST.pem").path], environment: environment)
        #expect(single.status == 0, "\(single.stderr)")
        #expect(single.stdout.contains("(list issued 2026-08-05T00:11:39Z)"))
        let dated = try ProcessRunner.ailabel(["trust", "show"], environment: environment)
        #expect(dated.stdout.contains("issued: 2026-08-05T00:11:39Z, next update 2027-08-05T00:11:39Z"))
    }

    @Test("A list cut short or holding an unreadable certificate is refused, naming it, and the installed lists stay")
    func badListLeavesTheOldOne() throws {
        guard Self.sharedPresent else {
            print("TrustListCLITests: skipped, \(Self.shared.path) is absent")
            return
        }
        let (folder, environment) = try Self.configuration()
        defer { try? FileManager.default.removeItem(at: folder) }
        #expect(try ProcessRunner.ailabel(["trust", "update", "--from", Self.shared.path], environment: environment).status == 0)
        let store = folder.appendingPathComponent("ailabel/trust-lists.json")
        let before = try Data(contentsOf: store)

        let full = try String(contentsOf: Self.shared.appendingPathComponent("C2PA-TRUST-LIST.pem"), encoding: .utf8)
        let tsa = Self.shared.appendingPathComponent("C2PA-TSA-TRUST-LIST.pem").path
        // Cut in the middle of the third certificate: a partial download.
        let cut = folder.appendingPathComponent("cut.pem")
        try String(full.prefix(full.count / 10 * 1 + 2500)).write(to: cut, atomically: true, encoding: .utf8)
        let partial = try ProcessRunner.ailabel(["trust", "update", "--from", cut.path, "--tsa-from", tsa], environment: environment)
        #expect(partial.status == 1)
        #expect(partial.stderr.contains("cut short") && partial.stderr.contains("were not changed"), "\(partial.stderr)")
        #expect(try Data(contentsOf: store) == before)

        // One certificate's body damaged: named by position and by its Subject line.
        var lines = full.components(separatedBy: "\n")
        let second = try #require(lines.indices.filter { lines[$0].hasPrefix("-----BEGIN CERTIFICATE-----") }.dropFirst().first)
        lines[second + 3] = String(repeating: "A", count: lines[second + 3].count)
        let damaged = folder.appendingPathComponent("damaged.pem")
        try lines.joined(separator: "\n").write(to: damaged, atomically: true, encoding: .utf8)
        let bad = try ProcessRunner.ailabel(["trust", "update", "--from", damaged.path, "--tsa-from", tsa], environment: environment)
        #expect(bad.status == 1)
        #expect(bad.stderr.contains("certificate 2 (CN=Google C2PA Mobile A 1P ICA G3 L1"), "\(bad.stderr)")
        #expect(try Data(contentsOf: store) == before)

        // Not a list at all.
        let text = folder.appendingPathComponent("notes.pem")
        try "no certificates here\n".write(to: text, atomically: true, encoding: .utf8)
        let none = try ProcessRunner.ailabel(["trust", "update", "--from", text.path, "--tsa-from", tsa], environment: environment)
        #expect(none.status == 1 && none.stderr.contains("holds no certificate"), "\(none.stderr)")
        #expect(try Data(contentsOf: store) == before)
    }

    @Test("trust update downloads from a server (127.0.0.1, named with --allowed-host); a private address or plain http is refused otherwise")
    func download() throws {
        guard Self.sharedPresent else {
            print("TrustListCLITests: skipped, \(Self.shared.path) is absent")
            return
        }
        let (folder, environment) = try Self.configuration()
        defer { try? FileManager.default.removeItem(at: folder) }
        let site = folder.appendingPathComponent("site/trust-list")
        try FileManager.default.createDirectory(at: site, withIntermediateDirectories: true)
        for name in ["C2PA-TRUST-LIST.pem", "C2PA-TSA-TRUST-LIST.pem"] {
            try FileManager.default.copyItem(at: Self.shared.appendingPathComponent(name), to: site.appendingPathComponent(name))
        }
        try Self.listJSON.write(to: site.appendingPathComponent("C2PA-TRUST-LIST.json"), atomically: true, encoding: .utf8)
        let server = try LocalHTTPServer(serving: folder.appendingPathComponent("site"))
        defer { server.stop() }
        let source = server.base + "trust-list/"

        let refused = try ProcessRunner.ailabel(["trust", "update", "--source", source], environment: environment)
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("fetch.not-https"), "\(refused.stderr)")
        let loopback = try ProcessRunner.ailabel(["trust", "update", "--source", "https://127.0.0.1:\(server.port)/trust-list/"], environment: environment)
        #expect(loopback.stderr.contains("fetch.private-address"), "\(loopback.stderr)")
        #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("ailabel/trust-lists.json").path))

        let update = try ProcessRunner.ailabel(["trust", "update", "--source", source, "--allowed-host", "127.0.0.1", "--timeout", "10"], environment: environment)
        #expect(update.status == 0, "\(update.stderr)")
        #expect(update.stdout.contains("Installed 30 claim-signing anchors and 22 time-stamp authority anchors (list issued 2026-08-05T00:11:39Z)"), "\(update.stdout)")
        let show = try ProcessRunner.ailabel(["trust", "show"], environment: environment)
        #expect(show.stdout.contains("source: \(source)"))

        // The server now serves a truncated signer list: refused, the installed lists stay.
        let before = try Data(contentsOf: folder.appendingPathComponent("ailabel/trust-lists.json"))
        let full = try Data(contentsOf: site.appendingPathComponent("C2PA-TRUST-LIST.pem"))
        try full.prefix(full.count / 2).write(to: site.appendingPathComponent("C2PA-TRUST-LIST.pem"))
        let partial = try ProcessRunner.ailabel(["trust", "update", "--source", source, "--allowed-host", "127.0.0.1"], environment: environment)
        #expect(partial.status == 1, "\(partial.stdout)")
        #expect(try Data(contentsOf: folder.appendingPathComponent("ailabel/trust-lists.json")) == before)
        // A missing file is an HTTP error, named.
        let missing = try ProcessRunner.ailabel(["trust", "update", "--source", server.base + "nowhere/", "--allowed-host", "127.0.0.1"], environment: environment)
        #expect(missing.status == 1 && missing.stderr.contains("HTTP 404"), "\(missing.stderr)")
    }

    @Test("verify trusts the installed lists by default, says so when none is installed, and --no-default-trust turns them off")
    func verifyUsesInstalledLists() throws {
        guard Self.sharedPresent else {
            print("TrustListCLITests: skipped, \(Self.shared.path) is absent")
            return
        }
        let (folder, environment) = try Self.configuration()
        defer { try? FileManager.default.removeItem(at: folder) }
        let keys = folder.appendingPathComponent("keys")
        #expect(try ProcessRunner.ailabel(["keys", "init", keys.path]).status == 0)
        let out = folder.appendingPathComponent("out")
        let stamp = try ProcessRunner.ailabel([
            "stamp", Repository.fixture("media/photo-640x480.jpg").path, "--out", out.path, "--no-visible",
            "--sign-key", keys.appendingPathComponent("signer.key").path, "--sign-chain", keys.appendingPathComponent("signer-chain.pem").path,
        ])
        #expect(stamp.status == 0, "\(stamp.stderr)")
        let stamped = out.appendingPathComponent("photo-640x480.jpg").path

        let none = try ProcessRunner.ailabel(["verify", stamped, "--format", "json"], environment: environment)
        #expect(none.stdout.contains("\"state\" : \"Valid\""))
        #expect(none.stderr.contains("no C2PA trust list is installed") && none.stderr.contains("ailabel trust update"), "\(none.stderr)")
        #expect(none.stderr.split(separator: "\n").count == 1, "one line: \(none.stderr)")

        // The official lists installed: this test PKI is not on them, so still Valid, and no note.
        #expect(try ProcessRunner.ailabel(["trust", "update", "--from", Self.shared.path], environment: environment).status == 0)
        let official = try ProcessRunner.ailabel(["verify", stamped, "--format", "json"], environment: environment)
        #expect(official.stdout.contains("\"state\" : \"Valid\""))
        #expect(!official.stderr.contains("no C2PA trust list"))

        // A list whose claim-signing anchor is this PKI's root: Trusted with no --trust at all.
        let own = try ProcessRunner.ailabel([
            "trust", "update", "--from", keys.appendingPathComponent("trust-anchors.pem").path,
            "--tsa-from", Self.shared.appendingPathComponent("C2PA-TSA-TRUST-LIST.pem").path,
        ], environment: environment)
        #expect(own.status == 0, "\(own.stderr)")
        let trusted = try ProcessRunner.ailabel(["verify", stamped, "--format", "json", "--require-trusted"], environment: environment)
        #expect(trusted.stdout.contains("\"state\" : \"Trusted\""), "\(trusted.stdout)")
        #expect(trusted.status == 0)
        let off = try ProcessRunner.ailabel(["verify", stamped, "--format", "json", "--no-default-trust"], environment: environment)
        #expect(off.stdout.contains("\"state\" : \"Valid\""))
        // --trust adds to the installed lists rather than replacing them.
        let added = try ProcessRunner.ailabel(["verify", stamped, "--format", "json", "--trust", Self.shared.appendingPathComponent("C2PA-TSA-TRUST-LIST.pem").path], environment: environment)
        #expect(added.stdout.contains("\"state\" : \"Trusted\""))
    }

    @Test("The installed TSA list anchors time-stamp authorities (and only them): timeStamp.trusted with no --trust")
    func timeStampAuthorities() throws {
        let (folder, environment) = try Self.configuration()
        defer { try? FileManager.default.removeItem(at: folder) }
        let tsa = try TimeStampCLITests.LocalTSA(folder: folder.appendingPathComponent("tsa"))
        defer { tsa.stop() }
        #expect(tsa.url.hasPrefix("http://127.0.0.1:"), "the local TSA did not start: \(tsa.url)")
        let keys = folder.appendingPathComponent("keys").path
        #expect(try ProcessRunner.ailabel(["keys", "init", keys]).status == 0)
        let out = folder.appendingPathComponent("out")
        let stamp = try ProcessRunner.ailabel([
            "stamp", Repository.fixture("media/photo-640x480.jpg").path, "--out", out.path, "--no-visible",
            "--sign-key", keys + "/signer.key", "--sign-chain", keys + "/signer-chain.pem", "--tsa-url", tsa.url,
        ])
        #expect(stamp.status == 0, "\(stamp.stderr)")
        let stamped = out.appendingPathComponent("photo-640x480.jpg").path

        // Lists whose signer list is this PKI's root and whose TSA list is the local TSA's root.
        let install = try ProcessRunner.ailabel(["trust", "update", "--from", keys + "/trust-anchors.pem", "--tsa-from", tsa.rootPEM], environment: environment)
        #expect(install.status == 0, "\(install.stderr)")
        let verify = try ProcessRunner.ailabel(["verify", stamped, "--format", "json"], environment: environment)
        #expect(verify.stdout.contains("\"state\" : \"Trusted\""), "\(verify.stdout)")
        #expect(verify.stdout.contains("timeStamp.trusted") && !verify.stdout.contains("timeStamp.untrusted"), "\(verify.stdout)")
        let off = try ProcessRunner.ailabel(["verify", stamped, "--format", "json", "--no-default-trust", "--trust", keys + "/trust-anchors.pem"], environment: environment)
        #expect(off.stdout.contains("timeStamp.untrusted"), "without the TSA list: \(off.stdout)")

        // The TSA root in the TSA list does not anchor claim signers: a list whose signer list lacks
        // this PKI's root leaves the signer untrusted though the time-stamp is trusted.
        let swapped = try ProcessRunner.ailabel(["trust", "update", "--from", tsa.rootPEM, "--tsa-from", tsa.rootPEM], environment: environment)
        #expect(swapped.status == 0, "\(swapped.stderr)")
        let untrustedSigner = try ProcessRunner.ailabel(["verify", stamped, "--format", "json"], environment: environment)
        #expect(untrustedSigner.stdout.contains("\"state\" : \"Valid\"") && untrustedSigner.stdout.contains("signingCredential.untrusted"), "\(untrustedSigner.stdout)")
    }
}
