import AILabelAudible
import AILabelMedia
import AILabelTestSupport
import Foundation
import Testing

/// The audible disclosure's parts on real audio: BS.1770 loudness against the standard's calibration,
/// the rhythm's timing, espeak-ng's voices, insertion that leaves the programme untouched, and the
/// check that finds a cue where it was put and nowhere else.
@Suite("Audible disclosure")
struct AudibleCueTests {
    static func sine(frequency: Double, amplitude: Float, seconds: Double, rate: Int, channels: Int = 1) -> AudioSamples {
        let frames = Int(seconds * Double(rate))
        var samples: [Float] = []
        samples.reserveCapacity(frames * channels)
        for frame in 0..<frames {
            let value = amplitude * Float(sin(2 * Double.pi * frequency * Double(frame) / Double(rate)))
            for _ in 0..<channels { samples.append(value) }
        }
        return AudioSamples(sampleRate: rate, channels: channels, samples: samples)
    }

    /// Normalised correlation of two signals over their common length.
    static func correlation(_ a: [Float], _ b: [Float]) -> Double {
        var dot = 0.0, ea = 0.0, eb = 0.0
        for index in 0..<min(a.count, b.count) {
            dot += Double(a[index] * b[index])
            ea += Double(a[index] * a[index])
            eb += Double(b[index] * b[index])
        }
        return ea > 0 && eb > 0 ? dot / (ea * eb).squareRoot() : 0
    }

    static func music() throws -> AudioSamples {
        let bytes = try Repository.fixtureBytes("media/music-6s.wav")
        return try WAVSamples(bytes).read(bytes)
    }

    @Test("BS.1770: a 997 Hz sine at −20 dBFS in one channel reads −23.0 LUFS at 48 and 44.1 kHz; stereo adds 3 LU; silence has none")
    func loudnessCalibration() throws {
        for rate in [48_000, 44_100] {
            let mono = try #require(Loudness.integrated(Self.sine(frequency: 997, amplitude: 0.1, seconds: 3, rate: rate)))
            #expect(abs(mono - -23.01) < 0.1, "\(rate) Hz: \(mono)")
            let stereo = try #require(Loudness.integrated(Self.sine(frequency: 997, amplitude: 0.1, seconds: 3, rate: rate, channels: 2)))
            #expect(abs(stereo - mono - 3.01) < 0.05, "\(rate) Hz: \(stereo)")
        }
        #expect(Loudness.integrated(AudioSamples(sampleRate: 48_000, channels: 1, samples: [Float](repeating: 0, count: 48_000))) == nil)
    }

