internal import CAILabelShims

/// PNG pixels through libpng.
extension PNGHandler {
    public func decodePixels(_ bytes: [UInt8], maxPixels: Int, lenient: Bool) throws -> RGBImage {
        // libpng allocates a chunk's declared length before reading it, and its chunk-size limit
        // does not stop a text chunk claiming 2 GB in a 57-byte file (found by fuzzing; see
        // Fixtures/fuzz/pixels). Our own parser first proves every chunk lies inside the file.
        _ = try PNGChunkParser.parse(bytes, verifyChecksums: false)
        return try bytes.withUnsafeBytes { raw in
            try PixelCodec.decode(library: "libpng", maxPixels: maxPixels) { pixels, info, errbuf, length in
                CAILabel_png_decode(raw.baseAddress, raw.count, UInt64(maxPixels), lenient ? 1 : 0, pixels, info, errbuf, length)
            }
        }
    }

    /// Re-encodes at the original's bit depth (8 or 16) and grayness; its text chunks are carried across.
    public func encodePixels(_ image: RGBImage, like contents: MediaContents) throws -> (bytes: [UInt8], carried: MetadataEdit) {
        let header = contents.pngHeader
        let encoded = try PixelCodec.encodePNG(image, grayscale: header?.isGray ?? false, bitDepth: header?.bitDepth == 16 ? 16 : 8)
        var carried = MetadataEdit()
        carried.setTextEntries = contents.textEntries
        return (encoded, carried)
    }
}

extension PixelCodec {
    /// Encodes as PNG. `grayscale` writes one channel (from green, for images that are gray);
    /// `bitDepth` 16 widens each sample so a 16-bit source keeps its depth.
    public static func encodePNG(_ image: RGBImage, grayscale: Bool = false, bitDepth: Int = 8) throws -> [UInt8] {
        guard bitDepth == 8 || bitDepth == 16 else { throw MediaError.make(.invalidArgument, "PNG bit depth must be 8 or 16") }
        var samples = image.pixels
        var channels = Int32(image.channels)
        if grayscale {
            let outChannels = image.channels == 4 ? 2 : 1
            samples = [UInt8](repeating: 0, count: image.width * image.height * outChannels)
            for index in 0..<(image.width * image.height) {
                samples[index * outChannels] = image.pixels[index * image.channels + 1]
                if outChannels == 2 { samples[index * 2 + 1] = image.pixels[index * 4 + 3] }
            }
            channels = Int32(outChannels)
        }
        return try encode(library: "libpng") { out, count, errbuf, length in
            samples.withUnsafeBytes { raw in
                CAILabel_png_encode(raw.baseAddress, UInt32(image.width), UInt32(image.height), channels, Int32(bitDepth), out, count, errbuf, length)
            }
        }
    }

}
