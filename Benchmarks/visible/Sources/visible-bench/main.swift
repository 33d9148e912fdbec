// Times the visible badge on a JPEG: decode, draw, encode, against a plain decode + encode of the same file
// (both through PixelCodec, i.e. libjpeg-turbo), and the verify-side check.
//
//   visible-bench <file.jpg> [quality] [runs]
import AILabelMedia
import AILabelVisible
import Foundation

@inline(never)
func milliseconds(_ body: () throws -> Void) rethrows -> Double {
    let start = DispatchTime.now().uptimeNanoseconds
    try body()
    return Double(DispatchTime.now().uptimeNanoseconds - start) / 1_000_000
}

func median(_ values: [Double]) -> Double { values.sorted()[values.count / 2] }

let arguments = CommandLine.arguments
guard arguments.count >= 2 else {
    FileHandle.standardError.write("usage: visible-bench <file.jpg> [quality] [runs]\n".data(using: .utf8)!)
    exit(64)
}
let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: arguments[1])))
let quality = arguments.count >= 3 ? Int(arguments[2]) ?? 90 : 90
let runs = arguments.count >= 4 ? Int(arguments[3]) ?? 5 : 5
let labeler = try VisibleLabeler()
let texts: [BadgeText] = [.Examples.kazakh, .Examples.russian]

var decode: [Double] = [], apply: [Double] = [], encode: [Double] = [], baseline: [Double] = [], labelled: [Double] = []
var check: [Double] = [], translucent: [Double] = []
var record: BadgeRecord?
var image = try PixelCodec.decode(bytes)
for _ in 0..<runs {
    // Baseline: what any re-encoding costs.
    baseline.append(try milliseconds {
        let decoded = try PixelCodec.decode(bytes)
        _ = try PixelCodec.encodeJPEG(decoded, quality: quality, subsampling: .s420)
    })
    // Labelled: decode, draw, encode.
    var output = image
    var labelledTime = 0.0
    labelledTime += try milliseconds { image = try PixelCodec.decode(bytes) }
    decode.append(labelledTime)
    let drawTime = try milliseconds { (output, record) = try labeler.apply(to: image, texts: texts) }
    apply.append(drawTime)
    let encodeTime = try milliseconds { _ = try PixelCodec.encodeJPEG(output, quality: quality, subsampling: .s420) }
    encode.append(encodeTime)
    labelled.append(labelledTime + drawTime + encodeTime)
    check.append(milliseconds { precondition(labeler.badgePresent(in: output, record: record!).isPresent) })
    translucent.append(try milliseconds {
        _ = try labeler.apply(to: image, texts: texts, style: BadgeStyle(background: .translucent(.black, opacity: 0.6)))
    })
}
let ratio = median(labelled) / median(baseline)
print("image               \(image.width)×\(image.height), \(bytes.count) bytes, re-encoded at q\(quality) 4:2:0, \(runs) runs (medians)")
print("badge               \(record!)")
print(String(format: "decode              %8.1f ms", median(decode)))
print(String(format: "apply (solid)       %8.1f ms", median(apply)))
print(String(format: "apply (translucent) %8.1f ms", median(translucent)))
print(String(format: "encode              %8.1f ms", median(encode)))
print(String(format: "labelled total      %8.1f ms  (decode + apply + encode)", median(labelled)))
print(String(format: "baseline            %8.1f ms  (decode + encode, libjpeg-turbo via PixelCodec)", median(baseline)))
print(String(format: "ratio               %8.2f ×   (target < 2)", ratio))
print(String(format: "apply overhead      %8.0f %%  (apply / (decode + encode) medians; noise-free estimate of the ratio: %.2f ×)",
             100 * median(apply) / (median(decode) + median(encode)), (median(decode) + median(apply) + median(encode)) / (median(decode) + median(encode))))
print(String(format: "badgePresent        %8.1f ms", median(check)))
