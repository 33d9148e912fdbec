import AILabelMedia
import AILabelTestSupport
import Foundation
import Testing

@Suite("exiftool reads back what the media layer writes")
struct ExiftoolInteropTests {
    @Test("XMP and EXIF written by ailabel read back in exiftool", arguments: ["media/exif.jpg", "media/photo.png", "media/xmp.jpg", "media/progressive.jpg", "media/exif.png"])
    func exiftoolReadsBack(fixture: String) throws {
        let bytes = try Repository.fixtureBytes(fixture)
        let file = try MediaFile(path: fixture, bytes: bytes)
        var packet = try file.contents.xmp.map { try XMPPacket(parsing: $0) } ?? XMPPacket()
        packet.set(.text("Interop Title"), namespace: "http://ns.adobe.com/photoshop/1.0/", preferredPrefix: "photoshop", name: "Headline")
        var edit = MetadataEdit()
        edit.xmp = .replace(packet.serialized())
        if let exif = try EXIFMetadata.addingMissing([EXIFMetadata.ASCIIValue(directory: .ifd0, tag: EXIFTag.artist, value: "Interop Artist")], to: file.contents.exif) {
            edit.exif = .replace(exif)
        }
        let folder = try Repository.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent((fixture as NSString).lastPathComponent).path
        try AtomicFile.write(try file.handler.rewrite(bytes, applying: edit).bytes, to: path)

        let result = try ProcessRunner.run("exiftool", ["-j", "-G1", "-XMP-photoshop:Headline", "-IFD0:Artist", "-IFD0:Make", path])
        #expect(result.status == 0, "\(result.stderr)")
        let object = try #require((try JSONSerialization.jsonObject(with: result.stdoutData) as? [[String: Any]])?.first)
        #expect(object["XMP-photoshop:Headline"] as? String == "Interop Title")
        #expect(object["IFD0:Artist"] as? String == "Interop Artist")
        if let make = try file.contents.exif.map({ try EXIFMetadata(tiff: $0) })?.tag(EXIFTag.make) {
            #expect(object["IFD0:Make"] as? String == make.value)
        }
        // exiftool finds no structural problem in the file.
        let validate = try ProcessRunner.run("exiftool", ["-validate", "-warning", "-error", "-a", "-j", path])
        let warnings = String(decoding: validate.stdoutData, as: UTF8.self)
        #expect(!warnings.contains("\"Error\""), "\(warnings)")
    }
}
