import Foundation

/// What a stamp test starts from: a fresh temporary folder with a signing identity made by `ailabel keys
/// init` (`keys/`) and fixtures copied into `in/`; `out/` is where the stamp goes. The caller removes it.
public struct StampWorkspace: Sendable {
    public let folder: URL
    public var keys: URL { folder.appendingPathComponent("keys") }
    public var input: URL { folder.appendingPathComponent("in") }
    public var output: URL { folder.appendingPathComponent("out") }
    /// `--sign-key` and `--sign-chain` for the workspace's signer.
    public var signingArguments: [String] {
        ["--sign-key", keys.appendingPathComponent("signer.key").path, "--sign-chain", keys.appendingPathComponent("signer-chain.pem").path]
    }
    /// The trust anchor of the workspace's signer, for `verify --trust`.
    public var trustAnchors: String { keys.appendingPathComponent("trust-anchors.pem").path }

    /// - Parameter fixtures: paths under `Fixtures/`, copied into `in/` under their file names.
    public init(fixtures: [String]) throws {
        folder = try Repository.temporaryDirectory()
        let made = try ProcessRunner.ailabel(["keys", "init", folder.appendingPathComponent("keys").path])
        guard made.status == 0 else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSLocalizedDescriptionKey: "ailabel keys init failed: \(made.stderr)"])
        }
        try FileManager.default.createDirectory(at: input, withIntermediateDirectories: true)
        for path in fixtures {
            try FileManager.default.copyItem(at: Repository.fixture(path), to: input.appendingPathComponent((path as NSString).lastPathComponent))
        }
    }

    public func remove() { try? FileManager.default.removeItem(at: folder) }
}
