import AILabelKit
import AILabelMedia
import AILabelTestSupport
import AILabelVerify
import AILabelVocabulary
import Foundation
import Testing

@Suite("Web pages: signals, visible notices and referenced images")
struct WebPageTests {
    static func verifier(_ profile: String) throws -> PageVerifier {
        PageVerifier(verifier: Verifier(options: VerifyOptions(profile: try Profile.load(profile), scan: .metadata)))
    }

    static let expected: [String: [String: String]] = {
        let data = (try? Data(contentsOf: Repository.fixture("web/expected.json"))) ?? Data()
        return (try? JSONDecoder().decode([String: [String: String]].self, from: data)) ?? [:]
    }()

    @Test("Each sample page gets its verdict under kz, eu and cn", arguments: expected.keys.sorted())
    func verdicts(page: String) throws {
        let path = Repository.fixture("web/\(page)").path
        for profile in ["kz", "eu", "cn"] {
            let report = try Self.verifier(profile).verify(path: path)
            #expect(report.format == "html")
            #expect(report.verdict.rawValue == Self.expected[page]?[profile], "\(profile) \(page): \(report.findings.map(\.message))")
            if report.verdict == .missingDisclosure {
                #expect(report.findings.contains { $0.code.rawValue.hasPrefix("html.") && $0.reference != nil })
            }
        }
    }

    @Test("Findings name the reason: hidden and script-only notices, JSON-LD in @graph, image evidence, remote images")
    func findings() throws {
        let kz = try Self.verifier("kz")
        func report(_ page: String) -> FileReport { kz.verify(path: Repository.fixture("web/\(page)").path) }
        let hidden = report("hidden-notice.html")
        #expect(hidden.findings.filter { $0.code == "html.notice-missing" }.allSatisfy { $0.message.contains("only in script, style or hidden") })
        #expect(!hidden.findings.contains { $0.code == "html.marker-missing" })
        let script = report("script-notice.html")
        #expect(script.findings.filter { $0.code == "html.notice-missing" }.count == 2)
        let jsonld = report("jsonld-only.html")
        #expect(jsonld.disclosures.contains { $0.kind == "html" && $0.detail.contains("@graph") })
        let images = report("images-ai.html")
        #expect(images.aiEvidence.contains { $0.source == "iptc" })
        #expect(images.aiEvidence.contains { $0.source == "generator:automatic1111" })
        #expect(images.findings.contains { $0.code == "html.image-remote" && $0.severity == .info })
        #expect(images.findings.contains { $0.code == "html.marker-missing" })
        let compliant = report("compliant.html")
        #expect(compliant.aiEvidence.contains { $0.source == "html" })
        #expect(compliant.disclosures.first { $0.kind == "visible" }?.languages == ["kk", "ru"])
        #expect(report("contradictory.html").findings.contains { $0.code == "disclosure.contradictory" })
    }

    static func page(_ body: String, head: String = "<meta name=\"ai-disclosure\" content=\"ai-generated\">") -> [UInt8] {
        Array("<html><head>\(head)</head><body>\(body)</body></html>".utf8)
    }

    func judge(_ bytes: [UInt8], profile: String = "kz") throws -> FileReport {
        let folder = try Repository.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = folder.appendingPathComponent("page.html")
        try Data(bytes).write(to: url)
        return try Self.verifier(profile).verify(path: url.path)
    }

    @Test("Hostile HTML: deep nesting, a huge attribute, entity tricks, binary junk: a verdict, never a crash")
    func hostile() throws {
        let deep = String(repeating: "<div>", count: 100_000) + "Создано ИИ" + String(repeating: "</div>", count: 100_000)
        let deepReport = try judge(Self.page(deep))
        #expect([.unreadable, .missingDisclosure].contains(deepReport.verdict))

        let huge = "<p title=\"" + String(repeating: "A", count: 8 * 1_048_576) + "\">x</p>"
        #expect(try judge(Self.page(huge)).verdict == .missingDisclosure)

        // An internal DTD's entities are never expanded: the notice they would spell does not appear.
        let entities = "<!DOCTYPE html [<!ENTITY kk \"Жасанды интеллект арқылы жасалған\"><!ENTITY ru \"Создано ИИ\"><!ENTITY a \"&b;&b;&b;&b;&b;\"><!ENTITY b \"&c;&c;&c;&c;\"><!ENTITY c \"lol\">]>"
            + "<html><head><meta name=\"ai-disclosure\" content=\"ai-generated\"><meta name=\"x\" content=\"&a;\"></head><body><p>&kk; &ru; &a;</p><img src=\"file:///etc/passwd\"><img src=\"http://127.0.0.1/x.jpg\"></body></html>"
        let entityReport = try judge(Array(entities.utf8))
        #expect(entityReport.verdict != .compliant, "\(entityReport)")

        // Predefined HTML entities and numeric references are text a reader sees.
        let numeric = Self.page("<p>&#1057;&#1086;&#1079;&#1076;&#1072;&#1085;&#1086; &#x418;&#x418; &amp; Жасанды&nbsp;интеллект арқылы</p>")
        #expect(try judge(numeric).verdict == .compliant)

        var junk = [UInt8](repeating: 0, count: 4096)
        for index in junk.indices { junk[index] = UInt8(truncatingIfNeeded: index &* 7919 &+ 13) }
        _ = try judge(junk)
        _ = try judge(Array("<".utf8))
        #expect(try judge([]).verdict == .unreadable)
        let manyElements = String(repeating: "<b></b>", count: 250_000)
        #expect(try judge(Self.page(manyElements)).verdict == .unreadable)
    }

