import Foundation
import Testing

@testable import AILabelWatermark

@Suite("list Viterbi decoding")
struct ListDecodingTests {
    /// Gaussian noise from a seeded generator (Box–Muller), so every run sees the same channel.
    struct Noise {
        var generator: SplitMix64
        init(seed: UInt64) { generator = SplitMix64(seed: seed) }
        mutating func next(sigma: Float) -> Float {
            let u = max(generator.nextUnit(), 1e-12), v = generator.nextUnit()
            return Float(sqrt(-2 * log(u)) * cos(2 * Double.pi * v)) * sigma
        }
    }

    /// The correlation of `soft` with a codeword: the metric the decoder maximises.
    func metric(_ soft: [Float], _ codeword: [UInt8]) -> Float {
        zip(soft, codeword).reduce(0) { $0 + ($1.1 == 0 ? $1.0 : -$1.0) }
    }

    @Test("the list is the 16 best messages by exhaustive search, best first")
    func listMatchesExhaustiveSearch() {
        let bits = 8
        for seed in UInt64(1)...20 {
            var noise = Noise(seed: seed)
            let soft = (0..<ConvolutionalCode.codedLength(messageBits: bits)).map { _ in noise.next(sigma: 1) }
            var all: [(message: [UInt8], metric: Float)] = []
            for value in 0..<(1 << bits) {
                let message = (0..<bits).map { UInt8(value >> (bits - 1 - $0) & 1) }
                all.append((message, metric(soft, ConvolutionalCode.encode(message))))
            }
            all.sort { $0.metric > $1.metric }
            let list = ConvolutionalCode.decode(soft: soft, messageBits: bits, paths: 16)
            #expect(list.count == 16)
            #expect(list == all.prefix(16).map(\.message), "seed \(seed)")
            #expect(ConvolutionalCode.decode(soft: soft, messageBits: bits) == all[0].message)
        }
    }

    @Test("with a CRC, the list recovers payloads the most likely message gets wrong, and passes no wrong one")
    func crcAidedListRecoversMore() {
        let layout = AudioMarkLayout()
        var recoveredByOne = 0, recoveredByList = 0, wrongButChecked = 0
        for seed in UInt64(1)...100 {
            var noise = Noise(seed: seed)
            let payload = SplitMix64.mix(seed)
            let codeword = layout.codeword(for: payload)
            // About 12 % of the coded bits read wrong: near where one message starts to fail.
            let soft = codeword.map { ($0 == 0 ? 1 : -1) + noise.next(sigma: 0.85) }
            let one = PayloadMessage.decode(soft: soft, whitening: layout.whitening)
            let list = PayloadMessage.decode(soft: soft, whitening: layout.whitening, paths: 16)
            if one.checks, one.payload == payload { recoveredByOne += 1 }
            if list.checks, list.payload == payload { recoveredByList += 1 }
            if list.checks, list.payload != payload { wrongButChecked += 1 }
            // The list starts with the most likely message: whatever one message decodes, the list keeps.
            if one.checks { #expect(list.payload == one.payload) }
        }
        #expect(recoveredByList > recoveredByOne, "one message \(recoveredByOne), the list \(recoveredByList)")
        #expect(wrongButChecked == 0)
        #expect(recoveredByOne < 100, "the channel must be noisy enough to test anything")
    }
}
