import AILabelTestSupport
import Foundation
import Testing

/// MP4, MOV, M4A and 3GP end to end through the CLI: stamp with a signer, ffmpeg decodes the same frames
/// and samples without a word, exiftool reads DigitalSourceType and the AIGC key, inspect shows the
/// tracks and where each label lives, verify finds every file Trusted and a changed mdat byte; and the
/// containers with no C2PA embedding are listed by verify with that finding and get sidecars from stamp.
@Suite("Movies through stamp, inspect and verify", .serialized)
struct MovieCLITests {
    static let fixtures = ["h264.mp4", "faststart.mp4", "movie.mov", "aac.m4a", "video.3gp", "aigc.mp4"]

    static func format(_ name: String) -> String {
        switch (name as NSString).pathExtension {
        case "mov": "mov"
        case "m4a": "m4a"
        default: "mp4"
        }
    }

    /// ffmpeg's per-frame hashes of every stream; ffmpeg must say nothing, not even a warning.
    static func frames(_ path: String) throws -> String {
        let run = try ProcessRunner.run("ffmpeg", ["-v", "warning", "-i", path, "-f", "framemd5", "-"])
        #expect(run.status == 0 && run.stderr.isEmpty, "ffmpeg reports \(run.stderr) for \(path)")
        return run.stdout.split(separator: "\n").filter { !$0.hasPrefix("#") }.joined(separator: "\n")
    }

    @Test("Stamped and signed movies: every layer, the same frames in ffmpeg, exiftool reads the labels, inspect shows the tracks, verify finds them Trusted and a changed mdat byte")
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
        // No visible badge or watermark: those re-encode the video (VideoCLITests); this is the container's path.
        let stamp = try ProcessRunner.ailabel(["stamp", input.path, "--out", output.path, "--json", "--profile", "cn", "--no-visible", "--no-watermark"] + signing)
        #expect(stamp.status == 0, "\(stamp.stderr)")
        let results = stamp.stdout.split(separator: "\n").compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
        #expect(results.count == Self.fixtures.count, "\(stamp.stdout)")
        for result in results {
            let path = result["path"] as? String ?? ""
            #expect(result["status"] as? String == "stamped", "\(result)")
            #expect(result["format"] as? String == Self.format(path), "\(result)")
            #expect(Set(result["layers"] as? [String] ?? []).isSuperset(of: ["iptc", "tc260", "ailabel-xmp", "c2pa"]), "\(result)")
            #expect(result["imageDataUnchanged"] as? Bool == true, "the media data is unchanged: \(result)")
        }

        for name in Self.fixtures {
            let stamped = output.appendingPathComponent(name).path
            #expect(try Self.frames(stamped) == (try Self.frames(input.appendingPathComponent(name).path)), "\(name)")
            // exiftool reads the XMP (the uuid box in MP4 and M4A, moov/udta/XMP_ in MOV) and the AIGC key.
            let exif = try ProcessRunner.run("exiftool", ["-j", "-XMP-iptcExt:DigitalSourceType", "-Keys:AIGC", stamped])
            let object = try #require((try JSONSerialization.jsonObject(with: exif.stdoutData) as? [[String: Any]])?.first)
            #expect((object["DigitalSourceType"] as? String)?.hasSuffix("trainedAlgorithmicMedia") == true, "\(name): \(object)")
            #expect((object["AIGC"] as? String)?.contains("\"Label\":\"1\"") == true, "\(name): \(object)")
        }

        // inspect: duration, tracks, codecs, and where each label lives.
        let inspect = try ProcessRunner.ailabel(["inspect", "--json"] + ["h264.mp4", "movie.mov", "aac.m4a"].map { output.appendingPathComponent($0).path })
        #expect(inspect.status == 0, "\(inspect.stderr)")
        let reports = try #require(try JSONSerialization.jsonObject(with: inspect.stdoutData) as? [[String: Any]])
        for (report, expected) in zip(reports, [("mp4", ["H.264", "AAC"], "uuid XMP"), ("mov", ["H.264", "AAC"], "moov/udta/XMP_"), ("m4a", ["AAC"], "uuid XMP")]) {
            #expect(report["format"] as? String == expected.0)
            let movie = try #require(report["movie"] as? [String: Any], "\(report)")
            let tracks = movie["tracks"] as? [[String: Any]] ?? []
            #expect(tracks.compactMap { $0["codecName"] as? String } == expected.1, "\(movie)")
            #expect(((movie["duration"] as? Double) ?? 0) > 0.7)
            let blocks = report["blocks"] as? [[String: Any]] ?? []
            #expect(blocks.contains { $0["kind"] as? String == "xmp" && $0["name"] as? String == expected.2 }, "\(expected.0): \(blocks)")
            #expect(blocks.contains { $0["kind"] as? String == "text" && $0["name"] as? String == "moov/udta/meta" })
            #expect(blocks.contains { $0["kind"] as? String == "c2pa" })
            #expect((report["text"] as? [[String: Any]])?.contains { $0["keyword"] as? String == "AIGC" } == true)
        }
        let text = try ProcessRunner.ailabel(["inspect", output.appendingPathComponent("h264.mp4").path])
        #expect(text.stdout.contains("0.80 s, 2 tracks: video H.264 64×48; audio AAC 16000 Hz 1 ch"), "\(text.stdout)")
        #expect(text.stdout.contains("QuickTime keys AIGC") && text.stdout.contains("uuid C2PA"), "\(text.stdout)")

