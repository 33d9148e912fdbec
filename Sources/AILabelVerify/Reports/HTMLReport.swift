import AILabelMedia
import Foundation

/// A self-contained HTML report: a thumbnail of every image, its verdict, evidence, disclosures and
/// findings. No external resources: images are inlined as data URIs.
enum HTMLReport {
    /// Thumbnails are at most this many pixels on their longer side.
    static let thumbnailSide = 160

    static func render(_ run: VerificationRun, failOn: Set<Verdict>) -> String {
        var html = """
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"><title>ailabel verify: \(escape(run.profile))</title>
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <style>
            body{font:14px/1.4 system-ui,sans-serif;margin:24px;color:#1a1a1a;background:#fafafa}
            h1{font-size:20px;margin:0 0 4px} .meta{color:#555;margin-bottom:16px}
            .summary span{display:inline-block;margin:0 8px 8px 0;padding:4px 10px;border-radius:12px;background:#eee}
            table{border-collapse:collapse;width:100%;background:#fff} td,th{border-bottom:1px solid #ddd;padding:8px;vertical-align:top;text-align:left}
            img{max-width:\(thumbnailSide)px;max-height:\(thumbnailSide)px;border:1px solid #ccc}
            .verdict{font-weight:600;padding:2px 8px;border-radius:10px;white-space:nowrap}
            .compliant{background:#d8f3dc;color:#1b4332} .missing-disclosure{background:#ffe5b4;color:#7a4100}
            .invalid-disclosure{background:#ffd6d6;color:#8b0000} .no-ai-evidence{background:#e8e8e8;color:#333} .unreadable{background:#d6d6ff;color:#1a1a6b}
            ul{margin:0;padding-left:18px} .error{color:#8b0000} .warning{color:#7a4100} .info{color:#555}
            </style></head><body>
            <h1>ailabel verify</h1>
            <div class="meta">Profile <b>\(escape(run.profile))</b>: \(escape(run.profileTitle)) · scan \(escape(run.scan)) · ailabel \(escape(run.version))</div>
            <div class="summary">
            """
        for verdict in Verdict.allCases {
            html += "<span class=\"\(verdict.rawValue)\">\(run.summary.verdicts[verdict.rawValue] ?? 0) \(verdict.rawValue)</span>"
        }
        html += "<span>\(run.summary.skipped) skipped</span></div>\n"
        html += "<p class=\"meta\">No AI evidence never proves that a file is human-made: metadata is often stripped.</p>\n"
        html += "<table><thead><tr><th>Image</th><th>File</th><th>Verdict</th><th>AI evidence</th><th>Disclosures</th><th>Findings</th></tr></thead><tbody>\n"
        for file in run.files {
            html += "<tr><td>\(thumbnail(for: file))</td><td>\(escape(file.path))"
            if let width = file.width, let height = file.height { html += "<br><small>\(file.format.uppercased()) \(width)×\(height)</small>" }
            html += "</td><td><span class=\"verdict \(file.verdict.rawValue)\">\(file.verdict.rawValue)</span></td>"
            html += "<td>" + list(file.aiEvidence.map { "<b>\(escape($0.source))</b> \(escape($0.detail))" }) + "</td>"
            html += "<td>" + list(file.disclosures.map {
                "<b>\(escape($0.kind))</b> \($0.intact ? "✔" : "✘ broken") \(escape($0.detail))" + ($0.languages.map { " [\(escape($0.joined(separator: ", ")))]" } ?? "")
            }) + (file.c2pa.map { "<small>C2PA \(escape($0.state)): \(escape($0.codes.joined(separator: ", ")))</small>" } ?? "") + "</td>"
            html += "<td>" + list(file.findings.map { "<span class=\"\($0.severity.rawValue)\">\(escape($0.code))</span>: \(escape($0.message))" }) + "</td></tr>\n"
        }
        html += "</tbody></table></body></html>\n"
        return html
    }

    private static func list(_ items: [String]) -> String {
        items.isEmpty ? "—" : "<ul>" + items.map { "<li>\($0)</li>" }.joined() + "</ul>"
    }

    private static func thumbnail(for file: FileReport) -> String {
        guard file.verdict != .unreadable, ["jpeg", "png"].contains(file.format),
            let bytes = try? FileReader.read(file.path), let image = try? PixelCodec.decode(bytes, maxPixels: 60_000_000),
            let encoded = try? PixelCodec.encodeJPEG(Thumbnailer.shrink(image, longestSide: thumbnailSide), quality: 80)
        else { return "—" }
        return "<img alt=\"\(escape(file.path))\" src=\"data:image/jpeg;base64,\(Data(encoded).base64EncodedString())\">"
    }

    static func escape(_ text: String) -> String { XMLTreeSerializer.escape(text, attribute: true) }
}

/// Box-filter downscaling for thumbnails.
enum Thumbnailer {
    static func shrink(_ image: RGBImage, longestSide: Int) -> RGBImage {
        let scale = Double(longestSide) / Double(max(image.width, image.height))
        guard scale < 1 else { return image }
        let width = max(1, Int(Double(image.width) * scale))
        let height = max(1, Int(Double(image.height) * scale))
        var pixels = [UInt8](repeating: 0, count: width * height * image.channels)
        for y in 0..<height {
            let y0 = y * image.height / height, y1 = max(y0 + 1, (y + 1) * image.height / height)
            for x in 0..<width {
                let x0 = x * image.width / width, x1 = max(x0 + 1, (x + 1) * image.width / width)
                for channel in 0..<image.channels {
                    var sum = 0
                    for sy in y0..<y1 { for sx in x0..<x1 { sum += Int(image.pixels[(sy * image.width + sx) * image.channels + channel]) } }
                    pixels[(y * width + x) * image.channels + channel] = UInt8(sum / ((y1 - y0) * (x1 - x0)))
                }
            }
        }
        return RGBImage(width: width, height: height, channels: image.channels, pixels: pixels)
    }
}
