import AILabelMedia
import AILabelWatermark

/// Embeds ailabel's invisible watermark carrying the label ID, so a file whose metadata is stripped can
/// still be recognised and matched back to its label and manifest.
public struct WatermarkMarker: PixelMarker {
    public let watermarker: AILabelWatermarker
    public var name: String { "watermark" }

    /// - Parameter key: nil for the public mark any ailabel reads; a secret for the keyed mode.
    public init(key: [UInt8]? = nil) { watermarker = AILabelWatermarker(key: key) }

    public func mark(_ image: RGBImage, label: inout DisclosureLabel) throws -> RGBImage {
        label.watermarked = true
        return watermarker.embed(label.labelIDValue, into: image)
    }
}
