import AILabelMedia
import AILabelVocabulary
import AILabelWatermark

/// Looks for invisible watermarks in the pixels: ailabel's own mark (its payload is the label ID), and
/// the marks Stable Diffusion pipelines add with invisible-watermark.
public struct WatermarkCollector: EvidenceCollector {
    public let ailabel: AILabelWatermarker
    public let stableDiffusion: StableDiffusionWatermarkDetector
    public var name: String { "watermark" }
    public var needsPixels: Bool { true }

    public init(key: [UInt8]? = nil) {
        ailabel = AILabelWatermarker(key: key)
        stableDiffusion = StableDiffusionWatermarkDetector()
    }

    public func collect(from subject: VerificationSubject, pixels: RGBImage?, into observations: inout Observations) {
        guard let pixels else { return }
        if let detection = ailabel.detect(in: pixels) {
            let labelID = detection.payload.hex
            observations.addEvidence(.ailabelWatermark, "ailabel watermark, label ID \(labelID)")
            // The mark is a disclosure only while it matches the label the metadata declares (if any).
            let declared = subject.label?.record.labelID
            let matches = declared == nil || declared == labelID
            observations.disclosures.append(Disclosure(kind: .watermark, detail: "ailabel watermark, label ID \(labelID)", intact: matches))
            if !matches {
                observations.addFinding(
                    .watermarkLabelMismatch, .error, "The watermark carries label ID \(labelID) but the XMP declares \(declared ?? "")")
            }
        }
        if let match = stableDiffusion.detect(in: pixels) {
            observations.addEvidence(.stableDiffusionWatermark, "invisible-watermark \(match.description)")
        }
    }
}
