import AILabelMedia
import AILabelTestSupport
import Foundation
import Testing

/// What a new user meets first (issue 21): the README's promises, the hints, the messages and the
/// summaries, each run as a user runs it, with the words checked against snapshots in
/// `Snapshots/first-run/` (rerun with AILABEL_UPDATE_GOLDEN=1 after an intended change, then review the diff).
@Suite("First run: what a new user meets")
struct FirstRunTests {
    /// A temporary folder holding copies of fixtures under short relative names, so outputs are stable.
    static func workspace(_ files: [String: String] = [:]) throws -> URL {
        let folder = try Repository.temporaryDirectory("ailabel-first-run")
        for (name, fixture) in files {
            let target = folder.appendingPathComponent(name)
            try FileManager.default.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
            try FileManager.default.copyItem(at: Repository.fixture(fixture), to: target)
        }
        return folder
    }

    static func snapshot(_ text: String, _ name: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let url = Repository.root().appendingPathComponent("Tests/AILabelCLITests/Snapshots/first-run/\(name)")
        if ProcessInfo.processInfo.environment["AILABEL_UPDATE_GOLDEN"] == "1" {
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try text.write(to: url, atomically: true, encoding: .utf8)
        }
        let golden = try String(contentsOf: url, encoding: .utf8)
        #expect(text == golden, "\(name) differs from its snapshot:\n\(text)", sourceLocation: sourceLocation)
    }

