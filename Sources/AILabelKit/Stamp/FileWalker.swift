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
}

/// Walks files and folders: recursive, hidden entries skipped unless asked, each directory visited once
/// (so symlink loops end), results sorted by path.
public struct FileWalker: Sendable {
    public var includeHidden: Bool
    /// Most files one walk returns, so a hostile tree cannot exhaust memory.
    public var maximumFiles: Int

    public init(includeHidden: Bool = false, maximumFiles: Int = 5_000_000) {
        self.includeHidden = includeHidden
        self.maximumFiles = maximumFiles
    }

    public struct Problem: Error, Sendable, Hashable {
        public var path: String
        public var reason: String
    }

    public func walk(_ arguments: [String]) -> (files: [WalkedFile], problems: [Problem]) {
        var files: [WalkedFile] = []
        var problems: [Problem] = []
        var visited = Set<DirectoryIdentity>()
        for argument in arguments {
            var status = stat()
            guard stat(argument, &status) == 0 else {
                problems.append(Problem(path: argument, reason: String(cString: strerror(errno))))
                continue
            }
            if status.st_mode & S_IFMT == S_IFDIR {
                let root = argument.count > 1 && argument.hasSuffix("/") ? String(argument.dropLast()) : argument
                walkDirectory(root, root: root, relative: "", visited: &visited, files: &files, problems: &problems)
            } else {
                let name = argument.split(separator: "/").last.map(String.init) ?? argument
                files.append(WalkedFile(path: argument, root: nil, relativePath: name))
            }
        }
        return (files.sorted { $0.path < $1.path }, problems)
    }

    private struct DirectoryIdentity: Hashable {
        var device: UInt64
        var inode: UInt64
    }

    private func walkDirectory(
        _ path: String, root: String, relative: String, visited: inout Set<DirectoryIdentity>, files: inout [WalkedFile],
        problems: inout [Problem]
    ) {
        var status = stat()
        guard stat(path, &status) == 0 else { return }
        guard visited.insert(DirectoryIdentity(device: UInt64(status.st_dev), inode: UInt64(status.st_ino))).inserted else { return }
        guard let handle = opendir(path) else {
            problems.append(Problem(path: path, reason: String(cString: strerror(errno))))
            return
        }
        var names: [String] = []
        while let entry = readdir(handle) {
            let name = withUnsafePointer(to: entry.pointee.d_name) {
                String(cString: UnsafeRawPointer($0).assumingMemoryBound(to: CChar.self))
            }
            if name == "." || name == ".." { continue }
            if !includeHidden && name.hasPrefix(".") { continue }
            names.append(name)
        }
        closedir(handle)
        for name in names.sorted() {
            guard files.count < maximumFiles else {
                problems.append(Problem(path: path, reason: "more than \(maximumFiles) files; the rest were not read"))
                return
            }
            let child = path == "/" ? "/" + name : path + "/" + name
            let childRelative = relative.isEmpty ? name : relative + "/" + name
            var childStatus = stat()
            guard stat(child, &childStatus) == 0 else {
                problems.append(Problem(path: child, reason: String(cString: strerror(errno))))
                continue
            }
            switch childStatus.st_mode & S_IFMT {
            case S_IFDIR:
                walkDirectory(child, root: root, relative: childRelative, visited: &visited, files: &files, problems: &problems)
            case S_IFREG:
                files.append(WalkedFile(path: child, root: root, relativePath: childRelative))
            default:
                continue  // sockets, devices and FIFOs are not media
            }
        }
    }
}
