import AILabelMedia
import AILabelVisible
import Testing

@Suite("FreeType font stack")
struct FontStackTests {
    static let stack: FontStack = try! FontStack.installedDefaults()

    @Test("Every Kazakh letter renders from Noto Sans, none is missing")
    func kazakhLettersRender() {
        let letters = "ӘҒҚҢӨҰҮҺІәғқңөұүһі"
        for letter in letters.unicodeScalars {
            let bitmap = Self.stack.rasterize(text: String(letter), pixelHeight: 32)
            #expect(bitmap.missing.isEmpty, "missing \(letter)")
            #expect(bitmap.width > 0 && bitmap.height > 0, "\(letter) drew no ink")
            #expect(bitmap.coverage.contains { $0 == 255 }, "\(letter) has no solid ink")
            #expect(bitmap.fontsUsed.map(\.path) == ["/usr/share/fonts/truetype/noto/NotoSans-Bold.ttf"])
        }
        // Distinct glyphs, not one fallback shape: Қ must differ from К, Ү from У.
        #expect(Self.stack.rasterize(text: "Қ", pixelHeight: 32) != Self.stack.rasterize(text: "К", pixelHeight: 32))
        #expect(Self.stack.rasterize(text: "Ү", pixelHeight: 32) != Self.stack.rasterize(text: "У", pixelHeight: 32))
    }

    @Test("The example texts need no missing glyph; Chinese falls back to Noto Sans CJK SC")
    func exampleTextsCovered() {
        let examples: [BadgeText] = [
            .Examples.kazakh, .Examples.russian, .Examples.english, .Examples.chinese, .Examples.kazakhDeepfake,
            .Examples.russianDeepfake, .Examples.englishDeepfake,
        ]
        for example in examples {
            #expect(Self.stack.missingScalars(in: example.text).isEmpty, "\(example.language)")
        }
        let chinese = Self.stack.rasterize(text: "人工智能生成", pixelHeight: 40)
        #expect(chinese.fontsUsed == [FontFile(path: "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc", faceIndex: 2)])
        let mixed = Self.stack.rasterize(text: "AI生成", pixelHeight: 40)
        #expect(mixed.fontsUsed.count == 2)
    }

    @Test("A character no font has is reported and not drawn as a box")
    func missingGlyphIsReportedNotDrawn() {
        let linearB: Unicode.Scalar = "\u{10000}"
        let with = Self.stack.rasterize(text: "AI\(linearB)AI", pixelHeight: 24)
        let without = Self.stack.rasterize(text: "AIAI", pixelHeight: 24)
        #expect(with.missing == [linearB])
        #expect(with.coverage == without.coverage)
        #expect(Self.stack.missingScalars(in: "ok \(linearB)") == [linearB])
    }

    @Test("Metrics: cap height grows with the em size; ink sits on the baseline")
    func metrics() {
        let small = Self.stack.capHeight(pixelSize: 20)
        let large = Self.stack.capHeight(pixelSize: 200)
        #expect(small >= 13 && small <= 16)
        #expect(large >= 140 && large <= 146)  // Noto Sans cap height is 0.714 em
        let bitmap = Self.stack.rasterize(text: "Hg", pixelHeight: 100)
        #expect(bitmap.ascent >= 70 && bitmap.ascent <= 73)
        #expect(bitmap.descent > 15)  // the g descends
        #expect(bitmap.advance > bitmap.width - bitmap.originX - 10)
    }

    @Test("One stack rasterises from many tasks at once with identical results")
    func concurrentUse() async {
        let stack = Self.stack
        let expected = stack.rasterize(text: "Жасанды интеллект 人工智能", pixelHeight: 30)
        let results = await withTaskGroup(of: GlyphBitmap.self) { group in
            for _ in 0..<16 {
                group.addTask { stack.rasterize(text: "Жасанды интеллект 人工智能", pixelHeight: 30) }
            }
            var all: [GlyphBitmap] = []
            for await result in group { all.append(result) }
            return all
        }
        #expect(results.count == 16)
        #expect(results.allSatisfy { $0 == expected })
    }

    @Test("Users pass their own font files; bad paths and face indexes throw")
    func userFonts() throws {
        let dejavu = try FontStack(files: [FontFile(path: "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")])
        #expect(dejavu.faces[0].familyName == "DejaVu Sans")
        #expect(dejavu.rasterize(text: "Қазақ", pixelHeight: 20).missing.isEmpty)
        #expect(dejavu.missingScalars(in: "人") == ["人"])
        #expect(throws: MediaError.make(.io, "")) { try FontFace(path: "/nonexistent/font.ttf") }
        #expect(throws: MediaError.make(.invalidArgument, "")) {
            try FontFace(path: "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", faceIndex: 7)
        }
        let cjk = try FontFace(path: "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc", faceIndex: 2)
        #expect(cjk.familyName == "Noto Sans CJK SC")
    }
}
