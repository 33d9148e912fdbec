import AILabelMedia
import AILabelVisible
import Testing

@Suite("Badge properties over many sizes")
struct BadgePropertyTests {
    /// Sizes from 1×1 to 400×400 and extreme aspect ratios, texts and styles drawn from a seeded stream: `apply` either
    /// throws `imageTooSmall` or draws a badge inside the image, leaving every other pixel alone, and `badgePresent`
    /// finds it.
    @Test("apply never traps and keeps its invariants")
    func randomSizes() throws {
        let labeler = BadgeRuleTests.labeler
        var random = SeededRandom(state: 0x5EED_0006)
        let textChoices: [[BadgeText]] = [
            [.Examples.kazakh, .Examples.russian], [.Examples.chinese], [.Examples.englishDeepfake],
            [.Examples.kazakhDeepfake, .Examples.russianDeepfake, .Examples.english, .Examples.chinese],
            [BadgeText(language: "zh", text: "本内容由人工智能生成，请注意甄别。")], [],
        ]
        var drawn = 0
        var tooSmall = 0
        for _ in 0..<150 {
            let width = random.next(5) == 0 ? 1 + random.next(8) : 1 + random.next(400)
            let height = random.next(5) == 0 ? 1 + random.next(8) : 1 + random.next(400)
            var texts = textChoices[random.next(textChoices.count)]
            var style = BadgeStyle(corner: BadgeStyle.Corner.allCases[random.next(4)])
            if texts.isEmpty || random.next(4) == 0 { style.variant = .euIcon(BadgeStyle.EUIcon.allCases[random.next(3)]) }
            if random.next(3) == 0 { style.background = .translucent(.black, opacity: 0.5) }
            if random.next(4) == 0 { style.margin = .pixels(random.next(6)) }
            let image = TestImages.gradient(width: width, height: height, channels: random.next(3) == 0 ? 4 : 3)
            if case .text = style.variant, texts.isEmpty { texts = [.Examples.english] }
            do {
                let (output, record) = try labeler.apply(to: image, texts: texts, style: style)
                drawn += 1
                let region = record.region
                #expect(region.isInside(width: width, height: height), "\(width)×\(height)")
                #expect(TestImages.changedOutside(image, output, region: (region.x, region.y, region.width, region.height)) == 0)
                #expect(record.textHeight >= VisibleLabeler.minimumCapHeightPixels)
                #expect(record.contrastRatio >= 4.5)
                let check = labeler.badgePresent(in: output, record: record)
                #expect(check.isPresent, "\(width)×\(height) \(record): \(check)")
            } catch {
                #expect(error.code == .imageTooSmall, "\(width)×\(height): \(error)")
                #expect(min(width, height) < 64, "\(width)×\(height) should hold a badge: \(error)")
                tooSmall += 1
            }
        }
        #expect(drawn > 80)
        #expect(tooSmall > 5)
    }
}

/// A linear congruential stream, so the sizes are the same on every run.
struct SeededRandom {
    var state: UInt64

    mutating func next(_ bound: Int) -> Int {
        state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        return Int((state >> 33) % UInt64(bound))
    }
}
