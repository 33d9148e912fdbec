import AILabelFuzzing
import AILabelMedia
import AILabelTestSupport
import Foundation
import Testing

/// Replays through every fuzz target what the fuzzer found (Fixtures/fuzz/TARGET/, one file per
/// finding, kept after the fix) and the media fixtures the corpora are seeded from. A finding that
/// returns brings back its crash or violated property here, in the ordinary test run.
@Suite("Fuzz regressions")
struct FuzzRegressionTests {
    static func files(in folder: URL) -> [URL] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        return names.filter { !$0.hasPrefix(".") && $0 != "README.md" }.sorted().map { folder.appendingPathComponent($0) }
    }

    @Test("Saved findings replay without a crash or a violated property", arguments: FuzzTarget.allCases)
    func findings(target: FuzzTarget) throws {
        for url in Self.files(in: Repository.fixture("fuzz/\(target.rawValue)")) {
            let bytes = [UInt8](try Data(contentsOf: url))
            let outcome = target.run(bytes)
            #expect(!outcome.isViolation, "\(target.rawValue): \(url.lastPathComponent): \(outcome)")
        }
    }

    @Test("Every media and malformed fixture passes every target", arguments: FuzzTarget.allCases)
    func mediaFixtures(target: FuzzTarget) throws {
        let inputs = Repository.fixtureFiles(in: "media") + Repository.fixtureFiles(in: "malformed")
        #expect(inputs.count > 30)
        for path in inputs {
            let outcome = target.run(try Repository.fixtureBytes(path))
            #expect(!outcome.isViolation, "\(target.rawValue): \(path): \(outcome)")
        }
    }

    /// The XMP packets real tools wrote (exiftool, Pillow, Adobe, the C2PA SDKs, ailabel) as the xmp
    /// target sees them: each parses, and the label schema read from it, written back and read again
    /// is the same. `../shared/wild` (real files by others, never committed) adds its packets when present.
    @Test("Every fixture's XMP packet, and every real file's, keeps its label through the xmp target")
    func xmpPackets() throws {
        var paths = ["media", "verify", "visible", "c2pa", "watermark", "sidecar"].flatMap {
            Repository.fixtureFiles(in: $0, extensions: ["jpg", "jpeg", "png", "webp"]).map { Repository.fixture($0).path }
        }
        let wild = Repository.root().appendingPathComponent("../shared/wild/files").standardized
        let wildFiles = Self.files(in: wild).map(\.path)
        if wildFiles.isEmpty { print("xmpPackets: ../shared/wild is absent beside the repository; only the fixtures were read") }
        paths += wildFiles
        var packets = 0
        for path in paths {
            guard let file = try? MediaFile(path: path), let xmp = file.contents.xmp else { continue }
            packets += 1
            let outcome = FuzzTarget.xmp.run(xmp)
            #expect(outcome == .accepted, "\(path): \(outcome)")
        }
        #expect(packets >= 20, "only \(packets) packets were read")
    }

    /// A target that rejected everything would check nothing: each whole-file target must accept
    /// every well-formed media fixture, and reject the malformed ones the media layer refuses.
    @Test("Whole-file targets accept well-formed fixtures and reject malformed ones")
    func targetsReallyParse() throws {
        let media = Repository.fixtureFiles(in: "media")
        for path in media {
            let bytes = try Repository.fixtureBytes(path)
            let handlerTarget = FuzzTarget.container(path.hasSuffix(".png") ? .png : .jpeg)
            // media/huge-dimensions.png declares 100000×100000: its pixels are refused by design.
            let targets: [FuzzTarget] = path.hasSuffix("huge-dimensions.png") ? [handlerTarget, .inspect, .verify] : [handlerTarget, .inspect, .verify, .pixels]
            for target in targets {
                #expect(target.run(bytes) == .accepted, "\(target.rawValue): \(path)")
            }
        }
        for path in Repository.fixtureFiles(in: "catalog", extensions: ["csv", "json", "jsonl"]) where !path.contains("expected") && !path.contains("mapping") {
            #expect(FuzzTarget.catalog.run(try Repository.fixtureBytes(path)) == .accepted, "\(path)")
        }
        for path in Repository.fixtureFiles(in: "web", extensions: ["html", "htm"]) {
            #expect(FuzzTarget.page.run(try Repository.fixtureBytes(path)) == .accepted, "\(path)")
        }
        for name in ["truncated.jpg", "segment-past-eof.jpg", "no-ihdr.png", "chunk-past-eof.png"] {
            let bytes = try Repository.fixtureBytes("malformed/\(name)")
            #expect(FuzzTarget.inspect.run(bytes) == .rejected, "\(name)")
        }
    }
}
