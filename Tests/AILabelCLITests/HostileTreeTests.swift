import AILabelTestSupport
import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Attacks on the file system ailabel walks: each test builds one in a temporary folder, runs the
/// `ailabel` a user runs (as root in this sandbox, as in a publisher's container), and checks the outcome.
/// Docs/hardening.md, "File-system safety", lists each attack and the rule that stops it.
@Suite("Hostile trees: links, modes, owners, kinds, collisions, locks")
struct HostileTreeTests {
    static let stampOptions = ["--ai-system", "Test Model", "--producer", "Test LLP", "--time", "2026-01-18T09:00:00Z", "--jobs", "2"]

    /// A fresh folder holding `up/` (the uploads) and a place outside it.
    static func tree() throws -> URL {
        let folder = try Repository.temporaryDirectory("ailabel-hostile")
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("up"), withIntermediateDirectories: true)
        return folder
    }

    static func copyPhoto(to url: URL, _ name: String = "media/photo-640x480.jpg") throws {
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: Repository.fixture(name), to: url)
    }

    static func mode(_ url: URL) -> mode_t {
        var status = stat()
        lstat(url.path, &status)
        return status.st_mode & 0o7777
    }

    static func owner(_ url: URL) -> (uid_t, gid_t) {
        var status = stat()
        lstat(url.path, &status)
        return (status.st_uid, status.st_gid)
    }

    static func exists(_ url: URL) -> Bool {
        var status = stat()
        return lstat(url.path, &status) == 0
    }

    static func bytes(_ url: URL) throws -> Data { try Data(contentsOf: url) }

    /// A TrueType font's `head` fontRevision (16.16 fixed) as "major.thousandths", e.g. "2.370".
    static func fontRevision(of font: URL) throws -> String? {
        let data = [UInt8](try Data(contentsOf: font))
        func u16(_ at: Int) -> Int { Int(data[at]) << 8 | Int(data[at + 1]) }
        func u32(_ at: Int) -> Int { u16(at) << 16 | u16(at + 2) }
        guard data.count >= 12 else { return nil }
        for table in 0..<u16(4) {
            let record = 12 + 16 * table
            guard record + 16 <= data.count else { return nil }
            guard data[record..<record + 4].elementsEqual("head".utf8) else { continue }
            let offset = u32(record + 8)
            guard offset + 8 <= data.count else { return nil }
            let thousandths = Int((Double(u32(offset + 4)) / 65536 * 1000).rounded())
            return "\(thousandths / 1000)." + String(format: "%03d", thousandths % 1000)
        }
        return nil
    }

    static func files(under folder: URL) -> [String] {
        (FileManager.default.enumerator(atPath: folder.path)?.allObjects as? [String] ?? []).sorted()
    }

    /// Runs ailabel under `timeout`, so an attack that makes it hang fails the test instead of stalling the suite.
    static func ailabel(_ arguments: [String], stdin: Data? = nil) throws -> ProcessResult {
        try ProcessRunner.run("timeout", ["120", ProcessRunner.ailabelBinary] + arguments, stdin: stdin)
    }

    // MARK: - Links

    @Test("ln -s <secret> up/shadow.txt; stamp up --out public: the secret is neither read nor copied")
    func linkToSecretIsNotCopied() throws {
        let folder = try Self.tree()
        defer { try? FileManager.default.removeItem(at: folder) }
        let secret = folder.appendingPathComponent("shadow")
        try Data("root:$6$secret-hash:19000:0:99999:7:::\n".utf8).write(to: secret)
        chmod(secret.path, 0o600)
        try Self.copyPhoto(to: folder.appendingPathComponent("up/a.jpg"))
        try FileManager.default.createSymbolicLink(atPath: folder.appendingPathComponent("up/shadow.txt").path, withDestinationPath: "/etc/shadow")
        try FileManager.default.createSymbolicLink(atPath: folder.appendingPathComponent("up/secret.jpg").path, withDestinationPath: secret.path)
        let public_ = folder.appendingPathComponent("public")
        let result = try Self.ailabel(["stamp", folder.appendingPathComponent("up").path, "--out", public_.path] + Self.stampOptions)
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        #expect(Self.files(under: public_) == ["a.jpg"], "only the real upload is written: \(Self.files(under: public_))")
        #expect(result.stderr.contains("shadow.txt") && result.stderr.contains("not followed"), "\(result.stderr)")
        #expect(!result.stdout.contains("secret-hash") && !result.stderr.contains("secret-hash"))
    }

    @Test("ln -s ../victim up/v; stamp up --in-place: nothing outside the tree is rewritten or given a sidecar")
    func linkToOutsideFolderUnderInPlace() throws {
        let folder = try Self.tree()
        defer { try? FileManager.default.removeItem(at: folder) }
        let victim = folder.appendingPathComponent("victim")
        try Self.copyPhoto(to: victim.appendingPathComponent("a.jpg"))
        try Data("%PDF-1.4\n".utf8).write(to: victim.appendingPathComponent("doc.pdf"))
        let before = try Self.bytes(victim.appendingPathComponent("a.jpg"))
        try FileManager.default.createSymbolicLink(atPath: folder.appendingPathComponent("up/v").path, withDestinationPath: "../victim")
        try FileManager.default.createSymbolicLink(atPath: folder.appendingPathComponent("up/root").path, withDestinationPath: "/")
        try Self.copyPhoto(to: folder.appendingPathComponent("up/b.jpg"))
        for follow in [false, true] {
            let result = try Self.ailabel(
                ["stamp", folder.appendingPathComponent("up").path, "--in-place"] + (follow ? ["--follow-symlinks"] : []) + Self.stampOptions)
            #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
            #expect(try Self.bytes(victim.appendingPathComponent("a.jpg")) == before, "the victim's image is untouched")
            #expect(Self.files(under: victim) == ["a.jpg", "doc.pdf"], "no sidecar outside the tree")
            #expect(result.stdout.contains("1 stamped") || result.stdout.contains("1 unchanged"), "\(result.stdout)")
            if follow { #expect(result.stderr.contains("outside"), "\(result.stderr)") }
        }
    }

    @Test("--follow-symlinks follows a link that stays inside the folder, and no other")
    func followSymlinksStaysInsideRoot() throws {
        let folder = try Self.tree()
        defer { try? FileManager.default.removeItem(at: folder) }
        try Self.copyPhoto(to: folder.appendingPathComponent("up/real/a.jpg"))
        try FileManager.default.createSymbolicLink(atPath: folder.appendingPathComponent("up/alias").path, withDestinationPath: "real")
        try Self.copyPhoto(to: folder.appendingPathComponent("elsewhere/b.jpg"))
        try FileManager.default.createSymbolicLink(atPath: folder.appendingPathComponent("up/out.jpg").path, withDestinationPath: "../elsewhere/b.jpg")
        let out = folder.appendingPathComponent("public")
        let result = try Self.ailabel(["stamp", folder.appendingPathComponent("up").path, "--out", out.path, "--follow-symlinks"] + Self.stampOptions)
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        #expect(Self.files(under: out) == ["alias", "alias/a.jpg", "real", "real/a.jpg"], "\(Self.files(under: out))")
        #expect(result.stderr.contains("out.jpg") && result.stderr.contains("outside"), "\(result.stderr)")
    }

    @Test("A link given as an argument is resolved once and stated; --in-place stamps its target and keeps the link")
    func linkArgumentIsResolvedAndStated() throws {
        let folder = try Self.tree()
        defer { try? FileManager.default.removeItem(at: folder) }
        let real = folder.appendingPathComponent("real.jpg")
        try Self.copyPhoto(to: real)
        let link = folder.appendingPathComponent("up/link.jpg")
        try FileManager.default.createSymbolicLink(atPath: link.path, withDestinationPath: real.path)
        let before = try Self.bytes(real)
        let result = try Self.ailabel(["stamp", link.path, "--in-place"] + Self.stampOptions)
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        #expect(result.stderr.contains("is a symbolic link to \(real.path)"), "\(result.stderr)")
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: link.path) == real.path, "the link is still a link")
        #expect(try Self.bytes(real) != before, "the target was stamped")
    }

    @Test("A dangling link in the tree is a warning with its own count; the stamp succeeds")
    func danglingLinkIsAWarning() throws {
        let folder = try Self.tree()
        defer { try? FileManager.default.removeItem(at: folder) }
        try Self.copyPhoto(to: folder.appendingPathComponent("up/a.jpg"))
        try FileManager.default.createSymbolicLink(atPath: folder.appendingPathComponent("up/gone.jpg").path, withDestinationPath: "nowhere.jpg")
        let result = try Self.ailabel(["stamp", folder.appendingPathComponent("up").path, "--out", folder.appendingPathComponent("o").path] + Self.stampOptions)
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        #expect(result.stdout.contains("1 warning"), "\(result.stdout)")
        #expect(result.stderr.contains("gone.jpg") && result.stderr.contains("does not exist"), "\(result.stderr)")
    }

    // MARK: - Non-regular files

    @Test("mkfifo up/pipe.jpg: stamp and verify skip it with a warning instead of hanging, in a tree and as an argument")
    func fifoDoesNotHang() throws {
        let folder = try Self.tree()
        defer { try? FileManager.default.removeItem(at: folder) }
        try Self.copyPhoto(to: folder.appendingPathComponent("up/a.jpg"))
        let fifo = folder.appendingPathComponent("up/pipe.jpg")
        #expect(mkfifo(fifo.path, 0o644) == 0)
        let up = folder.appendingPathComponent("up").path
        let stamp = try Self.ailabel(["stamp", up, "--out", folder.appendingPathComponent("o").path] + Self.stampOptions)
        #expect(stamp.status == 0, "\(stamp.stdout)\(stamp.stderr)")
        #expect(stamp.stderr.contains("pipe.jpg") && stamp.stderr.contains("FIFO"), "\(stamp.stderr)")
        let verify = try Self.ailabel(["verify", up, fifo.path])
        #expect(verify.status != 124, "verify did not hang")
        #expect(verify.stderr.contains("FIFO"), "\(verify.stderr)")
        let inspect = try Self.ailabel(["inspect", fifo.path])
        #expect(inspect.status != 124, "inspect did not hang")
    }

    // MARK: - Kinds, modes, owners

    @Test("stamp --out never copies key or certificate files, keeps 0600, and labels only documented kinds")
    func keyFilesAreNeverCopiedAndModesKept() throws {
        let folder = try Self.tree()
        defer { try? FileManager.default.removeItem(at: folder) }
        let up = folder.appendingPathComponent("up")
        try FileManager.default.createDirectory(at: up.appendingPathComponent("keys"), withIntermediateDirectories: true)
        try Data("-----BEGIN PRIVATE KEY-----\nMIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg\n-----END PRIVATE KEY-----\n".utf8)
            .write(to: up.appendingPathComponent("keys/signer.key"))
        chmod(up.appendingPathComponent("keys/signer.key").path, 0o600)
        try Data("-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n".utf8).write(to: up.appendingPathComponent("keys/notes.txt"))
        try Self.copyPhoto(to: up.appendingPathComponent("a.jpg"))
        chmod(up.appendingPathComponent("a.jpg").path, 0o600)
        try Data("print('hi')\n".utf8).write(to: up.appendingPathComponent("code.py"))
        try Data("%PDF-1.4\n".utf8).write(to: up.appendingPathComponent("doc.pdf"))
        chmod(up.appendingPathComponent("doc.pdf").path, 0o640)

        let out = folder.appendingPathComponent("public")
        let result = try Self.ailabel(["stamp", up.path, "--out", out.path] + Self.stampOptions)
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        #expect(Self.files(under: out) == ["a.jpg", "doc.pdf", "doc.pdf.xmp"], "\(Self.files(under: out))")
        #expect(Self.mode(out.appendingPathComponent("a.jpg")) == 0o600)
        #expect(Self.mode(out.appendingPathComponent("doc.pdf")) == 0o640)
        #expect(Self.mode(out.appendingPathComponent("doc.pdf.xmp")) == 0o640, "a sidecar is no wider than its file")
        #expect(result.stdout.contains("skipped: \(up.path)/keys/signer.key: a key or certificate file"), "\(result.stdout)")

        let all = folder.appendingPathComponent("all")
        let everything = try Self.ailabel(["stamp", up.path, "--out", all.path, "--sidecar-all"] + Self.stampOptions)
        #expect(everything.status == 0, "\(everything.stdout)\(everything.stderr)")
        #expect(Self.files(under: all) == ["a.jpg", "code.py", "code.py.xmp", "doc.pdf", "doc.pdf.xmp"], "\(Self.files(under: all))")
    }

    @Test("stamp --in-place gives no sidecar to code or .pem files")
    func inPlaceUnknownFilesGetNoSidecars() throws {
        let folder = try Self.tree()
        defer { try? FileManager.default.removeItem(at: folder) }
        let up = folder.appendingPathComponent("up")
        try Data("echo hi\n".utf8).write(to: up.appendingPathComponent("run.sh"))
        try Data("-----BEGIN CERTIFICATE-----\n".utf8).write(to: up.appendingPathComponent("ca.pem"))
        try Self.copyPhoto(to: up.appendingPathComponent("a.jpg"))
        let result = try Self.ailabel(["stamp", up.path, "--in-place"] + Self.stampOptions)
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        #expect(Self.files(under: up) == ["a.jpg", "ca.pem", "run.sh"], "\(Self.files(under: up))")
    }

    @Test("As root, --in-place keeps a file's owner (nobody), group, mode and extended attributes")
    func inPlaceKeepsOwnerModeAndAttributes() throws {
        let folder = try Self.tree()
        defer { try? FileManager.default.removeItem(at: folder) }
        let image = folder.appendingPathComponent("up/a.jpg")
        try Self.copyPhoto(to: image)
        let document = folder.appendingPathComponent("up/doc.pdf")
        try Data("%PDF-1.4\n".utf8).write(to: document)
        let tagged = "user.publisher.tag"
        for file in [image, document] {
            chmod(file.path, 0o640)
            _ = try ProcessRunner.run("python3", ["-c", "import os,sys; os.setxattr(sys.argv[1], sys.argv[2], b'kept')", file.path, tagged])
        }
        let isRoot = geteuid() == 0
        if isRoot { for file in [image, document] { chown(file.path, 65534, 65534) } }
        let result = try Self.ailabel(["stamp", folder.appendingPathComponent("up").path, "--in-place"] + Self.stampOptions)
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        for file in [image, document.appendingPathExtension("xmp")] {
            #expect(Self.mode(file) == 0o640, "\(file.lastPathComponent): mode \(String(Self.mode(file), radix: 8))")
            if isRoot { #expect(Self.owner(file) == (65534, 65534), "\(file.lastPathComponent) still belongs to nobody") }
            let attribute = try ProcessRunner.run("python3", ["-c", "import os,sys; print(os.getxattr(sys.argv[1], sys.argv[2]).decode())", file.path, tagged])
            #expect(attribute.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "kept", "\(file.lastPathComponent): \(attribute.stderr)")
        }
    }

    @Test("A read-only (0444) file is skipped by --in-place, by its mode even as root; --force rewrites it and keeps 0444")
    func readOnlyFileIsSkippedUnlessForced() throws {
        let folder = try Self.tree()
        defer { try? FileManager.default.removeItem(at: folder) }
        let image = folder.appendingPathComponent("up/a.jpg")
        try Self.copyPhoto(to: image)
        chmod(image.path, 0o444)
        let before = try Self.bytes(image)
        let skipped = try Self.ailabel(["stamp", image.path, "--in-place"] + Self.stampOptions)
        #expect(skipped.status == 0, "\(skipped.stdout)\(skipped.stderr)")
        #expect(skipped.stdout.contains("read-only"), "\(skipped.stdout)")
        #expect(try Self.bytes(image) == before)
        let forced = try Self.ailabel(["stamp", image.path, "--in-place", "--force"] + Self.stampOptions)
        #expect(forced.status == 0 && forced.stdout.contains("1 stamped"), "\(forced.stdout)\(forced.stderr)")
        #expect(try Self.bytes(image) != before)
        #expect(Self.mode(image) == 0o444)
    }

    @Test("A hard-linked file rewritten in place is reported: the other name keeps the original")
    func hardLinkIsReported() throws {
        let folder = try Self.tree()
        defer { try? FileManager.default.removeItem(at: folder) }
        let image = folder.appendingPathComponent("up/a.jpg")
        try Self.copyPhoto(to: image)
        #expect(link(image.path, folder.appendingPathComponent("other.jpg").path) == 0)
        let result = try Self.ailabel(["stamp", image.path, "--in-place"] + Self.stampOptions)
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        #expect(result.stdout.contains("2 hard links"), "\(result.stdout)")
    }

    // MARK: - Outputs

    @Test("stamp a/x.jpg b/x.jpg --out o: two inputs for one output are refused before anything is written")
    func outputCollisionIsRefused() throws {
        let folder = try Self.tree()
        defer { try? FileManager.default.removeItem(at: folder) }
        try Self.copyPhoto(to: folder.appendingPathComponent("a/x.jpg"))
        try Self.copyPhoto(to: folder.appendingPathComponent("b/x.jpg"), "media/exif.jpg")
        let out = folder.appendingPathComponent("o")
        let result = try Self.ailabel(
            ["stamp", folder.appendingPathComponent("a/x.jpg").path, folder.appendingPathComponent("b/x.jpg").path, "--out", out.path] + Self.stampOptions)
        #expect(result.status == 64, "\(result.stdout)\(result.stderr)")
        #expect(result.stderr.contains("x.jpg"), "\(result.stderr)")
        #expect(Self.files(under: out).isEmpty)
    }

    @Test("A list on standard input is streamed: two listed files meeting at one output refuse the run before anything is written; a listed path inside --out is a failed record, the rest stamped")
    func listedInputsAreGuarded() throws {
        let folder = try Self.tree()
        defer { try? FileManager.default.removeItem(at: folder) }
        let a = folder.appendingPathComponent("a/x.jpg"), b = folder.appendingPathComponent("b/x.jpg"), c = folder.appendingPathComponent("c/y.jpg")
        try Self.copyPhoto(to: a)
        try Self.copyPhoto(to: b, "media/exif.jpg")
        try Self.copyPhoto(to: c)
        let out = folder.appendingPathComponent("o")
        let meeting = try Self.ailabel(["stamp", "-0", "-", "--out", out.path] + Self.stampOptions, stdin: Data("\(a.path)\0\(c.path)\0\(b.path)\0".utf8))
        #expect(meeting.status == 64, "\(meeting.stdout)\(meeting.stderr)")
        #expect(meeting.stderr.contains("\(a.path) and \(b.path) would all be written to"), "\(meeting.stderr)")
        #expect(Self.files(under: out).isEmpty, "nothing was written")

        // A first run's output listed in a second run into the same --out: refused as an input inside --out.
        let first = try Self.ailabel(["stamp", c.path, "--out", out.path, "--json"] + Self.stampOptions)
        #expect(first.status == 0, "\(first.stderr)")
        let inside = out.appendingPathComponent("y.jpg")
        let before = try Self.bytes(inside)
        let second = try Self.ailabel(["stamp", "-", "--out", out.path, "--json"] + Self.stampOptions, stdin: Data("\(a.path)\n\(inside.path)\n".utf8))
        #expect(second.status == 1, "\(second.stdout)\(second.stderr)")
        let records = second.stdout.split(separator: "\n").compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
        #expect(records.count == 2, "\(second.stdout)")
        #expect(records.contains { $0["path"] as? String == inside.path && $0["status"] as? String == "failed" && ($0["error"] as? String ?? "").contains("inside --out") })
        #expect(records.contains { $0["path"] as? String == a.path && $0["status"] as? String == "stamped" })
        #expect(try Self.bytes(inside) == before, "the output listed as an input is left as it is")
    }

    @Test("--out equal to the input is refused; --out inside it is not walked (no nesting); a feed is never its own --out")
    func outInsideOrEqualToInput() throws {
        let folder = try Self.tree()
        defer { try? FileManager.default.removeItem(at: folder) }
        let up = folder.appendingPathComponent("up")
        try Self.copyPhoto(to: up.appendingPathComponent("a.jpg"))
        let before = try Self.bytes(up.appendingPathComponent("a.jpg"))
        let same = try Self.ailabel(["stamp", up.path, "--out", up.path + "/"] + Self.stampOptions)
        #expect(same.status == 64, "\(same.stdout)\(same.stderr)")
        #expect(try Self.bytes(up.appendingPathComponent("a.jpg")) == before, "the original is untouched")
        for _ in 0..<2 {
            let inside = try Self.ailabel(["stamp", up.path, "--out", up.appendingPathComponent("labelled").path] + Self.stampOptions)
            #expect(inside.status == 0, "\(inside.stdout)\(inside.stderr)")
        }
        #expect(Self.files(under: up) == ["a.jpg", "labelled", "labelled/a.jpg"], "\(Self.files(under: up))")
        let feed = folder.appendingPathComponent("feed.json")
        try FileManager.default.copyItem(at: Repository.fixture("catalog/products.json"), to: feed)
        let feedBefore = try Self.bytes(feed)
        let catalog = try Self.ailabel(["stamp", "--catalog", feed.path, "--out", feed.path])
        #expect(catalog.status == 64, "\(catalog.stdout)\(catalog.stderr)")
        #expect(try Self.bytes(feed) == feedBefore)
    }

    @Test("An existing sidecar that cannot be read (50 MB, or not XMP) stops its file and is left as it is")
    func unreadableSidecarIsNotReplaced() throws {
        let folder = try Self.tree()
        defer { try? FileManager.default.removeItem(at: folder) }
        let up = folder.appendingPathComponent("up")
        try Data("%PDF-1.4\n".utf8).write(to: up.appendingPathComponent("doc.pdf"))
        let big = up.appendingPathComponent("doc.pdf.xmp")
        FileManager.default.createFile(atPath: big.path, contents: nil)
        let handle = try FileHandle(forWritingTo: big)
        try handle.truncate(atOffset: 50 * 1024 * 1024)
        try handle.close()
        try Data("<x:xmpmeta><rdf:RDF><unclosed".utf8).write(to: up.appendingPathComponent("notes.txt.xmp"))
        try Data("notes\n".utf8).write(to: up.appendingPathComponent("notes.txt"))
        let broken = try Self.bytes(up.appendingPathComponent("notes.txt.xmp"))
        let result = try Self.ailabel(["stamp", up.path, "--in-place"] + Self.stampOptions)
        #expect(result.status == 1, "\(result.stdout)\(result.stderr)")
        #expect(result.stdout.contains("failed: \(up.path)/doc.pdf") && result.stdout.contains("existing sidecar"), "\(result.stdout)")
        #expect(result.stdout.contains("failed: \(up.path)/notes.txt"), "\(result.stdout)")
        var status = stat()
        stat(big.path, &status)
        #expect(status.st_size == 50 * 1024 * 1024, "the 50 MB sidecar is untouched")
        #expect(try Self.bytes(up.appendingPathComponent("notes.txt.xmp")) == broken)
    }

    // MARK: - Runs side by side and again

    @Test("Two concurrent --in-place runs over one folder: no failure, and each image is marked once")
    func concurrentInPlaceRunsTakeTurns() throws {
        let folder = try Self.tree()
        defer { try? FileManager.default.removeItem(at: folder) }
        let up = folder.appendingPathComponent("up")
        let reference = folder.appendingPathComponent("reference")
        let names = (0..<12).map { "img\($0).jpg" }
        for name in names {
            try Self.copyPhoto(to: up.appendingPathComponent(name))
            try Self.copyPhoto(to: reference.appendingPathComponent(name))
        }
        let options = ["--in-place", "--visible", "--watermark", "--content-id", "fixed-id"] + Self.stampOptions
        let single = try Self.ailabel(["stamp", reference.path] + options)
        #expect(single.status == 0, "\(single.stderr)")
        // Both runs start together (a Python parent, so neither waits for the other to be spawned).
        let script = """
            import subprocess, sys
            runs = [subprocess.Popen(sys.argv[1:], stdout=subprocess.PIPE, stderr=subprocess.STDOUT) for _ in range(2)]
            outputs = [run.communicate()[0].decode() for run in runs]
            for run, output in zip(runs, outputs):
                print("status", run.returncode)
                print(output)
            """
        let both = try ProcessRunner.run("python3", ["-c", script, ProcessRunner.ailabelBinary, "stamp", up.path] + options)
        #expect(both.stdout.components(separatedBy: "status 0").count == 3, "both runs succeed:\n\(both.stdout)\(both.stderr)")
        #expect(both.stdout.contains("12 unchanged"), "the second run found the files stamped:\n\(both.stdout)")
        for name in names {
            #expect(try Self.bytes(up.appendingPathComponent(name)) == Self.bytes(reference.appendingPathComponent(name)), "\(name) was marked once")
        }
        #expect(!Self.files(under: up).contains { $0.contains(".ailabel-tmp-") })
    }

    @Test("Re-running after a run with --visible and --watermark leaves the stamped files alone")
    func restampLeavesStampedFileAlone() throws {
        let folder = try Self.tree()
        defer { try? FileManager.default.removeItem(at: folder) }
        let image = folder.appendingPathComponent("up/a.png")
        try Self.copyPhoto(to: image, "media/photo.png")
        let options = ["--in-place", "--visible", "--watermark"] + Self.stampOptions
        let first = try Self.ailabel(["stamp", image.path] + options)
        #expect(first.status == 0 && first.stdout.contains("1 stamped"), "\(first.stdout)\(first.stderr)")
        let stamped = try Self.bytes(image)
        let second = try Self.ailabel(["stamp", image.path] + options)
        #expect(second.status == 0 && second.stdout.contains("1 unchanged"), "\(second.stdout)\(second.stderr)")
        #expect(try Self.bytes(image) == stamped)
        let different = try Self.ailabel(["stamp", image.path, "--in-place", "--producer", "Another LLP"])
        #expect(different.stdout.contains("1 stamped"), "a different label is written: \(different.stdout)\(different.stderr)")
    }

    // MARK: - Names and standard input

    @Test("Paths from standard input keep leading and trailing spaces; -0 reads NUL-separated names, newlines included")
    func standardInputKeepsNames() throws {
        let folder = try Self.tree()
        defer { try? FileManager.default.removeItem(at: folder) }
        let spaced = folder.appendingPathComponent("up/ a .jpg")
        let newline = folder.appendingPathComponent("up/two\nlines.jpg")
        try Self.copyPhoto(to: spaced)
        try Self.copyPhoto(to: newline)
        let lines = try Self.ailabel(["stamp", "-", "--in-place"] + Self.stampOptions, stdin: Data((spaced.path + "\n").utf8))
        #expect(lines.status == 0 && lines.stdout.contains("1 stamped"), "\(lines.stdout)\(lines.stderr)")
        let nul = try Self.ailabel(["stamp", "-", "-0", "--in-place"] + Self.stampOptions, stdin: Data((newline.path + "\0").utf8))
        #expect(nul.status == 0 && nul.stdout.contains("1 stamped"), "\(nul.stdout)\(nul.stderr)")
        #expect(nul.stdout.contains("two\\nlines.jpg"), "the newline is shown escaped: \(nul.stdout)")
    }
}

