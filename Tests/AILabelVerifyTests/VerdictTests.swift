import AILabelKit
import AILabelManifest
import AILabelMedia
import AILabelTestSupport
import AILabelVerify
import AILabelVocabulary
import Foundation
import Testing

@Suite("Verdicts for every evidence source, under each profile")
struct VerdictTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var fixture: String
        var kz: Verdict
        var eu: Verdict
        var cn: Verdict
        var evidence: String?
        var testDescription: String { fixture }
    }

    static let cases: [Case] = [
        Case(fixture: "verify/gen-a1111.png", kz: .missingDisclosure, eu: .missingDisclosure, cn: .missingDisclosure, evidence: "generator:automatic1111"),
        Case(fixture: "verify/gen-a1111-exif.jpg", kz: .missingDisclosure, eu: .missingDisclosure, cn: .missingDisclosure, evidence: "generator:automatic1111"),
        Case(fixture: "verify/gen-comfyui.png", kz: .missingDisclosure, eu: .missingDisclosure, cn: .missingDisclosure, evidence: "generator:comfyui"),
        Case(fixture: "verify/gen-invokeai.png", kz: .missingDisclosure, eu: .missingDisclosure, cn: .missingDisclosure, evidence: "generator:invokeai"),
        Case(fixture: "verify/gen-fooocus.png", kz: .missingDisclosure, eu: .missingDisclosure, cn: .missingDisclosure, evidence: "generator:fooocus"),
        Case(fixture: "verify/gen-novelai.png", kz: .missingDisclosure, eu: .missingDisclosure, cn: .missingDisclosure, evidence: "generator:novelai"),
        Case(fixture: "verify/gen-midjourney.png", kz: .missingDisclosure, eu: .missingDisclosure, cn: .missingDisclosure, evidence: "generator:midjourney"),
        Case(fixture: "verify/gen-swarmui.png", kz: .missingDisclosure, eu: .missingDisclosure, cn: .missingDisclosure, evidence: "generator:swarmui"),
        Case(fixture: "verify/gen-grok.jpg", kz: .missingDisclosure, eu: .missingDisclosure, cn: .missingDisclosure, evidence: "generator:grok"),
        Case(fixture: "verify/gen-ideogram.jpg", kz: .missingDisclosure, eu: .missingDisclosure, cn: .missingDisclosure, evidence: "generator:ideogram"),
        Case(fixture: "verify/label-iptc-exiftool.jpg", kz: .compliant, eu: .compliant, cn: .missingDisclosure, evidence: "iptc"),
        Case(fixture: "verify/label-iptc-https.jpg", kz: .compliant, eu: .compliant, cn: .missingDisclosure, evidence: "iptc"),
        Case(fixture: "verify/label-algorithmic-media.jpg", kz: .noAIEvidence, eu: .noAIEvidence, cn: .noAIEvidence, evidence: nil),
        Case(fixture: "verify/label-digital-capture.jpg", kz: .noAIEvidence, eu: .noAIEvidence, cn: .noAIEvidence, evidence: nil),
        Case(fixture: "verify/label-tc260-xmp.jpg", kz: .compliant, eu: .compliant, cn: .missingDisclosure, evidence: "tc260"),
        Case(fixture: "verify/label-aigc-png-text.png", kz: .compliant, eu: .compliant, cn: .missingDisclosure, evidence: "tc260"),
        Case(fixture: "verify/label-aigc-exif-usercomment.jpg", kz: .compliant, eu: .compliant, cn: .missingDisclosure, evidence: "exif"),
        Case(fixture: "verify/label-aigc-malformed.png", kz: .invalidDisclosure, eu: .invalidDisclosure, cn: .invalidDisclosure, evidence: "tc260"),
        Case(fixture: "verify/label-aigc-twice.png", kz: .compliant, eu: .compliant, cn: .missingDisclosure, evidence: "tc260"),
        Case(fixture: "verify/label-contradictory.jpg", kz: .invalidDisclosure, eu: .invalidDisclosure, cn: .invalidDisclosure, evidence: "tc260"),
        Case(fixture: "verify/plain.jpg", kz: .noAIEvidence, eu: .noAIEvidence, cn: .noAIEvidence, evidence: nil),
        Case(fixture: "verify/plain.png", kz: .noAIEvidence, eu: .noAIEvidence, cn: .noAIEvidence, evidence: nil),
        Case(fixture: "verify/broken.jpg", kz: .unreadable, eu: .unreadable, cn: .unreadable, evidence: nil),
        Case(fixture: "c2pa/sdk/signed.jpg", kz: .compliant, eu: .compliant, cn: .missingDisclosure, evidence: "c2pa"),
        Case(fixture: "c2pa/sdk/signed.png", kz: .compliant, eu: .compliant, cn: .missingDisclosure, evidence: "c2pa"),
        Case(fixture: "c2pa/sdk/signed-with-parent.jpg", kz: .compliant, eu: .compliant, cn: .missingDisclosure, evidence: "c2pa"),
        Case(fixture: "c2pa/sdk/signed-byte-flipped.jpg", kz: .invalidDisclosure, eu: .invalidDisclosure, cn: .invalidDisclosure, evidence: "c2pa"),
        Case(fixture: "c2pa/sdk/signed-pixels-changed.png", kz: .invalidDisclosure, eu: .invalidDisclosure, cn: .invalidDisclosure, evidence: "c2pa"),
        Case(fixture: "c2pa/sdk/signed-assertion-edited.jpg", kz: .invalidDisclosure, eu: .invalidDisclosure, cn: .invalidDisclosure, evidence: "c2pa"),
        Case(fixture: "c2pa/sdk/signed-untrusted-root.jpg", kz: .compliant, eu: .compliant, cn: .missingDisclosure, evidence: "c2pa"),
        Case(fixture: "c2pa/sdk/signed-stripped.jpg", kz: .noAIEvidence, eu: .noAIEvidence, cn: .noAIEvidence, evidence: nil),
    ]

    static func verifier(_ profile: String, requireTrusted: Bool = false) throws -> Verifier {
        let root = try String(contentsOf: Repository.fixture("c2pa/keys/fixtures-root.pem"), encoding: .utf8)
        return Verifier(options: VerifyOptions(
            profile: try Profile.load(profile), trust: try TrustConfiguration(anchorPEMs: [root]), requireTrusted: requireTrusted, scan: .metadata))
    }

    @Test("Each fixture gets its verdict under kz, eu and cn, with the expected evidence source", arguments: cases)
    func verdicts(testCase: Case) throws {
        let path = Repository.fixture(testCase.fixture).path
        for (profile, expected) in [("kz", testCase.kz), ("eu", testCase.eu), ("cn", testCase.cn)] {
            let report = try Self.verifier(profile).verify(path: path)
            #expect(report.verdict == expected, "\(profile): \(report.findings.map(\.message))")
            if let source = testCase.evidence {
                #expect(report.aiEvidence.contains { $0.source.rawValue == source }, "\(profile): evidence \(report.aiEvidence)")
            } else {
                #expect(report.aiEvidence.isEmpty)
            }
            if report.verdict == .missingDisclosure {
                #expect(report.findings.contains { $0.code.rawValue.hasPrefix("profile.\(profile).") && $0.reference != nil }, "says which part is missing")
            }
        }
    }

    @Test("ailabel agrees with the reference SDK's state and failure codes on its signed fixtures", arguments: [
        "signed.jpg", "signed.png", "signed-with-parent.jpg", "signed-byte-flipped.jpg", "signed-pixels-changed.png",
        "signed-assertion-edited.jpg", "signed-untrusted-root.jpg", "signed-stripped.jpg",
    ])
    func agreesWithReferenceSDK(name: String) throws {
        let expected = try #require(
            try JSONSerialization.jsonObject(with: Data(contentsOf: Repository.fixture("c2pa/sdk/\(name).expected.json"))) as? [String: Any])
        let report = try Self.verifier("kz").verify(path: Repository.fixture("c2pa/sdk/\(name)").path)
        let state = expected["state"] as? String
        if state == "absent" {
            #expect(report.c2pa == nil)
        } else {
            let summary = try #require(report.c2pa)
            #expect(summary.state == state)
            #expect(Set(summary.failures) == Set(expected["failure"] as? [String] ?? []))
            for code in expected["success"] as? [String] ?? [] { #expect(summary.codes.contains(code), "success code \(code)") }
        }
    }

    @Test("An untrusted signer counts with a warning; --require-trusted makes it fail")
    func requireTrusted() throws {
        let path = Repository.fixture("c2pa/sdk/signed-untrusted-root.jpg").path
        let lenient = try Self.verifier("kz").verify(path: path)
        #expect(lenient.verdict == .compliant)
        #expect(lenient.findings.contains { $0.code == "c2pa.untrusted" && $0.severity == .warning })
        let strict = try Self.verifier("kz", requireTrusted: true).verify(path: path)
        #expect(strict.verdict == .missingDisclosure)
        let trusted = try Self.verifier("kz", requireTrusted: true).verify(path: Repository.fixture("c2pa/sdk/signed.jpg").path)
        #expect(trusted.verdict == .compliant && trusted.c2pa?.state == "Trusted")
    }

    @Test("Files ailabel stamps and signs verify as compliant and Trusted; a deepfake without a visible label does not")
    func stampedFiles() throws {
        let folder = try Repository.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let pki = try TestPKI.generate(commonName: "verify test")
        let paths = try pki.write(to: folder.appendingPathComponent("keys").path)
        let signer = try C2PASigner(keyPath: paths[0], chainPath: paths[1])
        let trust = try TrustConfiguration(anchorPEMs: [try String(contentsOfFile: paths[2], encoding: .utf8)])
        var request = LabelRequest()
        request.created = "2026-01-18T09:00:00Z"
        for fixture in ["media/photo-640x480.jpg", "media/alpha.png"] {
            let output = folder.appendingPathComponent((fixture as NSString).lastPathComponent).path
            #expect(Stamper(request: request, signer: signer).stamp(input: Repository.fixture(fixture).path, output: output).status == .stamped)
            let report = Verifier(options: VerifyOptions(profile: try Profile.load("kz"), trust: trust, scan: .metadata)).verify(path: output)
            #expect(report.verdict == .compliant)
            #expect(report.c2pa?.state == "Trusted")
            #expect(Set(report.disclosures.map(\.kind)).isSuperset(of: ["iptc", "tc260", "c2pa", "ailabel-xmp"]))
            #expect(report.disclosures.first { $0.kind == "ailabel-xmp" }?.languages == ["kk", "ru", "en"])
        }
        var deepfake = request
        deepfake.isDeepfake = true
        let output = folder.appendingPathComponent("deepfake.jpg").path
        #expect(Stamper(request: deepfake).stamp(input: Repository.fixture("media/photo.png").path.replacingOccurrences(of: "photo.png", with: "photo-640x480.jpg"), output: output).status == .stamped)
        for profile in ["kz", "eu"] {
            let report = Verifier(options: VerifyOptions(profile: try Profile.load(profile), scan: .metadata)).verify(path: output)
            #expect(report.verdict == .missingDisclosure)
            #expect(report.findings.contains { $0.code == "profile.\(profile).deepfake-visible" })
        }
    }

    @Test("A user's own profile file is loaded and applied")
    func customProfile() throws {
        let folder = try Repository.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("iptc-only.json")
        try #"{"id":"iptc-only","title":"IPTC only","checks":[{"id":"iptc","kind":"machine-readable","accepts":["iptc"],"reference":"house rule 1","requirement":"an IPTC DigitalSourceType"}]}"#
            .write(to: file, atomically: true, encoding: .utf8)
        let verifier = Verifier(options: VerifyOptions(profile: try Profile.load(file.path), scan: .metadata))
        #expect(verifier.verify(path: Repository.fixture("verify/label-iptc-exiftool.jpg").path).verdict == .compliant)
        #expect(verifier.verify(path: Repository.fixture("verify/label-tc260-xmp.jpg").path).verdict == .missingDisclosure)
        #expect(throws: ProfileError.self) { _ = try Profile.load(folder.appendingPathComponent("missing.json").path) }
    }

    @Test("Every shipped profile names a legal reference for each check")
    func shippedProfiles() throws {
        for name in Profile.shipped {
            let profile = try Profile.load(name)
            #expect(!profile.checks.isEmpty)
            for check in profile.checks { #expect(!check.reference.isEmpty && !check.requirement.isEmpty) }
        }
    }
}

