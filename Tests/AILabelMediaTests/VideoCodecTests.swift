import AILabelMedia
import AILabelTestSupport
import Foundation
import Testing

/// The libav pipeline on the tiny clips of `Fixtures/make_av_fixtures.py`; ffprobe and ffmpeg are the referees.
@Suite("Video decode and transcode through libav")
struct VideoCodecTests {
    static func fixture(_ name: String) -> String { Repository.fixture("video/" + name).path }

    /// The luma planes of every frame, copied out.
    static func lumaFrames(_ path: String) throws -> [[UInt8]] {
        var frames: [[UInt8]] = []
        try VideoCodec.decode(path: path) { frame in
            var plane = [UInt8]()
            plane.reserveCapacity(frame.width * frame.height)
            for y in 0..<frame.height { plane += frame.row(y, plane: 0) }
            frames.append(plane)
            return true
        }
        return frames
    }

    static func psnr(_ a: [UInt8], _ b: [UInt8]) -> Double {
        var squared = 0.0
        for index in a.indices {
            let d = Double(a[index]) - Double(b[index])
            squared += d * d
        }
        let mse = squared / Double(a.count)
        return mse == 0 ? 99 : 10 * log10(255 * 255 / mse)
    }

    static func ffprobe(_ path: String, _ entries: String) throws -> String {
        let result = try ProcessRunner.run("ffprobe", ["-v", "error", "-show_entries", entries, "-of", "csv=p=0", path])
        #expect(result.status == 0, "ffprobe failed: \(result.stderr)")
        return result.stdout
    }

    @Test("Decoding hands out every frame with its size, time and the stream's description")
    func decodes() throws {
        var times: [Double] = []
        let info = try VideoCodec.decode(path: Self.fixture("h264-aac-subtitle.mp4")) { frame in
            #expect(frame.width == 320 && frame.height == 240 && frame.chromaShiftX == 1 && frame.chromaShiftY == 1)
            times.append(frame.seconds)
            return true
        }
        #expect(info.codec == "h264" && info.width == 320 && info.height == 240 && info.frames == 10)
        #expect(info.streamCount == 3 && info.frameRate == 10 && info.colorPrimaries == 1)
        #expect(times.first == 0 && abs(times.last! - 0.9) < 1e-6)
    }

