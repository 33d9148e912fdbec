import AILabelMedia
import AILabelTestSupport
import Testing

@testable import AILabelWatermark

@Suite("Stable Diffusion invisible-watermark detector")
struct StableDiffusionDetectorTests {
    let detector = StableDiffusionWatermarkDetector()

    /// Fixtures made by the pip package invisible-watermark (Fixtures/watermark/make_fixtures.py).
    static let marked: [(file: String, payload: String, inverted: Bool)] = [
        ("sd1-bgr-uint8.png", "StableDiffusionV1", false),
        ("sd2-bgr-uint8.png", "SDV2", false),
        ("sd2-inverted-bgr-uint8.png", "SDV2", true),
        ("sdxl-bgr-float.png", "SDXL", false),
        ("sdxl-rgb-float.png", "SDXL", false),
        ("sdxl-bgr-uint8.png", "SDXL", false),
    ]

    @Test("finds each payload variant marked by invisible-watermark", arguments: marked)
    func findsMarks(_ fixture: (file: String, payload: String, inverted: Bool)) throws {
        let image = try PixelCodec.decode(try Repository.fixtureBytes("watermark/\(fixture.file)"))
        let match = try #require(detector.detect(in: image))
        #expect(match.payload.name == fixture.payload)
        #expect(match.isInverted == fixture.inverted)
        #expect(match.matchingBits >= detector.threshold(bitCount: match.payload.bitCount))
    }

    @Test("the variant read matches how the fixture was made")
    func variants() throws {
        let rgbFloat = try PixelCodec.decode(try Repository.fixtureBytes("watermark/sdxl-rgb-float.png"))
        #expect(detector.detect(in: rgbFloat)?.variant.swappedChannels == true)
        let bgrUint8 = try PixelCodec.decode(try Repository.fixtureBytes("watermark/sd1-bgr-uint8.png"))
        #expect(detector.detect(in: bgrUint8)?.variant == .init(swappedChannels: false, floatInput: false))
    }

    @Test("binomial thresholds keep the union of all 24 tests at or below 1e-4 per image")
    func thresholds() {
        let rate = detector.falseAlarmRate / 24
        var total = 0.0
        for payload in StableDiffusionWatermarkPayload.all {
            let k = detector.threshold(bitCount: payload.bitCount)
            #expect(Binomial.upperTail(k, of: payload.bitCount) <= rate)
            #expect(Binomial.upperTail(k - 1, of: payload.bitCount) > rate)
            total += 8 * Binomial.upperTail(k, of: payload.bitCount)  // 4 variants × 2 polarities
        }
        #expect(total <= 1e-4)
        #expect(detector.threshold(bitCount: 136) == 95)
        #expect(detector.threshold(bitCount: 48) == 40)
        #expect(detector.threshold(bitCount: 32) == 29)
    }

    @Test("no false alarm on the clean fixture, 200 clean photo-like images, or ailabel-marked images")
    func noFalseAlarms() throws {
        let clean = try PixelCodec.decode(try Repository.fixtureBytes("watermark/clean-256.png"))
        #expect(detector.detect(in: clean) == nil)
        var alarms: [String] = []
        for seed in 0..<200 {
            let image = PhotoLike.image(seed: UInt64(5000 + seed), width: 256, height: 256 + 32 * (seed % 3))
            if let match = detector.detect(in: image) { alarms.append("seed \(seed): \(match)") }
        }
        let marked = AILabelWatermarker().embed(WatermarkPayload(7), into: PhotoLike.image(seed: 77, width: 512, height: 512))
        if let match = detector.detect(in: marked) { alarms.append("ailabel mark: \(match)") }
        #expect(alarms.isEmpty, "\(alarms)")
    }

    @Test("flat images read as all-zero bits and are rejected")
    func flatImages() {
        for grey: UInt8 in [0, 128, 255] {
            #expect(detector.detect(in: RGBImage(width: 256, height: 256, channels: 3, fill: [grey, grey, grey])) == nil)
        }
        #expect(detector.detect(in: RGBImage(width: 300, height: 300, channels: 3, fill: [200, 30, 90])) == nil)
    }

    @Test("the one-pass votes equal the chroma planes' votes, variant by variant, value for value")
    func onePassVotesEqualPlanes() {
        var images = (0..<6).map { PhotoLike.image(seed: UInt64(900 + $0), width: 256 + 12 * $0, height: 258 + 5 * $0) }
        // Saturated and RGBA images exercise the clamping and the channel stride.
        images.append(RGBImage(width: 260, height: 262, channels: 3, fill: [255, 0, 255]))
        let base = PhotoLike.image(seed: 5, width: 264, height: 256)
        var rgba = [UInt8]()
        for index in 0..<(base.width * base.height) { rgba += [base.pixels[index * 3], base.pixels[index * 3 + 1], base.pixels[index * 3 + 2], 77] }
        images.append(RGBImage(width: base.width, height: base.height, channels: 4, pixels: rgba))
        for (number, image) in images.enumerated() {
            let fast = StableDiffusionWatermarkDetector.allVotes(image)
            for (index, variant) in StableDiffusionWatermarkDetector.variants.enumerated() {
                let plane = StableDiffusionWatermarkDetector.chroma(image, swappedChannels: variant.swappedChannels)
                #expect(fast[index] == StableDiffusionWatermarkDetector.blockVotes(plane, floatInput: variant.floatInput), "image \(number), \(variant)")
            }
        }
    }
}
