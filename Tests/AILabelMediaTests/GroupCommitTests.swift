@_spi(Testing) import AILabelMedia
import AILabelTestSupport
import Foundation
import Testing

@Suite("Crash-safe writes in groups")
struct GroupCommitTests {
    static let flushes: [GroupCommit.Flush] = [.fileSystem, .eachFile]

    /// A folder of `count` files `f0.jpg`… holding `[i, i, i]`.
    func folder(count: Int) throws -> (URL, [String]) {
        let folder = try Repository.temporaryDirectory()
        let paths = (0..<count).map { folder.appendingPathComponent("f\($0).jpg").path }
        for (index, path) in paths.enumerated() { try Data(repeating: UInt8(index), count: 3).write(to: URL(fileURLWithPath: path)) }
        return (folder, paths)
    }

    func contents(_ path: String) throws -> [UInt8] { [UInt8](try Data(contentsOf: URL(fileURLWithPath: path))) }

    func temporaryFiles(in folder: URL) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasPrefix(AtomicFile.temporaryPrefix) }
    }

    @Test("Every staged file replaces its target, keeping its mode, across several groups", arguments: flushes)
    func commitsEveryGroup(flush: GroupCommit.Flush) throws {
        let (folder, paths) = try folder(count: 7)
        defer { try? FileManager.default.removeItem(at: folder) }
        chmod(paths[4], 0o600)
        let group = GroupCommit(limits: GroupCommit.Limits(files: 3, bytes: 1 << 20), flush: flush)
        for (index, path) in paths.enumerated() { _ = try group.stage([UInt8(index), 0xAA], to: path) }
        #expect(group.finish().isEmpty)
        for (index, path) in paths.enumerated() { #expect(try contents(path) == [UInt8(index), 0xAA]) }
        #expect((try FileManager.default.attributesOfItem(atPath: paths[4])[.posixPermissions] as? Int) == 0o600)
        #expect(try temporaryFiles(in: folder).isEmpty)
    }

    @Test("Nothing is renamed before its group commits: until then the targets are untouched")
    func nothingBeforeCommit() throws {
        let (folder, paths) = try folder(count: 3)
        defer { try? FileManager.default.removeItem(at: folder) }
        let group = GroupCommit(limits: GroupCommit.Limits(files: 100, bytes: 1 << 20))
        for path in paths { _ = try group.stage([0xFF], to: path) }
        for (index, path) in paths.enumerated() { #expect(try contents(path) == [UInt8](repeating: UInt8(index), count: 3)) }
        #expect(try temporaryFiles(in: folder).count == 3)
        #expect(group.finish().isEmpty)
        for path in paths { #expect(try contents(path) == [0xFF]) }
        #expect(try temporaryFiles(in: folder).isEmpty)
    }

    @Test("A write failing in the middle of a group: the others commit, the failed file is untouched, no temporary file is left", arguments: flushes)
    func failedWriteInGroup(flush: GroupCommit.Flush) throws {
        let (folder, paths) = try folder(count: 5)
        defer { try? FileManager.default.removeItem(at: folder) }
        struct DiskFull: Error {}
        let failing = paths[2]
        AtomicFile.injectFault(at: failing) { _ in throw DiskFull() }
        defer { AtomicFile.injectFault(at: failing, nil) }
        let group = GroupCommit(limits: GroupCommit.Limits(files: 5, bytes: 1 << 20), flush: flush)
        for path in paths {
            if path == failing {
                #expect(throws: DiskFull.self) { try group.stage([0xEE], to: path) }
            } else {
                _ = try group.stage([0xEE], to: path)
            }
        }
        #expect(group.finish().isEmpty)
        for (index, path) in paths.enumerated() {
            #expect(try contents(path) == (path == failing ? [UInt8](repeating: UInt8(index), count: 3) : [0xEE]))
        }
        #expect(try temporaryFiles(in: folder).isEmpty)
    }

    @Test("A rename failing at commit is reported by ticket; the rest of the group still commits")
    func failedRenameInGroup() throws {
        let (folder, paths) = try folder(count: 3)
        defer { try? FileManager.default.removeItem(at: folder) }
        // A file cannot be renamed over a folder: the commit of this one fails after its data was flushed.
        let blocked = folder.appendingPathComponent("blocked.jpg")
        try FileManager.default.createDirectory(at: blocked.appendingPathComponent("inside"), withIntermediateDirectories: true)
        let group = GroupCommit()
        let first = try group.stage([1], to: paths[0])
        let failing = try group.stage([2], to: blocked.path)
        let last = try group.stage([3], to: paths[2])
        let failures = group.finish()
        #expect(Set(failures.keys) == [failing])
        #expect(failures[failing]?.code == .io)
        #expect(failures[failing]?.path == blocked.path)
        #expect(failures[first] == nil && failures[last] == nil)
        #expect(try contents(paths[0]) == [1])
        #expect(try contents(paths[2]) == [3])
        #expect(FileManager.default.fileExists(atPath: blocked.appendingPathComponent("inside").path))
        #expect(try temporaryFiles(in: folder).isEmpty)
    }

    @Test("Many threads stage at once; every file ends up committed")
    func concurrentStaging() async throws {
        let (folder, paths) = try folder(count: 64)
        defer { try? FileManager.default.removeItem(at: folder) }
        let group = GroupCommit(limits: GroupCommit.Limits(files: 5, bytes: 1 << 20))
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            for (index, path) in paths.enumerated() { tasks.addTask { _ = try group.stage([UInt8(index), 1], to: path) } }
            try await tasks.waitForAll()
        }
        #expect(group.finish().isEmpty)
        for (index, path) in paths.enumerated() { #expect(try contents(path) == [UInt8(index), 1]) }
        #expect(try temporaryFiles(in: folder).isEmpty)
    }
}
