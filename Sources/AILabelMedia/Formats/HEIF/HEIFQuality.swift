#if canImport(Glibc)
import Glibc
#endif

/// The quality a HEIC or AVIF is re-coded at. Neither HEVC nor AV1 says in a header what quality an
/// encoder was asked for (the quantizers vary per block and per encoder), so the estimate is by size:
/// the quality at which libheif's encoder (x265, aom) codes the original's own pixels (decoded, before
/// any mark: a mark adds detail, which would pull a size match down) in as many bytes as the original's
/// primary image took (its tiles summed, alpha left out). Size grows with quality, so the search halves
/// a quality range: at most five trial encodes, the closest kept (within about 3 quality points). A large
/// image is searched on a central 1024×1024 crop against its share of the original's bytes. A lossless
/// original (RGB coded as is) is re-coded lossless, with no search.
enum HEIFQuality {
    /// libheif's own default, for a file whose primary image size is unknown.
    static let defaultQuality = 50
    /// Trial encodes of the search.
    static let trials = 5
    /// Side of the crop a large image's search runs on.
    static let probeSide = 1024

    /// The quality at which `original` (the source's decoded pixels) codes in `targetBytes`.
    static func estimate(original image: RGBImage, coding: HEIFCodingParameters, targetBytes: Int) throws -> Int {
        let whole = image.width <= probeSide && image.height <= probeSide
        let probe = whole ? image : crop(image, side: probeSide)
        let probeTarget = whole ? Double(targetBytes) : Double(targetBytes) * Double(probe.width * probe.height) / Double(image.width * image.height)
        var low = 0, high = 100
        var best: (distance: Double, quality: Int)?
        for _ in 0..<trials {
            let quality = (low + high) / 2
            let bytes = try HEIFHandler.encode(probe, coding: coding, quality: quality)
            let size = Double(max(1, HEIFImageReplacement.primaryImageBytes(of: try HEIFFile(bytes)) ?? bytes.count))
            let distance = abs(log(size / probeTarget))
            if best == nil || distance < best!.distance { best = (distance, quality) }
            if size < probeTarget { low = quality } else { high = quality }
            if high - low <= 1 { break }
        }
        return best?.quality ?? defaultQuality
    }

    /// The central `side`×`side` pixels (or fewer, along a shorter side).
    static func crop(_ image: RGBImage, side: Int) -> RGBImage {
        let width = min(side, image.width), height = min(side, image.height)
        let left = (image.width - width) / 2, top = (image.height - height) / 2
        var pixels: [UInt8] = []
        pixels.reserveCapacity(width * height * image.channels)
        for y in top..<top + height {
            let start = image.offset(x: left, y: y)
            pixels += image.pixels[start..<start + width * image.channels]
        }
        return RGBImage(width: width, height: height, channels: image.channels, pixels: pixels)
    }
}
