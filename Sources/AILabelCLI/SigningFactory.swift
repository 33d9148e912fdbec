import AILabelKit
import AILabelManifest
import ArgumentParser

/// Builds the C2PA signer from key and chain files (or a signing program and a chain), turning a
/// refusal into a usage error (exit 64) before any file is written.
enum SigningFactory {
    static func makeSigner(keyPath: String, chainPath: String, timeStampAuthority: TimeStampClient? = nil) throws -> any ProvenanceSigner {
        try refusalsAsUsage {
            try C2PASigner(keyPath: keyPath, chainPath: chainPath, timeStampAuthority: timeStampAuthority)
        }
    }

    static func makeSigner(command: String, chainPath: String, algorithm: String?,
                           timeStampAuthority: TimeStampClient?) throws -> any ProvenanceSigner {
        try refusalsAsUsage {
            try C2PASigner(signerCommand: try SignerCommand(commandLine: command), chainPath: chainPath, algorithm: algorithm,
                           timeStampAuthority: timeStampAuthority)
        }
    }

    private static func refusalsAsUsage(_ make: () throws -> C2PASigner) throws -> any ProvenanceSigner {
        do {
            return try make()
        } catch let error as ManifestError {
            throw ValidationError("the signer was refused: \(error.reason)")
        } catch let error as ConfigurationError {
            throw ValidationError(error.description)
        }
    }
}
