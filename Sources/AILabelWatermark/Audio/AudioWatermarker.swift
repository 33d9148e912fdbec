import AILabelMedia
import Foundation

/// ailabel's audio watermark: the 64-bit label ID in the 1–6 kHz band, robust to lossy coding,
/// resampling, gain, noise and cuts. Each feature is the log energy ratio of two pairs of 250 Hz
/// subbands in one 64 ms slot, quantised (dithered QIM, so the host signal does not interfere) onto
/// one of two interleaved lattices: a gain changes no ratio, a codec's noise moves it little. The
/// mark is at most −33 dB of each frame's energy (the gains are bounded per slot), made at 16 kHz
/// from the channels' mix and added to every channel at the file's own rate. See Docs/watermark.md.
public struct AudioWatermarker: Sendable {
    let layout = AudioMarkLayout()

    /// The mark's power below each frame's, in dB (segmental SNR ≥ 30 dB with room for the second pass).
    public static let frameSNR: Float = 33
    /// The shortest audio that holds one period of the mark (3.84 s) with room to find it.
    public static let minimumDuration = 4.5

    public init() {}

    /// `audio` with `payload` embedded.
    public func embed(_ payload: UInt64, into audio: AudioSamples) throws -> AudioSamples {
        guard audio.duration >= Self.minimumDuration else {
            throw MediaError.make(.invalidArgument, "the audio is \(String(format: "%.1f", audio.duration)) s long; the watermark needs at least \(Self.minimumDuration) s")
        }
        let rate = AudioMarkLayout.sampleRate
        let mix = try AudioCodec.resample(AudioSamples(sampleRate: audio.sampleRate, channels: 1, samples: audio.mono), to: rate, channels: 1).samples
        let bits = layout.featureBits(codeword: layout.codeword(for: payload))
        var marked = mix
        var mark = [Float](repeating: 0, count: mix.count)
        // Two passes: the second corrects what overlap-add at slot edges and the first pass's budget left.
        for pass in 0..<2 {
            let delta = markPass(marked, bits: bits, budgetScale: pass == 0 ? 1 : 0.35)
            for index in delta.indices {
                marked[index] += delta[index]
                mark[index] += delta[index]
            }
        }
        let upsampled = try AudioCodec.resample(AudioSamples(sampleRate: rate, channels: 1, samples: mark), to: audio.sampleRate, channels: 1).samples
        var out = audio
        let channels = audio.channels
        for frame in 0..<min(audio.frameCount, upsampled.count) {
            for channel in 0..<channels {
                let index = frame * channels + channel
                out.samples[index] = min(max(out.samples[index] + upsampled[frame], -1), 1)
            }
        }
        return out
    }

