import AILabelTestSupport
import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Attacks through what ailabel reads and prints: feeds and pages that reach for files outside their
/// folder, names and metadata that drive the terminal or break XML reports, keys that would be printed.
@Suite("Hostile feeds, terminals and keys")
struct HostileFeedTests {
    static func folder() throws -> URL { try Repository.temporaryDirectory("ailabel-hostile-feed") }

    static func ailabel(_ arguments: [String], stdin: Data? = nil, environment: [String: String]? = nil) throws -> ProcessResult {
        try ProcessRunner.run("timeout", ["120", ProcessRunner.ailabelBinary] + arguments, stdin: stdin, environment: environment)
    }

    @Test("A feed's ../../etc/passwd, /etc/shadow, file:// and %2e%2e/ images are findings, never read")
    func catalogPathsOutsideTheFeedFolder() throws {
        let folder = try Self.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let references = ["../../../../../../etc/passwd", "/etc/shadow", "file:///etc/passwd", "%2e%2e/%2e%2e/%2e%2e/%2e%2e/%2e%2e/etc/hostname", "../outside.jpg"]
        try FileManager.default.copyItem(at: Repository.fixture("media/photo-640x480.jpg"), to: folder.appendingPathComponent("outside.jpg"))
        let feedFolder = folder.appendingPathComponent("feed")
        try FileManager.default.createDirectory(at: feedFolder, withIntermediateDirectories: true)
        let items = references.enumerated().map { index, reference in
            ["id": "R\(index)", "title": "Poster", "description": "A poster.", "ai_generated": true, "image": reference] as [String: Any]
        }
        try JSONSerialization.data(withJSONObject: ["items": items]).write(to: feedFolder.appendingPathComponent("feed.json"))
        let result = try Self.ailabel(["verify", "--catalog", feedFolder.appendingPathComponent("feed.json").path, "--format", "json"])
        #expect(result.status != 124)
        let report = result.stdout
        #expect(report.components(separatedBy: "catalog.path-outside-root").count - 1 == references.count, "\(report)")
        #expect(!report.contains("root:x:0:0"), "no file outside the folder was read")
        #expect(!report.contains("image-missing"), "outside references are not even looked for")

        // With --media-root the folder above is the root: ../outside.jpg from feed/ lies inside it, and
        // /etc/shadow is site-absolute, MEDIA_ROOT/etc/shadow (missing); the other three stay outside.
        let rooted = try Self.ailabel(["verify", "--catalog", feedFolder.appendingPathComponent("feed.json").path, "--format", "json", "--media-root", folder.path])
        #expect(rooted.stdout.components(separatedBy: "catalog.path-outside-root").count - 1 == 3, "\(rooted.stdout)")
        #expect(rooted.stdout.contains("catalog.image-missing") && !rooted.stdout.contains("root:x:0:0"), "\(rooted.stdout)")
    }

