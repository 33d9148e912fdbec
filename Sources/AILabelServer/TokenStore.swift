import AILabelEngine
import Crypto
import Foundation
import Synchronization

/// The bearer tokens a server accepts, kept as SHA-256 hashes (the file's tokens are not held), read
/// from the token file at start and again on ``reload()`` (SIGHUP).
public final class TokenStore: Sendable {
    public let path: String?
    private let hashes = Mutex<Set<[UInt8]>>([])

    /// Reads the token file; a file that cannot be read is refused at start.
    public init(path: String?) throws(AILabelError) {
        self.path = path
        try reload()
    }

    /// How many tokens are accepted.
    public var count: Int { hashes.withLock { $0.count } }

    /// Reads the file again. On failure the tokens read before stay in force.
    public func reload() throws(AILabelError) {
        guard let path else { return }
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw AILabelError(.badConfiguration, "cannot read the token file \(path)")
        }
        var read = Set<[UInt8]>()
        for line in text.split(whereSeparator: \.isNewline) {
            let token = line.trimmingCharacters(in: .whitespaces)
            guard !token.isEmpty, !token.hasPrefix("#") else { continue }
            read.insert(Self.hash(token))
        }
        hashes.withLock { $0 = read }
    }

    /// Whether `token` is one of the file's.
    public func accepts(_ token: Substring) -> Bool {
        let hashed = Self.hash(String(token))
        return hashes.withLock { $0.contains(hashed) }
    }

    static func hash(_ token: String) -> [UInt8] { Array(SHA256.hash(data: Array(token.utf8))) }
}