    /// One embedding pass over the 16 kHz mix: the mark signal that moves every feature toward its
    /// bit's lattice, as far as each slot's budget allows.
    func markPass(_ signal: [Float], bits: [UInt8], budgetScale: Float) -> [Float] {
        let n = AudioMarkLayout.frameLength, hop = AudioMarkLayout.hop
        let spectrogram = AudioSpectrogram()
        let frames = AudioSpectrogram.frameCount(samples: signal.count, offset: 0)
        let slots = frames / AudioMarkLayout.framesPerSlot
        var reals = [[Float]](), imags = [[Float]]()
        var bandEnergy = [[Float]](), totalEnergy = [Float]()
        var real = [Float](repeating: 0, count: n), imag = real
        for frame in 0..<(slots * AudioMarkLayout.framesPerSlot) {
            spectrogram.spectrum(signal, at: frame * hop, real: &real, imag: &imag)
            reals.append(real)
            imags.append(imag)
            var total: Float = 0
            for bin in 0...(n / 2) { total += real[bin] * real[bin] + imag[bin] * imag[bin] }
            totalEnergy.append(total)
            bandEnergy.append((0..<AudioMarkLayout.subbands).map { band in
                let first = AudioMarkLayout.firstBin + band * AudioMarkLayout.subbandWidth
                var energy: Float = 0
                for bin in first..<(first + AudioMarkLayout.subbandWidth) { energy += real[bin] * real[bin] + imag[bin] * imag[bin] }
                return energy
            })
        }
        let power = pow(10, -Self.frameSNR / 10)
        var gains = [[Float]](repeating: [Float](repeating: 0, count: AudioMarkLayout.subbands), count: reals.count)  // gain − 1
        for slot in 0..<slots {
            let frameRange = (slot * AudioMarkLayout.framesPerSlot)..<((slot + 1) * AudioMarkLayout.framesPerSlot)
            // The budget: the largest relative change that keeps every frame's mark `frameSNR` below it.
            var budget: Float = 0.3
            for frame in frameRange {
                let band = bandEnergy[frame].reduce(0, +)
                guard band > 1e-9 else {
                    budget = 0
                    break
                }
                budget = min(budget, (power * totalEnergy[frame] / band).squareRoot())
            }
            budget *= budgetScale
            guard budget > 0 else { continue }
            for (featureIndex, pair) in layout.pairs.enumerated() {
                let position = (slot % AudioMarkLayout.slotsPerPeriod) * AudioMarkLayout.featuresPerSlot + featureIndex
                var a: Float = 0, b: Float = 0
                for frame in frameRange {
                    for band in pair.a { a += bandEnergy[frame][band] }
                    for band in pair.b { b += bandEnergy[frame][band] }
                }
                guard a > 1e-9, b > 1e-9 else { continue }
                let u = log(a / b) / AudioMarkLayout.step - layout.dither[position] - Float(bits[position]) / 2
                let shift = (u.rounded() - u) * AudioMarkLayout.step  // nepers to the nearest lattice point
                let change = min(max(shift / 4, -budget), budget)
                for frame in frameRange {
                    for band in pair.a { gains[frame][band] = change }
                    for band in pair.b { gains[frame][band] = -change }
                }
            }
        }
        // The mark: (gain − 1) × spectrum in the band, inverse transformed, windowed, overlap-added.
        var mark = [Float](repeating: 0, count: signal.count)
        let inverse = FFT(size: n)
        for frame in reals.indices where gains[frame].contains(where: { $0 != 0 }) {
            var re = [Float](repeating: 0, count: n), im = re
            for band in 0..<AudioMarkLayout.subbands where gains[frame][band] != 0 {
                let first = AudioMarkLayout.firstBin + band * AudioMarkLayout.subbandWidth
                for bin in first..<(first + AudioMarkLayout.subbandWidth) {
                    re[bin] = gains[frame][band] * reals[frame][bin]
                    im[bin] = gains[frame][band] * imags[frame][bin]
                    re[n - bin] = re[bin]
                    im[n - bin] = -im[bin]
                }
            }
            re.withUnsafeMutableBufferPointer { r in im.withUnsafeMutableBufferPointer { i in inverse.transform(r.baseAddress!, i.baseAddress!, inverse: true) } }
            let start = frame * hop
            for index in 0..<n { mark[start + index] += re[index] / Float(n) * AudioSpectrogram.window[index] }
        }
        return mark
    }

    // MARK: Detection

    /// The mark in `audio`, when one is there and its CRC checks out.
    public func detect(in audio: AudioSamples) throws -> AudioWatermarkDetection? {
        try analyze(audio).detection
    }

