extension MediaFormat {
    public static let webp = MediaFormat(rawValue: "webp")
}

extension WebPHandler {
    static let declaration = FormatDeclaration(
        format: .webp, displayName: "WebP",
        signatures: [MagicSignature(ascii: "RIFF????WEBP")],
        extensions: ["webp"],
        mimeTypes: ["image/webp"],
        carries: [.xmp, .c2paStore, .exif, .icc, .pixels],
        c2paBindings: [.dataHash])
}

/// How a WebP's image data is coded, from its chunks.
public struct WebPCoding: FormatCoding, Hashable, Codable {
    /// `lossy` (VP8), `lossless` (VP8L), or `mixed` (an animation with both).
    public var compression: String
    public var alpha: Bool
    public var animated: Bool
    /// Whether the file uses the extended layout (a VP8X chunk).
    public var extended: Bool
    /// The quality a lossy file was encoded at, estimated from its VP8 header (``WebPQuality``).
    public var quality: Int? = nil
    /// An animation's timing, from its `ANIM` and `ANMF` chunks: what a re-encode of marked frames keeps.
    public var animation: WebPAnimationTiming? = nil

    public var reportKey: String { "webp" }

    public var summary: String {
        "\(compression)\(alpha ? ", alpha" : "")\(animated ? ", animated" : "")\(extended ? ", extended (VP8X)" : ", simple")"
    }
}

extension MediaContents {
    /// The WebP coding, when the file is a WebP.
    public var webpCoding: WebPCoding? { coding as? WebPCoding }
}
