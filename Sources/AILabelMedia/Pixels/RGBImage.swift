/// An 8-bit image in memory: rows top to bottom, pixels left to right, channels interleaved.
///
/// `channels` is 3 (RGB) or 4 (RGBA, straight alpha). This is the one pixel type the visible label,
/// the watermark and the report thumbnails work on; ``PixelCodec`` decodes files into it and encodes it back.
public struct RGBImage: Sendable, Hashable {
    public let width: Int
    public let height: Int
    /// 3 for RGB, 4 for RGBA.
    public let channels: Int
    /// `width * height * channels` samples.
    public var pixels: [UInt8]

    public init(width: Int, height: Int, channels: Int, pixels: [UInt8]) {
        precondition(width > 0 && height > 0, "an image has at least one pixel")
        precondition(channels == 3 || channels == 4, "RGBImage holds RGB or RGBA")
        precondition(pixels.count == width * height * channels, "pixel buffer does not match the size")
        self.width = width
        self.height = height
        self.channels = channels
        self.pixels = pixels
    }

    /// A blank image of one colour.
    public init(width: Int, height: Int, channels: Int = 3, fill: [UInt8] = [0, 0, 0, 255]) {
        precondition(width > 0 && height > 0 && (channels == 3 || channels == 4))
        var pixels = [UInt8](repeating: 0, count: width * height * channels)
        for index in stride(from: 0, to: pixels.count, by: channels) {
            for channel in 0..<channels { pixels[index + channel] = fill[min(channel, fill.count - 1)] }
        }
        self.init(width: width, height: height, channels: channels, pixels: pixels)
    }

    public var hasAlpha: Bool { channels == 4 }

    /// Index of the first sample of pixel (x, y).
    @inlinable
    public func offset(x: Int, y: Int) -> Int { (y * width + x) * channels }

    /// The luma plane (BT.601: 0.299 R + 0.587 G + 0.114 B) as floats, row-major.
    public func lumaPlane() -> [Float] {
        var luma = [Float](repeating: 0, count: width * height)
        pixels.withUnsafeBufferPointer { source in
            for index in 0..<(width * height) {
                let base = index * channels
                luma[index] = 0.299 * Float(source[base]) + 0.587 * Float(source[base + 1])
                    + 0.114 * Float(source[base + 2])
            }
        }
        return luma
    }
}

extension RGBImage: CustomStringConvertible {
    public var description: String { "RGBImage(\(width)×\(height), \(channels == 4 ? "RGBA" : "RGB"))" }
}
