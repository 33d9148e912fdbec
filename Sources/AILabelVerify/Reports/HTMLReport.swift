import AILabelMedia
import AILabelVocabulary
import Foundation

/// A self-contained HTML report: a thumbnail of every image, its verdict, evidence, disclosures and
/// findings, failures first. No external resources: images are inlined as data URIs. Wide screens get a
/// table; narrow ones (a phone's 390 px) get one card per file.
enum HTMLReport {
    static func render(_ run: VerificationRun, failOn: Set<Verdict>) -> String {
        var html = """
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"><title>ailabel verify: \(escape(run.profile))</title>
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <style>
            *{box-sizing:border-box}
            body{font:14px/1.45 system-ui,sans-serif;margin:24px;color:#1a1a1a;background:#fafafa}
            h1{font-size:20px;margin:0 0 4px} h2{font-size:16px;margin:24px 0 8px} .meta{color:#555;margin-bottom:12px}
            .summary{display:flex;flex-wrap:wrap;gap:8px;margin-bottom:8px}
            .summary span{padding:4px 10px;border-radius:12px;background:#eee;white-space:nowrap}
            table{border-collapse:collapse;width:100%;background:#fff;table-layout:fixed}
            th{background:#f0f0f0;font-weight:600} td,th{border-bottom:1px solid #ddd;padding:8px;vertical-align:top;text-align:left;overflow-wrap:anywhere}
            col.image{width:\(Thumbnail.longestSide + 18)px} col.file{width:20%} col.state{width:160px}
            tr.failing td:first-child{box-shadow:inset 4px 0 #b00020}
            img{display:block;max-width:100%;height:auto;border:1px solid #ccc}
            .nothumb{width:\(Thumbnail.longestSide)px;max-width:100%;min-height:60px;padding:8px;border:1px dashed #bbb;color:#666;font-size:12px;background:#f5f5f5}
            .verdict{font-weight:600;padding:2px 8px;border-radius:10px;white-space:nowrap;display:inline-block}
            .compliant{background:#d8f3dc;color:#1b4332} .missing-disclosure{background:#ffe5b4;color:#7a4100}
            .invalid-disclosure{background:#ffd6d6;color:#8b0000} .no-ai-evidence{background:#e8e8e8;color:#333} .unreadable{background:#d6d6ff;color:#1a1a6b}
            ul{margin:0;padding-left:18px} .error{color:#8b0000} .warning{color:#7a4100} .info{color:#555} .times{color:#555;font-size:12px}
            small{color:#555}
            @media (max-width:720px){
              body{margin:12px}
              table,tbody,tr,td{display:block;width:100%} thead,colgroup{display:none}
              tr{display:grid;grid-template-columns:96px minmax(0,1fr);column-gap:10px;margin-bottom:12px;border:1px solid #ddd;border-radius:8px;background:#fff;padding:8px}
              tr.failing{border-left:4px solid #b00020}
              tr.failing td:first-child{box-shadow:none}
              td{border:0;padding:4px 0} td.image{grid-row:1 / span 2} td.file,td.state{grid-column:2}
              td.evidence,td.disclosures,td.findings{grid-column:1 / span 2}
              td[data-label]::before{content:attr(data-label);display:block;font-size:11px;text-transform:uppercase;letter-spacing:.04em;color:#777}
              .nothumb{width:96px;min-height:72px;font-size:11px}
            }
            </style></head><body>
            <h1>ailabel verify</h1>
            <div class="meta">Profile <b>\(escape(run.profile))</b>: \(escape(run.profileTitle)) · scan \(escape(run.scan)) · ailabel \(escape(run.version))</div>
            <div class="summary">
            """
        html += "<span><b>\(escape(CountPhrase.of(run.summary.files, "file")))</b>, \(run.summary.failing) failing</span>"
        for verdict in Verdict.allCases {
            html += "<span class=\"\(verdict.rawValue)\">\(run.summary.verdicts[verdict.rawValue] ?? 0) \(verdict.rawValue)</span>"
        }
        html += "<span>\(run.summary.skipped) skipped</span></div>\n"
        html += "<p class=\"meta\">Failures first. No AI evidence never proves that a file is human-made: metadata is often stripped.</p>\n"
        html += "<table><colgroup><col class=\"image\"><col class=\"file\"><col class=\"state\"><col><col><col></colgroup>\n"
        html += "<thead><tr><th>Image</th><th>File</th><th>Verdict</th><th>AI evidence</th><th>Disclosures</th><th>Findings</th></tr></thead><tbody>\n"
        for file in ordered(run.files, failOn: failOn) {
            html += "<tr class=\"\(failOn.contains(file.verdict) ? "failing" : "passing")\">"
            html += "<td class=\"image\">\(thumbnail(for: file))</td><td class=\"file\">\(escape(file.path))"
            if let width = file.width, let height = file.height { html += "<br><small>\(escape(file.format.uppercased())) \(width)×\(height)</small>" }
            html += "</td><td class=\"state\"><span class=\"verdict \(file.verdict.rawValue)\">\(file.verdict.rawValue)</span></td>"
            html += "<td class=\"evidence\" data-label=\"AI evidence\">" + list(file.aiEvidence.map { "<b>\(escape($0.source.rawValue))</b> \(escape($0.detail))" }) + "</td>"
            html += "<td class=\"disclosures\" data-label=\"Disclosures\">" + list(file.disclosures.map {
                "<b>\(escape($0.kind.rawValue))</b> \($0.intact ? "✔" : "✘ broken") \(escape($0.detail))" + ($0.languages.map { " [\(escape($0.joined(separator: ", ")))]" } ?? "")
            }) + (file.c2pa.map { "<small>C2PA \(escape($0.state)): \(escape($0.codes.joined(separator: ", ")))</small>" } ?? "") + "</td>"
            html += "<td class=\"findings\" data-label=\"Findings\">" + list(file.findings.map { "<span class=\"\($0.severity.rawValue)\">\(escape($0.code.rawValue))</span>: \(escape($0.message))" }) + "</td></tr>\n"
        }
        html += "</tbody></table>\n"
        if !run.skipped.isEmpty {
            html += "<h2>Skipped: \(escape(CountPhrase.of(run.skipped.count, "file")))</h2>\n<ul class=\"skipped\">"
            for skipped in run.skipped { html += "<li>\(escape(skipped.path)): \(escape(skipped.reason))</li>" }
            html += "</ul>\n"
        }
        html += "</body></html>\n"
        return html
    }

