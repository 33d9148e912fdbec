import AILabelMedia

/// A badge laid out at one size: its lines rendered, its box measured; not yet placed on an image.
struct Layout {
    struct Line {
        var language: String
        var text: String
        var bitmap: GlyphBitmap
        /// Index of the text (language) the line belongs to; a wider gap separates texts.
        var block: Int
    }

    var em: Int
    var cap: Int
    var paddingX: Int
    var paddingY: Int
    var gap: Int
    /// Common ink ascent and descent of every line, so lines sit at an even pitch.
    var ascent: Int
    var descent: Int
    var lines: [Line]
    var width: Int
    var height: Int
    var omitted: [String] = []

    func omitting(_ languages: [String]) -> Layout {
        var copy = self
        copy.omitted = languages
        return copy
    }

    /// The lines at their positions inside `region`, aligned left, or right for right-hand corners.
    func placedLines(in region: BadgeRecord.Region, alignRight: Bool) -> [PlacedLine] {
        lines.enumerated().map { index, line in
            let top =
                region.y + paddingY + index * (ascent + descent + gap) + line.block * gap + (ascent - line.bitmap.ascent)
            let left =
                alignRight ? region.x + region.width - paddingX - line.bitmap.width : region.x + paddingX
            return PlacedLine(language: line.language, text: line.text, bitmap: line.bitmap, inkX: left, inkY: top)
        }
    }
}

/// A rendered line and the image position of its bitmap's top-left corner.
struct PlacedLine {
    var language: String
    var text: String
    var bitmap: GlyphBitmap
    var inkX: Int
    var inkY: Int
}

/// Lays text out into a box of at most `maxWidth` × `maxHeight`, wrapping at spaces and between ideographs.
struct LayoutEngine {
    let fonts: FontStack
    let maxWidth: Int
    let maxHeight: Int
    /// Largest badge area (width × height) a layout may take; nil for no bound but the image's.
    var maxArea: Int?
    /// Whether a text may wrap onto several lines; when false each text takes exactly one line (its own
    /// line breaks aside), and a text too wide for that does not fit.
    var wrapsWithinTexts = true
    private var emForCap: [Int: (em: Int, cap: Int)] = [:]
    private var capRatio: Double?
    private var advances: [Int: [String: Int]] = [:]

    init(fonts: FontStack, maxWidth: Int, maxHeight: Int) {
        self.fonts = fonts
        self.maxWidth = maxWidth
        self.maxHeight = maxHeight
        let reference = fonts.capHeight(pixelSize: 200)
        self.capRatio = reference > 0 ? Double(reference) / 200 : nil
    }

    /// The smallest em size whose rendered cap height is at least `cap`, and that cap height.
    mutating func em(forCap cap: Int) -> (em: Int, cap: Int) {
        if let known = emForCap[cap] { return known }
        guard let capRatio else {
            // The first font has no "H" (a CJK-only font): assume a typical 0.72 cap-to-em ratio.
            let result = (Int((Double(cap) / 0.72).rounded(.up)), cap)
            emForCap[cap] = result
            return result
        }
        var em = max(1, Int((Double(cap) / capRatio).rounded(.up)))
        var measured = fonts.capHeight(pixelSize: em)
        while measured < cap, em < cap * 4 + 8 {
            em += 1
            measured = fonts.capHeight(pixelSize: em)
        }
        while em > 1 {
            let smaller = fonts.capHeight(pixelSize: em - 1)
            guard smaller >= cap else { break }
            em -= 1
            measured = smaller
        }
        emForCap[cap] = (em, measured)
        return (em, measured)
    }

    /// The layout with the largest cap height in `lowest…highest` that fits, or `nil` if even `lowest` does not.
    mutating func largest(blocks: [BadgeText], from lowest: Int, to highest: Int) -> Layout? {
        guard highest >= lowest else { return nil }
        if let layout = layout(blocks: blocks, cap: highest) { return layout }
        guard var best = layout(blocks: blocks, cap: lowest) else { return nil }
        var low = lowest
        var high = highest  // fits(low) is true, fits(high) is false
        while high - low > 1 {
            let middle = (low + high) / 2
            if let layout = layout(blocks: blocks, cap: middle) {
                best = layout
                low = middle
            } else {
                high = middle
            }
        }
        return best
    }

