import AILabelMedia
import AILabelTestSupport
import Foundation
import Testing

/// `ailabel stamp INIT.mp4 --fragments GLOB --out DIR` and `ailabel verify INIT.mp4 --fragments GLOB`
/// end to end on ffmpeg's DASH output: one record named by the init segment, a changed fragment failing
/// alone and named, a missing fragment said, and hostile globs refused before anything is read.
@Suite("Fragmented MP4 through stamp --fragments and verify --fragments", .serialized)
struct FragmentCLITests {
    static let segments = ["seg-1.m4s", "seg-2.m4s", "seg-3.m4s", "seg-4.m4s"]
    /// Signing an init segment needs the MP4 handler (issue 17's MP4/MOV part, landed separately).
    static let mp4Registered = AssetRegistry.standard.format(claimedByPath: "init.mp4") != nil

    static func workspace() throws -> (folder: URL, input: URL, signing: [String], trust: String) {
        let folder = try Repository.temporaryDirectory()
        let input = folder.appendingPathComponent("in")
        try FileManager.default.createDirectory(at: input, withIntermediateDirectories: true)
        for name in ["init.mp4"] + segments {
            try FileManager.default.copyItem(at: Repository.fixture("fragments/dash/" + name), to: input.appendingPathComponent(name))
        }
        let keys = folder.appendingPathComponent("keys")
        #expect(try ProcessRunner.ailabel(["keys", "init", keys.path]).status == 0)
        let signing = ["--sign-key", keys.appendingPathComponent("signer.key").path, "--sign-chain", keys.appendingPathComponent("signer-chain.pem").path]
        return (folder, input, signing, keys.appendingPathComponent("trust-anchors.pem").path)
    }

    static func files(_ run: ProcessResult) throws -> [[String: Any]] {
        try #require((try JSONSerialization.jsonObject(with: run.stdoutData) as? [String: Any])?["files"] as? [[String: Any]], "\(run.stderr)")
    }

