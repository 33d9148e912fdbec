import Foundation

/// The slots' energy sums, period by period, for one alignment of the period grid on a run of frames:
/// what the audio mark quantises (``AudioMarkLayout``). The grid's *phase* is the position in the
/// period of the run's first frame; the instance of the period a frame falls in may be whole (all its
/// 150 hops among the frames) or cut by either end of the run.
struct AudioMarkFeatures {
    static let slots = AudioMarkLayout.slotsPerPeriod
    let frames: Int
    let phase: Int
    let instances: Int
    /// Per instance, per slot (row-major): the energy on the slot's A side and on its B side.
    private(set) var a: [Double]
    private(set) var b: [Double]

    /// Sums every slot over `frames` frames of `energies` (80 subbands per frame, row-major).
    init(energies: [Float], frames: Int, phase: Int, layout: AudioMarkLayout) {
        let period = AudioMarkLayout.hopsPerPeriod, pairs = AudioMarkLayout.pairs
        self.frames = frames
        self.phase = phase
        instances = frames == 0 ? 0 : (frames - 1 + phase) / period + 1
        var a = [Double](repeating: 0, count: instances * Self.slots), b = a
        energies.withUnsafeBufferPointer { energy in
            for frame in 0..<frames {
                let position = (frame + phase) % period
                let row = (frame + phase) / period * Self.slots
                let base = frame * AudioMarkLayout.subbands
                for pair in 0..<pairs {
                    let cell = position * pairs + pair
                    let lower = Double(energy[base + 2 * pair]), upper = Double(energy[base + 2 * pair + 1])
                    let slot = row + layout.slot[cell]
                    if layout.lowerIsA[cell] {
                        a[slot] += lower
                        b[slot] += upper
                    } else {
                        a[slot] += upper
                        b[slot] += lower
                    }
                }
            }
        }
        self.a = a
        self.b = b
    }

    /// Whether every hop of `instance` is among the frames.
    func isWhole(_ instance: Int) -> Bool {
        let start = instance * AudioMarkLayout.hopsPerPeriod - phase
        return start >= 0 && start + AudioMarkLayout.hopsPerPeriod <= frames
    }

    /// The instances whose every hop is among the frames.
    var wholeInstances: [Int] { (0..<instances).filter(isWhole) }

    /// The slot's log energy ratio in steps, or nil where either side is silent.
    func ratio(instance: Int, slot: Int) -> Float? {
        let index = instance * Self.slots + slot
        guard a[index] > Self.silence, b[index] > Self.silence else { return nil }
        return Float(log(a[index] / b[index])) / AudioMarkLayout.step
    }

    /// Below this, a side holds digital silence (or near it) and its ratio means nothing.
    static let silence = 1e-9

    /// The synchronisation score of one alignment: how well the sync slots of every whole instance of the
    /// period sit on their known lattice, as a z-score (about 0 for unmarked audio, 10 and more for one
    /// clean period of marked audio). Only the sync cells are summed, so trying 2,400 alignments of a
    /// window is cheap.
    static func syncScore(energies: [Float], frames: Int, phase: Int, layout: AudioMarkLayout) -> Double {
        let period = AudioMarkLayout.hopsPerPeriod, syncs = AudioMarkLayout.syncSlots
        let firstWhole = (phase + period - 1) / period  // the first instance starting at or after frame 0
        let wholes = max(0, (frames + phase) / period - firstWhole)
        guard wholes > 0 else { return 0 }
        let firstFrame = firstWhole * period - phase
        var a = [Double](repeating: 0, count: wholes * syncs), b = a
        energies.withUnsafeBufferPointer { energy in
            for frame in firstFrame..<(firstFrame + wholes * period) {
                let relative = frame - firstFrame
                let row = relative / period * syncs
                let base = frame * AudioMarkLayout.subbands
                for cell in layout.syncCells[relative % period] {
                    let lower = Double(energy[base + 2 * cell.pair]), upper = Double(energy[base + 2 * cell.pair + 1])
                    if cell.lowerIsA {
                        a[row + cell.sync] += lower
                        b[row + cell.sync] += upper
                    } else {
                        a[row + cell.sync] += upper
                        b[row + cell.sync] += lower
                    }
                }
            }
        }
        var score = 0.0
        var count = 0
        let tau = 2 * Double.pi
        for index in a.indices where a[index] > AudioMarkFeatures.silence && b[index] > AudioMarkFeatures.silence {
            let slot = layout.syncSlotList[index % syncs]
            let u = log(a[index] / b[index]) / Double(AudioMarkLayout.step) - Double(layout.dither[slot]) - Double(layout.syncValue[slot]) / 2
            score += cos(tau * u)
            count += 1
        }
        return count == 0 ? 0 : score / (Double(count) / 2).squareRoot()
    }
}
