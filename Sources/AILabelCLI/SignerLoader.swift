import AILabelKit
import ArgumentParser
import Foundation

/// The signer options of `stamp`, as given on the command line.
struct SignerOptions {
    var key: String?
    var chain: String?
    var tsaURL: String?
    /// Staple the signer's OCSP response (`--ocsp-staple`).
    var ocspStaple = false
    /// An external signing program (`--signer-cmd`), used with the chain instead of a key.
    var command: String?
    var algorithm: String?
}

/// Finds the signer's key and chain: command-line options first, then the environment
/// (AILABEL_SIGN_KEY, AILABEL_SIGN_CHAIN), then the config file's [signer] table.
enum SignerLoader {
    static func paths(keyOption: String?, chainOption: String?, configuration: Configuration) -> (key: String, chain: String)? {
        let environment = ProcessInfo.processInfo.environment
        let key = keyOption ?? environment["AILABEL_SIGN_KEY"] ?? configuration.signer?.key
        let chain = chainOption ?? environment["AILABEL_SIGN_CHAIN"] ?? configuration.signer?.chain
        guard let key, let chain, !key.isEmpty, !chain.isEmpty else { return nil }
        return (key, chain)
    }

    static func load(keyOption: String?, chainOption: String?, configuration: Configuration) throws -> (any ProvenanceSigner)? {
        try load(SignerOptions(key: keyOption, chain: chainOption), configuration: configuration)
    }

    static func load(_ options: SignerOptions, configuration: Configuration) throws -> (any ProvenanceSigner)? {
        let environment = ProcessInfo.processInfo.environment
        let staple = options.ocspStaple || configuration.signer?.ocspStaple == true
        var authority: TimeStampClient?
        if let text = options.tsaURL ?? configuration.signer?.tsaURL {
            guard let url = TimeStampClient.parseURL(text) else {
                throw ValidationError("the time-stamp authority '\(text)' is not an http or https URL")
            }
            authority = TimeStampClient(url: url)
        }
        if let command = options.command {
            guard options.key == nil else { throw ValidationError("--signer-cmd signs instead of --sign-key: give one of them") }
            guard let chain = options.chain ?? environment["AILABEL_SIGN_CHAIN"] ?? configuration.signer?.chain, !chain.isEmpty else {
                throw ValidationError("--signer-cmd needs the signer's certificate chain (--sign-chain)")
            }
            return try SigningFactory.makeSigner(command: command, chainPath: chain, algorithm: options.algorithm,
                                                 timeStampAuthority: authority, ocspStaple: staple)
        }
        if options.algorithm != nil { throw ValidationError("--sign-alg goes with --signer-cmd (a key file implies its algorithm)") }
        let anyGiven = options.key != nil || options.chain != nil || environment["AILABEL_SIGN_KEY"] != nil
            || environment["AILABEL_SIGN_CHAIN"] != nil || configuration.signer?.key != nil || configuration.signer?.chain != nil
        guard let (key, chain) = paths(keyOption: options.key, chainOption: options.chain, configuration: configuration) else {
            if anyGiven { throw ValidationError("a signer needs both a key and a certificate chain") }
            if options.tsaURL != nil { throw ValidationError("--tsa-url needs a signer (--sign-key and --sign-chain)") }
            if options.ocspStaple { throw ValidationError("--ocsp-staple needs a signer (--sign-key and --sign-chain)") }
            return nil
        }
        return try SigningFactory.makeSigner(keyPath: key, chainPath: chain, timeStampAuthority: authority, ocspStaple: staple)
    }
}
