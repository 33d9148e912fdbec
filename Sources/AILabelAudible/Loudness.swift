import AILabelMedia
import Foundation

/// Integrated loudness after ITU-R BS.1770-4: K-weighting (a high shelf and a high pass, designed for
/// the audio's own sample rate), mean square per channel over 400 ms blocks with 75 % overlap, an
/// absolute gate at −70 LUFS and a relative gate 10 LU below the ungated mean. The audible cue is
/// matched to the file with it, so a cue is as loud as what it stands beside, measured, not guessed.
public enum Loudness {
    /// Integrated loudness in LUFS; nil when every block is below the absolute gate (silence).
    public static func integrated(_ audio: AudioSamples) -> Double? {
        let channels = audio.channels, frames = audio.frameCount
        guard frames > 0 else { return nil }
        // K-weighted squares, per channel.
        var squares = [[Double]](repeating: [], count: channels)
        for channel in 0..<channels {
            var shelf = Biquad.shelf(sampleRate: Double(audio.sampleRate))
            var highPass = Biquad.highPass(sampleRate: Double(audio.sampleRate))
            var out = [Double](repeating: 0, count: frames)
            for frame in 0..<frames {
                let y = highPass.process(shelf.process(Double(audio.samples[frame * channels + channel])))
                out[frame] = y * y
            }
            squares[channel] = out
        }
        // Prefix sums make each block's mean square one subtraction.
        let prefix = squares.map { values in
            var sums = [Double](repeating: 0, count: values.count + 1)
            for index in values.indices { sums[index + 1] = sums[index] + values[index] }
            return sums
        }
        let block = min(frames, Int((0.4 * Double(audio.sampleRate)).rounded()))
        let step = max(1, block / 4)
        var powers: [Double] = []
        var start = 0
        while start + block <= frames {
            var power = 0.0
            for channel in 0..<channels {
                power += weight(channel: channel, of: channels) * (prefix[channel][start + block] - prefix[channel][start]) / Double(block)
            }
            powers.append(power)
            start += step
        }
        func lufs(_ power: Double) -> Double { -0.691 + 10 * log10(power) }
        let aboveAbsolute = powers.filter { $0 > 0 && lufs($0) > -70 }
        guard !aboveAbsolute.isEmpty else { return nil }
        let relativeGate = lufs(aboveAbsolute.reduce(0, +) / Double(aboveAbsolute.count)) - 10
        let gated = aboveAbsolute.filter { lufs($0) > relativeGate }
        return lufs(gated.reduce(0, +) / Double(gated.count))
    }

    /// BS.1770's channel weights: 1.41 (+1.5 dB) for the surround channels of 5.1 (the 5th and 6th), 1 otherwise.
    static func weight(channel: Int, of channels: Int) -> Double {
        channels >= 5 && (channel == 4 || channel == 5) ? 1.41 : 1
    }

    /// The greatest absolute sample.
    public static func peak(_ audio: AudioSamples) -> Float {
        audio.samples.reduce(0) { max($0, abs($1)) }
    }
}

/// A second-order IIR section (direct form I), with BS.1770's two K-weighting stages designed by the
/// bilinear transform for any sample rate (the filter constants of pyloudnorm and libebur128).
struct Biquad {
    var b0, b1, b2, a1, a2: Double
    var x1 = 0.0, x2 = 0.0, y1 = 0.0, y2 = 0.0

    mutating func process(_ x: Double) -> Double {
        let y = b0 * x + b1 * x1 + b2 * x2 - a1 * y1 - a2 * y2
        x2 = x1
        x1 = x
        y2 = y1
        y1 = y
        return y
    }

    /// Stage 1: a high shelf of +4 dB above about 1.7 kHz (the head's acoustic effect). At 48 kHz
    /// these are the standard's own coefficients (b0 1.53512486, a1 −1.69065929).
    static func shelf(sampleRate: Double) -> Biquad {
        let gain = 3.999843853973347, q = 0.7071752369554196, center = 1681.974450955533
        let k = tan(Double.pi * center / sampleRate)
        let vh = pow(10, gain / 20), vb = pow(vh, 0.4996667741545416)
        let a0 = 1 + k / q + k * k
        return Biquad(
            b0: (vh + vb * k / q + k * k) / a0, b1: 2 * (k * k - vh) / a0, b2: (vh - vb * k / q + k * k) / a0,
            a1: 2 * (k * k - 1) / a0, a2: (1 - k / q + k * k) / a0)
    }

    /// Stage 2: the RLB high pass at about 38 Hz (numerator 1, −2, 1 as the standard writes it).
    static func highPass(sampleRate: Double) -> Biquad {
        let q = 0.5003270373238773, center = 38.13547087602444
        let k = tan(Double.pi * center / sampleRate)
        let a0 = 1 + k / q + k * k
        return Biquad(b0: 1, b1: -2, b2: 1, a1: 2 * (k * k - 1) / a0, a2: (1 - k / q + k * k) / a0)
    }
}
