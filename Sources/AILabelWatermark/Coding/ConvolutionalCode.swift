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
        let steps = messageBits + memory
        precondition(soft.count == 2 * steps)
        // Precompute each (state, input) transition.
        var nextState = [Int](repeating: 0, count: stateCount * 2)
        var symbols = [(Float, Float)](repeating: (0, 0), count: stateCount * 2)
        for state in 0..<stateCount {
            for input in 0..<2 {
                let register = (input << memory) | state
                let (a, b) = outputs(register: register)
                nextState[state * 2 + input] = register >> 1
                symbols[state * 2 + input] = (a == 0 ? 1 : -1, b == 0 ? 1 : -1)
            }
        }
        let minusInfinity = -Float.greatestFiniteMagnitude
        var metric = [Float](repeating: minusInfinity, count: stateCount)
        metric[0] = 0
        var history = [UInt8](repeating: 0, count: steps * stateCount)  // input bit that reached each state
        var previous = [UInt8](repeating: 0, count: steps * stateCount)  // predecessor state
        for step in 0..<steps {
            let s0 = soft[2 * step], s1 = soft[2 * step + 1]
            var next = [Float](repeating: minusInfinity, count: stateCount)
            let inputs = step < messageBits ? 2 : 1
            for state in 0..<stateCount where metric[state] > minusInfinity {
                for input in 0..<inputs {
                    let transition = state * 2 + input
                    let (x0, x1) = symbols[transition]
                    let candidate = metric[state] + s0 * x0 + s1 * x1
                    let target = nextState[transition]
                    if candidate > next[target] {
                        next[target] = candidate
                        history[step * stateCount + target] = UInt8(input)
                        previous[step * stateCount + target] = UInt8(state)
                    }
                }
            }
            metric = next
        }
        var state = 0
        var bits = [UInt8](repeating: 0, count: steps)
        for step in stride(from: steps - 1, through: 0, by: -1) {
            bits[step] = history[step * stateCount + state]
            state = Int(previous[step * stateCount + state])
        }
        return Array(bits[0..<messageBits])
    }
}
