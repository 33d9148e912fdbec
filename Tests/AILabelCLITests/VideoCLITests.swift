import AILabelTestSupport
import Foundation
import Testing

/// Video end to end through the CLI (MP4 through the MP4 handler; frames through libav): the badge and the
/// watermark drawn, the manifest signed and read Trusted by the reference SDK, ffprobe and ffmpeg reading
/// the result without error, verify finding both marks; then the metadata stripped by a re-encode (the
/// watermark still names the label), and the badge cut away or blurred (invalid-disclosure, said which).
@Suite("Video through stamp and verify")
struct VideoCLITests {
    static func records(_ output: String) -> [[String: Any]] {
        output.split(separator: "\n").compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
    }

    static func verify(_ path: String, _ extra: [String] = []) throws -> [String: Any] {
        let result = try ProcessRunner.ailabel(["verify", path, "--scan", "full", "--format", "json"] + extra)
        let files = try #require((try JSONSerialization.jsonObject(with: result.stdoutData) as? [String: Any])?["files"] as? [[String: Any]], "\(result.stderr)")
        return try #require(files.first)
    }

    static func ffmpeg(_ arguments: [String]) throws {
        let result = try ProcessRunner.run("ffmpeg", ["-hide_banner", "-loglevel", "error", "-y"] + arguments)
        #expect(result.status == 0, "ffmpeg \(arguments): \(result.stderr)")
    }

    @Test("A signed stamp with badge and watermark: the SDK says Trusted, ffprobe and ffmpeg read it cleanly, verify finds both marks")
    func stampSigned() throws {
        let folder = try Repository.temporaryDirectory("video-cli")
        defer { try? FileManager.default.removeItem(at: folder) }
        let keys = folder.appendingPathComponent("keys")
        #expect(try ProcessRunner.ailabel(["keys", "init", keys.path]).status == 0)
        let input = folder.appendingPathComponent("clip.mp4").path
        try FileManager.default.copyItem(atPath: Repository.fixture("video/h264-aac-subtitle.mp4").path, toPath: input)
        let output = folder.appendingPathComponent("out")
        let stamp = try ProcessRunner.ailabel([
            "stamp", input, "--out", output.path, "--json", "--profile", "eu", "--visible", "--watermark",
            "--sign-key", keys.appendingPathComponent("signer.key").path, "--sign-chain", keys.appendingPathComponent("signer-chain.pem").path,
        ])
        #expect(stamp.status == 0, "\(stamp.stderr)")
        let record = try #require(Self.records(stamp.stdout).first)
        let layers = record["layers"] as? [String] ?? []
        #expect(Set(["visible", "watermark", "c2pa"]).isSubset(of: Set(layers)), "\(record)")
        let stamped = output.appendingPathComponent("clip.mp4").path

        // The reference SDK: Trusted, with the badge's action carrying its digital source type.
        let trust = keys.appendingPathComponent("trust-anchors.pem").path
        let sdk = try ProcessRunner.run(Repository.python, [Repository.root().appendingPathComponent("Fixtures/c2pa/referee.py").path, "read", stamped, "--trust", trust])
        let verdict = try #require(try JSONSerialization.jsonObject(with: sdk.stdoutData) as? [String: Any], "\(sdk.stderr)")
        #expect(verdict["state"] as? String == "Trusted", "\(verdict)")
        #expect((verdict["digitalSourceTypes"] as? [String] ?? []).contains { $0.hasSuffix("/algorithmicMedia") }, "\(verdict)")

        // ffprobe and ffmpeg: no error, the same streams (video H.264, AAC, subtitle) and ten frames.
        let probe = try ProcessRunner.run("ffprobe", ["-v", "error", "-show_entries", "stream=codec_name", "-of", "csv=p=0", stamped])
        #expect(probe.status == 0 && probe.stderr.isEmpty, "\(probe.stderr)")
        #expect(probe.stdout.split(separator: "\n") == ["h264", "aac", "mov_text"])
        let decode = try ProcessRunner.run("ffmpeg", ["-v", "error", "-i", stamped, "-f", "null", "-"])
        #expect(decode.status == 0 && decode.stderr.isEmpty, "\(decode.stderr)")

        // exiftool reads the label and the badge's time span.
        let exif = try ProcessRunner.run("exiftool", ["-j", "-XMP-iptcExt:DigitalSourceType", "-XMP-ailabel:all", stamped])
        #expect(exif.stdout.contains("trainedAlgorithmicMedia"), "\(exif.stdout) \(exif.stderr)")

        let file = try Self.verify(stamped, ["--profile", "eu", "--trust", trust])
        #expect(file["verdict"] as? String == "compliant", "\(file)")
        let disclosures = file["disclosures"] as? [[String: Any]] ?? []
        for kind in ["visible", "watermark"] {
            #expect(disclosures.contains { $0["kind"] as? String == kind && $0["intact"] as? Bool == true }, "\(kind): \(disclosures)")
        }
    }

