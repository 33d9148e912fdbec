import AILabelKit
import AILabelManifest
import ArgumentParser
import Foundation

/// Builds the C2PA signer from key and chain files (or a signing program and a chain), turning a
/// refusal into a usage error (exit 64) before any file is written.
enum SigningFactory {
    ///
    /// Messages are fixed sentences naming the file and the problem: never a library's own text about a
    /// key, which can quote the key's base64 (a PEM with a missing END line is printed whole by some).
    static func makeSigner(keyPath: String, chainPath: String, timeStampAuthority: TimeStampClient? = nil,
                           ocspStaple: Bool = false) throws -> any ProvenanceSigner {
        warnIfExposed(keyPath)
        return try refusalsAsUsage(keyPath: keyPath, chainPath: chainPath) {
            try C2PASigner(keyPath: keyPath, chainPath: chainPath, timeStampAuthority: timeStampAuthority, ocspStaple: ocspStaple)
        }
    }

    static func makeSigner(command: String, chainPath: String, algorithm: String?,
                           timeStampAuthority: TimeStampClient?, ocspStaple: Bool = false) throws -> any ProvenanceSigner {
        try refusalsAsUsage(keyPath: command, chainPath: chainPath) {
            try C2PASigner(signerCommand: try SignerCommand(commandLine: command), chainPath: chainPath, algorithm: algorithm,
                           timeStampAuthority: timeStampAuthority, ocspStaple: ocspStaple)
        }
    }

    private static func refusalsAsUsage(keyPath: String, chainPath: String, _ make: () throws -> C2PASigner) throws -> any ProvenanceSigner {
        do {
            return try make()
        } catch let error as ManifestError {
            let file = error.code == ManifestError.Code.invalidKey ? keyPath : chainPath
            throw ValidationError("the signer was refused: \(file): \(error.reason)")
        } catch let error as ConfigurationError {
            throw ValidationError(error.description)
        }
    }

    /// A private key others may read is a key others may have copied: said, as ssh does (ailabel warns
    /// rather than refuses, since container secrets are often mounted 0644 by the platform).
    static func warnIfExposed(_ keyPath: String) {
        var status = stat()
        guard stat(keyPath, &status) == 0, status.st_mode & 0o077 != 0 else { return }
        StandardError.write(
            "ailabel: warning: the signing key \(keyPath) is readable by others (mode \(String(status.st_mode & 0o777, radix: 8))); make it private: chmod 600 \(keyPath)")
    }
}
