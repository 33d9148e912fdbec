import AILabelKit
@_spi(Testing) import AILabelMedia
import AILabelTestSupport
import Foundation
import Testing

@Suite("Batch stamping with group commit")
struct StampBatchTests {
    static let sources = ["media/photo.png", "media/exif.jpg", "media/xmp.jpg", "media/icc.png", "media/tiny-64x48.jpg", "media/palette.png"]

    func stamper() -> Stamper {
        var request = LabelRequest()
        request.producerName = "Example LLP"
        request.created = "2026-01-18T09:00:00Z"
        request.contentID = "batch-test"
        return Stamper(request: request)
    }

    func batch(_ mapping: OutputMapping, limits: GroupCommit.Limits = GroupCommit.Limits(files: 2, bytes: 1 << 20)) -> StampBatch {
        StampBatch(
            stamper: stamper(), sidecarStamper: SidecarStamper(request: stamper().request, signer: nil), mapping: mapping, jobs: 2, limits: limits)
    }

    /// Copies the sources into a fresh folder as `0.png`, `1.jpg`…
    func inputs() throws -> (URL, [String]) {
        let folder = try Repository.temporaryDirectory()
        var paths: [String] = []
        for (index, source) in Self.sources.enumerated() {
            let path = folder.appendingPathComponent("in/\(index).\((source as NSString).pathExtension)").path
            try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try FileManager.default.copyItem(atPath: Repository.fixture(source).path, toPath: path)
            paths.append(path)
        }
        return (folder, paths)
    }

    /// What stamping `path` alone, with the single-file write, produces.
    func reference(_ path: String) throws -> [UInt8] {
        try stamper().stamp(try MediaFile(path: path)).bytes()
    }

    func contents(_ path: String) throws -> [UInt8] { [UInt8](try Data(contentsOf: URL(fileURLWithPath: path))) }

    func temporaryFiles(under folder: URL) -> [String] {
        (FileManager.default.enumerator(atPath: folder.path)?.allObjects as? [String] ?? [])
            .filter { ($0 as NSString).lastPathComponent.hasPrefix(AtomicFile.temporaryPrefix) }
    }

    @Test("A streamed walk stamped in windows of two: the records of the list's run, in walk order, emitted as each window is done, and the same bytes")
    func streamedWindowsMatchTheList() async throws {
        let (folder, _) = try inputs()
        defer { try? FileManager.default.removeItem(at: folder) }
        let input = folder.appendingPathComponent("in").path
        let listed = await batch(.directory(folder.appendingPathComponent("list").path)).run(FileWalker().walk([input]).files)
        var walk = FileWalker().stream([input])
        var emitted: [StampResult] = []
        var windows: [Int] = []
        let tally = await batch(.directory(folder.appendingPathComponent("streamed").path)).run(
            &walk, window: 2, planned: nil, oncePerFile: false, notice: { _ in }, emit: { emitted.append($0) },
            progress: { windows.append($0) })
        #expect(emitted.map(\.path) == listed.map(\.path))
        #expect(emitted.map(\.status) == listed.map(\.status))
        #expect(tally.stamped == Self.sources.count && tally.failed == 0)
        #expect(windows == [2, 4, 6], "one progress step a window: \(windows)")
        for (index, source) in Self.sources.enumerated() {
            let name = "\(index).\((source as NSString).pathExtension)"
            #expect(try contents(folder.appendingPathComponent("streamed/\(name)").path) == contents(folder.appendingPathComponent("list/\(name)").path), "\(name)")
        }
    }

