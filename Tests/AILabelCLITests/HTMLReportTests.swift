import AILabelMedia
import AILabelTestSupport
import Foundation
import Testing

/// The HTML report as a person sees it: its order, its thumbnails and their absence, and the page in
/// headless Chromium at a desktop's 1400 px and a phone's 390 px.
@Suite("ailabel verify --format html, looked at")
struct HTMLReportTests {
    /// A tree with every verdict, a tampered but decodable JPEG, a truncated one, a 100000×100000 PNG,
    /// a PDF with a sidecar, a text file (skipped).
    static func tree() throws -> URL {
        let folder = try Repository.temporaryDirectory("ailabel-html")
        let media = folder.appendingPathComponent("media")
        try FileManager.default.createDirectory(at: media, withIntermediateDirectories: true)
        for name in try FileManager.default.contentsOfDirectory(atPath: Repository.fixture("verify").path) {
            try FileManager.default.copyItem(at: Repository.fixture("verify/\(name)"), to: media.appendingPathComponent(name))
        }
        for (fixture, name) in [
            ("c2pa/sdk/signed-byte-flipped.jpg", "tampered.jpg"), ("malformed/truncated.jpg", "truncated.jpg"),
            ("media/huge-dimensions.png", "huge.png"), ("sidecar/report.pdf", "report.pdf"),
        ] {
            try FileManager.default.copyItem(at: Repository.fixture(fixture), to: media.appendingPathComponent(name))
        }
        #expect(try ProcessRunner.ailabel(["stamp", "media/report.pdf", "--in-place"], directory: folder).status == 0)
        return folder
    }

    static func render(_ folder: URL) throws -> String {
        let result = try ProcessRunner.ailabel(["verify", "media", "--format", "html", "--output", "report.html"], directory: folder)
        #expect(result.status == 1)
        return try String(contentsOf: folder.appendingPathComponent("report.html"), encoding: .utf8)
    }

    /// The files in row order, each with its verdict and thumbnail cell.
    static func rows(_ html: String) -> [(path: String, verdict: String, image: String)] {
        html.components(separatedBy: "<tr class=\"").dropFirst().compactMap { row in
            guard let file = row.range(of: "<td class=\"file\">"), let verdict = row.range(of: "<span class=\"verdict ") else { return nil }
            let path = String(row[file.upperBound...].prefix { $0 != "<" })
            let name = String(row[verdict.upperBound...].prefix { $0 != "\"" })
            let image = String(row[..<file.lowerBound])
            return (path, name, image)
        }
    }

    @Test("Failures first, by severity then path; a thumbnail for every file that decodes, a reason where there is none")
    func orderAndThumbnails() throws {
        let folder = try Self.tree()
        defer { try? FileManager.default.removeItem(at: folder) }
        let html = try Self.render(folder)
        #expect(!html.contains("src=\"http"), "no external resources")
        let rows = Self.rows(html)
        #expect(rows.count == 30, "\(rows.map(\.path))")
        let rank = ["invalid-disclosure": 0, "missing-disclosure": 1, "unreadable": 2, "no-ai-evidence": 3, "compliant": 4]
        let keys = rows.map { (rank[$0.verdict]!, $0.path) }
        #expect(keys.map(\.0) == keys.map(\.0).sorted(), "severity order: \(rows.map(\.verdict))")
        for index in keys.indices.dropFirst() where keys[index].0 == keys[index - 1].0 {
            #expect(keys[index - 1].1 < keys[index].1, "path order within a verdict")
        }
        #expect(rows.first?.verdict == "invalid-disclosure")

        func row(_ name: String) throws -> (path: String, verdict: String, image: String) {
            try #require(rows.first { $0.path == "media/\(name)" }, "\(name)")
        }
        #expect(try row("tampered.jpg").verdict == "invalid-disclosure")
        #expect(try row("tampered.jpg").image.contains("data:image/jpeg;base64,"), "a tampered but decodable JPEG gets a thumbnail")
        #expect(try row("truncated.jpg").verdict == "unreadable")
        #expect(try row("truncated.jpg").image.contains("data:image/jpeg;base64,"), "so does a truncated one libjpeg can still show")
        #expect(try row("huge.png").image.contains("No thumbnail: 100000×100000: over the thumbnail limit of 40 megapixels"))
        #expect(try row("report.pdf").image.contains("No thumbnail: a pdf file, not an image"))
        #expect(try row("broken.jpg").image.contains("No thumbnail: the file is unreadable"))
        for entry in rows where ["jpeg", "png"].contains(where: { entry.path.hasSuffix($0 == "jpeg" ? ".jpg" : ".png") })
            && !["media/huge.png", "media/broken.jpg"].contains(entry.path)
        {
            #expect(entry.image.contains("<img "), "\(entry.path) decodes, so it has a thumbnail")
        }
        #expect(html.contains("<li>media/notes.txt: not a media format ailabel reads nor a web page, and no sidecar beside it</li>"), "skipped files named")
    }

