import AILabelKit
import ArgumentParser
import Foundation

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
        let environment = ProcessInfo.processInfo.environment
        let anyGiven = keyOption != nil || chainOption != nil || environment["AILABEL_SIGN_KEY"] != nil
            || environment["AILABEL_SIGN_CHAIN"] != nil || configuration.signer != nil
        guard let (key, chain) = paths(keyOption: keyOption, chainOption: chainOption, configuration: configuration) else {
            if anyGiven { throw ValidationError("a signer needs both a key and a certificate chain") }
            return nil
        }
        return try SigningFactory.makeSigner(keyPath: key, chainPath: chain)
    }
}
