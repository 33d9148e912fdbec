import AILabelMedia
import AILabelTestSupport
import AILabelWatermark
import Foundation
import Testing

@Suite("No false alarms on the sample photographs scikit-image ships")
struct SampleImageFalseAlarmTests {
    /// The JPEG and PNG sample images bundled in the scikit-image package of the project's virtual
    /// environment (scripts/setup installs it).
    static func sampleImages() throws -> [String] {
        let lib = Repository.root().appendingPathComponent(".venv/lib")
        guard let python = try FileManager.default.contentsOfDirectory(atPath: lib.path).first(where: { $0.hasPrefix("python") }) else { return [] }
        let data = lib.appendingPathComponent("\(python)/site-packages/skimage/data")
        return try FileManager.default.contentsOfDirectory(atPath: data.path)
            .filter { $0.hasSuffix(".png") || $0.hasSuffix(".jpg") }.sorted().map { data.appendingPathComponent($0).path }
    }

    @Test("Neither the ailabel mark nor Stable Diffusion's is found in any scikit-image sample")
    func noFalseAlarms() throws {
        let samples = try Self.sampleImages()
        #expect(samples.count >= 20, "scikit-image's sample images are missing: run scripts/setup")
        let watermarker = AILabelWatermarker()
        let stableDiffusion = StableDiffusionWatermarkDetector()
        var checked = 0
        for path in samples {
            guard let image = try? PixelCodec.decode(try FileReader.read(path)) else { continue }
            checked += 1
            #expect(watermarker.detect(in: image) == nil, "ailabel mark reported in \(path)")
            #expect(stableDiffusion.detect(in: image) == nil, "SD mark reported in \(path)")
        }
        #expect(checked >= 20)
    }
}
