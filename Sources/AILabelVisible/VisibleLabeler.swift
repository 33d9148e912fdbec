public import AILabelMedia

/// Draws the visible AI-disclosure badge onto an image and checks that it is still there.
///
/// ## Size rules
/// *Text height* is the **cap height**: the ink height of a capital "H" of the first font at the em size used.
/// Ideographs (人工智能生成) are about 1.3× taller, and a line's full bounding box, with ascenders and
/// descenders, taller still, so any common reading of "text height" gives at least this value.
///
/// 1. Required: cap height ≥ 5 % of the shorter side (GB 45438-2025 §5.2); ≥ 8 px when the image is shown
///    320 px wide (cap height × 320 / width ≥ 8, about an 11 px font on a phone; binds only for images wider
///    than about 2.4:1); and ≥ 5 px (the floor below which text is not legible at all).
/// 2. Preferred: also ≥ `style.textHeightFraction` (default 6 %) of the shorter side, a margin over the 5 %.
/// 3. The badge stays within a quarter of the image's area (``maximumAreaFraction``) where rules 1 and 2
///    allow: the languages are stacked, one line each, at the largest cap height between the required and
///    the preferred size that keeps the badge within that quarter; if a text is too long for one line at
///    any such size, texts wrap at spaces (CJK between any two ideographs) and at line breaks in the text,
///    again within the quarter. Only when no allowed size fits the quarter does the badge grow past it,
///    as large as the rules prefer: the legal size and every language come before the area.
/// 4. The badge never exceeds the image less its margins.
///    If the texts do not fit at the preferred size the labeler shrinks towards the required size, then
///    leaves out texts from the end (the first text, e.g. Kazakh, always stays) and records them in
///    ``BadgeRecord/omittedLanguages``; if the first text alone does not fit at the required size it is drawn
///    smaller, down to the 5 px floor (``BadgeRecord/meetsMinimumHeight`` is then false if below 5 %, and
///    ``BadgeRecord/textHeightAt320`` tells whether it stays legible on a phone).
///    Below the floor `apply` throws `imageTooSmall`: the default Kazakh text needs about 64×48 px,
///    the "AI" icon about 20×12 px.
///
/// ## Contrast
/// WCAG 2.x contrast between text and background must be ≥ `style.minimumContrast` (4.5:1). A solid
/// background is checked directly; a translucent one against the worst case over the pixels underneath
/// (behind transparent pixels, any backdrop), raising the opacity in steps of 0.05 until it passes.
public struct VisibleLabeler: Sendable {
    /// The fonts, in fallback order.
    public let fonts: FontStack

    /// The legal minimum text height: 5 % of the shorter side.
    public static let minimumTextHeightFraction = 0.05
    /// The narrowest display the badge must be legible on.
    public static let legibilityDisplayWidth = 320
    /// Cap height the text should keep when the image is shown ``legibilityDisplayWidth`` wide.
    public static let legibleCapHeightAtDisplayWidth = 8
    /// The smallest cap height ever drawn, pixels.
    public static let minimumCapHeightPixels = 5
    /// The share of the image a badge should stay within (width × height), where the size rules allow.
    public static let maximumAreaFraction = 0.25
    /// Version of the layout and rendering rules, written into every ``BadgeRecord``.
    public static let recordVersion = 1

    public init(fonts: FontStack) {
        self.fonts = fonts
    }

    /// Opens `fontFiles`, or when `nil` the installed defaults (``FontStack/defaultFiles``: Noto Sans Bold,
    /// Noto Sans CJK SC Bold, DejaVu Sans Bold).
    public init(fontFiles: [FontFile]? = nil) throws(VisibleLabelError) {
        do {
            if let fontFiles {
                self.fonts = try FontStack(files: fontFiles)
            } else {
                self.fonts = try FontStack.installedDefaults()
            }
        } catch {
            throw VisibleLabelError(.fonts, error.description)
        }
    }

