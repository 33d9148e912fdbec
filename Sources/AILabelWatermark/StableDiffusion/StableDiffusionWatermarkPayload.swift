/// A payload that Stable Diffusion pipelines embed with invisible-watermark's `dwtDct` method.
public struct StableDiffusionWatermarkPayload: Sendable, Hashable {
    /// A short stable name: `StableDiffusionV1`, `SDV2` or `SDXL`.
    public let name: String
    /// The bits, most significant first.
    public let bits: [UInt8]

    public var bitCount: Int { bits.count }

    public init(name: String, bits: [UInt8]) {
        self.name = name
        self.bits = bits
    }

    init(name: String, bytes: [UInt8]) {
        self.init(name: name, bits: bytes.flatMap { byte in (0..<8).map { UInt8((byte >> (7 - $0)) & 1) } })
    }

    /// The SD 1.x reference script: the bytes "StableDiffusionV1" (136 bits).
    public static let stableDiffusionV1 = Self(name: "StableDiffusionV1", bytes: Array("StableDiffusionV1".utf8))
    /// The SD 2.x reference script: the bytes "SDV2" (32 bits).
    public static let stableDiffusionV2 = Self(name: "SDV2", bytes: Array("SDV2".utf8))
    /// SDXL (generative-models and diffusers): 48 bits 0xB3EC907BB19E.
    public static let stableDiffusionXL = Self(name: "SDXL", bytes: [0xB3, 0xEC, 0x90, 0x7B, 0xB1, 0x9E])

    public static let all: [Self] = [stableDiffusionV1, stableDiffusionV2, stableDiffusionXL]
}

extension StableDiffusionWatermarkPayload: CustomStringConvertible {
    public var description: String { "\(name) (\(bitCount) bits)" }
}

/// A Stable Diffusion watermark that was found.
public struct StableDiffusionWatermarkMatch: Sendable, Hashable {
    /// How the marking pipeline fed the image to invisible-watermark.
    public struct Variant: Sendable, Hashable, CustomStringConvertible {
        /// `true` when RGB was passed where BGR was expected (diffusers' SDXL pipeline before February 2024).
        public let swappedChannels: Bool
        /// `true` for the float32 input path (chroma offset 0.5), `false` for uint8 (offset 128).
        public let floatInput: Bool

        public var description: String { "\(swappedChannels ? "RGB" : "BGR")/\(floatInput ? "float" : "uint8")" }
    }

    public let payload: StableDiffusionWatermarkPayload
    public let variant: Variant
    /// Bits of the decoded sequence that agree with the payload (or with its inverse, if `isInverted`).
    public let matchingBits: Int
    /// The decoded bits matched the bitwise inverse of the payload.
    public let isInverted: Bool
    /// The chance that an unmarked image matches this well in this one test (binomial tail, p = ½).
    public let binomialTail: Double
}

extension StableDiffusionWatermarkMatch: CustomStringConvertible {
    public var description: String {
        "\(payload.name) watermark, \(matchingBits)/\(payload.bitCount) bits\(isInverted ? " (inverted)" : ""), \(variant)"
    }
}
