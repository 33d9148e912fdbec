import AILabelTestSupport
import Foundation
import Testing

/// WAV, RF64, MP3 and FLAC end to end through the CLI: stamp with a signer, inspect shows the stream
/// and where each label lives, exiftool reads DigitalSourceType, ffmpeg still decodes the audio to the
/// same samples, verify judges every profile in every report format, and a tamper is caught.
@Suite("Audio through stamp, inspect and verify", .serialized)
struct AudioCLITests {
    static let fixtures = ["pcm16.wav", "rf64.wav", "info.wav", "id3v24.mp3", "id3v23.mp3", "no-tag.mp3", "aigc-tag.mp3", "stereo.flac", "aigc-comment.flac"]

    static func format(_ name: String) -> String { (name as NSString).pathExtension }

    /// ffmpeg's hash of the decoded audio (its `streamhash` muxer): equal hashes, equal samples.
    static func decodedHash(_ path: String) throws -> String {
        let run = try ProcessRunner.run("ffmpeg", ["-v", "error", "-i", path, "-map", "0:a", "-f", "streamhash", "-hash", "sha256", "-"])
        #expect(run.status == 0 && run.stderr.isEmpty, "ffmpeg reports \(run.stderr) for \(path)")
        return run.stdout
    }

    @Test("Stamped and signed audio: every layer, inspect shows the stream and the labels' places, exiftool and ffmpeg read it, verify judges it in every profile and report")
    func stampInspectVerify() throws {
        let folder = try Repository.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let keys = folder.appendingPathComponent("keys")
        #expect(try ProcessRunner.ailabel(["keys", "init", keys.path]).status == 0)
        let input = folder.appendingPathComponent("in")
        try FileManager.default.createDirectory(at: input, withIntermediateDirectories: true)
        for name in Self.fixtures {
            try FileManager.default.copyItem(at: Repository.fixture("media/" + name), to: input.appendingPathComponent(name))
        }
        let output = folder.appendingPathComponent("out")
        let signing = ["--sign-key", keys.appendingPathComponent("signer.key").path, "--sign-chain", keys.appendingPathComponent("signer-chain.pem").path]
        let stamp = try ProcessRunner.ailabel(["stamp", input.path, "--out", output.path, "--json", "--profile", "cn"] + signing)
        #expect(stamp.status == 0, "\(stamp.stderr)")
        let results = stamp.stdout.split(separator: "\n").compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
        #expect(results.count == Self.fixtures.count, "\(stamp.stdout)")
        for result in results {
            let path = result["path"] as? String ?? ""
            #expect(result["status"] as? String == "stamped", "\(result)")
            #expect(result["format"] as? String == Self.format(path), "\(result)")
            #expect(Set(result["layers"] as? [String] ?? []).isSuperset(of: ["iptc", "tc260", "ailabel-xmp", "c2pa"]), "\(result)")
            #expect(result["imageDataUnchanged"] as? Bool == true, "the audio is unchanged: \(result)")
        }

        for name in Self.fixtures {
            let stamped = output.appendingPathComponent(name).path
            // ffmpeg decodes the stamped file without a word, to the same samples as the original.
            #expect(try Self.decodedHash(stamped) == (try Self.decodedHash(input.appendingPathComponent(name).path)), "\(name)")
            // exiftool reads the XMP ailabel wrote (WAV _PMX, MP3 ID3 PRIV; FLAC's prepended tag is not read by exiftool).
            if !name.hasSuffix(".flac") {
                let exif = try ProcessRunner.run("exiftool", ["-j", "-XMP-iptcExt:DigitalSourceType", stamped])
                let object = try #require((try JSONSerialization.jsonObject(with: exif.stdoutData) as? [[String: Any]])?.first)
                #expect((object["DigitalSourceType"] as? String)?.hasSuffix("trainedAlgorithmicMedia") == true, "\(name): \(object)")
            }
        }

        // inspect: the stream (codec, tracks, channels, rate, depth, duration) and where each label lives.
        let inspect = try ProcessRunner.ailabel(["inspect", "--json"] + ["pcm16.wav", "id3v24.mp3", "stereo.flac"].map { output.appendingPathComponent($0).path })
        #expect(inspect.status == 0, "\(inspect.stderr)")
        let reports = try #require(try JSONSerialization.jsonObject(with: inspect.stdoutData) as? [[String: Any]])
        for (report, expected) in zip(reports, [("wav", "pcm_s16le"), ("mp3", "mp3"), ("flac", "flac")]) {
            #expect(report["format"] as? String == expected.0)
            #expect(report["width"] == nil, "audio has no dimensions")
            let audio = try #require(report["audio"] as? [String: Any], "\(report)")
            #expect(audio["codec"] as? String == expected.1 && audio["tracks"] as? Int == 1 && audio["sampleRate"] as? Int == 16000)
            #expect(((audio["durationSeconds"] as? Double) ?? 0) > 0.4)
            let kinds = Set((report["blocks"] as? [[String: Any]] ?? []).compactMap { $0["kind"] as? String })
            #expect(kinds.isSuperset(of: ["xmp", "text", "c2pa"]), "\(expected.0): \(kinds)")
            #expect((report["text"] as? [[String: Any]])?.contains { $0["keyword"] as? String == "AIGC" } == true)
        }
        let text = try ProcessRunner.ailabel(["inspect", output.appendingPathComponent("pcm16.wav").path])
        #expect(text.stdout.contains("WAV\n") && text.stdout.contains("pcm_s16le, 1 track, 1 channel, 16000 Hz, 16-bit"), "\(text.stdout)")
        #expect(text.stdout.contains("AIGC") && text.stdout.contains("_PMX") && text.stdout.contains("C2PA"), "\(text.stdout)")

        // verify: every profile, every report format; no audio file skipped.
        let trust = keys.appendingPathComponent("trust-anchors.pem").path
        for profile in ["kz", "eu", "cn"] {
            let verify = try ProcessRunner.ailabel(["verify", output.path, "--profile", profile, "--trust", trust, "--format", "json", "--fail-on", ""])
            let files = try #require((try JSONSerialization.jsonObject(with: verify.stdoutData) as? [String: Any])?["files"] as? [[String: Any]], "\(verify.stderr)")
            #expect(files.count == Self.fixtures.count, "\(profile): no audio file is skipped")
            for file in files {
                let path = file["path"] as? String ?? ""
                #expect(file["format"] as? String == Self.format(path))
                #expect((file["c2pa"] as? [String: Any])?["state"] as? String == "Trusted", "\(profile) \(path): \(file)")
                #expect(file["width"] == nil, "audio has no dimensions")
                let findings = (file["findings"] as? [[String: Any]] ?? []).compactMap { $0["code"] as? String }
                if profile == "cn" {
                    // Every implicit layer holds; the explicit label for audio (an audible cue, issue 18) is
                    // the one thing cn still finds missing.
                    #expect(file["verdict"] as? String == "missing-disclosure" && findings == ["profile.cn.explicit-label"], "\(path): \(file)")
                } else {
                    #expect(file["verdict"] as? String == "compliant", "\(profile) \(path): \(file)")
                }
            }
        }
        for report in ["text", "jsonl", "sarif", "junit", "html"] {
            let verify = try ProcessRunner.ailabel(["verify", output.path, "--profile", "cn", "--trust", trust, "--format", report, "--fail-on", ""])
            #expect(verify.status == 0, "\(report): \(verify.stderr)")
            #expect(verify.stdout.contains("pcm16.wav") && verify.stdout.contains("stereo.flac") && verify.stdout.contains("id3v24.mp3"), "\(report)")
        }

        // One byte of the audio changed after signing: the C2PA binding no longer holds.
        for name in ["pcm16.wav", "id3v24.mp3", "stereo.flac"] {
            let path = output.appendingPathComponent(name).path
            var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
            bytes[name.hasSuffix(".wav") ? 200 : bytes.count - 100] ^= 0x10
            try Data(bytes).write(to: URL(fileURLWithPath: path))
            let tampered = try ProcessRunner.ailabel(["verify", path, "--profile", "cn", "--trust", trust, "--format", "json"])
            #expect(tampered.stdout.contains("assertion.dataHash.mismatch"), "\(name): \(tampered.stdout)")
        }

        // Re-stamping a stamped file leaves it as it is.
        let restamped = output.appendingPathComponent("aigc-comment.flac").path
        let before = try Data(contentsOf: URL(fileURLWithPath: restamped))
        let again = try ProcessRunner.ailabel(["stamp", restamped, "--in-place", "--json", "--profile", "cn"] + signing)
        #expect(again.stdout.contains("\"status\":\"unchanged\""), "\(again.stdout)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: restamped)) == before)
    }

    @Test("verify reads the TC260 label where ffmpeg -metadata AIGC=… puts it: ID3 TXXX:AIGC in MP3, the Vorbis comment in FLAC")
    func labelsWrittenByFFmpeg() throws {
        let files = ["media/aigc-tag.mp3", "media/aigc-comment.flac"].map { Repository.fixture($0).path }
        let verify = try ProcessRunner.ailabel(["verify", "--format", "json", "--fail-on", "", "--profile", "cn"] + files)
        let reports = try #require((try JSONSerialization.jsonObject(with: verify.stdoutData) as? [String: Any])?["files"] as? [[String: Any]], "\(verify.stderr)")
        #expect(reports.count == 2)
        for report in reports {
            let place = (report["path"] as? String ?? "").hasSuffix(".mp3") ? "MP3 ID3 TXXX AIGC" : "FLAC Vorbis comment AIGC"
            let evidence = (report["aiEvidence"] as? [[String: Any]] ?? []).compactMap { $0["detail"] as? String }
            #expect(evidence.contains { $0.contains(place) && $0.contains("generated") }, "\(place): \(evidence)")
        }
    }
}
