// WatermarkProbe: the audio and video watermark benchmarks' reader. Reads one request per line on stdin,
//   audio <payload-hex> <path>     (WAV, MP3, FLAC or MP4, any codec FFmpeg reads)
//   video <payload-hex> <path>     (the first video stream)
// runs the mark's reader as `verify --scan full` does, and answers one JSON line:
//   {"found":…,"payload":"…","guess":"…","sync":…,"codedBitErrors":…,"codedBits":…,"ms":…}
// `guess` is the payload of the candidate the reader trusted most, even when its CRC failed (empty when
// nothing passed its gates). For audio, `codedBitErrors` counts that candidate's coded bits (summed over
// the clip's periods) that differ from those the given payload is sent as; for video it is given only for
// a detection. `verify` reports only what checks out; the benchmarks' bit accuracy needs what did not.
import AILabelMedia
import AILabelWatermark
import Foundation

func answer(_ object: [String: Any]) {
    let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data("{}".utf8)
    FileHandle.standardOutput.write(data + Data("\n".utf8))
}

func milliseconds(since start: UInt64) -> Double { Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6 }

func audio(_ payload: WatermarkPayload, _ path: String) throws -> [String: Any] {
    let started = DispatchTime.now().uptimeNanoseconds
    let watermarker = AudioWatermarker()
    let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
    let analysis = try watermarker.analyze(try AudioCodec.decode(bytes, as: .compressed.union(.wav)).audio)
    let reading = analysis.firstReading
    return [
        "found": analysis.detection != nil, "payload": analysis.detection?.payload.hex ?? "", "guess": reading?.guess.hex ?? "",
        "sync": analysis.bestSyncScore,
        "codedBitErrors": reading.map { watermarker.codedBitErrors(in: $0, against: payload) } ?? AudioWatermarker.codedBits,
        "codedBits": AudioWatermarker.codedBits, "ms": milliseconds(since: started),
    ]
}

/// As `verify`'s video scan pools frames: up to 48, evenly spread over the clip (every frame up to every 10th).
func video(_ payload: WatermarkPayload, _ path: String) throws -> [String: Any] {
    let started = DispatchTime.now().uptimeNanoseconds
    let framesPooled = 48, largestStride = 10
    let info = try VideoCodec.probe(path: path)
    let expected = info.frameRate > 0 && info.duration > 0 ? Int(info.duration * info.frameRate) : framesPooled
    let stride = max(1, min(largestStride, expected / framesPooled))
    let pool = PoolBox(VideoWatermarkPool(watermarker: AILabelWatermarker()))
    try VideoCodec.decode(path: path) { frame in
        if frame.index % stride == 0 {
            let (luma, lumaStride) = frame.plane(0)
            pool.value.add(luma: luma, stride: lumaStride, width: frame.width, height: frame.height)
        }
        return pool.value.frames < framesPooled
    }
    let analysis = pool.value.analyze()
    var answer: [String: Any] = [
        "found": analysis.detection != nil, "payload": analysis.detection?.payload.hex ?? "", "guess": analysis.bestGuess.hex,
        "sync": analysis.bestSyncScore, "frames": pool.value.frames, "ms": milliseconds(since: started),
    ]
    if let detection = analysis.detection {
        answer["codedBitErrors"] = detection.codedBitErrors
        answer["codedBits"] = detection.codedBitCount
    }
    return answer
}

/// The pool the frame callback fills (the callback escapes, so it cannot take an inout).
final class PoolBox: @unchecked Sendable {
    var value: VideoWatermarkPool
    init(_ value: VideoWatermarkPool) { self.value = value }
}

while let line = readLine() {
    let parts = line.split(separator: " ", maxSplits: 2).map(String.init)
    guard parts.count == 3, let value = UInt64(parts[1], radix: 16), ["audio", "video"].contains(parts[0]) else {
        answer(["error": "expected: audio|video <payload-hex> <path>"])
        continue
    }
    do {
        answer(parts[0] == "audio" ? try audio(WatermarkPayload(value), parts[2]) : try video(WatermarkPayload(value), parts[2]))
    } catch {
        answer(["error": "\(parts[2]): \((error as? MediaError)?.reason ?? "\(error)")"])
    }
}
