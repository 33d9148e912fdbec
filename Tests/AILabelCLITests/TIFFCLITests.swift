import AILabelTestSupport
import Foundation
import Testing

/// TIFF and DNG end to end through the CLI: stamp with every layer (signature, badge, watermark),
/// read back by exiftool, exiv2, inspect and verify, a tamper caught; every page of a multi-page TIFF
/// marked; marks that cannot be drawn (a DNG's raw data) said per file instead of claimed.
@Suite("TIFF and DNG through stamp, inspect and verify")
struct TIFFCLITests {
    static let fixtures = ["photo.tif", "alpha-lzw.tif", "gray16.tif", "bigendian.tif", "tiled-bigtiff.tif", "multipage.tif", "pages-photo.tif", "metadata.tif", "raw.dng"]

    @Test("Stamped TIFF and DNG with every layer: exiftool and exiv2 read DigitalSourceType, verify finds them compliant and a tamper invalid")
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
        let stamp = try ProcessRunner.ailabel(["stamp", input.path, "--out", output.path, "--json", "--visible", "--watermark"] + signing)
        #expect(stamp.status == 0, "\(stamp.stderr)")
        var results: [String: [String: Any]] = [:]
        for line in stamp.stdout.split(separator: "\n") {
            let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            results[(((object["path"] as? String) ?? "") as NSString).lastPathComponent] = object
        }
        for name in Self.fixtures {
            let result = try #require(results[name], "\(name)")
            #expect(result["status"] as? String == "stamped", "\(name): \(result)")
            #expect(result["format"] as? String == (name.hasSuffix(".dng") ? "dng" : "tiff"), "\(name)")
            let layers = result["layers"] as? [String] ?? []
            #expect(layers.contains("c2pa") && layers.contains("tc260"), "\(name): \(layers)")
            let warnings = (result["warnings"] as? [String] ?? []).joined(separator: " | ")
            switch name {
            case "raw.dng":
                #expect(!layers.contains("visible") && warnings.contains("visible mark not applied: ailabel has no pixel codec for DNG"), "\(warnings)")
            case "photo.tif", "pages-photo.tif":
                #expect(layers.contains("visible") && layers.contains("watermark"), "\(name): \(layers)")
            default:
                #expect(layers.contains("visible"), "\(name): \(layers)")
            }
        }

        for name in Self.fixtures {
            let path = output.appendingPathComponent(name).path
            let exif = try ProcessRunner.run("exiftool", ["-j", "-XMP-iptcExt:DigitalSourceType", "-XMP-dc:Creator", path])
            #expect(exif.status == 0, "\(exif.stderr)")
            let object = try #require((try JSONSerialization.jsonObject(with: exif.stdoutData) as? [[String: Any]])?.first)
            #expect((object["DigitalSourceType"] as? String)?.hasSuffix("trainedAlgorithmicMedia") == true, "\(name): \(object)")
            if name == "metadata.tif" { #expect(object["Creator"] as? String == "TIFF Fixture Author", "the owner's XMP is merged, not replaced") }
            // exiv2 0.27 reads classic TIFF and DNG, not BigTIFF.
            guard !name.contains("bigtiff") else { continue }
            let exiv2 = try ProcessRunner.run("exiv2", ["-q", "-K", "Xmp.iptcExt.DigitalSourceType", "-Pv", path])
            #expect(exiv2.stdout.contains("trainedAlgorithmicMedia"), "\(name): \(exiv2.stdout) \(exiv2.stderr)")
        }

        let inspect = try ProcessRunner.ailabel(["inspect", "--json", output.appendingPathComponent("raw.dng").path])
        #expect(inspect.status == 0, "\(inspect.stderr)")
        let report = try #require((try JSONSerialization.jsonObject(with: inspect.stdoutData) as? [[String: Any]])?.first)
        #expect(report["format"] as? String == "dng")
        #expect((report["blocks"] as? [[String: Any]])?.last?["kind"] as? String == "c2pa", "the store is last")
        #expect((report["tiff"] as? [String: Any])?["dngVersion"] as? String == "1.4.0.0")

        let trust = keys.appendingPathComponent("trust-anchors.pem").path
        let verify = try ProcessRunner.ailabel(["verify", output.path, "--trust", trust, "--format", "json"])
        let files = try #require((try JSONSerialization.jsonObject(with: verify.stdoutData) as? [String: Any])?["files"] as? [[String: Any]])
        #expect(files.count == Self.fixtures.count, "no TIFF or DNG is skipped")
        for file in files {
            #expect(file["verdict"] as? String == "compliant", "\(file)")
            #expect((file["c2pa"] as? [String: Any])?["state"] as? String == "Trusted", "\(file)")
        }

        // One byte of the image data changed after signing: the C2PA binding no longer holds.
        let tamperedPath = output.appendingPathComponent("bigendian.tif").path
        var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: tamperedPath)))
        bytes[200] ^= 0x10
        try Data(bytes).write(to: URL(fileURLWithPath: tamperedPath))
        let tampered = try ProcessRunner.ailabel(["verify", tamperedPath, "--trust", trust, "--format", "json"])
        #expect(tampered.stdout.contains("assertion.dataHash.mismatch"), "\(tampered.stdout)")

        // Re-stamping a stamped file leaves it as it is, a document of several pages too.
        for name in ["photo.tif", "pages-photo.tif"] {
            let restamped = output.appendingPathComponent(name).path
            let before = try Data(contentsOf: URL(fileURLWithPath: restamped))
            let again = try ProcessRunner.ailabel(["stamp", restamped, "--in-place", "--json", "--visible", "--watermark"] + signing)
            #expect(again.status == 0, "\(again.stderr)")
            #expect(again.stdout.contains("\"status\":\"unchanged\""), "\(name): \(again.stdout)")
            #expect(try Data(contentsOf: URL(fileURLWithPath: restamped)) == before, "\(name)")
        }
    }
}

extension TIFFCLITests {
    @Test("A TC260 label exiftool writes in a TIFF's ImageDescription or EXIF UserComment is read by verify, beside XMP")
    func aigcInNativeTextIsRead() throws {
        let folder = try Repository.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let label = #"{"AIGC":{"Label":"1","ContentProducer":"001191320102MA1234567D","ProduceID":"tiff-1","ReservedCode1":"","ContentPropagator":"","PropagateID":"","ReservedCode2":""}}"#
        for (name, argument) in [("description.tif", "-ImageDescription=" + label), ("comment.tif", "-UserComment=" + label)] {
            let path = folder.appendingPathComponent(name).path
            try FileManager.default.copyItem(atPath: Repository.fixture("media/rgb-strips.tif").path, toPath: path)
            let write = try ProcessRunner.run("exiftool", ["-q", "-overwrite_original", argument, path])
            #expect(write.status == 0, "\(write.stderr)")
            let verify = try ProcessRunner.ailabel(["verify", path, "--profile", "cn", "--format", "json", "--scan", "metadata"])
            let location = name == "description.tif" ? "EXIF ImageDescription" : "EXIF UserComment"
            #expect(verify.stdout.contains("TC260 AIGC in \(location)"), "\(name): \(verify.stdout)")
        }
    }
}