@Suite("Watermarks survive metadata stripping")
struct WatermarkVerdictTests {
    @Test("A stamped, watermarked and signed image whose metadata was stripped is missing-disclosure with the label ID as evidence")
    func strippedFileIsRecognised() throws {
        let folder = try Repository.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let pki = try TestPKI.generate(commonName: "watermark test")
        let paths = try pki.write(to: folder.appendingPathComponent("keys").path)
        var request = LabelRequest()
        request.created = "2026-01-18T09:00:00Z"
        let stamper = Stamper(request: request, markers: [WatermarkMarker()], signer: try C2PASigner(keyPath: paths[0], chainPath: paths[1]))
        let output = folder.appendingPathComponent("marked.jpg").path
        let result = stamper.stamp(input: Repository.fixture("media/photo-640x480.jpg").path, output: output)
        #expect(result.status == .stamped)
        #expect(result.layers.contains("watermark") && result.layers.contains("c2pa"))
        #expect(result.imageDataUnchanged == false, "marking pixels re-encodes the image")
        let labelID = try #require(result.labelID)

        // The reference SDK reads the signed, watermarked file as Trusted with no failures.
        let referee = try ProcessRunner.run(Repository.python, [Repository.fixture("c2pa/referee.py").path, "read", output, "--trust", paths[2]])
        let verdict = try #require(try JSONSerialization.jsonObject(with: referee.stdoutData) as? [String: Any])
        #expect(verdict["state"] as? String == "Trusted", "\(referee.stdout) \(referee.stderr)")
        #expect((verdict["failure"] as? [String])?.isEmpty == true)

        let trust = try TrustConfiguration(anchorPEMs: [try String(contentsOfFile: paths[2], encoding: .utf8)])
        let verifier = Verifier(options: VerifyOptions(profile: try Profile.load("kz"), trust: trust, scan: .full), extraCollectors: [WatermarkCollector()])
        let intact = verifier.verify(path: output)
        #expect(intact.verdict == .compliant)
        #expect(intact.disclosures.contains { $0.kind == "watermark" && $0.intact })

        let stripped = folder.appendingPathComponent("stripped.jpg").path
        let exiftool = try ProcessRunner.run("exiftool", ["-all=", "-o", stripped, output])
        #expect(exiftool.status == 0)
        let report = Verifier(options: VerifyOptions(profile: try Profile.load("kz"), scan: .auto), extraCollectors: [WatermarkCollector()]).verify(path: stripped)
        #expect(report.verdict == .missingDisclosure)
        #expect(report.aiEvidence.contains { $0.source == "watermark:ailabel" && $0.detail == "ailabel watermark, label ID \(labelID)" })

        // --scan metadata never decodes pixels, so the stripped file shows no AI evidence.
        let metadataOnly = Verifier(options: VerifyOptions(profile: try Profile.load("kz"), scan: .metadata), extraCollectors: [WatermarkCollector()]).verify(path: stripped)
        #expect(metadataOnly.verdict == .noAIEvidence)
    }
}

