public import AILabelMedia

extension VisibleLabeler {
    /// Least correlation between the re-rendered text and the image in any tile of a line.
    public static let minimumTileCorrelation = 0.7
    /// Least correlation over the whole badge region.
    public static let minimumRegionCorrelation = 0.75
    /// Largest median luma difference from the declared colour over a solid badge's background pixels.
    public static let maximumBackgroundDeviation = 48.0

    /// Decides whether the badge `record` describes is still in `image`.
    ///
    /// - A region not wholly inside the image (the badge was cropped off) gives ``BadgeCheck/Status/regionOutsideImage``.
    /// - A record no labeler would write (it comes from the file, so it may be hostile: huge em sizes, thousands of
    ///   lines, far-off coordinates) gives ``BadgeCheck/Status/malformedRecord`` without rendering anything.
    /// - Otherwise the badge's text is re-rendered from the record, with this labeler's fonts, into a coverage
    ///   mask, and each line is cut into tiles about two em wide (two or three letters). The luma of the image must correlate with
    ///   the mask (with the sign the colours give: light text on dark, or dark on light) by at least
    ///   ``minimumTileCorrelation`` in every tile holding ink, and by ``minimumRegionCorrelation`` over the
    ///   region. A solid background's pixels must also stay near its colour (median luma difference at most
    ///   ``maximumBackgroundDeviation``), and on RGBA images stay opaque.
    ///   Otherwise the badge was painted over or replaced: ``BadgeCheck/Status/altered``.
    ///
    /// Correlation ignores brightness and contrast shifts, so the check survives JPEG re-encoding: an intact
    /// badge scores ≥ 0.92 after quality 50 with 4:2:0 chroma, even translucent over noise, while the
    /// unlabelled image scores ≤ 0.1. It does not follow resizing (the region would have to be rescaled).
    /// Verify with the fonts in ``BadgeRecord/fonts`` (`VisibleLabeler(fontFiles: record.fonts)`) for an
    /// exact re-render.
    public func badgePresent(in image: RGBImage, record: BadgeRecord) -> BadgeCheck {
        let region = record.region
        guard region.isInside(width: image.width, height: image.height) else {
            return BadgeCheck(
                status: .regionOutsideImage, score: 0,
                detail: "declared region \(region.x),\(region.y) \(region.width)×\(region.height) is not inside the "
                    + "\(image.width)×\(image.height) image (cropped?)")
        }
        guard record.version == Self.recordVersion else {
            return BadgeCheck(
                status: .malformedRecord, score: 0,
                detail: "badge record version \(record.version) is not one this verifier renders (\(Self.recordVersion))")
        }
        if let problem = record.implausibility(imageWidth: image.width, imageHeight: image.height) {
            return BadgeCheck(status: .malformedRecord, score: 0, detail: "the badge record is implausible: \(problem)")
        }

        // Re-render the text coverage over the region.
        let width = region.width
        let height = region.height
        var mask = [UInt8](repeating: 0, count: width * height)
        var boxes: [(x: Int, y: Int, width: Int, height: Int)] = []
        for line in record.lines {
            let bitmap = fonts.rasterize(text: line.text, pixelHeight: record.emPixels)
            let left = line.originX - bitmap.originX - region.x
            let top = line.baselineY - bitmap.baseline - region.y
            for row in 0..<bitmap.height {
                let y = top + row
                guard y >= 0, y < height else { continue }
                for column in 0..<bitmap.width {
                    let x = left + column
                    guard x >= 0, x < width else { continue }
                    let value = bitmap.coverage[row * bitmap.width + column]
                    if value > mask[y * width + x] { mask[y * width + x] = value }
                }
            }
            let x0 = max(0, left)
            let y0 = max(0, top)
            let x1 = min(width, left + bitmap.width)
            let y1 = min(height, top + bitmap.height)
            if x1 > x0, y1 > y0 { boxes.append((x0, y0, x1 - x0, y1 - y0)) }
        }

        // Luma of the region, and the alpha of a solid badge.
        var luma = [Double](repeating: 0, count: width * height)
        var alphaSum = 0
        image.pixels.withUnsafeBufferPointer { pixels in
            let channels = image.channels
            for y in 0..<height {
                var offset = ((region.y + y) * image.width + region.x) * channels
                for x in 0..<width {
                    luma[y * width + x] =
                        0.299 * Double(pixels[offset]) + 0.587 * Double(pixels[offset + 1]) + 0.114
                        * Double(pixels[offset + 2])
                    if channels == 4 { alphaSum += Int(pixels[offset + 3]) }
                    offset += channels
                }
            }
        }
        let textLuma = Self.luma(record.textColor)
        let backgroundLuma = Self.luma(record.background.color)
        let sign: Double = textLuma >= backgroundLuma ? 1 : -1

        func correlation(x: Int, y: Int, width boxWidth: Int, height boxHeight: Int) -> Double? {
            var count = 0.0
            var inked = 0
            var sumM = 0.0
            var sumY = 0.0
            var sumMM = 0.0
            var sumYY = 0.0
            var sumMY = 0.0
            for row in y..<(y + boxHeight) {
                for column in x..<(x + boxWidth) {
                    let index = row * width + column
                    let m = Double(mask[index])
                    let l = luma[index]
                    if mask[index] >= 128 { inked += 1 }
                    count += 1
                    sumM += m
                    sumY += l
                    sumMM += m * m
                    sumYY += l * l
                    sumMY += m * l
                }
            }
            guard count > 0, Double(inked) >= max(2, 0.02 * count) else { return nil }
            let covariance = sumMY / count - (sumM / count) * (sumY / count)
            let varianceM = sumMM / count - (sumM / count) * (sumM / count)
            let varianceY = sumYY / count - (sumY / count) * (sumY / count)
            guard varianceM > 1e-9 else { return nil }
            guard varianceY > 1e-6 else { return 0 }  // a flat region: the text is gone
            return sign * covariance / (varianceM * varianceY).squareRoot()
        }

        let overall = correlation(x: 0, y: 0, width: width, height: height) ?? 0
        var weakest = overall
        var weakestWhere = "the whole region"
        let tileWidth = max(8, 2 * record.emPixels)
        for (lineIndex, box) in boxes.enumerated() {
            let tiles = max(1, Int((Double(box.width) / Double(tileWidth)).rounded()))
            for tile in 0..<tiles {
                let x0 = box.x + box.width * tile / tiles
                let x1 = box.x + box.width * (tile + 1) / tiles
                guard let value = correlation(x: x0, y: box.y, width: x1 - x0, height: box.height) else { continue }
                if value < weakest {
                    weakest = value
                    weakestWhere = "line \(lineIndex + 1), tile \(tile + 1) of \(tiles)"
                }
            }
        }
        let score = (weakest * 1000).rounded() / 1000
        var fontNote =
            record.fonts.allSatisfy { font in fonts.faces.contains { font.matches($0) } } ? "" : " (verified with different fonts than recorded)"
        if image.width != record.imageWidth || image.height != record.imageHeight {
            fontNote += " (the image is \(image.width)×\(image.height), the badge was drawn on "
                + "\(record.imageWidth)×\(record.imageHeight))"
        }
        if overall < Self.minimumRegionCorrelation || weakest < Self.minimumTileCorrelation {
            return BadgeCheck(
                status: .altered, score: score,
                detail: "the badge text does not match the image at \(weakestWhere) (correlation \(score), "
                    + "region \((overall * 1000).rounded() / 1000)); painted over or replaced" + fontNote)
        }

        if record.background.kind == "solid" {
            // Median luma difference from the declared colour over the background pixels.
            var histogram = [Int](repeating: 0, count: 256)
            var total = 0
            for index in 0..<(width * height) where mask[index] == 0 {
                histogram[min(255, Int(abs(luma[index] - backgroundLuma)))] += 1
                total += 1
            }
            var seen = 0
            var median = 0
            for (value, count) in histogram.enumerated() {
                seen += count
                if seen * 2 >= total {
                    median = value
                    break
                }
            }
            if total > 0, Double(median) > Self.maximumBackgroundDeviation {
                return BadgeCheck(
                    status: .altered, score: score,
                    detail: "the badge background differs from \(record.background.color) (median luma difference "
                        + "\(median)); painted over" + fontNote)
            }
            if image.channels == 4, alphaSum < 240 * width * height {
                return BadgeCheck(
                    status: .altered, score: score, detail: "the solid badge is no longer opaque" + fontNote)
            }
        }
        return BadgeCheck(
            status: .present, score: score,
            detail: "badge found in the declared region (weakest correlation \(score) at \(weakestWhere))" + fontNote)
    }

    static func luma(_ color: RGBColor) -> Double {
        0.299 * Double(color.red) + 0.587 * Double(color.green) + 0.114 * Double(color.blue)
    }
}
