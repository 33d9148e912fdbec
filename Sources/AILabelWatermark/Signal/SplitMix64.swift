/// A small deterministic pseudo-random generator (SplitMix64) that lays out the watermark tile.
///
/// It is not a cryptographic generator: the keyless layout is public by design, and a keyed layout only
/// hides the mark from readers without the key (see `Docs/watermark.md`).
struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        return Self.mix(state)
    }

    /// The SplitMix64 finaliser: a bijective 64-bit mixing function.
    static func mix(_ value: UInt64) -> UInt64 {
        var z = value
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A uniform float in [0, 1).
    mutating func nextUnit() -> Double { Double(next() >> 11) * 0x1.0p-53 }

    /// Folds arbitrary bytes into a 64-bit seed (FNV-1a, then the SplitMix64 finaliser).
    static func seed(from bytes: [UInt8], domain: UInt64) -> UInt64 {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325 ^ domain
        for byte in bytes {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01B3
        }
        return mix(hash ^ UInt64(bytes.count))
    }
}
