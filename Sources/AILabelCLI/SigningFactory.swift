import AILabelKit
import ArgumentParser

/// Builds the C2PA signer from key and chain files.
enum SigningFactory {
    static func makeSigner(keyPath: String, chainPath: String) throws -> any ProvenanceSigner {
        throw ValidationError("C2PA signing is being integrated; run without --sign-key for now")
    }
}
