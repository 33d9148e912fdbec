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
}
