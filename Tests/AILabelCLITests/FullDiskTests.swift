import AILabelTestSupport
import Foundation
import Testing

/// A disk that fills up in the middle of a batch: every file must end as its untouched original or
/// as the complete stamped file, with no temporary file left and each failure named.
@Suite("Full disk during a batch stamp")
struct FullDiskTests {
    static let time = "2026-01-18T09:00:00Z"
    static let stampOptions = ["--time", time, "--content-id", "fixed-id", "--json"]

    /// Copies the media fixtures into `folder` and stamps them once more into `reference`, so that a
    /// complete stamped file can be recognised byte for byte.
    static func prepare(in folder: URL, reference: URL) throws -> [String] {
        let names = Repository.fixtureFiles(in: "media").map { ($0 as NSString).lastPathComponent }
            .filter { $0 != "huge-dimensions.png" }
        for name in names {
            try FileManager.default.copyItem(at: Repository.fixture("media/\(name)"), to: folder.appendingPathComponent(name))
        }
        let result = try ProcessRunner.ailabel(["stamp", Repository.fixture("media").path + "/", "--out", reference.path] + stampOptions)
        #expect(result.status == 0 || result.status == 1, "\(result.stderr)")
        return names
    }

    /// Every file is the original or the reference stamp; no temporary file is left.
    static func checkOutcome(folder: URL, reference: URL, names: [String], result: ProcessResult) throws -> (stamped: Int, untouched: Int) {
        var stamped = 0, untouched = 0
        for name in names {
            let now = FileManager.default.contents(atPath: folder.appendingPathComponent(name).path)
            let original = FileManager.default.contents(atPath: Repository.fixture("media/\(name)").path)
            let complete = FileManager.default.contents(atPath: reference.appendingPathComponent(name).path)
            if now == complete { stamped += 1 } else if now == original { untouched += 1 } else {
                Issue.record("\(name) is neither the original nor the complete stamped file")
            }
        }
        let left = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasPrefix(".ailabel-tmp") }
        #expect(left.isEmpty, "temporary files left: \(left)")
        #expect(result.status == 1, "a batch with failed files exits 1")
        return (stamped, untouched)
    }

    /// ThreadSanitizer's runtime itself dies with SIGBUS under a small RLIMIT_FSIZE, so scripts/tsan
    /// (which sets AILABEL_TSAN) leaves this one test out; the tmpfs test covers a full disk there.
    static var underThreadSanitizer: Bool { ProcessInfo.processInfo.environment["AILABEL_TSAN"] != nil }

    @Test("A per-file size limit (RLIMIT_FSIZE) makes large writes fail midway; nothing is damaged", .disabled(if: underThreadSanitizer))
    func fileSizeLimit() throws {
        let folder = try Repository.temporaryDirectory("ailabel-fsize")
        let reference = try Repository.temporaryDirectory("ailabel-fsize-ref")
        defer {
            try? FileManager.default.removeItem(at: folder)
            try? FileManager.default.removeItem(at: reference)
        }
        let names = try Self.prepare(in: folder, reference: reference)
        // Writes past 20 KB fail with EFBIG (SIGXFSZ ignored, so the write returns the error instead
        // of killing the process): small files get stamped, large ones fail part-way through the write.
        let script = """
            import resource, signal, subprocess, sys
            def limit():
                signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
                resource.setrlimit(resource.RLIMIT_FSIZE, (20000, 20000))
            result = subprocess.run(sys.argv[1:], preexec_fn=limit, capture_output=True, text=True)
            sys.stdout.write(result.stdout); sys.stderr.write(result.stderr); sys.exit(result.returncode)
            """
        let result = try ProcessRunner.run(
            "python3", ["-c", script, ProcessRunner.ailabelBinary, "stamp", folder.path + "/", "--in-place", "--jobs", "2"] + Self.stampOptions)
        let (stamped, untouched) = try Self.checkOutcome(folder: folder, reference: reference, names: names, result: result)
        #expect(stamped > 0 && untouched > 0, "the limit splits the batch: \(stamped) stamped, \(untouched) untouched")
        #expect((result.stdout + result.stderr).lowercased().contains("file too large"), "the failure says why")
    }

    /// A real full disk needs a small tmpfs, which needs the privilege to mount; CI runs as root.
    static var canMount: Bool { geteuid() == 0 && FileManager.default.isExecutableFile(atPath: "/usr/bin/mount") }

    @Test("A tmpfs that fills up during an in-place batch leaves every file whole", .enabled(if: canMount))
    func tmpfsFills() throws {
        let mountPoint = try Repository.temporaryDirectory("ailabel-tmpfs")
        let reference = try Repository.temporaryDirectory("ailabel-tmpfs-ref")
        defer {
            _ = try? ProcessRunner.run("umount", [mountPoint.path])
            try? FileManager.default.removeItem(at: mountPoint)
            try? FileManager.default.removeItem(at: reference)
        }
        // Room for the originals (about 400 KB) plus a little: the stamped copies cannot all fit.
        let mounted = try ProcessRunner.run("mount", ["-t", "tmpfs", "-o", "size=480k", "tmpfs", mountPoint.path])
        try #require(mounted.status == 0, "mount: \(mounted.stderr)")
        let names = try Self.prepare(in: mountPoint, reference: reference)
        let result = try ProcessRunner.ailabel(["stamp", mountPoint.path + "/", "--in-place", "--jobs", "2"] + Self.stampOptions)
        let (_, untouched) = try Self.checkOutcome(folder: mountPoint, reference: reference, names: names, result: result)
        #expect(untouched > 0, "the disk filled up")
        #expect(result.stdout.contains("No space left on device") || result.stderr.contains("No space left on device"))
        // With room again, the same command finishes the batch.
        let again = try ProcessRunner.run("mount", ["-o", "remount,size=4m", mountPoint.path])
        try #require(again.status == 0)
        #expect(try ProcessRunner.ailabel(["stamp", mountPoint.path + "/", "--in-place"] + Self.stampOptions).status == 0)
        for name in names {
            #expect(FileManager.default.contents(atPath: mountPoint.appendingPathComponent(name).path)
                == FileManager.default.contents(atPath: reference.appendingPathComponent(name).path), "\(name)")
        }
    }
}