    static func jsonLines(_ text: String) throws -> [[String: Any]] {
        try text.split(separator: "\n").map { try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]) }
    }

    // MARK: 1. Reproducible stamps

    @Test("The README's fixed --time example gives identical bytes when run twice, and re-stamping its output changes nothing")
    func readmeReproducibleStamp() throws {
        let readme = try String(contentsOf: Repository.root().appendingPathComponent("README.md"), encoding: .utf8)
        let lines = readme.split(separator: "\n").map(String.init)
        let claim = try #require(lines.firstIndex { $0.contains("stamping twice then gives identical bytes") }, "the README's claim")
        let command = try #require(lines[claim...].first { $0.hasPrefix(".build/debug/ailabel stamp") && $0.contains("--time") })
        var arguments = command.split(separator: " ").map(String.init).dropFirst().map { $0 }
        #expect(arguments.contains("face.png") && arguments.contains("out/"))

        let folder = try Self.workspace(["face.png": "media/photo.png"])
        defer { try? FileManager.default.removeItem(at: folder) }
        let outIndex = try #require(arguments.firstIndex(of: "out/"))
        for run in ["out1/", "out2/"] {
            arguments[outIndex] = run
            let result = try ProcessRunner.ailabel(arguments, directory: folder)
            #expect(result.status == 0, "\(result.stderr)")
        }
        let first = try FileReader.read(folder.appendingPathComponent("out1/face.png").path)
        let second = try FileReader.read(folder.appendingPathComponent("out2/face.png").path)
        #expect(first == second, "stamping the same file twice with a fixed --time gives identical bytes")

        // Re-stamping the stamped file keeps its content ID and its bytes.
        arguments[outIndex] = "out3/"
        arguments[arguments.firstIndex(of: "face.png")!] = "out1/face.png"
        #expect(try ProcessRunner.ailabel(arguments, directory: folder).status == 0)
        #expect(try FileReader.read(folder.appendingPathComponent("out3/face.png").path) == first, "a re-stamp with the same options changes nothing")
    }

    @Test("Without --content-id the content ID is derived from the image data: the same for the same image, different for another, kept on re-stamp")
    func contentIDFromContent() throws {
        let folder = try Self.workspace(["a.jpg": "media/photo-640x480.jpg", "b.jpg": "media/portrait-480x640.jpg", "c.jpg": "media/exif.jpg"])
        defer { try? FileManager.default.removeItem(at: folder) }
        func contentID(_ path: String, out: String, extra: [String] = []) throws -> String {
            let result = try ProcessRunner.ailabel(["stamp", path, "--out", out, "--json"] + extra, directory: folder)
            #expect(result.status == 0, "\(result.stderr)")
            return try #require(try Self.jsonLines(result.stdout).first?["contentID"] as? String)
        }
        let a1 = try contentID("a.jpg", out: "o1")
        let a2 = try contentID("a.jpg", out: "o2", extra: ["--producer", "Someone Else"])
        let b = try contentID("b.jpg", out: "o1")
        #expect(a1 == a2, "the same image data gives the same ID whatever the other options")
        #expect(a1 != b)
        #expect(UUID(uuidString: a1) != nil && Array(a1)[14] == "8", "a UUID, version 8: \(a1)")
        #expect(try contentID("o1/a.jpg", out: "o3", extra: ["--content-id", "kept?"]) == "kept?", "--content-id still wins")
        let stamped = try contentID("o1/b.jpg", out: "o4")
        #expect(stamped == b, "a stamped file keeps its own ID")
    }

    // MARK: 2. keys init

    @Test("keys init's hints run as printed, with no doubled slash when the folder ends in one")
    func keysInitHintsRun() throws {
        let folder = try Self.workspace(["IMAGE.jpg": "media/photo-640x480.jpg"])
        defer { try? FileManager.default.removeItem(at: folder) }
        let binary = ProcessRunner.ailabelBinary
        let result = try ProcessRunner.ailabel(["keys", "init", "my keys/"], directory: folder)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(!result.stdout.contains("//"), "no doubled slash: \(result.stdout)")
        let stampHint = try #require(result.stdout.split(separator: "\n").first { $0.contains(" stamp IMAGE") }).trimmingCharacters(in: .whitespaces)
        let verifyHint = try #require(result.stdout.split(separator: "\n").first { $0.contains(" verify ") }).trimmingCharacters(in: .whitespaces)
        #expect(stampHint.hasPrefix(binary), "the program as it was invoked: \(stampHint)")
        #expect(stampHint.contains("'my keys/signer.key'"), "paths quoted for the shell: \(stampHint)")

        let stamp = try ProcessRunner.run("/bin/sh", ["-c", stampHint.replacingOccurrences(of: " IMAGE ", with: " IMAGE.jpg ")], directory: folder)
        #expect(stamp.status == 0, "the stamp hint runs as printed: \(stamp.stdout) \(stamp.stderr)")
        #expect(stamp.stdout.contains("c2pa"), "and signs")
        let verify = try ProcessRunner.run("/bin/sh", ["-c", verifyHint + " --require-trusted"], directory: folder)
        #expect(verify.status == 0, "the verify hint runs as printed: \(verify.stdout) \(verify.stderr)")
    }

    // MARK: 3. A watermark that cannot go in

    @Test("--watermark on an image too small to carry it is a warning, not a layer; the pixels are not re-encoded")
    func watermarkTooSmall() throws {
        let folder = try Self.workspace(["tiny.jpg": "media/tiny-64x48.jpg", "photo.jpg": "media/photo-640x480.jpg"])
        defer { try? FileManager.default.removeItem(at: folder) }
        let result = try ProcessRunner.ailabel(["stamp", "tiny.jpg", "photo.jpg", "--out", "out", "--watermark", "--json"], directory: folder)
        #expect(result.status == 0, "\(result.stderr)")
        let lines = try Self.jsonLines(result.stdout)
        let tiny = try #require(lines.first { ($0["path"] as? String) == "tiny.jpg" })
        let photo = try #require(lines.first { ($0["path"] as? String) == "photo.jpg" })
        #expect(!(tiny["layers"] as? [String] ?? []).contains("watermark"))
        #expect((tiny["warnings"] as? [String] ?? []).contains { $0.contains("64×48, too small to carry it") })
        #expect(tiny["imageDataUnchanged"] as? Bool == true, "no mark, so no re-encode")
        #expect((photo["layers"] as? [String] ?? []).contains("watermark"))

        let text = try ProcessRunner.ailabel(["stamp", "tiny.jpg", "--out", "out2", "--watermark"], directory: folder)
        try Self.snapshot(text.stdout, "stamp-watermark-too-small.txt")
        let verify = try ProcessRunner.ailabel(["verify", "out/tiny.jpg", "--scan", "full", "--format", "json"], directory: folder)
        #expect(!verify.stdout.contains("\"kind\" : \"watermark\""), "the file claims no watermark verify cannot find")
    }

    // MARK: 4. A missing argument

    @Test("A missing argument is a failed file, in the lines, the JSON and the summary")
    func missingArgumentFails() throws {
        let folder = try Self.workspace()
        defer { try? FileManager.default.removeItem(at: folder) }
        let text = try ProcessRunner.ailabel(["stamp", "nonexistent.jpg", "--out", "x/"], directory: folder)
        #expect(text.status == 1)
        try Self.snapshot(text.stdout, "stamp-missing-argument.txt")
        #expect(text.stderr.isEmpty, "said once, in the lines: \(text.stderr)")
        let json = try ProcessRunner.ailabel(["stamp", "nonexistent.jpg", "--out", "x/", "--json"], directory: folder)
        let line = try #require(try Self.jsonLines(json.stdout).first)
        #expect(line["status"] as? String == "failed" && line["path"] as? String == "nonexistent.jpg")

        let verify = try ProcessRunner.ailabel(["verify", "nonexistent.jpg"], directory: folder)
        #expect(verify.status == 1)
        try Self.snapshot(verify.stdout, "verify-missing-argument.txt")
    }

    // MARK: 5. A language without a text

    @Test("--lang with no text for a language is bad usage (64) before any file is touched, naming the languages and how to add one")
    func languageWithoutText() throws {
        let folder = try Self.workspace(["a.jpg": "media/photo-640x480.jpg"])
        defer { try? FileManager.default.removeItem(at: folder) }
        let result = try ProcessRunner.ailabel(["stamp", "a.jpg", "--out", "out", "--lang", "de"], directory: folder)
        #expect(result.status == 64)
        try Self.snapshot(result.stderr, "stamp-lang-without-text.txt")
        #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("out").path), "no file touched")
        let withText = try ProcessRunner.ailabel(["stamp", "a.jpg", "--out", "out", "--lang", "de", "--text", "de=Mit KI erstellt"], directory: folder)
        #expect(withText.status == 0, "the way the message names works: \(withText.stderr)")
    }

    // MARK: 6. verify --output

    @Test("verify --output prints one summary line and where the report went; the demo says where report.html is")
    func verifyOutputSummary() throws {
        let folder = try Self.workspace(["media/a.jpg": "verify/plain.jpg", "media/b.png": "verify/gen-comfyui.png", "media/notes.txt": "verify/notes.txt"])
        defer { try? FileManager.default.removeItem(at: folder) }
        for format in ["html", "json", "text"] {
            let result = try ProcessRunner.ailabel(["verify", "media", "--format", format, "--output", "report.\(format)"], directory: folder)
            #expect(result.status == 1)
            try Self.snapshot(result.stdout, "verify-output-\(format).txt")
            #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent("report.\(format)").path))
        }
        let demo = try String(contentsOf: Repository.root().appendingPathComponent("scripts/demo"), encoding: .utf8)
        #expect(demo.contains("echo \"The audit as a web page: $(pwd)/demo-output/report.html"), "the demo names the report")
    }

    // MARK: 7. scripts/setup

    @Test("A second run of scripts/setup changes nothing: it checks the virtual environment by what is installed")
    func setupIsIdempotent() throws {
        let root = Repository.root()
        let marker = root.appendingPathComponent(".venv/pyvenv.cfg")
        let before = try FileManager.default.attributesOfItem(atPath: marker.path)[.modificationDate] as? Date
        let result = try ProcessRunner.run("bash", ["scripts/setup"], directory: root)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(!result.stdout.contains("setup:"), "nothing to do on a set-up machine: \(result.stdout)")
        let after = try FileManager.default.attributesOfItem(atPath: marker.path)[.modificationDate] as? Date
        #expect(before == after, ".venv was not rebuilt")
        let script = try String(contentsOf: root.appendingPathComponent("scripts/setup"), encoding: .utf8)
        #expect(!script.contains("import c2pa, cv2, pywt, imwatermark"), "no import that needs torch")
    }

    // MARK: 8. Usage errors

    @Test("Bad usage found while a subcommand runs shows that subcommand's usage; profile names are case-insensitive")
    func subcommandUsage() throws {
        let folder = try Self.workspace(["a.jpg": "media/photo-640x480.jpg"])
        defer { try? FileManager.default.removeItem(at: folder) }
        try "[label]\nprofile = \"xx\"\n".write(to: folder.appendingPathComponent("bad-profile.toml"), atomically: true, encoding: .utf8)
        try "[label]\nprofile = \"KZ\"\n".write(to: folder.appendingPathComponent("upper.toml"), atomically: true, encoding: .utf8)
        let cases: [(arguments: [String], snapshot: String)] = [
            (["stamp", "a.jpg", "--out", "o", "--sign-key", "missing.key", "--sign-chain", "missing.pem"], "usage-stamp-missing-key.txt"),
            (["stamp", "a.jpg", "--out", "o", "--config", "bad-profile.toml"], "usage-stamp-config-profile.txt"),
            (["verify", "a.jpg", "--profile", "xx"], "usage-verify-unknown-profile.txt"),
            (["verify", "a.jpg", "--config", "absent.toml"], "usage-verify-missing-config.txt"),
        ]
        for (arguments, snapshot) in cases {
            let result = try ProcessRunner.ailabel(arguments, directory: folder)
            #expect(result.status == 64, "\(arguments): \(result.stderr)")
            #expect(!result.stderr.contains("<subcommand>"), "\(result.stderr)")
            try Self.snapshot(result.stderr, snapshot)
        }
        #expect(try ProcessRunner.ailabel(["stamp", "a.jpg", "--out", "o1", "--profile", "KZ"], directory: folder).status == 0)
        #expect(try ProcessRunner.ailabel(["stamp", "a.jpg", "--out", "o2", "--config", "upper.toml"], directory: folder).status == 0)
        #expect(try ProcessRunner.ailabel(["verify", "o1/a.jpg", "--profile", "EU"], directory: folder).status == 0)
    }

    // MARK: 9. Wording

    @Test("Counts read as English, inspect says each error once, and skipped files are named with the reason in text, JSON and HTML")
    func wording() throws {
        let folder = try Self.workspace(["one/a.jpg": "verify/plain.jpg", "one/notes.txt": "verify/notes.txt", "bad.jpg": "malformed/truncated.jpg"])
        defer { try? FileManager.default.removeItem(at: folder) }
        let text = try ProcessRunner.ailabel(["verify", "one"], directory: folder)
        try Self.snapshot(text.stdout, "verify-one-file.txt")
        #expect(text.stdout.contains("1 file:") && !text.stdout.contains("1 files"))

        let json = try ProcessRunner.ailabel(["verify", "one", "--format", "json"], directory: folder)
        let document = try #require(try JSONSerialization.jsonObject(with: json.stdoutData) as? [String: Any])
        let skipped = try #require(document["skipped"] as? [[String: Any]])
        #expect(skipped.count == 1 && skipped[0]["path"] as? String == "one/notes.txt" && (skipped[0]["reason"] as? String)?.isEmpty == false)

        let html = try ProcessRunner.ailabel(["verify", "one", "--format", "html", "--output", "r.html"], directory: folder)
        #expect(html.status == 0)
        let page = try String(contentsOf: folder.appendingPathComponent("r.html"), encoding: .utf8)
        #expect(page.contains("<li>one/notes.txt: not a media format ailabel reads nor a web page, and no sidecar beside it</li>"))

        let inspect = try ProcessRunner.ailabel(["inspect", "one/a.jpg", "bad.jpg"], directory: folder)
        #expect(inspect.status == 1)
        let occurrences = (inspect.stdout + inspect.stderr).components(separatedBy: "bad.jpg").count - 1
        #expect(occurrences == 1, "the error is said once: \(inspect.stdout) \(inspect.stderr)")
        try Self.snapshot(inspect.stderr, "inspect-error-once.txt")
    }

    // MARK: 10. The same records in every format

    @Test("Every verify format carries the same records: files, an orphaned sidecar, a missing argument, skipped files")
    func sameRecordsEveryFormat() throws {
        let folder = try Self.workspace(["tree/a.jpg": "verify/plain.jpg", "tree/b.png": "verify/gen-comfyui.png", "tree/notes.txt": "verify/notes.txt"])
        defer { try? FileManager.default.removeItem(at: folder) }
        // A sidecar whose file is gone.
        try Data("<x:xmpmeta xmlns:x=\"adobe:ns:meta/\"/>".utf8).write(to: folder.appendingPathComponent("tree/gone.pdf.xmp"))
        let arguments = ["verify", "tree", "absent.jpg", "--scan", "metadata"]
        let expected: Set<String> = ["tree/a.jpg", "tree/b.png", "tree/gone.pdf.xmp", "absent.jpg", "tree/notes.txt"]

        let json = try ProcessRunner.ailabel(arguments + ["--format", "json"], directory: folder)
        let document = try #require(try JSONSerialization.jsonObject(with: json.stdoutData) as? [String: Any])
        let jsonPaths = Set(((document["files"] as? [[String: Any]] ?? []) + (document["skipped"] as? [[String: Any]] ?? [])).compactMap { $0["path"] as? String })
        #expect(jsonPaths == expected)

        for streaming in [true, false] {
            let jsonl = try ProcessRunner.ailabel(arguments + ["--format", "jsonl"] + (streaming ? [] : ["--output", "r.jsonl"]), directory: folder)
            let body = streaming ? jsonl.stdout : try String(contentsOf: folder.appendingPathComponent("r.jsonl"), encoding: .utf8)
            let lines = try Self.jsonLines(body)
            #expect(Set(lines.compactMap { $0["path"] as? String }) == expected, "jsonl (streaming: \(streaming))")
            #expect(lines.contains { ($0["findings"] as? [[String: Any]] ?? []).contains { $0["code"] as? String == "sidecar.orphaned" } })
            #expect(lines.count == expected.count)
        }
        let text = try ProcessRunner.ailabel(arguments, directory: folder)
        for path in expected { #expect(text.stdout.contains(path), "text names \(path)") }
        let junit = try ProcessRunner.ailabel(arguments + ["--format", "junit"], directory: folder)
        for path in expected { #expect(junit.stdout.contains("name=\"\(path)\""), "junit names \(path)") }
        let sarif = try ProcessRunner.ailabel(arguments + ["--format", "sarif"], directory: folder)
        #expect(sarif.stdout.contains("tree/notes.txt") && sarif.stdout.contains("tree/gone.pdf.xmp") && sarif.stdout.contains("absent.jpg"))
        #expect(try ProcessRunner.ailabel(arguments + ["--format", "html", "--output", "r.html"], directory: folder).status == 1)
        let html = try String(contentsOf: folder.appendingPathComponent("r.html"), encoding: .utf8)
        for path in expected { #expect(html.contains(path), "html names \(path)") }
    }
}
