internal import CAILabelShims

/// HEIF, HEIC and AVIF pixels through libheif (CAILabelShims/heif_codec.c): the primary image is
/// decoded as a viewer shows it (grid assembled, `irot`/`imir`/`clap` applied, alpha kept, 10/12-bit
/// reduced to 8); a marked image is coded again with the source's codec (HEVC for HEIC, AV1 for AVIF)
/// at its chroma subsampling, bit depth, colour description (nclx and ICC) and a quality matched to the
/// source's bits per pixel (``HEIFQuality``), then spliced into the original file in place of the old
/// primary image (``HEIFImageReplacement``): every other item, property and box is kept.
extension HEIFHandler {
    public func decodePixels(_ bytes: [UInt8], maxPixels: Int, lenient: Bool) throws -> RGBImage {
        // Our own walk first: every box and every item's bytes lie inside the file before libheif reads it.
        let contents = try parse(bytes)
        // The declared size (ispe) is refused here, before libheif reads anything; libheif checks the
        // decoded size again (a rotation or a crop changes it) and bounds each tile's side.
        let (declared, overflow) = contents.width.multipliedReportingOverflow(by: contents.height)
        guard !overflow, declared <= maxPixels else {
            throw MediaError.make(.limitExceeded, "the image is \(contents.width)×\(contents.height) pixels, over the decoding limit of \(maxPixels) pixels")
        }
        // dav1d prints its input checks to standard error (through libheif, on hostile AV1 data): kept
        // off the terminal and put in the error.
        return try LibraryStandardError.capturing(library: "libheif") {
            try bytes.withUnsafeBytes { raw in
                try PixelCodec.decode(library: "libheif", maxPixels: maxPixels) { pixels, info, errbuf, length in
                    CAILabel_heif_decode(raw.baseAddress, raw.count, UInt64(maxPixels), lenient ? 1 : 0, pixels, info, errbuf, length)
                }
            }
        }
    }

    /// The primary image as one frame. An image sequence (`moov`) is not re-coded: its track would keep
    /// the unmarked pictures, so a mark on it is a warning for the file.
    public func decodeFrames(_ bytes: [UInt8], maxPixels: Int) throws -> [RGBImage] {
        let contents = try parse(bytes)
        guard contents.heifCoding?.sequence != true else {
            throw MediaError.make(.unsupportedFormat, "ailabel does not re-encode a HEIF image sequence (its track would keep the unmarked pictures)")
        }
        return [try decodePixels(bytes, maxPixels: maxPixels, lenient: false)]
    }

    /// A HEIF file holding only the marked image (no original to splice into): what libheif writes.
    public func encodePixels(_ image: RGBImage, like contents: MediaContents) throws -> (bytes: [UInt8], carried: MetadataEdit) {
        let coding = HEIFCodingParameters(format: format, contents: contents, original: nil)
        return (try Self.encode(image, coding: coding, quality: HEIFQuality.defaultQuality), MetadataEdit())
    }

    /// The marked image coded like the original's primary image and spliced into the original in its place.
    public func encodeFrames(_ frames: [RGBImage], like contents: MediaContents, in original: any ByteSource) throws -> (bytes: [UInt8], carried: MetadataEdit) {
        guard frames.count == 1, let image = frames.first else {
            throw MediaError.make(.unsupportedFormat, "a HEIF primary image is one frame")
        }
        let file = try HEIFFile(original)
        guard file.tree.first(.moov) == nil else {
            throw MediaError.make(.unsupportedFormat, "ailabel does not re-encode a HEIF image sequence")
        }
        let coding = HEIFCodingParameters(format: format, contents: contents, original: file)
        var quality = HEIFQuality.defaultQuality
        if !coding.lossless, let target = HEIFImageReplacement.primaryImageBytes(of: file) {
            // The original's own pixels, unmarked, are what its bytes coded.
            let unmarked = try decodePixels(original.readAll(), maxPixels: PixelCodec.defaultMaximumPixels, lenient: false)
            quality = try HEIFQuality.estimate(original: unmarked, coding: coding, targetBytes: target)
        }
        let coded = try HEIFFile(try Self.encode(image, coding: coding, quality: quality))
        return (try HEIFImageReplacement(original: file, coded: coded).file(), MetadataEdit())
    }

    /// libheif's one-image file for `image` as `coding` says; a coded depth the encoder refuses falls
    /// back to 8 bits (x265 and aom in Debian take 10 bits; an encoder built for 8 only does not).
    static func encode(_ image: RGBImage, coding: HEIFCodingParameters, quality: Int) throws -> [UInt8] {
        do {
            return try encodeOnce(image, coding: coding, quality: quality)
        } catch let error as MediaError where error.code == .libraryFailure && coding.bitDepth > 8 {
            var eight = coding
            eight.bitDepth = 8
            return try encodeOnce(image, coding: eight, quality: quality)
        }
    }

