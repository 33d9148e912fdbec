import AILabelMedia
import AILabelVisible
import Foundation
import Testing

@Suite("Verifying that the badge is still there")
struct BadgeCheckTests {
    static let labeler: VisibleLabeler = try! VisibleLabeler()

    static func jpegRoundTrip(_ image: RGBImage, quality: Int) throws -> RGBImage {
        try PixelCodec.decode(try PixelCodec.encodeJPEG(image, quality: quality, subsampling: .s420))
    }

    @Test("Present as drawn, after JPEG q70 and q90, and after a JSON round trip of the record")
    func presentAfterReencoding() throws {
        let image = TestImages.gradient(width: 640, height: 480)
        let (output, record) = try Self.labeler.apply(to: image, texts: [.Examples.kazakh, .Examples.russian])
        let decoded = try JSONDecoder().decode(BadgeRecord.self, from: try JSONEncoder().encode(record))
        #expect(decoded == record)
        let fresh = Self.labeler.badgePresent(in: output, record: decoded)
        #expect(fresh.status == .present, "\(fresh)")
        #expect(fresh.score > 0.95)
        for quality in [70, 90] {
            let check = Self.labeler.badgePresent(in: try Self.jpegRoundTrip(output, quality: quality), record: record)
            #expect(check.status == .present, "q\(quality): \(check)")
        }
    }

    @Test("Small text and translucent badges over noise survive JPEG q70")
    func hardCasesSurviveJPEG() throws {
        let small = try Self.labeler.apply(to: TestImages.gradient(width: 160, height: 120), texts: [.Examples.kazakh, .Examples.chinese])
        let smallCheck = Self.labeler.badgePresent(in: try Self.jpegRoundTrip(small.0, quality: 70), record: small.1)
        #expect(smallCheck.isPresent, "\(smallCheck)")

        let style = BadgeStyle(background: .translucent(.black, opacity: 0.6))
        let noisy = try Self.labeler.apply(to: TestImages.noise(width: 640, height: 480), texts: [.Examples.russian], style: style)
        let noisyCheck = Self.labeler.badgePresent(in: try Self.jpegRoundTrip(noisy.0, quality: 70), record: noisy.1)
        #expect(noisyCheck.isPresent, "\(noisyCheck)")

        let dark = BadgeStyle(corner: .bottomLeft, background: .solid(.white), textColor: RGBColor(red: 20, green: 20, blue: 20))
        let darkText = try Self.labeler.apply(to: TestImages.noise(width: 500, height: 500), texts: [.Examples.english], style: dark)
        let darkCheck = Self.labeler.badgePresent(in: try Self.jpegRoundTrip(darkText.0, quality: 70), record: darkText.1)
        #expect(darkCheck.isPresent, "\(darkCheck)")
    }

