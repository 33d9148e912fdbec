import AILabelMedia
import AILabelVisible
import Testing

/// The multi-language layout rule (VisibleLabeler, size rule 3): a badge stays within a quarter of the
/// image where the size rules allow, languages stacked one line each; the legal size and every language
/// come before the area.
@Suite("Badge area: within a quarter of the image where the size rules allow")
struct BadgeAreaTests {
    static let labeler: VisibleLabeler = try! VisibleLabeler()
    /// The short badge texts `stamp --deepfake` draws in kk, ru and en (the demo's case in issue 21).
    static let deepfakeBadges = [
        BadgeText(language: "kk", text: "Дипфейк: ЖИ жасаған"), BadgeText(language: "ru", text: "Дипфейк: создано ИИ"),
        BadgeText(language: "en", text: "Deepfake: AI-generated"),
    ]
    static let generatedBadges = [
        BadgeText(language: "kk", text: "ЖИ арқылы жасалған"), BadgeText(language: "ru", text: "Создано ИИ"), BadgeText(language: "en", text: "AI-generated"),
    ]

    struct Case: Sendable, CustomTestStringConvertible {
        var width: Int
        var height: Int
        var deepfake: Bool
        var testDescription: String { "\(width)×\(height)\(deepfake ? " deepfake" : "")" }
    }

    static let cases: [Case] = [480, 640, 1080, 1920, 4000].flatMap { side in
        [Case(width: side * 3 / 4, height: side, deepfake: true), Case(width: side, height: side * 3 / 4, deepfake: true),
         Case(width: side * 3 / 4, height: side, deepfake: false), Case(width: side, height: side * 3 / 4, deepfake: false)]
    }

    @Test("kk, ru and en badges: one line per language, within a quarter of the image, at least 5 % high", arguments: cases)
    func quarter(testCase: Case) throws {
        let image = TestImages.gradient(width: testCase.width, height: testCase.height)
        let texts = testCase.deepfake ? Self.deepfakeBadges : Self.generatedBadges
        let (output, record) = try Self.labeler.apply(to: image, texts: texts)
        let area = Double(record.region.width * record.region.height) / Double(image.width * image.height)
        #expect(area <= VisibleLabeler.maximumAreaFraction, "the badge covers \(area) of the image")
        #expect(record.languages == ["kk", "ru", "en"], "every language kept")
        #expect(record.lines.map(\.text) == texts.map(\.text), "one line per language: \(record.lines.map(\.text))")
        #expect(record.meetsMinimumHeight && record.textHeightFraction >= 0.05 - 1e-9)
        #expect(record.region.width <= image.width && record.region.height <= image.height)
        TestImages.save(output, "area-\(testCase.width)x\(testCase.height)\(testCase.deepfake ? "-deepfake" : "").png")
    }

    @Test("The issue's portrait: 480×640 deepfake badge no longer wraps each phrase nor covers a third of the height")
    func issuePortrait() throws {
        let image = TestImages.gradient(width: 480, height: 640)
        let (_, record) = try Self.labeler.apply(to: image, texts: Self.deepfakeBadges)
        #expect(record.lines.count == 3)
        #expect(Double(record.region.height) < 640.0 / 3)
        #expect(Double(record.region.width * record.region.height) <= 0.25 * 480 * 640)
    }

    @Test("Where no allowed size fits a quarter, the size rules and the languages win over the area")
    func sizeRulesFirst() throws {
        // A thin strip: 5 % of the shorter side is tiny, but 8 px at 320 px wide (rule 1) makes the text
        // tall relative to the strip, so three languages cannot stay within a quarter of it.
        let image = TestImages.gradient(width: 1600, height: 120)
        let (_, record) = try Self.labeler.apply(to: image, texts: Self.generatedBadges)
        #expect(record.textHeight >= 40, "8 px at 320 px wide: \(record.textHeight)")
        #expect(Double(record.region.width * record.region.height) > 0.25 * 1600 * 120, "the quarter is given up, not the size")
        #expect(record.languages.first == "kk")
    }
}
