import AILabelKit
import AILabelManifest
import AILabelNetwork
import AILabelVerify
import Foundation

/// What a verification is asked for, as a command line, a query string or a deployment says it.
/// ``VerifyConfiguration/resolve(_:configuration:environment:trustStore:)`` loads the profile and trust and
/// chooses the collectors.
public struct VerifySettings: Sendable, Hashable {
    /// A shipped profile's name (kz, eu, cn) or, where ``allowProfileFiles``, a profile file's path.
    public var profile: String?
    /// Whether ``profile`` may name a file. A service answering requests keeps this false, so a
    /// request cannot make it read a path of the caller's choosing.
    public var allowProfileFiles = true
    public var trust = TrustSettings()
    public var requireTrusted = false
    public var scan: ScanMode = .auto
    /// Fetch remote C2PA manifests (16 MB, 15 s, public hosts unless allowed).
    public var fetchRemote = false
    /// Ask signers' OCSP responders (64 KB, 10 s, public hosts unless allowed).
    public var ocspFetch = false
    /// Hosts fetched and redirected to by ``fetchRemote`` and ``ocspFetch``.
    public var allowedHosts: [String] = []
    /// Make a thumbnail of each image (the HTML report shows them).
    public var thumbnails = false

    public init() {}
}

/// A verification resolved into concrete parts: the profile, the trust, the evidence collectors and
/// the fetch policies, as one ``Verifier``.
public struct VerifyConfiguration: Sendable {
    public var verifier: Verifier
    /// What resolving wants a person to know (unreadable certificates, no trust list installed).
    public var notices: [Notice]

    public var profile: Profile { verifier.options.profile }
    public var scan: ScanMode { verifier.options.scan }

    public init(verifier: Verifier, notices: [Notice] = []) {
        self.verifier = verifier
        self.notices = notices
    }

    /// The collectors that read pixels: the visible badge check and the watermark detectors (a keyed
    /// mark is read with the publisher's key besides the public one). They run under the scan mode.
    @_spi(Tools) public static func pixelCollectors(watermarkKey: [UInt8]?) -> [any EvidenceCollector] {
        var collectors: [any EvidenceCollector] = [VisibleLabelCollector(), WatermarkCollector()]
        if let watermarkKey { collectors.append(WatermarkCollector(key: watermarkKey)) }
        return collectors
    }

    /// Resolves settings against a configuration file and the environment (`AILABEL_TRUST`).
    public static func resolve(
        _ settings: VerifySettings, configuration: Configuration = Configuration(),
        environment: [String: String] = ProcessInfo.processInfo.environment, trustStore: TrustListStore? = TrustListStore.user()
    ) throws(AILabelError) -> VerifyConfiguration {
        let profile = try loadProfile(settings.profile ?? "kz", allowFiles: settings.allowProfileFiles)
        var notices: [Notice] = []
        let trust = try settings.trust.resolve(configuration: configuration, environment: environment, store: trustStore, notices: &notices)
        var options = VerifyOptions(
            profile: profile, trust: trust, requireTrusted: settings.requireTrusted, scan: settings.scan, thumbnails: settings.thumbnails)
        if settings.fetchRemote {
            options.remoteManifests = FetchPolicy(
                maxBytes: RemoteManifestLimits.maxBytes, timeout: RemoteManifestLimits.timeout, allowedHosts: Set(settings.allowedHosts))
        }
        if settings.ocspFetch { options.ocspFetcher = OCSPClient(allowedHosts: Set(settings.allowedHosts)) }
        let verifier = Verifier(
            options: options, extraCollectors: pixelCollectors(watermarkKey: configuration.watermark?.key.map { Array($0.utf8) }))
        return VerifyConfiguration(verifier: verifier, notices: notices)
    }

    /// The same verification with the fragments of a fragmented MP4 (its init segment is the file verified).
    @_spi(Tools) public func with(bmffFragments: [BMFFFragmentSource]) -> VerifyConfiguration {
        var options = verifier.options
        options.bmffFragments = bmffFragments
        // The collectors beyond the verifier's own are the pixel detectors.
        return VerifyConfiguration(verifier: Verifier(options: options, extraCollectors: verifier.collectors.filter(\.needsPixels)), notices: notices)
    }

    static func loadProfile(_ name: String, allowFiles: Bool) throws(AILabelError) -> Profile {
        if !allowFiles && !Profile.shipped.contains(name.lowercased()) {
            throw AILabelError(.badOption, "unknown profile '\(name)'; use \(Profile.shipped.joined(separator: ", "))")
        }
        do {
            return try Profile.load(allowFiles ? name : name.lowercased())
        } catch let error as ProfileError {
            throw AILabelError(.badOption, error.reason)
        } catch {
            throw AILabelError(.badOption, "\(error)")
        }
    }
}
