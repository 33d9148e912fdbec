import AILabelMedia
import AILabelVisible
import Testing

@Suite("Badge size, contrast and placement rules")
struct BadgeRuleTests {
    static let labeler: VisibleLabeler = try! VisibleLabeler()
    static let kazakhRussian: [BadgeText] = [.Examples.kazakh, .Examples.russian]

    struct Size: Sendable, CustomTestStringConvertible {
        var width: Int
        var height: Int
        var testDescription: String { "\(width)×\(height)" }
    }

    static let sizes: [Size] = [
        Size(width: 64, height: 48), Size(width: 48, height: 64), Size(width: 320, height: 240),
        Size(width: 240, height: 320), Size(width: 1920, height: 1080), Size(width: 1080, height: 1920),
        Size(width: 3000, height: 400), Size(width: 500, height: 2500), Size(width: 4000, height: 60),
    ]

    @Test("Kazakh + Russian badge fits, keeps the height rules and leaves other pixels alone", arguments: sizes)
    func rules(size: Size) throws {
        let image = TestImages.gradient(width: size.width, height: size.height)
        let (output, record) = try Self.labeler.apply(to: image, texts: Self.kazakhRussian)
        try Self.checkRules(image: image, output: output, record: record)
        #expect(record.languages.first == "kk", "Kazakh is never left out")
        if size.width >= 200, size.height >= 200 {
            #expect(record.languages == ["kk", "ru"])
            #expect(record.textHeightFraction >= 0.06 - 1e-9, "the preferred 6 % is kept when there is room")
        }
        TestImages.save(output, "rules-\(size.width)x\(size.height).png")
    }

    @Test("12 MP landscape and portrait", arguments: [Size(width: 4000, height: 3000), Size(width: 3000, height: 4000)])
    func twelveMegapixels(size: Size) throws {
        let image = TestImages.gradient(width: size.width, height: size.height)
        let (output, record) = try Self.labeler.apply(to: image, texts: Self.kazakhRussian + [.Examples.chinese])
        try Self.checkRules(image: image, output: output, record: record)
        #expect(record.languages == ["kk", "ru", "zh"])
        #expect(record.textHeight >= 180)
    }

    @Test("Chinese: ideograph ink height ≥ 5 % of the shorter side, at an edge or corner", arguments: BadgeStyle.Corner.allCases)
    func chinese(corner: BadgeStyle.Corner) throws {
        let image = TestImages.gradient(width: 800, height: 600)
        let (output, record) = try Self.labeler.apply(
            to: image, texts: [.Examples.chinese], style: BadgeStyle(corner: corner))
        try Self.checkRules(image: image, output: output, record: record)
        #expect(record.lines.count == 1)
        #expect(Double(record.lines[0].inkHeight) >= 0.05 * 600)
        // Measured on the pixels, not taken from the record: rows of the badge holding white text.
        var textRows: [Int] = []
        for y in record.region.y..<(record.region.y + record.region.height) {
            for x in record.region.x..<(record.region.x + record.region.width) {
                let offset = output.offset(x: x, y: y)
                if output.pixels[offset] == 255, output.pixels[offset + 1] == 255, output.pixels[offset + 2] == 255 {
                    textRows.append(y)
                    break
                }
            }
        }
        let measured = (textRows.max() ?? 0) - (textRows.min() ?? 0) + 1
        #expect(Double(measured) >= 0.05 * 600, "ideographs are \(measured) px tall")
        let margin = 12  // 2 % of 600
        let region = record.region
        switch corner {
        case .topLeft: #expect(region.x == margin && region.y == margin)
        case .topRight: #expect(region.x + region.width == 800 - margin && region.y == margin)
        case .bottomLeft: #expect(region.x == margin && region.y + region.height == 600 - margin)
        case .bottomRight: #expect(region.x + region.width == 800 - margin && region.y + region.height == 600 - margin)
        }
    }

