import Foundation

/// The short-time spectrum the audio watermark works in (see ``AudioMarkLayout``): √Hann-windowed
/// 512-sample frames, 256 apart, so analysis and synthesis windows together overlap-add to one.
struct AudioSpectrogram {
    static let window: [Float] = (0..<AudioMarkLayout.frameLength).map { Float(sin(Double.pi * Double($0) / Double(AudioMarkLayout.frameLength))) }
    let fft = FFT(size: AudioMarkLayout.frameLength)

    /// Frames starting at `offset`, hop apart, as long as a whole frame fits.
    static func frameCount(samples: Int, offset: Int) -> Int {
        let n = AudioMarkLayout.frameLength
        return offset >= 0 && samples - offset >= n ? (samples - offset - n) / AudioMarkLayout.hop + 1 : 0
    }

    /// The spectrum of the frame at `start` (bins 0…N/2 used).
    func spectrum(_ signal: [Float], at start: Int, real: inout [Float], imag: inout [Float]) {
        let n = AudioMarkLayout.frameLength
        signal.withUnsafeBufferPointer { source in
            for index in 0..<n {
                real[index] = source[start + index] * Self.window[index]
                imag[index] = 0
            }
        }
        real.withUnsafeMutableBufferPointer { re in imag.withUnsafeMutableBufferPointer { im in fft.transform(re.baseAddress!, im.baseAddress!, inverse: false) } }
    }

    /// The energies of `frames` frames from `offset`: each frame's 80 subbands, row-major, and, when
    /// `totals` is asked for, each frame's energy over the whole spectrum.
    func subbandEnergies(_ signal: [Float], offset: Int, frames: Int, totals: Bool = false) -> (subbands: [Float], totals: [Float]) {
        let n = AudioMarkLayout.frameLength
        var real = [Float](repeating: 0, count: n), imag = real
        var energies = [Float](repeating: 0, count: frames * AudioMarkLayout.subbands)
        var frameTotals = [Float](repeating: 0, count: totals ? frames : 0)
        for frame in 0..<frames {
            spectrum(signal, at: offset + frame * AudioMarkLayout.hop, real: &real, imag: &imag)
            let base = frame * AudioMarkLayout.subbands
            for band in 0..<AudioMarkLayout.subbands {
                let first = AudioMarkLayout.firstBin + band * AudioMarkLayout.subbandWidth
                var energy: Float = 0
                for bin in first..<(first + AudioMarkLayout.subbandWidth) { energy += real[bin] * real[bin] + imag[bin] * imag[bin] }
                energies[base + band] = energy
            }
            if totals {
                var total: Float = 0
                for bin in 0...(n / 2) { total += real[bin] * real[bin] + imag[bin] * imag[bin] }
                frameTotals[frame] = total
            }
        }
        return (energies, frameTotals)
    }
}