    /// Draws the badge with `texts` (in order; the first is never left out) onto a copy of `image`.
    ///
    /// Draw on pixels in display orientation (apply any EXIF orientation first), or the corner will be wrong.
    /// On a gray image (R = G = B everywhere) the style's colours are replaced by their gray equivalents
    /// (BT.601 luma), and the record says so. Pixels outside ``BadgeRecord/region`` are unchanged. On an RGBA image a solid badge is opaque
    /// (alpha 255 inside the region); a translucent one is composited over the existing alpha.
    ///
    /// - Throws: ``VisibleLabelError`` when there is no text, a character has no glyph in any font,
    ///   the colours cannot reach the minimum contrast, or the image cannot hold a legible badge.
    public func apply(
        to image: RGBImage, texts: [BadgeText], style: BadgeStyle = .default
    ) throws(VisibleLabelError) -> (RGBImage, BadgeRecord) {
        // The blocks of text, in order; the EU icon text comes first.
        var blocks: [BadgeText] = []
        var variantName = "text"
        if case .euIcon(let icon) = style.variant {
            blocks.append(BadgeText(language: "eu-icon", text: icon.rawValue))
            variantName = "eu-icon:\(icon.rawValue)"
        }
        for text in texts {
            let trimmed = Self.normalise(text.text)
            if !trimmed.isEmpty { blocks.append(BadgeText(language: text.language, text: trimmed)) }
        }
        guard !blocks.isEmpty else { throw VisibleLabelError(.noText, "no disclosure text to draw") }
        for block in blocks {
            let missing = fonts.missingScalars(in: block.text)
            if !missing.isEmpty {
                let list = missing.map { "U+" + String($0.value, radix: 16, uppercase: true) + " '\($0)'" }
                throw VisibleLabelError(
                    .missingGlyphs,
                    "no font has a glyph for \(list.joined(separator: ", ")) in the \(block.language) text; "
                        + "fonts: \(fonts.files.map(\.description).joined(separator: ", "))"
                )
            }
        }

        // Colours and contrast. A gray image (a decoded grayscale JPEG) gets a gray badge, so that it can be
        // re-encoded as grayscale and the contrast holds for the colours actually drawn.
        var style = style
        if Self.isGray(image) {
            style.textColor = style.textColor.grayEquivalent
            style.background = style.background.withColor(style.background.color.grayEquivalent)
        }
        let shorter = min(image.width, image.height)
        let margin = style.margin.pixels(shorterSide: shorter)
        guard style.textColor.contrastRatio(with: style.background.color) >= style.minimumContrast else {
            throw VisibleLabelError(
                .insufficientContrast,
                "text \(style.textColor) on background \(style.background.color) has contrast "
                    + "\(Self.rounded(style.textColor.contrastRatio(with: style.background.color))):1, "
                    + "below \(style.minimumContrast):1"
            )
        }

        // Size and layout.
        let layout = try fit(blocks: blocks, image: image, margin: margin, style: style)
        let region = BadgeRecord.Region(
            x: style.corner.isRight ? image.width - margin - layout.width : margin,
            y: style.corner.isBottom ? image.height - margin - layout.height : margin,
            width: layout.width, height: layout.height
        )
        let placed = layout.placedLines(in: region, alignRight: style.corner.isRight)

        // Background opacity and the worst-case contrast.
        var opacity = style.background.opacity
        var contrast = style.textColor.contrastRatio(with: style.background.color)
        if case .translucent = style.background {
            contrast = BadgeRenderer.worstContrast(
                image: image, region: region, background: style.background.color, opacity: opacity,
                text: style.textColor)
            while contrast < style.minimumContrast, opacity < 1 {
                opacity = min(1, ((opacity + 0.05) * 100).rounded() / 100)
                contrast = BadgeRenderer.worstContrast(
                    image: image, region: region, background: style.background.color, opacity: opacity,
                    text: style.textColor)
            }
            if contrast < style.minimumContrast {
                throw VisibleLabelError(
                    .insufficientContrast, "text \(style.textColor) cannot reach \(style.minimumContrast):1 over this image")
            }
        }

        var output = image
        BadgeRenderer.draw(
            into: &output, region: region, lines: placed, background: style.background.color, opacity: opacity,
            solid: { if case .solid = style.background { true } else { false } }(), text: style.textColor)

        // The faces that drew glyphs, in fallback order, so that a labeler opened with just these files
        // (as verify does) picks the same face for every character.
        let drawn = Set(placed.flatMap(\.bitmap.fontsUsed))
        let usedFonts = fonts.faces.filter { drawn.contains($0.file) }.map(RecordedFont.init)
        // Blocks kept are a prefix (texts are only ever left out from the end); the icon text is not a disclosure text.
        let kept = (layout.lines.map(\.block).max() ?? 0) + 1
        let firstText = variantName == "text" ? 0 : 1
        let drawnTexts = firstText < kept ? Array(blocks[firstText..<kept]) : []
        let record = BadgeRecord(
            version: Self.recordVersion,
            region: region,
            imageWidth: image.width, imageHeight: image.height,
            corner: style.corner,
            variant: variantName,
            texts: drawnTexts,
            languages: drawnTexts.map(\.language),
            omittedLanguages: layout.omitted,
            lines: placed.map {
                BadgeRecord.Line(
                    language: $0.language, text: $0.text, originX: $0.inkX + $0.bitmap.originX,
                    baselineY: $0.inkY + $0.bitmap.baseline, inkHeight: $0.bitmap.height)
            },
            fonts: usedFonts,
            emPixels: layout.em,
            textHeight: layout.cap,
            textHeightFraction: Double(layout.cap) / Double(shorter),
            meetsMinimumHeight: Double(layout.cap) >= Self.minimumTextHeightFraction * Double(shorter),
            textHeightAt320: Double(layout.cap) * Double(Self.legibilityDisplayWidth) / Double(image.width),
            textColor: style.textColor,
            background: BadgeRecord.Background(
                kind: { if case .solid = style.background { "solid" } else { "translucent" } }(),
                color: style.background.color, opacity: opacity),
            contrastRatio: contrast
        )
        return (output, record)
    }

