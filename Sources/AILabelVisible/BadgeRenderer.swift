import AILabelMedia

/// Pixel work for the badge: background, text, and the contrast it reaches.
enum BadgeRenderer {
    /// Paints the background over `region` and the lines' coverage in the text colour.
    ///
    /// RGB: straight blending. RGBA: a solid background sets alpha to 255; a translucent one and the text are
    /// composited "over" the existing pixel (straight alpha).
    static func draw(
        into image: inout RGBImage, region: BadgeRecord.Region, lines: [PlacedLine], background: RGBColor,
        opacity: Double, solid: Bool, text: RGBColor
    ) {
        let channels = image.channels
        let width = image.width
        let backgroundColor = [Int(background.red), Int(background.green), Int(background.blue)]
        let textColor = [Int(text.red), Int(text.green), Int(text.blue)]
        let backgroundAlpha = solid ? 255 : Int((opacity * 255).rounded())
        image.pixels.withUnsafeMutableBufferPointer { pixels in
            if backgroundAlpha >= 255 || channels == 3 {
                // Opaque fill, or a fixed blend per channel through lookup tables.
                let tables = (0..<3).map { channel in
                    (0...255).map { destination in
                        UInt8((backgroundColor[channel] * backgroundAlpha + destination * (255 - backgroundAlpha) + 127) / 255)
                    }
                }
                let red = tables[0]
                let green = tables[1]
                let blue = tables[2]
                for y in region.y..<(region.y + region.height) {
                    var offset = (y * width + region.x) * channels
                    for _ in 0..<region.width {
                        pixels[offset] = red[Int(pixels[offset])]
                        pixels[offset + 1] = green[Int(pixels[offset + 1])]
                        pixels[offset + 2] = blue[Int(pixels[offset + 2])]
                        if channels == 4 { pixels[offset + 3] = 255 }
                        offset += channels
                    }
                }
            } else {
                for y in region.y..<(region.y + region.height) {
                    var offset = (y * width + region.x) * channels
                    for _ in 0..<region.width {
                        over(pixels, offset, channels, backgroundColor, backgroundAlpha)
                        offset += channels
                    }
                }
            }
            for line in lines {
                let bitmap = line.bitmap
                for row in 0..<bitmap.height {
                    let y = line.inkY + row
                    guard y >= region.y, y < region.y + region.height else { continue }
                    for column in 0..<bitmap.width {
                        let coverage = Int(bitmap.coverage[row * bitmap.width + column])
                        guard coverage > 0 else { continue }
                        let x = line.inkX + column
                        guard x >= region.x, x < region.x + region.width else { continue }
                        over(pixels, (y * width + x) * channels, channels, textColor, coverage)
                    }
                }
            }
        }
    }

    /// Composites `color` with alpha `alpha` (0 … 255) over the pixel at `offset`.
    @inline(__always)
    private static func over(
        _ pixels: UnsafeMutableBufferPointer<UInt8>, _ offset: Int, _ channels: Int, _ color: [Int], _ alpha: Int
    ) {
        if alpha >= 255 {
            pixels[offset] = UInt8(color[0])
            pixels[offset + 1] = UInt8(color[1])
            pixels[offset + 2] = UInt8(color[2])
            if channels == 4 { pixels[offset + 3] = 255 }
            return
        }
        if channels == 3 {
            for channel in 0..<3 {
                let destination = Int(pixels[offset + channel])
                pixels[offset + channel] = UInt8((color[channel] * alpha + destination * (255 - alpha) + 127) / 255)
            }
            return
        }
        // Straight-alpha "over": a = as + ad (1 - as); c = (cs as + cd ad (1 - as)) / a.
        let destinationAlpha = Int(pixels[offset + 3])
        let weight = destinationAlpha * (255 - alpha)  // ad (1 - as), scaled by 255²
        let outAlpha255 = alpha * 255 + weight  // scaled by 255²
        guard outAlpha255 > 0 else { return }
        for channel in 0..<3 {
            let destination = Int(pixels[offset + channel])
            let value = (color[channel] * alpha * 255 + destination * weight + outAlpha255 / 2) / outAlpha255
            pixels[offset + channel] = UInt8(min(255, value))
        }
        pixels[offset + 3] = UInt8((outAlpha255 + 127) / 255)
    }

    /// The lowest WCAG contrast between `text` and a `background` blended with `opacity` over any pixel of
    /// `region`. Behind a (partly) transparent pixel the backdrop is unknown, so its whole range counts.
    static func worstContrast(
        image: RGBImage, region: BadgeRecord.Region, background: RGBColor, opacity: Double, text: RGBColor
    ) -> Double {
        let textLuminance = text.relativeLuminance
        let table = Contrast.linearTable
        let base = [Double(background.red), Double(background.green), Double(background.blue)].map { $0 * opacity }
        let keep = 1 - opacity
        // Luminance is increasing in each channel, so only the darkest and lightest possible blends matter
        // per pixel; track the blended luminances closest to the text's from below and from above.
        var closestBelow = -1.0
        var closestAbove = 2.0
        var straddles = false
        // Per-channel weighted linear light of the blend over an opaque pixel, by table.
        let opaque = (0..<3).map { channel in
            let weight = channel == 0 ? 0.2126 : (channel == 1 ? 0.7152 : 0.0722)
            return (0...255).map { value in weight * table[min(255, Int((base[channel] + keep * Double(value)).rounded()))] }
        }
        let red = opaque[0]
        let green = opaque[1]
        let blue = opaque[2]
        image.pixels.withUnsafeBufferPointer { pixels in
            let channels = image.channels
            for y in region.y..<(region.y + region.height) {
                var offset = (y * image.width + region.x) * channels
                for _ in 0..<region.width {
                    var low: Double
                    var high: Double
                    if channels == 3 || pixels[offset + 3] == 255 {
                        low = red[Int(pixels[offset])] + green[Int(pixels[offset + 1])] + blue[Int(pixels[offset + 2])]
                        high = low
                    } else {
                        let alpha = Double(pixels[offset + 3]) / 255
                        low = 0
                        high = 0
                        for channel in 0..<3 {
                            let lowValue = base[channel] + keep * alpha * Double(pixels[offset + channel])
                            let highValue = lowValue + keep * (1 - alpha) * 255
                            let weight = channel == 0 ? 0.2126 : (channel == 1 ? 0.7152 : 0.0722)
                            low += weight * table[min(255, Int(lowValue.rounded()))]
                            high += weight * table[min(255, Int(highValue.rounded()))]
                        }
                    }
                    if high < textLuminance {
                        closestBelow = max(closestBelow, high)
                    } else if low > textLuminance {
                        closestAbove = min(closestAbove, low)
                    } else {
                        straddles = true
                    }
                    offset += channels
                }
            }
        }
        if straddles { return 1 }
        var worst = 21.0
        if closestBelow >= 0 { worst = min(worst, Contrast.ratio(textLuminance, closestBelow)) }
        if closestAbove <= 1 { worst = min(worst, Contrast.ratio(textLuminance, closestAbove)) }
        return worst
    }
}
