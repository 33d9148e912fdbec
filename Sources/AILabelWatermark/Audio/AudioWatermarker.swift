import AILabelMedia
import Foundation

/// ailabel's audio watermark: the 64-bit label ID in the 94 Hz–5.1 kHz band, robust to lossy coding,
/// resampling, gain, noise and cuts. Each of a period's 240 slots is the log ratio of the energies on
/// the two sides of 25 pairs of neighbouring 62.5 Hz subbands spread over the period, quantised
/// (dithered spread-transform QIM, so the host signal does not interfere) onto one of two interleaved
/// lattices: a gain changes no ratio, a codec's or a noise's change to one cell is diluted among the slot's cells.
/// The mark is at least 28 dB below each frame's energy (the sum of every pass's gains is bounded per
/// hop; the segmental SNR comes out above 30 dB), made at 16 kHz from the channels' mix and added to
/// every channel at the file's own rate. See Docs/watermark.md.
public struct AudioWatermarker: Sendable {
    let layout = AudioMarkLayout()

    /// The mark's energy below each frame's, in dB, at most: a floor for every frame, where the
    /// segmental SNR is a mean (frames above 35 dB count as 35), which comes out 2.8–4.7 dB higher.
    public static let frameSNR: Float = 28
    /// The largest change to one subband of one hop, as a log amplitude gain (±1.5 dB).
    static let largestGain: Float = 0.17
    /// Embedding passes: each one corrects what the overlap of neighbouring frames undid of the last.
    static let passes = 5
    /// The shortest audio that holds one period of the mark (2.4 s) with room to find it.
    public static let minimumDuration = 3.0

    public init() {}