    /// ``apply(to:texts:style:)`` with `(language, text)` pairs.
    @_disfavoredOverload
    public func apply(
        to image: RGBImage, texts: [(language: String, text: String)], style: BadgeStyle = .default
    ) throws(VisibleLabelError) -> (RGBImage, BadgeRecord) {
        try apply(to: image, texts: texts.map { BadgeText(language: $0.language, text: $0.text) }, style: style)
    }

    // MARK: Sizing

    /// Cap heights for an image: what the rules prefer and what they require.
    func capHeights(width: Int, height: Int, style: BadgeStyle) -> (preferred: Int, required: Int) {
        let shorter = Double(min(width, height))
        let legal = Int((Self.minimumTextHeightFraction * shorter).rounded(.up))
        let legible = Int(
            (Double(Self.legibleCapHeightAtDisplayWidth * width) / Double(Self.legibilityDisplayWidth)).rounded(.up))
        let required = max(legal, legible, Self.minimumCapHeightPixels)
        let preferred = max(required, Int((style.textHeightFraction * shorter).rounded(.up)))
        return (preferred, required)
    }

    /// Lays out `blocks` as large as the rules allow, leaving out trailing blocks when even the required size
    /// does not fit.
    func fit(blocks: [BadgeText], image: RGBImage, margin: Int, style: BadgeStyle) throws(VisibleLabelError) -> Layout
    {
        let (preferred, required) = capHeights(width: image.width, height: image.height, style: style)
        let maxWidth = image.width - 2 * margin
        let maxHeight = image.height - 2 * margin
        var engine = LayoutEngine(fonts: fonts, maxWidth: maxWidth, maxHeight: maxHeight)
        var omitted: [String] = []
        let areaBudget = Int(Self.maximumAreaFraction * Double(image.width * image.height))

        for count in stride(from: blocks.count, through: 1, by: -1) {
            let kept = Array(blocks.prefix(count))
            omitted = blocks.suffix(from: count).map(\.language).filter { $0 != "eu-icon" }
            // Within a quarter of the image: one line per text (languages stacked), else texts wrapped;
            // then, when the size rules leave no way to stay within it, as large as the image allows.
            for (wraps, area) in [(false, Optional(areaBudget)), (true, Optional(areaBudget)), (true, nil)] {
                engine.wrapsWithinTexts = wraps
                engine.maxArea = area
                if let layout = engine.largest(blocks: kept, from: required, to: preferred) {
                    return layout.omitting(omitted)
                }
            }
        }
        engine.wrapsWithinTexts = true
        engine.maxArea = nil
        // The first block alone, below the 5 % rule, down to the pixel floor.
        let legalFloor = Self.minimumCapHeightPixels
        let first = Array(blocks.prefix(1))
        omitted = blocks.dropFirst().map(\.language).filter { $0 != "eu-icon" }
        if required - 1 >= legalFloor, let layout = engine.largest(blocks: first, from: legalFloor, to: required - 1) {
            return layout.omitting(omitted)
        }
        throw VisibleLabelError(
            .imageTooSmall,
            "a \(image.width)×\(image.height) image cannot hold the \(blocks[0].language) text at the "
                + "\(legalFloor) px minimum cap height"
        )
    }

    /// Whether every pixel has R = G = B.
    static func isGray(_ image: RGBImage) -> Bool {
        image.pixels.withUnsafeBufferPointer { pixels in
            let channels = image.channels
            var offset = 0
            while offset < pixels.count {
                if pixels[offset] != pixels[offset + 1] || pixels[offset] != pixels[offset + 2] { return false }
                offset += channels
            }
            return true
        }
    }

    /// A labeler for checking `record`: the faces of `fallback` (default: the installed defaults) that
    /// match the recorded fonts (an exact re-render), otherwise all of them.
    public static func forVerifying(_ record: BadgeRecord, fallback: [FontFile]? = nil) throws(VisibleLabelError)
        -> VisibleLabeler
    {
        let available = try VisibleLabeler(fontFiles: fallback)
        // The recorded fonts, matched by family, style and version among the available faces, in the
        // recorded order (an exact re-render); otherwise the available fonts as they are.
        let matched = record.fonts.compactMap { font in available.fonts.faces.first { font.matches($0) } }
        if !record.fonts.isEmpty, matched.count == record.fonts.count, let exact = try? VisibleLabeler(fontFiles: matched.map(\.file)) {
            return exact
        }
        return available
    }

    /// Collapses runs of whitespace within each line and trims the ends; keeps line breaks (they force a new
    /// line in the badge) but drops empty lines.
    static func normalise(_ text: String) -> String {
        text.split(whereSeparator: { $0.isNewline })
            .map { $0.split(whereSeparator: { $0.isWhitespace }).joined(separator: " ") }
            .filter { !$0.isEmpty }
            .joined(separator: "\n")
    }

    static func rounded(_ value: Double) -> Double { (value * 100).rounded() / 100 }
}
