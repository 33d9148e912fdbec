extension MediaFormat {
    public static let tiff = MediaFormat(rawValue: "tiff")
    /// Adobe DNG: a TIFF whose IFD0 carries DNGVersion (tag 50706).
    public static let dng = MediaFormat(rawValue: "dng")
}

extension TIFFHandler {
    /// TIFF and BigTIFF, in either byte order.
    static let signatures = [
        MagicSignature([0x49, 0x49, 0x2A, 0x00]), MagicSignature([0x4D, 0x4D, 0x00, 0x2A]),
        MagicSignature([0x49, 0x49, 0x2B, 0x00]), MagicSignature([0x4D, 0x4D, 0x00, 0x2B]),
    ]

    static let tiffDeclaration = FormatDeclaration(
        format: .tiff, displayName: "TIFF",
        signatures: signatures,
        extensions: ["tif", "tiff"],
        mimeTypes: ["image/tiff"],
        carries: [.xmp, .c2paStore, .exif, .icc, .pixels],
        c2paBindings: [.dataHash])

    /// DNG shares TIFF's magic bytes: the registry sniffs a TIFF, and the walker's DNGVersion tag
    /// makes it a DNG (``TIFFHandler/refined(by:)``). Its raw data cannot be re-rendered faithfully,
    /// so it declares no pixel codec: a badge or watermark on a DNG is a warning for the file.
    static let dngDeclaration = FormatDeclaration(
        format: .dng, displayName: "DNG",
        signatures: signatures,
        extensions: ["dng"],
        mimeTypes: ["image/dng", "image/x-adobe-dng"],
        carries: [.xmp, .c2paStore, .exif, .icc],
        c2paBindings: [.dataHash])
}

/// How a TIFF's (or DNG's) main image is stored, from its directories.
public struct TIFFCoding: FormatCoding, Hashable, Codable {
    /// `II` (little-endian) or `MM` (big-endian).
    public var byteOrder: String
    public var bigTIFF: Bool
    /// Pages in the main IFD chain (a C2PA-only directory c2pa-rs appends is not counted).
    public var pages: Int
    /// TIFF Compression of IFD0 (1 none, 5 LZW, 7 JPEG, 8 Deflate, 32773 PackBits…).
    public var compression: Int
    /// PhotometricInterpretation of IFD0 (1 grey, 2 RGB, 3 palette, 5 CMYK, 6 YCbCr, 32803 CFA…).
    public var photometric: Int
    public var bitsPerSample: [Int]
    public var samplesPerPixel: Int
    /// ExtraSamples of IFD0 (1 associated alpha, 2 unassociated alpha).
    public var extraSamples: [Int]
    public var tiled: Bool
    /// Predictor of IFD0 (2: horizontal differencing), when present.
    public var predictor: Int?
    /// DNGVersion as `1.7.0.0`, for a DNG.
    public var dngVersion: String?

    public var reportKey: String { "tiff" }

    public var summary: String {
        let depth = bitsPerSample.isEmpty ? "" : ", \(bitsPerSample.map(String.init).joined(separator: "/")) bits"
        return "\(bigTIFF ? "BigTIFF" : "TIFF") \(byteOrder), \(pages) page\(pages == 1 ? "" : "s"), compression \(compression), photometric \(photometric)"
            + depth + (extraSamples.isEmpty ? "" : ", extra samples \(extraSamples)") + (tiled ? ", tiled" : ", strips")
            + (dngVersion.map { ", DNG \($0)" } ?? "")
    }
}

extension MediaContents {
    /// The TIFF coding, when the file is a TIFF or DNG.
    public var tiffCoding: TIFFCoding? { coding as? TIFFCoding }
}
