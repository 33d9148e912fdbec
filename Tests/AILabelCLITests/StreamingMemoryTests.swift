import AILabelTestSupport
import Foundation
import Testing

/// Without pixel marks, memory does not grow with the file: stamp with signing, verify and inspect of a
/// 256 MB file stay under 100 MB resident (Docs/limits.md, "Memory"; the 2 GB figures come from
/// `Benchmarks/run memory`). Before streaming, the same stamp peaked at 830 MB.
@Suite("Streaming: stamp --sign, verify and inspect of a 256 MB file stay under 100 MB resident")
struct StreamingMemoryTests {
    static let size = 256 << 20
    static let ceilingKiB = 100 * 1024

    /// A JPEG with a 256 MB scan, or a PNG with 256 MB of IDAT, made by Fixtures/make_large_media.py (the
    /// image data is a sparse hole: quick to make, no disk).
    static func make(_ format: String, in folder: URL) throws -> URL {
        let url = folder.appendingPathComponent("large." + (format == "jpeg" ? "jpg" : "png"))
        let script = Repository.fixture("make_large_media.py").path
        let arguments = format == "jpeg"
            ? [script, "jpeg", Repository.fixture("media/photo-640x480.jpg").path, url.path, String(size)]
            : [script, "png", url.path, String(size)]
        let made = try ProcessRunner.run("python3", arguments)
        #expect(made.status == 0, "\(made.stderr)")
        return url
    }

    @Test("Stamp with signing, verify and inspect of a 256 MB file stay under 100 MB resident", arguments: ["jpeg", "png"])
    func largeFileInBoundedMemory(_ format: String) throws {
        let folder = try Repository.temporaryDirectory("ailabel-streaming-memory")
        defer { try? FileManager.default.removeItem(at: folder) }
        let input = try Self.make(format, in: folder)
        let keys = folder.appendingPathComponent("keys").path
        #expect(try ProcessRunner.ailabel(["keys", "init", keys]).status == 0)
        let out = folder.appendingPathComponent("out")
        let stamped = out.appendingPathComponent(input.lastPathComponent)

        let (stamp, stampPeak) = try ProcessRunner.ailabelMeasuringPeakMemory([
            "stamp", input.path, "--out", out.path, "--sign-key", keys + "/signer.key", "--sign-chain", keys + "/signer-chain.pem",
        ])
        #expect(stamp.status == 0, "\(stamp.stdout)\(stamp.stderr)")
        let attributes = try FileManager.default.attributesOfItem(atPath: stamped.path)
        #expect((attributes[.size] as? Int ?? 0) > Self.size, "the stamped file holds the whole image data")
        #expect(stampPeak < Self.ceilingKiB, "stamp --sign peaked at \(stampPeak / 1024) MiB")

        let (verify, verifyPeak) = try ProcessRunner.ailabelMeasuringPeakMemory([
            "verify", stamped.path, "--format", "json", "--trust", keys + "/trust-anchors.pem",
        ])
        #expect(verify.stdout.contains("\"verdict\" : \"compliant\"") && verify.stdout.contains("\"state\" : \"Trusted\""), "\(verify.stdout)")
        #expect(verifyPeak < Self.ceilingKiB, "verify peaked at \(verifyPeak / 1024) MiB")

        let (inspect, inspectPeak) = try ProcessRunner.ailabelMeasuringPeakMemory(["inspect", stamped.path, "--json"])
        #expect(inspect.status == 0 && inspect.stdout.contains("assertion.dataHash.match"), "\(inspect.stderr)")
        #expect(inspectPeak < Self.ceilingKiB, "inspect peaked at \(inspectPeak / 1024) MiB")
    }
}