    @Test("A transcode keeps the codec, the other streams packet for packet, and matched quality", arguments: [
        ("h264-aac-subtitle.mp4", "h264", "libx264"),
        ("hevc.mp4", "hevc", "libx265"),
        ("vp9-opus.webm", "vp9", "libvpx-vp9"),
        ("av1.mkv", "av1", "libaom-av1"),
    ])
    func transcodes(_ name: String, codec: String, encoder: String) throws {
        let folder = try Repository.temporaryDirectory("video-codec")
        defer { try? FileManager.default.removeItem(at: folder) }
        let input = Self.fixture(name)
        let output = folder.appendingPathComponent(name).path
        let info = try VideoCodec.transcode(input: input, output: output) { _ in }
        #expect(info.encoder == encoder)
        #expect(try Self.ffprobe(output, "stream=codec_name").split(separator: "\n").first.map(String.init) == codec)
        // Every other stream: the same packets (ffmpeg's per-packet hashes of the stream copied out).
        let streams = try Self.ffprobe(input, "stream=codec_type").split(separator: "\n")
        for (index, type) in streams.enumerated() where type != "video" {
            func hash(_ path: String) throws -> String {
                try ProcessRunner.run(
                    "ffmpeg", ["-v", "error", "-i", path, "-map", "0:\(index)", "-c", "copy", "-f", "streamhash", "-"]
                ).stdout
            }
            #expect(try hash(input) == hash(output), "stream \(index) (\(type)) changed")
        }
        // Matched quality: every frame's luma against the source's decoded frame.
        let before = try Self.lumaFrames(input), after = try Self.lumaFrames(output)
        #expect(before.count == after.count)
        for (a, b) in zip(before, after) { #expect(Self.psnr(a, b) >= 40) }
    }

    @Test("Matched quality: an H.264 source is re-encoded at a CRF that follows its own QP; a CRF given, or another codec, is used as it is")
    func matchedQualityFollowsTheSource() throws {
        let folder = try Repository.temporaryDirectory("video-codec")
        defer { try? FileManager.default.removeItem(at: folder) }
        func transcode(_ name: String, crf: Int? = nil) throws -> (VideoStreamInfo, String) {
            let output = folder.appendingPathComponent("\(crf ?? -1)-" + name).path
            return (try VideoCodec.transcode(input: Self.fixture(name), output: output, settings: .init(crf: crf)) { _ in }, output)
        }
        // A fine source (encoded at CRF 13): finer than the fixed default, three below its QP.
        let (fine, fineOutput) = try transcode("h264-fine.mp4")
        let fineQP = try #require(fine.sourceQP)
        #expect(fineQP > 13 && fineQP < 20 && fine.qualityFrames == 5)
        #expect(fine.crf == max(12, min(18, Int(fineQP.rounded()) - 3)) && fine.crf! < 18)
        // It keeps more of the source than the fixed CRF 18 does.
        let (fixed, fixedOutput) = try transcode("h264-fine.mp4", crf: 18)
        #expect(fixed.crf == 18 && fixed.sourceQP == nil)
        let source = try Self.lumaFrames(Self.fixture("h264-fine.mp4"))
        func meanPSNR(_ path: String) throws -> Double {
            let frames = try Self.lumaFrames(path)
            return zip(source, frames).map { Self.psnr($0, $1) }.reduce(0, +) / Double(frames.count)
        }
        #expect(try meanPSNR(fineOutput) > meanPSNR(fixedOutput) + 1)
        // A coarse source (CRF 34): the default, never coarser.
        let (coarse, _) = try transcode("h264-coarse.mp4")
        #expect(try #require(coarse.sourceQP) > 30 && coarse.crf == 18)
        // A CRF given is used; HEVC's decoder exports no QPs, so libx265 keeps its default.
        #expect(try transcode("h264-fine.mp4", crf: 23).0.crf == 23)
        let (hevc, _) = try transcode("hevc.mp4")
        #expect(hevc.crf == 20 && hevc.sourceQP == nil)
    }

    @Test("A transcode keeps timestamps (variable frame rate), rotation and colour description")
    func keepsTimingRotationColour() throws {
        let folder = try Repository.temporaryDirectory("video-codec")
        defer { try? FileManager.default.removeItem(at: folder) }
        for name in ["vfr.mp4", "h264-rotated.mp4", "h264-aac-subtitle.mp4"] {
            let input = Self.fixture(name)
            let output = folder.appendingPathComponent(name).path
            try VideoCodec.transcode(input: input, output: output) { _ in }
            let entries = "frame=pts_time"
            #expect(try Self.ffprobe(input, entries) == Self.ffprobe(output, entries), "\(name): frame times differ")
            let sideData = "stream_side_data=rotation"
            #expect(try Self.ffprobe(input, sideData) == Self.ffprobe(output, sideData), "\(name): rotation differs")
            let colour = "stream=color_primaries,color_transfer,color_space,color_range"
            #expect(try Self.ffprobe(input, colour).split(separator: "\n").first == Self.ffprobe(output, colour).split(separator: "\n").first)
        }
        #expect(try VideoCodec.probe(path: Self.fixture("h264-rotated.mp4")).rotation == 90)
    }

    @Test("What the callback writes is what gets encoded")
    func encodesChanges() throws {
        let folder = try Repository.temporaryDirectory("video-codec")
        defer { try? FileManager.default.removeItem(at: folder) }
        let output = folder.appendingPathComponent("grey.mp4").path
        try VideoCodec.transcode(input: Self.fixture("h264-aac-subtitle.mp4"), output: output) { frame in
            for y in 0..<frame.height { frame.row(y, plane: 0).update(repeating: 100) }
        }
        for plane in try Self.lumaFrames(output) {
            let mean = Double(plane.reduce(0) { $0 + Int($1) }) / Double(plane.count)
            #expect(abs(mean - 100) < 1)
        }
    }

    @Test("A variable frame rate stays variable: every frame keeps its own time")
    func variableFrameRate() throws {
        let folder = try Repository.temporaryDirectory("video-codec")
        defer { try? FileManager.default.removeItem(at: folder) }
        let input = Self.fixture("vfr.mp4")
        let output = folder.appendingPathComponent("vfr.mp4").path
        var times: [Double] = []
        try VideoCodec.transcode(input: input, output: output) { frame in times.append(frame.seconds) }
        let gaps = Set(zip(times.dropFirst(), times).map { (($0 - $1) * 1000).rounded() })
        #expect(gaps.count > 1, "the fixture's frames are evenly spaced: \(gaps)")
        var written: [Double] = []
        try VideoCodec.decode(path: output) { frame in
            written.append(frame.seconds)
            return true
        }
        #expect(written.count == times.count)
        for (a, b) in zip(written, times) { #expect(abs(a - b) < 0.001) }
    }

    // MARK: Bad input: a clear error naming the file, never a crash.

    static func expectFailure(_ name: String, code: MediaError.Code, mentioning words: String) {
        let path = fixture(name)
        for transcode in [false, true] {
            do {
                if transcode {
                    let output = NSTemporaryDirectory() + "/ailabel-bad-\(UUID().uuidString).mp4"
                    defer { unlink(output) }
                    try VideoCodec.transcode(input: path, output: output) { _ in }
                } else {
                    try VideoCodec.decode(path: path) { _ in true }
                }
                Issue.record("\(name) was accepted")
            } catch {
                #expect(error.code == code, "\(name): \(error.code) \(error.reason)")
                #expect(error.path == path)
                #expect(error.reason.localizedCaseInsensitiveContains(words), "\(name): \(error.reason)")
            }
        }
    }

    @Test("A stream FFmpeg cannot decode is refused")
    func undecodableStream() { Self.expectFailure("unknown-codec.mkv", code: .libraryFailure, mentioning: "no decoder") }

    @Test("Frames of absurd size are refused before any frame is allocated")
    func absurdFrameSize() { Self.expectFailure("absurd-size.mkv", code: .limitExceeded, mentioning: "16000×16000") }

    @Test("Frames that grow mid-stream past the limit are refused by libav before one is allocated")
    func growingFramesAreRefusedBeforeAllocation() throws {
        let folder = try Repository.temporaryDirectory("video-codec")
        defer { try? FileManager.default.removeItem(at: folder) }
        // MPEG-TS segments join by concatenation: the stream is declared 320×240 (the first 8 s, longer than
        // libav's probe reads), then carries 640×480.
        var joined = Data()
        for (size, seconds) in [("320x240", "8"), ("640x480", "0.5")] {
            let segment = folder.appendingPathComponent("\(size).ts").path
            let made = try ProcessRunner.run("ffmpeg", [
                "-v", "error", "-f", "lavfi", "-i", "testsrc2=size=\(size):rate=10", "-t", seconds,
                "-c:v", "libx264", "-preset", "ultrafast", "-f", "mpegts", segment])
            #expect(made.status == 0, "\(made.stderr)")
            joined += try Data(contentsOf: URL(fileURLWithPath: segment))
        }
        let path = folder.appendingPathComponent("growing.ts").path
        try joined.write(to: URL(fileURLWithPath: path))
        var largest = 0
        do {
            try VideoCodec.decode(path: path, limits: VideoLimits(maximumPixels: 320 * 240 * 2)) { frame in
                largest = max(largest, frame.width * frame.height)
                return true
            }
            Issue.record("the growing stream was accepted")
        } catch {
            // libav's own check (its max_pixels) stops the decoder; ours, after a frame was decoded, would say
            // "the frame size changed". (libav's reason is logged on its decoding thread, where the message
            // capture does not reach: the decoder's error code is what is said.)
            #expect(error.reason.hasPrefix("the video cannot be decoded"), "\(error.reason)")
            #expect(!error.reason.contains("changed"), "\(error.reason)")
        }
        #expect(largest == 320 * 240)
        // Without the limit inside libav the frame would be decoded first and refused after (work_frame).
    }

    @Test("A file with hundreds of streams is refused")
    func hundredsOfStreams() { Self.expectFailure("many-streams.mkv", code: .limitExceeded, mentioning: "120 streams") }

    @Test("Garbage and a truncated file are refused")
    func garbageAndTruncated() {
        Self.expectFailure("garbage.mp4", code: .libraryFailure, mentioning: "cannot open")
        Self.expectFailure("truncated.mp4", code: .libraryFailure, mentioning: "cannot open")
    }

    @Test("A name with a colon is a file, never a protocol")
    func colonInName() throws {
        let folder = try Repository.temporaryDirectory("video-codec")
        defer { try? FileManager.default.removeItem(at: folder) }
        let odd = folder.appendingPathComponent("concat:clip.mp4").path
        try FileManager.default.copyItem(atPath: Self.fixture("h264-rotated.mp4"), toPath: odd)
        #expect(try VideoCodec.probe(path: odd).codec == "h264")
    }
}
