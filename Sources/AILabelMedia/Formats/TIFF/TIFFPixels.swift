internal import CAILabelShims

/// TIFF pixels through libtiff: every page of the main chain is decoded (every photometric and
/// compression libtiff reads) and marked pages are encoded as directories at each original page's
/// compression, bit depth (8 or 16), grey or RGB, alpha kind, predictor and resolution, in the file's
/// byte order and BigTIFF-ness. A multi-page document keeps every page, each marked. A DNG declares no
/// pixel codec (its raw data cannot be re-rendered), so a mark on it is a warning for the file.
extension TIFFHandler {
    public func decodePixels(_ bytes: [UInt8], maxPixels: Int, lenient: Bool) throws -> RGBImage {
        // Our own walk first proves every directory, strip and tile lies inside the file.
        _ = try TIFFStructure(reading: bytes)
        return try Self.decode(bytes, page: 0, maxPixels: maxPixels)
    }

    /// The pages of the main chain, in order (a directory c2pa-rs appends for its store alone is not a
    /// page); `maxPixels` bounds all pages together. A DNG is its first directory, as ``decodePixels(_:maxPixels:lenient:)``.
    public func decodeFrames(_ bytes: [UInt8], maxPixels: Int) throws -> [RGBImage] {
        let structure = try TIFFStructure(reading: bytes)
        guard variant != .dng else { return [try Self.decode(bytes, page: 0, maxPixels: maxPixels)] }
        var left = maxPixels
        var frames: [RGBImage] = []
        for (index, page) in structure.pages.enumerated() where !page.isC2PAOnly {
            let frame = try Self.decode(bytes, page: index, maxPixels: left)
            left -= frame.width * frame.height
            frames.append(frame)
        }
        return frames
    }

    static func decode(_ bytes: [UInt8], page: Int, maxPixels: Int) throws -> RGBImage {
        try bytes.withUnsafeBytes { raw in
            try PixelCodec.decode(library: "libtiff", maxPixels: maxPixels) { pixels, info, errbuf, length in
                CAILabel_tiff_decode(raw.baseAddress, raw.count, UInt32(page), UInt64(max(0, maxPixels)), pixels, info, errbuf, length)
            }
        }
    }

    /// One page coded as the first page of `contents` says (without the original at hand: no resolution).
    public func encodePixels(_ image: RGBImage, like contents: MediaContents) throws -> (bytes: [UInt8], carried: MetadataEdit) {
        guard let source = contents.tiffCoding else {
            throw MediaError.make(.invalidArgument, "the TIFF's coding is unknown")
        }
        guard source.dngVersion == nil else {
            throw MediaError.make(.unsupportedFormat, "ailabel does not re-encode a DNG (its raw data cannot be re-rendered)")
        }
        let coding = Self.coding(compression: source.compression, photometric: source.photometric, bitsPerSample: source.bitsPerSample,
                                 extraSamples: source.extraSamples, predictor: source.predictor, byteOrder: source.byteOrder, bigTIFF: source.bigTIFF)
        return (try Self.encode([image], codings: [PageCoding(coding: coding)]), MetadataEdit())
    }

    /// Every page coded as the original's page of the same index.
    public func encodeFrames(_ frames: [RGBImage], like contents: MediaContents, in original: any ByteSource) throws -> (bytes: [UInt8], carried: MetadataEdit) {
        guard contents.tiffCoding?.dngVersion == nil else {
            throw MediaError.make(.unsupportedFormat, "ailabel does not re-encode a DNG (its raw data cannot be re-rendered)")
        }
        let structure = try TIFFStructure(reading: original)
        let pages = structure.pages.filter { !$0.isC2PAOnly }
        guard frames.count == pages.count else {
            throw MediaError.make(.invalidArgument, "\(frames.count) pages to encode for a TIFF of \(pages.count)")
        }
        let codings = try pages.map { try Self.pageCoding(of: $0, in: structure, reader: original) }
        return (try Self.encode(frames, codings: codings), MetadataEdit())
    }

    public func encodeFrames(_ frames: [RGBImage], like contents: MediaContents) throws -> (bytes: [UInt8], carried: MetadataEdit) {
        guard frames.count == 1 else {
            throw MediaError.make(.unsupportedFormat, "the pages of a multi-page TIFF are encoded against the original file")
        }
        return try encodePixels(frames[0], like: contents)
    }

