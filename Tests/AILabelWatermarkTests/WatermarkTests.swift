import AILabelMedia
import AILabelTestSupport
import Testing

@testable import AILabelWatermark

@Suite("ailabel watermark")
struct WatermarkTests {
    let watermarker = AILabelWatermarker()
    let payload = WatermarkPayload(labelID: "urn:ailabel:label:2026-11-22:test-0001")

    @Test("embed then detect returns the payload, at 42 dB or better, changing luma only")
    func roundTrip() throws {
        let original = PhotoLike.image(seed: 1, width: 512, height: 384, channels: 4)
        let marked = watermarker.embed(payload, into: original)
        #expect(Edits.psnr(original, marked) >= 42)
        // Alpha untouched; R, G and B moved by the same delta wherever nothing clipped.
        var equalDeltas = 0, unclipped = 0
        for index in stride(from: 0, to: original.pixels.count, by: 4) {
            #expect(marked.pixels[index + 3] == original.pixels[index + 3])
            let deltas = (0..<3).map { Int(marked.pixels[index + $0]) - Int(original.pixels[index + $0]) }
            let values = (0..<3).map { original.pixels[index + $0] }
            if values.allSatisfy({ $0 > 12 && $0 < 243 }) {
                unclipped += 1
                if deltas.max()! - deltas.min()! <= 1 { equalDeltas += 1 }
            }
        }
        #expect(equalDeltas == unclipped)
        let detection = try #require(watermarker.detect(in: marked))
        #expect(detection.payload == payload)
        #expect(detection.period == 128)
        #expect(detection.syncScore > 8)
    }

    @Test("survives JPEG quality 75 with 4:2:0 chroma")
    func survivesJPEG75() throws {
        let marked = watermarker.embed(payload, into: PhotoLike.image(seed: 2, width: 640, height: 480))
        let jpeg = try PixelCodec.encodeJPEG(marked, quality: 75, subsampling: .s420)
        let decoded = try PixelCodec.decode(jpeg)
        #expect(watermarker.detect(in: decoded)?.payload == payload)
    }

    @Test("survives a crop of 10% from each side")
    func survivesCrop() throws {
        let marked = watermarker.embed(payload, into: PhotoLike.image(seed: 3, width: 640, height: 480))
        let cropped = Edits.cropEachSide(marked, fraction: 0.1)
        let detection = try #require(watermarker.detect(in: cropped))
        #expect(detection.payload == payload)
    }

    @Test("survives a crop of 10% followed by JPEG quality 75, through PNG and JPEG files")
    func survivesCropThenJPEG() throws {
        let marked = watermarker.embed(payload, into: PhotoLike.image(seed: 4, width: 600, height: 600))
        let png = try PixelCodec.decode(try PixelCodec.encodePNG(marked))
        let cropped = Edits.cropEachSide(png, fraction: 0.1)
        let decoded = try PixelCodec.decode(try PixelCodec.encodeJPEG(cropped, quality: 75, subsampling: .s420))
        #expect(watermarker.detect(in: decoded)?.payload == payload)
    }

    @Test("survives a rescale to 0.75× (the period search)")
    func survivesRescale() throws {
        let marked = watermarker.embed(payload, into: PhotoLike.image(seed: 5, width: 640, height: 640))
        let small = Edits.resize(marked, factor: 0.75)
        let detection = try #require(watermarker.detect(in: small))
        #expect(detection.payload == payload)
        #expect(abs(detection.period - 96) < 1.5)
    }

    @Test("survives the 0.44× of 1080p scaled to 480p (a period of 57, under the 60 the search once stopped at)")
    func survivesDownscaleTo480p() throws {
        let marked = watermarker.embed(payload, into: PhotoLike.image(seed: 7, width: 1280, height: 720))
        let small = Edits.resize(marked, factor: 480.0 / 1080.0)
        let detection = try #require(watermarker.detect(in: small))
        #expect(detection.payload == payload)
        #expect(abs(detection.period - 128 * 480.0 / 1080.0) < 1.5)
    }

    @Test("the tile evaluated sample by sample at 128 is the inverse transform's tile")
    func evaluatedTileMatchesTransform() {
        let codeword = watermarker.codeword(for: payload.value)
        let transformed = watermarker.layout.tile(codedBits: codeword)
        let evaluated = watermarker.layout.evaluatedTile(codedBits: codeword, period: 128)
        let largest = zip(transformed, evaluated).map { abs($0 - $1) }.max() ?? 1
        #expect(largest < 1e-3, "largest difference \(largest)")
    }

