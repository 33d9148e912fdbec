import AILabelMedia
import Foundation

/// Whether a declared audible cue is still where the record says: the cue is made again and its
/// spectral envelope (log energies of 8 bands from 100 Hz to 3.6 kHz, every 16 ms, at 8 kHz mono)
/// is correlated with each declared span of the file over a small lag either way (an MP3 or AAC
/// encode shifts the audio by its delay). Envelopes, not waveforms: espeak-ng's speech keeps its
/// spectrum from one synthesis to the next but not its phase, and a codec keeps the spectrum too.
public struct AudibleCueCheck: Sendable {
    /// A span whose envelope correlation with the cue reaches this holds it.
    public static let threshold = 0.6
    /// How far the cue may have moved, in seconds.
    public static let maximumLag = 0.25
    static let analysisRate = 8_000
    static let frameLength = 256
    static let hop = 128
    /// Band edges in DFT bins of 31.25 Hz (100 Hz … 3.6 kHz, roughly logarithmic).
    static let bandEdges = [3, 6, 10, 16, 24, 36, 52, 78, 116]

    public struct SpanResult: Sendable, Hashable {
        /// The declared span, in seconds.
        public var start: Double
        public var duration: Double
        /// The best envelope correlation found (−1…1).
        public var correlation: Double
        public var found: Bool { correlation >= AudibleCueCheck.threshold }
    }

    public init() {}

    /// Checks each span (seconds) of `audio` for `cue`.
    public func check(_ cue: AudibleCue, spans: [(start: Double, duration: Double)], in audio: AudioSamples) throws -> [SpanResult] {
        let reference = Self.envelope(try AudioCodec.resample(cue.reference(sampleRate: Self.analysisRate), to: Self.analysisRate, channels: 1).samples)
        let mono = try AudioCodec.resample(AudioSamples(sampleRate: audio.sampleRate, channels: 1, samples: audio.mono), to: Self.analysisRate, channels: 1).samples
        let framesPerSecond = Double(Self.analysisRate) / Double(Self.hop)
        let lag = Int(Self.maximumLag * framesPerSecond)
        return spans.map { span in
            // The cue sits at the span's start (a start cue) or just before its end (an end cue, after its pause).
            let start = Int(span.start * framesPerSecond), end = Int((span.start + span.duration) * framesPerSecond)
            var best = -1.0
            for anchor in Set([start, end - reference.count]) {
                let first = max(0, anchor - lag) * Self.hop
                let last = min(mono.count, (anchor + lag + reference.count) * Self.hop + Self.frameLength)
                guard first < last, first >= 0, anchor + lag >= 0 else { continue }
                let region = Self.envelope(Array(mono[first..<last]))
                let shift = anchor - max(0, anchor - lag)
                for offset in -lag...lag {
                    let at = shift + offset
                    guard at >= 0, at + reference.count <= region.count else { continue }
                    best = max(best, Self.correlation(reference, region[at..<(at + reference.count)]))
                }
            }
            return SpanResult(start: span.start, duration: span.duration, correlation: max(best, 0))
        }
    }

    /// Per frame, the log energies of the bands (a small floor keeps silence finite).
    static func envelope(_ signal: [Float]) -> [[Float]] {
        guard signal.count >= frameLength else { return [] }
        let n = frameLength
        let window = (0..<n).map { Float(0.5 - 0.5 * cos(2 * Double.pi * Double($0) / Double(n))) }
        let bins = bandEdges.first!..<bandEdges.last!
        let cosines = bins.map { k in (0..<n).map { Float(cos(2 * Double.pi * Double(k * $0) / Double(n))) } }
        let sines = bins.map { k in (0..<n).map { Float(sin(2 * Double.pi * Double(k * $0) / Double(n))) } }
        var frames: [[Float]] = []
        var windowed = [Float](repeating: 0, count: n)
        for start in stride(from: 0, through: signal.count - n, by: hop) {
            for index in 0..<n { windowed[index] = signal[start + index] * window[index] }
            var power = [Float](repeating: 0, count: bins.count)
            for (row, _) in bins.enumerated() {
                var re: Float = 0, im: Float = 0
                cosines[row].withUnsafeBufferPointer { c in
                    sines[row].withUnsafeBufferPointer { s in
                        for index in 0..<n {
                            re += windowed[index] * c[index]
                            im += windowed[index] * s[index]
                        }
                    }
                }
                power[row] = re * re + im * im
            }
            frames.append((0..<(bandEdges.count - 1)).map { band in
                var energy: Float = 1e-7
                for bin in bandEdges[band]..<bandEdges[band + 1] { energy += power[bin - bins.lowerBound] }
                return log(energy)
            })
        }
        return frames
    }

    /// Pearson correlation of two envelope sequences of equal length, over all their values.
    static func correlation(_ a: [[Float]], _ b: ArraySlice<[Float]>) -> Double {
        var sa = 0.0, sb = 0.0, saa = 0.0, sbb = 0.0, sab = 0.0, count = 0.0
        for (x, y) in zip(a, b) {
            for (u, v) in zip(x, y) {
                let p = Double(u), q = Double(v)
                sa += p
                sb += q
                saa += p * p
                sbb += q * q
                sab += p * q
                count += 1
            }
        }
        guard count > 1 else { return 0 }
        let covariance = sab - sa * sb / count
        let variance = (saa - sa * sa / count) * (sbb - sb * sb / count)
        return variance > 0 ? covariance / variance.squareRoot() : 0
    }
}
