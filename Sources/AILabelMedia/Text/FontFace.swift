internal import CAILabelFreeType

/// One face of a font file, opened with FreeType.
///
/// A `FontFace` owns its own `FT_Library` and `FT_Face`; every FreeType call on them happens under one
/// lock, so a face can be shared between tasks. FreeType types never leave this file and its siblings in
/// `Text/` (`CAILabelFreeType` is imported `internal`).
///
/// Faces the visible label uses by default (Debian packages installed by `scripts/setup`):
/// - `/usr/share/fonts/truetype/noto/NotoSans-Bold.ttf` (fonts-noto-core): Latin, Cyrillic including
///   Kazakh Ә Ғ Қ Ң Ө Ұ Ү Һ І;
/// - `/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc`, face index 2 = Noto Sans CJK SC (fonts-noto-cjk);
/// - `/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf` (fonts-dejavu-core) as a last fallback.
public final class FontFace: Sendable {
    /// The file and face index this face was opened from.
    public let file: FontFile
    /// The family name FreeType reports, e.g. "Noto Sans".
    public let familyName: String
    /// The style name FreeType reports, e.g. "Bold".
    public let styleName: String
    /// Units per em of the face's outlines (0 for bitmap-only faces).
    public let unitsPerEm: Int
    /// The font's revision from its `head` table (e.g. "2.013"), nil when it has none.
    public let version: String?

    private let state: Locked<FreeTypeHandles>

    /// Opens face `file.faceIndex` of the font file at `file.path`.
    ///
    /// - Throws: `MediaError` with code `.io` if the file cannot be opened, `.libraryFailure` if FreeType
    ///   rejects it, `.invalidArgument` if the face index does not exist or the face has no scalable outlines.
    public init(_ file: FontFile) throws(MediaError) {
        var library: FT_Library?
        var status = FT_Init_FreeType(&library)
        guard status == 0, let library else {
            throw MediaError.make(.libraryFailure, "FreeType could not start (error \(status))")
        }
        var face: FT_Face?
        status = file.path.withCString { FT_New_Face(library, $0, FT_Long(file.faceIndex), &face) }
        guard status == 0, let face else {
            FT_Done_FreeType(library)
            // FT_Err_Cannot_Open_Resource = 0x01, FT_Err_Invalid_Argument = 0x06 (bad face index).
            let code: MediaError.Code = status == 0x01 ? .io : (status == 0x06 ? .invalidArgument : .libraryFailure)
            throw MediaError.make(code, "FreeType cannot open face \(file.faceIndex) of \(file.path) (error \(status))")
                .naming(file.path)
        }
        guard face.pointee.face_flags & FT_Long(FT_FACE_FLAG_SCALABLE) != 0 else {
            FT_Done_Face(face)
            FT_Done_FreeType(library)
            throw MediaError.make(.invalidArgument, "\(file.path) has no scalable outlines").naming(file.path)
        }
        self.file = file
        self.familyName = face.pointee.family_name.map { String(cString: $0) } ?? ""
        self.styleName = face.pointee.style_name.map { String(cString: $0) } ?? ""
        self.unitsPerEm = Int(face.pointee.units_per_EM)
        if let table = FT_Get_Sfnt_Table(face, FT_SFNT_HEAD) {
            let revision = Double(table.assumingMemoryBound(to: TT_Header.self).pointee.Font_Revision) / 65536
            let thousandths = Int((revision * 1000).rounded())
            let fraction = String(abs(thousandths) % 1000)
            self.version = "\(thousandths / 1000)." + String(repeating: "0", count: 3 - fraction.count) + fraction
        } else {
            self.version = nil
        }
        self.state = Locked(FreeTypeHandles(library: library, face: face))
    }

    /// Convenience: opens `path` at `faceIndex`.
    public convenience init(path: String, faceIndex: Int = 0) throws(MediaError) {
        try self.init(FontFile(path: path, faceIndex: faceIndex))
    }

    /// Whether the face maps `scalar` to a real glyph (not `.notdef`).
    public func hasGlyph(for scalar: Unicode.Scalar) -> Bool {
        state.withLock { FT_Get_Char_Index($0.face, FT_ULong(scalar.value)) != 0 }
    }

