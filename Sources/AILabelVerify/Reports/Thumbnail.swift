import AILabelMedia

/// A small JPEG of a judged image for the HTML report, made on the worker that judged it from the bytes
/// it judged (never by reading the file again), or the reason there is none.
public struct Thumbnail: Sendable, Hashable {
    /// The JPEG, at most ``longestSide`` pixels on its longer side.
    public var jpeg: [UInt8]?
    /// Why there is no thumbnail ("100000×100000: over the thumbnail limit of 40 megapixels").
    public var missingReason: String?

    /// Pixels on the longer side.
    public static let longestSide = 160
    /// Images larger than this are not decoded for a thumbnail: the process's budget for decoded pixels
    /// (``PixelBudget``, 40 megapixels unless `AILABEL_PIXEL_BUDGET` says otherwise), which every
    /// thumbnail decode reserves from like the detectors' decodes.
    public static var maximumPixels: Int { PixelBudget.shared.pixels }

    public init(jpeg: [UInt8]) {
        self.jpeg = jpeg
        self.missingReason = nil
    }

    public init(missingReason: String) {
        self.jpeg = nil
        self.missingReason = missingReason
    }

    /// The thumbnail of `file`, from `decoded` when the pixel detectors already decoded it.
    public static func make(of file: MediaFile, decoded: RGBImage?) -> Thumbnail {
        let width = file.contents.width, height = file.contents.height
        let image: RGBImage
        if let decoded {
            image = decoded
        } else {
            guard width > 0, height > 0 else { return Thumbnail(missingReason: "the image declares no size") }
            guard width.multipliedReportingOverflow(by: height).partialValue <= maximumPixels, width <= maximumPixels, height <= maximumPixels else {
                return Thumbnail(missingReason: "\(width)×\(height): over the thumbnail limit of \(limitText)")
            }
            do {
                // Lenient: a tampered or truncated file still shows what a browser would show of it.
                return try PixelBudget.shared.withReservation(width * height) {
                    encode(try PixelCodec.decode(file.readAll(), maxPixels: maximumPixels, lenient: true))
                }
            } catch let error as MediaError {
                return Thumbnail(missingReason: "the pixels cannot be decoded: \(error.reason)")
            } catch {
                return Thumbnail(missingReason: "the pixels cannot be decoded: \(error)")
            }
        }
        return encode(image)
    }

    /// The thumbnail `ailabel verify` makes of the file at `path` when it reads it under `--scan metadata`:
    /// of the parsed file, or of an unparsed one whose signature is an image's. Nil when neither applies
    /// (a page, a document, a path that cannot be read), where the report says why from the record.
    /// `report merge --format html` uses it, since records (JSON Lines) carry no pixels.
    public static func make(ofFileAt path: String) -> Thumbnail? {
        do {
            return make(of: try MediaFile(path: path, registry: .metadataReading), decoded: nil)
        } catch {
            // Its type and signature are checked first, so what is in no registered format is never read whole.
            guard (try? MediaFile.checkSignature(path: path, registry: .metadataReading)) != nil, let bytes = try? FileReader.read(path) else {
                return nil
            }
            return make(ofUnparsed: bytes)
        }
    }

    /// The limit in words: "40 megapixels".
    static var limitText: String {
        maximumPixels >= 1_000_000 ? "\(maximumPixels / 1_000_000) megapixels" : "\(maximumPixels) pixels"
    }

    /// The thumbnail of a file whose structure did not parse (an `unreadable` verdict), when its pixels
    /// still decode, as they often do for a truncated or tampered file. Its size is not known before
    /// decoding, so it reserves the whole budget, and the decoder refuses more from the header.
    public static func make(ofUnparsed bytes: [UInt8]) -> Thumbnail {
        guard AssetRegistry.standard.handler(for: bytes) != nil else { return Thumbnail(missingReason: "the file is unreadable and not an image") }
        do {
            return try PixelBudget.shared.withReservation(maximumPixels) {
                encode(try PixelCodec.decode(bytes, maxPixels: maximumPixels, lenient: true))
            }
        } catch let error as MediaError {
            return Thumbnail(missingReason: "the file is unreadable and its pixels cannot be decoded: \(error.reason)")
        } catch {
            return Thumbnail(missingReason: "the file is unreadable and its pixels cannot be decoded: \(error)")
        }
    }

    static func encode(_ image: RGBImage) -> Thumbnail {
        do {
            return Thumbnail(jpeg: try PixelCodec.encodeJPEG(Thumbnailer.shrink(image, longestSide: longestSide), quality: 80))
        } catch {
            return Thumbnail(missingReason: "the thumbnail could not be encoded: \(error)")
        }
    }
}

/// Box-filter downscaling for thumbnails.
enum Thumbnailer {
    static func shrink(_ image: RGBImage, longestSide: Int) -> RGBImage {
        let scale = Double(longestSide) / Double(max(image.width, image.height))
        guard scale < 1 else { return image }
        let width = max(1, Int(Double(image.width) * scale))
        let height = max(1, Int(Double(image.height) * scale))
        var pixels = [UInt8](repeating: 0, count: width * height * image.channels)
        for y in 0..<height {
            let y0 = y * image.height / height, y1 = max(y0 + 1, (y + 1) * image.height / height)
            for x in 0..<width {
                let x0 = x * image.width / width, x1 = max(x0 + 1, (x + 1) * image.width / width)
                for channel in 0..<image.channels {
                    var sum = 0
                    for sy in y0..<y1 { for sx in x0..<x1 { sum += Int(image.pixels[(sy * image.width + sx) * image.channels + channel]) } }
                    pixels[(y * width + x) * image.channels + channel] = UInt8(sum / ((y1 - y0) * (x1 - x0)))
                }
            }
        }
        return RGBImage(width: width, height: height, channels: image.channels, pixels: pixels)
    }
}