    /// A screenshot of `page` in headless Chromium, `width` px wide.
    static func screenshot(_ page: URL, width: Int, height: Int, folder: URL) throws -> RGBImage {
        let shot = folder.appendingPathComponent("report-\(width).png")
        let chromium = try ProcessRunner.run("chromium", [
            "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--window-size=\(width),\(height)",
            "--screenshot=\(shot.path)", page.absoluteString,
        ])
        #expect(FileManager.default.fileExists(atPath: shot.path), "chromium: \(chromium.stderr.suffix(500))")
        if ProcessInfo.processInfo.environment["AILABEL_KEEP_SCREENSHOT"] != nil {
            try? FileManager.default.removeItem(atPath: "/tmp/ailabel-report-\(width).png")
            try? FileManager.default.copyItem(at: shot, to: URL(fileURLWithPath: "/tmp/ailabel-report-\(width).png"))
        }
        return try PixelCodec.decode(try FileReader.read(shot.path))
    }

    /// Colours in a region of a screenshot (sampled every few pixels).
    static func colours(_ image: RGBImage, x: Range<Int>, y: Range<Int>) -> Set<Int> {
        var colours = Set<Int>()
        for row in stride(from: y.lowerBound, to: min(y.upperBound, image.height), by: 2) {
            for column in stride(from: x.lowerBound, to: min(x.upperBound, image.width), by: 3) {
                let offset = (row * image.width + column) * image.channels
                colours.insert(Int(image.pixels[offset]) << 16 | Int(image.pixels[offset + 1]) << 8 | Int(image.pixels[offset + 2]))
            }
        }
        return colours
    }

    static func contains(_ colours: Set<Int>, _ target: Int) -> Bool {
        colours.contains { abs(($0 >> 16) - (target >> 16)) < 4 && abs((($0 >> 8) & 0xFF) - ((target >> 8) & 0xFF)) < 4 && abs(($0 & 0xFF) - (target & 0xFF)) < 4 }
    }

    /// The page's document width when shown in a frame `width` px wide, measured by Chromium itself.
    static func documentWidth(of page: URL, frameWidth width: Int, folder: URL) throws -> (scroll: Int, client: Int) {
        let wrapper = folder.appendingPathComponent("measure-\(width).html")
        try """
            <!DOCTYPE html><html><body style="margin:0"><iframe id="f" src="\(page.lastPathComponent)" style="width:\(width)px;height:900px;border:0"></iframe>
            <pre id="out">pending</pre><script>
            document.getElementById('f').addEventListener('load', function () {
              var d = document.getElementById('f').contentDocument.documentElement;
              document.getElementById('out').textContent = 'scroll=' + d.scrollWidth + ' client=' + d.clientWidth;
            });
            </script></body></html>
            """.write(to: wrapper, atomically: true, encoding: .utf8)
        let dom = try ProcessRunner.run("chromium", [
            "--headless", "--no-sandbox", "--disable-gpu", "--allow-file-access-from-files", "--virtual-time-budget=5000",
            "--dump-dom", wrapper.absoluteString,
        ])
        let match = try #require(dom.stdout.range(of: #"scroll=(\d+) client=(\d+)"#, options: .regularExpression), "measured: \(dom.stdout.suffix(300))")
        let numbers = dom.stdout[match].split(whereSeparator: { !$0.isNumber }).compactMap { Int($0) }
        return (numbers[0], numbers[1])
    }

    @Test("Headless Chromium at 1400 px: a table, failures first with their stripe, thumbnails and coloured verdicts")
    func desktop() throws {
        let folder = try Self.tree()
        defer { try? FileManager.default.removeItem(at: folder) }
        _ = try Self.render(folder)
        let page = folder.appendingPathComponent("report.html")
        let image = try Self.screenshot(page, width: 1400, height: 900, folder: folder)
        #expect(image.width == 1400 && image.height == 900)
        let all = Self.colours(image, x: 0..<1400, y: 0..<900)
        #expect(all.count > 200, "the screenshot looks blank (\(all.count) colours)")
        #expect(Self.contains(all, 0xFFD6D6), "the invalid-disclosure badge, first")
        #expect(Self.contains(all, 0xFFE5B4), "the missing-disclosure badge")
        // The failing rows' stripe runs down the left edge of the table, below the header.
        #expect(Self.contains(Self.colours(image, x: 20..<40, y: 200..<900), 0xB00020), "failing rows are marked")
        let width = try Self.documentWidth(of: page, frameWidth: 1400, folder: folder)
        #expect(width.scroll <= width.client, "no horizontal scrolling at 1400 px: \(width)")
    }

    @Test("Headless Chromium at a phone's 390 px: one card per file, nothing wider than the screen")
    func phone() throws {
        let folder = try Self.tree()
        defer { try? FileManager.default.removeItem(at: folder) }
        _ = try Self.render(folder)
        let page = folder.appendingPathComponent("report.html")
        let width = try Self.documentWidth(of: page, frameWidth: 390, folder: folder)
        #expect(width.scroll <= width.client, "the page fits a 390 px screen: \(width)")
        let image = try Self.screenshot(page, width: 390, height: 1400, folder: folder)
        #expect(image.width == 390)
        let all = Self.colours(image, x: 0..<390, y: 0..<1400)
        #expect(all.count > 200, "the screenshot looks blank (\(all.count) colours)")
        #expect(Self.contains(all, 0xFFD6D6), "the first cards are failures")
        #expect(Self.contains(Self.colours(image, x: 0..<40, y: 250..<1400), 0xB00020), "failing cards are marked")
        // Thumbnails show on the phone too: the fixtures' photo colours appear beside the cards' text.
        #expect(Self.colours(image, x: 20..<120, y: 300..<1400).count > 100, "thumbnails are shown")
    }
}
