import AILabelTestSupport
import Foundation
import Testing

/// `stamp --audible` and `--watermark` on audio, end to end: the cue inserted into WAV, FLAC and MP3
/// with the programme's samples untouched (lossless formats), recorded in XMP and in the signed
/// manifest the reference SDK reads; verify hears it, says which cue is gone when it was cut, and
/// finds the watermark in a re-encoded copy whose metadata was stripped. Hostile audio fails by name.
@Suite("Audible disclosure and audio watermark through the CLI", .serialized)
struct AudibleCLITests {
    static func decodedRaw(_ path: String, format: String) throws -> Data {
        let run = try ProcessRunner.run("ffmpeg", ["-nostdin", "-v", "error", "-i", path, "-map", "0:a", "-f", format, "-"])
        #expect(run.status == 0 && run.stderr.isEmpty, "ffmpeg reports \(run.stderr) for \(path)")
        return run.stdoutData
    }

    static func json(_ text: String) -> [[String: Any]] {
        text.split(separator: "\n").compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
    }

    static func keys(in folder: URL) throws -> [String] {
        let keys = folder.appendingPathComponent("keys")
        #expect(try ProcessRunner.ailabel(["keys", "init", keys.path]).status == 0)
        return ["--sign-key", keys.appendingPathComponent("signer.key").path, "--sign-chain", keys.appendingPathComponent("signer-chain.pem").path]
    }

