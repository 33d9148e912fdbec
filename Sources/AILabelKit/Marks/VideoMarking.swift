import AILabelMedia
import AILabelVisible
import AILabelVocabulary
import AILabelWatermark
import Foundation

/// How long a video shows its badge.
public enum VisibleSpan: Sendable, Hashable {
    /// Every frame.
    case full
    /// The frames of the first `seconds` (at least ``minimumSeconds``: GB 45438-2025 asks for 2 s at the start).
    case start(seconds: Double)

    /// The shortest span at the start any profile accepts.
    public static let minimumSeconds = 2.0

    func contains(_ seconds: Double) -> Bool {
        switch self {
        case .full: true
        case .start(let limit): seconds < limit
        }
    }
}

/// Marks the frames of a video: decodes them one at a time, draws the badge (``VideoBadgeOverlay``) and adds
/// the watermark (``VideoWatermark``) as the markers ask, and re-encodes into a new file (``VideoCodec``). The
/// badge and the span are recorded in the label; the watermark is read back from the written file, pooled
/// over its frames, and claimed only when it is found there.
struct VideoMarking {
    var markers: [any PixelMarker]
    var span: VisibleSpan
    var settings: VideoCodec.EncodeSettings

    /// Frames the read-back pools (the first ones: stamp checks its own output, re-encoded at high quality).
    static let readBackFrames = 12

    struct Outcome {
        var applied: [String] = []
        var notApplied: [String] = []
        var info: VideoStreamInfo
    }

    /// - Parameter soundTrack: a new sound track (the audible disclosure) written in place of the input's.
    func mark(input: MovieInput, output: String, soundTrack: VideoCodec.SoundTrack? = nil, label: inout DisclosureLabel) throws -> Outcome {
        let probe = try VideoCodec.probe(input)
        var notApplied: [String] = []
        let rotation = VideoRotation(displayMatrixRotation: probe.rotation, storedWidth: probe.width, storedHeight: probe.height)
        let fullRange = probe.colorRange == 2 || probe.pixelFormat.hasPrefix("yuvj")
        let color = VideoColor(colorSpace: probe.colorSpace, height: probe.height, isFullRange: fullRange)

        var overlay: VideoBadgeOverlay?
        if let visible = markers.lazy.compactMap({ $0 as? VisibleMarker }).first {
            let (texts, style) = visible.badge(for: label)
            overlay = try VideoBadgeOverlay(labeler: visible.labeler, texts: texts, style: style, rotation: rotation, color: color)
        }
        var watermark: VideoWatermark?
        if let marker = markers.lazy.compactMap({ $0 as? WatermarkMarker }).first {
            if min(probe.width, probe.height) >= WatermarkMarker.minimumSide {
                watermark = VideoWatermark(
                    watermarker: marker.watermarker, payload: WatermarkPayload(label.labelIDValue),
                    period: VideoWatermark.period(width: probe.width, height: probe.height))
            } else {
                notApplied.append(
                    "no watermark: the video is \(probe.width)×\(probe.height), too small to carry it (it needs at least \(WatermarkMarker.minimumSide)×\(WatermarkMarker.minimumSide) pixels)")
            }
        }
        let span = self.span
        var lastBadged = -1.0
        var badgedFrames = 0
        let lumaRange: ClosedRange<Int16> = fullRange ? 0...255 : 16...235
        let info = try VideoCodec.transcode(input: input, output: output, settings: settings, soundTrack: soundTrack) { frame in
            if let overlay, span.contains(frame.seconds) {
                overlay.draw(into: frame)
                lastBadged = max(lastBadged, frame.seconds)
                badgedFrames += 1
            }
            if let watermark {
                let (luma, stride) = frame.plane(0)
                watermark.embed(luma: luma, stride: stride, width: frame.width, height: frame.height, range: lumaRange)
            }
        }
        var outcome = Outcome(notApplied: notApplied, info: info)
        if let overlay, badgedFrames > 0 {
            let record = overlay.record
            let frameDuration = info.frameRate > 0 ? 1 / info.frameRate : 0
            let end: Double
            switch span {
            case .full: end = max(info.duration, lastBadged + frameDuration)
            case .start(let seconds): end = min(seconds, max(info.duration, lastBadged + frameDuration))
            }
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            label.visibleLabel = VisibleLabelRecord(
                x: record.region.x, y: record.region.y, width: record.region.width, height: record.region.height,
                text: record.texts.map(\.text).joined(separator: " / "), languages: record.languages, variant: record.variant,
                recordJSON: String(decoding: try encoder.encode(record), as: UTF8.self),
                timeSpan: VisibleTimeSpan(start: 0, end: (end * 1000).rounded() / 1000))
            outcome.applied.append("visible")
        }
        if let watermark {
            var pool = VideoWatermarkPool(watermarker: watermark.watermarker)
            try VideoCodec.decode(path: output, selection: .init(maximumFrames: Self.readBackFrames)) { frame in
                let (luma, stride) = frame.plane(0)
                pool.add(luma: luma, stride: stride, width: frame.width, height: frame.height)
                return true
            }
            if pool.analyze().detection?.payload == watermark.payload {
                label.watermarked = true
                outcome.applied.append("watermark")
            } else {
                outcome.notApplied.append("no watermark mark: it could not be read back from the re-encoded video")
            }
        }
        return outcome
    }
}
