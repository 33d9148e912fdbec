@_spi(Testing) import AILabelMedia
import AILabelTestSupport
import Foundation
import Testing

@Suite("Pixels through libjpeg and libpng")
struct PixelCodecTests {
    @Test("Every fixture decodes to RGB(A) of its declared size", arguments: Repository.fixtureFiles(in: "media").filter { !$0.contains("huge") })
    func decodes(fixture: String) throws {
        let file = try MediaFile(path: fixture, bytes: try Repository.fixtureBytes(fixture))
        let image = try PixelCodec.decode(file.readAll())
        #expect(image.width == file.contents.width && image.height == file.contents.height)
        if fixture.contains("alpha") { #expect(image.channels == 4) }
    }

    @Test("CMYK and grayscale JPEGs decode to plausible colours")
    func cmykAndGray() throws {
        let cmyk = try PixelCodec.decode(try Repository.fixtureBytes("media/cmyk.jpg"))
        let reference = try PixelCodec.decode(try PixelCodec.encodePNG(cmyk))
        #expect(reference == cmyk)
        let mean = cmyk.pixels.reduce(0) { $0 + Int($1) } / cmyk.pixels.count
        #expect((40...220).contains(mean), "CMYK converted to implausible RGB (mean \(mean))")
        let gray = try PixelCodec.decode(try Repository.fixtureBytes("media/grayscale.jpg"))
        for index in stride(from: 0, to: gray.pixels.count, by: 3) { #expect(gray.pixels[index] == gray.pixels[index + 1]) }
    }

    @Test("JPEG encode keeps size, chosen quality and chroma subsampling", arguments: [ChromaSubsampling.s420, .s422, .s444])
    func jpegEncode(subsampling: ChromaSubsampling) throws {
        let image = try PixelCodec.decode(try Repository.fixtureBytes("media/photo-640x480.jpg"))
        for quality in [50, 75, 92] {
            let encoded = try PixelCodec.encodeJPEG(image, quality: quality, subsampling: subsampling)
            let contents = try JPEGHandler().parse(encoded)
            #expect(contents.width == 640 && contents.height == 480)
            #expect(contents.jpegCoding?.estimatedQuality == quality)
            let coding = try #require(contents.jpegCoding)
            #expect(ChromaSubsampling(lumaHorizontal: coding.lumaSampling.horizontal, vertical: coding.lumaSampling.vertical) == subsampling)
        }
    }

    @Test("PNG encode is lossless, with alpha, gray and 16-bit variants")
    func pngEncode() throws {
        let image = try PixelCodec.decode(try Repository.fixtureBytes("media/alpha.png"))
        #expect(try PixelCodec.decode(try PixelCodec.encodePNG(image)) == image)
        let sixteen = try PixelCodec.encodePNG(image, bitDepth: 16)
        #expect(try PNGHandler().parse(sixteen).pngHeader?.bitDepth == 16)
        #expect(try PixelCodec.decode(sixteen) == image)
        let gray = try PNGHandler().parse(try PixelCodec.encodePNG(image, grayscale: true))
        #expect(gray.pngHeader?.colorType == 4)
    }
}

@Suite("Crash-safe writes")
struct AtomicFileTests {
    @Test("A write replaces the file and keeps its mode")
    func replaces() throws {
        let folder = try Repository.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("a.jpg").path
        try Data([1, 2, 3]).write(to: URL(fileURLWithPath: path))
        chmod(path, 0o640)
        try AtomicFile.write([4, 5, 6, 7], to: path)
        #expect(try [UInt8](Data(contentsOf: URL(fileURLWithPath: path))) == [4, 5, 6, 7])
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        #expect((attributes[.posixPermissions] as? Int) == 0o640)
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["a.jpg"])
    }

    @Test("A failure mid-write leaves the original untouched and no temporary file")
    func failureLeavesOriginal() throws {
        let folder = try Repository.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("b.png").path
        try Data([9, 9, 9]).write(to: URL(fileURLWithPath: path))
        struct DiskFull: Error {}
        AtomicFile.faultInjector = { target, _ in if target == path { throw DiskFull() } }
        defer { AtomicFile.faultInjector = nil }
        #expect(throws: DiskFull.self) { try AtomicFile.write([1, 2, 3, 4], to: path) }
        #expect(try [UInt8](Data(contentsOf: URL(fileURLWithPath: path))) == [9, 9, 9])
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["b.png"])
    }

    @Test("A write into a missing folder fails with an error naming the file")
    func missingFolder() {
        do {
            try AtomicFile.write([1], to: "/nonexistent-ailabel-folder/x.jpg")
            Issue.record("write succeeded")
        } catch let error as MediaError {
            #expect(error.path == "/nonexistent-ailabel-folder/x.jpg")
        } catch {
            Issue.record("unexpected error \(error)")
        }
    }

    @Test("A plan's ranges of a file are copied by the kernel into the written file: the same bytes as copied through memory, across several calls and short pieces")
    func kernelCopy() throws {
        let folder = try Repository.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let original = (0..<3_000_000).map { UInt8(truncatingIfNeeded: $0 &* 2_654_435_761 >> 13) }
        let sourcePath = folder.appendingPathComponent("source.bin").path
        try Data(original).write(to: URL(fileURLWithPath: sourcePath))
        var plan = SplicePlan()
        plan.copy(0..<7)
        plan.insert([0xAA, 0xBB])
        plan.copy(1_000_001..<3_000_000)
        plan.copy(7..<1_000_001)
        plan.insert([0xCC])
        let source = try FileByteSource(path: sourcePath)
        let written = folder.appendingPathComponent("written.bin").path
        try AtomicFile.write(plan, from: source, to: written)
        #expect(try [UInt8](Data(contentsOf: URL(fileURLWithPath: written))) == (try plan.materialize(from: original)))
    }

    @Test("A file that shrinks while it is copied fails as truncated, naming it, and leaves nothing behind")
    func kernelCopyOfShrunkFile() throws {
        let folder = try Repository.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let sourcePath = folder.appendingPathComponent("shrinks.bin").path
        try Data(repeating: 7, count: 200_000).write(to: URL(fileURLWithPath: sourcePath))
        let source = try FileByteSource(path: sourcePath)
        #expect(truncate(sourcePath, 50_000) == 0)
        let written = folder.appendingPathComponent("out.bin").path
        do {
            try AtomicFile.write(SplicePlan(copying: 0..<source.count), from: source, to: written)
            Issue.record("the copy of a shrunk file succeeded")
        } catch let error as MediaError {
            #expect(error.code == .truncated && error.path == sourcePath, "\(error)")
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["shrinks.bin"])
    }

    @Test("Stale temporary files from a killed run are removed")
    func staleCleanup() throws {
        let folder = try Repository.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        try Data([1]).write(to: folder.appendingPathComponent(AtomicFile.temporaryPrefix + "abc123"))
        try Data([1]).write(to: folder.appendingPathComponent("keep.jpg"))
        #expect(AtomicFile.removeStaleTemporaryFiles(in: folder.path) == 1)
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["keep.jpg"])
    }
}