    /// `blocks` laid out with cap height `cap`, or `nil` if they do not fit.
    mutating func layout(blocks: [BadgeText], cap requestedCap: Int) -> Layout? {
        let (em, cap) = em(forCap: requestedCap)
        let paddingX = max(1, Int((0.5 * Double(cap)).rounded()))
        let paddingY = max(1, Int((0.4 * Double(cap)).rounded()))
        let gap = max(1, Int((0.25 * Double(cap)).rounded()))
        let textWidth = maxWidth - 2 * paddingX
        guard textWidth > 0 else { return nil }
        // Advances are estimates (ink can overhang); keep a little slack and check the rendered lines.
        let limit = textWidth - max(1, em / 10)
        let space = advance(" ", em: em)

        var lines: [Layout.Line] = []
        for (blockIndex, block) in blocks.enumerated() {
            var current = ""
            var currentWidth = 0
            for token in Self.tokens(block.text) {
                if token.text == "\n" {
                    // A line break in the text.
                    if !current.isEmpty {
                        lines.append(
                            Layout.Line(
                                language: block.language, text: current, bitmap: rasterize(current, em), block: blockIndex))
                    }
                    current = ""
                    currentWidth = 0
                    continue
                }
                let width = advance(token.text, em: em)
                guard width <= limit else { return nil }
                if current.isEmpty {
                    current = token.text
                    currentWidth = width
                } else {
                    let joined = currentWidth + (token.spaceBefore ? space : 0) + width
                    if joined <= limit {
                        current += (token.spaceBefore ? " " : "") + token.text
                        currentWidth = joined
                    } else if !wrapsWithinTexts {
                        return nil
                    } else {
                        lines.append(
                            Layout.Line(
                                language: block.language, text: current, bitmap: rasterize(current, em), block: blockIndex))
                        current = token.text
                        currentWidth = width
                    }
                }
            }
            if !current.isEmpty {
                lines.append(
                    Layout.Line(language: block.language, text: current, bitmap: rasterize(current, em), block: blockIndex))
            }
        }
        guard !lines.isEmpty else { return nil }
        let inkWidth = lines.map(\.bitmap.width).max() ?? 0
        guard inkWidth <= textWidth else { return nil }
        let ascent = lines.map(\.bitmap.ascent).max() ?? 0
        let descent = lines.map(\.bitmap.descent).max() ?? 0
        let height =
            2 * paddingY + lines.count * (ascent + descent) + (lines.count - 1) * gap + (blocks.count - 1) * gap
        guard height <= maxHeight else { return nil }
        if let maxArea, (inkWidth + 2 * paddingX) * height > maxArea { return nil }
        return Layout(
            em: em, cap: cap, paddingX: paddingX, paddingY: paddingY, gap: gap, ascent: ascent, descent: descent,
            lines: lines, width: inkWidth + 2 * paddingX, height: height)
    }

    private func rasterize(_ text: String, _ em: Int) -> GlyphBitmap {
        fonts.rasterize(text: text, pixelHeight: em)
    }

    private mutating func advance(_ text: String, em: Int) -> Int {
        if let known = advances[em]?[text] { return known }
        let bitmap = fonts.rasterize(text: text, pixelHeight: em)
        // Wider of the pen advance and the ink extent from the pen origin.
        let width = max(bitmap.advance, bitmap.width - bitmap.originX)
        advances[em, default: [:]][text] = width
        return width
    }

    /// Splits text into unbreakable pieces: words between spaces, and single ideographs (with any closing
    /// punctuation that follows them); a line break is a piece of its own, "\n". `spaceBefore` tells whether a
    /// space separated a piece from the one before.
    static func tokens(_ text: String) -> [(text: String, spaceBefore: Bool)] {
        var tokens: [(text: String, spaceBefore: Bool)] = []
        var current = ""
        var currentSpaceBefore = false
        var pendingSpace = false
        func flush() {
            if !current.isEmpty { tokens.append((current, currentSpaceBefore)) }
            current = ""
        }
        for character in text {
            if character.isNewline {
                flush()
                tokens.append(("\n", false))
                pendingSpace = false
                continue
            }
            if character.isWhitespace {
                flush()
                pendingSpace = true
                continue
            }
            let scalar = character.unicodeScalars.first!
            if isClosingPunctuation(scalar), !current.isEmpty || !tokens.isEmpty {
                if current.isEmpty {
                    tokens[tokens.count - 1].text.append(character)
                } else {
                    current.append(character)
                }
                pendingSpace = false
                continue
            }
            if isBreakableIdeograph(scalar) {
                flush()
                tokens.append((String(character), pendingSpace))
                pendingSpace = false
                continue
            }
            if current.isEmpty {
                currentSpaceBefore = pendingSpace
                pendingSpace = false
            }
            current.append(character)
        }
        flush()
        return tokens
    }

    /// Han, kana, Hangul and CJK symbols: a line may break before and after each.
    static func isBreakableIdeograph(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x2E80...0x2FFF, 0x3000...0x303F, 0x3040...0x30FF, 0x3100...0x31FF, 0x3400...0x4DBF, 0x4E00...0x9FFF,
            0xAC00...0xD7AF, 0xF900...0xFAFF, 0xFF00...0xFFEF, 0x20000...0x3FFFF:
            return true
        default:
            return false
        }
    }

    /// Punctuation that must not start a line (it stays with the piece before it).
    static func isClosingPunctuation(_ scalar: Unicode.Scalar) -> Bool {
        "、。，．：；！？）」』】〕〉》,.:;!?)]}»".unicodeScalars.contains(scalar)
    }
}
