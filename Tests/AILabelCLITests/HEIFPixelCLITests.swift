import AILabelTestSupport
import Foundation
import Testing

/// HEIC and AVIF pixels end to end: `--visible --watermark` with signing; verify (`--scan full`) finds the
/// badge and the watermark, the reference SDK reads each result as Trusted, libheif and exiftool read
/// it; stripped of its metadata and re-encoded by heif-enc, a marked file still shows its watermark.
@Suite("HEIF and AVIF pixel marks through stamp and verify")
struct HEIFPixelCLITests {
    static let fixtures = ["photo.heic", "photo.avif", "photo-alpha.heic", "photo-10bit.heic", "photo-10bit.avif"]

    @Test("Badge and watermark on HEIC and AVIF: claimed, found by verify, Trusted in the SDK, read by heif-info and exiftool; a heif-enc re-encode keeps the watermark")
    func marksOnHEIF() throws {
        let workspace = try StampWorkspace(fixtures: (Self.fixtures + ["metadata.heic"]).map { "media/" + $0 })
        defer { workspace.remove() }
        let (folder, output) = (workspace.folder, workspace.output)
        let stamp = try ProcessRunner.ailabel(
            ["stamp", workspace.input.path, "--out", output.path, "--json", "--visible", "--watermark"] + workspace.signingArguments)
        #expect(stamp.status == 0, "\(stamp.stderr)")
        for line in stamp.stdout.split(separator: "\n") {
            let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            let name = ((object["path"] as? String ?? "") as NSString).lastPathComponent
            let layers = object["layers"] as? [String] ?? []
            let warnings = object["warnings"] as? [String] ?? []
            #expect(layers.contains("visible") && layers.contains("c2pa"), "\(name): \(layers) \(warnings)")
            if Self.fixtures.contains(name) {
                #expect(layers.contains("watermark"), "\(name): \(layers) \(warnings)")
            } else {
                #expect(!layers.contains("watermark") && warnings.contains { $0.contains("too small to carry it") }, "\(name): \(warnings)")
            }
        }

        let trust = workspace.trustAnchors
        let verify = try ProcessRunner.ailabel(["verify", output.path, "--profile", "eu", "--trust", trust, "--format", "json", "--scan", "full"])
        let files = try #require((try JSONSerialization.jsonObject(with: verify.stdoutData) as? [String: Any])?["files"] as? [[String: Any]])
        #expect(files.count == Self.fixtures.count + 1)
        for file in files {
            let path = file["path"] as? String ?? ""
            let name = (path as NSString).lastPathComponent
            #expect(file["verdict"] as? String == "compliant", "\(name): \(file)")
            let intact = Set((file["disclosures"] as? [[String: Any]] ?? []).filter { $0["intact"] as? Bool == true }.compactMap { $0["kind"] as? String })
            #expect(intact.contains("visible") && intact.contains("c2pa"), "\(name): \(intact)")
            if Self.fixtures.contains(name) { #expect(intact.contains("watermark"), "\(name): \(intact)") }
            let sdk = try ProcessRunner.run(Repository.python, [
                Repository.root().appendingPathComponent("Fixtures/c2pa/referee.py").path, "read", path, "--trust", trust,
            ])
            let verdict = try #require(try JSONSerialization.jsonObject(with: sdk.stdoutData) as? [String: Any], "\(sdk.stderr)")
            #expect(verdict["state"] as? String == "Trusted" && (verdict["failure"] as? [String])?.isEmpty == true, "\(name): \(verdict)")
            let info = try ProcessRunner.run("heif-info", [path])
            #expect(info.status == 0, "\(name): \(info.stderr)")
            let exif = try ProcessRunner.run("exiftool", ["-j", "-XMP-iptcExt:DigitalSourceType", path])
            let object = try #require((try JSONSerialization.jsonObject(with: exif.stdoutData) as? [[String: Any]])?.first, "\(exif.stderr)")
            #expect((object["DigitalSourceType"] as? String)?.hasSuffix("trainedAlgorithmicMedia") == true, "\(name): \(object)")
        }

        // Stripped and re-encoded: heif-convert to PNG (which carries the XMP and EXIF across), every
        // metadata block removed by exiftool, and heif-enc back at quality 60.
        let stripped = folder.appendingPathComponent("stripped")
        try FileManager.default.createDirectory(at: stripped, withIntermediateDirectories: true)
        for name in ["photo.heic", "photo.avif"] {
            let png = folder.appendingPathComponent(name + ".png").path
            #expect(try ProcessRunner.run("heif-convert", [output.appendingPathComponent(name).path, png]).status == 0)
            #expect(try ProcessRunner.run("exiftool", ["-q", "-all=", "-overwrite_original", png]).status == 0)
            var arguments = ["-q", "60", "-o", stripped.appendingPathComponent(name).path, png]
            if name.hasSuffix(".avif") { arguments.insert("-A", at: 0) }
            let encode = try ProcessRunner.run("heif-enc", arguments)
            #expect(encode.status == 0, "\(encode.stderr)")
        }
        let reverify = try ProcessRunner.ailabel(["verify", stripped.path, "--profile", "eu", "--format", "json", "--scan", "full"])
        let strippedFiles = try #require((try JSONSerialization.jsonObject(with: reverify.stdoutData) as? [String: Any])?["files"] as? [[String: Any]])
        #expect(strippedFiles.count == 2)
        for file in strippedFiles {
            let name = ((file["path"] as? String ?? "") as NSString).lastPathComponent
            let sources = (file["aiEvidence"] as? [[String: Any]] ?? []).compactMap { $0["source"] as? String }
            #expect(file["verdict"] as? String == "missing-disclosure", "\(name): \(file)")
            #expect(sources.contains("watermark:ailabel"), "\(name): the watermark survives heif-enc at quality 60: \(sources)")
        }
    }

    @Test("AV1 data dav1d refuses: verify --scan full prints nothing of dav1d's, and the finding carries its line")
    func dav1dMessageStaysInTheReport() throws {
        let path = "Fixtures/fuzz/pixels/dav1d-input-check-printed.avif"
        let verify = try ProcessRunner.ailabel(["verify", "--scan", "full", "--format", "json", path])
        #expect(verify.status == 0 || verify.status == 1, "exit \(verify.status) \(verify.stderr)")
        #expect(!verify.stderr.contains("Input validation") && !verify.stderr.contains("dav1d"), "\(verify.stderr)")
        let file = try #require(((try JSONSerialization.jsonObject(with: verify.stdoutData) as? [String: Any])?["files"] as? [[String: Any]])?.first)
        let findings = file["findings"] as? [[String: Any]] ?? []
        let undecodable = findings.first { $0["code"] as? String == "pixels.undecodable" }
        #expect((undecodable?["message"] as? String)?.contains("failed in dav1d_send_data!)") == true, "\(findings)")
    }
}
