internal import CAILabelShims

/// TIFF pixels through libtiff: the first directory is decoded (every photometric and compression
/// libtiff reads) and a marked image is encoded as one directory at the original's compression,
/// bit depth (8 or 16), grey or RGB, alpha kind, predictor, byte order and BigTIFF-ness. A
/// multi-page TIFF is not re-encoded (its other pages would be lost): its handler declares no pixel
/// codec, so a badge or watermark on it is a warning for the file (``TIFFHandler/refined(by:)``).
extension TIFFHandler {
    public func decodePixels(_ bytes: [UInt8], maxPixels: Int, lenient: Bool) throws -> RGBImage {
        // Our own walk first proves every directory, strip and tile lies inside the file.
        _ = try TIFFStructure(reading: bytes)
        return try bytes.withUnsafeBytes { raw in
            try PixelCodec.decode(library: "libtiff", maxPixels: maxPixels) { pixels, info, errbuf, length in
                CAILabel_tiff_decode(raw.baseAddress, raw.count, UInt64(maxPixels), pixels, info, errbuf, length)
            }
        }
    }

    public func encodePixels(_ image: RGBImage, like contents: MediaContents) throws -> (bytes: [UInt8], carried: MetadataEdit) {
        guard let source = contents.tiffCoding else {
            throw MediaError.make(.invalidArgument, "the TIFF's coding is unknown")
        }
        guard source.pages == 1, source.dngVersion == nil else {
            throw MediaError.make(.unsupportedFormat, "ailabel re-encodes only single-page TIFFs (a DNG's raw data and other pages cannot be re-rendered)")
        }
        var coding = CAILabel_TIFFCoding()
        coding.compression = Int32(clamping: source.compression)
        coding.bit_depth = source.bitsPerSample.contains(16) ? 16 : 8
        // Grey (MinIsWhite, MinIsBlack) stays grey; palette, CMYK and the rest are written as RGB.
        coding.gray = source.photometric == 0 || source.photometric == 1 ? 1 : 0
        coding.associated_alpha = source.extraSamples.first == 1 ? 1 : 0
        coding.predictor = Int32(clamping: source.predictor ?? 1)
        coding.jpeg_quality = 90
        coding.ycbcr = source.photometric == 6 ? 1 : 0
        coding.big_endian = source.byteOrder == "MM" ? 1 : 0
        coding.big_tiff = source.bigTIFF ? 1 : 0
        let encoded = try image.pixels.withUnsafeBytes { raw in
            try PixelCodec.encode(library: "libtiff") { out, count, errbuf, length in
                CAILabel_tiff_encode(raw.baseAddress, UInt32(image.width), UInt32(image.height), Int32(image.channels), &coding, out, count, errbuf, length)
            }
        }
        return (encoded, MetadataEdit())
    }
}
