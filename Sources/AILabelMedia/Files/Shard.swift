/// One share of a batch split over machines (`--shard I/N`): a file belongs to shard `hash(path) mod N`,
/// where the path is the one relative to the folder argument it was found under (a file argument's path as
/// given). So the split depends on nothing but the tree: N machines that walk the same folder (mounted
/// anywhere) each take a disjoint share, and together they cover every file, however the walk is ordered.
///
/// `I` counts from 0, as a Kubernetes Indexed Job's `$JOB_COMPLETION_INDEX` does, so it can be passed as it is.
public struct Shard: Sendable, Hashable, CustomStringConvertible {
    public let index: Int
    public let count: Int
    /// Most shards a run may be split into.
    public static let maximumCount = 1 << 20

    public init?(index: Int, count: Int) {
        guard count >= 1, count <= Self.maximumCount, index >= 0, index < count else { return nil }
        self.index = index
        self.count = count
    }

    /// `I/N`, e.g. `0/4`; nil for anything else.
    public init?(parsing text: String) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, parts.allSatisfy({ !$0.isEmpty && $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) }),
            let index = Int(parts[0]), let count = Int(parts[1])
        else { return nil }
        self.init(index: index, count: count)
    }

    public var description: String { "\(index)/\(count)" }

    /// Whether the file at `relativePath` (below its root) belongs to this shard.
    public func contains(relativePath: String) -> Bool {
        Int(Self.hash(relativePath) % UInt64(count)) == index
    }

    /// Whether `file` belongs to this shard.
    public func contains(_ file: WalkedFile) -> Bool { contains(relativePath: Self.key(for: file)) }

    /// The path a walked file is sharded by: relative to its folder argument, or as given for a file argument.
    public static func key(for file: WalkedFile) -> String { file.root == nil ? file.path : file.relativePath }

    /// The path relative to `root` for an entry the walk reported by its full path (a skipped link, a
    /// folder it could not read): the prefix `root/` removed when present.
    public static func key(path: String, root: String?) -> String {
        guard let root, path.hasPrefix(root == "/" ? "/" : root + "/") else { return path }
        return String(path.dropFirst(root == "/" ? 1 : root.count + 1))
    }

    /// FNV-1a over the path's bytes (as the file system has them), then SplitMix64's finaliser so that
    /// the low bits taken by `mod N` depend on every byte. Fixed forever: changing it would move files
    /// between the shards of runs that are being resumed.
    public static func hash(_ path: String) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in PathBytes.encode(path) {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01b3
        }
        hash = (hash ^ (hash >> 30)) &* 0xbf58_476d_1ce4_e5b9
        hash = (hash ^ (hash >> 27)) &* 0x94d0_49bb_1331_11eb
        return hash ^ (hash >> 31)
    }
}
