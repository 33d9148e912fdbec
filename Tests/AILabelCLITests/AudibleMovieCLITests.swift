import AILabelTestSupport
import Foundation
import Testing

/// `stamp --audible` on movies (MP4, MOV, M4A), end to end: the cue laid over the sound track (its length
/// kept, so sound and pictures stay in sync), re-encoded as AAC; the video packets copied untouched when no
/// frame mark is asked for, or re-encoded once with the badge; a video without sound given a track. The
/// reference SDK reads the signed result as Trusted, ffprobe and ffmpeg read it cleanly, verify hears the
/// cue and says when it was cut or the sound removed; hostile sound tracks fail by name.
@Suite("Audible disclosure in movies through the CLI", .serialized)
struct AudibleMovieCLITests {
    static func records(_ output: String) -> [[String: Any]] {
        output.split(separator: "\n").compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
    }

    static func verify(_ path: String, _ extra: [String] = []) throws -> [String: Any] {
        let result = try ProcessRunner.ailabel(["verify", path, "--format", "json"] + extra)
        let files = try #require((try JSONSerialization.jsonObject(with: result.stdoutData) as? [String: Any])?["files"] as? [[String: Any]], "\(result.stderr)")
        return try #require(files.first)
    }

    static func probe(_ path: String, _ entries: String) throws -> [String] {
        let run = try ProcessRunner.run("ffprobe", ["-v", "error", "-show_entries", entries, "-of", "csv=p=0", path])
        #expect(run.status == 0 && run.stderr.isEmpty, "ffprobe: \(run.stderr)")
        // One line a stream, its first field (a display matrix adds `side_data` fields after it).
        return run.stdout.split(separator: "\n").compactMap { $0.split(separator: ",").first.map { String($0).trimmingCharacters(in: .whitespaces) } }.filter { !$0.isEmpty }
    }

    /// The MD5 of every video packet (ffmpeg's framemd5 over a stream copy): equal when the video was copied untouched.
    static func videoPackets(_ path: String) throws -> [String] {
        let run = try ProcessRunner.run("ffmpeg", ["-nostdin", "-v", "error", "-i", path, "-map", "0:v", "-c", "copy", "-f", "framemd5", "-"])
        #expect(run.status == 0, "\(run.stderr)")
        return run.stdout.split(separator: "\n").filter { !$0.hasPrefix("#") }.map { String($0.split(separator: ",").last ?? "") }
    }

    static func audible(in file: [String: Any]) -> [String: Any]? {
        (file["disclosures"] as? [[String: Any]] ?? []).first { $0["kind"] as? String == "audible" }
    }

