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
    /// `ailabel serve`'s settings, under the names of its options.
    public var serve: ServeSection?

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

    public struct ServeSection: Sendable, Codable, Hashable {
        /// HOST:PORT (port 0 picks a free port).
        public var listen: String?
        /// One bearer token per line; read at start and on SIGHUP.
        public var tokenFile: String?
        public var maxBodyMB: Int?
        public var maxConcurrency: Int?
        /// Seconds.
        public var requestTimeout: Double?
        /// Let callers without a token verify and inspect (stamping always needs one).
        public var anonymousRead: Bool?
        /// PEM certificate chain and key for TLS.
        public var tlsCert: String?
        public var tlsKey: String?

        public init() {}

        /// `request_timeout` may be written as an integer (`60`) or not (`2.5`).
        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            listen = try container.decodeIfPresent(String.self, forKey: .listen)
            tokenFile = try container.decodeIfPresent(String.self, forKey: .tokenFile)
            maxBodyMB = try container.decodeIfPresent(Int.self, forKey: .maxBodyMB)
            maxConcurrency = try container.decodeIfPresent(Int.self, forKey: .maxConcurrency)
            if let seconds = try? container.decodeIfPresent(Int.self, forKey: .requestTimeout) {
                requestTimeout = Double(seconds)
            } else {
                requestTimeout = try container.decodeIfPresent(Double.self, forKey: .requestTimeout)
            }
            anonymousRead = try container.decodeIfPresent(Bool.self, forKey: .anonymousRead)
            tlsCert = try container.decodeIfPresent(String.self, forKey: .tlsCert)
            tlsKey = try container.decodeIfPresent(String.self, forKey: .tlsKey)
        }

        enum CodingKeys: String, CodingKey {
            case listen
            case tokenFile = "token_file"
            case maxBodyMB = "max_body_mb"
            case maxConcurrency = "max_concurrency"
            case requestTimeout = "request_timeout"
            case anonymousRead = "anonymous_read"
            case tlsCert = "tls_cert"
            case tlsKey = "tls_key"
        }
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
        if var serve = configuration.serve {
            serve.tokenFile = resolve(serve.tokenFile)
            serve.tlsCert = resolve(serve.tlsCert)
            serve.tlsKey = resolve(serve.tlsKey)
            configuration.serve = serve
        }
        return configuration
    }
}

public struct ConfigurationError: Error, Sendable, CustomStringConvertible {
    public var path: String
    public var reason: String
    public var description: String { "\(path): \(reason)" }
}