    @Test("Verified with only the recorded fonts, in their order, as verify does")
    func recordedFontsReRender() throws {
        let (output, record) = try Self.labeler.apply(
            to: TestImages.gradient(width: 500, height: 400), texts: [.Examples.chinese, BadgeText(language: "en", text: "AI生成 AI-generated")])
        #expect(record.fonts.map(\.family) == ["Noto Sans", "Noto Sans CJK SC"], "\(record.fonts)")
        let verifier = try VisibleLabeler.forVerifying(record)
        #expect(verifier.fonts.files.map(\.path) == [
            "/usr/share/fonts/truetype/noto/NotoSans-Bold.ttf", "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc",
        ])
        let check = verifier.badgePresent(in: try Self.jpegRoundTrip(output, quality: 75), record: record)
        #expect(check.isPresent && check.score > 0.9, "\(check)")
    }

    @Test("Hostile records are refused without rendering or overflowing")
    func hostileRecords() throws {
        let (output, record) = try Self.labeler.apply(to: TestImages.gradient(width: 300, height: 200), texts: [.Examples.english])
        var overflow = record
        overflow.region.x = Int.max
        #expect(Self.labeler.badgePresent(in: output, record: overflow).status == .regionOutsideImage)
        var hugeEm = record
        hugeEm.emPixels = 1 << 40
        #expect(Self.labeler.badgePresent(in: output, record: hugeEm).status == .malformedRecord)
        var manyLines = record
        manyLines.lines = Array(repeating: record.lines[0], count: 10_000)
        #expect(Self.labeler.badgePresent(in: output, record: manyLines).status == .malformedRecord)
        var longLine = record
        longLine.lines[0].text = String(repeating: "W", count: 900)
        #expect(Self.labeler.badgePresent(in: output, record: longLine).status == .malformedRecord)
        var farAway = record
        farAway.lines[0].originX = Int.min
        #expect(Self.labeler.badgePresent(in: output, record: farAway).status == .malformedRecord)
        var noLines = record
        noLines.lines = []
        #expect(Self.labeler.badgePresent(in: output, record: noLines).status == .malformedRecord)
        #expect(Self.labeler.badgePresent(in: output, record: record).status == .present)
    }

    @Test("Cropped off: the declared region is no longer inside the image")
    func croppedOff() throws {
        let (output, record) = try Self.labeler.apply(to: TestImages.gradient(width: 400, height: 300), texts: [.Examples.english])
        // Keep the left 70 % of the image: the top-right badge goes.
        let keptWidth = 280
        var pixels: [UInt8] = []
        for y in 0..<output.height {
            let start = output.offset(x: 0, y: y)
            pixels += output.pixels[start..<(start + keptWidth * 3)]
        }
        let cropped = RGBImage(width: keptWidth, height: output.height, channels: 3, pixels: pixels)
        #expect(Self.labeler.badgePresent(in: cropped, record: record).status == .regionOutsideImage)
    }

    @Test("Painted over: a flat fill, one erased line, a noise patch, and an unlabelled image all fail")
    func paintedOver() throws {
        let image = TestImages.gradient(width: 640, height: 480)
        let (output, record) = try Self.labeler.apply(to: image, texts: [.Examples.kazakh, .Examples.russian])
        let region = record.region

        func painted(_ x0: Int, _ y0: Int, _ x1: Int, _ y1: Int, _ color: (Int, Int) -> [UInt8]) -> RGBImage {
            var copy = output
            for y in y0..<y1 {
                for x in x0..<x1 {
                    let offset = copy.offset(x: x, y: y)
                    let value = color(x, y)
                    for channel in 0..<3 { copy.pixels[offset + channel] = value[channel] }
                }
            }
            return copy
        }
        // 1. The whole badge filled with its own background colour: text gone.
        let flat = painted(region.x, region.y, region.x + region.width, region.y + region.height) { _, _ in [0, 0, 0] }
        #expect(Self.labeler.badgePresent(in: flat, record: record).status == .altered)
        // 2. Only the first line erased.
        let first = record.lines[0]
        let bitmap = Self.labeler.fonts.rasterize(text: first.text, pixelHeight: record.emPixels)
        let top = first.baselineY - bitmap.baseline
        let erased = painted(region.x, top, region.x + region.width, top + bitmap.height) { _, _ in [0, 0, 0] }
        let erasedCheck = Self.labeler.badgePresent(in: erased, record: record)
        #expect(erasedCheck.status == .altered, "\(erasedCheck)")
        // 3. Half of the badge replaced by noise.
        let noise = TestImages.noise(width: 640, height: 480)
        let patched = painted(region.x, region.y, region.x + region.width / 2, region.y + region.height) { x, y in
            let offset = noise.offset(x: x, y: y)
            return Array(noise.pixels[offset..<(offset + 3)])
        }
        #expect(Self.labeler.badgePresent(in: patched, record: record).status == .altered)
        // 3b. One word of the first line blotted out with the background colour.
        let word = painted(region.x + region.width - 60, top, region.x + region.width - 8, top + bitmap.height) { _, _ in [0, 0, 0] }
        let wordCheck = Self.labeler.badgePresent(in: word, record: record)
        #expect(wordCheck.status == .altered, "\(wordCheck)")
        // 4. The original, unlabelled pixels with the record attached.
        #expect(Self.labeler.badgePresent(in: image, record: record).status == .altered)
        // 5. The badge repainted in another colour with other text.
        let other = try Self.labeler.apply(
            to: image, texts: [BadgeText(language: "en", text: "Photo: Jane Doe, all rights reserved")],
            style: BadgeStyle(background: .solid(RGBColor(red: 0, green: 0, blue: 90))))
        #expect(Self.labeler.badgePresent(in: other.0, record: record).status == .altered)
        // Overpainting survives a JPEG round trip as "altered" too.
        #expect(Self.labeler.badgePresent(in: try Self.jpegRoundTrip(erased, quality: 90), record: record).status == .altered)
    }
}