    @Test("--audible on an MP4: the cue over the sound's first seconds, the video packets untouched, the SDK reads it Trusted, verify hears it")
    func mp4SpeechSigned() throws {
        let folder = try Repository.temporaryDirectory("audible-movie")
        defer { try? FileManager.default.removeItem(at: folder) }
        let keys = folder.appendingPathComponent("keys")
        #expect(try ProcessRunner.ailabel(["keys", "init", keys.path]).status == 0)
        let input = Repository.fixture("video/h264-3s.mp4").path
        let out = folder.appendingPathComponent("out")
        let stamp = try ProcessRunner.ailabel([
            "stamp", input, "--out", out.path, "--json", "--no-visible", "--no-watermark", "--audible", "--lang", "en",
            "--sign-key", keys.appendingPathComponent("signer.key").path, "--sign-chain", keys.appendingPathComponent("signer-chain.pem").path,
        ])
        #expect(stamp.status == 0, "\(stamp.stderr)")
        let record = try #require(Self.records(stamp.stdout).first, "\(stamp.stdout)")
        #expect(Set(["audible", "c2pa"]).isSubset(of: Set(record["layers"] as? [String] ?? [])), "\(record)")
        let stamped = out.appendingPathComponent("h264-3s.mp4").path

        // ffprobe and ffmpeg read it without a word; the same streams; the sound as long as before (no shift against the pictures).
        #expect(try Self.probe(stamped, "stream=codec_name") == ["h264", "aac"])
        let decode = try ProcessRunner.run("ffmpeg", ["-nostdin", "-v", "error", "-i", stamped, "-f", "null", "-"])
        #expect(decode.status == 0 && decode.stderr.isEmpty, "\(decode.stderr)")
        let before = Double(try Self.probe(input, "format=duration").first ?? "") ?? 0
        let after = Double(try Self.probe(stamped, "format=duration").first ?? "") ?? 0
        #expect(abs(before - after) < 0.1, "duration \(before) → \(after)")
        #expect(try Self.videoPackets(stamped) == Self.videoPackets(input), "the video packets changed")

        // The reference SDK: Trusted, with the audible record in ailabel's assertion.
        let trust = keys.appendingPathComponent("trust-anchors.pem").path
        let sdk = try ProcessRunner.run(Repository.python, [Repository.root().appendingPathComponent("Fixtures/c2pa/referee.py").path, "read", stamped, "--trust", trust])
        let verdict = try #require(try JSONSerialization.jsonObject(with: sdk.stdoutData) as? [String: Any], "\(sdk.stderr)")
        #expect(verdict["state"] as? String == "Trusted", "\(verdict)")

        let file = try Self.verify(stamped, ["--trust", trust])
        #expect(file["verdict"] as? String == "compliant", "\(file)")
        #expect(Self.audible(in: file)?["intact"] as? Bool == true, "\(file)")

        // A second run leaves it alone.
        let again = try ProcessRunner.ailabel([
            "stamp", stamped, "--in-place", "--json", "--no-visible", "--no-watermark", "--audible", "--lang", "en",
            "--sign-key", keys.appendingPathComponent("signer.key").path, "--sign-chain", keys.appendingPathComponent("signer-chain.pem").path,
        ])
        #expect(Self.records(again.stdout).first?["status"] as? String == "unchanged", "\(again.stdout) \(again.stderr)")
    }

