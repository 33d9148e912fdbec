
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
/// inside itself (so link and bind-mount loops end), files in path order (``stream(_:sortArguments:)``).
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
    /// Real paths not to walk into (the `--out` folder when it lies inside an input folder). An argument
    /// that is one of them, or lies inside one, is a problem with ``excludedReason``: a path listed on
    /// standard input is an argument like any other, and nothing inside the output may be read as input.
    public var excluded: Set<String>
    /// What a problem says of an argument inside ``excluded``.
    public var excludedReason = "it lies inside a folder this run writes to"
    /// Most files ``walkAll(_:)`` collects, and most entries one folder may hold in a streamed walk, so a
    /// hostile tree cannot exhaust memory.
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

    /// The whole walk collected: files sorted by path, at most ``maximumFiles`` of them, for callers that
    /// want a list (tests, small tools). The commands walk with ``stream(_:)``, which holds no list.
    public func walkAll(_ arguments: [String]) -> Result {
        var result = Result()
        var stream = stream(arguments)
        var limitReported = false
        while let event = stream.next() {
            switch event {
            case .file(let file):
                guard result.files.count < maximumFiles else {
                    if !limitReported {
                        result.problems.append(Problem(path: file.root ?? file.path, reason: "more than \(maximumFiles) files; the rest were not read"))
                        limitReported = true
                    }
                    continue
                }
                result.files.append(file)
            case .problem(let problem): result.problems.append(problem)
            case .skip(let skip): result.skipped.append(skip)
            case .resolvedLink(let link): result.resolvedLinks.append(link)
            }
        }
        result.files.sort { $0.path < $1.path }
        return result
    }

    /// One thing the walk met, in walk order.
    public enum Event: Sendable, Hashable {
        case file(WalkedFile)
        case problem(Problem)
        case skip(Skip)
        case resolvedLink(ResolvedLink)
    }

    /// Walks `arguments` lazily: each folder's entries are read and sorted when the walk enters it, and
    /// nothing else is kept, so memory follows the depth of the tree and the size of its largest folder,
    /// never the number of files.
    ///
    /// Order: siblings are visited by name with a folder's name compared as `name/`, which makes one
    /// argument's files come out in exactly the order of sorting their paths (every path below `d/`
    /// shares that prefix, so they sort together where `d/` sorts). With `sortArguments`, the arguments
    /// are ordered the same way first (a folder as `path/`), so arguments that do not overlap give the
    /// order of sorting every path, as ``walkAll(_:)`` does; paths read from standard input keep their
    /// order (`sortArguments: false`), since sorting them would mean holding them all.
    public func stream<Arguments: Sequence<String>>(_ arguments: Arguments, sortArguments: Bool = true) -> Stream {
        if sortArguments {
            let keyed = arguments.map { ($0, Self.sortKey(argument: $0)) }.sorted { $0.1 < $1.1 }.map(\.0)
            return Stream(walker: self, arguments: AnyIterator(keyed.makeIterator()))
        }
        return Stream(walker: self, arguments: AnyIterator(arguments.makeIterator()))
    }

    /// An argument's place among the others: a folder as `path/`, so its files sort where their paths do.
    static func sortKey(argument: String) -> String {
        var status = stat()
        guard PathBytes.withPlatformString(argument, { stat($0, &status) }) == 0, status.st_mode & S_IFMT == S_IFDIR else { return argument }
        return argument.hasSuffix("/") ? argument : argument + "/"
    }

    /// The walk as an iterator of ``Event``s (see ``stream(_:sortArguments:)``).
    public struct Stream: IteratorProtocol {
        let walker: FileWalker
        var arguments: AnyIterator<String>
        /// The folders being walked, innermost last.
        var frames: [Frame] = []
        /// The folders on the current path from the argument down: a folder met again among them is a loop.
        var ancestors = Set<DirectoryIdentity>()
        var pending: [Event] = []

        init(walker: FileWalker, arguments: AnyIterator<String>) {
            self.walker = walker
            self.arguments = arguments
        }

        /// One open folder: its entries sorted, and where the walk is among them.
        struct Frame {
            var handle: DirectoryHandle
            var identity: DirectoryIdentity
            var entries: [Entry]
            var index = 0
            var display: String
            var root: String
            var realRoot: String
            var relative: String
            var realRelative: String
        }

        struct Entry {
            var name: String
            var key: String
            var status: stat
        }

        /// The folder argument the walk is below (nil between arguments and for a file argument), so an
        /// entry reported by its full path can be made relative to it.
        public var currentRoot: String? { frames.last?.root }

        public mutating func next() -> Event? {
            while true {
                if !pending.isEmpty { return pending.removeFirst() }
                if let event = step() { return event }
                if frames.isEmpty {
                    guard let argument = arguments.next() else { return nil }
                    start(argument)
                }
            }
        }

        /// The next event from the innermost open folder, closing folders that are done.
        private mutating func step() -> Event? {
            while var frame = frames.last {
                guard frame.index < frame.entries.count else {
                    ancestors.remove(frame.identity)
                    frames.removeLast()
                    continue
                }
                let entry = frame.entries[frame.index]
                frame.index += 1
                frames[frames.count - 1] = frame
                if let event = visit(entry, in: frame) { return event }
                if !pending.isEmpty { return pending.removeFirst() }
            }
            return nil
        }

        /// Examines one argument: a file is an event, a folder is opened as the first frame.
        private mutating func start(_ argument: String) {
            var status = stat()
            guard PathBytes.withPlatformString(argument, { lstat($0, &status) }) == 0 else {
                pending.append(.problem(Problem(path: argument, reason: SystemError.sentence(errno))))
                return
            }
            var path = argument
            if status.st_mode & S_IFMT == S_IFLNK {
                guard let target = FileWalker.realPath(argument), PathBytes.withPlatformString(target, { stat($0, &status) }) == 0 else {
                    pending.append(.skip(Skip(path: argument, kind: .danglingLink, reason: "a symbolic link whose target does not exist")))
                    return
                }
                pending.append(.resolvedLink(ResolvedLink(argument: argument, target: target)))
                path = target
            }
            switch status.st_mode & S_IFMT {
            case S_IFDIR:
                let display = path.count > 1 && path.hasSuffix("/") ? String(path.dropLast()) : path
                guard let real = FileWalker.realPath(display) else {
                    pending.append(.problem(Problem(path: argument, reason: SystemError.sentence(errno))))
                    return
                }
                guard !walker.isExcluded(real) else {
                    pending.append(.problem(Problem(path: argument, reason: walker.excludedReason)))
                    return
                }
                let descriptor = PathBytes.withPlatformString(real) { open($0, O_RDONLY | O_DIRECTORY | O_CLOEXEC) }
                guard descriptor >= 0 else {
                    pending.append(.problem(Problem(path: argument, reason: SystemError.sentence(errno))))
                    return
                }
                enter(descriptor, status: status, display: display, root: display, realRoot: real, relative: "", realRelative: "")
            case S_IFREG:
                let name = path.split(separator: "/").last.map(String.init) ?? path
                let real = FileWalker.realPath(path) ?? path
                guard !walker.isExcluded(real) else {
                    pending.append(.problem(Problem(path: argument, reason: walker.excludedReason)))
                    return
                }
                pending.append(.file(WalkedFile(path: path, root: nil, relativePath: name, source: ConfinedPath(trusting: real))))
            default:
                pending.append(.skip(Skip(path: argument, kind: .notRegular, reason: "\(FileKind(mode: status.st_mode).description), not read")))
            }
        }

        /// Opens the folder `descriptor` (closed when its frame ends) and reads and sorts its entries.
        /// `display`/`relative` name it as the user will see it; `realRelative` is where it really is below
        /// `realRoot` (they differ below a followed link).
        private mutating func enter(
            _ descriptor: Int32, status: stat, display: String, root: String, realRoot: String, relative: String, realRelative: String
        ) {
            let identity = DirectoryIdentity(device: UInt64(status.st_dev), inode: UInt64(status.st_ino))
            guard ancestors.insert(identity).inserted else {
                close(descriptor)
                return
            }
            guard let handle = fdopendir(descriptor) else {
                pending.append(.problem(Problem(path: display, reason: SystemError.sentence(errno))))
                ancestors.remove(identity)
                close(descriptor)
                return
            }
            let folder = dirfd(handle)
            let owned = DirectoryHandle(handle)
            var entries: [Entry] = []
            while let entry = readdir(handle) {
                let name = withUnsafePointer(to: entry.pointee.d_name) {
                    PathBytes.decode(cString: UnsafeRawPointer($0).assumingMemoryBound(to: CChar.self))
                }
                if name == "." || name == ".." { continue }
                if !walker.includeHidden && name.hasPrefix(".") { continue }
                guard entries.count < walker.maximumFiles else {
                    pending.append(.problem(Problem(path: display, reason: "more than \(walker.maximumFiles) entries in one folder; the rest were not read")))
                    break
                }
                var childStatus = stat()
                if PathBytes.withPlatformString(name, { fstatat(folder, $0, &childStatus, AT_SYMLINK_NOFOLLOW) }) != 0 {
                    // Reported when its turn comes (fstatat again, with its errno).
                    childStatus = stat()
                }
                var isFolder = childStatus.st_mode & S_IFMT == S_IFDIR
                if walker.followSymlinks && childStatus.st_mode & S_IFMT == S_IFLNK {
                    var target = stat()
                    isFolder = PathBytes.withPlatformString(name, { fstatat(folder, $0, &target, 0) }) == 0 && target.st_mode & S_IFMT == S_IFDIR
                }
                entries.append(Entry(name: name, key: isFolder ? name + "/" : name, status: childStatus))
            }
            entries.sort { $0.key < $1.key }
            frames.append(Frame(
                handle: owned, identity: identity, entries: entries, display: display, root: root, realRoot: realRoot, relative: relative,
                realRelative: realRelative))
        }

        /// One entry of the folder `frame`: a file or skip is returned; a folder is entered (its events follow).
        private mutating func visit(_ entry: Entry, in frame: Frame) -> Event? {
            let name = entry.name
            let display = frame.display
            let child = display == "/" ? "/" + name : display + "/" + name
            let childRelative = frame.relative.isEmpty ? name : frame.relative + "/" + name
            let childRealRelative = frame.realRelative.isEmpty ? name : frame.realRelative + "/" + name
            let folder = dirfd(frame.handle.pointer)
            var childStatus = stat()
            guard PathBytes.withPlatformString(name, { fstatat(folder, $0, &childStatus, AT_SYMLINK_NOFOLLOW) }) == 0 else {
                return .problem(Problem(path: child, reason: SystemError.sentence(errno)))
            }
            switch childStatus.st_mode & S_IFMT {
            case S_IFDIR:
                let realChild = ConfinedPath(root: frame.realRoot, relative: childRealRelative).path
                if walker.excluded.contains(realChild) {
                    return .skip(Skip(path: child, kind: .outputFolder, reason: "the output folder, not walked"))
                }
                let next = PathBytes.withPlatformString(name) { openat(folder, $0, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC) }
                guard next >= 0 else { return .problem(Problem(path: child, reason: SystemError.sentence(errno))) }
                enter(
                    next, status: childStatus, display: child, root: frame.root, realRoot: frame.realRoot, relative: childRelative,
                    realRelative: childRealRelative)
                return nil
            case S_IFREG:
                return .file(WalkedFile(
                    path: child, root: frame.root, relativePath: childRelative,
                    source: ConfinedPath(root: frame.realRoot, relative: childRealRelative)))
            case S_IFLNK:
                return followLink(
                    at: ConfinedPath(root: frame.realRoot, relative: childRealRelative).path, display: child, root: frame.root,
                    realRoot: frame.realRoot, relative: childRelative)
            default:
                return .skip(Skip(path: child, kind: .notRegular, reason: "\(FileKind(mode: childStatus.st_mode).description), not read"))
            }
        }

        /// A link met during a walk: reported, or (``FileWalker/followSymlinks``) followed when it stays inside the root.
        private mutating func followLink(at realLink: String, display: String, root: String, realRoot: String, relative: String) -> Event? {
            guard let target = FileWalker.realPath(realLink) else {
                return .skip(Skip(path: display, kind: .danglingLink, reason: "a symbolic link whose target does not exist"))
            }
            guard walker.followSymlinks else {
                return .skip(Skip(path: display, kind: .symbolicLink, reason: "a symbolic link, not followed (see --follow-symlinks)"))
            }
            let prefix = realRoot == "/" ? "/" : realRoot + "/"
            guard target.hasPrefix(prefix) else {
                return .skip(Skip(
                    path: display, kind: .linkOutsideRoot, reason: "a symbolic link to \(target), outside \(realRoot); links are followed only inside the folder"))
            }
            let targetRelative = String(target.dropFirst(prefix.count))
            var status = stat()
            guard PathBytes.withPlatformString(target, { stat($0, &status) }) == 0 else {
                return .skip(Skip(path: display, kind: .danglingLink, reason: "a symbolic link whose target does not exist"))
            }
            switch status.st_mode & S_IFMT {
            case S_IFDIR:
                if walker.excluded.contains(target) { return nil }
                // Opened below the root without following links: the resolved path has none left.
                guard let descriptor = try? ConfinedPath(root: realRoot, relative: targetRelative).openDirectory() else {
                    return .problem(Problem(path: display, reason: "the link's target changed while it was walked"))
                }
                enter(descriptor, status: status, display: display, root: root, realRoot: realRoot, relative: relative, realRelative: targetRelative)
                return nil
            case S_IFREG:
                return .file(WalkedFile(
                    path: display, root: root, relativePath: relative, source: ConfinedPath(root: realRoot, relative: targetRelative)))
            default:
                return .skip(Skip(path: display, kind: .notRegular, reason: "a link to \(FileKind(mode: status.st_mode).description), not read"))
            }
        }
    }

    /// An open folder, closed when the walk leaves it or is dropped part way.
    final class DirectoryHandle {
        let pointer: OpaquePointer
        init(_ pointer: OpaquePointer) { self.pointer = pointer }
        deinit { closedir(pointer) }
    }

    struct DirectoryIdentity: Hashable {
        var device: UInt64
        var inode: UInt64
    }

    /// The canonical absolute path (links and `..` resolved), or nil when it does not exist.
    /// Whether the real path `real` is an excluded folder or lies inside one.
    func isExcluded(_ real: String) -> Bool {
        guard !excluded.isEmpty else { return false }
        return excluded.contains(real) || excluded.contains { real.hasPrefix($0 == "/" ? "/" : $0 + "/") }
    }

    public static func realPath(_ path: String) -> String? {
        guard let resolved = PathBytes.withPlatformString(path, { realpath($0, nil) }) else { return nil }
        defer { free(resolved) }
        return PathBytes.decode(cString: resolved)
    }
}