    @Test("video's larger tile (240 on 1080 lines) is found as drawn and after the 0.44× of a scale to 480 lines")
    func largerVideoTileSurvivesDownscale() throws {
        let period = VideoWatermark.period(width: 1920, height: 1080)
        #expect(period == 240 && VideoWatermark.period(width: 1280, height: 720) == 128 && VideoWatermark.period(width: 3840, height: 2160) == 240)
        #expect(VideoWatermark.period(width: 1920, height: 900) == 184 && VideoWatermark.period(width: 640, height: 360) == 128)
        let mark = VideoWatermark(watermarker: watermarker, payload: payload, period: period)
        var image = PhotoLike.image(seed: 8, width: 1440, height: 810)
        // The luma delta on R, G and B alike, as the frame's luma plane gets it.
        for y in 0..<image.height {
            for x in 0..<image.width {
                let delta = Int(mark.deltas[(y % period) * period + x % period])
                let offset = image.offset(x: x, y: y)
                for channel in 0..<3 { image.pixels[offset + channel] = UInt8(min(max(Int(image.pixels[offset + channel]) + delta, 0), 255)) }
            }
        }
        let native = try #require(watermarker.detect(in: image))
        #expect(native.payload == payload && abs(native.period - 240) < 1.5)
        let small = try #require(watermarker.detect(in: Edits.resize(image, factor: 480.0 / 1080.0)))
        #expect(small.payload == payload && abs(small.period - 240 * 480.0 / 1080.0) < 1.5)
    }

    @Test("a keyed mark is invisible to keyless readers and to readers with another key")
    func keyedMarkNeedsItsKey() throws {
        let keyed = AILabelWatermarker(key: Array("publisher secret 1".utf8))
        let marked = keyed.embed(payload, into: PhotoLike.image(seed: 6, width: 512, height: 512))
        #expect(watermarker.detect(in: marked) == nil)
        #expect(AILabelWatermarker(key: Array("publisher secret 2".utf8)).detect(in: marked) == nil)
        #expect(keyed.detect(in: marked)?.payload == payload)
        // And the keyless mark is invisible to the keyed reader.
        let public_ = watermarker.embed(payload, into: PhotoLike.image(seed: 6, width: 512, height: 512))
        #expect(keyed.detect(in: public_) == nil)
    }

    @Test("the payload of a label ID is stable")
    func payloadFromLabelID() {
        let a = WatermarkPayload(labelID: "urn:ailabel:label:example")
        #expect(a == WatermarkPayload(labelID: "urn:ailabel:label:example"))
        #expect(a != WatermarkPayload(labelID: "urn:ailabel:label:example2"))
        #expect(a.hex.count == 16)
    }

    @Test("the convolutional code corrects scattered errors and the CRC rejects a wrong payload")
    func codingCorrectsErrors() {
        let codeword = watermarker.codeword(for: 0x0123_4567_89AB_CDEF)
        #expect(codeword.count == 188)
        var soft = codeword.map { $0 == 0 ? Float(1) : Float(-1) }
        for index in stride(from: 3, to: soft.count, by: 11) { soft[index] = -soft[index] * 0.8 }  // 17 flips
        var message = ConvolutionalCode.decode(soft: soft, messageBits: 88)
        for index in message.indices { message[index] ^= watermarker.layout.whitening[index] }
        var value: UInt64 = 0
        for bit in 0..<64 { value = (value << 1) | UInt64(message[bit]) }
        #expect(value == 0x0123_4567_89AB_CDEF)
        #expect(CRC24.checksum(0) != 0)
        #expect(CRC24.checksum(1) != CRC24.checksum(2))
    }

    @Test("the FFT inverts itself")
    func fftRoundTrip() {
        let fft = FFT2D(size: 16)
        let original = (0..<256).map { Float(($0 * 37) % 11) - 5 }
        var real = original, imag = [Float](repeating: 0, count: 256)
        fft.transform(real: &real, imag: &imag, inverse: false)
        #expect(abs(real[0] - original.reduce(0, +)) < 1e-3)
        fft.transform(real: &real, imag: &imag, inverse: true)
        for index in 0..<256 { #expect(abs(real[index] / 256 - original[index]) < 1e-3) }
    }

    /// Debug builds are slow, so the unit test looks at 64 images; `Benchmarks/watermark/run` checks
    /// hundreds more in release mode.
    @Test("no mark is found in clean photo-like images")
    func noFalseAlarms() {
        var found = 0
        var highest = 0.0
        for seed in 0..<64 {
            let (width, height) = (256, 256)
            let analysis = watermarker.analyze(PhotoLike.image(seed: UInt64(1000 + seed), width: width, height: height))
            if analysis.detection != nil { found += 1 }
            highest = max(highest, analysis.bestSyncScore)
        }
        #expect(found == 0)
        #expect(highest < 7, "highest sync z-score on clean images: \(highest)")
    }

    @Test("degenerate shapes (1×1, 1 pixel high or wide, long strips) neither crash nor report a mark")
    func rejectsDegenerateShapes() {
        for (width, height) in [(1, 1), (300, 1), (1, 300), (2, 2000), (2000, 63), (64, 700)] {
            let image = RGBImage(width: width, height: height, channels: 3, fill: [90, 120, 150])
            let marked = watermarker.embed(payload, into: image)
            #expect(watermarker.detect(in: image) == nil)
            _ = watermarker.detect(in: marked)
            #expect(StableDiffusionWatermarkDetector().detect(in: image) == nil)
        }
    }

    @Test("tiny images are handled without a mark or a crash")
    func tinyImages() {
        let tiny = PhotoLike.image(seed: 9, width: 17, height: 9)
        #expect(watermarker.detect(in: tiny) == nil)
        let marked = watermarker.embed(payload, into: tiny)
        #expect(marked.width == 17)
    }
}