extension HostileTreeTests {
    @Test("A sidecar over its size limit fails the audit (unreadable, exit 1), never no-ai-evidence")
    func oversizedSidecarFailsAudit() throws {
        let folder = try Self.tree()
        defer { try? FileManager.default.removeItem(at: folder) }
        let up = folder.appendingPathComponent("up")
        try Data("%PDF-1.4\n".utf8).write(to: up.appendingPathComponent("doc.pdf"))
        let sidecar = up.appendingPathComponent("doc.pdf.xmp")
        FileManager.default.createFile(atPath: sidecar.path, contents: nil)
        let handle = try FileHandle(forWritingTo: sidecar)
        try handle.truncate(atOffset: 50 * 1024 * 1024)
        try handle.close()
        let result = try Self.ailabel(["verify", up.path])
        #expect(result.status == 1, "\(result.stdout)\(result.stderr)")
        #expect(result.stdout.contains("unreadable") && result.stdout.contains("doc.pdf"), "\(result.stdout)")
        #expect(!result.stdout.contains("no-ai-evidence      "), "\(result.stdout)")
    }

    @Test("--font /home/alice/... publishes no path: the badge records the font's family, style and version only")
    func fontPathIsNotRecorded() throws {
        let folder = try Self.tree()
        defer { try? FileManager.default.removeItem(at: folder) }
        let home = folder.appendingPathComponent("home/alice-secret-user/fonts")
        try FileManager.default.createDirectory(at: home, withIntermediateDirectories: true)
        try FileManager.default.copyItem(
            at: URL(fileURLWithPath: "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"), to: home.appendingPathComponent("MyFont.ttf"))
        let image = folder.appendingPathComponent("up/a.jpg")
        try Self.copyPhoto(to: image)
        let result = try Self.ailabel(
            ["stamp", image.path, "--in-place", "--visible", "--lang", "en", "--font", home.appendingPathComponent("MyFont.ttf").path] + Self.stampOptions)
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        let bytes = try Self.bytes(image)
        #expect(bytes.range(of: Data("alice-secret-user".utf8)) == nil, "the font's path is not in the file")
        #expect(bytes.range(of: Data("DejaVu Sans".utf8)) != nil, "its family is")
        // The record names the font as {family, style, version}, the version being the font's own head-table
        // revision (read here from the file, not from ailabel), and nothing else.
        let version = try #require(try Self.fontRevision(of: home.appendingPathComponent("MyFont.ttf")))
        let text = String(decoding: bytes, as: UTF8.self)
        let quote = "(?:\"|&quot;|&#34;)"
        let recorded = "\\{\(quote)family\(quote):\(quote)DejaVu Sans\(quote),\(quote)style\(quote):\(quote)Bold\(quote),"
            + "\(quote)version\(quote):\(quote)\(NSRegularExpression.escapedPattern(for: version))\(quote)\\}"
        #expect(text.range(of: recorded, options: .regularExpression) != nil, "the font is recorded by family, style and version \(version)")
        let verify = try Self.ailabel(["verify", image.path, "--scan", "full", "--format", "json"])
        #expect(verify.stdout.contains("\"kind\" : \"visible\""), "\(verify.stdout)")
    }
}

