// wmtool: the benchmark's Swift side. Reads commands from stdin, one per line, and answers one JSON line each:
//   embed <in.ppm> <out.ppm> <payload-hex> [strength]   → {"ok":true,"ms":…}
//   detect <in.ppm>                                       → {"found":…,"payload":"…","guess":"…","z":…,"ms":…}
//   sd <in.ppm>                                           → {"found":…,"name":"…","matched":…,"bits":…}
// Images are binary PPM (P6), the simplest format both Python and Swift read without libraries.
import AILabelMedia
import AILabelWatermark
import Foundation

func readPPM(_ path: String) throws -> RGBImage {
    let data = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
    var position = 0
    func token() -> String {
        while position < data.count {
            if data[position] == UInt8(ascii: "#") {
                while position < data.count && data[position] != 10 { position += 1 }
            } else if data[position] == 32 || data[position] == 10 || data[position] == 13 || data[position] == 9 {
                position += 1
            } else { break }
        }
        let start = position
        while position < data.count && !(data[position] == 32 || data[position] == 10 || data[position] == 13 || data[position] == 9) {
            position += 1
        }
        return String(decoding: data[start..<position], as: UTF8.self)
    }
    guard token() == "P6", let width = Int(token()), let height = Int(token()), token() == "255" else {
        throw NSError(domain: "wmtool", code: 1, userInfo: [NSLocalizedDescriptionKey: "not a P6 PPM: \(path)"])
    }
    position += 1
    return RGBImage(width: width, height: height, channels: 3, pixels: Array(data[position..<(position + width * height * 3)]))
}

func writePPM(_ image: RGBImage, _ path: String) throws {
    var bytes = Array("P6\n\(image.width) \(image.height)\n255\n".utf8)
    bytes.append(contentsOf: image.pixels)
    try Data(bytes).write(to: URL(fileURLWithPath: path))
}

/// CPU time of this thread, in milliseconds: what one core spends, whatever else the machine is doing.
func threadCPUMilliseconds() -> Double {
    var spec = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &spec)
    return Double(spec.tv_sec) * 1e3 + Double(spec.tv_nsec) / 1e6
}

nonisolated(unsafe) var lastCPU = 0.0

/// Wall-clock milliseconds of `body`; its thread CPU time goes to `lastCPU`.
func milliseconds(_ body: () throws -> Void) rethrows -> Double {
    let start = DispatchTime.now().uptimeNanoseconds
    let cpuStart = threadCPUMilliseconds()
    try body()
    lastCPU = threadCPUMilliseconds() - cpuStart
    return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6
}

let watermarker = AILabelWatermarker()
let sdDetector = StableDiffusionWatermarkDetector()
while let line = readLine() {
    let parts = line.split(separator: " ").map(String.init)
    guard let command = parts.first else { continue }
    do {
        switch command {
        case "embed":
            let image = try readPPM(parts[1])
            let payload = UInt64(parts[3], radix: 16)!
            let strength = parts.count > 4 ? Float(parts[4])! : 1
            var marked = image
            let ms = milliseconds { marked = watermarker.embed(WatermarkPayload(payload), into: image, strength: strength) }
            try writePPM(marked, parts[2])
            print("{\"ok\":true,\"ms\":\(ms),\"cpu\":\(lastCPU)}")
        case "detect":
            let image = try readPPM(parts[1])
            var analysis: WatermarkAnalysis?
            let ms = milliseconds { analysis = watermarker.analyze(image) }
            let a = analysis!
            print(
                "{\"found\":\(a.detection != nil),\"payload\":\"\(a.detection?.payload.hex ?? "")\",\"guess\":\"\(a.bestGuess.hex)\","
                    + "\"z\":\(a.bestSyncScore),\"period\":\(a.detection?.period ?? 0),\"errors\":\(a.detection?.codedBitErrors ?? -1),"
                    + "\"tried\":\(a.candidatesTried),\"coarse\":\(a.coarseRescaledSync ?? -1),\"ms\":\(ms),\"cpu\":\(lastCPU)}")
        case "sd":
            let image = try readPPM(parts[1])
            var match: StableDiffusionWatermarkMatch?
            let ms = milliseconds { match = sdDetector.detect(in: image) }
            if let match {
                print(
                    "{\"found\":true,\"name\":\"\(match.payload.name)\",\"matched\":\(match.matchingBits),\"bits\":\(match.payload.bitCount),"
                        + "\"inverted\":\(match.isInverted),\"variant\":\"\(match.variant)\",\"ms\":\(ms),\"cpu\":\(lastCPU)}")
            } else {
                print("{\"found\":false,\"ms\":\(ms),\"cpu\":\(lastCPU)}")
            }
        default:
            print("{\"error\":\"unknown command\"}")
        }
    } catch {
        print("{\"error\":\"\(error)\"}")
    }
    fflush(nil)
}
