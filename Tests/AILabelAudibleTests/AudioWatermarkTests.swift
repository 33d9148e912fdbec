import AILabelMedia
import AILabelTestSupport
import AILabelWatermark
import Foundation
import Testing

/// The audio watermark on a short real clip: it carries the label ID, stays at least 30 dB below the
/// signal (segmental SNR), survives MP3 and AAC, a gain change, white noise and a cut, and unmarked audio
/// reads nothing. The full robustness table (30 clips, every attack) is Benchmarks/run audio-watermark.
@Suite("Audio watermark")
struct AudioWatermarkTests {
    static let payload: UInt64 = 0x0123_4567_89AB_CDEF

    static func music() throws -> AudioSamples {
        let bytes = try Repository.fixtureBytes("media/music-6s.wav")
        return try WAVSamples(bytes).read(bytes)
    }

    /// Segmental SNR over 20 ms frames (clamped to −10…35 dB per frame, silent frames skipped).
    static func segmentalSNR(original: AudioSamples, marked: AudioSamples) -> Double {
        let frame = original.sampleRate / 50 * original.channels
        var total = 0.0, count = 0
        for start in stride(from: 0, to: original.samples.count - frame, by: frame) {
            var signal = 0.0, noise = 0.0
            for index in start..<(start + frame) {
                signal += Double(original.samples[index] * original.samples[index])
                let difference = Double(marked.samples[index] - original.samples[index])
                noise += difference * difference
            }
            guard signal > 1e-6 else { continue }
            total += min(35, max(-10, 10 * log10(signal / max(noise, 1e-20))))
            count += 1
        }
        return total / Double(max(count, 1))
    }

    @Test("The mark carries the payload, at least 30 dB below the signal, and a clean clip reads nothing")
    func embedAndRead() throws {
        let original = try Self.music()
        let watermarker = AudioWatermarker()
        let marked = try watermarker.embed(Self.payload, into: original)
        #expect(marked.frameCount == original.frameCount && marked.channels == original.channels)
        let snr = Self.segmentalSNR(original: original, marked: marked)
        #expect(snr >= 30, "segmental SNR \(snr) dB")
        #expect(try watermarker.detect(in: marked)?.payload.value == Self.payload)
        #expect(try watermarker.detect(in: original) == nil)
    }

    @Test("It survives MP3 at 128 kbit/s, a gain of −6 dB and a cut to the last 5 s")
    func survivesAttacks() throws {
        let watermarker = AudioWatermarker()
        let marked = try watermarker.embed(Self.payload, into: Self.music())
        let mp3 = try AudioCodec.decode(AudioCodec.encode(marked, as: .mp3, bitRate: 128_000), as: .mp3).audio
        #expect(try watermarker.detect(in: mp3)?.payload.value == Self.payload, "after MP3")
        var quieter = marked
        for index in quieter.samples.indices { quieter.samples[index] *= 0.5 }
        #expect(try watermarker.detect(in: quieter)?.payload.value == Self.payload, "after −6 dB")
        let cut = marked.frames((marked.frameCount - 5 * marked.sampleRate)..<marked.frameCount)
        #expect(try watermarker.detect(in: cut)?.payload.value == Self.payload, "after the cut")
    }

    @Test("It survives AAC at 128 kbit/s, white noise at 20 dB SNR and a start two thirds of a hop late")
    func survivesCodingAndNoise() throws {
        let watermarker = AudioWatermarker()
        let marked = try watermarker.embed(Self.payload, into: Self.music())
        let aac = try AudioCodec.decode(AudioCodec.encode(marked, as: .aac, bitRate: 128_000), as: .mpeg4).audio
        #expect(try watermarker.detect(in: aac)?.payload.value == Self.payload, "after AAC")
        // Gaussian noise (Box–Muller over a fixed SplitMix64 stream) at a hundredth of the signal's power,
        // on 24 s (the clip four times): noise is survived by folding periods, and 6 s holds only two.
        var looped = try Self.music()
        looped.samples += looped.samples + looped.samples + looped.samples
        let long = try watermarker.embed(Self.payload, into: looped)
        var noisy = long
        let power = long.samples.reduce(0.0) { $0 + Double($1 * $1) } / Double(long.samples.count)
        var state: UInt64 = 0x5EED
        func uniform() -> Double {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return (Double((z ^ (z >> 31)) >> 11) + 0.5) * 0x1.0p-53
        }
        for index in noisy.samples.indices {
            let gaussian = (-2 * log(uniform())).squareRoot() * cos(2 * Double.pi * uniform())
            noisy.samples[index] += Float(gaussian * (power / 100).squareRoot())
        }
        #expect(try watermarker.detect(in: noisy)?.payload.value == Self.payload, "after noise at 20 dB SNR")
        // 170 samples at 16 kHz's worth: between the reader's search steps, which refining must reach.
        let late = marked.frames((marked.sampleRate * 170 / 16_000)..<marked.frameCount)
        #expect(try watermarker.detect(in: late)?.payload.value == Self.payload, "after a late start")
    }

    @Test("Audio too short for one period is refused with a reason")
    func tooShort() {
        let short = AudioSamples(sampleRate: 16_000, channels: 1, samples: [Float](repeating: 0.1, count: 40_000))
        #expect(throws: MediaError.self) { try AudioWatermarker().embed(1, into: short) }
    }
}
