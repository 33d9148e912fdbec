import AILabelTestSupport
import Foundation
import Testing

@testable import AILabelMedia

/// HEIF/HEIC and AVIF pixels through libheif: decode as a viewer shows the image, re-encode with the
/// source's codec, depth, chroma and alpha at a size-matched quality, spliced into the original file;
/// libheif's own tools and exiftool read the result; hostile files are clear errors.
@Suite("HEIF and AVIF pixels through libheif")
struct HEIFPixelTests {
    static let photos = ["media/photo.heic", "media/photo.avif", "media/photo-alpha.heic", "media/photo-10bit.heic", "media/photo-10bit.avif"]

    static func handler(_ bytes: [UInt8]) throws -> any AssetHandler {
        let sniffed = try #require(AssetRegistry.standard.handler(for: bytes))
        return sniffed.refined(by: try sniffed.parse(bytes))
    }

    /// Peak signal-to-noise ratio over the colour channels, in dB.
    static func psnr(_ a: RGBImage, _ b: RGBImage) -> Double {
        var squared = 0.0, count = 0
        for pixel in 0..<(a.width * a.height) {
            for channel in 0..<3 {
                let difference = Double(a.pixels[pixel * a.channels + channel]) - Double(b.pixels[pixel * b.channels + channel])
                squared += difference * difference
                count += 1
            }
        }
        return squared == 0 ? 99 : 10 * log10(255 * 255 / (squared / Double(count)))
    }

    @Test("Every HEIC and AVIF fixture decodes at its size, with alpha as RGBA (heif-enc's grids and 10-bit images included)")
    func decodes() throws {
        let fixtures = Repository.fixtureFiles(in: "media", extensions: ["heic", "avif"])
        #expect(fixtures.count >= 11)
        for path in fixtures {
            let bytes = try Repository.fixtureBytes(path)
            let handler = try Self.handler(bytes)
            let contents = try handler.parse(bytes)
            let image = try handler.decodePixels(bytes, maxPixels: PixelCodec.defaultMaximumPixels, lenient: false)
            #expect(image.width == contents.width && image.height == contents.height, "\(path): \(image)")
            #expect(image.hasAlpha == (contents.heifCoding?.alpha == true), "\(path)")
            #expect(try PixelCodec.decode(bytes).width == image.width)
        }
    }

    @Test("A marked image is coded like the original and spliced in its place: codec, bit depth, alpha kept, size matched, heif-convert decodes it",
          arguments: photos)
    func reencodeSplicedIntoOriginal(_ path: String) throws {
        let bytes = try Repository.fixtureBytes(path)
        let handler = try Self.handler(bytes)
        let contents = try handler.parse(bytes)
        let image = try handler.decodePixels(bytes, maxPixels: PixelCodec.defaultMaximumPixels, lenient: false)
        let (output, _) = try handler.encodeFrames([image], like: contents, in: bytes)

        let again = try handler.parse(output)
        #expect(handler.refined(by: again).format == handler.format, "\(path)")
        #expect(again.heifCoding?.primaryItemType == contents.heifCoding?.primaryItemType, "\(path): \(again.heifCoding?.summary ?? "")")
        #expect(again.heifCoding?.alpha == contents.heifCoding?.alpha, "\(path)")
        #expect(again.heifCoding?.bitDepth == contents.heifCoding?.bitDepth, "\(path): \(again.heifCoding?.summary ?? "") from \(contents.heifCoding?.summary ?? "")")
        let original = try HEIFCodingParameters(format: handler.format, contents: contents, original: HEIFFile(bytes))
        let recoded = try HEIFCodingParameters(format: handler.format, contents: again, original: HEIFFile(output))
        #expect(recoded.chroma == original.chroma && recoded.bitDepth == original.bitDepth && recoded.nclx == original.nclx, "\(path)")

        // iprp: the original's properties stay in order (the coded image's follow), and every item kept
        // beside the primary keeps its associations, essential flags included.
        let oldMeta = try HEIFFile(bytes).meta, newMeta = try HEIFFile(output).meta
        #expect(newMeta.properties.count >= oldMeta.properties.count, "\(path)")
        for (old, new) in zip(oldMeta.properties, newMeta.properties) {
            #expect(old.type == new.type && old.payload.elementsEqual(new.payload), "\(path): property \(old.type) kept byte for byte")
        }
        let primary = try #require(oldMeta.primaryItem)
        let newEntries = Dictionary(newMeta.associationEntries.map { ($0.id, $0.list) }, uniquingKeysWith: +)
        for entry in oldMeta.associationEntries where entry.id != primary && newMeta.item(entry.id) != nil {
            #expect(newEntries[entry.id] == entry.list, "\(path): item \(entry.id)'s associations")
        }
        #expect(newEntries[primary]?.contains { $0.essential } == true, "\(path): the new primary image's codec configuration is essential")

        let decoded = try handler.decodePixels(output, maxPixels: PixelCodec.defaultMaximumPixels, lenient: false)
        #expect(decoded.width == image.width && decoded.height == image.height && decoded.channels == image.channels)
        #expect(Self.psnr(image, decoded) > 30, "\(path): \(Self.psnr(image, decoded)) dB")
        // Size-matched quality: the new primary image takes about as many bytes as the old one.
        let before = try #require(HEIFImageReplacement.primaryImageBytes(of: HEIFFile(bytes)))
        let after = try #require(HEIFImageReplacement.primaryImageBytes(of: HEIFFile(output)))
        #expect(Double(after) / Double(before) > 0.6 && Double(after) / Double(before) < 1.6, "\(path): \(before) → \(after) bytes")

        // libheif's own tool decodes the spliced file.
        let folder = try Repository.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent((path as NSString).lastPathComponent)
        try Data(output).write(to: file)
        let convert = try ProcessRunner.run("heif-convert", [file.path, folder.appendingPathComponent("out.png").path])
        #expect(convert.status == 0, "\(path): \(convert.stderr) \(convert.stdout)")
    }