    @Test("--audible with --visible: one transcode (badge in the frames, cue in the sound, the subtitle copied); a video without sound gets a track; MOV and M4A too")
    func combinedSilentMovAndM4A() throws {
        let folder = try Repository.temporaryDirectory("audible-movie")
        defer { try? FileManager.default.removeItem(at: folder) }
        let out = folder.appendingPathComponent("out")
        // (fixture, extra options, streams expected)
        let cases: [(String, [String], [String])] = [
            ("video/h264-aac-subtitle.mp4", ["--visible", "--no-watermark"], ["h264", "aac", "mov_text"]),
            ("video/h264-rotated.mp4", ["--no-visible", "--no-watermark", "--audible-at", "end"], ["h264", "aac"]),
            ("media/movie.mov", ["--no-visible", "--no-watermark"], ["h264", "aac"]),
            ("media/aac.m4a", ["--audible-at", "both"], ["aac"]),
        ]
        for (fixture, extra, streams) in cases {
            let name = (fixture as NSString).lastPathComponent
            let stamp = try ProcessRunner.ailabel(["stamp", Repository.fixture(fixture).path, "--out", out.path, "--json", "--audible", "--audible-cue", "rhythm"] + extra)
            #expect(stamp.status == 0, "\(name): \(stamp.stderr)")
            let record = try #require(Self.records(stamp.stdout).first, "\(name): \(stamp.stdout)")
            let layers = record["layers"] as? [String] ?? []
            #expect(layers.contains("audible"), "\(name): \(record)")
            if extra.contains("--visible") { #expect(layers.contains("visible"), "\(name): \(record)") }
            let stamped = out.appendingPathComponent(name).path
            #expect(try Self.probe(stamped, "stream=codec_name") == streams, "\(name)")
            let decode = try ProcessRunner.run("ffmpeg", ["-nostdin", "-v", "error", "-i", stamped, "-f", "null", "-"])
            #expect(decode.status == 0 && decode.stderr.isEmpty, "\(name): \(decode.stderr)")
            if name == "h264-rotated.mp4" {
                #expect((record["warnings"] as? [String] ?? []).contains { $0.contains("no sound track") }, "\(record)")
                #expect(try Self.videoPackets(stamped) == Self.videoPackets(Repository.fixture(fixture).path))
            }
            let file = try Self.verify(stamped)
            #expect(file["verdict"] as? String == "compliant", "\(name): \(file)")
            #expect(Self.audible(in: file)?["intact"] as? Bool == true, "\(name): \(file)")
            if extra.contains("--visible") {
                #expect((file["disclosures"] as? [[String: Any]] ?? []).contains { $0["kind"] as? String == "visible" && $0["intact"] as? Bool == true }, "\(file)")
            }
        }
    }

    @Test("A movie whose first seconds of sound were cut, or whose sound was removed, is invalid-disclosure with audible.missing")
    func cutOrRemovedSound() throws {
        let folder = try Repository.temporaryDirectory("audible-movie")
        defer { try? FileManager.default.removeItem(at: folder) }
        let stamp = try ProcessRunner.ailabel([
            "stamp", Repository.fixture("video/h264-3s.mp4").path, "--out", folder.path, "--no-visible", "--no-watermark", "--audible", "--audible-cue", "rhythm",
        ])
        #expect(stamp.status == 0, "\(stamp.stderr)")
        let stamped = folder.appendingPathComponent("h264-3s.mp4").path
        // Each attack remuxes with ffmpeg (which drops the XMP), then exiftool copies the stamped file's XMP packet back in whole.
        for (name, attack) in [("cut", ["-ss", "1.5", "-i", stamped, "-c", "copy"]), ("silenced", ["-i", stamped, "-c", "copy", "-an"])] {
            let attacked = folder.appendingPathComponent("\(name).mp4").path
            let ffmpeg = try ProcessRunner.run("ffmpeg", ["-nostdin", "-v", "error", "-y"] + attack + [attacked])
            #expect(ffmpeg.status == 0, "\(ffmpeg.stderr)")
            let copy = try ProcessRunner.run("exiftool", ["-q", "-overwrite_original", "-tagsFromFile", stamped, "-xmp", attacked])
            #expect(copy.status == 0, "\(copy.stderr)")
            let file = try Self.verify(attacked)
            #expect(file["verdict"] as? String == "invalid-disclosure", "\(name): \(file)")
            let findings = file["findings"] as? [[String: Any]] ?? []
            #expect(findings.contains { $0["code"] as? String == "audible.missing" }, "\(name): \(findings)")
        }
    }

    @Test("Hostile sound tracks: 150 audio streams and an audio track of no samples fail naming the file; 8-channel AAC is marked")
    func hostileSoundTracks() throws {
        let folder = try Repository.temporaryDirectory("audible-movie")
        defer { try? FileManager.default.removeItem(at: folder) }
        for (name, reason) in [("many-audio-streams.mp4", "streams"), ("empty-audio.mp4", "no samples")] {
            let run = try ProcessRunner.ailabel(["stamp", Repository.fixture("video/" + name).path, "--out", folder.appendingPathComponent("bad").path, "--audible", "--audible-cue", "rhythm"])
            #expect(run.status == 1, "\(name): exit \(run.status) \(run.stderr)")
            let text = run.stdout + run.stderr
            #expect(text.contains(name) && text.contains(reason), "\(name): \(text)")
            #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("bad").appendingPathComponent(name).path))
        }
        let stamp = try ProcessRunner.ailabel(["stamp", Repository.fixture("video/eight-channels.m4a").path, "--out", folder.path, "--json", "--audible", "--audible-cue", "rhythm"])
        #expect(stamp.status == 0, "\(stamp.stderr)")
        let stamped = folder.appendingPathComponent("eight-channels.m4a").path
        #expect(try Self.probe(stamped, "stream=channels") == ["8"])
        let file = try Self.verify(stamped)
        #expect(Self.audible(in: file)?["intact"] as? Bool == true, "\(file)")
    }
}
