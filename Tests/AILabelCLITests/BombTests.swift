import AILabelTestSupport
import Foundation
import Testing

/// Files built to exhaust memory or time (Fixtures/make_bomb_fixtures.py), run through the commands
/// a user runs, with the peak memory of each process measured.
@Suite("Bombs: refused under the documented limits, in bounded memory")
struct BombTests {
    /// The ceiling for one `ailabel` process on any of these files. A plain `inspect` of a small
    /// file peaks near 25 MiB; the worst legitimate cost below is an 8 MiB text limit inflated once
    /// plus an ASCII copy of it. A bomb that got through would need gigabytes.
    static let ceilingKiB = 160 * 1024

    static let bombs = [
        "png-huge-dimensions.png", "png-max-dimensions.png", "ztxt-bomb.png", "itxt-bomb.png", "idat-bomb.png",
        "jpeg-sof-65535.jpg", "exif-ifd-loop.jpg", "jumbf-length-past-end.jpg", "cbor-length-past-end.jpg",
        "xmp-billion-laughs.jpg", "xmp-external-entity.jpg", "xmp-deep-nesting.jpg", "gif-lzw-bomb.gif",
        "heif-huge-dimensions.heic", "heif-corrupt-bitstream.heic", "heif-truncated-item.heic",
    ]

    @Test("inspect reports or refuses each bomb, naming the file, in bounded memory", arguments: bombs)
    func inspect(name: String) throws {
        let path = "Fixtures/bombs/\(name)"
        let (result, peak) = try ProcessRunner.ailabelMeasuringPeakMemory(["inspect", "--json", path], directory: Repository.root())
        #expect(result.status == 0 || result.status == 1, "\(name): exit \(result.status) \(result.stderr)")
        #expect(peak < Self.ceilingKiB, "\(name): peak \(peak / 1024) MiB")
        #expect(result.stdout.contains(name), "\(name): the report names the file")
        if result.status == 1 {
            #expect(result.stdout.contains("\"error\""), "\(name): a refusal carries an error")
        }
    }

    /// The finding each bomb must produce in `verify`: the limit or check that stopped it. The IDAT
    /// bomb has none: libpng inflates only the rows a 64 × 64 image needs, and decoding succeeds.
    static let expectedFinding: [String: String] = [
        "png-huge-dimensions.png": "pixels.undecodable", "png-max-dimensions.png": "pixels.undecodable",
        "ztxt-bomb.png": "file.unreadable", "itxt-bomb.png": "file.unreadable",
        "jpeg-sof-65535.jpg": "pixels.undecodable", "exif-ifd-loop.jpg": "exif.unreadable",
        "jumbf-length-past-end.jpg": "c2pa.general.error", "cbor-length-past-end.jpg": "c2pa.claim.cbor.invalid",
        "xmp-billion-laughs.jpg": "xmp.unreadable", "xmp-external-entity.jpg": "xmp.unreadable",
        "xmp-deep-nesting.jpg": "xmp.unreadable", "gif-lzw-bomb.gif": "pixels.undecodable",
        "heif-huge-dimensions.heic": "pixels.undecodable", "heif-corrupt-bitstream.heic": "pixels.undecodable",
        "heif-truncated-item.heic": "pixels.undecodable",
    ]

    @Test("verify with every pixel detector judges each bomb without exhausting memory", arguments: bombs)
    func verify(name: String) throws {
        let path = "Fixtures/bombs/\(name)"
        let (result, peak) = try ProcessRunner.ailabelMeasuringPeakMemory(
            ["verify", "--scan", "full", "--format", "json", path], directory: Repository.root())
        #expect(result.status == 0 || result.status == 1, "\(name): exit \(result.status) \(result.stderr)")
        #expect(peak < Self.ceilingKiB, "\(name): peak \(peak / 1024) MiB")
        let run = try JSONSerialization.jsonObject(with: result.stdoutData) as? [String: Any]
        let files = run?["files"] as? [[String: Any]] ?? []
        #expect(files.count == 1 && (files.first?["path"] as? String)?.hasSuffix(name) == true, "\(name)")
        let codes = (files.first?["findings"] as? [[String: Any]] ?? []).compactMap { $0["code"] as? String }
        if let expected = Self.expectedFinding[name] {
            #expect(codes.contains(expected), "\(name): \(codes)")
        } else {
            #expect(files.first?["verdict"] as? String == "no-ai-evidence", "\(name): \(codes)")
        }
    }

    /// Metadata only (the rewrite path), and with the badge and the watermark (the pixel path; the 8 × 8
    /// bases are too small for a badge, so those are refused by the size rule, after decoding).
    static let stampModes: [[String]] = [[], ["--visible", "--watermark"]]

    @Test("stamp refuses or stamps each bomb, never past the ceiling", arguments: bombs, stampModes)
    func stamp(name: String, mode: [String]) throws {
        let output = try Repository.temporaryDirectory("ailabel-bomb")
        defer { try? FileManager.default.removeItem(at: output) }
        let (result, peak) = try ProcessRunner.ailabelMeasuringPeakMemory(
            ["stamp", "Fixtures/bombs/\(name)", "--out", output.path, "--json", "--time", "2026-01-01T00:00:00Z"] + mode,
            directory: Repository.root())
        #expect(result.status == 0 || result.status == 1, "\(name): exit \(result.status) \(result.stderr)")
        #expect(peak < Self.ceilingKiB, "\(name): peak \(peak / 1024) MiB")
        let written = (try? FileManager.default.contentsOfDirectory(atPath: output.path)) ?? []
        #expect(!written.contains { $0.hasPrefix(".ailabel-tmp") }, "\(name): no temporary file is left")
        if result.status == 1 {
            #expect(result.stdout.contains(name) || result.stderr.contains(name), "\(name): the failure names the file")
            #expect(written.isEmpty, "\(name): a refused file writes nothing")
        }
    }
}
