import AILabelManifest

/// A finding's stable code: the string every report writes (JSON, JSON Lines, SARIF rule IDs, JUnit,
/// HTML, text), documented one by one in Docs/verification-codes.md.
///
/// A struct with named constants, like `MediaError.Code`: codes are added without breaking anyone,
/// and the families that carry a value (`c2pa.<status>`, `profile.<profile>.<check>`,
/// `catalog.image-missing` and `html.image-missing`…) are built by functions, never by hand. A string
/// literal too, so tests and plug-in collectors can write the string the reports show.
public struct FindingCode: RawRepresentable, Sendable, Hashable, Codable, CustomStringConvertible, ExpressibleByStringInterpolation {
    public let rawValue: String

    public init(rawValue: String) { self.rawValue = rawValue }
    public init(stringLiteral value: String) { self.init(rawValue: value) }
    public var description: String { rawValue }

    public init(from decoder: any Decoder) throws { self.init(rawValue: try decoder.singleValueContainer().decode(String.self)) }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }

    // The file and its metadata blocks.
    public static let fileUnreadable = FindingCode(rawValue: "file.unreadable")
    /// A container with no C2PA embedding (WebM, Matroska, Ogg, raw AAC, MPEG-TS): labels only in sidecars.
    public static let containerSidecarOnly = FindingCode(rawValue: "container.sidecar-only")
    public static let xmpUnreadable = FindingCode(rawValue: "xmp.unreadable")
    public static let exifUnreadable = FindingCode(rawValue: "exif.unreadable")
    public static let pixelsUndecodable = FindingCode(rawValue: "pixels.undecodable")

    // Labels.
    public static let iptcUnknownSourceType = FindingCode(rawValue: "iptc.unknown-source-type")
    public static let tc260Malformed = FindingCode(rawValue: "tc260.malformed")
    public static let visibleRegionMalformed = FindingCode(rawValue: "visible.region-malformed")
    public static let visibleAltered = FindingCode(rawValue: "visible.altered")
    public static let visibleCropped = FindingCode(rawValue: "visible.cropped")
    public static let visibleUnchecked = FindingCode(rawValue: "visible.unchecked")
    public static let watermarkLabelMismatch = FindingCode(rawValue: "watermark.label-mismatch")
    /// A declared audible disclosure is not heard in a span the label records (cut or replaced).
    public static let audibleMissing = FindingCode(rawValue: "audible.missing")
    /// A declared audible disclosure could not be checked (the cue could not be made again).
    public static let audibleUnchecked = FindingCode(rawValue: "audible.unchecked")
    /// The audio detectors could not decode the file's audio.
    public static let audioUndecodable = FindingCode(rawValue: "audio.undecodable")
    public static let generatorHostingHint = FindingCode(rawValue: "generator.hosting-hint")

    // C2PA.
    public static let c2paUntrusted = FindingCode(rawValue: "c2pa.untrusted")
    public static let c2paInvalid = FindingCode(rawValue: "c2pa.invalid")
    public static let c2paManifestInaccessible = FindingCode(rawValue: "c2pa.manifest.inaccessible")
    public static let c2paSignalPossiblyAI = FindingCode(rawValue: "c2pa.signal.possibly-ai")
    public static let c2paInvalidWithoutAI = FindingCode(rawValue: "c2pa.invalid-without-ai")
    /// A C2PA failure status of the file's manifest: `c2pa.<status code>`.
    public static func c2pa(_ status: ValidationStatus.Code) -> FindingCode { FindingCode(rawValue: "c2pa." + status.rawValue) }

    // Judgement.
    public static let disclosureInvalid = FindingCode(rawValue: "disclosure.invalid")
    public static let disclosureContradictory = FindingCode(rawValue: "disclosure.contradictory")
    public static let disclosureUnverifiable = FindingCode(rawValue: "disclosure.unverifiable")
    /// A profile's check not met: `profile.<profile>.<check>`.
    public static func profile(_ profile: String, check: String) -> FindingCode { FindingCode(rawValue: "profile.\(profile).\(check)") }

    // Sidecars.
    public static let sidecarOrphaned = FindingCode(rawValue: "sidecar.orphaned")
    public static let sidecarUnreadable = FindingCode(rawValue: "sidecar.unreadable")
    /// A C2PA failure status of a `.c2pa` sidecar: `sidecar.c2pa.<status code>`.
    public static func sidecarC2PA(_ status: ValidationStatus.Code) -> FindingCode { FindingCode(rawValue: "sidecar.c2pa." + status.rawValue) }

    // Feeds and pages.
    public static let catalogUnreadable = FindingCode(rawValue: "catalog.unreadable")
    public static let catalogMarkerMissing = FindingCode(rawValue: "catalog.marker-missing")
    public static let catalogTextMissing = FindingCode(rawValue: "catalog.text-missing")
    public static let catalogIDMissing = FindingCode(rawValue: "catalog.id-missing")
    public static let catalogDuplicateID = FindingCode(rawValue: "catalog.duplicate-id")
    public static let htmlMarkerMissing = FindingCode(rawValue: "html.marker-missing")
    public static let htmlNoticeMissing = FindingCode(rawValue: "html.notice-missing")
    public static let htmlUnknownValue = FindingCode(rawValue: "html.unknown-value")
    public static let htmlJSONLDMalformed = FindingCode(rawValue: "html.jsonld-malformed")
    public static let htmlNoticeWithoutMarker = FindingCode(rawValue: "html.notice-without-marker")

    /// Where a feed's or a page's local images are checked: the first part of their image codes.
    public struct ImageScope: Sendable, Hashable {
        let prefix: String
        public static let catalog = ImageScope(prefix: "catalog")
        public static let html = ImageScope(prefix: "html")
    }

    /// `<scope>.image-missing`, `.path-outside-root`, `.image-unreadable`, `.image-invalid`,
    /// `.image-verdict`, `.image-remote`.
    public static func imageMissing(_ scope: ImageScope) -> FindingCode { FindingCode(rawValue: scope.prefix + ".image-missing") }
    public static func pathOutsideRoot(_ scope: ImageScope) -> FindingCode { FindingCode(rawValue: scope.prefix + ".path-outside-root") }
    public static func imageUnreadable(_ scope: ImageScope) -> FindingCode { FindingCode(rawValue: scope.prefix + ".image-unreadable") }
    public static func imageInvalid(_ scope: ImageScope) -> FindingCode { FindingCode(rawValue: scope.prefix + ".image-invalid") }
    public static func imageVerdict(_ scope: ImageScope) -> FindingCode { FindingCode(rawValue: scope.prefix + ".image-verdict") }
    public static func imageRemote(_ scope: ImageScope) -> FindingCode { FindingCode(rawValue: scope.prefix + ".image-remote") }
    /// An image a page or feed names, not read because it came without its folder (an upload).
    public static func imageNotRead(_ scope: ImageScope) -> FindingCode { FindingCode(rawValue: scope.prefix + ".image-not-read") }

    /// Every code without a value in it, for the documentation check.
    public static let fixed: [FindingCode] = [
        .fileUnreadable, .containerSidecarOnly, .xmpUnreadable, .exifUnreadable, .pixelsUndecodable, .iptcUnknownSourceType, .tc260Malformed,
        .visibleRegionMalformed, .visibleAltered, .visibleCropped, .visibleUnchecked, .watermarkLabelMismatch, .audibleMissing, .audibleUnchecked, .audioUndecodable, .generatorHostingHint,
        .c2paUntrusted, .c2paInvalid, .c2paManifestInaccessible, .c2paSignalPossiblyAI, .c2paInvalidWithoutAI, .disclosureInvalid,
        .disclosureContradictory, .disclosureUnverifiable, .sidecarOrphaned, .sidecarUnreadable, .catalogUnreadable,
        .catalogMarkerMissing, .catalogTextMissing, .catalogIDMissing, .catalogDuplicateID, .htmlMarkerMissing, .htmlNoticeMissing,
        .htmlUnknownValue, .htmlJSONLDMalformed, .htmlNoticeWithoutMarker,
    ] + [ImageScope.catalog, .html].flatMap { scope in
        [imageMissing(scope), pathOutsideRoot(scope), imageUnreadable(scope), imageInvalid(scope), imageVerdict(scope), imageRemote(scope), imageNotRead(scope)]
    }
}
