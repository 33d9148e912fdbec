import AILabelMedia
import AILabelVocabulary
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

    /// Embeds the mark and reads it back from the marked pixels (their central 512 × 512 at most); a mark
    /// the reader cannot find is not applied (``MarkNotApplied``), so the file never claims a watermark
    /// that verify will not see.
    public func mark(_ image: RGBImage, label: inout DisclosureLabel) throws -> RGBImage {
        guard image.width >= Self.minimumSide, image.height >= Self.minimumSide else {
            throw MarkNotApplied(
                reason: "no watermark: the image is \(image.width)×\(image.height), too small to carry it (it needs at least \(Self.minimumSide)×\(Self.minimumSide) pixels)")
        }
        let marked = watermarker.embed(label.labelIDValue, into: image)
        guard watermarker.detect(in: Self.readBackRegion(of: marked))?.payload.value == label.labelIDValue else {
            throw MarkNotApplied(reason: "no watermark: it could not be read back from the marked \(image.width)×\(image.height) image")
        }
        label.watermarked = true
        return marked
    }

    /// Read back from the re-encoded file: a palette of 256 colours (GIF) can flatten the mark.
    public func survives(in image: RGBImage, label: DisclosureLabel) -> Bool {
        watermarker.detect(in: Self.readBackRegion(of: image))?.payload.value == label.labelIDValue
    }

    /// Side of the central region the read-back looks at: 4 × 4 tiles, enough to find the mark in
    /// uncompressed pixels, at a fraction of reading the whole image.
    static let readBackSide = 512

    /// The central `readBackSide` square (or less), its origin on the tile grid so the reader's fold at
    /// native scale lines up with the marked tiles.
    static func readBackRegion(of image: RGBImage) -> RGBImage {
        let width = min(readBackSide, image.width), height = min(readBackSide, image.height)
        guard width < image.width || height < image.height else { return image }
        let x0 = (image.width - width) / 2 / minimumSide * minimumSide
        let y0 = (image.height - height) / 2 / minimumSide * minimumSide
        var pixels = [UInt8]()
        pixels.reserveCapacity(width * height * image.channels)
        for y in y0..<(y0 + height) {
            let start = image.offset(x: x0, y: y)
            pixels += image.pixels[start..<(start + width * image.channels)]
        }
        return RGBImage(width: width, height: height, channels: image.channels, pixels: pixels)
    }
}
