import AILabelMedia
import AILabelTestSupport
import Foundation
import Testing

@Suite("Walking folders")
struct FileWalkerTests {
    @Test("Recursive, sorted, hidden entries skipped unless asked, symlink loops visited once")
    func walk() throws {
        let folder = try Repository.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let manager = FileManager.default
        try manager.createDirectory(at: folder.appendingPathComponent("b/deeper"), withIntermediateDirectories: true)
        try manager.createDirectory(at: folder.appendingPathComponent(".hidden"), withIntermediateDirectories: true)
        for name in ["z.jpg", "a.png", "b/c.jpg", "b/deeper/d.png", ".hidden/e.jpg", ".dotfile.png"] {
            try Data([1]).write(to: folder.appendingPathComponent(name))
        }
        // A loop: b/deeper/loop points back at the top folder.
        try manager.createSymbolicLink(atPath: folder.appendingPathComponent("b/deeper/loop").path, withDestinationPath: folder.path)
        let (files, problems) = FileWalker().walk([folder.path])
        #expect(problems.isEmpty)
        #expect(files.map(\.relativePath) == ["a.png", "b/c.jpg", "b/deeper/d.png", "z.jpg"])
        #expect(files.map(\.path) == files.map(\.path).sorted())
        let all = FileWalker(includeHidden: true).walk([folder.path]).files.map(\.relativePath)
        #expect(all.contains(".hidden/e.jpg") && all.contains(".dotfile.png"))
        #expect(Set(all).count == all.count, "no file is listed twice through the loop")
        let missing = FileWalker().walk([folder.appendingPathComponent("nope").path])
        #expect(missing.files.isEmpty && missing.problems.count == 1)
    }

    @Test("An argument that is an excluded folder, or lies inside one (through a link too), is a problem with the walker's reason")
    func argumentsInsideExcludedFolders() throws {
        let folder = try Repository.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let manager = FileManager.default
        let out = folder.appendingPathComponent("in/out")
        try manager.createDirectory(at: out.appendingPathComponent("deeper"), withIntermediateDirectories: true)
        for name in ["in/a.png", "in/out/b.png", "in/out/deeper/c.png", "in/outside.png"] {
            try Data([1]).write(to: folder.appendingPathComponent(name))
        }
        try manager.createSymbolicLink(atPath: folder.appendingPathComponent("link.png").path, withDestinationPath: out.appendingPathComponent("b.png").path)
        let realOut = try #require(FileWalker.realPath(out.path))
        var walker = FileWalker(excluded: [realOut])
        walker.excludedReason = "inside the output"
        let inside = [out.path, out.path + "/", out.appendingPathComponent("b.png").path, out.appendingPathComponent("deeper").path,
                      out.appendingPathComponent("deeper/c.png").path, folder.appendingPathComponent("in/out/../out/b.png").path,
                      folder.appendingPathComponent("link.png").path]
        let result = walker.walkAll(inside + [folder.appendingPathComponent("in").path])
        #expect(Set(result.problems.map(\.path)) == Set(inside))
        #expect(result.problems.allSatisfy { $0.reason == "inside the output" })
        // The folder that holds the output is walked, the output left out.
        #expect(result.files.map(\.path).sorted() == [folder.appendingPathComponent("in/a.png").path, folder.appendingPathComponent("in/outside.png").path])
        // A sibling whose name only starts like the output's is not inside it.
        try manager.createDirectory(at: folder.appendingPathComponent("in/outer"), withIntermediateDirectories: true)
        try Data([1]).write(to: folder.appendingPathComponent("in/outer/d.png"))
        #expect(walker.walkAll([folder.appendingPathComponent("in/outer/d.png").path]).problems.isEmpty)
    }
}
