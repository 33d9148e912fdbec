/// What ailabel writes into a new manifest. Everything but ``digitalSourceType`` is optional.
public struct ManifestDefinition: Sendable {
    /// The IPTC digital source type of the `c2pa.created` action, e.g.
    /// `http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia`.
    public var digitalSourceType: String
    /// `dc:title` of the claim (usually the file name).
    public var title: String?
    /// The version written in `claim_generator_info` and the actions' `softwareAgent`.
    public var softwareVersion: String
    /// `c2pa.watermarked` actions to record (a visible label or an invisible watermark was applied).
    public var watermarks: [WatermarkAction]
    /// The fields of the `io.ailabel.disclosure` assertion (a CBOR map); nil leaves it out.
    public var disclosure: [(key: String, value: CBOR)]?
    /// `c2pa.soft-binding` entries (a watermark or fingerprint bound to this manifest).
    public var softBindings: [SoftBinding]
    /// An optional claim thumbnail (off by default: thumbnails bloat files).
    public var thumbnail: Thumbnail?
    /// Extra CBOR assertions (label, content), e.g. other reverse-DNS labels.
    public var customAssertions: [(label: String, value: CBOR)]
    /// Whether an existing store that cannot be parsed may be replaced. Off: signing such a file
    /// throws ``ManifestError/Code/storeMalformed`` rather than silently dropping provenance.
    public var replaceUnreadableStore = false

    public init(
        digitalSourceType: String,
        title: String? = nil,
        softwareVersion: String = ManifestDefinition.ailabelVersion,
        watermarks: [WatermarkAction] = [],
        disclosure: [(key: String, value: CBOR)]? = nil,
        softBindings: [SoftBinding] = [],
        thumbnail: Thumbnail? = nil,
        customAssertions: [(label: String, value: CBOR)] = []
    ) {
        self.digitalSourceType = digitalSourceType
        self.title = title
        self.softwareVersion = softwareVersion
        self.watermarks = watermarks
        self.disclosure = disclosure
        self.softBindings = softBindings
        self.thumbnail = thumbnail
        self.customAssertions = customAssertions
    }

    /// The version ailabel writes by default.
    public static let ailabelVersion = "0.1.0"
    /// The name ailabel writes as claim generator and software agent.
    public static let generatorName = "ailabel"
    /// The label of ailabel's disclosure assertion.
    public static let disclosureLabel = "io.ailabel.disclosure"
    /// The C2PA specification version ailabel's manifests follow (`claim_generator_info.specVersion`).
    public static let specVersion = "2.4.0"
    /// The action parameter in which a re-stamp's `c2pa.opened` states the declared digital source
    /// type (spec 2.4 forbids `digitalSourceType` on `c2pa.opened`; custom parameters carry a dot).
    public static let declaredSourceTypeParameter = "io.ailabel.digitalSourceType"
}

/// A mark applied to the pixels: a visible badge (a perceptible `c2pa.edited` action) or an invisible
/// watermark (`c2pa.watermarked.bound`, or `.unbound` without a soft binding).
public struct WatermarkAction: Sendable, Hashable {
    /// `visible` and `audible` are perceptible edits (`c2pa.edited` with a digital source type);
    /// `invisible` is a watermark (`c2pa.watermarked`).
    public enum Kind: String, Sendable, Hashable { case visible, audible, invisible }
    /// What was applied, e.g. "visible AI disclosure label" or "invisible watermark".
    public var description: String
    public var kind: Kind
    public init(description: String, kind: Kind = .invisible) {
        self.description = description
        self.kind = kind
    }

    /// The digital source type of a visible badge: drawn by an algorithm from no sampled training
    /// data (IPTC `algorithmicMedia`), which the conformance rubric asks of every perceptible action.
    public static let visibleMarkSourceType = "http://cv.iptc.org/newscodes/digitalsourcetype/algorithmicMedia"
}

/// A `c2pa.soft-binding` entry: the registered algorithm identifier and the payload it binds.
public struct SoftBinding: Sendable, Hashable {
    public var algorithm: String
    public var value: String
    public init(algorithm: String, value: String) {
        self.algorithm = algorithm
        self.value = value
    }
}

/// A claim thumbnail: encoded image bytes and their MIME type (`image/jpeg` or `image/png`).
public struct Thumbnail: Sendable, Hashable {
    public var bytes: [UInt8]
    public var mimeType: String
    public init(bytes: [UInt8], mimeType: String) {
        self.bytes = bytes
        self.mimeType = mimeType
    }
}

extension SoftBinding: Encodable {}
