import AILabelKit
import AILabelMedia
import AILabelTestSupport
import AILabelVocabulary
import Foundation
import Testing

@Suite("Stamping the disclosure label")
struct StampTests {
    static let fixtures = Repository.fixtureFiles(in: "media")

    func request() -> LabelRequest {
        var request = LabelRequest()
        request.aiSystem = "Stable Diffusion XL"
        request.aiSystemVersion = "1.0"
        request.producerName = "Example LLP"
        request.producerID = "123456789012"
        request.created = "2026-01-18T09:00:00Z"
        return request
    }

    @Test("Stamping writes every layer, keeps the owner's XMP and the compressed image data", arguments: fixtures)
    func stampsEveryLayer(fixture: String) throws {
        let file = try MediaFile(path: fixture, bytes: try Repository.fixtureBytes(fixture))
        let result = try Stamper(request: request()).stamp(file)
        let (bytes, label, layers) = (try result.bytes(), result.label, result.layers)
        #expect(layers.starts(with: ["iptc", "tc260", "ailabel-xmp"]))
        let stamped = try MediaFile(path: fixture, bytes: bytes)
        let packet = try XMPPacket(parsing: try #require(stamped.contents.xmp))
        #expect(packet.value(namespace: LabelNamespace.iptcExtension, name: "DigitalSourceType") == .text(DigitalSourceType.trainedAlgorithmicMedia.uri))
        #expect(packet.value(namespace: LabelNamespace.iptcExtension, name: "AISystemUsed") == .text("Stable Diffusion XL"))
        #expect(packet.value(namespace: LabelNamespace.iptcExtension, name: "AIPromptInformation") == nil, "prompts are off by default")
        let aigc = AIGCLabel.parse(try #require(packet.value(namespace: LabelNamespace.tc260, name: "AIGC")?.textValue))
        #expect(aigc.isValid, "\(aigc.problems)")
        #expect(aigc.label?.produceID == label.contentID)
        #expect(packet.values(namespace: LabelNamespace.tc260, name: "AIGC").count == 1)
        if case .alternative(let texts)? = packet.value(namespace: LabelNamespace.ailabel, name: "Disclosure") {
            #expect(texts.map(\.language) == ["kk", "ru", "en"])
        } else {
            Issue.record("no disclosure texts")
        }
        // The owner's properties survive.
        if let original = file.contents.xmp {
            for property in try XMPPacket(parsing: original).properties {
                #expect(packet.value(namespace: property.namespace, name: property.name) == property.value)
            }
        }
        let original = try file.readAll()
        #expect(file.contents.imageDataRanges.map { Array(original[$0]) } == stamped.contents.imageDataRanges.map { Array(bytes[$0]) })
    }

    @Test("Stamping twice with a fixed time gives identical bytes and keeps the content ID", arguments: fixtures)
    func idempotent(fixture: String) throws {
        let file = try MediaFile(path: fixture, bytes: try Repository.fixtureBytes(fixture))
        let stamper = Stamper(request: request())
        let once = try stamper.stamp(file)
        let twice = try stamper.stamp(try MediaFile(path: fixture, bytes: try once.bytes()))
        #expect(try once.bytes() == twice.bytes())
        #expect(once.label.contentID == twice.label.contentID)
    }

    @Test("EXIF is added only where absent, never overwriting the owner's tags")
    func exifNeverOverwrites() throws {
        let file = try MediaFile(path: "all-metadata.jpg", bytes: try Repository.fixtureBytes("media/all-metadata.jpg"))
        let bytes = try Stamper(request: request()).stamp(file).bytes()
        let exif = try EXIFMetadata(tiff: try #require(try MediaFile(path: "x.jpg", bytes: bytes).contents.exif))
        #expect(exif.tag(EXIFTag.imageDescription)?.value == "Owner's own description")
        #expect(exif.tag(EXIFTag.software)?.value == "Stable Diffusion XL 1.0")
    }

    @Test("A PNG AIGC text chunk is superseded so the file holds one implicit label")
    func oneImplicitLabel() throws {
        let bytes = try Repository.fixtureBytes("media/photo.png")
        var edit = MetadataEdit()
        edit.setTextEntries = [TextEntry(keyword: "AIGC", text: #"{"Label":"1","ContentProducer":"x","ProduceID":"y","ReservedCode1":"","ContentPropagator":"","PropagateID":"","ReservedCode2":""}"#, chunk: .tEXt)]
        let withChunk = try PNGHandler().rewrite(bytes, applying: edit).bytes
        let result = try Stamper(request: request()).stamp(try MediaFile(path: "a.png", bytes: withChunk))
        let (stamped, warnings) = (try result.bytes(), result.warnings)
        #expect(try PNGHandler().parse(stamped).textEntries.allSatisfy { $0.keyword != "AIGC" })
        #expect(warnings.contains { $0.contains("one implicit label") })
    }

    @Test("Deepfake and edited labels choose their texts; prompts are written only when asked")
    func textsAndPrompt() throws {
        var deepfake = request()
        deepfake.isDeepfake = true
        deepfake.prompt = "a portrait"
        deepfake.sourceType = .compositeWithTrainedAlgorithmicMedia
        let file = try MediaFile(path: "photo.png", bytes: try Repository.fixtureBytes("media/photo.png"))
        let result = try Stamper(request: deepfake).stamp(file)
        let (bytes, label) = (try result.bytes(), result.label)
        #expect(label.texts.first { $0.language == "ru" }?.text.hasPrefix("Дипфейк") == true)
        let packet = try XMPPacket(parsing: try #require(try PNGHandler().parse(bytes).xmp))
        #expect(packet.value(namespace: LabelNamespace.iptcExtension, name: "AIPromptInformation") == .text("a portrait"))
        #expect(packet.value(namespace: LabelNamespace.ailabel, name: "Deepfake") == .text("True"))
        #expect(packet.value(namespace: LabelNamespace.iptcExtension, name: "DigitalSourceType") == .text(DigitalSourceType.compositeWithTrainedAlgorithmicMedia.uri))
    }

    @Test("A language with no text is refused, and overrides win")
    func languages() throws {
        var unknown = request()
        unknown.languages = ["kk", "fr"]
        let file = try MediaFile(path: "photo.png", bytes: try Repository.fixtureBytes("media/photo.png"))
        #expect(throws: MediaError.self) { _ = try Stamper(request: unknown).stamp(file) }
        unknown.textOverrides = ["fr": "Créé avec l'IA"]
        #expect(try Stamper(request: unknown).stamp(file).label.texts.map(\.text).last == "Créé avec l'IA")
    }
}
