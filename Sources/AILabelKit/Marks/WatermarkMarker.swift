import AILabelMedia
import AILabelWatermark

/// Embeds ailabel's invisible watermark carrying the label ID, so a file whose metadata is stripped can
/// still be recognised and matched back to its label and manifest.
public struct WatermarkMarker: PixelMarker {
    public let watermarker: AILabelWatermarker
    public var name: String { "watermark" }

    /// The watermark's tile side: a smaller image cannot hold one whole tile, and the reader finds nothing.
    public static let minimumSide = 128

    /// - Parameter key: nil for the public mark any ailabel reads; a secret for the keyed mode.
    public init(key: [UInt8]? = nil) { watermarker = AILabelWatermarker(key: key) }

    /// Embeds the mark and reads it back from the marked pixels; a mark the reader cannot find is not
    /// applied (``MarkNotApplied``), so the file never claims a watermark that verify will not see.
    public func mark(_ image: RGBImage, label: inout DisclosureLabel) throws -> RGBImage {
        guard image.width >= Self.minimumSide, image.height >= Self.minimumSide else {
            throw MarkNotApplied(
                reason: "no watermark: the image is \(image.width)×\(image.height), too small to carry it (it needs at least \(Self.minimumSide)×\(Self.minimumSide) pixels)")
        }
        let marked = watermarker.embed(label.labelIDValue, into: image)
        guard watermarker.detect(in: marked)?.payload.value == label.labelIDValue else {
            throw MarkNotApplied(reason: "no watermark: it could not be read back from the marked \(image.width)×\(image.height) image")
        }
        label.watermarked = true
        return marked
    }
}
