import AILabelManifest
import AILabelMedia
import AILabelVocabulary
import Testing

@Suite("DisclosureAssertion: one type writes ailabel's C2PA assertion and reads it back")
struct DisclosureAssertionTests {
    @Test(
        "Every field survives CBOR encoding and decoding, for every profile's languages and every kind",
        arguments: DisclosureTexts.profileLanguages.sorted { $0.key < $1.key }.map { ($0.key, $0.value) },
        [DisclosureTexts.Kind.generated, .edited, .deepfake])
    func roundTrip(profile: (name: String, languages: [String]), kind: DisclosureTexts.Kind) throws {
        let label = XMPLabelTests.fullLabel(profile: profile.name, languages: profile.languages, kind: kind)
        let written = DisclosureAssertion(label)
        let map = CBOR.map(written.fields.map { (key: CBOR.text($0.key), value: $0.value) })
        let read = DisclosureAssertion(reading: try CBOR(decoding: map.encoded()))
        #expect(read == written)
        #expect(read.isDeepfake == (kind == .deepfake))
        #expect(read.disclosure == label.texts.sorted { $0.language < $1.language })
        #expect(read.watermark == label.labelID && read.labelID == label.labelID)
        var badge = label.visibleLabel
        badge?.recordJSON = nil
        #expect(read.visibleLabel == badge, "the badge's full record stays in XMP")
        #expect(read.aigc.map(AIGCLabel.parse)?.isValid == true)
    }

    @Test("Fields of another type than ailabel writes read as absent")
    func wrongTypes() throws {
        let cbor = CBOR.textMap([("deepfake", .text("true")), ("labelID", .int(7)), ("visibleLabel", .textMap([("region", .array([.int(1), .int(2)]))]))])
        let read = DisclosureAssertion(reading: try CBOR(decoding: cbor.encoded()))
        #expect(read == DisclosureAssertion())
    }
}
