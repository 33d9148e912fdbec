import AILabelMedia
import AILabelTestSupport
import AILabelVisible
import Testing

@Suite("Grayscale, CMYK and alpha sources")
struct SourceImageTests {
    static let labeler: VisibleLabeler = try! VisibleLabeler()

    @Test("Grayscale and CMYK JPEGs arrive as RGB and take the badge", arguments: ["visible/gray.jpg", "visible/cmyk.jpg"])
    func decodedJPEG(path: String) throws {
        let image = try PixelCodec.decode(try Repository.fixtureBytes(path))
        #expect(image.channels == 3)
        let (output, record) = try Self.labeler.apply(to: image, texts: [.Examples.kazakh, .Examples.english])
        try BadgeRuleTests.checkRules(image: image, output: output, record: record)
        #expect(Self.labeler.badgePresent(in: output, record: record).isPresent)
        TestImages.save(output, "source-\(path.split(separator: "/").last!).png")
    }

    @Test("A grayscale JPEG made by PixelCodec gets a gray badge that survives a grayscale re-encode")
    func grayscaleFromCodec() throws {
        let jpeg = try PixelCodec.encodeJPEG(TestImages.gradient(width: 300, height: 200), quality: 85, grayscale: true)
        let image = try PixelCodec.decode(jpeg)
        let yellow = BadgeStyle(background: .solid(RGBColor(red: 255, green: 221, blue: 0)), textColor: RGBColor(red: 0, green: 0, blue: 160))
        let (output, record) = try Self.labeler.apply(to: image, texts: [.Examples.chinese], style: yellow)
        try BadgeRuleTests.checkRules(image: image, output: output, record: record)
        #expect(record.background.color == RGBColor(red: 206, green: 206, blue: 206))
        #expect(record.textColor == RGBColor(red: 18, green: 18, blue: 18))
        #expect(Self.labeler.badgePresent(in: output, record: record).isPresent)
        // Still gray, so a grayscale re-encode loses nothing.
        var colored = 0
        for offset in stride(from: 0, to: output.pixels.count, by: 3) {
            let pixel = output.pixels[offset..<(offset + 3)]
            if pixel.min() != pixel.max() { colored += 1 }
        }
        #expect(colored == 0)
        let reencoded = try PixelCodec.decode(try PixelCodec.encodeJPEG(output, quality: 80, grayscale: true))
        #expect(Self.labeler.badgePresent(in: reencoded, record: record).isPresent)
    }

    @Test("Labelers are shared between tasks")
    func concurrentApply() async throws {
        let labeler = Self.labeler
        let image = TestImages.gradient(width: 400, height: 300)
        let expected = try labeler.apply(to: image, texts: [.Examples.kazakh, .Examples.chinese])
        let same = try await withThrowingTaskGroup(of: Bool.self) { group in
            for _ in 0..<8 {
                group.addTask {
                    let result = try labeler.apply(to: image, texts: [.Examples.kazakh, .Examples.chinese])
                    return result.0 == expected.0 && result.1 == expected.1
                }
            }
            var all = true
            for try await value in group { all = all && value }
            return all
        }
        #expect(same)
        let verifier = try VisibleLabeler.forVerifying(expected.1)
        #expect(verifier.fonts.faces.map(RecordedFont.init) == expected.1.fonts, "the recorded fonts, found by family among the installed ones")
        #expect(expected.1.fonts.allSatisfy { !$0.family.isEmpty && $0.version != nil })
        var moved = expected.1
        moved.fonts = [RecordedFont(family: "Elsewhere Sans", style: "Bold", version: "1.000")]
        #expect(try VisibleLabeler.forVerifying(moved).badgePresent(in: expected.0, record: expected.1).isPresent)
    }

    @Test("Alpha: a solid badge is opaque inside its region only; a translucent one composites over the alpha")
    func alphaSource() throws {
        let image = try PixelCodec.decode(try Repository.fixtureBytes("visible/alpha.png"))
        #expect(image.channels == 4)
        let (solid, record) = try Self.labeler.apply(to: image, texts: [.Examples.english], style: BadgeStyle(corner: .topRight))
        try BadgeRuleTests.checkRules(image: image, output: solid, record: record)
        let region = record.region
        for y in region.y..<(region.y + region.height) {
            for x in region.x..<(region.x + region.width) where solid.pixels[solid.offset(x: x, y: y) + 3] != 255 {
                Issue.record("pixel \(x),\(y) of a solid badge is not opaque")
                return
            }
        }
        // The right edge of the source is mostly transparent (alpha 55): outside the badge it stays so.
        #expect(solid.pixels[solid.offset(x: image.width - 1, y: image.height - 1) + 3] == 55)

        let style = BadgeStyle(corner: .topRight, background: .translucent(.black, opacity: 0.7))
        let (translucent, record2) = try Self.labeler.apply(to: image, texts: [.Examples.english], style: style)
        #expect(record2.contrastRatio >= 4.5)
        #expect(TestImages.changedOutside(image, translucent, region: (record2.region.x, record2.region.y, record2.region.width, record2.region.height)) == 0)
        let corner = translucent.offset(x: record2.region.x + record2.region.width - 1, y: record2.region.y + record2.region.height - 1)
        let sourceAlpha = Double(image.pixels[corner + 3]) / 255
        let expected = record2.background.opacity + sourceAlpha * (1 - record2.background.opacity)
        #expect(abs(Double(translucent.pixels[corner + 3]) / 255 - expected) < 0.01)
        #expect(translucent.pixels[corner + 3] < 255)
        #expect(Self.labeler.badgePresent(in: translucent, record: record2).isPresent)
        TestImages.save(solid, "source-alpha-solid.png")
        TestImages.save(translucent, "source-alpha-translucent.png")
    }
}
