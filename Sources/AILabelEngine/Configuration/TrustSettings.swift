import AILabelKit
import AILabelManifest
import Foundation

/// The trust anchors as a command line, a configuration file or a deployment names them.
///
/// Precedence, written once here: anchors from these settings, else `AILABEL_TRUST` (paths separated
/// by ':'), else the configuration's `[trust] anchors`; EKUs from ``extendedKeyUsages`` else
/// `[trust] trust_config`; allowed certificates from ``allowedLists`` else `[trust] allowed`. The
/// installed C2PA trust lists are added unless ``defaultLists`` is false. Explicit anchors serve
/// signers and time-stamp authorities alike, as in c2pa-rs.
public struct TrustSettings: Sendable, Hashable {
    public var anchors: [String]
    public var extendedKeyUsages: String?
    public var allowedLists: [String]
    public var defaultLists: Bool

    public init(anchors: [String] = [], extendedKeyUsages: String? = nil, allowedLists: [String] = [], defaultLists: Bool = true) {
        self.anchors = anchors
        self.extendedKeyUsages = extendedKeyUsages
        self.allowedLists = allowedLists
        self.defaultLists = defaultLists
    }

    /// The loaded trust. A file that cannot be read, or a bundle with no readable certificate, is
    /// ``AILabelError/Code/trustRefused``; an unreadable certificate among readable ones is a notice.
    public func resolve(
        configuration: Configuration, environment: [String: String] = ProcessInfo.processInfo.environment,
        store: TrustListStore? = TrustListStore.user(), notices: inout [Notice]
    ) throws(AILabelError) -> TrustConfiguration {
        var paths = anchors
        if paths.isEmpty, let fromEnvironment = environment["AILABEL_TRUST"], !fromEnvironment.isEmpty {
            paths = fromEnvironment.split(separator: ":").map(String.init)
        }
        if paths.isEmpty { paths = configuration.trust?.anchors ?? [] }
        let allowedPaths = allowedLists.isEmpty ? (configuration.trust?.allowed ?? []) : allowedLists
        let usagePath = extendedKeyUsages ?? configuration.trust?.trustConfig
        var trust = TrustConfiguration.none
        if !paths.isEmpty || !allowedPaths.isEmpty || usagePath != nil {
            var bundles: [(name: String, pem: String)] = []
            for path in paths { bundles.append((name: path, pem: try Self.readPEM(path, holding: "trust anchors"))) }
            var allowed: String?
            if !allowedPaths.isEmpty {
                var texts: [String] = []
                for path in allowedPaths { texts.append(try Self.readPEM(path, holding: "allowed certificates")) }
                allowed = texts.joined(separator: "\n")
            }
            let usages = try usagePath.map { path throws(AILabelError) in try Self.readPEM(path, holding: "trust configuration (EKU OIDs)") }
            do {
                trust = try TrustConfiguration(anchorBundles: bundles, allowedList: allowed, extendedKeyUsages: usages)
            } catch let error as ManifestError {
                throw AILabelError(.trustRefused, "the trust anchors were refused: \(error.reason)")
            } catch {
                throw AILabelError(.trustRefused, "the trust anchors were refused: \(error)")
            }
            trust.timeStampAnchors += trust.anchors
        }
        var storeNotices: [Notice] = []
        if defaultLists {
            do {
                if let installed = try store?.trust() {
                    trust.anchors += installed.signers
                    trust.timeStampAnchors += installed.timeStampAuthorities
                } else if trust.anchors.isEmpty && trust.allowedCertificateHashes.isEmpty {
                    storeNotices.append(Notice(.note, "no C2PA trust list is installed, so no signer can be Trusted; install it with `ailabel trust update` (or pass --trust PEM)"))
                }
            } catch let error as TrustListError {
                storeNotices.append(Notice(.note, "the installed C2PA trust lists are not used: \(error.reason)"))
            } catch {
                storeNotices.append(Notice(.note, "the installed C2PA trust lists are not used: \(error)"))
            }
        }
        notices += storeNotices + trust.warnings.map { Notice(.warning, $0) }
        return trust
    }

    /// A PEM file named in the settings: unreadable is a refusal.
    private static func readPEM(_ path: String, holding what: String) throws(AILabelError) -> String {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw AILabelError(.trustRefused, "cannot read the \(what) in \(path)")
        }
        return text
    }
}