    @Test("A page's <img src> outside its folder is a finding, never read")
    func pagePathsOutsideThePageFolder() throws {
        let folder = try Self.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let page = folder.appendingPathComponent("site/index.html")
        try FileManager.default.createDirectory(at: page.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data("<html><body><img src=\"../../../../../../etc/passwd\"><img src=\"/etc/shadow\"><img src=\"file:///etc/hosts\"></body></html>".utf8).write(to: page)
        let result = try Self.ailabel(["verify", page.path, "--format", "json"])
        #expect(result.stdout.components(separatedBy: "html.path-outside-root").count - 1 == 3, "\(result.stdout)")
    }

    @Test("A feed ID x\\e[2K\\rcompliant cannot forge a compliant line; names with escapes are shown escaped")
    func terminalEscapesInFeedIDsAndNames() throws {
        let folder = try Self.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let forged = "x\u{1B}[2K\rcompliant           fake"
        let items: [[String: Any]] = [["id": forged, "title": "Poster", "description": "A poster.", "ai_generated": true]]
        let feed = folder.appendingPathComponent("feed.json")
        try JSONSerialization.data(withJSONObject: ["items": items]).write(to: feed)
        let image = folder.appendingPathComponent("bidi\u{202E}gpj.png\u{1B}]0;owned\u{07}.jpg")
        try FileManager.default.copyItem(at: Repository.fixture("media/photo-640x480.jpg"), to: image)
        let result = try Self.ailabel(["verify", "--catalog", feed.path, image.path])
        #expect(!result.stdout.contains("\u{1B}") && !result.stdout.contains("\r") && !result.stdout.contains("\u{202E}"), "\(result.stdout.debugDescription)")
        #expect(result.stdout.contains("x\\e[2K\\rcompliant"), "the ID is shown with its escapes visible: \(result.stdout)")
        #expect(result.stdout.contains("missing-disclosure"), "\(result.stdout)")
        let stamp = try Self.ailabel(["stamp", image.path, "--out", folder.appendingPathComponent("out").path, "--jobs", "1"])
        #expect(!stamp.stdout.contains("\u{1B}") && !stamp.stderr.contains("\u{1B}"), "\(stamp.stdout.debugDescription)")
        #expect(stamp.stdout.contains("\\u{202E}"), "\(stamp.stdout)")
    }

    @Test("inspect of a PNG whose parameters chunk holds escape codes shows them escaped (no retitled window, no cleared screen)")
    func terminalEscapesInPNGText() throws {
        let folder = try Self.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let png = folder.appendingPathComponent("sd.png")
        let script = """
            import struct, sys, zlib
            source = open(sys.argv[1], "rb").read()
            text = b"parameters\\x00" + b"\\x1b]0;pwned\\x07\\x1b[2J\\x1b[Hsteps: 20\\rcompliant"
            chunk = struct.pack(">I", len(text)) + b"tEXt" + text + struct.pack(">I", zlib.crc32(b"tEXt" + text) & 0xffffffff)
            open(sys.argv[2], "wb").write(source[:33] + chunk + source[33:])
            """
        _ = try ProcessRunner.run("python3", ["-c", script, Repository.fixture("media/photo.png").path, png.path])
        let result = try Self.ailabel(["inspect", png.path])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(!result.stdout.contains("\u{1B}") && !result.stdout.contains("\u{07}") && !result.stdout.contains("\r"), "\(result.stdout.debugDescription)")
        #expect(result.stdout.contains("\\e]0;pwned\\u{7}\\e[2J"), "\(result.stdout)")
    }

    @Test("A signer.key with a missing END line is refused (64) without a byte of the key in the message")
    func malformedSigningKeyIsNotPrinted() throws {
        let folder = try Self.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let keys = folder.appendingPathComponent("keys")
        let initResult = try Self.ailabel(["keys", "init", keys.path])
        #expect(initResult.status == 0, "\(initResult.stderr)")
        let key = try String(contentsOf: keys.appendingPathComponent("signer.key"), encoding: .utf8)
        let body = key.split(separator: "\n").filter { !$0.hasPrefix("-----") }
        let truncated = key.split(separator: "\n").filter { !$0.hasPrefix("-----END") }.joined(separator: "\n") + "\n"
        let broken = folder.appendingPathComponent("broken.key")
        try Data(truncated.utf8).write(to: broken)
        chmod(broken.path, 0o600)
        let image = folder.appendingPathComponent("a.jpg")
        try FileManager.default.copyItem(at: Repository.fixture("media/photo-640x480.jpg"), to: image)
        for keyFile in [broken.path, keys.appendingPathComponent("signer-chain.pem").path] {
            for chain in [keys.appendingPathComponent("signer-chain.pem").path, keys.appendingPathComponent("signer.key").path] {
                let result = try Self.ailabel(["stamp", image.path, "--out", folder.appendingPathComponent("out").path, "--sign-key", keyFile, "--sign-chain", chain])
                if keyFile == keys.appendingPathComponent("signer.key").path { continue }
                #expect(result.status == 64, "\(result.stdout)\(result.stderr)")
                let output = result.stdout + result.stderr
                for line in body { #expect(!output.contains(line.prefix(24)), "no key material: \(output)") }
            }
        }
        let result = try Self.ailabel(["stamp", image.path, "--out", folder.appendingPathComponent("out").path, "--sign-key", broken.path, "--sign-chain", keys.appendingPathComponent("signer-chain.pem").path])
        #expect(result.stderr.contains(broken.path) && result.stderr.contains("not a complete PEM document"), "\(result.stderr)")
    }

    @Test("keys init under umask 000 makes a 0700 folder; a world-readable signer.key is warned about; errors are sentences")
    func keysInitFolderIsPrivate() throws {
        let folder = try Self.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let keys = folder.appendingPathComponent("keys")
        let made = try ProcessRunner.run("sh", ["-c", "umask 000; exec \"$0\" keys init \"$1\"", ProcessRunner.ailabelBinary, keys.path])
        #expect(made.status == 0, "\(made.stderr)")
        var status = stat()
        stat(keys.path, &status)
        #expect(status.st_mode & 0o777 == 0o700, "mode \(String(status.st_mode & 0o777, radix: 8))")
        stat(keys.appendingPathComponent("signer.key").path, &status)
        #expect(status.st_mode & 0o777 == 0o600)
        let again = try Self.ailabel(["keys", "init", keys.path])
        #expect(again.status != 0 && !again.stderr.contains("errno"), "\(again.stderr)")
        chmod(keys.appendingPathComponent("signer.key").path, 0o644)
        let image = folder.appendingPathComponent("a.jpg")
        try FileManager.default.copyItem(at: Repository.fixture("media/photo-640x480.jpg"), to: image)
        let stamp = try Self.ailabel([
            "stamp", image.path, "--out", folder.appendingPathComponent("out").path, "--sign-key", keys.appendingPathComponent("signer.key").path,
            "--sign-chain", keys.appendingPathComponent("signer-chain.pem").path,
        ])
        #expect(stamp.stderr.contains("readable by others") && stamp.stderr.contains("chmod 600"), "\(stamp.stderr)")
    }

    @Test("verify --output to a folder that cannot be written is a failure (1), not bad usage (64)")
    func reportWriteFailureIsAFailure() throws {
        let folder = try Self.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let result = try Self.ailabel(["verify", Repository.fixture("media/photo-640x480.jpg").path, "--format", "json", "--output", folder.appendingPathComponent("missing/folder/report.json").path])
        #expect(result.status == 1, "\(result.stdout)\(result.stderr)")
        #expect(result.stderr.contains("cannot write the report"), "\(result.stderr)")
    }
}
