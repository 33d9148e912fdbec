import AILabelManifest
import AILabelMedia
import Foundation


/// The fragments of a fragmented MP4 (CMAF, DASH, HLS fMP4) named by a glob relative to the init
/// segment's folder, as c2patool's `fragment` subcommand and c2pa-rs `save_to_bmff_fragmented`
/// take them (`--fragments 'seg-*.m4s'`), resolved under the hostile-tree rule: the pattern may not be
/// absolute or climb out with `..`, and every match must be a regular file whose real path lies
/// inside the init segment's folder (a symbolic link out of it is refused, naming the link). At most
/// ``BMFFFragmentRendition/maximumFragments`` matches are read; folders are read entry by entry.
public struct FragmentSet: Sendable, Equatable {
    public let initSegment: String
    /// The matching files, sorted by path (the order their Merkle leaves take).
    public let fragments: [String]

    public struct Problem: Error, Sendable, CustomStringConvertible {
        public let reason: String
        public var description: String { reason }
    }

    public init(initSegment: String, fragments: [String]) {
        self.initSegment = initSegment
        self.fragments = fragments
    }

    /// Resolves `pattern` (shell wildcards `*`, `?`, `[…]` within one path component; `/` between
    /// components) in the folder of `initSegment`.
    public static func resolve(initSegment: String, pattern: String, limit: Int = BMFFFragmentRendition.maximumFragments) throws -> FragmentSet {
        guard !pattern.isEmpty else { throw Problem(reason: "--fragments needs a pattern such as 'seg-*.m4s'") }
        guard !pattern.hasPrefix("/") else {
            throw Problem(reason: "--fragments '\(pattern)' is absolute; give a pattern relative to the init segment's folder")
        }
        let components = pattern.split(separator: "/").map(String.init).filter { $0 != "." }
        guard !components.contains("..") else {
            throw Problem(reason: "--fragments '\(pattern)' climbs out of the init segment's folder with '..'; fragments must lie inside it")
        }
        let folder = (initSegment as NSString).deletingLastPathComponent.isEmpty ? "." : (initSegment as NSString).deletingLastPathComponent
        guard let realFolder = FileWalker.realPath(folder), let realInit = FileWalker.realPath(initSegment) else {
            throw Problem(reason: "\(initSegment): the init segment cannot be found")
        }
        var current = [folder]
        for (depth, component) in components.enumerated() {
            let isLast = depth == components.count - 1
            var next: [String] = []
            for directory in current {
                let names = hasWildcard(component) ? try entries(of: directory, matching: component, limit: limit) : [component]
                for name in names {
                    let path = directory == "." && folder == "." ? name : directory + "/" + name
                    guard var kind = FileKind(at: path, followingLinks: false) else { continue }
                    if kind == .symbolicLink {
                        guard let real = FileWalker.realPath(path), real == realFolder || real.hasPrefix(realFolder + "/") else {
                            throw Problem(reason: "\(path) is a symbolic link out of the init segment's folder; fragments must lie inside it")
                        }
                        guard let target = FileKind(at: path, followingLinks: true) else { continue }
                        kind = target
                    }
                    if isLast {
                        guard kind != .directory else { continue }
                        guard kind == .regular else { throw Problem(reason: "\(path) matches --fragments but is not a regular file") }
                        if FileWalker.realPath(path) == realInit { continue }
                        next.append(path)
                        guard next.count <= limit else {
                            throw Problem(reason: "--fragments '\(pattern)' matches more than \(limit) files, more than one rendition may have")
                        }
                    } else if kind == .directory {
                        next.append(path)
                    }
                }
            }
            current = next
        }
        guard !current.isEmpty else { throw Problem(reason: "--fragments '\(pattern)' matches no file next to \(initSegment)") }
        return FragmentSet(initSegment: initSegment, fragments: current.sorted())
    }

    static func hasWildcard(_ component: String) -> Bool { component.contains { "*?[".contains($0) } }

    /// The names in `directory` that match `pattern`, read entry by entry; hidden names match only a
    /// pattern that starts with a dot.
    static func entries(of directory: String, matching pattern: String, limit: Int) throws -> [String] {
        guard let handle = opendir(directory) else { return [] }
        defer { closedir(handle) }
        var names: [String] = []
        while let entry = readdir(handle) {
            let name = withUnsafePointer(to: entry.pointee.d_name) { pointer in
                pointer.withMemoryRebound(to: CChar.self, capacity: Int(NAME_MAX) + 1) { String(cString: $0) }
            }
            guard name != ".", name != ".." else { continue }
            guard fnmatch(pattern, name, FNM_PERIOD) == 0 else { continue }
            names.append(name)
            guard names.count <= limit else {
                throw Problem(reason: "--fragments '\(pattern)' matches more than \(limit) files in \(directory), more than one rendition may have")
            }
        }
        return names
    }
}
