import AILabelMedia
import Foundation

/// GB 45438's audio rhythm cue: short-long-short-short, Morse for "AI" (`.- ..`), at a normal Morse
/// speed. A dot is one unit, a dash three, the gap inside a letter one and between letters three.
public enum RhythmCue {
    /// One Morse unit: 100 ms is 12 words per minute, a speed anyone can follow.
    public static let unit = 0.1
    /// The tone: 880 Hz, clear on small speakers and below the watermark's band centre.
    public static let frequency = 880.0
    /// The on/off pattern in units: dot, gap, dash, letter gap, dot, gap, dot.
    public static let pattern: [(on: Bool, units: Int)] = [(true, 1), (false, 1), (true, 3), (false, 3), (true, 1), (false, 1), (true, 1)]

    /// The cue, mono at `sampleRate`, peak 0.5 before level matching; each tone has 8 ms raised-cosine
    /// edges so it does not click.
    public static func make(sampleRate: Int) -> AudioSamples {
        let rate = Double(sampleRate)
        let ramp = Int(0.008 * rate)
        var samples: [Float] = []
        for (on, units) in pattern {
            let count = Int((Double(units) * unit * rate).rounded())
            if !on {
                samples += [Float](repeating: 0, count: count)
                continue
            }
            for index in 0..<count {
                var envelope = 1.0
                if index < ramp { envelope = 0.5 - 0.5 * cos(Double.pi * Double(index) / Double(ramp)) }
                if index >= count - ramp { envelope = 0.5 - 0.5 * cos(Double.pi * Double(count - 1 - index) / Double(ramp)) }
                samples.append(Float(0.5 * envelope * sin(2 * Double.pi * frequency * Double(index) / rate)))
            }
        }
        return AudioSamples(sampleRate: sampleRate, channels: 1, samples: samples)
    }
}
