import AILabelMedia
import AILabelTestSupport
import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

@Suite("Streamed walks, path lists and shards")
struct StreamedWalkTests {
    /// Names that sort differently as names and as paths: `a` before `a-b` by name, but `a/…` after `a-b` by path.
    static func makeTree() throws -> URL {
        let folder = try Repository.temporaryDirectory()
        for name in ["a/x.jpg", "a/y/z.png", "a-b/q.jpg", "a.b", "a0/r.jpg", "A/s.jpg", "ä/t.jpg", "b.jpg", "a b/u.jpg", "top.png"] {
            let url = folder.appendingPathComponent(name)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data([1]).write(to: url)
        }
        return folder
    }

    @Test("A streamed walk gives the files in the order of sorting their paths, without collecting them")
    func streamOrderIsPathOrder() throws {
        let folder = try Self.makeTree()
        defer { try? FileManager.default.removeItem(at: folder) }
        var stream = FileWalker().stream([folder.path])
        var streamed: [String] = []
        while let event = stream.next() {
            if case .file(let file) = event { streamed.append(file.path) }
        }
        #expect(streamed == streamed.sorted())
        #expect(streamed == FileWalker().walkAll([folder.path]).files.map(\.path))
        #expect(streamed.count == 10)
        // Several arguments given out of order come out in path order too.
        let arguments = [folder.appendingPathComponent("top.png").path, folder.appendingPathComponent("a").path, folder.appendingPathComponent("a-b").path]
        var several = FileWalker().stream(arguments)
        var paths: [String] = []
        while let event = several.next() {
            if case .file(let file) = event { paths.append(file.path) }
        }
        #expect(paths == paths.sorted() && paths.count == 4)
    }

    @Test("Path lists: lines or NUL-separated, CRLF, empty entries, names with spaces and newlines, an oversized entry")
    func pathListReader() throws {
        func read(_ bytes: [UInt8], nul: Bool) -> ([String], Int) {
            var ends: [Int32] = [0, 0]
            _ = Glibc.pipe(&ends)
            let (readEnd, writeEnd) = (ends[0], ends[1])
            // Written from another thread: a list larger than the pipe's buffer must not block.
            let writer = Thread {
                var offset = 0
                while offset < bytes.count {
                    let done = bytes.withUnsafeBytes { write(writeEnd, $0.baseAddress! + offset, min(4096, bytes.count - offset)) }
                    if done <= 0 { break }
                    offset += done
                }
                close(writeEnd)
            }
            writer.start()
            var reader = PathListReader(descriptor: readEnd, nulSeparated: nul)
            var paths: [String] = []
            while let path = reader.next() { paths.append(path) }
            close(readEnd)
            return (paths, reader.oversized)
        }
        #expect(read(Array("a.jpg\r\n\n b c.png \nlast".utf8), nul: false).0 == ["a.jpg", " b c.png ", "last"])
        #expect(read(Array("x\ny.jpg\0\0z.png\0".utf8), nul: true).0 == ["x\ny.jpg", "z.png"])
        let many = (0..<20_000).map { "folder/file-\($0).jpg" }
        #expect(read(Array(many.joined(separator: "\n").utf8), nul: false).0 == many)
        let oversized = read(Array(("ok1\n" + String(repeating: "x", count: PathListReader.maximumEntryBytes + 10) + "\nok2\n").utf8), nul: false)
        #expect(oversized.0 == ["ok1", "ok2"] && oversized.1 == 1)
        #expect(read([0xFF, 0x61, 0x0A], nul: false).0 == [PathBytes.decode([0xFF, 0x61])], "bytes that are not UTF-8 pass losslessly")
    }

    @Test("Shards: I/N parsing, a stable hash, disjoint and covering, about even")
    func shards() throws {
        #expect(Shard(parsing: "0/4") == Shard(index: 0, count: 4))
        for bad in ["4/4", "-1/4", "1", "a/2", "0/0", "1/2/3", "", "/", "1/", " 1/2", "+1/2", "٣/4"] { #expect(Shard(parsing: bad) == nil, "\(bad)") }
        // Fixed forever: runs being resumed depend on it.
        // Fixed forever (runs being resumed depend on it): FNV-1a 64 then SplitMix64's finaliser, as
        // Docs/cli.md states it, computed independently in Python.
        #expect(Shard.hash("a/b.jpg") == 0x0971_e0ef_90a7_6a5d)
        #expect(Shard(index: 0, count: 7)!.contains(relativePath: "a/b.jpg"))
        let paths = (0..<3000).map { "folder\($0 % 17)/image-\($0).jpg" }
        let count = 5
        var owners: [Int] = []
        for path in paths {
            let holders = (0..<count).filter { Shard(index: $0, count: count)!.contains(relativePath: path) }
            #expect(holders.count == 1, "\(path) is in exactly one shard")
            owners += holders
        }
        for index in 0..<count {
            let share = owners.filter { $0 == index }.count
            #expect(share > 450 && share < 750, "shard \(index) has \(share) of 3000")
        }
        // A walked file is sharded by its path below the folder argument, wherever the folder is mounted.
        let one = WalkedFile(path: "/mnt/x/archive/a/b.jpg", root: "/mnt/x/archive", relativePath: "a/b.jpg")
        let other = WalkedFile(path: "/data/archive/a/b.jpg", root: "/data/archive", relativePath: "a/b.jpg")
        #expect(Shard.key(for: one) == Shard.key(for: other))
        #expect(Shard.key(path: "/data/archive/a/c.lnk", root: "/data/archive") == "a/c.lnk")
    }
}
