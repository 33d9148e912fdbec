/// Where evidence of AI involvement was found: the stable string every report writes as an evidence
/// item's `source` (Docs/verification-codes.md lists them).
///
/// A struct with named constants, like `MediaError.Code`, so a new source is one line and no report
/// format changes. It is a string literal too, so tests and plug-in collectors can write the string the
/// reports show; ailabel's own code names the constants.
public struct EvidenceSource: RawRepresentable, Sendable, Hashable, Codable, CustomStringConvertible, ExpressibleByStringInterpolation {
    public let rawValue: String

    public init(rawValue: String) { self.rawValue = rawValue }
    public init(stringLiteral value: String) { self.init(rawValue: value) }
    public var description: String { rawValue }

    public init(from decoder: any Decoder) throws { self.init(rawValue: try decoder.singleValueContainer().decode(String.self)) }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }

    /// A C2PA manifest: an AI digital source type, an AI signal, or an AI provider's signature.
    public static let c2pa = EvidenceSource(rawValue: "c2pa")
    /// IPTC DigitalSourceType or one of the IPTC AI properties in XMP.
    public static let iptc = EvidenceSource(rawValue: "iptc")
    /// A TC260 implicit label (XMP, or a PNG text chunk).
    public static let tc260 = EvidenceSource(rawValue: "tc260")
    /// A TC260 label in EXIF UserComment.
    public static let exif = EvidenceSource(rawValue: "exif")
    /// Evidence in a `FILE.xmp` or `FILE.c2pa` sidecar (the detail names the source inside).
    public static let sidecar = EvidenceSource(rawValue: "sidecar")
    /// A feed record's AI flag or digital source type.
    public static let catalog = EvidenceSource(rawValue: "catalog")
    /// A web page's AI signal.
    public static let html = EvidenceSource(rawValue: "html")
    /// ailabel's invisible watermark.
    public static let ailabelWatermark = EvidenceSource(rawValue: "watermark:ailabel")
    /// The invisible-watermark mark of Stable Diffusion pipelines.
    public static let stableDiffusionWatermark = EvidenceSource(rawValue: "watermark:stable-diffusion")

    /// A generator's trace: `generator:<name>` (`automatic1111`, `comfyui`, `midjourney`…).
    public static func generator(_ name: String) -> EvidenceSource { EvidenceSource(rawValue: "generator:" + name) }

    /// Every named source (without the `generator:<name>` family), for the documentation check.
    public static let named: [EvidenceSource] = [.c2pa, .iptc, .tc260, .exif, .sidecar, .catalog, .html, .ailabelWatermark, .stableDiffusionWatermark]
}