    @Test("Inputs meeting at one output are found over a whole walk, holding fingerprints, and named")
    func collisionsOverAWalk() throws {
        let (folder, paths) = try inputs()
        defer { try? FileManager.default.removeItem(at: folder) }
        let other = folder.appendingPathComponent("other/1.jpg").path
        try FileManager.default.createDirectory(atPath: (other as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: paths[1], toPath: other)
        let out = folder.appendingPathComponent("out").path
        var walks = 0
        let meeting = batch(.directory(out)).collisions(walking: {
            walks += 1
            return FileWalker().stream([paths[1], paths[0], other])
        }).collisions
        #expect(meeting.count == 1 && meeting.first?.output == out + "/1.jpg", "\(meeting)")
        #expect(meeting.first?.inputs == [other, paths[1]].sorted())
        #expect(walks == 2, "a second walk only to name the inputs")
        walks = 0
        let none = batch(.directory(out)).collisions(walking: {
            walks += 1
            return FileWalker().stream([paths[1], paths[0]])
        }).collisions
        #expect(none.isEmpty && walks == 1)
    }

    @Test("In place, in groups of two: every file gets exactly the bytes a single stamp writes")
    func inPlaceMatchesSingleWrites() async throws {
        let (folder, paths) = try inputs()
        defer { try? FileManager.default.removeItem(at: folder) }
        let expected = try paths.map(reference)
        let files = FileWalker().walk([folder.appendingPathComponent("in").path]).files
        let results = await batch(.inPlace).run(files)
        #expect(results.map(\.status) == Array(repeating: .stamped, count: paths.count))
        #expect(results.map(\.path) == files.map(\.path), "results come in input order")
        for (path, bytes) in zip(paths, expected) { #expect(try contents(path) == bytes, "\(path)") }
        #expect(temporaryFiles(under: folder).isEmpty)
    }

    @Test("A write failing in the middle of a group: the other files are committed, the failed one is untouched and reported, no temporary file is left")
    func failedWriteInGroup() async throws {
        let (folder, paths) = try inputs()
        defer { try? FileManager.default.removeItem(at: folder) }
        let expected = try paths.map(reference)
        let originals = try paths.map(contents)
        struct DiskFull: Error, CustomStringConvertible { var description: String { "no space left on device" } }
        let failing = paths[2]
        AtomicFile.injectFault(at: failing) { _ in throw DiskFull() }
        defer { AtomicFile.injectFault(at: failing, nil) }
        let files = FileWalker().walk([folder.appendingPathComponent("in").path]).files
        let results = await batch(.inPlace, limits: GroupCommit.Limits(files: 100, bytes: 1 << 30)).run(files)
        for (index, path) in paths.enumerated() {
            let result = try #require(results.first { $0.path == path })
            if path == failing {
                #expect(result.status == .failed)
                #expect(result.error == "no space left on device")
                #expect(try contents(path) == originals[index], "the failed file is untouched")
            } else {
                #expect(result.status == .stamped)
                #expect(try contents(path) == expected[index])
            }
        }
        #expect(temporaryFiles(under: folder).isEmpty)
    }

    @Test("A file whose commit fails is reported failed; the rest of its group is written")
    func failedCommitIsReported() async throws {
        let (folder, paths) = try inputs()
        defer { try? FileManager.default.removeItem(at: folder) }
        let out = folder.appendingPathComponent("out")
        // The output of 1.jpg is a folder: its bytes stage and flush, but the rename over it fails.
        try FileManager.default.createDirectory(at: out.appendingPathComponent("1.jpg/occupied"), withIntermediateDirectories: true)
        let files = FileWalker().walk([folder.appendingPathComponent("in").path + "/"]).files
        let results = await batch(.directory(out.path), limits: GroupCommit.Limits(files: 100, bytes: 1 << 30)).run(files)
        for (index, path) in paths.enumerated() {
            let result = try #require(results.first { $0.path == path })
            let output = out.appendingPathComponent((path as NSString).lastPathComponent).path
            if index == 1 {
                #expect(result.status == .failed)
                #expect(result.error?.contains("cannot rename") == true)
            } else {
                #expect(result.status == .stamped)
                #expect(try contents(output) == reference(path))
            }
        }
        #expect(temporaryFiles(under: folder).isEmpty)
    }

    @Test("Temporary files a killed run left in any output folder are removed before the batch writes")
    func removesStaleTemporaryFiles() async throws {
        let (folder, paths) = try inputs()
        defer { try? FileManager.default.removeItem(at: folder) }
        let out = folder.appendingPathComponent("out")
        try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
        for stale in [out.appendingPathComponent(AtomicFile.temporaryPrefix + "abc123"), folder.appendingPathComponent("in/" + AtomicFile.temporaryPrefix + "def456")] {
            try Data([0xFF, 0xD8]).write(to: stale)
        }
        let inputs = FileWalker(includeHidden: true).walk([folder.appendingPathComponent("in").path + "/"]).files
        let results = await batch(.directory(out.path)).run(inputs)
        #expect(results.count == paths.count, "leftover temporary files are not inputs")
        #expect(results.allSatisfy { $0.status == .stamped })
        #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent("in/" + AtomicFile.temporaryPrefix + "def456").path),
                "only output folders are cleaned")
        #expect(temporaryFiles(under: out).isEmpty)
    }

    @Test("--dry-run writes nothing and removes nothing")
    func dryRun() async throws {
        let (folder, paths) = try inputs()
        defer { try? FileManager.default.removeItem(at: folder) }
        let stale = folder.appendingPathComponent("in/" + AtomicFile.temporaryPrefix + "abc123")
        try Data([1]).write(to: stale)
        let originals = try paths.map(contents)
        var batch = batch(.inPlace)
        batch.stamper.dryRun = true
        let results = await batch.run(FileWalker().walk([folder.appendingPathComponent("in").path]).files)
        #expect(results.allSatisfy { $0.status == .wouldStamp })
        #expect(try paths.map(contents) == originals)
        #expect(FileManager.default.fileExists(atPath: stale.path))
    }
}