    @Test("Metadata stripped and re-encoded: missing-disclosure, with the watermark's label ID as evidence")
    func strippedAndReencoded() throws {
        let folder = try Repository.temporaryDirectory("video-cli")
        defer { try? FileManager.default.removeItem(at: folder) }
        let input = folder.appendingPathComponent("clip.mp4").path
        try FileManager.default.copyItem(atPath: Repository.fixture("video/h264-3s.mp4").path, toPath: input)
        let output = folder.appendingPathComponent("out")
        let stamp = try ProcessRunner.ailabel(["stamp", input, "--out", output.path, "--json", "--watermark", "--no-visible"])
        let record = try #require(Self.records(stamp.stdout).first, "\(stamp.stderr)")
        #expect((record["layers"] as? [String] ?? []).contains("watermark"), "\(record)")
        let labelID = try #require(record["labelID"] as? String)
        let reencoded = folder.appendingPathComponent("reencoded.mp4").path
        try Self.ffmpeg(["-i", output.appendingPathComponent("clip.mp4").path, "-map_metadata", "-1", "-c:v", "libx264", "-crf", "23", "-an", reencoded])
        let file = try Self.verify(reencoded)
        #expect(file["verdict"] as? String == "missing-disclosure", "\(file)")
        let evidence = file["aiEvidence"] as? [[String: Any]] ?? []
        #expect(evidence.contains { ($0["detail"] as? String) == "ailabel watermark, label ID \(labelID)" }, "\(evidence)")
    }

    @Test("A badge declared for the first seconds that are cut away, or blurred, is invalid-disclosure, said which")
    func badgeGone() throws {
        let folder = try Repository.temporaryDirectory("video-cli")
        defer { try? FileManager.default.removeItem(at: folder) }
        let input = folder.appendingPathComponent("clip.mp4").path
        try FileManager.default.copyItem(atPath: Repository.fixture("video/h264-3s.mp4").path, toPath: input)
        let output = folder.appendingPathComponent("out")
        let stamp = try ProcessRunner.ailabel([
            "stamp", input, "--out", output.path, "--json", "--visible", "--no-watermark", "--visible-span", "start", "--visible-seconds", "2",
        ])
        #expect(stamp.status == 0, "\(stamp.stderr)")
        let stamped = output.appendingPathComponent("clip.mp4").path
        let intact = try Self.verify(stamped)
        #expect(intact["verdict"] as? String == "compliant", "\(intact)")

        // Each attack re-encodes, then exiftool copies the stamped file's XMP packet (the badge's record) back in whole.
        for (name, attack) in [("cut", ["-ss", "2"]), ("blurred", ["-vf", "boxblur=8:2"])] {
            let attacked = folder.appendingPathComponent("\(name).mp4").path
            let arguments = name == "cut" ? attack + ["-i", stamped] : ["-i", stamped] + attack
            try Self.ffmpeg(arguments + ["-c:v", "libx264", "-crf", "18", "-an", attacked])
            let copy = try ProcessRunner.run("exiftool", ["-q", "-overwrite_original", "-tagsFromFile", stamped, "-xmp", attacked])
            #expect(copy.status == 0, "\(copy.stderr)")
            let file = try Self.verify(attacked)
            #expect(file["verdict"] as? String == "invalid-disclosure", "\(name): \(file)")
            let findings = file["findings"] as? [[String: Any]] ?? []
            #expect(findings.contains { $0["code"] as? String == "visible.altered" && ($0["message"] as? String ?? "").contains("no longer there") },
                    "\(name): \(findings)")
        }
    }

    @Test("A stamped video whose badge corner was cropped away reads visible.cropped (invalid-disclosure), as an image does")
    func badgeCropped() throws {
        let folder = try Repository.temporaryDirectory("video-cli")
        defer { try? FileManager.default.removeItem(at: folder) }
        let stamp = try ProcessRunner.ailabel([
            "stamp", Repository.fixture("video/h264-aac-subtitle.mp4").path, "--out", folder.path, "--json", "--visible", "--no-watermark",
        ])
        #expect(stamp.status == 0, "\(stamp.stderr)")
        let stamped = folder.appendingPathComponent("h264-aac-subtitle.mp4").path
        // The badge sits top right: keep the bottom-left quarter, then exiftool copies the stamped XMP (the badge's record) back in.
        let cropped = folder.appendingPathComponent("cropped.mp4").path
        try Self.ffmpeg(["-i", stamped, "-vf", "crop=iw/2:ih/2:0:ih/2", "-c:v", "libx264", "-crf", "18", "-an", "-sn", cropped])
        let copy = try ProcessRunner.run("exiftool", ["-q", "-overwrite_original", "-tagsFromFile", stamped, "-xmp", cropped])
        #expect(copy.status == 0, "\(copy.stderr)")
        let file = try Self.verify(cropped)
        #expect(file["verdict"] as? String == "invalid-disclosure", "\(file)")
        let findings = file["findings"] as? [[String: Any]] ?? []
        #expect(findings.contains { $0["code"] as? String == "visible.cropped" }, "\(findings)")
    }

    @Test("--visible-seconds below 2 is refused before any file is touched")
    func visibleSecondsFloor() throws {
        let result = try ProcessRunner.ailabel([
            "stamp", Repository.fixture("video/h264-3s.mp4").path, "--out", "/nonexistent", "--visible", "--visible-span", "start",
            "--visible-seconds", "1.5", "--profile", "cn",
        ])
        #expect(result.status == 64)
        #expect(result.stderr.contains("at least 2"))
    }
}