    @Test("The rhythm cue is short-long-short-short: tones of 1, 3, 1 and 1 units")
    func rhythmTiming() {
        let cue = RhythmCue.make(sampleRate: 16_000)
        // Runs of sound and silence, found by the envelope.
        var runs: [(on: Bool, length: Int)] = []
        let window = 80
        for start in stride(from: 0, to: cue.samples.count - window, by: window) {
            let on = cue.samples[start..<(start + window)].contains { abs($0) > 0.05 }
            if let last = runs.last, last.on == on { runs[runs.count - 1].length += window } else { runs.append((on, window)) }
        }
        let tones = runs.filter(\.on).map { Double($0.length) / 16_000 / RhythmCue.unit }
        #expect(tones.count == 4, "\(runs)")
        for (measured, expected) in zip(tones, [1.0, 3.0, 1.0, 1.0]) { #expect(abs(measured - expected) < 0.25, "\(tones)") }
    }

    @Test("espeak-ng speaks Kazakh, Russian, English and Mandarin, and speaks the same again")
    func voices() throws {
        for (language, text) in [("kk", "Жасанды интеллект арқылы жасалған"), ("ru", "Создано с помощью ИИ"), ("en", "Created with AI"), ("zh", "人工智能生成")] {
            let speech = try SpeechSynthesizer.speak(text, language: language)
            #expect(speech.duration > 0.5 && speech.duration < 10, "\(language): \(speech.duration) s")
            // Made again (as verify does), the speech has the same spectral envelope (its phase drifts).
            let again = try SpeechSynthesizer.speak(text, language: language)
            let results = try AudibleCueCheck().check(
                AudibleCue(kind: .speech, texts: [(language, text)]), spans: [(0, again.duration)], in: again)
            #expect(results.first?.correlation ?? 0 > 0.9, "\(language): \(results)")
        }
        #expect(throws: MediaError.self) { try SpeechSynthesizer.speak("x", language: "tlh") }
    }

    @Test("Inserting a cue copies the programme sample for sample, at the start, the end or both, level-matched to within 0.5 LU (or as loud as a −1 dBFS peak allows)")
    func insertionKeepsProgramme() throws {
        var quiet = try Self.music()
        for index in quiet.samples.indices { quiet.samples[index] *= 0.25 }
        for programme in [try Self.music(), quiet] {
        let programmeLoudness = try #require(Loudness.integrated(programme))
        for placement in AudibleCue.Placement.allCases {
            for cue in [AudibleCue(kind: .rhythm, placement: placement), AudibleCue(kind: .speech, placement: placement, texts: [("en", "Created with AI")])] {
                let inserted = try cue.insert(into: programme)
                #expect(inserted.audio.sampleRate == programme.sampleRate && inserted.audio.channels == programme.channels)
                let start = inserted.leadFrames * programme.channels
                #expect(Array(inserted.audio.samples[start..<(start + programme.samples.count)]) == programme.samples, "\(cue.kind) \(placement)")
                #expect(inserted.audio.frameCount == programme.frameCount + inserted.leadFrames + inserted.tailFrames)
                #expect(inserted.spans.count == (placement == .both ? 2 : 1))
                let cueAudio = inserted.audio.frames(inserted.spans[0])
                let cueLoudness = try #require(Loudness.integrated(cueAudio))
                let peakLimited = Loudness.peak(cueAudio) > 0.88
                // A loud programme (−14 LUFS) asks more of speech than a −1 dBFS peak allows: then it is as loud as it can be.
                #expect(abs(inserted.loudness - programmeLoudness) < 0.5 || (peakLimited && inserted.loudness < programmeLoudness),
                    "\(cue.kind) \(placement): cue \(inserted.loudness) LUFS (span \(cueLoudness)), programme \(programmeLoudness) LUFS")
            }
        }
        }
    }

    @Test("The check finds a cue in its span, after an MP3 encode too, and not in the programme or after its first seconds are cut")
    func checkFindsCue() throws {
        let programme = try Self.music()
        let check = AudibleCueCheck()
        for cue in [AudibleCue(kind: .rhythm), AudibleCue(kind: .speech, texts: [("ru", "Создано с помощью ИИ")])] {
            let inserted = try cue.insert(into: programme)
            let rate = Double(programme.sampleRate)
            let spans = inserted.spans.map { (start: Double($0.lowerBound) / rate, duration: Double($0.count) / rate) }
            let found = try check.check(cue, spans: spans, in: inserted.audio)
            #expect(found.allSatisfy { $0.found }, "\(cue.kind): \(found)")
            // Through a lossy encode and decode.
            let mp3 = try AudioCodec.decode(AudioCodec.encode(inserted.audio, as: .mp3, bitRate: 128_000), as: .mp3).audio
            let afterMP3 = try check.check(cue, spans: spans, in: mp3)
            #expect(afterMP3.allSatisfy { $0.found }, "\(cue.kind) after MP3: \(afterMP3)")
            // Not in the programme alone, nor once the cue's seconds are cut off.
            let inProgramme = try check.check(cue, spans: spans, in: programme)
            #expect(inProgramme.allSatisfy { !$0.found }, "\(inProgramme)")
            let cut = inserted.audio.frames(inserted.spans[0].upperBound..<inserted.audio.frameCount)
            let afterCut = try check.check(cue, spans: spans, in: cut)
            #expect(afterCut.allSatisfy { !$0.found }, "\(cue.kind) after the cut: \(afterCut)")
        }
    }
}