    /// Failing files first, then by severity (a broken disclosure before a missing one before an
    /// unreadable file, then files with no AI evidence, then compliant ones), then by path.
    static func ordered(_ files: [FileReport], failOn: Set<Verdict>) -> [FileReport] {
        files.sorted { a, b in
            let keyA = (failOn.contains(a.verdict) ? 0 : 1, severityRank(a.verdict)), keyB = (failOn.contains(b.verdict) ? 0 : 1, severityRank(b.verdict))
            return keyA != keyB ? keyA < keyB : a.path < b.path
        }
    }

    static func severityRank(_ verdict: Verdict) -> Int {
        switch verdict {
        case .invalidDisclosure: 0
        case .missingDisclosure: 1
        case .unreadable: 2
        case .noAIEvidence: 3
        case .compliant: 4
        }
    }

    /// A list with identical lines said once, with how many times they occurred.
    static func list(_ items: [String]) -> String {
        guard !items.isEmpty else { return "—" }
        var order: [String] = []
        var counts: [String: Int] = [:]
        for item in items {
            if counts[item] == nil { order.append(item) }
            counts[item, default: 0] += 1
        }
        return "<ul>" + order.map { item in
            "<li>\(item)\(counts[item]! > 1 ? " <span class=\"times\">×\(counts[item]!)</span>" : "")</li>"
        }.joined() + "</ul>"
    }

    static func thumbnail(for file: FileReport) -> String {
        if let jpeg = file.thumbnail?.jpeg {
            return "<img alt=\"\(escape(file.path))\" src=\"data:image/jpeg;base64,\(Data(jpeg).base64EncodedString())\">"
        }
        return "<div class=\"nothumb\">No thumbnail: \(escape(missingReason(for: file)))</div>"
    }

    /// Why a file shows no thumbnail.
    static func missingReason(for file: FileReport) -> String {
        if let reason = file.thumbnail?.missingReason { return reason }
        if file.verdict == .unreadable { return "the file is unreadable" }
        if let handler = AssetRegistry.standard.handler(for: MediaFormat(rawValue: file.format)) {
            return handler.declaration.carries.contains(.pixels) ? "not decoded" : "ailabel has no pixel codec for \(handler.declaration.displayName) yet"
        }
        switch file.format {
        case "sidecar": return "a sidecar, not an image"
        case "catalog", "catalog-record": return "a catalogue record"
        case "html": return "a web page"
        default: return "a \(file.format) file, not an image"
        }
    }

    static func escape(_ text: String) -> String { XMLTreeSerializer.escape(text, attribute: true) }
}
