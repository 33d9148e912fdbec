public import AILabelMedia

/// Embeds and reads ailabel's invisible watermark: 64 data bits with a CRC-24 and a rate-½ convolutional
/// code, carried by a 128×128 tile defined in the Fourier domain and repeated over luma.
///
/// Keyless by default, so any ailabel finds and reads the mark with no configuration. With a key, the
/// key reseeds the synchronisation pattern, the assignment of coefficients to bits, their carrier phases
/// and the payload whitening: readers without the key see no mark. See `Docs/watermark.md`.
public struct AILabelWatermarker: Sendable {
    /// Data bits per mark.
    public static let payloadBits = 64
    static let crcBits = 24
    static let messageBits = payloadBits + crcBits
    static let codedBits = ConvolutionalCode.codedLength(messageBits: messageBits)
    /// Luma RMS amplitude at strength 1: the mark alone costs about 42.4 dB PSNR.
    static let baseAmplitude: Float = 1.9

    let layout: TileLayout
    /// Whether a key was given.
    public let isKeyed: Bool

    /// - Parameter key: `nil` for the public, keyless mark; any bytes for a keyed mark only holders of the
    ///   same bytes can find.
    public init(key: [UInt8]? = nil) {
        isKeyed = key != nil
        if let key {
            let seed = SplitMix64.seed(from: key, domain: 0x6B65_7965_642D_7631)  // "keyed-v1"
            layout = TileLayout(seed: seed, codedBits: Self.codedBits, messageBits: Self.messageBits)
        } else {
            layout = Self.keylessLayout
        }
    }

    /// The public layout, made once per process: building a layout shuffles thousands of coefficients
    /// and draws their phases, and a service builds a watermarker for every request.
    static let keylessLayout = TileLayout(
        seed: SplitMix64.seed(from: Array("ailabel-watermark-v1".utf8), domain: 0), codedBits: codedBits, messageBits: messageBits)

    /// The coded bits (0/1) for a payload.
    func codeword(for payload: UInt64) -> [UInt8] { PayloadMessage.codeword(for: payload, whitening: layout.whitening) }

    /// The 128×128 luma pattern (unit RMS) for a payload.
    func tile(for payload: UInt64) -> [Float] { layout.tile(codedBits: codeword(for: payload)) }
    func tile(for payload: UInt64, period: Int) -> [Float] { layout.tile(codedBits: codeword(for: payload), period: period) }

    /// Returns `image` with the mark added to its luma: the same delta goes to R, G and B (so chroma is
    /// unchanged), results are rounded and clamped, and alpha is untouched.
    ///
    /// - Parameter strength: multiplies the amplitude; 1 gives about 42.4 dB PSNR, 0.5 about 48 dB (less robust).
    public func embed(_ payload: WatermarkPayload, into image: RGBImage, strength: Float = 1) -> RGBImage {
        let n = TileLayout.tileSize
        let pattern = tile(for: payload.value).map { $0 * Self.baseAmplitude * strength }
        var output = image
        let width = image.width, height = image.height, channels = image.channels
        pattern.withUnsafeBufferPointer { tile in
            output.pixels.withUnsafeMutableBufferPointer { pixels in
                for y in 0..<height {
                    let tileRow = (y & (n - 1)) * n
                    var base = y * width * channels
                    for x in 0..<width {
                        let delta = tile[tileRow + (x & (n - 1))]
                        for channel in 0..<3 {
                            let value = Float(pixels[base + channel]) + delta + 0.5
                            pixels[base + channel] = UInt8(min(max(value, 0), 255))
                        }
                        base += channels
                    }
                }
            }
        }
        return output
    }

    /// Convenience for a raw 64-bit payload.
    public func embed(_ payload: UInt64, into image: RGBImage, strength: Float = 1) -> RGBImage {
        embed(WatermarkPayload(payload), into: image, strength: strength)
    }

    /// Looks for the mark; `nil` when none checks out. Never throws: absence is an answer.
    ///
    /// Survives JPEG, cropping (any offset), rescaling between about 0.5× and 2× (found by a period
    /// search), blur, noise, and brightness/contrast changes. Works on at most the central 1536×1536
    /// pixels, so its cost is bounded.
    public func detect(in image: RGBImage) -> WatermarkDetection? { analyze(image).detection }

    /// Like ``detect(in:)`` but also reports the best guess when no candidate passes the CRC.
    public func analyze(_ image: RGBImage) -> WatermarkAnalysis {
        WatermarkReader(watermarker: self).analyze(image)
    }
}

extension AILabelWatermarker: CustomStringConvertible {
    public var description: String { isKeyed ? "AILabelWatermarker(keyed)" : "AILabelWatermarker(keyless)" }
}
