import AILabelVocabulary
import Testing

@Suite("The label's vocabularies")
struct LabelVocabularyTests {
    @Test("IPTC terms parse by short name and by URI, http or https, with a trailing slash")
    func digitalSourceTypes() {
        #expect(DigitalSourceType(parsing: "trainedAlgorithmicMedia") == .trainedAlgorithmicMedia)
        #expect(DigitalSourceType(parsing: "https://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia/") == .trainedAlgorithmicMedia)
        #expect(DigitalSourceType(parsing: "http://cv.iptc.org/newscodes/digitalsourcetype/compositeSynthetic")?.isGenerativeAI == true)
        #expect(DigitalSourceType(parsing: "algorithmicMedia")?.isGenerativeAI == false)
        #expect(DigitalSourceType(parsing: "madeUpTerm") == nil)
        #expect(DigitalSourceType.allTerms.count == 20)
        for term in DigitalSourceType.allTerms { #expect(DigitalSourceType(parsing: term.term)?.term == term.term) }
    }

    @Test("AIGC JSON is checked against GB 45438 Annex E")
    func aigc() {
        let valid = AIGCLabel(label: "1", contentProducer: "001191110102MAD55U9H0F10002", produceID: "abc").json
        #expect(AIGCLabel.parse(valid).isValid)
        #expect(AIGCLabel.parse(#"{"AIGC":\#(valid)}"#).isValid)
        #expect(!AIGCLabel.parse(#"{"Label":"AIGC","ContentProducer":"a","ProduceID":"b","ReservedCode1":"","ContentPropagator":"","PropagateID":"","ReservedCode2":""}"#).isValid)
        #expect(!AIGCLabel.parse(#"{"Label":"1","Label":"2","ContentProducer":"a","ProduceID":"b","ReservedCode1":"","ContentPropagator":"","PropagateID":"","ReservedCode2":""}"#).isValid)
        #expect(!AIGCLabel.parse(#"{"Label":"1","ContentProducer":"豆包","ProduceID":"b","ReservedCode1":"","ContentPropagator":"","PropagateID":"","ReservedCode2":""}"#).isValid)
        #expect(!AIGCLabel.parse("not json").isValid)
        #expect(!AIGCLabel.parse(#"{"Label":"1"}"#).isValid)
        #expect(AIGCLabel.sanitize("Example LLP 株式") == "ExampleLLP")
    }

    @Test("The generative-AI terms and the capture-or-human terms are terms of the vocabulary, and never both")
    func classesAreDisjointTermsOfTheVocabulary() {
        let all = Set(DigitalSourceType.allTerms.map(\.term))
        #expect(DigitalSourceType.generativeAITerms.isSubset(of: all))
        #expect(DigitalSourceType.captureOrHumanTerms.isSubset(of: all))
        #expect(DigitalSourceType.generativeAITerms.isDisjoint(with: DigitalSourceType.captureOrHumanTerms))
        // algorithmicMedia is neither: not generative AI, and not a capture or human work.
        let algorithmic = DigitalSourceType(parsing: "algorithmicMedia")
        #expect(algorithmic?.isGenerativeAI == false && algorithmic?.isCaptureOrHumanWork == false)
        #expect(DigitalSourceType(parsing: "https://cv.iptc.org/newscodes/digitalsourcetype/digitalCapture/")?.isCaptureOrHumanWork == true)
    }
}