    /// Renders `scalars` at an em size of `pixelSize` pixels: one coverage bitmap per scalar, in order.
    ///
    /// Scalars the face has no glyph for come back as `nil`; nothing is drawn for them.
    func renderGlyphs(_ scalars: [Unicode.Scalar], pixelSize: Int) -> [RenderedGlyph?] {
        state.withLock { handles -> [RenderedGlyph?] in
            let face = handles.face
            guard FT_Set_Pixel_Sizes(face, 0, FT_UInt(pixelSize)) == 0 else {
                return Array(repeating: nil, count: scalars.count)
            }
            let hasKerning = face.pointee.face_flags & FT_Long(FT_FACE_FLAG_KERNING) != 0
            var result: [RenderedGlyph?] = []
            result.reserveCapacity(scalars.count)
            var previousIndex: FT_UInt = 0
            for scalar in scalars {
                let glyphIndex = FT_Get_Char_Index(face, FT_ULong(scalar.value))
                guard glyphIndex != 0 else {
                    result.append(nil)
                    previousIndex = 0
                    continue
                }
                guard FT_Load_Glyph(face, glyphIndex, FT_Int32(FT_LOAD_RENDER)) == 0, let slot = face.pointee.glyph
                else {
                    result.append(nil)
                    previousIndex = 0
                    continue
                }
                var kerning = 0
                if hasKerning, previousIndex != 0 {
                    var delta = FT_Vector()
                    if FT_Get_Kerning(face, previousIndex, glyphIndex, FT_UInt(FT_KERNING_DEFAULT.rawValue), &delta) == 0 {
                        kerning = Int(delta.x)
                    }
                }
                previousIndex = glyphIndex
                let bitmap = slot.pointee.bitmap
                let rows = Int(bitmap.rows)
                let width = Int(bitmap.width)
                var coverage = [UInt8](repeating: 0, count: rows * width)
                if rows > 0, width > 0, let buffer = bitmap.buffer,
                    bitmap.pixel_mode == UInt8(FT_PIXEL_MODE_GRAY.rawValue)
                {
                    let pitch = Int(bitmap.pitch)
                    coverage.withUnsafeMutableBufferPointer { target in
                        for row in 0..<rows {
                            let source = pitch >= 0 ? buffer + row * pitch : buffer + (rows - 1 - row) * (-pitch)
                            for column in 0..<width { target[row * width + column] = source[column] }
                        }
                    }
                }
                result.append(
                    RenderedGlyph(
                        width: width, height: rows, coverage: coverage,
                        left: Int(slot.pointee.bitmap_left), top: Int(slot.pointee.bitmap_top),
                        advance26_6: Int(slot.pointee.advance.x), kerning26_6: kerning
                    )
                )
            }
            return result
        }
    }

    /// Ascender and descender (positive, pixels) of the face at an em size of `pixelSize`.
    func lineMetrics(pixelSize: Int) -> (ascent: Int, descent: Int) {
        state.withLock { handles in
            guard FT_Set_Pixel_Sizes(handles.face, 0, FT_UInt(pixelSize)) == 0, let size = handles.face.pointee.size
            else { return (pixelSize, 0) }
            let metrics = size.pointee.metrics
            return (Int((metrics.ascender + 63) >> 6), Int((-metrics.descender + 63) >> 6))
        }
    }
}

extension FontFace: CustomStringConvertible {
    public var description: String { "FontFace(\(familyName) \(styleName), \(file))" }
}

/// A font file and the index of a face in it (a `.ttc` collection holds several faces).
public struct FontFile: Sendable, Hashable, Codable {
    /// Path of the `.ttf`, `.otf` or `.ttc` file.
    public var path: String
    /// Index of the face inside the file; 0 for single-face files.
    public var faceIndex: Int

    public init(path: String, faceIndex: Int = 0) {
        self.path = path
        self.faceIndex = faceIndex
    }
}

extension FontFile: CustomStringConvertible {
    public var description: String { faceIndex == 0 ? path : "\(path)#\(faceIndex)" }
}

/// One glyph rendered by FreeType: an 8-bit coverage bitmap and its placement relative to the pen.
struct RenderedGlyph: Sendable {
    var width: Int
    var height: Int
    var coverage: [UInt8]
    /// Bitmap left edge relative to the pen position, pixels.
    var left: Int
    /// Bitmap top edge above the baseline, pixels.
    var top: Int
    /// Pen advance after this glyph, 26.6 fixed point.
    var advance26_6: Int
    /// Kerning to apply before this glyph (with the previous glyph of the same face), 26.6 fixed point.
    var kerning26_6: Int
}

/// The FreeType handles of one face; destroyed with it.
private struct FreeTypeHandles: ~Copyable {
    let library: FT_Library
    let face: FT_Face

    deinit {
        FT_Done_Face(face)
        FT_Done_FreeType(library)
    }
}