    /// Everything the reader saw: the detection, and the best synchronisation score.
    public func analyze(_ audio: AudioSamples) throws -> AudioWatermarkAnalysis {
        let rate = AudioMarkLayout.sampleRate
        let mix = try AudioCodec.resample(AudioSamples(sampleRate: audio.sampleRate, channels: 1, samples: audio.mono), to: rate, channels: 1).samples
        let spectrogram = AudioSpectrogram()
        struct Candidate {
            var z: Double
            var ratios: [[Float?]]
            var periodOffset: Int
            var sampleOffset: Int
        }
        var candidates: [Candidate] = []
        let tau = 2 * Float.pi
        for offset in stride(from: 0, to: AudioMarkLayout.hop, by: AudioMarkLayout.hop / 4) {
            let energies = spectrogram.subbandEnergies(mix, offset: offset)
            for phase in 0..<AudioMarkLayout.framesPerSlot {
                let slots = max(0, (energies.count - phase) / AudioMarkLayout.framesPerSlot)
                guard slots > 0 else { continue }
                // Each slot's feature ratios (nil where a pair is silent).
                let ratios: [[Float?]] = (0..<slots).map { slot in
                    let frames = (phase + slot * AudioMarkLayout.framesPerSlot)..<(phase + (slot + 1) * AudioMarkLayout.framesPerSlot)
                    return layout.pairs.map { pair in
                        var a: Float = 0, b: Float = 0
                        for frame in frames {
                            for band in pair.a { a += energies[frame][band] }
                            for band in pair.b { b += energies[frame][band] }
                        }
                        return a > 1e-9 && b > 1e-9 ? log(a / b) / AudioMarkLayout.step : nil
                    }
                }
                for periodOffset in 0..<AudioMarkLayout.slotsPerPeriod {
                    var score: Float = 0
                    var count = 0
                    for slot in 0..<slots {
                        let base = ((slot + periodOffset) % AudioMarkLayout.slotsPerPeriod) * AudioMarkLayout.featuresPerSlot
                        for feature in 0..<AudioMarkLayout.featuresPerSlot {
                            let position = base + feature
                            guard layout.role[position] == nil, let ratio = ratios[slot][feature] else { continue }
                            score += cos(tau * (ratio - layout.dither[position] - Float(layout.syncValue[position]) / 2))
                            count += 1
                        }
                    }
                    guard count > 0 else { continue }
                    candidates.append(Candidate(z: Double(score) / (Double(count) / 2).squareRoot(), ratios: ratios, periodOffset: periodOffset, sampleOffset: offset + phase * AudioMarkLayout.hop))
                }
            }
        }
        candidates.sort { $0.z > $1.z }
        let best = candidates.first?.z ?? 0
        for candidate in candidates.prefix(Self.candidatesDecoded) where candidate.z >= Self.minimumSyncScore {
            var soft = [Float](repeating: 0, count: AudioMarkLayout.codedBits)
            for (slot, ratios) in candidate.ratios.enumerated() {
                let base = ((slot + candidate.periodOffset) % AudioMarkLayout.slotsPerPeriod) * AudioMarkLayout.featuresPerSlot
                for (feature, ratio) in ratios.enumerated() {
                    guard let ratio, let bit = layout.role[base + feature] else { continue }
                    soft[bit] += cos(tau * (ratio - layout.dither[base + feature]))
                }
            }
            var message = ConvolutionalCode.decode(soft: soft, messageBits: AILabelWatermarker.messageBits)
            for index in message.indices { message[index] ^= layout.whitening[index] }
            var payload: UInt64 = 0
            for bit in 0..<64 { payload = (payload << 1) | UInt64(message[bit]) }
            var crc: UInt32 = 0
            for bit in 64..<88 { crc = (crc << 1) | UInt32(message[bit]) }
            guard crc == CRC24.checksum(payload) else { continue }
            let codeword = layout.codeword(for: payload)
            let errors = zip(soft, codeword).filter { value, bit in value != 0 && (value > 0) != (bit == 0) }.count
            return AudioWatermarkAnalysis(
                detection: AudioWatermarkDetection(
                    payload: WatermarkPayload(payload), syncScore: candidate.z, codedBitErrors: errors, codedBitCount: AudioMarkLayout.codedBits),
                bestSyncScore: best)
        }
        return AudioWatermarkAnalysis(detection: nil, bestSyncScore: best)
    }

    /// Candidates (sample offset, slot phase, period position) decoded, best synchronisation first:
    /// with CRC-24, unmarked audio passes one with probability about 5 × 2⁻²⁴.
    static let candidatesDecoded = 5
    /// A candidate whose sync z-score is below this is not decoded (chance reaches about 3.5 over 960 candidates).
    static let minimumSyncScore = 3.0
}

/// An audio watermark that was found: its payload checked out against its CRC-24.
public struct AudioWatermarkDetection: Sendable, Hashable {
    public let payload: WatermarkPayload
    /// The synchronisation z-score of the candidate that decoded.
    public let syncScore: Double
    /// Coded bits read wrong (corrected by the convolutional code), of ``codedBitCount``.
    public let codedBitErrors: Int
    public let codedBitCount: Int
}

/// What the reader saw, whether or not a mark checked out.
public struct AudioWatermarkAnalysis: Sendable {
    public let detection: AudioWatermarkDetection?
    public let bestSyncScore: Double
}