    @Test("--audible inserts the cue into WAV, FLAC and MP3: lossless programmes unchanged sample for sample, the cue in XMP and the signed manifest")
    func audibleStamp() throws {
        let folder = try Repository.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let signing = try Self.keys(in: folder)
        // (fixture, cue, placement, raw format ffmpeg compares in: nil for the lossy MP3)
        let cases: [(String, String, String, String?)] = [
            ("music-6s.wav", "speech", "start", "s16le"), ("music-6s-24bit.flac", "rhythm", "both", "s32le"), ("music-6s.mp3", "speech", "end", nil),
        ]
        for (name, cue, placement, rawFormat) in cases {
            let input = Repository.fixture("media/" + name).path
            let output = folder.appendingPathComponent("out").appendingPathComponent(name).path
            let stamp = try ProcessRunner.ailabel(
                ["stamp", input, "--out", folder.appendingPathComponent("out").path, "--json", "--audible", "--audible-cue", cue, "--audible-at", placement, "--lang", "kk,ru,en"] + signing)
            #expect(stamp.status == 0, "\(name): \(stamp.stderr)")
            let result = try #require(Self.json(stamp.stdout).first)
            #expect(result["status"] as? String == "stamped", "\(result)")
            #expect(Set(result["layers"] as? [String] ?? []).isSuperset(of: ["audible", "c2pa"]), "\(result)")
            #expect(result["imageDataUnchanged"] as? Bool == false)

            if let rawFormat {
                let original = try Self.decodedRaw(input, format: rawFormat)
                let stamped = try Self.decodedRaw(output, format: rawFormat)
                #expect(stamped.count > original.count)
                // Start: the programme ends the file; both: it sits between two equal cues.
                let offset = placement == "start" ? stamped.count - original.count : (stamped.count - original.count) / 2
                #expect(stamped.subdata(in: offset..<(offset + original.count)) == original, "\(name): the programme changed")
            } else {
                let duration = try ProcessRunner.run("ffprobe", ["-v", "error", "-show_entries", "format=duration", "-of", "csv=p=0", output])
                #expect((Double(duration.stdout.trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0) > 8, "\(name): \(duration.stdout)")
            }

            // verify hears the cue where the label says.
            let verify = try ProcessRunner.ailabel(["verify", output, "--scan", "full", "--format", "json"])
            #expect(verify.stdout.contains("\"audible\""), "\(name): \(verify.stdout.prefix(600))")
            #expect(!verify.stdout.contains("audible.missing"), "\(name): \(verify.stdout)")

            // A second run leaves the file alone (no second cue).
            let again = try ProcessRunner.ailabel(["stamp", output, "--in-place", "--json", "--audible", "--audible-cue", cue, "--audible-at", placement, "--lang", "kk,ru,en"] + signing)
            #expect(Self.json(again.stdout).first?["status"] as? String == "unchanged", "\(name): \(again.stdout)")
        }

        // The reference SDK reads each manifest: a c2pa.edited action for the cue with a digital source type, and ailabel's record.
        let outputs = cases.map { folder.appendingPathComponent("out").appendingPathComponent($0.0).path }
        let sdk = try ProcessRunner.run(Repository.python, ["-c", """
            import c2pa, io, json, sys
            for path in sys.argv[1:]:
                mime = {"wav": "audio/wav", "flac": "audio/flac", "mp3": "audio/mpeg"}[path.rsplit(".", 1)[1]]
                store = json.loads(c2pa.Reader(mime, io.BytesIO(open(path, "rb").read())).json())
                manifest = store["manifests"][store["active_manifest"]]
                for assertion in manifest["assertions"]:
                    if assertion["label"].startswith("c2pa.actions"):
                        for action in assertion["data"]["actions"]:
                            if "Audible" in action.get("description", ""):
                                print(path, "ACTION", action["action"], action.get("digitalSourceType", ""))
                    if assertion["label"] == "io.ailabel.disclosure":
                        print(path, "RECORD", json.dumps(assertion["data"].get("audibleLabel"), sort_keys=True, ensure_ascii=False))
            """] + outputs)
        #expect(sdk.status == 0, "\(sdk.stderr)")
        for ((name, cue, placement, _), output) in zip(cases, outputs) {
            let lines = sdk.stdout.split(separator: "\n").filter { $0.hasPrefix(output + " ") }.joined(separator: "\n")
            #expect(lines.contains("ACTION c2pa.edited http://cv.iptc.org/newscodes/digitalsourcetype/algorithmicMedia"), "\(name): \(sdk.stdout)")
            #expect(lines.contains("\"cue\": \"\(cue)\"") && lines.contains("\"placement\": \"\(placement)\""), "\(name): \(lines)")
            if cue == "speech" { #expect(lines.contains("\"kk\"") && lines.contains("\"ru\"") && lines.contains("\"en\""), "\(lines)") }
        }
    }

    @Test("A declared audible cue whose seconds were cut off is invalid-disclosure, with a finding that says which cue and span")
    func cutCueIsInvalid() throws {
        let folder = try Repository.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let stamped = folder.appendingPathComponent("music-6s.wav").path
        let stamp = try ProcessRunner.ailabel(["stamp", Repository.fixture("media/music-6s.wav").path, "--out", folder.path, "--audible", "--lang", "en"])
        #expect(stamp.status == 0, "\(stamp.stderr)")
        // Cut the first 3 s of samples, keeping every other chunk (the XMP with the record) as it is.
        let cut = folder.appendingPathComponent("cut.wav").path
        let python = try ProcessRunner.run(Repository.python, ["-c", """
            import struct, sys
            data = open(sys.argv[1], "rb").read()
            out, position = b"", 12
            while position + 8 <= len(data):
                name, size = data[position:position + 4], struct.unpack("<I", data[position + 4:position + 8])[0]
                body = data[position + 8:position + 8 + size]
                if name == b"data":
                    body = body[3 * 22050 * 4:]
                out += name + struct.pack("<I", len(body)) + body + (b"\\0" if len(body) % 2 else b"")
                position += 8 + size + (size & 1)
            open(sys.argv[2], "wb").write(b"RIFF" + struct.pack("<I", 4 + len(out)) + b"WAVE" + out)
            """, stamped, cut])
        #expect(python.status == 0, "\(python.stderr)")
        let intact = try ProcessRunner.ailabel(["verify", stamped, "--format", "json"])
        #expect(intact.stdout.contains("\"verdict\" : \"compliant\""), "\(intact.stdout)")
        let verify = try ProcessRunner.ailabel(["verify", cut, "--format", "json"])
        #expect(verify.stdout.contains("\"verdict\" : \"invalid-disclosure\""), "\(verify.stdout)")
        #expect(verify.stdout.contains("audible.missing"), "\(verify.stdout)")
        #expect(verify.stdout.contains("spoken, en") && verify.stdout.contains("is no longer at 0.00"), "\(verify.stdout)")
    }

    @Test("--watermark on audio: stripped of metadata and re-encoded to MP3, the file reads missing-disclosure with the label ID, not no-ai-evidence")
    func watermarkSurvivesStripAndReencode() throws {
        let folder = try Repository.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let stamped = folder.appendingPathComponent("music-6s-24bit.flac").path
        let stamp = try ProcessRunner.ailabel(["stamp", Repository.fixture("media/music-6s-24bit.flac").path, "--out", folder.path, "--json", "--watermark"])
        #expect(stamp.status == 0, "\(stamp.stderr)")
        let result = try #require(Self.json(stamp.stdout).first)
        #expect((result["layers"] as? [String] ?? []).contains("watermark"), "\(result)")
        let labelID = try #require(result["labelID"] as? String)
        let stripped = folder.appendingPathComponent("stripped.mp3").path
        let ffmpeg = try ProcessRunner.run("ffmpeg", ["-nostdin", "-v", "error", "-i", stamped, "-map_metadata", "-1", "-map", "0:a", "-c:a", "libmp3lame", "-b:a", "128k", "-write_id3v2", "0", stripped])
        #expect(ffmpeg.status == 0, "\(ffmpeg.stderr)")
        let verify = try ProcessRunner.ailabel(["verify", stripped, "--scan", "full", "--format", "json"])
        #expect(verify.stdout.contains("\"verdict\" : \"missing-disclosure\""), "\(verify.stdout)")
        #expect(verify.stdout.contains("ailabel watermark, label ID \(labelID)"), "\(verify.stdout)")
        // The original, unmarked, has no evidence at all.
        let clean = try ProcessRunner.ailabel(["verify", Repository.fixture("media/music-6s.mp3").path, "--scan", "full", "--format", "json"])
        #expect(clean.stdout.contains("\"verdict\" : \"no-ai-evidence\""), "\(clean.stdout)")
    }

    @Test("A WAV longer than the decode limit (28 minutes, sparse, after a marked start) is verified from its start: the watermark is found in bounded memory")
    func longWAVIsVerifiedFromItsStart() throws {
        let folder = try Repository.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let stamp = try ProcessRunner.ailabel(["stamp", Repository.fixture("media/music-6s.wav").path, "--out", folder.path, "--json", "--watermark"])
        #expect(stamp.status == 0, "\(stamp.stderr)")
        let labelID = try #require(Self.json(stamp.stdout).first?["labelID"] as? String)
        // The marked samples, then silence to 150 MB of 16-bit stereo at 22.05 kHz: 75 million values, past the
        // 2^26 a whole decode may hold (the silence is a hole in the file: nothing is written for it).
        let long = folder.appendingPathComponent("long.wav").path
        let script = """
            import struct, sys, wave
            with wave.open(sys.argv[1], "rb") as w:
                channels, width, rate = w.getnchannels(), w.getsampwidth(), w.getframerate()
                frames = w.readframes(w.getnframes())
            assert width == 2, width
            size = 150_000_000
            with open(sys.argv[2], "wb") as f:
                fmt = struct.pack("<HHIIHH", 1, channels, rate, rate * channels * width, channels * width, 16)
                f.write(b"RIFF" + struct.pack("<I", 4 + 8 + len(fmt) + 8 + size) + b"WAVE")
                f.write(b"fmt " + struct.pack("<I", len(fmt)) + fmt + b"data" + struct.pack("<I", size) + frames)
                f.truncate(12 + 8 + len(fmt) + 8 + size)
            """
        let make = try ProcessRunner.run("python3", ["-c", script, folder.appendingPathComponent("music-6s.wav").path, long])
        #expect(make.status == 0, "\(make.stderr)")
        let (verify, peak) = try ProcessRunner.ailabelMeasuringPeakMemory(["verify", long, "--scan", "full", "--format", "json"])
        #expect(verify.stdout.contains("ailabel watermark, label ID \(labelID)"), "\(verify.stdout)")
        #expect(verify.stdout.contains("\"verdict\" : \"missing-disclosure\""), "\(verify.stdout)")
        #expect(!verify.stdout.contains("could not run"), "\(verify.stdout)")
        // The first 81 s only: 31 MB of floats, against 600 MB for the whole.
        #expect(peak < 300 * 1024, "peak \(peak / 1024) MiB")
    }

    @Test("Hostile audio: eight channels are marked; zero-length audio, absurd sample rates and undecodable FLAC frames fail naming the file, never crash")
    func hostileAudio() throws {
        let folder = try Repository.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let eight = folder.appendingPathComponent("eight-channels.wav").path
        let stamp = try ProcessRunner.ailabel(["stamp", Repository.fixture("media/eight-channels.wav").path, "--out", folder.path, "--json", "--audible", "--audible-cue", "rhythm"])
        #expect(stamp.status == 0, "\(stamp.stderr)")
        let channels = try ProcessRunner.run("ffprobe", ["-v", "error", "-show_entries", "stream=channels", "-of", "csv=p=0", eight])
        #expect(channels.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "8")
        for (name, reason) in [
            ("wav-zero-length.wav", "no samples"), ("wav-absurd-rate.wav", "sample rate"), ("wav-rate-1hz.wav", "sample rate"),
            ("flac-undecodable-frames.flac", "no samples"),
        ] {
            let input = Repository.fixture("malformed/" + name).path
            let run = try ProcessRunner.ailabel(["stamp", input, "--out", folder.appendingPathComponent("bad").path, "--audible"])
            // Exit 1 (a file failed), not a signal: the process ran to the end.
            #expect(run.status == 1, "\(name): exit \(run.status) \(run.stderr)")
            let text = run.stdout + run.stderr
            #expect(text.contains(name) && text.contains(reason), "\(name): \(text)")
            #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("bad").appendingPathComponent(name).path))
        }
    }
}
