import AILabelTestSupport
import Foundation
import Testing

@Suite("ailabel inspect, run as a user runs it")
struct InspectCLITests {
    @Test("--json prints one object per file in argument order, with the documented fields")
    func json() throws {
        let files = ["media/xmp.jpg", "media/text-chunks.png", "media/huge-dimensions.png"].map { Repository.fixture($0).path }
        let result = try ProcessRunner.ailabel(["inspect", "--json"] + files)
        #expect(result.status == 0, "\(result.stderr)")
        let array = try #require(try JSONSerialization.jsonObject(with: result.stdoutData) as? [[String: Any]])
        #expect(array.map { $0["path"] as? String } == files)
        #expect(array.map { $0["format"] as? String } == ["jpeg", "png", "png"])
        #expect(array[2]["width"] as? Int == 100_000)
        for object in array {
            #expect((object["blocks"] as? [[String: Any]])?.isEmpty == false)
            #expect(object["error"] == nil)
        }
        let xmp = try #require(array[0]["xmp"] as? [[String: Any]])
        #expect(xmp.contains { $0["name"] as? String == "title" })
        let text = try #require(array[1]["text"] as? [[String: Any]])
        #expect(text.contains { $0["keyword"] as? String == "Description" })
    }

    @Test("Every malformed file makes inspect exit 1 with an error, while the others are still reported", arguments: Repository.fixtureFiles(in: "malformed"))
    func malformed(fixture: String) throws {
        let good = Repository.fixture("media/photo.png").path
        let bad = Repository.fixture(fixture).path
        let result = try ProcessRunner.ailabel(["inspect", "--json", good, bad])
        #expect(result.status == 1)
        let array = try #require(try JSONSerialization.jsonObject(with: result.stdoutData) as? [[String: Any]])
        #expect(array.count == 2)
        #expect(array[0]["error"] == nil && array[0]["format"] as? String == "png")
        #expect(array[1]["path"] as? String == bad)
        #expect((array[1]["error"] as? String)?.isEmpty == false)
        #expect(array[1]["blocks"] == nil)
        #expect(result.stderr.contains(bad))
    }

    @Test("Text output names blocks with offsets and sizes")
    func text() throws {
        let result = try ProcessRunner.ailabel(["inspect", Repository.fixture("media/all-metadata.jpg").path])
        #expect(result.status == 0)
        #expect(result.stdout.contains("APP1     exif"))
        #expect(result.stdout.contains("ICC profile"))
        #expect(result.stdout.contains("quality ≈85"))
    }

    @Test("inspect shows the C2PA manifest store: state, codes and the active manifest's actions")
    func manifestStore() throws {
        let path = Repository.fixture("c2pa/sdk/signed.jpg").path
        let result = try ProcessRunner.ailabel(["inspect", "--json", path])
        #expect(result.status == 0)
        let object = try #require((try JSONSerialization.jsonObject(with: result.stdoutData) as? [[String: Any]])?.first)
        let c2pa = try #require(object["c2pa"] as? [String: Any])
        #expect(c2pa["present"] as? Bool == true)
        let store = try #require(c2pa["manifestStore"] as? [String: Any])
        #expect(store["state"] as? String == "Valid", "no trust anchors in inspect")
        #expect((store["success"] as? [String])?.contains("assertion.dataHash.match") == true)
        let manifest = try #require(store["activeManifest"] as? [String: Any])
        let actions = try #require(manifest["actions"] as? [[String: Any]])
        #expect(actions.contains { ($0["digitalSourceType"] as? String)?.hasSuffix("trainedAlgorithmicMedia") == true })
        let text = try ProcessRunner.ailabel(["inspect", path])
        #expect(text.stdout.contains("C2PA Valid"))
    }

    @Test("Bad usage exits 64")
    func usage() throws {
        #expect(try ProcessRunner.ailabel(["inspect"]).status == 64)
        #expect(try ProcessRunner.ailabel(["inspect", "--no-such-flag", "x.jpg"]).status == 64)
    }
}

@Suite("ailabel stamp, run as a user runs it")
struct StampCLITests {
    @Test("Without --out or --in-place, stamp refuses with 64 and touches nothing")
    func requiresDestination() throws {
        let result = try ProcessRunner.ailabel(["stamp", Repository.fixture("media/photo.png").path])
        #expect(result.status == 64)
        #expect(result.stderr.contains("--out"))
    }

