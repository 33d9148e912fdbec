import AILabelMedia
import AILabelVisible
import AILabelVocabulary
import AILabelWatermark
import Foundation

/// The pixel scan of a video, in one decoding pass: ailabel's watermark pooled over frames spread through the
/// video (``VideoWatermarkPool``), and a declared badge checked, as for an image, on frames at the start, the
/// middle and the end of its declared time span. What it finds goes into the same observations the image
/// collectors fill (evidence `watermark:ailabel`, disclosures `watermark` and `visible`).
struct VideoScan {
    /// The watermark reader (keyed or not), or nil when no watermark collector runs.
    var watermarker: AILabelWatermarker?
    /// Whether the badge is checked (a visible collector runs).
    var checksBadge: Bool

    /// Frames pooled for the watermark.
    static let poolFrames = 48
    /// At most this many frames apart, so a long video is not decoded to its end for the watermark alone.
    static let maximumStride = 10

    func scan(_ subject: VerificationSubject, into observations: inout Observations) throws(MediaError) {
        // The file's own bytes, through its source: never a file looked up by its (maybe a client's) name.
        let input = subject.file.movieInput
        let probe = try VideoCodec.probe(input)
        let rotation = VideoRotation(displayMatrixRotation: probe.rotation, storedWidth: probe.width, storedHeight: probe.height)
        let color = VideoColor(
            colorSpace: probe.colorSpace, height: probe.height, isFullRange: probe.colorRange == 2 || probe.pixelFormat.hasPrefix("yuvj"))

        // The badge: its record, and the times to look at.
        var badge: (record: BadgeRecord, labeler: VisibleLabeler, declared: VisibleLabelRecord, times: [Double])?
        if checksBadge, let declared = observations.declaredVisibleLabel {
            if let json = declared.recordJSON, let record = try? JSONDecoder().decode(BadgeRecord.self, from: Data(json.utf8)) {
                do {
                    let labeler = try VisibleLabeler.forVerifying(record)
                    let span = declared.timeSpan ?? VisibleTimeSpan(start: 0, end: max(0, probe.duration))
                    let end = max(span.start, span.end - 0.5)
                    var times = [span.start, (span.start + end) / 2, end]
                    times = times.enumerated().filter { index, time in !times[..<index].contains(time) }.map(\.element)
                    badge = (record, labeler, declared, times)
                } catch {
                    observations.disclosures.append(
                        Disclosure(kind: .visible, detail: Self.detail(declared) + " (not checked: fonts unavailable)", intact: true, languages: declared.languages))
                    observations.addFinding(.visibleUnchecked, .warning, "The badge could not be re-rendered to check it: \(error)")
                }
            } else {
                observations.addFinding(.visibleUnchecked, .warning, "The video's badge is declared without its record; it was not checked in the frames.")
            }
        }

        let expectedFrames = probe.frameRate > 0 && probe.duration > 0 ? Int(probe.duration * probe.frameRate) : Self.poolFrames
        let stride = max(1, min(Self.maximumStride, expectedFrames / Self.poolFrames))
        var pool = watermarker.map(VideoWatermarkPool.init(watermarker:))
        var pendingTimes = badge?.times ?? []
        var checks: [(time: Double, check: BadgeCheck)] = []
        var lastSeconds = 0.0
        try VideoCodec.decode(input) { frame in
            lastSeconds = frame.seconds
            if pool != nil, pool!.frames < Self.poolFrames, frame.index % stride == 0 {
                let (luma, lumaStride) = frame.plane(0)
                pool!.add(luma: luma, stride: lumaStride, width: frame.width, height: frame.height)
            }
            if let badge, let next = pendingTimes.first, frame.seconds + 1e-6 >= next {
                pendingTimes.removeFirst()
                let image = frame.displayImage(color: color, rotation: rotation)
                checks.append((frame.seconds, badge.labeler.badgePresent(in: image, record: badge.record)))
            }
            let poolDone = pool.map { $0.frames >= Self.poolFrames } ?? true
            return !(poolDone && pendingTimes.isEmpty)
        }
        observations.pixelsScanned = true

        if let pool, let detection = pool.analyze().detection {
            let labelID = detection.payload.hex
            observations.addEvidence(.ailabelWatermark, "ailabel watermark, label ID \(labelID)")
            let declared = subject.label?.record.labelID
            let matches = declared == nil || declared == labelID
            observations.disclosures.append(Disclosure(kind: .watermark, detail: "ailabel watermark, label ID \(labelID)", intact: matches))
            if !matches {
                observations.addFinding(
                    .watermarkLabelMismatch, .error, "The watermark carries label ID \(labelID) but the XMP declares \(declared ?? "")")
            }
        }

        if let badge {
            let detail = Self.detail(badge.declared)
            // Times past the video's end: the video was cut short of the span the badge was declared for.
            let missing = pendingTimes
            let failed = checks.filter { !$0.check.isPresent }
            let intact = failed.isEmpty && missing.isEmpty
            observations.disclosures.append(Disclosure(kind: .visible, detail: detail, intact: intact, languages: badge.declared.languages))
            if let first = failed.first {
                let resized = badge.record.imageWidth != rotation.displayWidth || badge.record.imageHeight != rotation.displayHeight
                let code: FindingCode = first.check.status == .regionOutsideImage || resized ? .visibleCropped : .visibleAltered
                let times = failed.map { Self.seconds($0.time) }.joined(separator: ", ")
                observations.addFinding(
                    code, .error,
                    "The declared visible badge is no longer there in the frame at \(times) s of its \(Self.span(badge.declared)) span: \(first.check.detail)")
            } else if !missing.isEmpty {
                observations.addFinding(
                    .visibleAltered, .error,
                    "The video ends at \(Self.seconds(lastSeconds)) s, before the badge's declared \(Self.span(badge.declared)) span: its frames at \(missing.map(Self.seconds).joined(separator: ", ")) s are gone")
            }
        }
    }

    static func detail(_ declared: VisibleLabelRecord) -> String {
        "visible badge \(declared.variant) at \(declared.x),\(declared.y) \(declared.width)×\(declared.height)"
            + (declared.timeSpan.map { ", shown \($0.text) s" } ?? "")
    }

    static func span(_ declared: VisibleLabelRecord) -> String {
        declared.timeSpan.map { "\($0.text) s" } ?? "whole-video"
    }

    static func seconds(_ value: Double) -> String { String(format: "%.2f", value) }
}
