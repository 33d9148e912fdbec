/// Where each bit of the audio watermark lives, at the mark's analysis rate: a short-time spectrum of
/// 16 kHz mono (512-sample frames, 256 apart, √Hann windows), its band from 94 Hz to 5.1 kHz cut into 80
/// subbands of two bins (62.5 Hz), taken as 40 *pairs* of neighbouring subbands. A *cell* is one pair
/// in one hop (16 ms). A period of 150 hops (2.4 s, so any 5 s holds a whole one) has 6,000 cells and
/// 240 *slots*: 188 carry the coded bits (the 64-bit label ID, CRC-24, rate-½ convolutional code) and
/// 52 a known synchronisation pattern. Each slot owns 25 cells, and its value is the log ratio of the
/// energy its cells put on one side of their pairs (A) to the other (B); that ratio is what the mark
/// quantises (spread-transform QIM: the host's own ratio is cancelled, not fought, and a gain or a
/// codec that treats neighbouring subbands alike leaves it where it was).
///
/// A slot's cells are spread evenly in time and frequency: every 6 hops, at a pair 7 further up the
/// band each time (25 distinct pairs of the 40). The even spread matters: a slot whose cells all
/// missed the few subbands where tonal music has its energy would be read from noise once noise is
/// added; a random spread leaves some slots so (Docs/watermark.md has the figures).
struct AudioMarkLayout: Sendable {
    static let sampleRate = 16_000
    static let frameLength = 512
    static let hop = 256
    static let firstBin = 3  // 94 Hz
    static let subbandWidth = 2  // bins: 62.5 Hz
    static let pairs = 40
    static let subbands = 2 * pairs
    static let bins = subbands * subbandWidth  // 160: bins 3…162
    static let hopsPerPeriod = 150
    static let slotsPerPeriod = 240
    /// Hops in which every slot gets one cell (240 slots over 40 pairs).
    static let hopsPerCycle = slotsPerPeriod / pairs
    /// How far up the band, in pairs, a slot's cell moves from one cycle to the next (prime to 40).
    static let rotation = 7
    static let codedBits = ConvolutionalCode.codedLength(messageBits: AILabelWatermarker.messageBits)
    static let syncSlots = slotsPerPeriod - codedBits
    /// The quantisation step of a slot's log energy ratio, in nepers (2.6 dB).
    static let step: Float = 0.30

    /// For each cell of a period (hop × pair, row-major): the slot it belongs to.
    let slot: [Int]
    /// For each cell: whether the pair's lower subband is the slot's A side (else its B side). Random,
    /// so a spectral tilt moves as many slots up as down.
    let lowerIsA: [Bool]
    /// For each slot: the coded bit it carries, or nil for a sync slot.
    let role: [Int?]
    /// The known value of each sync slot (0 or 1); unused for coded slots.
    let syncValue: [UInt8]
    /// Each slot's dither, a fraction of the step: unmarked audio (and digital silence, whose ratio is
    /// 0) lands on no particular lattice.
    let dither: [Float]
    /// XORed into the message so a payload of zeros does not make a constant codeword.
    let whitening: [UInt8]
    /// For each hop of a period, its sync cells: (pair, sync slot index, lower subband is A).
    let syncCells: [[(pair: Int, sync: Int, lowerIsA: Bool)]]
    /// The slot of each sync index.
    let syncSlotList: [Int]

    init(seed: UInt64 = 0x6169_6C61_6265_6C42) {  // "ailabelB": the second design
        var generator = SplitMix64(seed: seed)
        var slot = [Int](repeating: 0, count: Self.hopsPerPeriod * Self.pairs)
        for hop in 0..<Self.hopsPerPeriod {
            let cycle = hop / Self.hopsPerCycle
            for index in 0..<Self.pairs {
                let pair = (index + Self.rotation * cycle) % Self.pairs
                slot[hop * Self.pairs + pair] = (hop * Self.pairs + index) % Self.slotsPerPeriod
            }
        }
        self.slot = slot
        lowerIsA = (0..<slot.count).map { _ in generator.next() >> 63 == 1 }
        var order = Array(0..<Self.slotsPerPeriod)
        order.shuffle(using: &generator)
        var role = [Int?](repeating: nil, count: Self.slotsPerPeriod)
        for (bit, position) in order.prefix(Self.codedBits).enumerated() { role[position] = bit }
        self.role = role
        syncValue = (0..<Self.slotsPerPeriod).map { _ in UInt8(generator.next() >> 63) }
        dither = (0..<Self.slotsPerPeriod).map { _ in Float(generator.nextUnit()) }
        whitening = (0..<AILabelWatermarker.messageBits).map { _ in UInt8(generator.next() >> 63) }
        let syncSlotList = (0..<Self.slotsPerPeriod).filter { role[$0] == nil }
        var syncIndex = [Int](repeating: -1, count: Self.slotsPerPeriod)
        for (index, slot) in syncSlotList.enumerated() { syncIndex[slot] = index }
        self.syncSlotList = syncSlotList
        let lowerIsA = self.lowerIsA
        syncCells = (0..<Self.hopsPerPeriod).map { hop in
            (0..<Self.pairs).compactMap { pair in
                let cell = hop * Self.pairs + pair
                let index = syncIndex[slot[cell]]
                return index < 0 ? nil : (pair: pair, sync: index, lowerIsA: lowerIsA[cell])
            }
        }
    }

    /// The coded bits for a payload: 64 bits, CRC-24, whitened, convolutionally coded.
    func codeword(for payload: UInt64) -> [UInt8] { PayloadMessage.codeword(for: payload, whitening: whitening) }

    /// The bit each slot of a period carries for `codeword`.
    func slotBits(codeword: [UInt8]) -> [UInt8] {
        (0..<Self.slotsPerPeriod).map { slot in role[slot].map { codeword[$0] } ?? syncValue[slot] }
    }
}