    @Test("A folder is mirrored under --out; other kinds get sidecars; a broken file fails without stopping the batch")
    func batch() throws {
        let folder = try Repository.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let source = folder.appendingPathComponent("in")
        try FileManager.default.createDirectory(at: source.appendingPathComponent("nested"), withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: Repository.fixture("media/photo.png").path, toPath: source.appendingPathComponent("a.png").path)
        try FileManager.default.copyItem(atPath: Repository.fixture("media/exif.jpg").path, toPath: source.appendingPathComponent("nested/b.jpg").path)
        try "notes".write(to: source.appendingPathComponent("notes.txt"), atomically: true, encoding: .utf8)
        try FileManager.default.copyItem(atPath: Repository.fixture("malformed/truncated.jpg").path, toPath: source.appendingPathComponent("broken.jpg").path)
        let broken = try Data(contentsOf: source.appendingPathComponent("broken.jpg"))
        let out = folder.appendingPathComponent("out")

        let result = try ProcessRunner.ailabel(["stamp", source.path + "/", "--out", out.path, "--json", "--time", "2026-01-18T09:00:00Z", "--jobs", "2"])
        #expect(result.status == 1, "one file is broken")
        let lines = result.stdout.split(separator: "\n").map { try! JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any] }
        #expect(lines.count == 4)
        let byPath = Dictionary(uniqueKeysWithValues: lines.map { (($0["path"] as! String as NSString).lastPathComponent, $0) })
        #expect(byPath["a.png"]?["status"] as? String == "stamped")
        #expect(byPath["b.jpg"]?["status"] as? String == "stamped")
        #expect(byPath["notes.txt"]?["status"] as? String == "stamped")
        #expect((byPath["notes.txt"]?["layers"] as? [String])?.first == "sidecar")
        #expect(FileManager.default.fileExists(atPath: out.appendingPathComponent("notes.txt.xmp").path))
        #expect(byPath["broken.jpg"]?["status"] as? String == "failed")
        #expect(FileManager.default.fileExists(atPath: out.appendingPathComponent("a.png").path))
        #expect(FileManager.default.fileExists(atPath: out.appendingPathComponent("nested/b.jpg").path))
        #expect(try Data(contentsOf: source.appendingPathComponent("broken.jpg")) == broken, "the broken input is untouched")
        #expect(byPath["a.png"]?["imageDataUnchanged"] as? Bool == true)
    }

    @Test("--in-place with paths from standard input, and --dry-run writes nothing")
    func inPlaceFromStdin() throws {
        let folder = try Repository.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("c.jpg").path
        try FileManager.default.copyItem(atPath: Repository.fixture("media/xmp.jpg").path, toPath: path)
        let original = try Data(contentsOf: URL(fileURLWithPath: path))
        let dry = try ProcessRunner.ailabel(["stamp", "-", "--in-place", "--dry-run"], stdin: Data((path + "\n").utf8))
        #expect(dry.status == 0)
        #expect(dry.stdout.contains("would stamp"))
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == original)
        let real = try ProcessRunner.ailabel(["stamp", "-", "--in-place", "--lang", "kk,ru", "--producer-id", "BIN123"], stdin: Data((path + "\n").utf8))
        #expect(real.status == 0, "\(real.stderr)")
        let inspect = try ProcessRunner.ailabel(["inspect", "--json", path])
        #expect(inspect.stdout.contains("trainedAlgorithmicMedia"))
        #expect(inspect.stdout.contains("BIN123"))
    }

    @Test("Bad options exit 64")
    func badOptions() throws {
        let file = Repository.fixture("media/photo.png").path
        #expect(try ProcessRunner.ailabel(["stamp", file, "--out", "/tmp/x", "--in-place"]).status == 64)
        #expect(try ProcessRunner.ailabel(["stamp", file, "--out", "/tmp/x", "--source-type", "nonsense"]).status == 64)
        #expect(try ProcessRunner.ailabel(["stamp", file, "--out", "/tmp/x", "--time", "yesterday"]).status == 64)
    }
}