    /// How one page is written: libtiff's coding and the page's resolution.
    struct PageCoding {
        var coding: CAILabel_TIFFCoding
        var resolution: (x: Double, y: Double, unit: Int)?
        var compression: Int { Int(coding.compression) }
    }

    static func coding(compression: Int, photometric: Int, bitsPerSample: [Int], extraSamples: [Int], predictor: Int?,
                       byteOrder: String, bigTIFF: Bool) -> CAILabel_TIFFCoding {
        var coding = CAILabel_TIFFCoding()
        coding.compression = Int32(clamping: compression)
        coding.bit_depth = bitsPerSample.contains(16) ? 16 : 8
        // Grey (MinIsWhite, MinIsBlack) stays grey; palette, CMYK and the rest are written as RGB.
        coding.gray = photometric == 0 || photometric == 1 ? 1 : 0
        coding.associated_alpha = extraSamples.first == 1 ? 1 : 0
        coding.predictor = Int32(clamping: predictor ?? 1)
        coding.jpeg_quality = 90
        coding.ycbcr = photometric == 6 ? 1 : 0
        coding.big_endian = byteOrder == "MM" ? 1 : 0
        coding.big_tiff = bigTIFF ? 1 : 0
        return coding
    }

    /// A page's coding from its own directory.
    static func pageCoding(of page: TIFFDirectory, in structure: TIFFStructure, reader: some ByteSource) throws -> PageCoding {
        func numbers(_ tag: UInt16) throws -> [Int] {
            guard let entry = page.entry(tag), entry.count <= 64 else { return [] }
            return try structure.integers(of: entry, reader: reader).map { Int(clamping: $0) }
        }
        /// A RATIONAL's first value (two LONGs), nil when absent, of another type or with a zero denominator.
        func rational(_ tag: UInt16) throws -> Double? {
            guard let entry = page.entry(tag), entry.type == 5, entry.count >= 1 else { return nil }
            let bytes = try structure.value(of: entry, reader: reader)
            guard bytes.count >= 8 else { return nil }
            let numerator = structure.order.uint32(bytes, at: bytes.startIndex)
            let denominator = structure.order.uint32(bytes, at: bytes.startIndex + 4)
            return denominator == 0 ? nil : Double(numerator) / Double(denominator)
        }
        var result = PageCoding(coding: coding(
            compression: try numbers(TIFFTag.compression).first ?? 1, photometric: try numbers(TIFFTag.photometric).first ?? -1,
            bitsPerSample: try numbers(TIFFTag.bitsPerSample), extraSamples: try numbers(TIFFTag.extraSamples),
            predictor: try numbers(TIFFTag.predictor).first, byteOrder: structure.order.littleEndian ? "II" : "MM", bigTIFF: structure.isBigTIFF))
        if let x = try rational(TIFFTag.xResolution), let y = try rational(TIFFTag.yResolution), x > 0, y > 0 {
            result.resolution = (x, y, try numbers(TIFFTag.resolutionUnit).first ?? 2)
        }
        return result
    }

    static func encode(_ frames: [RGBImage], codings: [PageCoding]) throws -> [UInt8] {
        precondition(frames.count == codings.count && !frames.isEmpty)
        var pages: [CAILabel_TIFFPage] = zip(frames, codings).map { frame, pageCoding in
            var page = CAILabel_TIFFPage()
            page.width = UInt32(frame.width)
            page.height = UInt32(frame.height)
            page.channels = Int32(frame.channels)
            page.coding = pageCoding.coding
            if let resolution = pageCoding.resolution {
                page.x_resolution = resolution.x
                page.y_resolution = resolution.y
                page.resolution_unit = Int32(clamping: resolution.unit)
            }
            return page
        }
        // Each page's pixels are lent to libtiff in place, one nested borrow per page (pages are at
        // most TIFFStructure.maximumPages), so nothing is copied.
        func encodeLending(from index: Int) throws -> [UInt8] {
            guard index < frames.count else {
                return try pages.withUnsafeBufferPointer { table in
                    try PixelCodec.encode(library: "libtiff") { out, count, errbuf, length in
                        CAILabel_tiff_encode(table.baseAddress, UInt32(table.count), out, count, errbuf, length)
                    }
                }
            }
            return try frames[index].pixels.withUnsafeBytes { raw in
                pages[index].pixels = raw.baseAddress
                return try encodeLending(from: index + 1)
            }
        }
        return try encodeLending(from: 0)
    }
}
