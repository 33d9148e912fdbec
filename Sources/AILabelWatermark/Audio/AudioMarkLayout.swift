/// Where each bit of the audio watermark lives, at the mark's analysis rate: a short-time spectrum of
/// 16 kHz mono (512-sample frames, 256 apart, √Hann windows), its 1–6 kHz band cut into 20 subbands of
/// 250 Hz, and time into slots of four frames (64 ms). A *feature* is one slot's log energy ratio of
/// two subband pairs; a period of 60 slots (3.84 s) holds 300 features: 188 coded bits (the 64-bit
/// label ID, CRC-24, rate-½ convolutional code) and 112 synchronisation bits. The period repeats for
/// the whole file, so any 5 s holds one whole period, and a longer excerpt folds several.
struct AudioMarkLayout: Sendable {
    static let sampleRate = 16_000
    static let frameLength = 512
    static let hop = 256
    static let firstBin = 32  // 1000 Hz
    static let subbandWidth = 8  // bins: 250 Hz
    static let subbands = 20  // to 6000 Hz
    static let framesPerSlot = 4
    static let slotsPerPeriod = 60
    static let featuresPerSlot = subbands / 4
    static let featuresPerPeriod = slotsPerPeriod * featuresPerSlot
    static let codedBits = ConvolutionalCode.codedLength(messageBits: AILabelWatermarker.messageBits)
    static let syncBits = featuresPerPeriod - codedBits
    /// The quantisation step of the log energy ratio, in nepers (about 2.2 dB).
    static let step: Float = 0.5

    /// For each feature of a slot: the subbands whose energy goes up for a larger ratio (A) and down (B).
    let pairs: [(a: [Int], b: [Int])]
    /// For each feature position in a period: the coded bit it carries, or nil for a sync bit.
    let role: [Int?]
    /// The known value of each sync feature (0 or 1); unused for data features.
    let syncValue: [UInt8]
    /// Each feature's dither, a fraction of the step: unmarked audio (and digital silence, whose ratio
    /// is 0) lands on no particular lattice.
    let dither: [Float]
    /// XORed into the message so a payload of zeros does not make a constant codeword.
    let whitening: [UInt8]

    init(seed: UInt64 = 0x6169_6C61_6265_6C41) {  // "ailabelA"
        var generator = SplitMix64(seed: seed)
        // Subbands paired across the band in a fixed shuffle: A and B interleave so a spectral tilt
        // (an equaliser, a codec's low pass) moves both alike.
        var order = Array(0..<Self.subbands)
        order.shuffle(using: &generator)
        pairs = (0..<Self.featuresPerSlot).map { index in
            let four = Array(order[(index * 4)..<(index * 4 + 4)])
            return (a: [four[0], four[1]], b: [four[2], four[3]])
        }
        var positions = Array(0..<Self.featuresPerPeriod)
        positions.shuffle(using: &generator)
        var role = [Int?](repeating: nil, count: Self.featuresPerPeriod)
        for (bit, position) in positions.prefix(Self.codedBits).enumerated() { role[position] = bit }
        self.role = role
        syncValue = (0..<Self.featuresPerPeriod).map { _ in UInt8(generator.next() >> 63) }
        dither = (0..<Self.featuresPerPeriod).map { _ in Float(generator.nextUnit()) }
        whitening = (0..<AILabelWatermarker.messageBits).map { _ in UInt8(generator.next() >> 63) }
    }

    /// The coded bits for a payload: 64 bits, CRC-24, whitened, convolutionally coded.
    func codeword(for payload: UInt64) -> [UInt8] {
        let crc = CRC24.checksum(payload)
        var message = [UInt8]()
        for bit in 0..<64 { message.append(UInt8((payload >> UInt64(63 - bit)) & 1)) }
        for bit in 0..<24 { message.append(UInt8((crc >> UInt32(23 - bit)) & 1)) }
        for index in message.indices { message[index] ^= whitening[index] }
        return ConvolutionalCode.encode(message)
    }

    /// The bit each feature position of a period carries for `codeword`.
    func featureBits(codeword: [UInt8]) -> [UInt8] {
        (0..<Self.featuresPerPeriod).map { position in role[position].map { codeword[$0] } ?? syncValue[position] }
    }
}
