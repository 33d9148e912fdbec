internal import CAILabelShims

/// Chroma subsampling of a JPEG encode.
public enum ChromaSubsampling: String, Sendable, Hashable, Codable, CaseIterable {
    case s444 = "4:4:4", s422 = "4:2:2", s420 = "4:2:0"

    var factors: (horizontal: Int32, vertical: Int32) {
        switch self {
        case .s444: (1, 1)
        case .s422: (2, 1)
        case .s420: (2, 2)
        }
    }

    /// The subsampling a JPEG's luma sampling factors describe.
    public init(lumaHorizontal: Int, vertical: Int) {
        switch (lumaHorizontal, vertical) {
        case (2, 2): self = .s420
        case (2, 1): self = .s422
        default: self = .s444
        }
    }
}

/// Decodes JPEG and PNG to 8-bit RGB(A) through libjpeg-turbo and libpng, and encodes back.
///
/// Every call goes through CAILabelShims, which keeps the libraries' longjmp error handling inside C.
public enum PixelCodec {
    /// The default bound on width × height for decoding: 100 megapixels, 300–400 MB of RGB(A).
    /// A header may declare far more (a 100000×100000 PNG); decoding refuses it before allocating.
    public static let defaultMaximumPixels = 100_000_000

    public static func decode(_ bytes: [UInt8], maxPixels: Int = defaultMaximumPixels) throws -> RGBImage {
        try decode(bytes, maxPixels: maxPixels, lenient: false)
    }

    /// - Parameter lenient: decode what a browser would show of a damaged file (a truncated JPEG's
    ///   grey fill, a PNG whose CRCs do not match): for pictures of a file (thumbnails), never for
    ///   judging or re-encoding it.
    public static func decode(_ bytes: [UInt8], maxPixels: Int = defaultMaximumPixels, lenient: Bool) throws -> RGBImage {
        guard let format = MediaFormat.sniff(bytes.prefix(8)) else {
            throw MediaError.make(.unsupportedFormat, "not a JPEG or PNG file")
        }
        if format == .png {
            // libpng allocates a chunk's declared length before reading it, and its chunk-size limit
            // does not stop a text chunk claiming 2 GB in a 57-byte file (found by fuzzing; see
            // Fixtures/fuzz/pixels). Our own parser first proves every chunk lies inside the file.
            _ = try PNGChunkParser.parse(bytes, verifyChecksums: false)
        }
        var pixels: UnsafeMutablePointer<UInt8>?
        var info = CAILabel_ImageInfo()
        var message = [CChar](repeating: 0, count: 256)
        let status = bytes.withUnsafeBytes { raw in
            message.withUnsafeMutableBufferPointer { errbuf in
                switch format {
                case .jpeg:
                    CAILabel_jpeg_decode(raw.baseAddress, raw.count, UInt64(maxPixels), lenient ? 1 : 0, &pixels, &info, errbuf.baseAddress, errbuf.count)
                case .png:
                    CAILabel_png_decode(raw.baseAddress, raw.count, UInt64(maxPixels), lenient ? 1 : 0, &pixels, &info, errbuf.baseAddress, errbuf.count)
                }
            }
        }
        defer { CAILabel_free(pixels) }
        try check(status, message: message, library: format == .jpeg ? "libjpeg" : "libpng", width: info.width, height: info.height, limit: maxPixels)
        guard let pixels else { throw MediaError.make(.libraryFailure, "the decoder returned no pixels") }
        let width = Int(info.width), height = Int(info.height), channels = Int(info.channels)
        return RGBImage(
            width: width, height: height, channels: channels,
            pixels: Array(UnsafeBufferPointer(start: pixels, count: width * height * channels)))
    }

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

    private static func encode(
        library: String,
        _ body: (UnsafeMutablePointer<UnsafeMutablePointer<UInt8>?>, UnsafeMutablePointer<Int>, UnsafeMutablePointer<CChar>?, Int) -> CAILabel_Status
    ) throws -> [UInt8] {
        var out: UnsafeMutablePointer<UInt8>?
        var count = 0
        var message = [CChar](repeating: 0, count: 256)
        let status = message.withUnsafeMutableBufferPointer { errbuf in body(&out, &count, errbuf.baseAddress, errbuf.count) }
        defer { CAILabel_free(out) }
        try check(status, message: message, library: library, width: 0, height: 0, limit: 0)
        guard let out else { throw MediaError.make(.libraryFailure, "\(library) returned no data") }
        return Array(UnsafeBufferPointer(start: out, count: count))
    }

    private static func check(_ status: CAILabel_Status, message: [CChar], library: String, width: UInt32, height: UInt32, limit: Int) throws {
        let text = message.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
        switch status {
        case CAILabel_OK:
            return
        case CAILabel_LIMIT_EXCEEDED:
            throw MediaError.make(
                .limitExceeded, "the image is \(width)×\(height) pixels, over the decoding limit of \(limit) pixels")
        case CAILabel_ALLOC_FAILED:
            throw MediaError.make(.limitExceeded, "\(library) ran out of memory")
        case CAILabel_BAD_ARGUMENT:
            throw MediaError.make(.invalidArgument, "\(library) was given arguments it cannot use")
        default:
            throw MediaError.make(.libraryFailure, "\(library): \(text.isEmpty ? "unknown error" : text)")
        }
    }
}
