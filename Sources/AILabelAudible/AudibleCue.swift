import AILabelMedia
import Foundation

/// The audible disclosure: what is heard (a spoken sentence per language, or the rhythm cue) and where
/// (start, end or both), made for one file's rate, channels and loudness.
public struct AudibleCue: Sendable, Hashable {
    public enum Kind: String, Sendable, Hashable, CaseIterable {
        /// The label's texts spoken by espeak-ng, one language after another.
        case speech
        /// GB 45438's short-long-short-short.
        case rhythm
    }

    public enum Placement: String, Sendable, Hashable, CaseIterable {
        case start, end, both
    }

    public var kind: Kind
    public var placement: Placement
    /// The texts to speak (language, text), in order; unused for the rhythm cue.
    public var texts: [(language: String, text: String)]

    public init(kind: Kind, placement: Placement = .start, texts: [(language: String, text: String)] = []) {
        self.kind = kind
        self.placement = placement
        self.texts = texts
    }

    public static func == (lhs: Self, rhs: Self) -> Bool {
        lhs.kind == rhs.kind && lhs.placement == rhs.placement && lhs.texts.map(\.language) == rhs.texts.map(\.language)
            && lhs.texts.map(\.text) == rhs.texts.map(\.text)
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(kind)
        hasher.combine(placement)
        hasher.combine(texts.map(\.text))
    }

    /// Silence between the languages of the spoken cue, and between the cue and the programme.
    public static let pause = 0.35

    /// The cue before level matching: mono, at espeak's rate for speech or `sampleRate` for the rhythm.
    /// Deterministic: verify makes it again to look for it.
    public func reference(sampleRate: Int) throws -> AudioSamples {
        switch kind {
        case .rhythm:
            return RhythmCue.make(sampleRate: sampleRate)
        case .speech:
            guard !texts.isEmpty else { throw MediaError.make(.invalidArgument, "the spoken disclosure has no text") }
            var samples: [Float] = []
            var rate = 22_050
            for (index, entry) in texts.enumerated() {
                let spoken = try SpeechSynthesizer.speak(entry.text, language: entry.language)
                rate = spoken.sampleRate
                if index > 0 { samples += [Float](repeating: 0, count: Int(Self.pause * Double(rate))) }
                samples += Self.trimmingSilence(spoken.samples)
            }
            return AudioSamples(sampleRate: rate, channels: 1, samples: samples)
        }
    }

    /// espeak-ng ends each sentence with silence; the cue's own pauses are set here instead.
    static func trimmingSilence(_ samples: [Float]) -> [Float] {
        let threshold: Float = 1e-3
        guard let first = samples.firstIndex(where: { abs($0) > threshold }), let last = samples.lastIndex(where: { abs($0) > threshold }) else { return [] }
        return Array(samples[first...last])
    }

    /// The cue at `audio`'s rate and channels, scaled so its integrated loudness equals `audio`'s
    /// (−23 LUFS, EBU R 128's target, when the audio is silent), with its peak kept under −1 dBFS.
    /// Returns the cue and the loudness it was matched to.
    public func rendered(for audio: AudioSamples) throws -> (cue: AudioSamples, loudness: Double) {
        let reference = try reference(sampleRate: audio.sampleRate)
        var cue = try AudioCodec.resample(reference, to: audio.sampleRate, channels: audio.channels)
        let target = Loudness.integrated(audio) ?? -23
        guard let measured = Loudness.integrated(cue) else { throw MediaError.make(.libraryFailure, "the synthesised cue is silent") }
        var gain = pow(10, (target - measured) / 20)
        let peak = Double(Loudness.peak(cue))
        let ceiling = pow(10, -1.0 / 20)
        if peak * gain > ceiling { gain = ceiling / peak }
        for index in cue.samples.indices { cue.samples[index] *= Float(gain) }
        return (cue, Loudness.integrated(cue) ?? target)
    }

    /// Where the cue goes in a programme of `frameCount` frames: frame offsets in the output and the
    /// inserted span lengths (the cue with its pause).
    public struct Insertion: Sendable, Hashable {
        /// The stamped audio.
        public var audio: AudioSamples
        /// Each inserted span in frames of the output: where it starts and how long it is.
        public var spans: [Range<Int>]
        /// The loudness the cue was matched to (LUFS).
        public var loudness: Double
        /// The frames inserted before the programme (the programme's first frame is at this offset).
        public var leadFrames: Int
        /// The frames inserted after it.
        public var tailFrames: Int
    }

    /// `audio` with the cue inserted: before it (then a pause), after it (a pause, then the cue), or
    /// both. The programme's samples are copied unchanged.
    public func insert(into audio: AudioSamples) throws -> Insertion {
        let (cue, loudness) = try rendered(for: audio)
        let pause = [Float](repeating: 0, count: Int(Self.pause * Double(audio.sampleRate)) * audio.channels)
        let cueFrames = cue.frameCount + pause.count / audio.channels
        var samples: [Float] = []
        samples.reserveCapacity(audio.samples.count + 2 * (cue.samples.count + pause.count))
        var spans: [Range<Int>] = []
        var lead = 0, tail = 0
        if placement != .end {
            samples += cue.samples
            samples += pause
            spans.append(0..<cueFrames)
            lead = cueFrames
        }
        samples += audio.samples
        if placement != .start {
            let start = samples.count / audio.channels
            samples += pause
            samples += cue.samples
            spans.append(start..<(start + cueFrames))
            tail = cueFrames
        }
        guard samples.count <= AudioLimits.maximumDecodedValues else {
            throw MediaError.make(.limitExceeded, "the audio with its cue would be over \(AudioLimits.maximumDecodedValues) samples")
        }
        return Insertion(
            audio: AudioSamples(sampleRate: audio.sampleRate, channels: audio.channels, samples: samples), spans: spans, loudness: loudness,
            leadFrames: lead, tailFrames: tail)
    }
}
