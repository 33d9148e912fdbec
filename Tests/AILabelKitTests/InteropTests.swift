import AILabelKit
import AILabelMedia
import AILabelTestSupport
import AILabelVocabulary
import Foundation
import Testing

@Suite("exiftool and exiv2 read the labels ailabel writes; ailabel reads exiftool's")
struct LabelInteropTests {
    func stampedCopy(of fixture: String, in folder: URL) throws -> String {
        var request = LabelRequest()
        request.aiSystem = "Interop Model"
        request.aiSystemVersion = "2.5"
        request.producerID = "001191110102MAD55U9H0F10002"
        request.created = "2026-01-18T09:00:00Z"
        let output = folder.appendingPathComponent((fixture as NSString).lastPathComponent).path
        let result = Stamper(request: request).stamp(input: Repository.fixture(fixture).path, output: output)
        #expect(result.status == .stamped, "\(result.error ?? "")")
        return output
    }

    @Test("exiftool reads DigitalSourceType, the IPTC AI properties and TC260:AIGC", arguments: ["media/photo-640x480.jpg", "media/photo.png", "media/xmp.jpg", "media/alpha.png"])
    func exiftool(fixture: String) throws {
        let folder = try Repository.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = try stampedCopy(of: fixture, in: folder)
        let result = try ProcessRunner.run("exiftool", ["-j", "-XMP-iptcExt:DigitalSourceType", "-XMP-iptcExt:AISystemUsed", "-XMP-iptcExt:AISystemVersionUsed", "-XMP-TC260:AIGC", path])
        #expect(result.status == 0, "\(result.stderr)")
        let object = try #require((try JSONSerialization.jsonObject(with: result.stdoutData) as? [[String: Any]])?.first)
        #expect(object["DigitalSourceType"] as? String == "http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia")
        #expect(object["AISystemUsed"] as? String == "Interop Model")
        #expect("\(object["AISystemVersionUsed"] ?? "")" == "2.5")
        // exiftool knows no TC260 table, so it names the unknown XMP property after its local name.
        let aigc = try #require((object["AIGC"] ?? object["Aigc"]) as? String)
        #expect(AIGCLabel.parse(aigc).isValid)
    }

    @Test("exiv2 reads the same properties", arguments: ["media/photo-640x480.jpg", "media/photo.png"])
    func exiv2(fixture: String) throws {
        let folder = try Repository.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = try stampedCopy(of: fixture, in: folder)
        let result = try ProcessRunner.run("exiv2", ["-PXkv", path])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("Xmp.iptcExt.DigitalSourceType") && result.stdout.contains("trainedAlgorithmicMedia"))
        #expect(result.stdout.contains("Xmp.iptcExt.AISystemUsed") && result.stdout.contains("Interop Model"))
        #expect(result.stdout.contains("Xmp.TC260.AIGC"))
    }

    @Test("Files exiftool stamped with the labels are read back by ailabel", arguments: ["media/photo-640x480.jpg", "media/photo.png"])
    func readsExiftoolLabels(fixture: String) throws {
        let folder = try Repository.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent((fixture as NSString).lastPathComponent).path
        try FileManager.default.copyItem(atPath: Repository.fixture(fixture).path, toPath: path)
        let aigc = AIGCLabel(label: "1", contentProducer: "exiftool-producer", produceID: "exiftool-id").json
        let config = folder.appendingPathComponent("tc260.config")
        try """
            # exiftool 12.57 (Debian 12) predates the IPTC 2025.1 AI properties and has no TC260 table:
            # both are defined here the way exiftool's documentation describes user-defined XMP tags.
            %Image::ExifTool::UserDefined = (
                'Image::ExifTool::XMP::Main' => { TC260 => { SubDirectory => { TagTable => 'Image::ExifTool::UserDefined::TC260' } } },
                'Image::ExifTool::XMP::iptcExt' => { AISystemUsed => { }, AISystemVersionUsed => { } },
            );
            %Image::ExifTool::UserDefined::TC260 = (
                GROUPS => { 0 => 'XMP', 1 => 'XMP-TC260', 2 => 'Image' },
                NAMESPACE => { 'TC260' => 'http://www.tc260.org.cn/ns/AIGC/1.0/' },
                WRITABLE => 'string',
                AIGC => { },
            );
            1;
            """.write(to: config, atomically: true, encoding: .utf8)
        let result = try ProcessRunner.run("exiftool", [
            "-config", config.path, "-overwrite_original",
            "-XMP-iptcExt:DigitalSourceType=http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia",
            "-XMP-iptcExt:AISystemUsed=Exiftool Model", "-XMP-TC260:AIGC=\(aigc)", path,
        ])
        #expect(result.status == 0, "\(result.stderr)")
        let report = Inspector.inspect(path: path)
        #expect(report.error == nil)
        let xmp = report.xmp ?? []
        #expect(xmp.contains { $0.name == "DigitalSourceType" && $0.value.hasSuffix("trainedAlgorithmicMedia") })
        #expect(xmp.contains { $0.name == "AISystemUsed" && $0.value == "Exiftool Model" })
        #expect(xmp.contains { $0.name == "AIGC" && AIGCLabel.parse($0.value).label?.produceID == "exiftool-id" })
    }
}
