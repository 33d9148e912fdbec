// AudioMarkProbe: the audio watermark benchmark's reader. Reads one request per line on stdin,
//   <payload-hex> <path>
// decodes the file (any container and codec FFmpeg reads), runs the mark's reader, and answers one JSON line:
//   {"found":…,"payload":"…","guess":"…","sync":…,"codedBitErrors":…,"codedBits":188,"ms":…}
// `guess` is the payload of the best-synchronised alignment decoded, even when its CRC failed (empty when no
// alignment passed the sync gate); `codedBitErrors` counts its coded bits that differ from those the given
// payload is sent as (all of them when nothing was decoded). `verify` reports only what checks out; the
// benchmark's bit accuracy needs what did not.
import AILabelMedia
import AILabelWatermark
import Foundation

let watermarker = AudioWatermarker()

func answer(_ object: [String: Any]) {
    let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data("{}".utf8)
    FileHandle.standardOutput.write(data + Data("\n".utf8))
}

while let line = readLine() {
    let parts = line.split(separator: " ", maxSplits: 1).map(String.init)
    guard parts.count == 2, let value = UInt64(parts[0], radix: 16) else {
        answer(["error": "expected: <payload-hex> <path>"])
        continue
    }
    let payload = WatermarkPayload(value)
    do {
        let started = DispatchTime.now().uptimeNanoseconds
        let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: parts[1])))
        let audio = try AudioCodec.decode(bytes).audio
        let analysis = try watermarker.analyze(audio)
        let milliseconds = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e6
        let reading = analysis.firstReading
        answer([
            "found": analysis.detection != nil,
            "payload": analysis.detection?.payload.hex ?? "",
            "guess": reading?.guess.hex ?? "",
            "sync": analysis.bestSyncScore,
            "codedBitErrors": reading.map { watermarker.codedBitErrors(in: $0, against: payload) } ?? AudioWatermarker.codedBits,
            "codedBits": AudioWatermarker.codedBits,
            "ms": milliseconds,
        ])
    } catch {
        answer(["error": "\(parts[1]): \((error as? MediaError)?.reason ?? "\(error)")"])
    }
}
