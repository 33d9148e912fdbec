
#if canImport(Glibc)
import Glibc
#endif

/// One file found under the paths a command was given.
public struct WalkedFile: Sendable, Hashable {
    /// The path as the command will name it.
    public var path: String
    /// The folder argument it was found under (nil for a file argument), for mirroring under `--out`.
    public var root: String?
    /// The path relative to `root` (the file name for a file argument).
    public var relativePath: String
    /// Where the file's bytes are: below the argument's real path, opened without following links.
    public var source: ConfinedPath

    public init(path: String, root: String?, relativePath: String, source: ConfinedPath? = nil) {
        self.path = path
        self.root = root
        self.relativePath = relativePath
        self.source = source ?? ConfinedPath(trusting: path)
    }
}

/// Walks files and folders: recursive, hidden entries skipped unless asked, a folder never entered again
/// inside itself (so link and bind-mount loops end), results sorted by path.
///
/// The tree may be an attacker's (uploads, a scraped folder). So the walk never follows a symbolic link
/// below a folder argument: each folder is opened with `openat(…, O_NOFOLLOW)` from its parent's
/// descriptor and each entry examined with `fstatat(…, AT_SYMLINK_NOFOLLOW)`, so a link to `/etc/shadow`,
/// to `../victim` or to `/` is reported, not walked. With ``followSymlinks`` a link is followed only when
/// its real path stays inside the folder argument's real path. A link named directly as an argument is the
/// user's own choice: it is resolved once and stated. FIFOs, sockets and devices are skipped with a warning
/// (reading one would block or never end).
public struct FileWalker: Sendable {
    public var includeHidden: Bool
    /// Follow links whose target lies inside the folder argument's real path (never outside).
    public var followSymlinks: Bool
    /// Real paths not to walk into (the `--out` folder when it lies inside an input folder).
    public var excluded: Set<String>
    /// Most files one walk returns, so a hostile tree cannot exhaust memory.
    public var maximumFiles: Int

    public init(includeHidden: Bool = false, followSymlinks: Bool = false, excluded: Set<String> = [], maximumFiles: Int = 5_000_000) {
        self.includeHidden = includeHidden
        self.followSymlinks = followSymlinks
        self.excluded = excluded
        self.maximumFiles = maximumFiles
    }

    /// An argument or entry that could not be walked: the command fails (exit 1).
    public struct Problem: Error, Sendable, Hashable {
        public var path: String
        public var reason: String
    }

    /// An entry left out on purpose, with a warning: the command still succeeds.
    public struct Skip: Sendable, Hashable {
        public enum Kind: String, Sendable, Hashable, Codable {
            /// A link inside a folder, not followed (no `--follow-symlinks`).
            case symbolicLink = "symbolic-link"
            /// A link whose target does not exist.
            case danglingLink = "dangling-link"
            /// A link (under `--follow-symlinks`) whose target lies outside the folder argument.
            case linkOutsideRoot = "link-outside-root"
            /// A FIFO, socket or device.
            case notRegular = "not-a-regular-file"
            /// The output folder, inside an input folder.
            case outputFolder = "output-folder"
        }

        public var path: String
        public var kind: Kind
        public var reason: String
    }

    /// A link named as an argument, and what it was resolved to.
    public struct ResolvedLink: Sendable, Hashable {
        public var argument: String
        public var target: String
    }

    public struct Result: Sendable {
        public var files: [WalkedFile] = []
        public var problems: [Problem] = []
        public var skipped: [Skip] = []
        public var resolvedLinks: [ResolvedLink] = []
    }

    public func walk(_ arguments: [String]) -> (files: [WalkedFile], problems: [Problem]) {
        let result = walkAll(arguments)
        return (result.files, result.problems)
    }

