/// An ordered list of faces with per-character fallback: each Unicode scalar is drawn with the first face
/// that has a glyph for it (Latin and Cyrillic from Noto Sans, Han from Noto Sans CJK, …).
///
/// Text is laid out left to right with each face's advances and its legacy `kern` table; there is no shaping,
/// which is enough for Latin, Cyrillic (including Kazakh) and CJK. Scalars no face covers are reported in
/// ``GlyphBitmap/missing`` and never drawn (no "tofu" boxes).
public struct FontStack: Sendable {
    /// The faces, in fallback order.
    public let faces: [FontFace]

    public init(faces: [FontFace]) {
        precondition(!faces.isEmpty, "a font stack needs at least one face")
        self.faces = faces
    }

    /// Opens every file in `files`, in order.
    ///
    /// - Throws: the first `MediaError` from ``FontFace/init(_:)``.
    public init(files: [FontFile]) throws(MediaError) {
        guard !files.isEmpty else { throw MediaError.make(.invalidArgument, "no font files given") }
        var faces: [FontFace] = []
        for file in files { faces.append(try FontFace(file)) }
        self.init(faces: faces)
    }

    /// The fonts ailabel draws with by default, from Debian's fonts-noto-core, fonts-noto-cjk and fonts-dejavu-core.
    public static let defaultFiles: [FontFile] = [
        FontFile(path: "/usr/share/fonts/truetype/noto/NotoSans-Bold.ttf"),
        // NotoSansCJK-Bold.ttc holds JP, KR, SC, TC, HK in that order; 2 is Simplified Chinese.
        FontFile(path: "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc", faceIndex: 2),
        FontFile(path: "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"),
    ]

