import AILabelKit
import AILabelManifest
import ArgumentParser

/// Builds the C2PA signer from key and chain files, turning a refusal into a usage error (exit 64)
/// before any file is written.
enum SigningFactory {
    static func makeSigner(keyPath: String, chainPath: String) throws -> any ProvenanceSigner {
        do {
            return try C2PASigner(keyPath: keyPath, chainPath: chainPath)
        } catch let error as ManifestError {
            throw ValidationError("the signer was refused: \(error.reason)")
        } catch let error as ConfigurationError {
            throw ValidationError(error.description)
        }
    }
}
