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

    @Test("A grayscale JPEG made by PixelCodec")
    func grayscaleFromCodec() throws {
        let jpeg = try PixelCodec.encodeJPEG(TestImages.gradient(width: 300, height: 200), quality: 85, grayscale: true)
        let image = try PixelCodec.decode(jpeg)
        let (output, record) = try Self.labeler.apply(to: image, texts: [.Examples.chinese])
        try BadgeRuleTests.checkRules(image: image, output: output, record: record)
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
