/// The kind of a disclosure a file carries: the stable string every report writes as a disclosure's
/// `kind`, and the names profiles list in a check's `accepts`.
///
/// A struct with named constants, like ``EvidenceSource``; a string literal too, for tests and profiles.
public struct DisclosureKind: RawRepresentable, Sendable, Hashable, Codable, CustomStringConvertible, ExpressibleByStringInterpolation, Comparable {
    public let rawValue: String

    public init(rawValue: String) { self.rawValue = rawValue }
    public init(stringLiteral value: String) { self.init(rawValue: value) }
    public var description: String { rawValue }

    public static func < (lhs: DisclosureKind, rhs: DisclosureKind) -> Bool { lhs.rawValue < rhs.rawValue }

    public init(from decoder: any Decoder) throws { self.init(rawValue: try decoder.singleValueContainer().decode(String.self)) }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }

    /// IPTC DigitalSourceType with a generative-AI term.
    public static let iptc = DisclosureKind(rawValue: "iptc")
    /// A TC260 implicit label, wherever it is.
    public static let tc260 = DisclosureKind(rawValue: "tc260")
    /// A C2PA manifest.
    public static let c2pa = DisclosureKind(rawValue: "c2pa")
    /// ailabel's own XMP record.
    public static let ailabelXMP = DisclosureKind(rawValue: "ailabel-xmp")
    /// A visible badge, or a visible notice on a page or in a feed record.
    public static let visible = DisclosureKind(rawValue: "visible")
    /// A disclosure people hear in audio: a spoken sentence or GB 45438's rhythm cue.
    public static let audible = DisclosureKind(rawValue: "audible")
    /// ailabel's invisible watermark.
    public static let watermark = DisclosureKind(rawValue: "watermark")
    /// An XMP or C2PA sidecar.
    public static let sidecar = DisclosureKind(rawValue: "sidecar")
    /// A feed record's machine-readable marker.
    public static let catalog = DisclosureKind(rawValue: "catalog")
    /// A web page's machine-readable AI signal.
    public static let html = DisclosureKind(rawValue: "html")

    /// The machine-readable kinds a profile accepts unless it names its own.
    public static let machineReadable: Set<DisclosureKind> = [.iptc, .tc260, .c2pa]

    /// Every named kind, for the documentation check.
    public static let named: [DisclosureKind] = [.iptc, .tc260, .c2pa, .ailabelXMP, .visible, .audible, .watermark, .sidecar, .catalog, .html]
}