    /// Fallbacks tried, in order, for a default file that is not installed (e.g. the Regular CJK weight).
    static let alternativeFiles: [String: [FontFile]] = [
        "/usr/share/fonts/truetype/noto/NotoSans-Bold.ttf": [
            FontFile(path: "/usr/share/fonts/truetype/noto/NotoSans-Regular.ttf")
        ],
        "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc": [
            FontFile(path: "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", faceIndex: 2)
        ],
        "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf": [
            FontFile(path: "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
        ],
    ]

    /// Opens the default fonts that are installed, replacing a missing default with its alternative
    /// (e.g. the Regular weight). Fonts that are not installed at all are skipped.
    ///
    /// - Throws: `MediaError` with code `.io` if none of them can be opened.
    public static func installedDefaults() throws(MediaError) -> FontStack {
        var faces: [FontFace] = []
        for file in defaultFiles {
            for candidate in [file] + (alternativeFiles[file.path] ?? []) {
                if let face = try? FontFace(candidate) {
                    faces.append(face)
                    break
                }
            }
        }
        guard !faces.isEmpty else {
            throw MediaError.make(
                .io,
                "none of the default fonts is installed (\(defaultFiles.map(\.path).joined(separator: ", "))); "
                    + "install fonts-noto-core and fonts-noto-cjk, or pass font files"
            )
        }
        return FontStack(faces: faces)
    }

    /// The files of the faces, in fallback order.
    public var files: [FontFile] { faces.map(\.file) }

    /// Index into ``faces`` of the face that draws `scalar`, or `nil` if none has a glyph for it.
    public func faceIndex(for scalar: Unicode.Scalar) -> Int? {
        faces.firstIndex { $0.hasGlyph(for: scalar) }
    }

    /// The scalars of `text` that no face can draw (whitespace and controls are not counted), in order, once each.
    public func missingScalars(in text: String) -> [Unicode.Scalar] {
        var missing: [Unicode.Scalar] = []
        for scalar in text.unicodeScalars where Self.isDrawable(scalar) && faceIndex(for: scalar) == nil {
            if !missing.contains(scalar) { missing.append(scalar) }
        }
        return missing
    }

    /// The height in pixels of the ink of a capital "H" in the first face at em size `pixelSize`: the font's
    /// rendered cap height, the measure the visible label's size rule uses.
    public func capHeight(pixelSize: Int) -> Int {
        let glyphs = faces[0].renderGlyphs(["H"], pixelSize: pixelSize)
        guard let glyph = glyphs.first ?? nil else { return 0 }
        return GlyphBitmap.inkRows(glyph).count
    }

    /// Ascent and descent (positive pixels) covering every face at em size `pixelSize`.
    public func lineMetrics(pixelSize: Int) -> (ascent: Int, descent: Int) {
        var ascent = 0
        var descent = 0
        for face in faces {
            let metrics = face.lineMetrics(pixelSize: pixelSize)
            ascent = max(ascent, metrics.ascent)
            descent = max(descent, metrics.descent)
        }
        return (ascent, descent)
    }

    /// Renders one line of `text` at an em size of `pixelSize` pixels into an 8-bit coverage bitmap.
    ///
    /// The bitmap is cropped to the ink. Line breaks, tabs and other controls are not drawn; a space advances the pen.
    /// Scalars no face covers are listed in ``GlyphBitmap/missing`` and skipped.
    public func rasterize(text: String, pixelHeight pixelSize: Int) -> GlyphBitmap {
        precondition(pixelSize > 0, "pixel size must be positive")
        let scalars = text.unicodeScalars.map { $0 == "\t" ? " " : $0 }.filter { $0 == " " || Self.isDrawable($0) }

        // Split into runs drawn by one face each, so kerning applies inside a run.
        var runs: [(face: Int?, scalars: [Unicode.Scalar])] = []
        var missing: [Unicode.Scalar] = []
        for scalar in scalars {
            var face = faceIndex(for: scalar)
            if scalar == " " { face = runs.last?.face ?? 0 }
            if face == nil, !missing.contains(scalar) { missing.append(scalar) }
            if let last = runs.last, last.face == face {
                runs[runs.count - 1].scalars.append(scalar)
            } else {
                runs.append((face, [scalar]))
            }
        }

        // Place the glyphs: pen positions in 26.6, baseline at y = 0, y growing downwards.
        struct Placed {
            var glyph: RenderedGlyph
            var x: Int
            var y: Int
        }
        var placed: [Placed] = []
        var pen = 0
        var usedFaces: [FontFile] = []
        for run in runs {
            guard let faceIndex = run.face else { continue }
            let glyphs = faces[faceIndex].renderGlyphs(run.scalars, pixelSize: pixelSize)
            if !usedFaces.contains(faces[faceIndex].file), glyphs.contains(where: { $0 != nil }) {
                usedFaces.append(faces[faceIndex].file)
            }
            for glyph in glyphs {
                guard let glyph else { continue }
                pen += glyph.kerning26_6
                let origin = (pen + 32) >> 6
                if glyph.width > 0, glyph.height > 0 {
                    placed.append(Placed(glyph: glyph, x: origin + glyph.left, y: -glyph.top))
                }
                pen += glyph.advance26_6
            }
        }
        let advance = (pen + 32) >> 6

        guard !placed.isEmpty else {
            return GlyphBitmap(
                width: 0, height: 0, coverage: [], originX: 0, baseline: 0, advance: advance,
                missing: missing, fontsUsed: usedFaces
            )
        }
        let minX = placed.map(\.x).min()!
        let minY = placed.map(\.y).min()!
        let maxX = placed.map { $0.x + $0.glyph.width }.max()!
        let maxY = placed.map { $0.y + $0.glyph.height }.max()!
        let width = maxX - minX
        let height = maxY - minY
        var coverage = [UInt8](repeating: 0, count: width * height)
        coverage.withUnsafeMutableBufferPointer { target in
            for item in placed {
                let glyph = item.glyph
                let offsetX = item.x - minX
                let offsetY = item.y - minY
                for row in 0..<glyph.height {
                    let targetRow = (offsetY + row) * width + offsetX
                    let sourceRow = row * glyph.width
                    for column in 0..<glyph.width {
                        let value = glyph.coverage[sourceRow + column]
                        if value > target[targetRow + column] { target[targetRow + column] = value }
                    }
                }
            }
        }
        return GlyphBitmap(
            width: width, height: height, coverage: coverage, originX: -minX, baseline: -minY, advance: advance,
            missing: missing, fontsUsed: usedFaces
        )
    }

    /// Whether `scalar` is something to draw: not whitespace, not a control or format character.
    static func isDrawable(_ scalar: Unicode.Scalar) -> Bool {
        if scalar.properties.isWhitespace { return false }
        switch scalar.properties.generalCategory {
        case .control, .format, .lineSeparator, .paragraphSeparator, .unassigned, .surrogate: return false
        default: return true
        }
    }
}

extension FontStack: CustomStringConvertible {
    public var description: String { "FontStack(\(faces.map(\.file.description).joined(separator: ", ")))" }
}

/// A line of text rendered to 8-bit coverage (0 = background, 255 = fully inside a glyph), cropped to the ink.
public struct GlyphBitmap: Sendable, Hashable {
    /// Width of the bitmap in pixels (0 if nothing was drawn).
    public let width: Int
    /// Height of the bitmap in pixels (0 if nothing was drawn).
    public let height: Int
    /// `width * height` coverage values, rows top to bottom.
    public let coverage: [UInt8]
    /// Column of the pen's starting point, relative to the bitmap's left edge (may be negative or beyond the ink).
    public let originX: Int
    /// Row of the baseline, relative to the bitmap's top edge: the ink rises `baseline` rows above it and
    /// descends `height - baseline` rows below it.
    public let baseline: Int
    /// Total pen advance of the line, pixels.
    public let advance: Int
    /// Scalars that no face could draw, in order of first appearance. They were skipped, not drawn as boxes.
    public let missing: [Unicode.Scalar]
    /// The files of the faces that drew at least one glyph.
    public let fontsUsed: [FontFile]

    /// Height of the ink above the baseline.
    public var ascent: Int { baseline }
    /// Height of the ink below the baseline.
    public var descent: Int { height - baseline }

    /// Coverage at (x, y), 0 outside the bitmap.
    public subscript(x: Int, y: Int) -> UInt8 {
        guard x >= 0, y >= 0, x < width, y < height else { return 0 }
        return coverage[y * width + x]
    }

    /// Rows of a glyph bitmap that hold ink (coverage ≥ 128), as a range of row offsets from its top.
    static func inkRows(_ glyph: RenderedGlyph) -> Range<Int> {
        var first: Int?
        var last = -1
        for row in 0..<glyph.height {
            let start = row * glyph.width
            if glyph.coverage[start..<(start + glyph.width)].contains(where: { $0 >= 128 }) {
                if first == nil { first = row }
                last = row
            }
        }
        guard let first else { return 0..<0 }
        return first..<(last + 1)
    }
}

extension GlyphBitmap: CustomStringConvertible {
    public var description: String {
        "GlyphBitmap(\(width)×\(height), baseline \(baseline), advance \(advance)"
            + (missing.isEmpty ? "" : ", missing \(missing.map { "U+" + String($0.value, radix: 16, uppercase: true) })") + ")"
    }
}
