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

/// Decodes any registered format with a pixel codec to 8-bit RGB(A) through its handler, and holds what
/// the format codecs share (each format's own decode and encode calls live in its folder).
///
/// Every library call goes through CAILabelShims, which keeps the libraries' longjmp error handling inside C.
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
        guard let handler = AssetRegistry.standard.handler(for: bytes.prefix(AssetRegistry.standard.sniffLength)) else {
            throw MediaError.make(.unsupportedFormat, "not a \(AssetRegistry.standard.formatNames) file")
        }
        return try handler.decodePixels(bytes, maxPixels: maxPixels, lenient: lenient)
    }

    /// Runs one decoding call of a library shim and copies its pixels out.
    static func decode(
        library: String, maxPixels: Int,
        _ body: (UnsafeMutablePointer<UnsafeMutablePointer<UInt8>?>, UnsafeMutablePointer<CAILabel_ImageInfo>, UnsafeMutablePointer<CChar>?, Int) -> CAILabel_Status
    ) throws -> RGBImage {
        var pixels: UnsafeMutablePointer<UInt8>?
        var info = CAILabel_ImageInfo()
        var message = [CChar](repeating: 0, count: 256)
        let status = message.withUnsafeMutableBufferPointer { errbuf in body(&pixels, &info, errbuf.baseAddress, errbuf.count) }
        defer { CAILabel_free(pixels) }
        try check(status, message: message, library: library, width: info.width, height: info.height, limit: maxPixels)
        guard let pixels else { throw MediaError.make(.libraryFailure, "the decoder returned no pixels") }
        let width = Int(info.width), height = Int(info.height), channels = Int(info.channels)
        return RGBImage(
            width: width, height: height, channels: channels,
            pixels: Array(UnsafeBufferPointer(start: pixels, count: width * height * channels)))
    }

    static func encode(
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

    static func check(_ status: CAILabel_Status, message: [CChar], library: String, width: UInt32, height: UInt32, limit: Int) throws {
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