    @Test("Signal values: unknown values warn, malformed JSON-LD warns, none is no evidence, header modes parse")
    func signalValues() throws {
        let notice = "<p>Жасанды интеллект арқылы жасалған. Создано ИИ.</p>"
        let unknown = try judge(Self.page(notice, head: "<meta name=\"ai-disclosure\" content=\"maybe\">"))
        #expect(unknown.verdict == .noAIEvidence && unknown.findings.contains { $0.code == "html.unknown-value" })
        let broken = try judge(Self.page(notice, head: "<script type=\"application/ld+json\">{\"digitalSourceType\": </script>"))
        #expect(broken.findings.contains { $0.code == "html.jsonld-malformed" })
        let header = try judge(Self.page(notice, head: "<meta http-equiv=\"ai-disclosure\" content=\"mode=ai-modified; provider=&quot;x&quot;\">"))
        #expect(header.verdict == .compliant)
        let headerNone = try judge(Self.page(notice, head: "<meta http-equiv=\"AI-Disclosure\" content=\"mode=none\">"))
        #expect(headerNone.verdict == .noAIEvidence)
        #expect(headerNone.findings.contains { $0.code == "html.notice-without-marker" })
        let capture = try judge(Self.page(notice, head: "<script type=\"application/ld+json\">{\"@type\": \"ImageObject\", \"digitalSourceType\": \"https://schema.org/DigitalCaptureDigitalSource\"}</script>"))
        #expect(capture.verdict == .noAIEvidence)
        let listed = try judge(Self.page(notice, head: "<script type=\"application/ld+json\">[{\"image\": [{\"digitalSourceType\": {\"@id\": \"https://schema.org/CompositeWithTrainedAlgorithmicMediaDigitalSource\"}}]}]</script>"))
        #expect(listed.verdict == .compliant)
    }

    @Test("Images in srcset and picture sources are checked too")
    func srcset() throws {
        let folder = try Repository.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        try FileManager.default.copyItem(at: Repository.fixture("web/images"), to: folder.appendingPathComponent("images"))
        let url = folder.appendingPathComponent("p.html")
        try Data(Self.page("<picture><source srcset=\"images/ai-iptc.jpg 1x, images/plain.jpg 2x\"><img src=\"images/plain.jpg\"></picture>", head: "")).write(to: url)
        let report = try Self.verifier("kz").verify(path: url.path)
        #expect(report.aiEvidence.contains { $0.source == "iptc" })
        #expect(report.verdict == .missingDisclosure)
    }

    @Test("The HTML reader keeps text, attributes and script contents; comments are dropped")
    func reader() throws {
        let root = try HTMLDocumentParser.parse(Array("<p class=A ID='x'>Hi <!-- no --><b>there</b><script>var a = '<p>';</script></p>".utf8))
        #expect(root.name == "html")
        let body = try #require(root.childElements.first { $0.name == "body" })
        let p = try #require(body.childElements.first)
        #expect(p.attribute("class") == "A" && p.attribute("id") == "x")
        #expect(p.allText.contains("Hi there"))
        #expect(p.allText.contains("var a = '<p>';"))
        #expect(!p.allText.contains("no"))
    }

    @Test("Visible-text rules: hidden attribute, aria-hidden, inline display:none and visibility:hidden hide a notice")
    func hiddenRules() throws {
        let notice = "Жасанды интеллект арқылы жасалған. Создано ИИ."
        #expect(try judge(Self.page("<p>\(notice)</p>")).verdict == .compliant)
        for wrapper in ["<div hidden>%</div>", "<div aria-hidden=\"true\">%</div>", "<div style=\"display:none\">%</div>",
                        "<div style=\"VISIBILITY: hidden\">%</div>", "<template>%</template>", "<noscript>%</noscript>",
                        "<script>/* % */</script>", "<style>/* % */</style>", "<div style=\"opacity:0\">%</div>",
                        "<div class=\"note d-none\">%</div>", "<span class=\"sr-only\">%</span>"] {
            let report = try judge(Self.page(wrapper.replacingOccurrences(of: "%", with: notice)))
            #expect(report.verdict == .missingDisclosure, "\(wrapper)")
        }
        // A notice in the head's title is not on the page either.
        #expect(try judge(Self.page("<p>x</p>", head: "<meta name=\"ai-disclosure\" content=\"ai-generated\"><title>\(notice)</title>")).verdict == .missingDisclosure)
        // ai-disclosure="none" alone is no AI evidence.
        #expect(try judge(Self.page("<p>x</p>", head: "<meta name=\"ai-disclosure\" content=\"none\">")).verdict == .noAIEvidence)
    }
}
