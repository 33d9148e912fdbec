import AILabelTestSupport
import Foundation
import Testing

/// JPEG XL end to end through the CLI: stamp with every layer (badge, watermark, signed C2PA), read back
/// by exiftool, exiv2, the reference SDK and verify; a tamper caught; an animation's marks said per file.
@Suite("JPEG XL through stamp, inspect and verify")
struct JXLCLITests {
    static let fixtures = ["codestream.jxl", "lossless.jxl", "alpha.jxl", "recompressed.jxl", "metadata.jxl", "compressed-metadata.jxl", "animated.jxl", "animated-photo.jxl"]

    @Test("Stamped and signed JPEG XL with badge and watermark: exiftool and exiv2 read DigitalSourceType, the SDK says Trusted, verify finds every layer, a tamper is invalid")
    func stampInspectVerify() throws {
        let folder = try Repository.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let keys = folder.appendingPathComponent("keys")
        #expect(try ProcessRunner.ailabel(["keys", "init", keys.path]).status == 0)
        let input = folder.appendingPathComponent("in")
        try FileManager.default.createDirectory(at: input, withIntermediateDirectories: true)
        for name in Self.fixtures {
            try FileManager.default.copyItem(at: Repository.fixture("media/" + name), to: input.appendingPathComponent(name))
        }
        let output = folder.appendingPathComponent("out")
        let signing = ["--sign-key", keys.appendingPathComponent("signer.key").path, "--sign-chain", keys.appendingPathComponent("signer-chain.pem").path]
        let stamp = try ProcessRunner.ailabel(["stamp", input.path, "--out", output.path, "--json", "--profile", "eu", "--visible", "--watermark"] + signing)
        #expect(stamp.status == 0, "\(stamp.stderr)")
        let lines = stamp.stdout.split(separator: "\n").compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
        #expect(lines.count == Self.fixtures.count)
        for line in lines {
            let name = ((line["path"] as? String ?? "") as NSString).lastPathComponent
            let layers = line["layers"] as? [String] ?? []
            #expect(line["format"] as? String == "jxl", "\(name)")
            #expect(layers.contains("c2pa"), "\(name): \(layers)")
            if name == "animated.jxl" {
                // 96×64: the badge on every frame, no room for the watermark, and that is said.
                #expect(layers.contains("visible") && !layers.contains("watermark"), "\(name): \(layers)")
                #expect((line["warnings"] as? [String] ?? []).contains { $0.contains("too small") }, "\(name): \(line["warnings"] ?? "")")
            } else {
                #expect(layers.contains("visible") && layers.contains("watermark"), "\(name): \(layers) \(line["warnings"] ?? "")")
            }
        }

        let trust = keys.appendingPathComponent("trust-anchors.pem").path
        for name in Self.fixtures {
            let path = output.appendingPathComponent(name).path
            let exif = try ProcessRunner.run("exiftool", ["-j", "-XMP-iptcExt:DigitalSourceType", "-XMP-dc:Creator", "-EXIF:Make", path])
            #expect(exif.status == 0, "\(exif.stderr)")
            let object = try #require((try JSONSerialization.jsonObject(with: exif.stdoutData) as? [[String: Any]])?.first)
            #expect((object["DigitalSourceType"] as? String)?.hasSuffix("trainedAlgorithmicMedia") == true, "\(name): \(object)")
            if name.contains("metadata") {
                #expect(object["Creator"] as? String == "WebP Fixture Author", "\(name): the owner's XMP is merged, not replaced")
                #expect(object["Make"] as? String == "Fixture Camera Maker", "\(name): the owner's EXIF is kept")
            }
            let exiv2 = try ProcessRunner.run("exiv2", ["-q", "-K", "Xmp.iptcExt.DigitalSourceType", "-Pv", path])
            #expect(exiv2.stdout.contains("trainedAlgorithmicMedia"), "\(name): exiv2 \(exiv2.stdout) \(exiv2.stderr)")
            let sdk = try ProcessRunner.run(Repository.python, [Repository.root().appendingPathComponent("Fixtures/c2pa/referee.py").path, "read", path, "--trust", trust])
            let verdict = try #require(try JSONSerialization.jsonObject(with: sdk.stdoutData) as? [String: Any], "\(sdk.stderr)")
            #expect(verdict["state"] as? String == "Trusted", "\(name): \(verdict)")
            #expect((verdict["failure"] as? [String])?.isEmpty == true, "\(name): \(verdict)")
        }

        let inspect = try ProcessRunner.ailabel(["inspect", "--json", output.appendingPathComponent("codestream.jxl").path])
        #expect(inspect.status == 0, "\(inspect.stderr)")
        let report = try #require((try JSONSerialization.jsonObject(with: inspect.stdoutData) as? [[String: Any]])?.first)
        #expect(report["format"] as? String == "jxl")
        #expect((report["jxl"] as? [String: Any])?["container"] as? Bool == true, "a bare codestream was wrapped in a container")
        #expect(((report["blocks"] as? [[String: Any]])?.dropFirst(2).first)?["kind"] as? String == "c2pa", "the store follows ftyp")

        let verify = try ProcessRunner.ailabel(["verify", output.path, "--profile", "eu", "--trust", trust, "--format", "json", "--scan", "full"])
        let files = try #require((try JSONSerialization.jsonObject(with: verify.stdoutData) as? [String: Any])?["files"] as? [[String: Any]])
        #expect(files.count == Self.fixtures.count, "no JPEG XL is skipped")
        for file in files {
            let name = ((file["path"] as? String ?? "") as NSString).lastPathComponent
            #expect(file["format"] as? String == "jxl")
            #expect(file["verdict"] as? String == "compliant", "\(name): \(file)")
            #expect((file["c2pa"] as? [String: Any])?["state"] as? String == "Trusted", "\(name)")
            let intact = Set((file["disclosures"] as? [[String: Any]] ?? []).filter { $0["intact"] as? Bool == true }.compactMap { $0["kind"] as? String })
            let expected: Set<String> = name == "animated.jxl" ? ["visible", "c2pa", "iptc", "tc260"] : ["visible", "watermark", "c2pa", "iptc", "tc260"]
            #expect(intact.isSuperset(of: expected), "\(name): \(intact)")
        }

        // One byte of the codestream changed after signing: the C2PA binding no longer holds.
        let tamperedPath = output.appendingPathComponent("lossless.jxl").path
        var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: tamperedPath)))
        bytes[bytes.count - 5] ^= 0x10
        try Data(bytes).write(to: URL(fileURLWithPath: tamperedPath))
        let tampered = try ProcessRunner.ailabel(["verify", tamperedPath, "--profile", "eu", "--trust", trust, "--format", "json", "--scan", "metadata"])
        #expect(tampered.stdout.contains("assertion.dataHash.mismatch"), "\(tampered.stdout)")

        // Re-stamping a stamped file leaves it as it is, an animation too.
        for name in ["alpha.jxl", "animated-photo.jxl"] {
            let restamped = output.appendingPathComponent(name).path
            let before = try Data(contentsOf: URL(fileURLWithPath: restamped))
            let again = try ProcessRunner.ailabel(["stamp", restamped, "--in-place", "--json", "--profile", "eu", "--visible", "--watermark"] + signing)
            #expect(again.status == 0, "\(again.stderr)")
            #expect(again.stdout.contains("\"status\":\"unchanged\""), "\(name): \(again.stdout)")
            #expect(try Data(contentsOf: URL(fileURLWithPath: restamped)) == before, "\(name)")
        }
    }

    static let boxBombs = [
        "jxl-box-size-past-end.jxl", "jxl-64bit-size-past-end.jxl", "jxl-box-count-bomb.jxl", "jxl-nested-brob.jxl",
        "jxl-brob-bomb.jxl", "jxl-truncated.jxl", "jxl-bad-header.jxl",
    ]

    @Test("Each JPEG XL box bomb is refused by inspect and judged unreadable by verify, naming the file, in bounded memory", arguments: boxBombs)
    func boxBomb(_ name: String) throws {
        let path = "Fixtures/malformed/\(name)"
        let (inspect, inspectPeak) = try ProcessRunner.ailabelMeasuringPeakMemory(["inspect", "--json", path], directory: Repository.root())
        #expect(inspect.status == 1, "\(name): exit \(inspect.status) \(inspect.stderr)")
        #expect(inspect.stdout.contains(name) && inspect.stdout.contains("\"error\""), "\(name): \(inspect.stdout)")
        #expect(inspectPeak < BombTests.ceilingKiB, "\(name): peak \(inspectPeak / 1024) MiB")
        let (verify, verifyPeak) = try ProcessRunner.ailabelMeasuringPeakMemory(["verify", "--scan", "full", "--format", "json", path], directory: Repository.root())
        #expect(verify.status == 0 || verify.status == 1, "\(name): exit \(verify.status) \(verify.stderr)")
        #expect(verifyPeak < BombTests.ceilingKiB, "\(name): peak \(verifyPeak / 1024) MiB")
        let files = (try JSONSerialization.jsonObject(with: verify.stdoutData) as? [String: Any])?["files"] as? [[String: Any]] ?? []
        #expect(files.first?["verdict"] as? String == "unreadable", "\(name): \(files)")
        // libjxl prints its failures to standard error; they belong in the record, not above it.
        for output in [inspect.stderr, verify.stderr] { #expect(!output.contains("JXL_FAILURE") && !output.contains("lib/jxl"), "\(name): \(output)") }
        if name == "jxl-bad-header.jxl" {
            #expect(verify.stdout.contains("(libjxl: F16 infinity or NaN are not supported)"), "\(verify.stdout)")
        }
    }

    @Test("A TC260 AIGC label exiftool writes in a JPEG XL's EXIF ImageDescription is read by verify")
    func aigcInEXIF() throws {
        let folder = try Repository.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("aigc.jxl").path
        try FileManager.default.copyItem(atPath: Repository.fixture("media/metadata.jxl").path, toPath: path)
        let label = #"{"AIGC":{"Label":"1","ContentProducer":"001","ProduceID":"abc","ReservedCode1":"","ContentPropagator":"","PropagateID":"","ReservedCode2":""}}"#
        let write = try ProcessRunner.run("exiftool", ["-q", "-overwrite_original", "-EXIF:ImageDescription=" + label, path])
        #expect(write.status == 0, "\(write.stderr)")
        let verify = try ProcessRunner.ailabel(["verify", path, "--profile", "cn", "--format", "json", "--scan", "metadata"])
        let file = try #require(((try JSONSerialization.jsonObject(with: verify.stdoutData) as? [String: Any])?["files"] as? [[String: Any]])?.first)
        let evidence = (file["aiEvidence"] as? [[String: Any]] ?? []).compactMap { $0["detail"] as? String }
        #expect(evidence.contains { $0.contains("TC260 AIGC in EXIF ImageDescription") }, "\(evidence)")
    }
}