    private static func encodeOnce(_ image: RGBImage, coding parameters: HEIFCodingParameters, quality: Int) throws -> [UInt8] {
        let icc = parameters.icc ?? []
        return try image.pixels.withUnsafeBufferPointer { pixels in
            try icc.withUnsafeBufferPointer { profile in
                var coding = CAILabel_HEIFCoding()
                coding.av1 = parameters.av1 ? 1 : 0
                coding.quality = Int32(min(max(quality, 0), 100))
                coding.lossless = parameters.lossless ? 1 : 0
                coding.bit_depth = Int32(parameters.bitDepth)
                coding.chroma = Int32(parameters.chroma)
                if let nclx = parameters.nclx {
                    coding.has_nclx = 1
                    coding.colour_primaries = nclx.primaries
                    coding.transfer_characteristics = nclx.transfer
                    coding.matrix_coefficients = nclx.matrix
                    coding.full_range = nclx.fullRange ? 1 : 0
                }
                coding.icc = profile.isEmpty ? nil : profile.baseAddress
                coding.icc_size = profile.count
                return try LibraryStandardError.capturing(library: "libheif") {
                    try PixelCodec.encode(library: "libheif") { out, count, errbuf, length in
                        CAILabel_heif_encode(pixels.baseAddress, UInt32(image.width), UInt32(image.height), Int32(image.channels), &coding, out, count, errbuf, length)
                    }
                }
            }
        }
    }
}

/// The colour description of an `nclx` `colr` property (ITU-T H.273 code points).
struct HEIFNCLX: Hashable, Sendable {
    var primaries: UInt16
    var transfer: UInt16
    var matrix: UInt16
    var fullRange: Bool

    /// From a `colr` payload (its four-character colour type first).
    init?(colr payload: ArraySlice<UInt8>) {
        let bytes = Array(payload)
        guard bytes.count >= 11, FourCC(bytes[0..<4]) == "nclx" else { return nil }
        primaries = UInt16(bytes[4]) << 8 | UInt16(bytes[5])
        transfer = UInt16(bytes[6]) << 8 | UInt16(bytes[7])
        matrix = UInt16(bytes[8]) << 8 | UInt16(bytes[9])
        fullRange = bytes[10] & 0x80 != 0
    }
}

/// How the original's primary image is coded, as far as a re-encode keeps it: codec, chroma
/// subsampling and bit depth (from `hvcC`/`av1C`), colour (nclx and ICC), losslessness.
struct HEIFCodingParameters: Sendable {
    var av1: Bool
    var bitDepth = 8
    var chroma = 420
    var nclx: HEIFNCLX?
    var icc: [UInt8]?
    var lossless = false

    init(format: MediaFormat, contents: MediaContents, original: HEIFFile?) {
        av1 = format == .avif || contents.heifCoding?.primaryItemType == "av01"
        icc = contents.icc
        guard let original, let primary = original.meta.primaryItem else { return }
        let meta = original.meta
        // A grid's tiles carry the coding: the first tile stands for all.
        var coded = primary
        if ["grid", "iovl"].contains(meta.item(primary)?.type.description ?? "") {
            if let tile = meta.references?.references.first(where: { $0.type == "dimg" && $0.from == primary })?.to.first { coded = tile }
        }
        av1 = meta.item(coded)?.type == "av01" || (meta.item(coded)?.type != "hvc1" && av1)
        for id in [primary, coded] {
            for index in meta.associations[id] ?? [] where index >= 1 && index <= meta.properties.count {
                let property = meta.properties[index - 1]
                if property.type == "colr" {
                    if nclx == nil, let found = HEIFNCLX(colr: property.payload) { nclx = found }
                    if icc == nil, property.payload.count > 4, ["prof", "rICC"].contains(FourCC(property.payload.prefix(4)).description) {
                        icc = Array(property.payload.dropFirst(4))
                    }
                }
            }
        }
        if let hvcC = meta.property("hvcC", of: coded).map(Array.init), hvcC.count >= 19 {
            chroma = [1: 420, 2: 422, 3: 444][Int(hvcC[16] & 3)] ?? 420
            bitDepth = 8 + Int(hvcC[17] & 7)
        } else if let av1C = meta.property("av1C", of: coded).map(Array.init), av1C.count >= 3 {
            let highDepth = av1C[2] & 0x40 != 0, twelve = av1C[2] & 0x20 != 0
            bitDepth = highDepth ? (twelve ? 12 : 10) : 8
            let x = av1C[2] & 0x08 != 0, y = av1C[2] & 0x04 != 0
            chroma = x ? (y ? 420 : 422) : 444
        }
        if ![8, 10, 12].contains(bitDepth) { bitDepth = 8 }
        // libheif codes a lossless image in RGB itself (identity matrix, 4:4:4): that is how one is told.
        lossless = nclx?.matrix == 0 && chroma == 444
    }
}
