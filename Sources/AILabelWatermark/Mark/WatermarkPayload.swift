/// The 64 data bits an ailabel watermark carries.
///
/// By convention the value is derived from the label ID (``init(labelID:)``), so a file whose metadata was
/// stripped can be matched back to the manifest that was issued with it.
public struct WatermarkPayload: Sendable, Hashable {
    public var value: UInt64

    public init(_ value: UInt64) { self.value = value }

    /// The payload for a label ID: FNV-1a over its UTF-8 bytes, mixed with the SplitMix64 finaliser.
    /// Stable across versions and platforms; 64 bits, so distinct IDs collide with probability about 2⁻⁶⁴.
    public init(labelID: String) {
        value = SplitMix64.seed(from: Array(labelID.utf8), domain: 0x6169_6C61_6265_6C31)  // "ailabel1"
    }

    /// Sixteen lowercase hexadecimal digits.
    public var hex: String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }
}

extension WatermarkPayload: CustomStringConvertible {
    public var description: String { "WatermarkPayload(\(hex))" }
}

/// A watermark that was found: its payload checked out against its CRC-24.
public struct WatermarkDetection: Sendable, Hashable {
    /// The 64 data bits.
    public let payload: WatermarkPayload
    /// z-score of the synchronisation peak (peak minus mean over the standard deviation of all 16384
    /// offsets). Unmarked images stay below about 5; marked ones score 8 and up.
    public let syncScore: Double
    /// Normalised correlation (0…1) between the soft coded bits read and the codeword re-encoded from the payload.
    public let confidence: Double
    /// How many of the coded bits were read wrong (corrected by the convolutional code).
    public let codedBitErrors: Int
    /// How many coded bits the mark has (188).
    public let codedBitCount: Int
    /// The tile period found, in image pixels (128 when the image was not rescaled).
    public let period: Double
    /// Position of the tile origin within the image modulo the period (reveals a crop).
    public let tileOffset: (x: Int, y: Int)

    public static func == (lhs: Self, rhs: Self) -> Bool {
        lhs.payload == rhs.payload && lhs.syncScore == rhs.syncScore && lhs.confidence == rhs.confidence
            && lhs.codedBitErrors == rhs.codedBitErrors && lhs.period == rhs.period
            && lhs.tileOffset == rhs.tileOffset
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(payload)
        hasher.combine(codedBitErrors)
        hasher.combine(period)
    }
}

extension WatermarkDetection: CustomStringConvertible {
    public var description: String {
        "WatermarkDetection(payload: \(payload.hex), sync z: \(String(format2: syncScore)), "
            + "coded bit errors: \(codedBitErrors)/\(codedBitCount), period: \(String(format2: period)))"
    }
}

/// Everything the reader saw, whether or not a mark checked out; for benchmarks and diagnostics.
public struct WatermarkAnalysis: Sendable {
    /// The mark, if a candidate passed the CRC.
    public let detection: WatermarkDetection?
    /// The 64 data bits of the best candidate (highest sync score) even when its CRC failed.
    public let bestGuess: WatermarkPayload
    /// The highest synchronisation z-score seen.
    public let bestSyncScore: Double
    /// How many offset/period candidates were decoded.
    public let candidatesTried: Int
    /// The best sync z-score of the rescaled search's small folds at the period estimates, when it ran.
    public var coarseRescaledSync: Double? = nil
}

extension String {
    init(format2 value: Double) {
        let scaled = (value * 100).rounded() / 100
        self = "\(scaled)"
    }
}