    public func walkAll(_ arguments: [String]) -> Result {
        var state = State()
        for argument in arguments {
            var status = stat()
            guard PathBytes.withPlatformString(argument, { lstat($0, &status) }) == 0 else {
                state.result.problems.append(Problem(path: argument, reason: SystemError.sentence(errno)))
                continue
            }
            var path = argument
            if status.st_mode & S_IFMT == S_IFLNK {
                guard let target = Self.realPath(argument), PathBytes.withPlatformString(target, { stat($0, &status) }) == 0 else {
                    state.result.skipped.append(Skip(path: argument, kind: .danglingLink, reason: "a symbolic link whose target does not exist"))
                    continue
                }
                state.result.resolvedLinks.append(ResolvedLink(argument: argument, target: target))
                path = target
            }
            switch status.st_mode & S_IFMT {
            case S_IFDIR:
                let display = path.count > 1 && path.hasSuffix("/") ? String(path.dropLast()) : path
                guard let real = Self.realPath(display) else {
                    state.result.problems.append(Problem(path: argument, reason: SystemError.sentence(errno)))
                    continue
                }
                let descriptor = PathBytes.withPlatformString(real) { open($0, O_RDONLY | O_DIRECTORY | O_CLOEXEC) }
                guard descriptor >= 0 else {
                    state.result.problems.append(Problem(path: argument, reason: SystemError.sentence(errno)))
                    continue
                }
                walkDirectory(descriptor, status: status, display: display, root: display, realRoot: real, relative: "", realRelative: "", state: &state)
            case S_IFREG:
                let name = path.split(separator: "/").last.map(String.init) ?? path
                let real = Self.realPath(path) ?? path
                state.result.files.append(WalkedFile(path: path, root: nil, relativePath: name, source: ConfinedPath(trusting: real)))
            default:
                state.result.skipped.append(Skip(path: argument, kind: .notRegular, reason: "\(FileKind(mode: status.st_mode).description), not read"))
            }
        }
        state.result.files.sort { $0.path < $1.path }
        return state.result
    }

    private struct DirectoryIdentity: Hashable {
        var device: UInt64
        var inode: UInt64
    }

    private struct State {
        var result = Result()
        /// The folders being walked, from the argument down: a folder met again among them is a loop.
        var ancestors = Set<DirectoryIdentity>()
        var limitReported = false
    }

    /// Walks the open folder `descriptor` (closed here). `display`/`relative` name it as the user will see
    /// it; `realRelative` is where it really is below `realRoot` (they differ below a followed link).
    private func walkDirectory(
        _ descriptor: Int32, status: stat, display: String, root: String, realRoot: String, relative: String, realRelative: String,
        state: inout State
    ) {
        let identity = DirectoryIdentity(device: UInt64(status.st_dev), inode: UInt64(status.st_ino))
        guard state.ancestors.insert(identity).inserted else {
            close(descriptor)
            return
        }
        defer { state.ancestors.remove(identity) }
        guard let handle = fdopendir(descriptor) else {
            state.result.problems.append(Problem(path: display, reason: SystemError.sentence(errno)))
            close(descriptor)
            return
        }
        defer { closedir(handle) }
        var names: [String] = []
        while let entry = readdir(handle) {
            let name = withUnsafePointer(to: entry.pointee.d_name) {
                PathBytes.decode(cString: UnsafeRawPointer($0).assumingMemoryBound(to: CChar.self))
            }
            if name == "." || name == ".." { continue }
            if !includeHidden && name.hasPrefix(".") { continue }
            names.append(name)
        }
        let folder = dirfd(handle)
        for name in names.sorted() {
            guard state.result.files.count < maximumFiles else {
                if !state.limitReported {
                    state.result.problems.append(Problem(path: display, reason: "more than \(maximumFiles) files; the rest were not read"))
                    state.limitReported = true
                }
                return
            }
            let child = display == "/" ? "/" + name : display + "/" + name
            let childRelative = relative.isEmpty ? name : relative + "/" + name
            let childRealRelative = realRelative.isEmpty ? name : realRelative + "/" + name
            var childStatus = stat()
            guard PathBytes.withPlatformString(name, { fstatat(folder, $0, &childStatus, AT_SYMLINK_NOFOLLOW) }) == 0 else {
                state.result.problems.append(Problem(path: child, reason: SystemError.sentence(errno)))
                continue
            }
            switch childStatus.st_mode & S_IFMT {
            case S_IFDIR:
                let realChild = ConfinedPath(root: realRoot, relative: childRealRelative).path
                if excluded.contains(realChild) {
                    state.result.skipped.append(Skip(path: child, kind: .outputFolder, reason: "the output folder, not walked"))
                    continue
                }
                let next = PathBytes.withPlatformString(name) { openat(folder, $0, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC) }
                guard next >= 0 else {
                    state.result.problems.append(Problem(path: child, reason: SystemError.sentence(errno)))
                    continue
                }
                walkDirectory(
                    next, status: childStatus, display: child, root: root, realRoot: realRoot, relative: childRelative,
                    realRelative: childRealRelative, state: &state)
            case S_IFREG:
                state.result.files.append(WalkedFile(
                    path: child, root: root, relativePath: childRelative, source: ConfinedPath(root: realRoot, relative: childRealRelative)))
            case S_IFLNK:
                followLink(
                    at: ConfinedPath(root: realRoot, relative: childRealRelative).path, display: child, root: root, realRoot: realRoot,
                    relative: childRelative, state: &state)
            default:
                state.result.skipped.append(Skip(path: child, kind: .notRegular, reason: "\(FileKind(mode: childStatus.st_mode).description), not read"))
            }
        }
    }

