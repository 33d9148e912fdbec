import AILabelMedia
import AILabelTestSupport
import Foundation
import Testing

/// Archive-scale runs: streamed standard input, `--shard`, `--resume` and `report merge`.
@Suite("verify over archives: shards, resume, merge")
struct BatchCLITests {
    static let formats = ["text", "json", "jsonl", "sarif", "junit", "html"]

    /// A tree with nested folders whose names sort differently as names and as paths (`a`, `a-b`, `a.b`),
    /// the verify fixtures spread over them, and a file verify skips.
    static func makeTree() throws -> URL {
        let folder = try Repository.temporaryDirectory("ailabel-batch")
        let tree = folder.appendingPathComponent("tree")
        let sources = Repository.fixtureFiles(in: "verify", extensions: ["jpg", "png", "txt"])
        let places = ["a", "a-b", "a.b", "a/x", "a/x/deep", "b", ""]
        for (index, source) in sources.enumerated() {
            let place = places[index % places.count]
            let target = place.isEmpty ? tree : tree.appendingPathComponent(place)
            try FileManager.default.createDirectory(at: target, withIntermediateDirectories: true)
            try FileManager.default.copyItem(
                at: Repository.fixture(source), to: target.appendingPathComponent((source as NSString).lastPathComponent))
        }
        return tree
    }

