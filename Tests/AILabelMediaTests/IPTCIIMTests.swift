import AILabelMedia
import AILabelTestSupport
import Foundation
import Testing

/// IPTC IIM in JPEG APP13 (Photoshop image resources, resource 0x0404): read as exiftool reads it, and
/// hostile resource blocks give fewer datasets and a warning, never a trap.
@Suite("IPTC IIM in APP13")
struct IPTCIIMTests {
    static let photoshop: [UInt8] = Array("Photoshop 3.0".utf8) + [0]

    /// An 8BIM resource: signature, ID, empty Pascal name (padded to even), size, data padded to even.
    static func resource(_ id: UInt16, _ data: [UInt8], declaredSize: UInt32? = nil) -> [UInt8] {
        let size = declaredSize ?? UInt32(data.count)
        var bytes = Array("8BIM".utf8) + [UInt8(id >> 8), UInt8(id & 0xFF), 0, 0]
        bytes += [UInt8(size >> 24), UInt8((size >> 16) & 0xFF), UInt8((size >> 8) & 0xFF), UInt8(size & 0xFF)] + data
        if data.count % 2 == 1 { bytes.append(0) }
        return bytes
    }

    static func dataset(_ record: UInt8, _ number: UInt8, _ value: [UInt8]) -> [UInt8] {
        [0x1C, record, number, UInt8(value.count >> 8), UInt8(value.count & 0xFF)] + value
    }

    @Test("The fixtures' IIM datasets are the ones exiftool reads", arguments: ["verify/gen-midjourney-xmp.jpg", "verify/gen-midjourney-iptc.jpg", "verify/plain-caption-job.jpg"])
    func matchesExiftool(fixture: String) throws {
        let file = try MediaFile(path: Repository.fixture(fixture).path)
        let result = try ProcessRunner.run("exiftool", ["-j", "-IPTC:Caption-Abstract", Repository.fixture(fixture).path])
        let object = try #require((try JSONSerialization.jsonObject(with: result.stdoutData) as? [[String: Any]])?.first)
        let caption = try #require(file.contents.iptc.first { $0.record == 2 && $0.dataset == 120 })
        #expect(caption.name == "Caption-Abstract")
        #expect(caption.value == object["Caption-Abstract"] as? String)
        #expect(file.contents.blocks.contains { $0.kind == .photoshop && $0.detail?.hasPrefix("IPTC IIM, ") == true })
        #expect(file.contents.warnings.isEmpty)
    }

    @Test("Text is UTF-8 when declared (1:90 ESC % G) or valid, else ISO 8859-1 as IIM says")
    func characterSets() throws {
        let latin1 = Self.dataset(2, 120, [0x43, 0x61, 0x66, 0xE9])  // "Café" in ISO 8859-1
        let (datasets, warning) = IPTCIIM.datasets(inAPP13: (Self.photoshop + Self.resource(0x0404, latin1))[...])
        #expect(warning == nil)
        #expect(datasets.first?.value == "Café")
        let utf8 = Self.dataset(1, 90, [0x1B, 0x25, 0x47]) + Self.dataset(2, 120, Array("Жасанды".utf8))
        #expect(IPTCIIM.datasets(inAPP13: (Self.photoshop + Self.resource(0x0404, utf8))[...]).datasets.last?.value == "Жасанды")
    }

    @Test("Hostile resource blocks: fewer datasets and a warning, never a trap")
    func hostile() throws {
        let good = Self.dataset(2, 120, Array("caption".utf8))
        let cases: [(name: String, bytes: [UInt8], datasets: Int, warns: Bool)] = [
            ("resource size past the end", Self.photoshop + Self.resource(0x0404, good, declaredSize: 0xFFFF_FFF0), 0, true),
            ("truncated resource header", Self.photoshop + Array("8BIM".utf8) + [0x04], 0, true),
            ("wrong signature", Self.photoshop + Array("XXXX".utf8) + [0, 0, 0, 0, 0, 0, 0, 0], 0, true),
            ("dataset length past the resource", Self.photoshop + Self.resource(0x0404, [0x1C, 2, 120, 0x7F, 0xFF, 0x41]), 0, true),
            ("extended length refused", Self.photoshop + Self.resource(0x0404, good + [0x1C, 2, 120, 0x80, 0x04, 0, 0, 0, 1, 0x41]), 1, true),
            ("a dataset then garbage", Self.photoshop + Self.resource(0x0404, good + [0x42, 0x42]), 1, true),
            ("zero padding ends the datasets", Self.photoshop + Self.resource(0x0404, good + [0, 0, 0]), 1, false),
            ("other resources skipped", Self.photoshop + Self.resource(0x03ED, [1, 2, 3]) + Self.resource(0x0404, good), 1, false),
            ("empty", Self.photoshop, 0, false),
        ]
        for entry in cases {
            let (datasets, warning) = IPTCIIM.datasets(inAPP13: entry.bytes[...])
            #expect(datasets.count == entry.datasets, "\(entry.name)")
            #expect((warning != nil) == entry.warns, "\(entry.name): \(warning ?? "no warning")")
        }
        // Far more datasets than the cap: bounded.
        let many = [UInt8]((0..<10_000).flatMap { _ in Self.dataset(2, 25, [0x41]) })
        let (datasets, warning) = IPTCIIM.datasets(inAPP13: (Self.photoshop + Self.resource(0x0404, many))[...])
        #expect(datasets.count == IPTCIIM.maximumDatasets && warning != nil)
        // Random bytes after the identifier.
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<500 {
            let noise = (0..<Int.random(in: 0..<300, using: &generator)).map { _ in UInt8.random(in: 0...255, using: &generator) }
            _ = IPTCIIM.datasets(inAPP13: (Self.photoshop + Array("8BIM".utf8) + noise)[...])
        }
    }

    @Test("Stamping keeps the APP13 IIM datasets (exiftool still reads the caption)")
    func stampKeepsIIM() throws {
        let folder = try Repository.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let result = try ProcessRunner.ailabel(["stamp", Repository.fixture("verify/gen-midjourney-iptc.jpg").path, "--out", folder.path])
        #expect(result.status == 0, "\(result.stderr)")
        let stamped = folder.appendingPathComponent("gen-midjourney-iptc.jpg").path
        let exiftool = try ProcessRunner.run("exiftool", ["-s3", "-IPTC:Caption-Abstract", stamped])
        #expect(exiftool.stdout.contains("Job ID: 3c1d9a4e-7b2f-4e8a-9c6d-0a1b2c3d4e5f"))
    }
}
