import AILabelKit
import AILabelMedia
import AILabelVisible
import AILabelVocabulary
import Foundation

/// A stamp resolved into concrete parts: the label request, the pixel marks (the layers the profile
/// and settings turn on), the signer, and whether kinds ailabel embeds into get sidecars instead.
/// Made by ``resolve(_:configuration:environment:)``; build one by hand to bypass the defaults.
public struct StampConfiguration: Sendable {
    public var label: LabelRequest
    /// The pixel marks, in the order they go in (the badge first, so the watermark covers its pixels).
    public var markers: [any PixelMarker]
    public var signer: (any ProvenanceSigner)?
    /// Write sidecars for JPEG, PNG and the other embeddable kinds too, leaving files unchanged.
    public var sidecarOnly: Bool
    public var dryRun: Bool
    /// Video: how long the badge is shown, and the re-encode's settings.
    public var videoSpan: VisibleSpan = .full
    public var videoSettings = VideoCodec.EncodeSettings()
    /// Audio: the audible disclosure to insert; nil for none.
    public var audible: AudibleRequest?
    /// What resolving wants a person to know (a key readable by others).
    public var notices: [Notice]

    public init(label: LabelRequest, markers: [any PixelMarker] = [], signer: (any ProvenanceSigner)? = nil,
                sidecarOnly: Bool = false, dryRun: Bool = false, notices: [Notice] = []) {
        self.label = label
        self.markers = markers
        self.signer = signer
        self.sidecarOnly = sidecarOnly
        self.dryRun = dryRun
        self.notices = notices
    }

    /// The embedding stamper these parts make.
    @_spi(Tools) public var stamper: Stamper {
        var stamper = Stamper(request: label, markers: markers, signer: signer, dryRun: dryRun)
        stamper.videoSpan = videoSpan
        stamper.videoSettings = videoSettings
        stamper.audible = audible
        return stamper
    }

    /// The sidecar stamper these parts make.
    @_spi(Tools) public var sidecarStamper: SidecarStamper { SidecarStamper(request: label, signer: signer as? C2PASigner, dryRun: dryRun) }

    /// The layers the configuration writes into a file that takes them all (reports may list fewer for
    /// a file whose format cannot carry one).
    var layerNames: [String] {
        ["iptc", "tc260", "ailabel-xmp"] + markers.map(\.name) + ["exif"] + (signer == nil ? [] : ["c2pa"])
    }

    /// Resolves settings against a configuration file and the environment. Precedence, for every value:
    /// the settings, then the environment (`AILABEL_SIGN_KEY`, `AILABEL_SIGN_CHAIN`), then the
    /// configuration, then the profile's default. Refusals say which option is wrong, in the words a
    /// command line prints.
    public static func resolve(
        _ settings: StampSettings, configuration: Configuration = Configuration(),
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws(AILabelError) -> StampConfiguration {
        try settings.validate()
        let request = try makeRequest(settings, configuration)
        var notices: [Notice] = []
        let signer = try settings.signer.resolve(configuration: configuration, environment: environment, notices: &notices)
        var markers: [any PixelMarker] = []
        let profile = StampProfile(rawValue: request.profile) ?? .kz
        if settings.visible ?? configuration.visible?.enabled ?? profile.visibleByDefault(deepfake: request.isDeepfake) {
            let fontPaths = settings.fonts.isEmpty ? (configuration.visible?.fonts ?? []) : settings.fonts
            let corner = BadgeCornerName.corner(settings.badgeCorner ?? configuration.visible?.corner ?? "top-right") ?? .topRight
            do {
                markers.append(try VisibleMarker(
                    fontFiles: fontPaths.isEmpty ? nil : fontPaths.map { FontFile(path: $0) }, corner: corner,
                    margin: settings.badgeMargin.flatMap(BadgeCornerName.margin), euIcon: settings.euIcon))
            } catch {
                throw AILabelError(.badOption, "the visible label cannot be drawn: \(error)")
            }
        }
        // The watermark goes in after the badge, so the badge's pixels carry it too.
        if settings.watermark ?? configuration.watermark?.enabled ?? profile.watermarkByDefault {
            markers.append(WatermarkMarker(key: configuration.watermark?.key.map { Array($0.utf8) }))
        }
        var resolved = StampConfiguration(
            label: request, markers: markers, signer: signer, sidecarOnly: settings.sidecarOnly, dryRun: settings.dryRun, notices: notices)
        resolved.videoSpan = settings.videoSpan
        resolved.videoSettings = VideoCodec.EncodeSettings(crf: settings.videoCRF)
        resolved.audible = settings.audible
        return resolved
    }

    /// The label request: each value from the settings, else the configuration's `[label]`, else the
    /// profile's default. A language without a text would fail every file, so it is refused here.
    static func makeRequest(_ settings: StampSettings, _ configuration: Configuration) throws(AILabelError) -> LabelRequest {
        let section = configuration.label
        var request = LabelRequest()
        var configuredProfile: StampProfile?
        if let name = section?.profile {
            guard let parsed = StampProfile(name: name) else {
                throw AILabelError(
                    .badConfiguration,
                    "the configuration's [label] profile is '\(name)'; use \(StampProfile.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            configuredProfile = parsed
        }
        let profile = settings.profile ?? configuredProfile ?? .kz
        request.profile = profile.rawValue
        if let term = settings.sourceType ?? section?.sourceType {
            guard let parsed = DigitalSourceType(parsing: term) else { throw AILabelError(.badOption, "unknown digital source type '\(term)'") }
            request.sourceType = parsed
        }
        request.aiSystem = settings.aiSystem ?? section?.aiSystem
        request.aiSystemVersion = settings.aiSystemVersion ?? section?.aiSystemVersion
        request.producerName = settings.producer ?? section?.producer
        request.producerID = settings.producerID ?? section?.producerID
        request.contentID = settings.contentID
        request.propagatorID = settings.propagator ?? section?.propagator
        request.propagateID = settings.propagateID
        request.isDeepfake = settings.deepfake || (section?.deepfake ?? false)
        request.prompt = settings.prompt
        request.created = settings.time.flatMap(ISO8601Time.normalize)
        let requested = settings.requestedLanguages
        request.languages = requested.isEmpty ? (section?.languages ?? profile.defaultLanguages) : requested
        let overrides = settings.textOverrides(over: configuration.texts ?? [:])
        request.textOverrides = overrides
        let kind = DisclosureTexts.kind(sourceType: request.sourceType, isDeepfake: request.isDeepfake)
        let missing = DisclosureTexts.texts(kind: kind, languages: request.languages, overrides: overrides).missing
        if !missing.isEmpty {
            let example = missing.map { "--text \($0)=…" }.joined(separator: " ")
            throw AILabelError(
                .badOption,
                "no disclosure text for \(missing.joined(separator: ", ")): ailabel has texts for \(DisclosureTexts.languages(kind: kind).joined(separator: ", ")); "
                    + "give one with \(example) (or a [texts] entry in the configuration)")
        }
        return request
    }
}