    @Test("Shards are disjoint and cover the tree; merged, they give a single run's report byte for byte", arguments: formats)
    func shardsMergeToSingleRun(format: String) throws {
        let tree = try Self.makeTree()
        let work = tree.deletingLastPathComponent()
        let single = try ProcessRunner.ailabel(["verify", tree.path, "--format", format, "--scan", "metadata", "--jobs", "2"])
        #expect(single.status == 1, "the fixtures include failing verdicts")
        var shardFiles: [String] = []
        var seen: [String] = []
        for index in 0..<3 {
            let output = work.appendingPathComponent("shard-\(index).jsonl").path
            let run = try ProcessRunner.ailabel(
                ["verify", tree.path, "--shard", "\(index)/3", "--format", "jsonl", "--scan", "metadata", "--output", output])
            #expect([0, 1].contains(run.status), "\(run.stderr)")
            shardFiles.append(output)
            let lines = try String(contentsOfFile: output, encoding: .utf8).split(separator: "\n")
            seen += try lines.map { line in
                try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])["path"] as! String
            }
        }
        let all = try ProcessRunner.ailabel(["verify", tree.path, "--format", "jsonl", "--scan", "metadata"]).stdout
        #expect(seen.count == Set(seen).count, "no file is in two shards")
        #expect(Set(seen).count == all.split(separator: "\n").count, "the shards cover every file")
        let merged = try ProcessRunner.ailabel(["report", "merge"] + shardFiles + ["--format", format, "--scan", "metadata"])
        #expect(merged.status == single.status)
        #expect(merged.stdout == single.stdout, "\(format):\n\(merged.stdout)\n---\n\(single.stdout)")
    }

    @Test("stamp --shard: three shards into one --out write each file once and together what a single run writes, byte for byte; they are verify's shards")
    func stampShardsCoverTheTree() throws {
        let tree = try Self.makeTree()
        let work = tree.deletingLastPathComponent()
        let options = ["--time", "2026-01-18T09:00:00Z", "--producer", "Example LLP", "--json"]
        let single = try ProcessRunner.ailabel(["stamp", tree.path, "--out", work.appendingPathComponent("single").path] + options)
        let sharded = work.appendingPathComponent("sharded")
        var stamped: [String] = []
        var statuses: [Int32] = []
        for index in 0..<3 {
            let run = try ProcessRunner.ailabel(["stamp", tree.path, "--out", sharded.path, "--shard", "\(index)/3"] + options)
            statuses.append(run.status)
            let records = run.stdout.split(separator: "\n").compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
            stamped += records.compactMap { $0["path"] as? String }
            // The same partition as verify's: a shard stamps exactly the files verify --shard reads.
            let verified = try ProcessRunner.ailabel(["verify", tree.path, "--shard", "\(index)/3", "--format", "jsonl", "--scan", "metadata"])
            let verifiedPaths = verified.stdout.split(separator: "\n").compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
                .compactMap { $0["path"] as? String }
            #expect(Set(records.compactMap { $0["path"] as? String }) == Set(verifiedPaths), "shard \(index)")
        }
        let singlePaths = single.stdout.split(separator: "\n").compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
            .compactMap { $0["path"] as? String }
        #expect(statuses.max() == single.status, "a shard fails where the single run fails (a broken file): \(statuses)")
        #expect(stamped.count == Set(stamped).count, "no file in two shards")
        #expect(Set(stamped) == Set(singlePaths), "the shards cover the tree")
        let fileManager = FileManager.default
        let written = (fileManager.enumerator(atPath: work.appendingPathComponent("single").path)?.allObjects as? [String] ?? []).sorted()
        #expect((fileManager.enumerator(atPath: sharded.path)?.allObjects as? [String] ?? []).sorted() == written)
        for name in written where !name.hasSuffix("/") {
            let one = work.appendingPathComponent("single/\(name)").path, other = sharded.appendingPathComponent(name).path
            var isFolder: ObjCBool = false
            guard fileManager.fileExists(atPath: one, isDirectory: &isFolder), !isFolder.boolValue else { continue }
            #expect(fileManager.contentsEqual(atPath: one, andPath: other), "\(name)")
        }
    }

    @Test("A streamed walk lists files in path order, as the collected walk did")
    func walkOrderIsPathOrder() throws {
        let tree = try Self.makeTree()
        let lines = try ProcessRunner.ailabel(["verify", tree.path, "--format", "jsonl", "--scan", "metadata"]).stdout.split(separator: "\n")
        let paths = try lines.map { try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]) }
            .filter { $0["skipped"] == nil }.map { $0["path"] as! String }
        #expect(paths == paths.sorted())
        #expect(paths.contains { $0.hasSuffix("/a-b/" + (($0 as NSString).lastPathComponent)) })
    }

    @Test("--resume skips files recorded with the same content, appends the rest, and survives a torn last line")
    func resume() throws {
        let tree = try Self.makeTree()
        let results = tree.deletingLastPathComponent().appendingPathComponent("results.jsonl").path
        let first = try ProcessRunner.ailabel(["verify", tree.path, "--resume", results, "--scan", "metadata", "--format", "jsonl"])
        let recorded = try String(contentsOfFile: results, encoding: .utf8).split(separator: "\n")
        #expect(recorded.count == first.stdout.split(separator: "\n").count, "every record of the run is in the results file")
        #expect(recorded.allSatisfy { $0.contains("\"sha256\"") || $0.contains("\"skipped\":true") })

        // Nothing changed: nothing is verified again, nothing appended.
        let second = try ProcessRunner.ailabel(["verify", tree.path, "--resume", results, "--scan", "metadata", "--format", "jsonl"])
        #expect(second.stdout.isEmpty, "\(second.stdout)")
        #expect(second.stderr.contains("already recorded"))
        #expect(try String(contentsOfFile: results, encoding: .utf8).split(separator: "\n").count == recorded.count)

        // One file changed and the last record torn (a run killed mid-write): both are verified again.
        let changed = try #require(FileManager.default.enumerator(atPath: tree.path)?.compactMap { $0 as? String }.first { $0.hasSuffix("plain.png") })
        let handle = try FileHandle(forWritingTo: tree.appendingPathComponent(changed))
        handle.seekToEndOfFile()
        handle.write(Data("trailing bytes".utf8))
        try handle.close()
        var text = try String(contentsOfFile: results, encoding: .utf8)
        let lastLine = recorded.last { !$0.contains("\"skipped\":true") && !$0.contains("plain.png") }!
        text = text.replacingOccurrences(of: lastLine + "\n", with: "") + String(lastLine.prefix(lastLine.count / 2))
        try text.write(toFile: results, atomically: true, encoding: .utf8)
        let third = try ProcessRunner.ailabel(["verify", tree.path, "--resume", results, "--scan", "metadata", "--format", "jsonl"])
        let redone = third.stdout.split(separator: "\n")
        #expect(redone.count == 2, "\(third.stdout)")
        #expect(redone.contains { $0.contains("plain.png") })
        // The file now parses line by line, and merges to the same report as a fresh run.
        for line in try String(contentsOfFile: results, encoding: .utf8).split(separator: "\n") {
            #expect((try? JSONSerialization.jsonObject(with: Data(line.utf8))) != nil, "\(line)")
        }
        let merged = try ProcessRunner.ailabel(["report", "merge", results, "--format", "json", "--scan", "metadata"])
        let fresh = try ProcessRunner.ailabel(["verify", tree.path, "--format", "json", "--scan", "metadata"])
        #expect(merged.stdout == fresh.stdout)
    }

    @Test("-0 reads NUL-separated paths from standard input as they come, in their order")
    func nulSeparatedStandardInput() throws {
        let root = Repository.root()
        let paths = ["Fixtures/verify/plain.png", "Fixtures/verify/gen-novelai.png", "Fixtures/verify/notes.txt", "Fixtures/verify/plain.jpg"]
        let input = Data(paths.joined(separator: "\0").utf8) + Data([0, 0])
        let result = try ProcessRunner.ailabel(["verify", "-0", "-", "--format", "jsonl", "--scan", "metadata"], stdin: input, directory: root)
        let got = try result.stdout.split(separator: "\n").map {
            try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])["path"] as! String
        }
        #expect(got == ["Fixtures/verify/plain.png", "Fixtures/verify/gen-novelai.png", "Fixtures/verify/plain.jpg", "Fixtures/verify/notes.txt"])
    }

    @Test("Bad --shard values and a --resume file that is the report are bad usage")
    func badUsage() throws {
        let root = Repository.root()
        for value in ["3/3", "-1/2", "1", "a/b", "0/0", "1/2/3"] {
            #expect(try ProcessRunner.ailabel(["verify", "Fixtures/verify", "--shard", value], directory: root).status == 64, "\(value)")
            #expect(try ProcessRunner.ailabel(["stamp", "Fixtures/verify", "--out", "/nonexistent/out", "--shard", value], directory: root).status == 64, "\(value)")
        }
        let folder = try Repository.temporaryDirectory("ailabel-batch-usage")
        let file = folder.appendingPathComponent("r.jsonl").path
        #expect(try ProcessRunner.ailabel(["verify", "Fixtures/verify", "--resume", file, "--output", file], directory: root).status == 64)
        #expect(try ProcessRunner.ailabel(["report", "merge"], directory: root).status == 64)
    }
}
