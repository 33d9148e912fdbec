import AILabelAudible
import AILabelMedia
import AILabelVocabulary
import AILabelWatermark

/// Listens to an audio file (`--scan full`, or `auto` when metadata gives no intact disclosure or
/// declares an audible one): ailabel's audio watermark, whose payload is the label ID, and the declared
/// audible disclosure, which must still be heard in each span the label records.
public struct AudioMarkCollector: Sendable {
    public let watermarker = AudioWatermarker()

    public init() {}

    public func collect(from subject: VerificationSubject, audio: AudioSamples, into observations: inout Observations) {
        do {
            if let detection = try watermarker.detect(in: audio) {
                let labelID = detection.payload.hex
                observations.addEvidence(.ailabelWatermark, "ailabel watermark, label ID \(labelID)")
                let declared = subject.label?.record.labelID
                let matches = declared == nil || declared == labelID
                observations.disclosures.append(Disclosure(kind: .watermark, detail: "ailabel audio watermark, label ID \(labelID)", intact: matches))
                if !matches {
                    observations.addFinding(.watermarkLabelMismatch, .error, "The audio watermark carries label ID \(labelID) but the XMP declares \(declared ?? "")")
                }
            }
        } catch {
            observations.addFinding(.audioUndecodable, .warning, "The audio watermark could not be looked for: \((error as? MediaError)?.reason ?? "\(error)")")
        }
        guard let declared = observations.declaredAudibleLabel else { return }
        let kind = AudibleCue.Kind(rawValue: declared.cue) ?? .speech
        let cue = AudibleCue(
            kind: kind, placement: AudibleCue.Placement(rawValue: declared.placement) ?? .start,
            texts: declared.texts.map { ($0.language, $0.text) })
        let detail = "audible \(declared.summary)"
        do {
            let results = try AudibleCueCheck().check(cue, spans: declared.spans.map { ($0.start, $0.duration) }, in: audio)
            let lost = results.filter { !$0.found }
            observations.disclosures.append(Disclosure(kind: .audible, detail: detail, intact: lost.isEmpty && !results.isEmpty, languages: declared.languages))
            if results.isEmpty {
                observations.addFinding(.audibleMissing, .error, "The audible disclosure is declared with no span to check.")
            }
            for span in lost {
                observations.addFinding(
                    .audibleMissing, .error,
                    "The declared audible disclosure (\(declared.cue == AudibleLabelRecord.rhythm ? "rhythm cue" : "spoken, \(declared.languages.joined(separator: ", "))")) is no longer at \(AudibleLabelRecord.Span(start: span.start, duration: span.duration).formatted) (best match \(Int((span.correlation * 100).rounded())) %, at least \(Int(AudibleCueCheck.threshold * 100)) % expected): cut or replaced.")
            }
        } catch {
            observations.disclosures.append(Disclosure(kind: .audible, detail: detail + " (not checked)", intact: true, languages: declared.languages))
            observations.addFinding(.audibleUnchecked, .warning, "The audible disclosure could not be checked: \((error as? MediaError)?.reason ?? "\(error)")")
        }
    }
}
