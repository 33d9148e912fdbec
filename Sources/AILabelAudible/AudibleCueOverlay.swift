import AILabelMedia
import Foundation

extension AudibleCue {
    /// How far the programme is lowered under an overlaid cue, in dB: enough that the cue is heard
    /// clearly over speech or music at the same loudness (and that ``AudibleCueCheck`` finds it after an
    /// AAC encode), not so much that the programme seems cut.
    public static let overlayDucking = -20.0
    /// The ramp, inside the cue's span, from the programme's level to the ducked level and back.
    public static let overlayRamp = 0.05

    /// `audio` with the cue laid over it and its length kept: for a movie's sound track, whose time
    /// must stay with the pictures (an inserted cue would shift every later sample against its frame).
    /// The cue goes over the first seconds (`start`), the last (`end`) or both; inside each span the
    /// programme is lowered by ``overlayDucking`` with short ramps and the level-matched cue added.
    /// Every sample outside the spans is unchanged. A programme shorter than the cue (or than both
    /// cues with a pause between them) is first lengthened with silence (``Insertion/tailFrames``).
    public func overlay(onto audio: AudioSamples) throws -> Insertion {
        let (cue, loudness) = try rendered(for: audio)
        let channels = audio.channels
        let cueFrames = cue.frameCount
        let pauseFrames = Int(Self.pause * Double(audio.sampleRate))
        let needed = placement == .both ? 2 * cueFrames + pauseFrames : cueFrames
        var samples = audio.samples
        let padding = max(0, needed - audio.frameCount)
        guard (audio.frameCount + padding) * channels <= AudioLimits.maximumDecodedValues else {
            throw MediaError.make(.limitExceeded, "the audio with its cue would be over \(AudioLimits.maximumDecodedValues) samples")
        }
        samples += [Float](repeating: 0, count: padding * channels)
        let frames = samples.count / channels
        var spans: [Range<Int>] = []
        if placement != .end { spans.append(0..<cueFrames) }
        if placement != .start { spans.append((frames - cueFrames)..<frames) }
        let ducked = Float(pow(10, Self.overlayDucking / 20))
        let ramp = max(1, min(cueFrames / 4, Int(Self.overlayRamp * Double(audio.sampleRate))))
        for span in spans {
            for offset in 0..<cueFrames {
                // 1 at the span's edges, `ducked` inside, raised-cosine ramps between.
                let edge = min(offset, cueFrames - 1 - offset)
                let blend = edge >= ramp ? 1 : Float(0.5 - 0.5 * cos(Double.pi * Double(edge) / Double(ramp)))
                let gain = 1 - blend * (1 - ducked)
                let frame = span.lowerBound + offset
                for channel in 0..<channels {
                    let index = frame * channels + channel
                    samples[index] = min(1, max(-1, samples[index] * gain + cue.samples[offset * channels + channel]))
                }
            }
        }
        return Insertion(
            audio: AudioSamples(sampleRate: audio.sampleRate, channels: channels, samples: samples), spans: spans, loudness: loudness,
            leadFrames: 0, tailFrames: padding)
    }
}
