internal import CAILabelShims

/// JPEG pixels through libjpeg-turbo.
extension JPEGHandler {
    public func decodePixels(_ bytes: [UInt8], maxPixels: Int, lenient: Bool) throws -> RGBImage {
        try bytes.withUnsafeBytes { raw in
            try PixelCodec.decode(library: "libjpeg", maxPixels: maxPixels) { pixels, info, errbuf, length in
                CAILabel_jpeg_decode(raw.baseAddress, raw.count, UInt64(maxPixels), lenient ? 1 : 0, pixels, info, errbuf, length)
            }
        }
    }

    /// Re-encodes at the original's estimated quality, its subsampling and, for a grayscale original, one channel.
    public func encodePixels(_ image: RGBImage, like contents: MediaContents) throws -> (bytes: [UInt8], carried: MetadataEdit) {
        let coding = contents.jpegCoding
        let subsampling = coding.map { ChromaSubsampling(lumaHorizontal: $0.lumaSampling.horizontal, vertical: $0.lumaSampling.vertical) } ?? .s420
        let encoded = try PixelCodec.encodeJPEG(
            image, quality: coding?.estimatedQuality ?? 90, subsampling: subsampling, grayscale: coding?.components == 1)
        return (encoded, MetadataEdit())
    }
}

extension PixelCodec {
    /// Encodes RGB (alpha is flattened onto white) or grayscale-looking RGB as a JPEG.
    public static func encodeJPEG(_ image: RGBImage, quality: Int, subsampling: ChromaSubsampling = .s420, grayscale: Bool = false) throws -> [UInt8] {
        guard (1...100).contains(quality) else { throw MediaError.make(.invalidArgument, "JPEG quality must be 1…100") }
        var samples: [UInt8]
        let channels: Int32
        if grayscale {
            samples = [UInt8](repeating: 0, count: image.width * image.height)
            for index in 0..<(image.width * image.height) { samples[index] = image.pixels[index * image.channels + 1] }
            channels = 1
        } else if image.channels == 4 {
            samples = [UInt8](repeating: 0, count: image.width * image.height * 3)
            for index in 0..<(image.width * image.height) {
                let alpha = Int(image.pixels[index * 4 + 3])
                for channel in 0..<3 {
                    samples[index * 3 + channel] = UInt8((Int(image.pixels[index * 4 + channel]) * alpha + 255 * (255 - alpha) + 127) / 255)
                }
            }
            channels = 3
        } else {
            samples = image.pixels
            channels = 3
        }
        let factors = subsampling.factors
        return try encode(library: "libjpeg") { out, count, errbuf, length in
            samples.withUnsafeBytes { raw in
                CAILabel_jpeg_encode(
                    raw.baseAddress, UInt32(image.width), UInt32(image.height), channels, Int32(quality), factors.horizontal,
                    factors.vertical, out, count, errbuf, length)
            }
        }
    }

}
