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

    /// - Parameter watermark: whether to look for the audio watermark (a movie's sound track is checked
    ///   for its declared cue only: ailabel watermarks a movie's frames, not its sound).
    public func collect(from subject: VerificationSubject, audio: AudioSamples, watermark: Bool = true, into observations: inout Observations) {
        if watermark { collectWatermark(from: subject, audio: audio, into: &observations) }
        checkAudible(in: audio, into: &observations)
    }

    /// The seconds from the start that the checks listen to, so that only they are decoded (a programme of
    /// any length is verified in bounded memory): the watermark's searched region, and each declared
    /// audible span with the lag the check allows. Nil when the whole is needed (a span that is not a
    /// finite time).
    public static func secondsListened(watermark: Bool, declared: AudibleLabelRecord?) -> Double? {
        var seconds = watermark ? AudioWatermarker.secondsRead : 0
        for span in declared?.spans ?? [] {
            guard span.end.isFinite else { return nil }
            seconds = max(seconds, span.end + AudibleCueCheck.maximumLag + 1)
        }
        return seconds
    }

    /// A declared audible disclosure when the file has no sound left to hold it (a movie whose sound
    /// track was removed): missing, said as such.
    public func reportNoSound(into observations: inout Observations) {
        guard let declared = observations.declaredAudibleLabel else { return }
        observations.disclosures.append(Disclosure(kind: .audible, detail: "audible \(declared.summary)", intact: false, languages: declared.languages))
        observations.addFinding(.audibleMissing, .error, "The declared audible disclosure cannot be heard: the file has no sound track any more.")
    }

    func collectWatermark(from subject: VerificationSubject, audio: AudioSamples, into observations: inout Observations) {
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
    }

    func checkAudible(in audio: AudioSamples, into observations: inout Observations) {
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