    /// A link met during a walk: reported, or (``followSymlinks``) followed when it stays inside the root.
    private func followLink(at realLink: String, display: String, root: String, realRoot: String, relative: String, state: inout State) {
        guard let target = Self.realPath(realLink) else {
            state.result.skipped.append(Skip(path: display, kind: .danglingLink, reason: "a symbolic link whose target does not exist"))
            return
        }
        guard followSymlinks else {
            state.result.skipped.append(Skip(path: display, kind: .symbolicLink, reason: "a symbolic link, not followed (see --follow-symlinks)"))
            return
        }
        let prefix = realRoot == "/" ? "/" : realRoot + "/"
        guard target.hasPrefix(prefix) else {
            state.result.skipped.append(Skip(
                path: display, kind: .linkOutsideRoot, reason: "a symbolic link to \(target), outside \(realRoot); links are followed only inside the folder"))
            return
        }
        let targetRelative = String(target.dropFirst(prefix.count))
        var status = stat()
        guard PathBytes.withPlatformString(target, { stat($0, &status) }) == 0 else {
            state.result.skipped.append(Skip(path: display, kind: .danglingLink, reason: "a symbolic link whose target does not exist"))
            return
        }
        switch status.st_mode & S_IFMT {
        case S_IFDIR:
            if excluded.contains(target) { return }
            // Opened below the root without following links: the resolved path has none left.
            guard let descriptor = try? ConfinedPath(root: realRoot, relative: targetRelative).openDirectory() else {
                state.result.problems.append(Problem(path: display, reason: "the link's target changed while it was walked"))
                return
            }
            walkDirectory(
                descriptor, status: status, display: display, root: root, realRoot: realRoot, relative: relative, realRelative: targetRelative,
                state: &state)
        case S_IFREG:
            state.result.files.append(WalkedFile(
                path: display, root: root, relativePath: relative, source: ConfinedPath(root: realRoot, relative: targetRelative)))
        default:
            state.result.skipped.append(Skip(path: display, kind: .notRegular, reason: "a link to \(FileKind(mode: status.st_mode).description), not read"))
        }
    }

    /// The canonical absolute path (links and `..` resolved), or nil when it does not exist.
    public static func realPath(_ path: String) -> String? {
        guard let resolved = PathBytes.withPlatformString(path, { realpath($0, nil) }) else { return nil }
        defer { free(resolved) }
        return PathBytes.decode(cString: resolved)
    }
}