// MARK: - Names that are not UTF-8

extension HostileTreeTests {
    /// Creates `name` (raw bytes) in `folder` holding `contents`, with C calls: Foundation would encode the name as UTF-8.
    static func createFile(named name: [UInt8], in folder: URL, contents: Data) throws {
        let path = Array(folder.path.utf8) + [UInt8(ascii: "/")] + name + [0]
        let descriptor = path.withUnsafeBufferPointer { buffer in
            buffer.baseAddress!.withMemoryRebound(to: CChar.self, capacity: buffer.count) { open($0, O_WRONLY | O_CREAT | O_EXCL, 0o644) }
        }
        try #require(descriptor >= 0, "created the file")
        defer { close(descriptor) }
        let written = contents.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
        try #require(written == contents.count)
    }

    /// The entries of `folder` as the kernel has them: raw bytes, not decoded.
    static func rawNames(in folder: URL) -> [[UInt8]] {
        guard let handle = opendir(folder.path) else { return [] }
        defer { closedir(handle) }
        var names: [[UInt8]] = []
        while let entry = readdir(handle) {
            let name = withUnsafePointer(to: entry.pointee.d_name) { pointer in
                let start = UnsafeRawPointer(pointer).assumingMemoryBound(to: UInt8.self)
                return Array(UnsafeBufferPointer(start: start, count: strlen(UnsafeRawPointer(pointer).assumingMemoryBound(to: CChar.self))))
            }
            if name != Array(".".utf8) && name != Array("..".utf8) { names.append(name) }
        }
        return names.sorted { $0.lexicographicallyPrecedes($1) }
    }

