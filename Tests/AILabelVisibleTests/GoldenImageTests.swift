import AILabelMedia
import AILabelTestSupport
import AILabelVisible
import Foundation
import Testing

/// Rendered badges compared with committed PNGs in Fixtures/visible/golden/.
///
/// Regenerate after an intended change with `AILABEL_REGENERATE_GOLDEN=1 swift test --filter GoldenImageTests`,
/// then look at the new PNGs before committing them.
@Suite("Golden images")
struct GoldenImageTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var width: Int
        var height: Int
        var channels: Int = 3
        var texts: [BadgeText]
        var style: BadgeStyle
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(name: "kk-ru-320x240", width: 320, height: 240, texts: [.Examples.kazakh, .Examples.russian], style: .default),
        Case(name: "kk-ru-deepfake-portrait-180x240", width: 180, height: 240,
             texts: [.Examples.kazakhDeepfake, .Examples.russianDeepfake], style: BadgeStyle(corner: .bottomLeft)),
        Case(name: "zh-bottom-right-240x160", width: 240, height: 160, texts: [.Examples.chinese],
             style: BadgeStyle(corner: .bottomRight)),
        Case(name: "eu-ai-generated-translucent-240x160", width: 240, height: 160, texts: [],
             style: BadgeStyle(background: .translucent(.black, opacity: 0.6), variant: .euIcon(.aiGenerated))),
        Case(name: "en-dark-on-light-rgba-200x150", width: 200, height: 150, channels: 4, texts: [.Examples.englishDeepfake],
             style: BadgeStyle(corner: .topLeft, background: .solid(RGBColor(red: 255, green: 221, blue: 0)), textColor: .black)),
        Case(name: "kk-64x48", width: 64, height: 48, texts: [.Examples.kazakh, .Examples.russian], style: .default),
    ]

    @Test("Rendered badge matches the golden PNG", arguments: cases)
    func matchesGolden(testCase: Case) throws {
        let labeler = try VisibleLabeler()
        let image = TestImages.gradient(width: testCase.width, height: testCase.height, channels: testCase.channels)
        let (output, _) = try labeler.apply(to: image, texts: testCase.texts, style: testCase.style)
        let url = Repository.fixture("visible/golden/\(testCase.name).png")
        if ProcessInfo.processInfo.environment["AILABEL_REGENERATE_GOLDEN"] == "1" {
            try Data(try PixelCodec.encodePNG(output)).write(to: url)
            return
        }
        let golden = try PixelCodec.decode(try Repository.fixtureBytes("visible/golden/\(testCase.name).png"))
        #expect(golden.width == output.width && golden.height == output.height && golden.channels == output.channels)
        guard golden.pixels.count == output.pixels.count else { return }
        // Tolerance for other FreeType versions and hinting: a few edge pixels may differ, not the text.
        var total = 0
        var large = 0
        for index in 0..<golden.pixels.count {
            let difference = abs(Int(golden.pixels[index]) - Int(output.pixels[index]))
            total += difference
            if difference > 64 { large += 1 }
        }
        let mean = Double(total) / Double(golden.pixels.count)
        #expect(mean <= 1.5, "mean difference \(mean)")
        #expect(Double(large) <= 0.01 * Double(golden.pixels.count), "\(large) samples differ by more than 64")
        TestImages.save(output, "golden-\(testCase.name).png")
    }
}
