import AILabelMedia

#if canImport(Glibc)
import Glibc
#endif

/// An advisory lock on a folder (`flock` on the folder itself, so no lock file is left in the user's
/// tree), held while a run writes into it. Two `--in-place` runs over one folder take turns: the second
/// waits, then finds the files already stamped and leaves them alone, instead of both re-encoding them
/// and deleting each other's temporary files.
public final class FolderLock: Sendable {
    let descriptor: Int32
    public let path: String

    init(descriptor: Int32, path: String) {
        self.descriptor = descriptor
        self.path = path
    }

    /// Locks each folder, in sorted order (so two runs never wait for each other crosswise). A folder that
    /// cannot be opened is not locked (its writes will report their own errors). `waiting` is told each
    /// folder another run holds, before this one blocks on it.
    public static func acquire(_ folders: [String], waiting: (@Sendable (String) -> Void)? = nil) -> [FolderLock] {
        var locks: [FolderLock] = []
        for folder in Set(folders).sorted() {
            let descriptor = PathBytes.withPlatformString(folder) { open($0, O_RDONLY | O_DIRECTORY | O_CLOEXEC) }
            guard descriptor >= 0 else { continue }
            if flock(descriptor, LOCK_EX | LOCK_NB) != 0 {
                waiting?(folder)
                while flock(descriptor, LOCK_EX) != 0 && errno == EINTR {}
            }
            locks.append(FolderLock(descriptor: descriptor, path: folder))
        }
        return locks
    }

    /// Whether another process holds the lock on `folder` now.
    public static func isHeld(_ folder: String) -> Bool {
        let descriptor = PathBytes.withPlatformString(folder) { open($0, O_RDONLY | O_DIRECTORY | O_CLOEXEC) }
        guard descriptor >= 0 else { return false }
        defer { close(descriptor) }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else { return true }
        flock(descriptor, LOCK_UN)
        return false
    }

    public func release() {
        flock(descriptor, LOCK_UN)
        close(descriptor)
    }
}

/// Key and certificate files: never copied into `--out`, never given sidecars, whatever the flags.
public enum SensitiveFile {
    static let extensions: Set<String> = [
        "key", "pem", "crt", "cer", "der", "p12", "pfx", "p8", "pk8", "jks", "keystore", "csr", "gpg", "asc", "kdbx",
    ]
    static let names: Set<String> = ["id_rsa", "id_dsa", "id_ecdsa", "id_ed25519", "id_ecdsa_sk", "id_ed25519_sk", ".netrc", ".pgpass"]

    /// By name (extension or a well-known key file name) or by content (a PEM block of a key or certificate).
    public static func isKeyOrCertificate(name: String, head: [UInt8]) -> Bool {
        let base = name.split(separator: "/").last.map(String.init) ?? name
        if names.contains(base) { return true }
        if let dot = base.lastIndex(of: "."), extensions.contains(base[base.index(after: dot)...].lowercased()) { return true }
        let text = String(decoding: head, as: UTF8.self)
        return text.contains("-----BEGIN ") || text.hasPrefix("PuTTY-User-Key-File") || text.hasPrefix("openssh-key-v1")
    }
}
