import Foundation
import TOMLKit

/// The TOML configuration a pipeline sets once (`--config FILE`): producer, languages, texts, signer,
/// trust anchors, visible label and watermark. Every key is optional; command-line options win.
public struct Configuration: Sendable, Codable, Hashable {
    public var label: LabelSection?
    public var texts: [String: String]?
    public var signer: SignerSection?
    public var trust: TrustSection?
    public var visible: VisibleSection?
    public var watermark: WatermarkSection?

    public struct LabelSection: Sendable, Codable, Hashable {
        public var profile: String?
        public var sourceType: String?
        public var aiSystem: String?
        public var aiSystemVersion: String?
        public var producer: String?
        public var producerID: String?
        public var propagator: String?
        public var languages: [String]?
        public var deepfake: Bool?

        enum CodingKeys: String, CodingKey {
            case profile, languages, deepfake, producer, propagator
            case sourceType = "source_type"
            case aiSystem = "ai_system"
            case aiSystemVersion = "ai_system_version"
            case producerID = "producer_id"
        }
    }

    public struct SignerSection: Sendable, Codable, Hashable {
        public var key: String?
        public var chain: String?
        /// An RFC 3161 time-stamp authority asked for a `sigTst2` token on every signature.
        public var tsaURL: String?
        /// Staple the signing certificate's OCSP response as `c2pa.certificate-status` (`--ocsp-staple`).
        public var ocspStaple: Bool?

        enum CodingKeys: String, CodingKey {
            case key, chain
            case tsaURL = "tsa_url"
            case ocspStaple = "ocsp_staple"
        }
    }

    public struct TrustSection: Sendable, Codable, Hashable {
        public var anchors: [String]?
        public var allowed: [String]?
        /// ExtendedKeyUsage OIDs accepted besides the defaults, in c2pa-rs's store.cfg form.
        public var trustConfig: String?

        enum CodingKeys: String, CodingKey {
            case anchors, allowed
            case trustConfig = "trust_config"
        }
    }

    public struct VisibleSection: Sendable, Codable, Hashable {
        public var enabled: Bool?
        public var corner: String?
        public var fonts: [String]?
    }

    public struct WatermarkSection: Sendable, Codable, Hashable {
        public var enabled: Bool?
        /// A secret for the keyed mode; without one the mark is readable by any ailabel.
        public var key: String?
    }

    public init() {}

    /// Loads a configuration file. Relative paths inside it are resolved against the file's folder.
    public static func load(path: String) throws -> Configuration {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw ConfigurationError(path: path, reason: "cannot read the file: \(error.localizedDescription)")
        }
        var configuration: Configuration
        do {
            // Strict: a misspelt key (`[lable]`, `producer_ID`) must be an error, not a setting silently lost.
            configuration = try TOMLDecoder(strictDecoding: true).decode(Configuration.self, from: text)
        } catch let error as TOMLParseError {
            throw ConfigurationError(path: path, reason: "not valid TOML at line \(error.source.begin.line): \(error.description)")
        } catch let error as UnexpectedKeysError {
            let keys = error.keys.values.map { $0.map(\.stringValue).joined(separator: ".") }.sorted()
            throw ConfigurationError(path: path, reason: "unknown keys: \(keys.joined(separator: ", "))")
        } catch {
            throw ConfigurationError(path: path, reason: "a value of the wrong kind: \(error)")
        }
        let folder = (path as NSString).deletingLastPathComponent
        func resolve(_ value: String?) -> String? {
            guard let value, !value.hasPrefix("/"), !folder.isEmpty else { return value }
            return folder + "/" + value
        }
        if var signer = configuration.signer {
            signer.key = resolve(signer.key)
            signer.chain = resolve(signer.chain)
            configuration.signer = signer
        }
        if var trust = configuration.trust {
            trust.anchors = trust.anchors?.compactMap(resolve)
            trust.allowed = trust.allowed?.compactMap(resolve)
            trust.trustConfig = resolve(trust.trustConfig)
            configuration.trust = trust
        }
        if var visible = configuration.visible {
            visible.fonts = visible.fonts?.compactMap(resolve)
            configuration.visible = visible
        }
        return configuration
    }
}

public struct ConfigurationError: Error, Sendable, CustomStringConvertible {
    public var path: String
    public var reason: String
    public var description: String { "\(path): \(reason)" }
}