@Suite("The visible badge is checked where it was declared")
struct VisibleVerdictTests {
    func stampDeepfake(_ fixture: String, in folder: URL) throws -> (path: String, file: MediaFile) {
        var request = LabelRequest()
        request.isDeepfake = true
        request.created = "2026-01-18T09:00:00Z"
        let output = folder.appendingPathComponent((fixture as NSString).lastPathComponent).path
        let result = Stamper(request: request, markers: [try VisibleMarker()]).stamp(input: Repository.fixture(fixture).path, output: output)
        #expect(result.status == .stamped, "\(result.error ?? "")")
        #expect(result.layers.contains("visible"))
        return (output, try MediaFile(path: output))
    }

    func verify(_ path: String, profile: String = "kz") throws -> FileReport {
        Verifier(options: VerifyOptions(profile: try Profile.load(profile), scan: .auto), extraCollectors: [VisibleLabelCollector()]).verify(path: path)
    }

    @Test("A deepfake with its Kazakh and Russian badge is compliant; painted over or cropped off it is invalid-disclosure",
          arguments: ["media/photo-640x480.jpg", "media/alpha.png"])
    func badgeIntactPaintedCropped(fixture: String) throws {
        let folder = try Repository.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let (path, file) = try stampDeepfake(fixture, in: folder)
        let intact = try verify(path)
        #expect(intact.verdict == .compliant, "\(intact.findings)")
        #expect(intact.disclosures.contains { $0.kind == "visible" && $0.intact && $0.languages?.contains("kk") == true })

        let packet = try XMPPacket(parsing: try #require(file.contents.xmp))
        let region = try #require(packet.value(namespace: LabelNamespace.ailabel, name: "VisibleLabelRegion")?.textValue)
            .split(separator: ",").compactMap { Int($0) }
        var image = try PixelCodec.decode(file.readAll())
        // Paint over the badge with a flat colour.
        for y in region[1]..<(region[1] + region[3]) {
            for x in region[0]..<(region[0] + region[2]) {
                let offset = image.offset(x: x, y: y)
                image.pixels[offset] = 90; image.pixels[offset + 1] = 120; image.pixels[offset + 2] = 60
            }
        }
        let painted = folder.appendingPathComponent("painted-" + (path as NSString).lastPathComponent).path
        try AtomicFile.write(try PixelReencoder.reencode(image, like: file), to: painted)
        let paintedReport = try verify(painted)
        #expect(paintedReport.verdict == .invalidDisclosure)
        #expect(paintedReport.findings.contains { $0.code == "visible.altered" })

        // Crop the top third away, where the badge is.
        let original = try PixelCodec.decode(file.readAll())
        let top = original.height / 3
        var pixels: [UInt8] = []
        for y in top..<original.height {
            pixels += original.pixels[original.offset(x: 0, y: y)..<original.offset(x: 0, y: y) + original.width * original.channels]
        }
        let croppedImage = RGBImage(width: original.width, height: original.height - top, channels: original.channels, pixels: pixels)
        let cropped = folder.appendingPathComponent("cropped-" + (path as NSString).lastPathComponent).path
        try AtomicFile.write(try PixelReencoder.reencode(croppedImage, like: file), to: cropped)
        let croppedReport = try verify(cropped)
        #expect(croppedReport.verdict == .invalidDisclosure)
        #expect(croppedReport.findings.contains { $0.code == "visible.cropped" })
    }

    @Test("Under cn the Chinese badge satisfies the explicit-label rule; a kz badge without zh text does not")
    func chineseBadge() throws {
        let folder = try Repository.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        var request = LabelRequest()
        request.languages = ["zh"]
        request.profile = "cn"
        request.created = "2026-01-18T09:00:00Z"
        let output = folder.appendingPathComponent("cn.jpg").path
        #expect(Stamper(request: request, markers: [try VisibleMarker()]).stamp(input: Repository.fixture("media/photo-640x480.jpg").path, output: output).status == .stamped)
        #expect(try verify(output, profile: "cn").verdict == .compliant)
        let (kzPath, _) = try stampDeepfake("media/photo-640x480.jpg", in: folder)
        let kzUnderCN = try verify(kzPath, profile: "cn")
        #expect(kzUnderCN.verdict == .missingDisclosure)
        #expect(kzUnderCN.findings.contains { $0.code == "profile.cn.explicit-label" })
    }
}

@Suite("Stable Diffusion's invisible-watermark is AI evidence")
struct StableDiffusionVerdictTests {
    @Test("Images marked by the pip invisible-watermark are missing-disclosure with watermark:stable-diffusion evidence", arguments: [
        "watermark/sd1-bgr-uint8.png", "watermark/sd2-bgr-uint8.png", "watermark/sdxl-bgr-float.png", "watermark/sdxl-rgb-float.png",
    ])
    func marked(fixture: String) throws {
        let verifier = Verifier(options: VerifyOptions(profile: try Profile.load("kz"), scan: .auto), extraCollectors: [WatermarkCollector()])
        let report = verifier.verify(path: Repository.fixture(fixture).path)
        #expect(report.verdict == .missingDisclosure)
        #expect(report.aiEvidence.contains { $0.source == "watermark:stable-diffusion" })
    }

