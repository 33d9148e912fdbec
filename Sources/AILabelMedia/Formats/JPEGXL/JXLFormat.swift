internal import CAILabelJXL

extension MediaFormat {
    public static let jxl = MediaFormat(rawValue: "jxl")
}

extension JXLHandler {
    static let declaration = FormatDeclaration(
        format: .jxl, displayName: "JPEG XL",
        signatures: [MagicSignature(JXLBoxes.signature), MagicSignature(JXLBoxes.codestreamSignature)],
        extensions: ["jxl"],
        mimeTypes: ["image/jxl"],
        carries: [.xmp, .c2paStore, .exif, .pixels],
        c2paBindings: [.dataHash, .boxHash])
}

/// How a JPEG XL file's image is coded, from its codestream header (read by libjxl, no pixels decoded).
public struct JXLCoding: FormatCoding {
    /// Whether the file is a container of boxes (else a bare codestream, which holds no metadata).
    public var container: Bool
    /// Bits per colour sample of the original (8, 10, 12, 16, or 32 for float).
    public var bitsPerSample: Int
    /// Bits of the alpha channel; 0 without one.
    public var alphaBits: Int
    /// Whether the image is stored in its original colour space rather than XYB: libjxl's mark of a
    /// lossless (modular) encode.
    public var lossless: Bool
    public var animated: Bool
    /// Whether the file holds a JPEG reconstruction box (`jbrd`): a JPEG recompressed losslessly.
    public var recompressedJPEG: Bool
    /// `icc` when the codestream carries an ICC profile, `encoded` for a colour space given by enums.
    public var colourProfile: String
    /// The colour profile libjxl decodes pixels to, as ICC bytes: what a re-encode declares.
    var dataICC: [UInt8]?
    /// The same profile as libjxl's enums, when it has that form (a re-encode prefers it).
    var dataEncoding: JxlColorEncoding?

    public var reportKey: String { "jxl" }

    public var summary: String {
        var parts = [lossless ? "lossless" : "lossy", "\(bitsPerSample)-bit"]
        if alphaBits > 0 { parts.append("alpha") }
        if animated { parts.append("animated") }
        if recompressedJPEG { parts.append("recompressed JPEG") }
        parts.append(colourProfile == "icc" ? "ICC profile" : "encoded colour space")
        parts.append(container ? "container" : "bare codestream")
        return parts.joined(separator: ", ")
    }

    enum CodingKeys: String, CodingKey { case container, bitsPerSample, alphaBits, lossless, animated, recompressedJPEG, colourProfile }

    public func encode(to encoder: any Encoder) throws {
        var values = encoder.container(keyedBy: CodingKeys.self)
        try values.encode(container, forKey: .container)
        try values.encode(bitsPerSample, forKey: .bitsPerSample)
        try values.encode(alphaBits, forKey: .alphaBits)
        try values.encode(lossless, forKey: .lossless)
        try values.encode(animated, forKey: .animated)
        try values.encode(recompressedJPEG, forKey: .recompressedJPEG)
        try values.encode(colourProfile, forKey: .colourProfile)
    }
}

extension MediaContents {
    /// The JPEG XL coding, when the file is a JPEG XL.
    public var jxlCoding: JXLCoding? { coding as? JXLCoding }
}