    @Test("stamp --fragments signs the init segment and every fragment as one record; verify --fragments judges it Trusted; a changed fragment fails alone, named; a missing one is said",
          .enabled(if: mp4Registered, "the MP4 handler is not registered yet"))
    func stampAndVerify() throws {
        let (folder, input, signing, trust) = try Self.workspace()
        defer { try? FileManager.default.removeItem(at: folder) }
        let output = folder.appendingPathComponent("out")
        let stamp = try ProcessRunner.ailabel(["stamp", input.appendingPathComponent("init.mp4").path, "--fragments", "seg-*.m4s", "--out", output.path, "--json", "--time", "2026-01-18T09:00:00Z"] + signing)
        #expect(stamp.status == 0, "\(stamp.stdout) \(stamp.stderr)")
        let lines = stamp.stdout.split(separator: "\n").compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
        #expect(lines.count == 1, "one record: \(stamp.stdout)")
        #expect(lines.first?["status"] as? String == "stamped" && lines.first?["format"] as? String == "mp4" && lines.first?["fragments"] as? Int == 4, "\(lines)")
        for name in ["init.mp4"] + Self.segments {
            #expect(FileManager.default.fileExists(atPath: output.appendingPathComponent(name).path), "\(name) written")
        }

        let initSegment = output.appendingPathComponent("init.mp4").path
        let verify = try ProcessRunner.ailabel(["verify", initSegment, "--fragments", "seg-*.m4s", "--trust", trust, "--format", "json", "--fail-on", ""])
        let records = try Self.files(verify)
        #expect(records.count == 1, "one record for the fragmented asset: \(records.count)")
        let record = try #require(records.first)
        #expect(record["format"] as? String == "mp4" && record["verdict"] as? String != "invalid-disclosure", "\(record)")
        #expect((record["c2pa"] as? [String: Any])?["state"] as? String == "Trusted", "\(record)")

        // One byte of the third fragment's media: that fragment alone fails, by name.
        let changed = output.appendingPathComponent("seg-3.m4s")
        var bytes = [UInt8](try Data(contentsOf: changed))
        bytes[bytes.count - 40] ^= 0x02
        try Data(bytes).write(to: changed)
        let tampered = try ProcessRunner.ailabel(["verify", initSegment, "--fragments", "seg-*.m4s", "--trust", trust, "--format", "json", "--fail-on", ""])
        let tamperedRecord = try #require(try Self.files(tampered).first)
        #expect(tamperedRecord["verdict"] as? String == "invalid-disclosure", "\(tamperedRecord)")
        let messages = (tamperedRecord["findings"] as? [[String: Any]] ?? []).filter { $0["code"] as? String == "c2pa.assertion.bmffHash.mismatch" }
            .compactMap { $0["message"] as? String }
        #expect(messages.count == 1 && messages[0].contains("seg-3.m4s"), "\(messages)")
        #expect(!messages.joined().contains("seg-1.m4s") && !messages.joined().contains("seg-4.m4s"))
        let text = try ProcessRunner.ailabel(["verify", initSegment, "--fragments", "seg-*.m4s", "--trust", trust, "--fail-on", ""])
        #expect(text.stdout.contains("seg-3.m4s"), "the text report names the fragment: \(text.stdout)")

        // A fragment missing: the set says which leaf has none.
        try FileManager.default.removeItem(at: changed)
        let missing = try ProcessRunner.ailabel(["verify", initSegment, "--fragments", "seg-*.m4s", "--trust", trust, "--format", "json", "--fail-on", ""])
        let missingMessages = (try #require(try Self.files(missing).first)["findings"] as? [[String: Any]] ?? []).compactMap { $0["message"] as? String }
        #expect(missingMessages.contains { $0.contains("1 of the 4 signed fragments is missing (leaf 2)") }, "\(missingMessages)")
    }

    @Test("Attack: --fragments globs that are absolute, climb out with .., or match a link out of the folder are refused (exit 64) naming them; so is --fragments with two paths or --in-place")
    func hostileGlobs() throws {
        let (folder, input, signing, trust) = try Self.workspace()
        defer { try? FileManager.default.removeItem(at: folder) }
        let initSegment = input.appendingPathComponent("init.mp4").path
        let output = folder.appendingPathComponent("out").path
        for pattern in ["/etc/*", "../*", "x/../../*.m4s"] {
            let stamp = try ProcessRunner.ailabel(["stamp", initSegment, "--fragments", pattern, "--out", output] + signing)
            #expect(stamp.status == 64 && stamp.stderr.contains(pattern), "\(pattern): \(stamp.stderr)")
            let verify = try ProcessRunner.ailabel(["verify", initSegment, "--fragments", pattern, "--trust", trust])
            #expect(verify.status == 64, "\(pattern): \(verify.stderr)")
        }
        try FileManager.default.createSymbolicLink(atPath: input.appendingPathComponent("seg-0.m4s").path, withDestinationPath: "/etc/hostname")
        let linked = try ProcessRunner.ailabel(["stamp", initSegment, "--fragments", "seg-*.m4s", "--out", output] + signing)
        #expect(linked.status == 64 && linked.stderr.contains("seg-0.m4s") && linked.stderr.contains("symbolic link out of"), "\(linked.stderr)")
        #expect(!FileManager.default.fileExists(atPath: output), "nothing written")
        let two = try ProcessRunner.ailabel(["stamp", initSegment, initSegment, "--fragments", "seg-*.m4s", "--out", output] + signing)
        #expect(two.status == 64, "\(two.stderr)")
        let inPlace = try ProcessRunner.ailabel(["stamp", initSegment, "--fragments", "seg-*.m4s", "--in-place"] + signing)
        #expect(inPlace.status == 64, "\(inPlace.stderr)")
        let intoInput = try ProcessRunner.ailabel(["stamp", initSegment, "--fragments", "seg-[1-4].m4s", "--out", input.path] + signing)
        #expect(intoInput.status == 64, "--out the init segment's own folder would overwrite the fragments: \(intoInput.stderr)")
    }
}
