import AILabelMedia
import AILabelTestSupport
import AILabelVocabulary
import Foundation
import Testing

@Suite("XMPLabel: one type writes the label and reads it back")
struct XMPLabelTests {
    static let dublinCore = "http://purl.org/dc/elements/1.1/"

    /// A label with every field set, its texts the bundled ones of `kind` in `languages`.
    static func fullLabel(profile: String, languages: [String], kind: DisclosureTexts.Kind) -> DisclosureLabel {
        var label = DisclosureLabel(
            digitalSourceType: kind == .edited ? .compositeWithTrainedAlgorithmicMedia : .trainedAlgorithmicMedia,
            aiSystem: "Round Trip Diffusion", aiSystemVersion: "3.1", producerName: "Example LLP",
            producerID: "001191110102MAD55U9H0F10002", contentID: "3f2a1c9e-0b4d-4e8f-9a61-7c2d5e8b1a00",
            created: "2026-03-01T10:00:00Z", isDeepfake: kind == .deepfake, prompt: "a lighthouse at dusk, «quoted» & <escaped>",
            propagatorID: "PLATFORM-01", propagateID: "post-4711", profile: profile,
            visibleLabel: VisibleLabelRecord(
                x: 12, y: 400, width: 300, height: 48, text: "Created with AI", languages: languages, variant: "text",
                recordJSON: #"{"imageWidth":640,"imageHeight":480}"#),
            watermarked: true)
        let (texts, missing) = DisclosureTexts.texts(kind: kind, languages: languages)
        #expect(missing.isEmpty, "no bundled \(kind) text for \(missing)")
        label.texts = texts
        return label
    }

    /// Writes into a packet that already holds another tool's property, and parses the serialized bytes.
    static func writtenAndReparsed(_ xmpLabel: XMPLabel, over packet: XMPPacket? = nil) throws -> XMPPacket {
        var packet = packet ?? {
            var packet = XMPPacket()
            packet.set(.text("Someone else's title"), namespace: dublinCore, preferredPrefix: "dc", name: "title")
            return packet
        }()
        xmpLabel.write(into: &packet)
        return try XMPPacket(parsing: packet.serialized())
    }

    @Test(
        "Every field of a label survives write, serialize, parse and read, for every profile's languages and every kind",
        arguments: DisclosureTexts.profileLanguages.sorted { $0.key < $1.key }.map { ($0.key, $0.value) },
        [DisclosureTexts.Kind.generated, .edited, .deepfake])
    func roundTrip(profile: (name: String, languages: [String]), kind: DisclosureTexts.Kind) throws {
        let label = Self.fullLabel(profile: profile.name, languages: profile.languages, kind: kind)
        let written = XMPLabel(label)
        let packet = try Self.writtenAndReparsed(written)
        let read = XMPLabel(reading: packet)
        #expect(read == written)
        #expect(read.disclosureLabel == label)
        #expect(read.record.disclosure.map(\.language) == profile.languages)
        #expect(read.aigcLabels.count == 1 && read.aigcLabels[0].isValid, "\(read.aigcLabels.first?.problems ?? [])")
        #expect(read.contentID == label.contentID)
        #expect(packet.value(namespace: Self.dublinCore, name: "title") == .text("Someone else's title"), "another tool's property stays")
    }

    @Test("A label without its optional fields round-trips, and writing it over a fuller one drops what it owns but keeps the marks")
    func optionalFieldsAndRestamp() throws {
        let full = Self.fullLabel(profile: "kz", languages: ["kk", "ru", "en"], kind: .generated)
        let bare = DisclosureLabel(contentID: full.contentID, created: "2026-03-02T08:00:00Z", profile: "eu")
        let bareRead = XMPLabel(reading: try Self.writtenAndReparsed(XMPLabel(bare)))
        #expect(bareRead == XMPLabel(bare))
        #expect(bareRead.disclosureLabel == bare)

        let restamped = XMPLabel(reading: try Self.writtenAndReparsed(XMPLabel(bare), over: try Self.writtenAndReparsed(XMPLabel(full))))
        #expect(restamped.aiSystemUsed == nil && restamped.aiPromptInformation == nil && restamped.record.producerName == nil)
        #expect(restamped.record.disclosure.isEmpty)
        #expect(restamped.withoutMarks == XMPLabel(bare).withoutMarks)
        // The badge and the watermark are still in the pixels: their records stay.
        #expect(restamped.record.visibleLabel == .record(full.visibleLabel!))
        #expect(restamped.record.watermark == full.labelID)
        #expect(restamped.digitalSourceTypes.count == 1 && restamped.aigc.count == 1, "writing sets each property once")
    }

    @Test("A region that is not x,y,width,height is read as malformed, with the text as written")
    func malformedRegion() throws {
        var packet = XMPPacket()
        packet.set(.text("10,20,wide"), namespace: LabelNamespace.ailabel, preferredPrefix: "ailabel", name: "VisibleLabelRegion")
        packet.set(.text("abc"), namespace: LabelNamespace.ailabel, preferredPrefix: "ailabel", name: "LabelID")
        let read = XMPLabel(reading: try XMPPacket(parsing: packet.serialized()))
        #expect(read.record.visibleLabel == .malformedRegion("10,20,wide"))
        #expect(read.record.labelID == "abc")
        #expect(read.disclosureLabel == nil, "no content ID, creation time or source type: not a whole label")
    }

    @Test("Repeated properties are all read; the writer replaces them with one")
    func repeatedProperties() throws {
        let xml = """
            <x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
            <rdf:Description rdf:about="" xmlns:Iptc4xmpExt="http://iptc.org/std/Iptc4xmpExt/2008-02-29/" xmlns:TC260="http://www.tc260.org.cn/ns/AIGC/1.0/">
            <Iptc4xmpExt:DigitalSourceType>http://cv.iptc.org/newscodes/digitalsourcetype/digitalCapture</Iptc4xmpExt:DigitalSourceType>
            <TC260:AIGC>{"Label":"1"}</TC260:AIGC></rdf:Description>
            <rdf:Description rdf:about="" xmlns:Iptc4xmpExt="http://iptc.org/std/Iptc4xmpExt/2008-02-29/" xmlns:TC260="http://www.tc260.org.cn/ns/AIGC/1.0/">
            <Iptc4xmpExt:DigitalSourceType>trainedAlgorithmicMedia</Iptc4xmpExt:DigitalSourceType>
            <TC260:AIGC>{"Label":"2"}</TC260:AIGC></rdf:Description></rdf:RDF></x:xmpmeta>
            """
        let read = XMPLabel(reading: try XMPPacket(parsing: Array(xml.utf8)))
        #expect(read.digitalSourceTypes == ["http://cv.iptc.org/newscodes/digitalsourcetype/digitalCapture", "trainedAlgorithmicMedia"])
        #expect(read.aigc == [#"{"Label":"1"}"#, #"{"Label":"2"}"#])
        let rewritten = XMPLabel(reading: try Self.writtenAndReparsed(read, over: try XMPPacket(parsing: Array(xml.utf8))))
        #expect(rewritten.digitalSourceTypes == [read.digitalSourceTypes[0]])
        #expect(rewritten.aigc == [read.aigc[0]])
    }

    @Test("A prefix the packet uses without declaring it is not bound by the writer: the undeclared TC260:AIGC stays text, not a second label (a fuzz finding)")
    func undeclaredPrefixStaysUnbound() throws {
        let xml = """
            <x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
            <rdf:Description rdf:about="" undeclared:attribute="kept">
            <TC260:AIGC>{"Label":"0"}</TC260:AIGC></rdf:Description>
            <rdf:Description rdf:about="" xmlns:TC260="http://www.tc260.org.cn/ns/AIGC/1.0/">
            <TC260:AIGC>{"Label":"1"}</TC260:AIGC></rdf:Description></rdf:RDF></x:xmpmeta>
            """
        let read = XMPLabel(reading: try XMPPacket(parsing: Array(xml.utf8)))
        #expect(read.aigc == [#"{"Label":"1"}"#], "the undeclared element is no property")
        let packet = try Self.writtenAndReparsed(read, over: try XMPPacket(parsing: Array(xml.utf8)))
        #expect(XMPLabel(reading: packet).aigc == [#"{"Label":"1"}"#])
        let text = String(decoding: packet.serialized(), as: UTF8.self)
        // The owner's malformed element and attribute are written back as they came, still unbound.
        #expect(text.contains(#"<TC260:AIGC>{"Label":"0"}</TC260:AIGC>"#) && text.contains(#"undeclared:attribute="kept""#), "\(text)")
        #expect(text.contains(#"xmlns:TC2601="http://www.tc260.org.cn/ns/AIGC/1.0/""#), "another prefix is declared: \(text)")
    }
}
