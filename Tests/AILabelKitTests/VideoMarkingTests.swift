@testable import AILabelKit
import AILabelMedia
import AILabelTestSupport
import AILabelVisible
import AILabelVocabulary
import AILabelWatermark
import Foundation
import Testing

/// The badge and the watermark in the frames of the tiny clips of Fixtures/video (10 frames, 320×240).
@Suite("Video marks")
struct VideoMarkingTests {
    static func fixture(_ name: String) -> String { Repository.fixture("video/" + name).path }

    static func label() -> DisclosureLabel {
        var label = DisclosureLabel(contentID: "video-marking-test", created: "2026-01-18T09:00:00Z")
        label.texts = DisclosureTexts.texts(kind: DisclosureTexts.kind(for: label), languages: ["kk", "ru", "en"]).texts
        return label
    }

    /// Marks `name` into a temporary folder; returns the output path, the label as recorded, and the outcome.
    static func mark(_ name: String, span: VisibleSpan = .full, watermark: Bool = true) throws
        -> (String, DisclosureLabel, VideoMarking.Outcome, URL)
    {
        let folder = try Repository.temporaryDirectory("video-marking")
        let output = folder.appendingPathComponent(name).path
        var markers: [any PixelMarker] = [try VisibleMarker()]
        if watermark { markers.append(WatermarkMarker()) }
        var label = label()
        let outcome = try VideoMarking(markers: markers, span: span, settings: .init()).mark(
            input: .path(fixture(name)), output: output, label: &label)
        return (output, label, outcome, folder)
    }

    /// Every frame of `path` as the viewer sees it.
    static func displayFrames(_ path: String) throws -> [(seconds: Double, image: RGBImage)] {
        let info = try VideoCodec.probe(path: path)
        let rotation = VideoRotation(displayMatrixRotation: info.rotation, storedWidth: info.width, storedHeight: info.height)
        let color = VideoColor(colorSpace: info.colorSpace, height: info.height, isFullRange: false)
        var frames: [(Double, RGBImage)] = []
        try VideoCodec.decode(path: path) { frame in
            frames.append((frame.seconds, frame.displayImage(color: color, rotation: rotation)))
            return true
        }
        return frames
    }

    static func record(_ label: DisclosureLabel) throws -> BadgeRecord {
        let json = try #require(label.visibleLabel?.recordJSON)
        return try JSONDecoder().decode(BadgeRecord.self, from: Data(json.utf8))
    }

    @Test("The badge is on every frame, recorded with its span; the rest of the picture keeps matched quality")
    func badgeOnEveryFrame() throws {
        let (output, label, outcome, folder) = try Self.mark("h264-aac-subtitle.mp4")
        defer { try? FileManager.default.removeItem(at: folder) }
        #expect(outcome.applied == ["visible", "watermark"])
        #expect(label.watermarked)
        let visible = try #require(label.visibleLabel)
        #expect(visible.timeSpan == VisibleTimeSpan(start: 0, end: 1))
        let record = try Self.record(label)
        #expect(record.meetsMinimumHeight && record.textHeightFraction >= 0.05)
        let labeler = try VisibleLabeler.forVerifying(record)
        let marked = try Self.displayFrames(output), source = try Self.displayFrames(Self.fixture("h264-aac-subtitle.mp4"))
        #expect(marked.count == 10)
        for (frame, original) in zip(marked, source) {
            #expect(labeler.badgePresent(in: frame.image, record: record).isPresent)
            // Outside the badge (and a 4-pixel ring for chroma subsampling and the codec's blocks): PSNR ≥ 40 dB.
            #expect(Self.psnr(frame.image, original.image, excluding: record.region, ring: 4) >= 40)
        }
    }

    @Test("--visible-span start badges the first seconds only; the record says so")
    func badgeAtStart() throws {
        // The fixture lasts 1 s: a 2 s span covers it all, and the record ends where the video does.
        let (_, label, _, folder) = try Self.mark("vfr.mp4", span: .start(seconds: 2), watermark: false)
        defer { try? FileManager.default.removeItem(at: folder) }
        let span = try #require(label.visibleLabel?.timeSpan)
        #expect(span.start == 0 && span.end <= 1.0 && span.end > 0.9)
    }

    @Test("A rotated video gets its badge in the corner the viewer sees")
    func rotated() throws {
        let (output, label, _, folder) = try Self.mark("h264-rotated.mp4", watermark: false)
        defer { try? FileManager.default.removeItem(at: folder) }
        let record = try Self.record(label)
        #expect(record.imageWidth == 240 && record.imageHeight == 320)
        #expect(record.region.x + record.region.width > 200 && record.region.y < 40)
        let labeler = try VisibleLabeler.forVerifying(record)
        for frame in try Self.displayFrames(output) {
            #expect(frame.image.width == 240)
            #expect(labeler.badgePresent(in: frame.image, record: record).isPresent)
        }
    }

    @Test("The watermark alone costs about 42 dB per frame and is read back from pooled frames")
    func watermarkCost() throws {
        let watermark = VideoWatermark(watermarker: AILabelWatermarker(), payload: WatermarkPayload(0x0123_4567_89AB_CDEF))
        var pool = VideoWatermarkPool(watermarker: watermark.watermarker)
        var worst = 99.0
        try VideoCodec.decode(path: Self.fixture("h264-aac-subtitle.mp4")) { frame in
            let (luma, stride) = frame.plane(0)
            var before = [UInt8]()
            for y in 0..<frame.height { before += frame.row(y, plane: 0) }
            watermark.embed(luma: luma, stride: stride, width: frame.width, height: frame.height, range: 16...235)
            var after = [UInt8]()
            for y in 0..<frame.height { after += frame.row(y, plane: 0) }
            worst = min(worst, VideoCodecPSNR.psnr(before, after))
            pool.add(luma: luma, stride: stride, width: frame.width, height: frame.height)
            return true
        }
        #expect(worst >= 42)
        #expect(pool.analyze().detection?.payload == watermark.payload)
    }

    /// Luma-weighted RGB PSNR outside `region` grown by `ring` pixels.
    static func psnr(_ a: RGBImage, _ b: RGBImage, excluding region: BadgeRecord.Region, ring: Int) -> Double {
        var squared = 0.0, count = 0
        for y in 0..<a.height {
            for x in 0..<a.width {
                if x >= region.x - ring && x < region.x + region.width + ring && y >= region.y - ring && y < region.y + region.height + ring {
                    continue
                }
                let offset = a.offset(x: x, y: y)
                for channel in 0..<3 {
                    let d = Double(a.pixels[offset + channel]) - Double(b.pixels[offset + channel])
                    squared += d * d
                }
                count += 3
            }
        }
        let mse = squared / Double(count)
        return mse == 0 ? 99 : 10 * log10(255 * 255 / mse)
    }
}

enum VideoCodecPSNR {
    static func psnr(_ a: [UInt8], _ b: [UInt8]) -> Double {
        var squared = 0.0
        for index in a.indices {
            let d = Double(a[index]) - Double(b[index])
            squared += d * d
        }
        let mse = squared / Double(a.count)
        return mse == 0 ? 99 : 10 * log10(255 * 255 / mse)
    }
}
