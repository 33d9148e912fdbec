import AILabelMedia
import AILabelTestSupport
import AILabelVocabulary
import Foundation
import Testing

@Suite("The vocabulary reads labels exiftool wrote")
struct ExiftoolLabelTests {
    /// exiftool 12.57 (Debian 12) predates the IPTC 2025.1 AI properties and knows neither the TC260 nor
    /// ailabel's namespace: all three are defined the way exiftool's documentation describes user-defined
    /// XMP tags.
    static let config = """
        %Image::ExifTool::UserDefined = (
            'Image::ExifTool::XMP::Main' => {
                TC260 => { SubDirectory => { TagTable => 'Image::ExifTool::UserDefined::TC260' } },
                ailabel => { SubDirectory => { TagTable => 'Image::ExifTool::UserDefined::ailabel' } },
            },
            'Image::ExifTool::XMP::iptcExt' => { AISystemUsed => { }, AISystemVersionUsed => { }, AIPromptInformation => { } },
        );
        %Image::ExifTool::UserDefined::TC260 = (
            GROUPS => { 0 => 'XMP', 1 => 'XMP-TC260', 2 => 'Image' },
            NAMESPACE => { 'TC260' => 'http://www.tc260.org.cn/ns/AIGC/1.0/' },
            WRITABLE => 'string',
            AIGC => { },
        );
        %Image::ExifTool::UserDefined::ailabel = (
            GROUPS => { 0 => 'XMP', 1 => 'XMP-ailabel', 2 => 'Image' },
            NAMESPACE => { 'ailabel' => 'https://ailabel.dev/ns/1.0/' },
            WRITABLE => 'string',
            LabelID => { }, ContentID => { }, Deepfake => { }, Profile => { }, Created => { }, Producer => { }, ProducerID => { },
            Disclosure => { Writable => 'lang-alt' },
            VisibleLabelRegion => { }, VisibleLabelText => { }, VisibleLabelLanguages => { List => 'Bag' },
            VisibleLabelVariant => { }, VisibleLabelRecord => { }, Watermark => { },
        );
        1;
        """

    /// exiftool's arguments that write every property of `label` as ailabel would.
    static func arguments(for label: DisclosureLabel) -> [String] {
        let visible = label.visibleLabel!
        var arguments = [
            "-XMP-iptcExt:DigitalSourceType=\(label.digitalSourceType.uri)",
            "-XMP-iptcExt:AISystemUsed=\(label.aiSystem!)", "-XMP-iptcExt:AISystemVersionUsed=\(label.aiSystemVersion!)",
            "-XMP-iptcExt:AIPromptInformation=\(label.prompt!)",
            "-XMP-TC260:AIGC=\(AIGCLabel(label).json)",
            "-XMP-ailabel:LabelID=\(label.labelID)", "-XMP-ailabel:ContentID=\(label.contentID)",
            "-XMP-ailabel:Deepfake=\(label.isDeepfake ? "True" : "False")", "-XMP-ailabel:Profile=\(label.profile)",
            "-XMP-ailabel:Created=\(label.created)", "-XMP-ailabel:Producer=\(label.producerName!)",
            "-XMP-ailabel:ProducerID=\(label.producerID!)",
            "-XMP-ailabel:VisibleLabelRegion=\(visible.x),\(visible.y),\(visible.width),\(visible.height)",
            "-XMP-ailabel:VisibleLabelText=\(visible.text)", "-XMP-ailabel:VisibleLabelVariant=\(visible.variant)",
            "-XMP-ailabel:VisibleLabelRecord=\(visible.recordJSON!)", "-XMP-ailabel:Watermark=\(label.labelID)",
        ]
        arguments += label.texts.map { "-XMP-ailabel:Disclosure-\($0.language)=\($0.text)" }
        arguments += visible.languages.map { "-XMP-ailabel:VisibleLabelLanguages=\($0)" }
        return arguments
    }