    @Test("The size-matched quality finds the quality heif-enc was given (-q 60) within 6 points", arguments: photos)
    func qualityEstimate(_ path: String) throws {
        let bytes = try Repository.fixtureBytes(path)
        let handler = try Self.handler(bytes)
        let contents = try handler.parse(bytes)
        let file = try HEIFFile(bytes)
        let coding = HEIFCodingParameters(format: handler.format, contents: contents, original: file)
        let image = try handler.decodePixels(bytes, maxPixels: PixelCodec.defaultMaximumPixels, lenient: false)
        let target = try #require(HEIFImageReplacement.primaryImageBytes(of: file))
        let quality = try HEIFQuality.estimate(original: image, coding: coding, targetBytes: target)
        #expect(abs(quality - 60) <= 6, "\(path): estimated \(quality)")
    }

    @Test("A pixel re-encode keeps the other items: exiftool reads the owner's XMP and EXIF after it, and an alpha grid becomes one coded plane")
    func otherItemsKept() throws {
        for path in ["media/metadata.heic", "media/alpha.heic"] {
            let bytes = try Repository.fixtureBytes(path)
            let handler = try Self.handler(bytes)
            let contents = try handler.parse(bytes)
            var image = try handler.decodePixels(bytes, maxPixels: PixelCodec.defaultMaximumPixels, lenient: false)
            for index in stride(from: 0, to: image.pixels.count / 2, by: image.channels) { image.pixels[index] = 255 }
            let (output, _) = try handler.encodeFrames([image], like: contents, in: bytes)
            let again = try handler.parse(output)
            #expect(again.xmp == contents.xmp && again.exif == contents.exif, "\(path)")
            #expect(again.heifCoding?.alpha == contents.heifCoding?.alpha && again.heifCoding?.primaryItemType == "hvc1", "\(path)")
            let folder = try Repository.temporaryDirectory()
            defer { try? FileManager.default.removeItem(at: folder) }
            let file = folder.appendingPathComponent("out.heic")
            try Data(output).write(to: file)
            if path.hasSuffix("metadata.heic") {
                let exif = try ProcessRunner.run("exiftool", ["-j", "-XMP-dc:Creator", "-EXIF:Make", file.path])
                let object = try #require((try JSONSerialization.jsonObject(with: exif.stdoutData) as? [[String: Any]])?.first, "\(exif.stderr)")
                #expect(object["Creator"] as? String == "HEIF Fixture Author" && object["Make"] as? String == "Fixture Camera Maker", "\(object)")
            }
            let info = try ProcessRunner.run("heif-info", [file.path])
            #expect(info.status == 0 && info.stdout.contains("alpha channel: \(contents.heifCoding?.alpha == true ? "yes" : "no")"), "\(path): \(info.stdout) \(info.stderr)")
            let decoded = try handler.decodePixels(output, maxPixels: PixelCodec.defaultMaximumPixels, lenient: false)
            #expect(Self.psnr(image, decoded) > 28, "\(path): the marked pixels are what decodes")
        }
    }

    @Test("Absurd dimensions are refused before anything is decoded")
    func hostileHugeDimensions() throws {
        let bytes = try Repository.fixtureBytes("bombs/heif-huge-dimensions.heic")
        do {
            _ = try HEIFHandler.heif.decodePixels(bytes, maxPixels: PixelCodec.defaultMaximumPixels, lenient: false)
            Issue.record("a 100000×100000 image was decoded")
        } catch let error as MediaError {
            #expect(error.code == .limitExceeded && error.reason.contains("100000"), "\(error)")
        }
    }

    @Test("A corrupt HEVC bitstream, a truncated item, a truncated file and an item outside the file are clear errors, never a crash")
    func hostileCorruptAndTruncated() throws {
        for path in ["bombs/heif-corrupt-bitstream.heic", "bombs/heif-truncated-item.heic", "malformed/heif-truncated.heic", "malformed/heif-iloc-offset-out-of-range.heic"] {
            let bytes = try Repository.fixtureBytes(path)
            do {
                _ = try HEIFHandler.heif.decodePixels(bytes, maxPixels: PixelCodec.defaultMaximumPixels, lenient: false)
                Issue.record("\(path) decoded")
            } catch let error as MediaError {
                #expect(!error.reason.isEmpty, "\(path)")
                if path.hasPrefix("bombs/") { #expect(error.code == .libraryFailure && error.reason.contains("libheif cannot decode the image"), "\(path): \(error)") }
            }
        }
    }
}
