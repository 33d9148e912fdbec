/// The rate-½, constraint-length-7 convolutional code (generators 171 and 133 octal) with a soft-decision
/// Viterbi decoder. The encoder starts and ends in the zero state (6 tail bits).
enum ConvolutionalCode {
    static let memory = 6
    static let stateCount = 1 << memory
    private static let generators: (Int, Int) = (0o171, 0o133)

    /// Number of coded bits for `messageBits` input bits.
    static func codedLength(messageBits: Int) -> Int { 2 * (messageBits + memory) }

    private static func outputs(register: Int) -> (UInt8, UInt8) {
        (UInt8((register & generators.0).nonzeroBitCount & 1), UInt8((register & generators.1).nonzeroBitCount & 1))
    }

    /// Encodes bits (0 or 1) into 2·(n + 6) coded bits.
    static func encode(_ message: [UInt8]) -> [UInt8] {
        var state = 0
        var coded: [UInt8] = []
        coded.reserveCapacity(codedLength(messageBits: message.count))
        for bit in message + [UInt8](repeating: 0, count: memory) {
            let register = (Int(bit) << memory) | state
            let (a, b) = outputs(register: register)
            coded.append(a)
            coded.append(b)
            state = register >> 1
        }
        return coded
    }

    /// Maximum-likelihood decoding of soft values: a positive value favours coded bit 0, a negative one bit 1,
    /// and the magnitude is the confidence. Returns the message bits (without the tail).
    static func decode(soft: [Float], messageBits: Int) -> [UInt8] {
        decode(soft: soft, messageBits: messageBits, paths: 1)[0]
    }

    /// The `paths` most likely messages for the soft values, most likely first (the list Viterbi
    /// algorithm, parallel form: every state keeps its `paths` best survivors, not one). The first is
    /// the maximum-likelihood message. A reader with a CRC tries them in order: when the channel left a
    /// few errors that the best path resolves wrongly, the right message is often second or third.
    static func decode(soft: [Float], messageBits: Int, paths: Int) -> [[UInt8]] {
        let steps = messageBits + memory
        precondition(soft.count == 2 * steps && (1...255).contains(paths))
        // The two coded symbols (±1) of each (state, input) transition.
        var symbols = [(Float, Float)](repeating: (0, 0), count: stateCount * 2)
        for state in 0..<stateCount {
            for input in 0..<2 {
                let (a, b) = outputs(register: (input << memory) | state)
                symbols[state * 2 + input] = (a == 0 ? 1 : -1, b == 0 ? 1 : -1)
            }
        }
        let minusInfinity = -Float.greatestFiniteMagnitude
        // Survivor k of state s is at s × paths + k, best first.
        var metric = [Float](repeating: minusInfinity, count: stateCount * paths)
        metric[0] = 0
        // For each step and survivor: the survivor of the previous step it extends (state × paths + rank).
        var previous = [UInt16](repeating: 0, count: steps * stateCount * paths)
        var next = metric
        var merged: [(metric: Float, from: Int)] = []
        merged.reserveCapacity(2 * paths)
        for step in 0..<steps {
            let s0 = soft[2 * step], s1 = soft[2 * step + 1]
            // The tail's steps shift in zeros: only states with a zero top bit are reached.
            let targets = step < messageBits ? stateCount : stateCount / 2
            for index in next.indices { next[index] = minusInfinity }
            for target in 0..<targets {
                // A state is reached from two states, by the input bit that is now its top bit.
                let input = target >> (memory - 1)
                merged.removeAll(keepingCapacity: true)
                for low in 0..<2 {
                    let state = (target & (stateCount / 2 - 1)) << 1 | low
                    let (x0, x1) = symbols[state * 2 + input]
                    let branch = s0 * x0 + s1 * x1
                    for rank in 0..<paths {
                        let from = state * paths + rank
                        guard metric[from] > minusInfinity else { break }
                        merged.append((metric[from] + branch, from))
                    }
                }
                merged.sort { $0.metric > $1.metric }
                for (rank, survivor) in merged.prefix(paths).enumerated() {
                    next[target * paths + rank] = survivor.metric
                    previous[(step * stateCount + target) * paths + rank] = UInt16(survivor.from)
                }
            }
            swap(&metric, &next)
        }
        // The encoder ends in state 0: its survivors are the list.
        var messages: [[UInt8]] = []
        for rank in 0..<paths where metric[rank] > minusInfinity {
            var survivor = rank  // state 0
            var bits = [UInt8](repeating: 0, count: steps)
            for step in stride(from: steps - 1, through: 0, by: -1) {
                bits[step] = UInt8((survivor / paths) >> (memory - 1))
                survivor = Int(previous[(step * stateCount + survivor / paths) * paths + survivor % paths])
            }
            messages.append(Array(bits[0..<messageBits]))
        }
        return messages
    }
}