        // verify: every file Trusted, none skipped.
        let trust = keys.appendingPathComponent("trust-anchors.pem").path
        let verify = try ProcessRunner.ailabel(["verify", output.path, "--profile", "eu", "--trust", trust, "--format", "json", "--fail-on", ""])
        let files = try #require((try JSONSerialization.jsonObject(with: verify.stdoutData) as? [String: Any])?["files"] as? [[String: Any]], "\(verify.stderr)")
        #expect(files.count == Self.fixtures.count)
        for file in files {
            #expect((file["c2pa"] as? [String: Any])?["state"] as? String == "Trusted", "\(file)")
            #expect(file["verdict"] as? String == "compliant", "\(file)")
        }

        // One byte of the media changed after signing: the BMFF hash no longer holds.
        for name in ["h264.mp4", "movie.mov", "aac.m4a"] {
            let path = output.appendingPathComponent(name).path
            var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
            let mdat = try #require((reports.first { ($0["path"] as? String) == path }?["blocks"] as? [[String: Any]])?.first { $0["name"] as? String == "mdat" })
            bytes[(mdat["offset"] as? Int ?? 0) + 100] ^= 0x10
            try Data(bytes).write(to: URL(fileURLWithPath: path))
            let tampered = try ProcessRunner.ailabel(["verify", path, "--trust", trust, "--format", "json"])
            #expect(tampered.stdout.contains("assertion.bmffHash.mismatch"), "\(name): \(tampered.stdout)")
        }
    }

    static let sidecarOnly = ["webm.bin": "webm", "matroska.bin": "matroska", "ogg.bin": "ogg", "aac.bin": "aac", "mpegts.bin": "mpegts"]

    @Test("WebM, Matroska, Ogg, raw AAC and MPEG-TS (told by their magic bytes): verify lists each with the sidecar-only finding, stamp gives them sidecars that verify then reads")
    func containersWithoutEmbedding() throws {
        let folder = try Repository.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let input = folder.appendingPathComponent("in")
        try FileManager.default.createDirectory(at: input, withIntermediateDirectories: true)
        for name in Self.sidecarOnly.keys {
            try FileManager.default.copyItem(at: Repository.fixture("sidecar-only/" + name), to: input.appendingPathComponent(name))
        }
        let before = try ProcessRunner.ailabel(["verify", input.path, "--format", "json", "--fail-on", ""])
        let document = try #require(try JSONSerialization.jsonObject(with: before.stdoutData) as? [String: Any], "\(before.stderr)")
        #expect((document["skipped"] as? [[String: Any]] ?? []).isEmpty, "no such file is skipped in silence: \(document)")
        let records = document["files"] as? [[String: Any]] ?? []
        #expect(records.count == Self.sidecarOnly.count)
        for record in records {
            let name = ((record["path"] as? String ?? "") as NSString).lastPathComponent
            #expect(record["format"] as? String == Self.sidecarOnly[name], "\(record)")
            let findings = record["findings"] as? [[String: Any]] ?? []
            #expect(findings.contains { $0["code"] as? String == "container.sidecar-only" && ($0["message"] as? String ?? "").contains("sidecars") }, "\(record)")
        }

        let keys = folder.appendingPathComponent("keys")
        #expect(try ProcessRunner.ailabel(["keys", "init", keys.path]).status == 0)
        let output = folder.appendingPathComponent("out")
        let stamp = try ProcessRunner.ailabel(["stamp", input.path, "--out", output.path, "--json",
                                               "--sign-key", keys.appendingPathComponent("signer.key").path,
                                               "--sign-chain", keys.appendingPathComponent("signer-chain.pem").path])
        #expect(stamp.status == 0, "\(stamp.stderr)")
        let results = stamp.stdout.split(separator: "\n").compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
        #expect(results.count == Self.sidecarOnly.count, "\(stamp.stdout)")
        for result in results {
            let name = ((result["path"] as? String ?? "") as NSString).lastPathComponent
            #expect(result["status"] as? String == "stamped" && result["format"] as? String == Self.sidecarOnly[name], "\(result)")
            #expect((result["layers"] as? [String] ?? []).contains("sidecar") && result["signed"] as? Bool == true, "\(result)")
            #expect(FileManager.default.fileExists(atPath: output.appendingPathComponent(name + ".xmp").path))
            #expect(FileManager.default.fileExists(atPath: output.appendingPathComponent(name + ".c2pa").path))
            #expect(try Data(contentsOf: output.appendingPathComponent(name)) == (try Data(contentsOf: input.appendingPathComponent(name))))
        }
        let after = try ProcessRunner.ailabel(["verify", output.path, "--format", "json", "--fail-on", "", "--trust", keys.appendingPathComponent("trust-anchors.pem").path])
        let stamped = try #require((try JSONSerialization.jsonObject(with: after.stdoutData) as? [String: Any])?["files"] as? [[String: Any]], "\(after.stderr)")
        #expect(stamped.count == Self.sidecarOnly.count)
        for record in stamped {
            #expect(record["verdict"] as? String == "compliant", "\(record)")
            #expect((record["findings"] as? [[String: Any]] ?? []).contains { $0["code"] as? String == "container.sidecar-only" }, "\(record)")
        }
    }
}
