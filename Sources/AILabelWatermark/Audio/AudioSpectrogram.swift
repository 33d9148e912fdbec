import Foundation

/// The short-time spectrum the audio watermark works in (see ``AudioMarkLayout``): √Hann-windowed
/// 512-sample frames, 256 apart, so analysis and synthesis windows together overlap-add to one.
struct AudioSpectrogram {
    static let window: [Float] = (0..<AudioMarkLayout.frameLength).map { Float(sin(Double.pi * Double($0) / Double(AudioMarkLayout.frameLength))) }
    let fft = FFT(size: AudioMarkLayout.frameLength)

    /// Frames starting at `offset`, hop apart, as long as a whole frame fits.
    static func frameCount(samples: Int, offset: Int) -> Int {
        let n = AudioMarkLayout.frameLength
        return samples - offset >= n ? (samples - offset - n) / AudioMarkLayout.hop + 1 : 0
    }

    /// The spectrum of the frame at `start` (bins 0…N/2 used).
    func spectrum(_ signal: [Float], at start: Int, real: inout [Float], imag: inout [Float]) {
        let n = AudioMarkLayout.frameLength
        for index in 0..<n {
            real[index] = signal[start + index] * Self.window[index]
            imag[index] = 0
        }
        real.withUnsafeMutableBufferPointer { re in imag.withUnsafeMutableBufferPointer { im in fft.transform(re.baseAddress!, im.baseAddress!, inverse: false) } }
    }

    /// Per frame, the energy of each of the 20 subbands.
    func subbandEnergies(_ signal: [Float], offset: Int) -> [[Float]] {
        let frames = Self.frameCount(samples: signal.count, offset: offset)
        var real = [Float](repeating: 0, count: AudioMarkLayout.frameLength), imag = real
        return (0..<frames).map { frame in
            spectrum(signal, at: offset + frame * AudioMarkLayout.hop, real: &real, imag: &imag)
            return (0..<AudioMarkLayout.subbands).map { band in
                var energy: Float = 0
                let first = AudioMarkLayout.firstBin + band * AudioMarkLayout.subbandWidth
                for bin in first..<(first + AudioMarkLayout.subbandWidth) { energy += real[bin] * real[bin] + imag[bin] * imag[bin] }
                return energy
            }
        }
    }
}