    /// `audio` with `payload` embedded.
    public func embed(_ payload: UInt64, into audio: AudioSamples) throws -> AudioSamples {
        guard audio.duration >= Self.minimumDuration else {
            throw MediaError.make(.invalidArgument, "the audio is \(String(format: "%.1f", audio.duration)) s long; the watermark needs at least \(Self.minimumDuration) s")
        }
        let rate = AudioMarkLayout.sampleRate
        let mix = try AudioCodec.resample(AudioSamples(sampleRate: audio.sampleRate, channels: 1, samples: audio.mono), to: rate, channels: 1).samples
        let bits = layout.slotBits(codeword: layout.codeword(for: payload))
        var marked = mix
        var mark = [Float](repeating: 0, count: mix.count)
        var budget = MarkBudget()
        for _ in 0..<Self.passes {
            let delta = markPass(marked, bits: bits, budget: &budget)
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

    /// What the passes have spent: each hop's budget (set by the first pass, from the unmarked audio),
    /// and the log gain each pair's lower subband has had so far (its upper subband had the opposite).
    struct MarkBudget {
        /// Per hop, the mark's energy allowed: `frameSNR` below the unmarked hop's.
        var allowed: [Float] = []
        /// The unmarked hop's subband energies (80 per hop).
        var energies: [Float] = []
        var applied: [Float] = []
    }

    /// One embedding pass over the 16 kHz mix: the mark signal that moves every slot of every instance
    /// of the period toward its bit's lattice point, as far as each hop's budget allows. The budget
    /// bounds the sum of every pass's gains, so more passes converge without a louder mark.
    func markPass(_ signal: [Float], bits: [UInt8], budget: inout MarkBudget) -> [Float] {
        let n = AudioMarkLayout.frameLength, hop = AudioMarkLayout.hop, pairs = AudioMarkLayout.pairs
        let period = AudioMarkLayout.hopsPerPeriod, step = AudioMarkLayout.step
        let spectrogram = AudioSpectrogram()
        let frames = AudioSpectrogram.frameCount(samples: signal.count, offset: 0)
        let (energies, totals) = spectrogram.subbandEnergies(signal, offset: 0, frames: frames, totals: true)
        let features = AudioMarkFeatures(energies: energies, frames: frames, phase: 0, layout: layout)
        // Each slot's move, in nepers of its log ratio, to the nearest point of its bit's lattice.
        var shift = [Float](repeating: 0, count: features.instances * AudioMarkLayout.slotsPerPeriod)
        for instance in 0..<features.instances {
            for slot in 0..<AudioMarkLayout.slotsPerPeriod {
                guard let ratio = features.ratio(instance: instance, slot: slot) else { continue }
                let u = ratio - layout.dither[slot] - Float(bits[slot]) / 2
                shift[instance * AudioMarkLayout.slotsPerPeriod + slot] = (u.rounded() - u) * step
            }
        }
        if budget.allowed.isEmpty {
            let power = pow(10, -Self.frameSNR / 10)
            budget.allowed = totals.map { $0 * power }
            budget.energies = energies
            budget.applied = [Float](repeating: 0, count: frames * pairs)
        }
        var wanted = [Float](repeating: 0, count: pairs)
        var mark = [Float](repeating: 0, count: signal.count)
        var real = [Float](repeating: 0, count: n), imag = real
        var re = real, im = real  // the mark's spectrum of one frame, reused frame after frame
        var gain = [Float](repeating: 0, count: AudioMarkLayout.subbands)  // amplitude gain − 1
        for frame in 0..<min(frames, budget.allowed.count) where budget.allowed[frame] > 0 {
            let position = frame % period
            let row = frame / period * AudioMarkLayout.slotsPerPeriod
            // Each pair's log gain after this pass, were it free: what it had plus what its slot wants.
            // (A ratio moves by four times the log gain: A's energy up by twice it, B's down by twice.)
            for pair in 0..<pairs {
                let cell = position * pairs + pair
                let move = shift[row + layout.slot[cell]] / 4 * (layout.lowerIsA[cell] ? 1 : -1)
                wanted[pair] = min(max(budget.applied[frame * pairs + pair] + move, -Self.largestGain), Self.largestGain)
            }
            let limit = largestGainWithin(budget.allowed[frame], wanted: wanted, energies: budget.energies, frame: frame)
            var changed = false
            for pair in 0..<pairs {
                let spent = budget.applied[frame * pairs + pair]
                let change = min(max(wanted[pair], -limit), limit) - spent
                budget.applied[frame * pairs + pair] = spent + change
                gain[2 * pair] = exp(change) - 1
                gain[2 * pair + 1] = exp(-change) - 1
                changed = changed || change != 0
            }
            guard changed else { continue }
            // The mark: (gain − 1) × spectrum in the band, inverse transformed, windowed, overlap-added.
            spectrogram.spectrum(signal, at: frame * hop, real: &real, imag: &imag)
            for index in 0..<n {
                re[index] = 0
                im[index] = 0
            }
            for index in 0..<AudioMarkLayout.subbands where gain[index] != 0 {
                let first = AudioMarkLayout.firstBin + index * AudioMarkLayout.subbandWidth
                for bin in first..<(first + AudioMarkLayout.subbandWidth) {
                    re[bin] = gain[index] * real[bin]
                    im[bin] = gain[index] * imag[bin]
                    re[n - bin] = re[bin]
                    im[n - bin] = -im[bin]
                }
            }
            re.withUnsafeMutableBufferPointer { r in im.withUnsafeMutableBufferPointer { i in spectrogram.fft.transform(r.baseAddress!, i.baseAddress!, inverse: true) } }
            let start = frame * hop
            for index in 0..<n { mark[start + index] += re[index] / Float(n) * AudioSpectrogram.window[index] }
        }
        return mark
    }

    /// The largest bound on the pairs' log gains that keeps the hop's mark within `allowed` energy:
    /// pairs that want little take little, and what they leave goes to the pairs that want more (water
    /// filling, by bisection). The mark's energy in a subband of energy E under log gain g is (e^g − 1)²E.
    func largestGainWithin(_ allowed: Float, wanted: [Float], energies: [Float], frame: Int) -> Float {
        let base = frame * AudioMarkLayout.subbands
        func energy(_ limit: Float) -> Float {
            var total: Float = 0
            for pair in 0..<AudioMarkLayout.pairs {
                let g = min(max(wanted[pair], -limit), limit)
                let up = exp(g) - 1, down = exp(-g) - 1
                total += up * up * energies[base + 2 * pair] + down * down * energies[base + 2 * pair + 1]
            }
            return total
        }
        guard energy(Self.largestGain) > allowed else { return Self.largestGain }
        var low: Float = 0, high = Self.largestGain
        for _ in 0..<16 {
            let middle = (low + high) / 2
            if energy(middle) > allowed { high = middle } else { low = middle }
        }
        return low
    }

    // MARK: Detection

    /// The mark in `audio`, when one is there and its CRC checks out.
    public func detect(in audio: AudioSamples) throws -> AudioWatermarkDetection? {
        try analyze(audio).detection
    }

    /// Everything the reader saw: the detection, and the best synchronisation score.
    ///
    /// The reader does not know where the audio starts in the mark's period (a cut, a codec's delay):
    /// in a window of four periods, it tries every hop of the period at 16 frame offsets within a hop
    /// (2,400 alignments, scored by their sync slots alone), refines the best few to 4 samples, and
    /// decodes each over every whole period of the searched region, keeping the first whose CRC checks out. When
    /// none does, the next window is tried, up to ``windowsSearched``.
    public func analyze(_ audio: AudioSamples) throws -> AudioWatermarkAnalysis {
        let rate = AudioMarkLayout.sampleRate
        let mix = try AudioCodec.resample(AudioSamples(sampleRate: audio.sampleRate, channels: 1, samples: audio.mono), to: rate, channels: 1).samples
        let hop = AudioMarkLayout.hop, period = AudioMarkLayout.hopsPerPeriod
        let spectrogram = AudioSpectrogram()
        var best = 0.0
        var firstRead: AudioMarkReading?
        for window in 0..<Self.windowsSearched {
            let windowStart = window * Self.windowFrames * hop
            guard AudioSpectrogram.frameCount(samples: mix.count, offset: windowStart) >= period else { break }
            var candidates: [(score: Double, start: Int)] = []
            for offset in stride(from: 0, to: hop, by: Self.coarseOffset) {
                let frames = min(Self.windowFrames, AudioSpectrogram.frameCount(samples: mix.count, offset: windowStart + offset))
                guard frames >= period else { continue }
                let energies = spectrogram.subbandEnergies(mix, offset: windowStart + offset, frames: frames).subbands
                for phase in 0..<period {
                    let score = AudioMarkFeatures.syncScore(energies: energies, frames: frames, phase: phase, layout: layout)
                    // Frame 0 is at position `phase`: the period starts (period − phase) % period frames in.
                    candidates.append((score, windowStart + offset + (period - phase) % period * hop))
                }
            }
            candidates.sort { $0.score > $1.score }
            best = max(best, candidates.first?.score ?? 0)
            for candidate in candidates.prefix(Self.candidatesDecoded) where candidate.score >= Self.minimumSyncScore {
                var start = candidate.start, score = candidate.score
                for shift in [-12, -8, -4, 4, 8, 12] {
                    let tried = windowScore(mix, start: candidate.start + shift, windowStart: windowStart, spectrogram: spectrogram)
                    if tried > score { (start, score) = (candidate.start + shift, tried) }
                }
                best = max(best, score)
                let reading = read(mix, start: start, syncScore: score, spectrogram: spectrogram)
                if firstRead == nil { firstRead = reading }
                if let detection = reading.detection {
                    return AudioWatermarkAnalysis(detection: detection, bestSyncScore: best, firstReading: reading)
                }
            }
        }
        return AudioWatermarkAnalysis(detection: nil, bestSyncScore: best, firstReading: firstRead)
    }

    /// The first frame at or after `from` on the grid of a period that starts at sample `start`, and
    /// the position in the period of that frame.
    static func grid(start: Int, from: Int) -> (offset: Int, phase: Int) {
        let hop = AudioMarkLayout.hop, period = AudioMarkLayout.hopsPerPeriod
        let within = ((start - from) % hop + hop) % hop
        let offset = from + within
        // Frames from `offset` are hop apart; the period starts at frame (start − offset) / hop.
        let startFrame = ((start - offset) / hop % period + period) % period
        return (offset, (period - startFrame) % period)
    }

    /// The sync score of a period starting at sample `start`, in the window from `windowStart`.
    func windowScore(_ mix: [Float], start: Int, windowStart: Int, spectrogram: AudioSpectrogram) -> Double {
        let (offset, phase) = Self.grid(start: start, from: windowStart)
        let frames = min(Self.windowFrames, AudioSpectrogram.frameCount(samples: mix.count, offset: offset))
        guard frames >= AudioMarkLayout.hopsPerPeriod else { return 0 }
        let energies = spectrogram.subbandEnergies(mix, offset: offset, frames: frames).subbands
        return AudioMarkFeatures.syncScore(energies: energies, frames: frames, phase: phase, layout: layout)
    }

    /// Reads the coded bits of every whole period of the file's first 79 s for a period starting at sample
    /// `start`, and decodes them: a detection when the CRC checks out.
    func read(_ mix: [Float], start: Int, syncScore: Double, spectrogram: AudioSpectrogram) -> AudioMarkReading {
        let (offset, phase) = Self.grid(start: start, from: 0)
        // The periods of the searched region only (79 s): each alignment decoded costs a transform of what
        // it reads, and up to 48 are decoded in unmarked audio, so a 10-minute file read whole cost 8 times
        // what its first 79 s do, for evidence the first 32 periods already give.
        let frames = min(Self.framesRead, AudioSpectrogram.frameCount(samples: mix.count, offset: offset))
        let energies = spectrogram.subbandEnergies(mix, offset: offset, frames: frames).subbands
        let features = AudioMarkFeatures(energies: energies, frames: frames, phase: phase, layout: layout)
        let tau = 2 * Float.pi
        var soft = [Float](repeating: 0, count: AudioMarkLayout.codedBits)
        for instance in features.wholeInstances {
            for slot in 0..<AudioMarkLayout.slotsPerPeriod {
                guard let bit = layout.role[slot], let ratio = features.ratio(instance: instance, slot: slot) else { continue }
                soft[bit] += cos(tau * (ratio - layout.dither[slot]))
            }
        }
        let paths = syncScore >= Self.listSyncScore ? Self.pathsDecoded : 1
        let (payload, checks) = PayloadMessage.decode(soft: soft, whitening: layout.whitening, paths: paths)
        var detection: AudioWatermarkDetection?
        if checks {
            // Coded bits without evidence (no cell survived) are erasures to the decoder, not errors.
            let errors = AudioMarkReading.errors(in: soft, against: layout.codeword(for: payload), countingErasures: false)
            detection = AudioWatermarkDetection(
                payload: WatermarkPayload(payload), syncScore: syncScore, codedBitErrors: errors, codedBitCount: AudioMarkLayout.codedBits)
        }
        return AudioMarkReading(guess: WatermarkPayload(payload), detection: detection, syncScore: syncScore, soft: soft)
    }

    /// The coded bits of `reading` that differ from those `payload` is sent as (a bit read as 0, no
    /// evidence either way, counts as wrong): how much of the channel a benchmark's attack destroyed,
    /// whether or not the code could still correct it.
    public func codedBitErrors(in reading: AudioMarkReading, against payload: WatermarkPayload) -> Int {
        AudioMarkReading.errors(in: reading.soft, against: layout.codeword(for: payload.value), countingErasures: true)
    }

    /// Coded bits per period: the 64-bit payload and its CRC-24, convolutionally coded.
    public static var codedBits: Int { AudioMarkLayout.codedBits }

    /// Frames in one search window: four periods (9.6 s), so a window holds three whole ones.
    static let windowFrames = 4 * AudioMarkLayout.hopsPerPeriod
    /// Windows tried before the reader gives up: the mark is looked for in the first 77 s.
    static let windowsSearched = 8
    /// Frames an alignment's decoding reads: the searched windows and one period more (79 s).
    static let framesRead = windowsSearched * windowFrames + AudioMarkLayout.hopsPerPeriod
    /// The seconds from the start the reader looks at (with a second to spare for resampling's edges):
    /// a caller may decode only these.
    public static let secondsRead = Double(framesRead * AudioMarkLayout.hop + AudioMarkLayout.frameLength) / Double(AudioMarkLayout.sampleRate) + 1
    /// The search's step within a hop, in samples at 16 kHz; refining brings it to 4.
    static let coarseOffset = 16
    /// Alignments decoded per window, best synchronisation first: with CRC-24, unmarked audio passes
    /// one with probability about 6 × 2⁻²⁴.
    static let candidatesDecoded = 6
    /// Messages tried, most likely first, for an alignment whose synchronisation is beyond chance
    /// (``listSyncScore``): a short cut of steady music leaves one period with a few coded bits too many
    /// wrong for the most likely message, and the right one is often among the next. On seed 11's music
    /// clips cut to 5 s at ten spread starts, 133 of 150 decoded with one message, 142 with 8, 143 with 16
    /// and 144 with 32 (Docs/watermark.md).
    static let pathsDecoded = 16
    /// The sync z-score from which the list is tried. In 100 clean clips the best alignment scored at most
    /// 4.74 (median 3.9); marked 5 s cuts that fail with one message score 6.3–8.6. So unmarked audio
    /// almost never reaches the list, and its chance of passing a CRC stays that of one message.
    static let listSyncScore = 6.0
    /// An alignment whose sync z-score is below this is not decoded (chance reaches about 3.5 over the
    /// 2,400 alignments of a window).
    static let minimumSyncScore = 3.0
}

/// An audio watermark that was found: its payload checked out against its CRC-24.
public struct AudioWatermarkDetection: Sendable, Hashable {
    public let payload: WatermarkPayload
    /// The synchronisation z-score of the alignment that decoded.
    public let syncScore: Double
    /// Coded bits read wrong (corrected by the convolutional code), of ``codedBitCount``.
    public let codedBitErrors: Int
    public let codedBitCount: Int
}

/// What the reader saw, whether or not a mark checked out.
public struct AudioWatermarkAnalysis: Sendable {
    public let detection: AudioWatermarkDetection?
    public let bestSyncScore: Double
    /// The reading that gave ``detection``; without one, that of the best-synchronised alignment decoded
    /// (nil when none reached the sync gate): the payload its bits give, even when its CRC failed, for the
    /// bit accuracy a benchmark reports.
    public let firstReading: AudioMarkReading?
}

/// The coded bits read at one alignment, summed over every whole period, and what they decode to.
public struct AudioMarkReading: Sendable {
    /// The 64 bits the Viterbi decoder gives, whether or not the CRC checks out.
    public let guess: WatermarkPayload
    /// The mark, when the CRC checks out.
    public let detection: AudioWatermarkDetection?
    public let syncScore: Double
    /// One soft value per coded bit (positive reads 0).
    let soft: [Float]

    /// Coded bits of `soft` that disagree with `codeword` (a positive value reads 0); a value of 0 (no
    /// evidence) counts as wrong only `countingErasures`.
    static func errors(in soft: [Float], against codeword: [UInt8], countingErasures: Bool) -> Int {
        zip(soft, codeword).filter { value, bit in value == 0 ? countingErasures : (value > 0) != (bit == 0) }.count
    }
}