    static func label(in path: String) throws -> XMPLabel {
        let file = try MediaFile(path: path)
        let xmp = try #require(file.contents.xmp, "exiftool wrote no XMP")
        return XMPLabel(reading: try XMPPacket(parsing: xmp, extended: file.contents.extendedXMP))
    }

    @Test("Every field exiftool writes in ailabel's schema reads back as the label it came from", arguments: ["media/photo-640x480.jpg", "media/photo.png"])
    func everyField(fixture: String) throws {
        let folder = try Repository.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent((fixture as NSString).lastPathComponent).path
        try FileManager.default.copyItem(atPath: Repository.fixture(fixture).path, toPath: path)
        let configPath = folder.appendingPathComponent("ailabel.config")
        try Self.config.write(to: configPath, atomically: true, encoding: .utf8)
        let label = XMPLabelTests.fullLabel(profile: "all", languages: ["kk", "ru", "en", "zh"], kind: .deepfake)

        let result = try ProcessRunner.run("exiftool", ["-config", configPath.path, "-overwrite_original"] + Self.arguments(for: label) + [path])
        #expect(result.status == 0, "\(result.stderr)")

        // exiftool orders a language alternative its own way (English first): the order carries no meaning.
        var read = try Self.label(in: path)
        #expect(Set(read.record.disclosure.map(\.language)) == Set(label.languages))
        read.record.disclosure = label.languages.compactMap { language in read.record.disclosure.first { $0.language == language } }
        #expect(read == XMPLabel(label))
        #expect(read.disclosureLabel == label)
    }

    @Test("The verify fixtures' labels, written by exiftool and Pillow, read as written")
    func verifyFixtures() throws {
        let produceID = "fixture-0001"
        let iptc = try Self.label(in: Repository.fixture("verify/label-iptc-exiftool.jpg").path)
        #expect(iptc.digitalSourceTypes == [DigitalSourceType.trainedAlgorithmicMedia.uri])
        #expect(iptc.aiSystemUsed == "Fixture Diffusion")
        #expect(iptc.aigc.isEmpty && iptc.record == AILabelRecord())

        let https = try Self.label(in: Repository.fixture("verify/label-iptc-https.jpg").path)
        #expect(https.digitalSourceTypes.compactMap(DigitalSourceType.init(parsing:)) == [.compositeWithTrainedAlgorithmicMedia])

        let tc260 = try Self.label(in: Repository.fixture("verify/label-tc260-xmp.jpg").path)
        #expect(tc260.aigcLabels.map(\.isValid) == [true])
        #expect(tc260.contentID == produceID, "the TC260 ProduceID is the content ID a re-stamp keeps")

        // Outside XMP: a PNG text chunk, and EXIF UserComment, each holding {"AIGC":{…}}.
        let png = try MediaFile(path: Repository.fixture("verify/label-aigc-png-text.png").path)
        let inText = EmbeddedAIGC.find(in: png.contents, exif: nil)
        #expect(inText.map(\.location) == ["PNG tEXt AIGC"] && inText.map(\.carrier) == [.textChunk])
        #expect(inText.first?.parsed.isValid == true && inText.first?.parsed.label?.produceID == produceID)

        let jpeg = try MediaFile(path: Repository.fixture("verify/label-aigc-exif-usercomment.jpg").path)
        let exif = try EXIFMetadata(tiff: try #require(jpeg.contents.exif))
        let inEXIF = EmbeddedAIGC.find(in: jpeg.contents, exif: exif)
        #expect(inEXIF.map(\.location) == ["EXIF UserComment"] && inEXIF.map(\.carrier) == [.exifUserComment])
        #expect(inEXIF.first?.parsed.isValid == true && inEXIF.first?.parsed.label?.produceID == produceID)

        let malformed = try MediaFile(path: Repository.fixture("verify/label-aigc-malformed.png").path)
        #expect(EmbeddedAIGC.find(in: malformed.contents, exif: nil).first?.parsed.isValid == false)
    }
}
