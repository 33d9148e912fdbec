import AILabelMedia
import AILabelTestSupport
import AILabelVerify
import AILabelVocabulary
import Foundation
import Testing

/// What the reports say, built from reports in memory: the HTML report's collapsing and order, and
/// thumbnails made from the bytes judged.
@Suite("Report contents")
struct ReportContentTests {
    static let profile = try! Profile.load("kz")

    @Test("HTML: identical evidence, disclosure and finding lines are said once with a count")
    func repeatedLinesCollapse() throws {
        let evidence = Evidence(source: "generator:midjourney", detail: "XMP dc:description holds a Midjourney Job ID")
        let finding = Finding(code: "c2pa.untrusted", severity: .warning, message: "The signer does not chain to a trust anchor")
        let file = FileReport(
            path: "a.jpg", format: "jpeg", verdict: .missingDisclosure, aiEvidence: [evidence, evidence, evidence],
            disclosures: [], findings: [finding, finding, Finding(code: "other", severity: .error, message: "once")])
        let run = VerificationRun(version: "test", profile: Self.profile, scan: .metadata, files: [file], skipped: [], failOn: [.missingDisclosure])
        let html = try ReportRenderer.render(run, as: .html, failOn: [.missingDisclosure])
        #expect(html.components(separatedBy: "XMP dc:description holds a Midjourney Job ID").count - 1 == 1)
        #expect(html.contains("Midjourney Job ID <span class=\"times\">×3</span>"))
        #expect(html.components(separatedBy: "The signer does not chain").count - 1 == 1)
        #expect(html.contains("trust anchor <span class=\"times\">×2</span>"))
        #expect(html.contains("once</li>"), "a line said once has no count")
    }

    @Test("HTML: failing files first, then by severity, then by path; --fail-on decides what fails")
    func order() throws {
        let files = [
            ("z-compliant.jpg", Verdict.compliant), ("a-none.jpg", .noAIEvidence), ("m-missing.jpg", .missingDisclosure),
            ("b-missing.jpg", .missingDisclosure), ("c-unreadable.jpg", .unreadable), ("y-invalid.jpg", .invalidDisclosure),
        ].map { FileReport(path: $0.0, format: "jpeg", verdict: $0.1) }
        func order(failOn: Set<Verdict>) throws -> [String] {
            let run = VerificationRun(version: "test", profile: Self.profile, scan: .metadata, files: files, skipped: [], failOn: failOn)
            let html = try ReportRenderer.render(run, as: .html, failOn: failOn)
            return html.components(separatedBy: "<td class=\"file\">").dropFirst().map { String($0.prefix { $0 != "<" }) }
        }
        #expect(try order(failOn: [.missingDisclosure, .invalidDisclosure, .unreadable])
            == ["y-invalid.jpg", "b-missing.jpg", "m-missing.jpg", "c-unreadable.jpg", "a-none.jpg", "z-compliant.jpg"])
        #expect(try order(failOn: [.unreadable])
            == ["c-unreadable.jpg", "y-invalid.jpg", "b-missing.jpg", "m-missing.jpg", "a-none.jpg", "z-compliant.jpg"])
    }

    @Test("Thumbnails are made from the bytes judged, on the worker: a file that is gone from disk still gets one")
    func thumbnailFromBytesJudged() throws {
        let bytes = try Repository.fixtureBytes("media/photo-640x480.jpg")
        // No file at this path: the thumbnail can only come from the bytes the verifier judged.
        let file = try MediaFile(path: "/nonexistent/\(UUID().uuidString).jpg", bytes: bytes)
        let verifier = Verifier(options: VerifyOptions(profile: Self.profile, scan: .metadata, thumbnails: true))
        let report = verifier.verify(file)
        let jpeg = try #require(report.thumbnail?.jpeg, "\(report.thumbnail?.missingReason ?? "")")
        let thumbnail = try PixelCodec.decode(jpeg)
        #expect(max(thumbnail.width, thumbnail.height) == Thumbnail.longestSide)
        #expect(thumbnail.width * 480 == thumbnail.height * 640, "the aspect ratio is kept")
        // The thumbnail shows these bytes: a different image judged under the same path gives another.
        let other = try MediaFile(path: file.path, bytes: try Repository.fixtureBytes("media/portrait-480x640.jpg"))
        #expect(verifier.verify(other).thumbnail?.jpeg != jpeg)
        // Without thumbnails asked for (every format but HTML), none is made, and JSON never carries one.
        let plain = Verifier(options: VerifyOptions(profile: Self.profile, scan: .metadata)).verify(file)
        #expect(plain.thumbnail == nil)
        let json = try ReportRenderer.json(report, pretty: false)
        #expect(!json.contains("thumbnail"))
    }

    @Test("A thumbnail is refused over its pixel limit with the image's size in the reason, before decoding")
    func thumbnailLimit() throws {
        let file = try MediaFile(path: Repository.fixture("media/huge-dimensions.png").path)
        let thumbnail = Thumbnail.make(of: file, decoded: nil)
        #expect(thumbnail.jpeg == nil)
        #expect(thumbnail.missingReason == "100000×100000: over the thumbnail limit of 40 megapixels")
    }

    @Test("Each format lists the skipped files: JSON objects, JSON Lines records, JUnit skipped cases, SARIF notifications")
    func skippedEverywhere() throws {
        let skipped = [SkippedFile(path: "notes.txt", reason: SkippedFile.notMediaReason)]
        let run = VerificationRun(
            version: "test", profile: Self.profile, scan: .metadata, files: [FileReport(path: "a.jpg", format: "jpeg", verdict: .compliant)],
            skipped: skipped, failOn: [])
        #expect(run.summary.skipped == 1)
        let jsonl = try ReportRenderer.render(run, as: .jsonl, failOn: [])
        #expect(jsonl.split(separator: "\n").last == #"{"path":"notes.txt","reason":"not a media format ailabel reads nor a web page, and no sidecar beside it","skipped":true}"#)
        let junit = try ReportRenderer.render(run, as: .junit, failOn: [])
        #expect(junit.contains(#"<testcase classname="ailabel.kz" name="notes.txt">"#) && junit.contains(#"<skipped message="not a media format"#))
        #expect(junit.contains(#"tests="2" failures="0" skipped="1""#))
        let sarif = try ReportRenderer.render(run, as: .sarif, failOn: [])
        #expect(sarif.contains("toolExecutionNotifications") && sarif.contains("skipped: not a media format"))
        let text = try ReportRenderer.render(run, as: .text, failOn: [])
        #expect(text.contains("skipped             notes.txt: not a media format") && text.contains("1 file: "))
    }
}
