import AILabelKit
import AILabelMedia
import AILabelTestSupport
import AILabelVisible
import AILabelVocabulary
import AILabelWatermark
import Foundation
import Testing

/// An animated WebP stamped with `--visible --watermark`: every frame carries the badge and the
/// watermark, and the animation keeps its frame count, timing and loop count.
@Suite("Marks on every frame of an animation")
struct AnimatedMarkTests {
    @Test("Every frame of a stamped animated WebP carries the badge (BadgeVerification) and the watermark; timing and loop are kept")
    func everyFrameMarked() throws {
        var request = LabelRequest()
        request.created = "2026-01-18T09:00:00Z"
        let stamper = Stamper(request: request, markers: [try VisibleMarker(), WatermarkMarker()])
        let file = try MediaFile(path: "a.webp", bytes: try Repository.fixtureBytes("media/pixels-animated.webp"))
        let result = try stamper.stamp(file)
        let (bytes, label, layers, warnings) = (try result.bytes(), result.label, result.layers, result.warnings)
        #expect(layers.contains("visible") && layers.contains("watermark"), "\(layers) \(warnings)")
        let stamped = try MediaFile(path: "a.webp", bytes: bytes)
        #expect(stamped.contents.webpCoding?.animated == true)
        let timing = try #require(stamped.contents.webpCoding?.animation)
        #expect(timing.frameDurations == [100, 150, 200] && timing.loopCount == 2)
        let frames = try stamped.handler.decodeFrames(bytes, maxPixels: PixelCodec.defaultMaximumPixels)
        #expect(frames.count == 3)

        let recordJSON = try #require(label.visibleLabel?.recordJSON)
        let record = try JSONDecoder().decode(BadgeRecord.self, from: Data(recordJSON.utf8))
        let labeler = try VisibleLabeler.forVerifying(record)
        let watermarker = AILabelWatermarker()
        for (index, frame) in frames.enumerated() {
            let badge = labeler.badgePresent(in: frame, record: record)
            #expect(badge.status == .present, "frame \(index): \(badge)")
            #expect(watermarker.detect(in: frame)?.payload.value == label.labelIDValue, "frame \(index)")
        }
    }
}

/// An animated GIF stamped with `--visible --watermark`: every frame, re-quantised to its own palette,
/// still carries the badge and the watermark, and the animation keeps its frames, delays and loop count.
/// (On 160×128 frames the badge and the palette together leave too little of the watermark: there it is
/// a warning, not a layer; GIFCLITests checks that side.)
@Suite("Marks on every frame of an animated GIF")
struct GIFAnimatedMarkTests {
    @Test("Every frame of a stamped animated GIF carries the badge (BadgeVerification) and the watermark after palette quantisation; timing and loop are kept",
          arguments: ["media/animated-large.gif"])
    func everyFrameMarked(_ fixture: String) throws {
        var request = LabelRequest()
        request.created = "2026-01-18T09:00:00Z"
        let stamper = Stamper(request: request, markers: [try VisibleMarker(), WatermarkMarker()])
        let original = try MediaFile(path: "a.gif", bytes: try Repository.fixtureBytes(fixture))
        let result = try stamper.stamp(original)
        let (bytes, label, layers, warnings) = (try result.bytes(), result.label, result.layers, result.warnings)
        #expect(layers.contains("visible") && layers.contains("watermark"), "\(layers) \(warnings)")
        let stamped = try MediaFile(path: "a.gif", bytes: bytes)
        let before = try #require(original.contents.gifCoding), after = try #require(stamped.contents.gifCoding)
        #expect(after.frames == before.frames && after.loopCount == before.loopCount)
        #expect(after.timing.map(\.delayCentiseconds) == before.timing.map(\.delayCentiseconds))
        let frames = try stamped.handler.decodeFrames(bytes, maxPixels: PixelCodec.defaultMaximumPixels)
        #expect(frames.count == before.frames)

        let recordJSON = try #require(label.visibleLabel?.recordJSON)
        let record = try JSONDecoder().decode(BadgeRecord.self, from: Data(recordJSON.utf8))
        let labeler = try VisibleLabeler.forVerifying(record)
        let watermarker = AILabelWatermarker()
        for (index, frame) in frames.enumerated() {
            let badge = labeler.badgePresent(in: frame, record: record)
            #expect(badge.status == .present, "frame \(index): \(badge)")
            #expect(watermarker.detect(in: frame)?.payload.value == label.labelIDValue, "frame \(index)")
        }
    }
}