    static func rawFile(named name: [UInt8], in folder: URL) throws -> Data {
        let path = Array(folder.path.utf8) + [UInt8(ascii: "/")] + name + [0]
        let descriptor = path.withUnsafeBufferPointer { buffer in
            buffer.baseAddress!.withMemoryRebound(to: CChar.self, capacity: buffer.count) { open($0, O_RDONLY) }
        }
        try #require(descriptor >= 0, "the file exists under its own bytes")
        defer { close(descriptor) }
        var data = Data()
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = read(descriptor, &chunk, chunk.count)
            if count <= 0 { break }
            data.append(contentsOf: chunk[0..<count])
        }
        return data
    }

    @Test("A name with bytes that are not UTF-8 (img-\\xff\\xfe.jpg) is stamped under its own bytes, --out and --in-place, and reported escaped")
    func nonUTF8NameIsStampedUnderItsOwnBytes() throws {
        let folder = try Self.tree()
        defer { try? FileManager.default.removeItem(at: folder) }
        let up = folder.appendingPathComponent("up")
        let name: [UInt8] = Array("img-".utf8) + [0xFF, 0xFE] + Array(".jpg".utf8)
        let original = try Data(contentsOf: Repository.fixture("media/photo-640x480.jpg"))
        try Self.createFile(named: name, in: up, contents: original)

        let out = folder.appendingPathComponent("public")
        let stamped = try Self.ailabel(["stamp", up.path, "--out", out.path] + Self.stampOptions)
        #expect(stamped.status == 0 && stamped.stdout.contains("1 stamped"), "\(stamped.stdout)\(stamped.stderr)")
        #expect(stamped.stdout.contains("img-\\xff\\xfe.jpg"), "the report shows the bytes escaped: \(stamped.stdout)")
        #expect(Self.rawNames(in: out) == [name], "the output has exactly the input's name bytes, and nothing under a mangled name")
        let output = try Self.rawFile(named: name, in: out)
        #expect(output != original && output.range(of: Data("Test Model".utf8)) != nil, "the output is the stamped file")

        let verify = try Self.ailabel(["verify", out.path, "--format", "json"])
        #expect(verify.stdout.contains("img-\\\\xff\\\\xfe.jpg"), "JSON names the bytes as \\xNN text: \(verify.stdout)")
        #expect((try? JSONSerialization.jsonObject(with: Data(verify.stdout.utf8))) != nil, "the JSON report is valid")
        #expect(verify.stdout.contains("\"verdict\" : \"compliant\""), "\(verify.stdout)")

        let inPlace = try Self.ailabel(["stamp", up.path, "--in-place"] + Self.stampOptions)
        #expect(inPlace.status == 0 && inPlace.stdout.contains("1 stamped"), "\(inPlace.stdout)\(inPlace.stderr)")
        #expect(Self.rawNames(in: up) == [name], "stamped in place under its own name; no file under a mangled name")
        let listed = try Self.ailabel(["verify", "-", "-0"], stdin: Data(Array(up.path.utf8) + [UInt8(ascii: "/")] + name + [0]))
        #expect(listed.stdout.contains("compliant") && listed.stdout.contains("img-\\xff\\xfe.jpg"), "a name from standard input (-0) reaches the file: \(listed.stdout)\(listed.stderr)")
        #expect(try Self.rawFile(named: name, in: up).range(of: Data("Test Model".utf8)) != nil, "the original was stamped")
    }

    @Test("A name that legitimately holds a U+F7xx character (the escape range) round-trips byte for byte")
    func privateUseNameRoundTrips() throws {
        let folder = try Self.tree()
        defer { try? FileManager.default.removeItem(at: folder) }
        let up = folder.appendingPathComponent("up")
        let name = Array("img-\u{F7FF}\u{F741}.jpg".utf8)
        try Self.createFile(named: name, in: up, contents: try Data(contentsOf: Repository.fixture("media/photo-640x480.jpg")))
        let out = folder.appendingPathComponent("public")
        let stamped = try Self.ailabel(["stamp", up.path, "--out", out.path] + Self.stampOptions)
        #expect(stamped.status == 0 && stamped.stdout.contains("1 stamped"), "\(stamped.stdout)\(stamped.stderr)")
        #expect(Self.rawNames(in: out) == [name], "the output has exactly the input's name bytes")
        let inPlace = try Self.ailabel(["stamp", up.path, "--in-place"] + Self.stampOptions)
        #expect(inPlace.status == 0 && inPlace.stdout.contains("1 stamped"), "\(inPlace.stdout)\(inPlace.stderr)")
        #expect(Self.rawNames(in: up) == [name])
    }

    // MARK: - Files a medium names

    @Test("An MP3 hiding a concat script behind its ID3 tag: verify --scan full does not decode the watermarked WAV it names in the working directory")
    func scriptBehindID3DoesNotReadTheWorkingDirectory() throws {
        let folder = try Self.tree()
        defer { try? FileManager.default.removeItem(at: folder) }
        // The file the scripts name (Fixtures/media/pcm16.wav, relative to where ailabel runs): a WAV that
        // carries ailabel's audio watermark. Had FFmpeg followed the script, the MP3's report would name
        // that watermark as its own evidence.
        let marked = folder.appendingPathComponent("marked")
        let stamp = try Self.ailabel(["stamp", Repository.fixture("media/music-6s.wav").path, "--watermark", "--out", marked.path] + Self.stampOptions)
        #expect(stamp.status == 0, "\(stamp.stdout)\(stamp.stderr)")
        let named = folder.appendingPathComponent("Fixtures/media/pcm16.wav")
        try FileManager.default.createDirectory(at: named.deletingLastPathComponent(), withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: marked.appendingPathComponent("music-6s.wav"), to: named)
        func report(_ path: String) throws -> [String: Any] {
            let result = try ProcessRunner.run("env", ["-C", folder.path, "timeout", "120", ProcessRunner.ailabelBinary, "verify", "--scan", "full", "--format", "json", path])
            let files = try #require((try JSONSerialization.jsonObject(with: result.stdoutData) as? [String: Any])?["files"] as? [[String: Any]], "\(result.stderr)")
            return try #require(files.first)
        }
        func sources(_ file: [String: Any]) -> [String] { (file["aiEvidence"] as? [[String: Any]] ?? []).compactMap { $0["source"] as? String } }
        func codes(_ file: [String: Any]) -> [String] { (file["findings"] as? [[String: Any]] ?? []).compactMap { $0["code"] as? String } }
        let direct = try report("Fixtures/media/pcm16.wav")
        #expect(sources(direct).contains("watermark:ailabel"), "the named WAV itself carries the mark: \(direct)")
        for name in ["mp3-concat-script-behind-id3.mp3", "mp3-hls-playlist-behind-id3.mp3"] {
            try FileManager.default.copyItem(at: Repository.fixture("malformed/" + name), to: folder.appendingPathComponent("up/" + name))
            // Before the fix the concat one read `missing-disclosure`, evidence "ailabel watermark, label ID …".
            let file = try report("up/" + name)
            #expect(file["verdict"] as? String == "no-ai-evidence", "\(name): \(file)")
            #expect(!sources(file).contains("watermark:ailabel"), "\(name): another file's watermark reported")
            #expect(codes(file).contains("audio.undecodable"), "\(name): \(file)")
        }
    }
}
