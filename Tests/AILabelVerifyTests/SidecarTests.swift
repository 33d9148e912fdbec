import AILabelKit
import AILabelManifest
import AILabelMedia
import AILabelTestSupport
import AILabelVerify
import AILabelVocabulary
import Foundation
import Testing

@Suite("Sidecars label any file type")
struct SidecarTests {
    struct Setup {
        let folder: URL
        let signer: C2PASigner
        let trust: TrustConfiguration
        let trustPath: String
    }

    func setUp() throws -> Setup {
        let folder = try Repository.temporaryDirectory()
        let paths = try TestPKI.generate(commonName: "sidecar test").write(to: folder.appendingPathComponent("keys").path)
        return Setup(
            folder: folder, signer: try C2PASigner(keyPath: paths[0], chainPath: paths[1]),
            trust: try TrustConfiguration(anchorPEMs: [try String(contentsOfFile: paths[2], encoding: .utf8)]), trustPath: paths[2])
    }

    func request() -> LabelRequest {
        var request = LabelRequest()
        request.created = "2026-01-18T09:00:00Z"
        return request
    }

    @Test("A PDF, an MP3 and a text file get XMP and signed C2PA sidecars; verify finds them compliant and Trusted",
          arguments: ["sidecar/report.pdf", "sidecar/narration.mp3", "sidecar/notes.txt"])
    func stampAndVerify(fixture: String) throws {
        let setup = try setUp()
        defer { try? FileManager.default.removeItem(at: setup.folder) }
        let output = setup.folder.appendingPathComponent((fixture as NSString).lastPathComponent).path
        let original = try FileReader.read(Repository.fixture(fixture).path)
        let result = SidecarStamper(request: request(), signer: setup.signer).stamp(input: Repository.fixture(fixture).path, output: output)
        #expect(result.status == .stamped, "\(result.error ?? "")")
        #expect(try FileReader.read(output) == original, "the work itself is copied unchanged")
        #expect(FileManager.default.fileExists(atPath: output + ".xmp") && FileManager.default.fileExists(atPath: output + ".c2pa"))

        let verifier = Verifier(options: VerifyOptions(profile: try Profile.load("kz"), trust: setup.trust, scan: .metadata))
        let report = verifier.verifyThroughSidecars(path: output)
        #expect(report.verdict == .compliant, "\(report.findings)")
        #expect(report.c2pa?.state == "Trusted")
        #expect(report.aiEvidence.allSatisfy { $0.source == "sidecar" })
        #expect(report.disclosures.filter { $0.kind == "sidecar" }.count == 2)

        // The reference SDK reads the sidecar as Trusted too.
        let referee = try ProcessRunner.run(Repository.python, [
            Repository.fixture("c2pa/referee.py").path, "read", output, "--sidecar", output + ".c2pa", "--mime", SidecarFormat.mimeType(of: output),
            "--trust", setup.trustPath,
        ])
        let verdict = try #require(try JSONSerialization.jsonObject(with: referee.stdoutData) as? [String: Any])
        #expect(verdict["state"] as? String == "Trusted", "\(referee.stdout)")

        // Editing the file breaks the sidecar's hard binding.
        var edited = original
        edited[edited.count / 2] ^= 0xFF
        try AtomicFile.write(edited, to: output)
        let tampered = verifier.verifyThroughSidecars(path: output)
        #expect(tampered.verdict == .invalidDisclosure)
        #expect(tampered.findings.contains { $0.code == "sidecar.c2pa.assertion.dataHash.mismatch" })
    }

    @Test("--sidecar for JPEG and PNG leaves the image untouched; verify reads the sidecars with the image")
    func imageSidecars() throws {
        let setup = try setUp()
        defer { try? FileManager.default.removeItem(at: setup.folder) }
        let output = setup.folder.appendingPathComponent("photo.png").path
        #expect(SidecarStamper(request: request(), signer: setup.signer).stamp(input: Repository.fixture("media/photo.png").path, output: output).status == .stamped)
        #expect(try FileReader.read(output) == (try FileReader.read(Repository.fixture("media/photo.png").path)))
        let report = Verifier(options: VerifyOptions(profile: try Profile.load("kz"), trust: setup.trust, scan: .metadata)).verify(path: output)
        #expect(report.verdict == .compliant)
        #expect(report.disclosures.contains { $0.kind == "sidecar" && $0.intact })
    }

    @Test("The CLI labels other kinds through sidecars, and reports an orphaned sidecar as a record of its own")
    func cli() throws {
        let setup = try setUp()
        defer { try? FileManager.default.removeItem(at: setup.folder) }
        let out = setup.folder.appendingPathComponent("out")
        let keys = setup.folder.appendingPathComponent("keys")
        let stamp = try ProcessRunner.ailabel([
            "stamp", Repository.fixture("sidecar").path + "/", "--out", out.path, "--json",
            "--sign-key", keys.appendingPathComponent("signer.key").path, "--sign-chain", keys.appendingPathComponent("signer-chain.pem").path,
        ])
        #expect(stamp.status == 0, "\(stamp.stderr)")
        #expect(stamp.stdout.split(separator: "\n").count == 3)
        try FileManager.default.copyItem(atPath: out.appendingPathComponent("report.pdf.xmp").path, toPath: out.appendingPathComponent("deleted.pdf.xmp").path)
        let verify = try ProcessRunner.ailabel(["verify", out.path, "--format", "json", "--trust", setup.trustPath])
        #expect(verify.status == 1)
        let document = try #require(try JSONSerialization.jsonObject(with: verify.stdoutData) as? [String: Any])
        let files = try #require(document["files"] as? [[String: Any]])
        let byName = Dictionary(uniqueKeysWithValues: files.map { (($0["path"] as! String as NSString).lastPathComponent, $0) })
        for name in ["report.pdf", "narration.mp3", "notes.txt"] { #expect(byName[name]?["verdict"] as? String == "compliant", "\(name)") }
        #expect(byName["deleted.pdf.xmp"]?["verdict"] as? String == "invalid-disclosure")
        #expect((byName["deleted.pdf.xmp"]?["findings"] as? [[String: Any]])?.first?["code"] as? String == "sidecar.orphaned")
    }
}