    @Test("Tiny images: the first text stays, later ones are left out and recorded")
    func tinyImage() throws {
        let image = TestImages.gradient(width: 64, height: 48)
        let (_, record) = try Self.labeler.apply(to: image, texts: Self.kazakhRussian)
        #expect(record.languages == ["kk"])
        #expect(record.omittedLanguages == ["ru"])
        #expect(record.textHeight >= VisibleLabeler.minimumCapHeightPixels)
        let icon = try Self.labeler.apply(
            to: TestImages.gradient(width: 24, height: 16), texts: [], style: BadgeStyle(variant: .euIcon(.ai)))
        #expect(icon.1.lines.map(\.text) == ["AI"])
        #expect(throws: VisibleLabelError(.imageTooSmall, "")) {
            try Self.labeler.apply(to: TestImages.gradient(width: 20, height: 12), texts: [.Examples.kazakh])
        }
    }

    @Test("Contrast: a solid pair below 4.5:1 is refused; a translucent badge is made opaque enough")
    func contrast() throws {
        let grey = BadgeStyle(background: .solid(RGBColor(red: 120, green: 120, blue: 120)), textColor: .white)
        #expect(throws: VisibleLabelError(.insufficientContrast, "")) {
            try Self.labeler.apply(to: TestImages.gradient(width: 200, height: 200), texts: [.Examples.english], style: grey)
        }
        // White text on 30 % black over a white image cannot reach 4.5:1; the opacity goes up until it does.
        let white = RGBImage(width: 300, height: 200, channels: 3, fill: [255, 255, 255])
        let style = BadgeStyle(background: .translucent(.black, opacity: 0.3))
        let (output, record) = try Self.labeler.apply(to: white, texts: [.Examples.english], style: style)
        #expect(record.background.kind == "translucent")
        #expect(record.background.opacity > 0.3 && record.background.opacity < 1)
        #expect(record.contrastRatio >= 4.5)
        // Measure: every background pixel of the badge against the white text.
        let mask = Self.textMask(record: record)
        var worst = 21.0
        for y in 0..<record.region.height {
            for x in 0..<record.region.width where mask[y * record.region.width + x] == 0 {
                let offset = output.offset(x: record.region.x + x, y: record.region.y + y)
                let color = RGBColor(red: output.pixels[offset], green: output.pixels[offset + 1], blue: output.pixels[offset + 2])
                worst = min(worst, color.contrastRatio(with: .white))
            }
        }
        #expect(worst >= 4.5)
        // Over a dark image the asked-for opacity already suffices and is kept.
        let dark = RGBImage(width: 300, height: 200, channels: 3, fill: [20, 20, 30])
        let darkResult = try Self.labeler.apply(to: dark, texts: [.Examples.english], style: style)
        #expect(darkResult.1.background.opacity == 0.3)
    }

    @Test("Line breaks in a text start new lines; other whitespace collapses")
    func lineBreaks() throws {
        let image = TestImages.gradient(width: 800, height: 600)
        let (output, record) = try Self.labeler.apply(
            to: image, texts: [BadgeText(language: "kk", text: "  Дипфейк:\n\n жасанды   интеллект \r\n арқылы жасалған ")])
        try Self.checkRules(image: image, output: output, record: record)
        #expect(record.lines.map(\.text) == ["Дипфейк:", "жасанды интеллект", "арқылы жасалған"])
        #expect(record.texts.map(\.text) == ["Дипфейк:\nжасанды интеллект\nарқылы жасалған"])
    }

    @Test("Missing glyphs and empty text are refused")
    func refusals() {
        #expect(throws: VisibleLabelError(.missingGlyphs, "")) {
            try Self.labeler.apply(
                to: TestImages.gradient(width: 200, height: 200), texts: [BadgeText(language: "x", text: "AI \u{10000}")])
        }
        #expect(throws: VisibleLabelError(.noText, "")) {
            try Self.labeler.apply(to: TestImages.gradient(width: 200, height: 200), texts: [BadgeText(language: "en", text: "  ")])
        }
    }

    @Test("The tuple form and the EU icon variants")
    func variants() throws {
        let image = TestImages.gradient(width: 600, height: 400)
        for icon in BadgeStyle.EUIcon.allCases {
            let (output, record) = try Self.labeler.apply(
                to: image, texts: [(language: "en", text: "Deepfake")], style: BadgeStyle(variant: .euIcon(icon)))
            try Self.checkRules(image: image, output: output, record: record)
            #expect(record.variant == "eu-icon:\(icon.rawValue)")
            #expect(record.lines.first?.language == "eu-icon")
            #expect(record.lines.last?.text == "Deepfake")
            #expect(record.languages == ["en"])
        }
    }

    // MARK: Helpers

    /// The invariants every badge keeps.
    static func checkRules(image: RGBImage, output: RGBImage, record: BadgeRecord) throws {
        let region = record.region
        let shorter = min(image.width, image.height)
        #expect(output.width == image.width && output.height == image.height && output.channels == image.channels)
        #expect(region.isInside(width: image.width, height: image.height), "badge larger than the image")
        #expect(TestImages.changedOutside(image, output, region: (region.x, region.y, region.width, region.height)) == 0)
        // Text height: ≥ 5 % of the shorter side and never below the 5 px floor.
        #expect(record.meetsMinimumHeight)
        #expect(Double(record.textHeight) >= 0.05 * Double(shorter))
        #expect(record.textHeight >= VisibleLabeler.minimumCapHeightPixels)
        // The recorded cap height is what the font really draws at the recorded em size.
        #expect(labeler.fonts.capHeight(pixelSize: record.emPixels) == record.textHeight)
        // Legible at 320 px display width.
        #expect(record.textHeightAt320 >= Double(VisibleLabeler.legibleCapHeightAtDisplayWidth) || !record.omittedLanguages.isEmpty)
        // Contrast.
        #expect(record.contrastRatio >= 4.5)
        #expect(record.textColor.contrastRatio(with: record.background.color) >= 4.5)
        // Every line lies inside the badge.
        for line in record.lines {
            let bitmap = labeler.fonts.rasterize(text: line.text, pixelHeight: record.emPixels)
            #expect(bitmap.missing.isEmpty)
            let left = line.originX - bitmap.originX
            let top = line.baselineY - bitmap.baseline
            #expect(left >= region.x && left + bitmap.width <= region.x + region.width, "\(line.text)")
            #expect(top >= region.y && top + bitmap.height <= region.y + region.height, "\(line.text)")
        }
        // A solid badge's background pixels are exactly its colour, and opaque.
        if record.background.kind == "solid" {
            let mask = textMask(record: record)
            let color = record.background.color
            var wrong = 0
            for y in 0..<region.height {
                for x in 0..<region.width where mask[y * region.width + x] == 0 {
                    let offset = output.offset(x: region.x + x, y: region.y + y)
                    if output.pixels[offset] != color.red || output.pixels[offset + 1] != color.green
                        || output.pixels[offset + 2] != color.blue || (output.channels == 4 && output.pixels[offset + 3] != 255)
                    {
                        wrong += 1
                    }
                }
            }
            #expect(wrong == 0)
        }
    }

    /// The badge's text coverage over its region, re-rendered from the record.
    static func textMask(record: BadgeRecord) -> [UInt8] {
        let region = record.region
        var mask = [UInt8](repeating: 0, count: region.width * region.height)
        for line in record.lines {
            let bitmap = labeler.fonts.rasterize(text: line.text, pixelHeight: record.emPixels)
            let left = line.originX - bitmap.originX - region.x
            let top = line.baselineY - bitmap.baseline - region.y
            for row in 0..<bitmap.height {
                for column in 0..<bitmap.width where bitmap.coverage[row * bitmap.width + column] > 0 {
                    let x = left + column
                    let y = top + row
                    if x >= 0, y >= 0, x < region.width, y < region.height { mask[y * region.width + x] = 255 }
                }
            }
        }
        return mask
    }
}
