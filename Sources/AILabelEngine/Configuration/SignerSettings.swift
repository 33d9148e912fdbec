import AILabelKit
import AILabelManifest
import Foundation

/// The signer as a command line, a configuration file or a deployment names it: paths and switches,
/// not yet loaded. ``resolve(configuration:environment:notices:)`` applies the precedence (these settings, then
/// `AILABEL_SIGN_KEY` / `AILABEL_SIGN_CHAIN`, then the configuration's `[signer]` table) and loads it.
///
/// A service takes its signer from its own configuration only, never from a request.
public struct SignerSettings: Sendable, Hashable {
    public var key: String?
    public var chain: String?
    public var tsaURL: String?
    /// Staple the signer's OCSP response.
    public var ocspStaple = false
    /// An external signing program, used with the chain instead of a key.
    public var command: String?
    /// The algorithm the program signs with.
    public var algorithm: String?

    public init(key: String? = nil, chain: String? = nil, tsaURL: String? = nil, ocspStaple: Bool = false, command: String? = nil, algorithm: String? = nil) {
        self.key = key
        self.chain = chain
        self.tsaURL = tsaURL
        self.ocspStaple = ocspStaple
        self.command = command
        self.algorithm = algorithm
    }

    /// The key and chain paths after precedence, when both are named.
    func paths(configuration: Configuration, environment: [String: String]) -> (key: String, chain: String)? {
        let key = key ?? environment["AILABEL_SIGN_KEY"] ?? configuration.signer?.key
        let chain = chain ?? environment["AILABEL_SIGN_CHAIN"] ?? configuration.signer?.chain
        guard let key, let chain, !key.isEmpty, !chain.isEmpty else { return nil }
        return (key, chain)
    }

    /// The loaded signer, or nil when none is configured. Refusals are ``AILabelError/Code/badOption``
    /// or ``AILabelError/Code/signerRefused``, with fixed sentences naming the file: never a library's
    /// own text about a key, which can quote the key's base64.
    public func resolve(
        configuration: Configuration, environment: [String: String] = ProcessInfo.processInfo.environment, notices: inout [Notice]
    ) throws(AILabelError) -> (any ProvenanceSigner)? {
        let staple = ocspStaple || configuration.signer?.ocspStaple == true
        var authority: TimeStampClient?
        if let text = tsaURL ?? configuration.signer?.tsaURL {
            guard let url = TimeStampClient.parseURL(text) else {
                throw AILabelError(.badOption, "the time-stamp authority '\(text)' is not an http or https URL")
            }
            authority = TimeStampClient(url: url)
        }
        if let command {
            guard key == nil else { throw AILabelError(.badOption, "--signer-cmd signs instead of --sign-key: give one of them") }
            guard let chain = chain ?? environment["AILABEL_SIGN_CHAIN"] ?? configuration.signer?.chain, !chain.isEmpty else {
                throw AILabelError(.badOption, "--signer-cmd needs the signer's certificate chain (--sign-chain)")
            }
            return try Self.refusals(keyPath: command, chainPath: chain) {
                try C2PASigner(signerCommand: try SignerCommand(commandLine: command), chainPath: chain, algorithm: algorithm,
                               timeStampAuthority: authority, ocspStaple: staple)
            }
        }
        if algorithm != nil { throw AILabelError(.badOption, "--sign-alg goes with --signer-cmd (a key file implies its algorithm)") }
        let anyGiven = key != nil || chain != nil || environment["AILABEL_SIGN_KEY"] != nil
            || environment["AILABEL_SIGN_CHAIN"] != nil || configuration.signer?.key != nil || configuration.signer?.chain != nil
        guard let (keyPath, chainPath) = paths(configuration: configuration, environment: environment) else {
            if anyGiven { throw AILabelError(.badOption, "a signer needs both a key and a certificate chain") }
            if tsaURL != nil { throw AILabelError(.badOption, "--tsa-url needs a signer (--sign-key and --sign-chain)") }
            if ocspStaple { throw AILabelError(.badOption, "--ocsp-staple needs a signer (--sign-key and --sign-chain)") }
            return nil
        }
        if let exposure = Self.exposure(of: keyPath) { notices.append(exposure) }
        return try Self.refusals(keyPath: keyPath, chainPath: chainPath) {
            try C2PASigner(keyPath: keyPath, chainPath: chainPath, timeStampAuthority: authority, ocspStaple: staple)
        }
    }

    private static func refusals(keyPath: String, chainPath: String, _ make: () throws -> C2PASigner) throws(AILabelError) -> any ProvenanceSigner {
        do {
            return try make()
        } catch let error as ManifestError {
            let file = error.code == ManifestError.Code.invalidKey ? keyPath : chainPath
            throw AILabelError(.signerRefused, "the signer was refused: \(file): \(error.reason)")
        } catch let error as ConfigurationError {
            throw AILabelError(.signerRefused, error.description)
        } catch {
            throw AILabelError(.signerRefused, "the signer was refused: \(error)")
        }
    }

    /// A private key others may read is a key others may have copied: said, as ssh does (a warning
    /// rather than a refusal, since container secrets are often mounted 0644 by the platform).
    static func exposure(of keyPath: String) -> Notice? {
        var status = stat()
        guard stat(keyPath, &status) == 0, status.st_mode & 0o077 != 0 else { return nil }
        return Notice(
            .warning,
            "the signing key \(keyPath) is readable by others (mode \(String(status.st_mode & 0o777, radix: 8))); make it private: chmod 600 \(keyPath)")
    }
}
