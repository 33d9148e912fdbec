#if canImport(Glibc)
import Glibc
#endif

/// A path below a trusted folder, opened so that nothing beneath that folder can redirect it.
///
/// A folder walk over uploads is a walk over a tree an attacker shapes, possibly while ailabel runs: a
/// component swapped for a symbolic link between the walk and the write would send a read or a write
/// anywhere on the host. So `root` is resolved once (the caller's trusted argument, its real path), and
/// every component of `relative` is opened with `openat(…, O_NOFOLLOW)` from the one before: a symbolic
/// link anywhere below the root is refused (`ELOOP`/`ENOTDIR`), never followed.
public struct ConfinedPath: Sendable, Hashable, CustomStringConvertible {
    /// A folder trusted as given (an argument's real path).
    public var root: String
    /// Components below `root`, separated by `/`; never `..`, never absolute. Empty names `root` itself.
    public var relative: String

    public init(root: String, relative: String) {
        self.root = root
        self.relative = relative
    }

    /// A path trusted whole: its folder is the root, its name the one confined component (the final
    /// component is still opened without following a link).
    public init(trusting path: String) {
        self.root = AtomicFile.parentDirectory(of: path)
        self.relative = path.split(separator: "/").last.map(String.init) ?? path
    }

    /// The path as a string (for messages and path-based calls).
    public var path: String {
        if relative.isEmpty { return root }
        return root == "/" ? "/" + relative : root + "/" + relative
    }

    public var description: String { path }

    /// The final component.
    public var name: String { relative.split(separator: "/").last.map(String.init) ?? "" }

    /// The folder holding this path, confined to the same root.
    public var parent: ConfinedPath {
        guard let slash = relative.lastIndex(of: "/") else { return ConfinedPath(root: root, relative: "") }
        return ConfinedPath(root: root, relative: String(relative[..<slash]))
    }

    public func appending(_ name: String) -> ConfinedPath {
        ConfinedPath(root: root, relative: relative.isEmpty ? name : relative + "/" + name)
    }

    /// Opens this path as a folder, every component below the root without following links. With
    /// `create`, missing folders are made (mode 0755 before the umask). Returns the descriptor
    /// (close it) or throws an `io` error naming the path.
    public func openDirectory(create: Bool = false) throws -> Int32 {
        var descriptor = PathBytes.withPlatformString(root) { open($0, O_RDONLY | O_DIRECTORY | O_CLOEXEC) }
        if descriptor < 0, create, errno == ENOENT {
            try Self.makeTrustedDirectory(root)
            descriptor = PathBytes.withPlatformString(root) { open($0, O_RDONLY | O_DIRECTORY | O_CLOEXEC) }
        }
        guard descriptor >= 0 else { throw Self.failure("cannot open the folder \(root)", path: path) }
        for component in relative.split(separator: "/") where component != "." {
            let name = String(component)
            guard name != ".." else {
                close(descriptor)
                throw MediaError.make(.io, "the path climbs out of its folder with '..'").naming(path)
            }
            var next = PathBytes.withPlatformString(name) { openat(descriptor, $0, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC) }
            if next < 0, create, errno == ENOENT {
                if PathBytes.withPlatformString(name, { mkdirat(descriptor, $0, 0o755) }) != 0 && errno != EEXIST {
                    let error = Self.failure("cannot create the folder \(name)", path: path)
                    close(descriptor)
                    throw error
                }
                next = PathBytes.withPlatformString(name) { openat(descriptor, $0, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC) }
            }
            if next < 0 {
                let code = errno
                close(descriptor)
                if code == ELOOP || code == ENOTDIR {
                    throw MediaError.make(.io, "a component of the path is a symbolic link or not a folder; ailabel does not follow links inside a walked tree").naming(path)
                }
                errno = code
                throw Self.failure("cannot open the folder \(name)", path: path)
            }
            close(descriptor)
            descriptor = next
        }
        return descriptor
    }

    /// Whether something (of any kind, a link included) is at this path; its folders opened as above.
    public func exists() throws -> Bool {
        let folder = try parent.openDirectory()
        defer { close(folder) }
        var status = stat()
        return PathBytes.withPlatformString(name, { fstatat(folder, $0, &status, AT_SYMLINK_NOFOLLOW) }) == 0
    }

    /// Opens the file at this path for reading: its folder confined, the file itself without following a
    /// link and without blocking (a FIFO would otherwise hang the open), then checked to be a regular file.
    /// Returns the descriptor and its status.
    public func openRegularFileForReading() throws -> (descriptor: Int32, status: stat) {
        let folder = try parent.openDirectory()
        defer { close(folder) }
        let descriptor = PathBytes.withPlatformString(name) { openat(folder, $0, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC) }
        guard descriptor >= 0 else {
            if errno == ELOOP {
                throw MediaError.make(.io, "the file is a symbolic link; ailabel does not follow links inside a walked tree").naming(path)
            }
            throw Self.failure("cannot open the file", path: path)
        }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else {
            let error = Self.failure("cannot read the file's status", path: path)
            close(descriptor)
            throw error
        }
        guard status.st_mode & S_IFMT == S_IFREG else {
            close(descriptor)
            throw MediaError.make(.io, "not a regular file (\(FileKind(mode: status.st_mode).description))").naming(path)
        }
        return (descriptor, status)
    }

    static func makeTrustedDirectory(_ path: String) throws {
        var built = path.hasPrefix("/") ? "" : "."
        for component in path.split(separator: "/") {
            built += "/" + component
            if PathBytes.withPlatformString(built, { mkdir($0, 0o755) }) != 0 && errno != EEXIST { throw failure("cannot create the folder \(built)", path: path) }
        }
    }

    static func failure(_ what: String, path: String) -> MediaError {
        MediaError.make(.io, "\(what): \(SystemError.sentence(errno))").naming(path)
    }
}

/// What kind of file-system object a mode describes, in words for messages.
public enum FileKind: Sendable, Hashable, CustomStringConvertible {
    case regular, directory, symbolicLink, fifo, socket, characterDevice, blockDevice, unknown

    public init(mode: mode_t) {
        switch mode & S_IFMT {
        case S_IFREG: self = .regular
        case S_IFDIR: self = .directory
        case S_IFLNK: self = .symbolicLink
        case S_IFIFO: self = .fifo
        case S_IFSOCK: self = .socket
        case S_IFCHR: self = .characterDevice
        case S_IFBLK: self = .blockDevice
        default: self = .unknown
        }
    }

    /// The kind of the object at `path` (the link itself unless `followingLinks`), or nil when there is
    /// none. Here rather than at callers: a module that imports Foundation beside Glibc resolves `stat`
    /// differently in debug and release builds.
    public init?(at path: String, followingLinks: Bool) {
        var status = stat()
        let result = followingLinks ? stat(path, &status) : lstat(path, &status)
        guard result == 0 else { return nil }
        self.init(mode: status.st_mode)
    }

    public var description: String {
        switch self {
        case .regular: "a regular file"
        case .directory: "a folder"
        case .symbolicLink: "a symbolic link"
        case .fifo: "a FIFO (named pipe)"
        case .socket: "a socket"
        case .characterDevice: "a character device"
        case .blockDevice: "a block device"
        case .unknown: "an unknown kind of file"
        }
    }
}

/// System error numbers in words: the C library's own sentence ("No such file or directory"), never
/// a bare number (`errno 17`).
public enum SystemError {
    public static func sentence(_ code: Int32) -> String { String(cString: strerror(code)) }
}