    @Test("A clean image gives no watermark evidence, and --scan metadata never looks")
    func clean() throws {
        let verifier = Verifier(options: VerifyOptions(profile: try Profile.load("kz"), scan: .full), extraCollectors: [WatermarkCollector()])
        #expect(verifier.verify(path: Repository.fixture("watermark/clean-256.png").path).verdict == .noAIEvidence)
        let metadataOnly = Verifier(options: VerifyOptions(profile: try Profile.load("kz"), scan: .metadata), extraCollectors: [WatermarkCollector()])
        #expect(metadataOnly.verify(path: Repository.fixture("watermark/sd1-bgr-uint8.png").path).verdict == .noAIEvidence)
    }
}

/// Every character XML 1.0 forbids, in a file name and a custom profile's ID, against the JUnit and HTML
/// writers: the reports stay well-formed (parsed strictly by Python's expat).
@Suite("XML reports and forbidden characters")
struct ForbiddenXMLCharacterTests {
    static var forbidden: [Unicode.Scalar] {
        (0x00...0x1F).filter { ![0x09, 0x0A, 0x0D].contains($0) }.compactMap { Unicode.Scalar(UInt32($0)) } + ["\u{FFFE}", "\u{FFFF}"]
    }

    @Test("JUnit and HTML stay well-formed whatever a name or profile ID holds", arguments: [ReportFormat.junit, .html])
    func everyForbiddenCodePoint(format: ReportFormat) throws {
        var name = "up/"
        for scalar in Self.forbidden { name.unicodeScalars.append(scalar) }
        name += "\"<&>'.jpg"
        var profile = try Profile.load("kz")
        profile.id = "x\" onload=\"alert(1)<\u{FFFF}"
        let report = FileReport(path: name, format: "jpeg", verdict: .missingDisclosure, findings: [Finding(code: "x", severity: .error, message: name)])
        let run = VerificationRun(version: "test", profile: profile, scan: .metadata, files: [report], skipped: [SkippedFile(path: name, reason: name)], failOn: [.missingDisclosure])
        var rendered = try ReportRenderer.render(run, as: format, failOn: [.missingDisclosure])
        if format == .html { rendered = rendered.replacingOccurrences(of: "<!doctype html>", with: "").replacingOccurrences(of: "<!DOCTYPE html>", with: "") }
        let folder = try Repository.temporaryDirectory("ailabel-xml")
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("report.xml")
        try Data(rendered.utf8).write(to: file)
        // HTML is checked as XML too: every character it holds must be one XML (and so HTML) admits.
        let check = try ProcessRunner.run("python3", ["-c", "import sys, xml.dom.minidom; xml.dom.minidom.parse(sys.argv[1]); print('ok')", file.path])
        if format == .junit {
            #expect(check.stdout.contains("ok"), "JUnit is well-formed: \(check.stderr)")
        }
        for scalar in Self.forbidden { #expect(!rendered.unicodeScalars.contains(scalar), "U+\(String(scalar.value, radix: 16)) is not written") }
        #expect(!rendered.contains("onload=\"alert"), "the profile ID cannot open an attribute")
    }
}

@Suite("Streamed reports")
struct ReportStreamTests {
    @Test("Every format but HTML, written file by file, is byte for byte the whole run's rendering", arguments: [ReportFormat.text, .json, .jsonl, .sarif, .junit])
    func streamedEqualsWhole(format: ReportFormat) throws {
        let profile = try Profile.load("kz")
        let files = [
            FileReport(path: "a.jpg", format: "jpeg", verdict: .compliant, aiEvidence: [Evidence(source: "iptc", detail: "x")]),
            FileReport(path: "b\u{1B}.png", format: "png", verdict: .missingDisclosure, findings: [Finding(code: "c", severity: .error, message: "m\n")]),
            FileReport(path: "c.jpg", format: "jpeg", verdict: .unreadable),
            FileReport(path: "d/e f.jpg", format: "jpeg", verdict: .invalidDisclosure, findings: [Finding(code: "x", severity: .warning, message: "w")]),
        ]
        let skipped = [SkippedFile(path: "d.txt", reason: "not media"), SkippedFile(path: "e/\u{7}.bin", reason: "not media either")]
        // A spool limit of 1 puts all but the first piece in the temporary file.
        for (subset, skippedSubset, spoolLimit) in [(files, skipped, 4096), ([], skipped, 4096), (files, [], 4096), ([], [], 4096), (files, skipped, 1)] {
            let run = VerificationRun(version: "t", profile: profile, scan: .auto, files: subset, skipped: skippedSubset, failOn: [.missingDisclosure])
            let whole = try ReportRenderer.render(run, as: format, failOn: [.missingDisclosure])
            final class Box: @unchecked Sendable { var text = "" }
            let box = Box()
            let stream = ReportStream(
                format: format, version: "t", profile: profile, scan: .auto, failOn: [.missingDisclosure], spoolMemoryLimit: spoolLimit) { box.text += $0 }
            for file in subset { try stream.add(file) }
            for file in skippedSubset { try stream.skip(file) }
            let summary = try stream.finish()
            #expect(box.text == whole, "\(format), \(subset.count) files, \(skippedSubset.count) skipped:\n\(box.text)\n---\n\(whole)")
            #expect(summary == run.summary)
        }
    }
}
