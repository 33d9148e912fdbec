public import AILabelMedia

/// What ``VisibleLabeler/apply(to:texts:style:)`` drew, and where: enough to describe the visible label in the
/// manifest and XMP, and to re-render the badge when verifying that it is still there.
///
/// Coordinates are pixels of the image the badge was drawn on, origin top left, y downwards.
public struct BadgeRecord: Sendable, Hashable, Codable {
    /// A rectangle in image pixels.
    public struct Region: Sendable, Hashable, Codable {
        public var x: Int
        public var y: Int
        public var width: Int
        public var height: Int

        public init(x: Int, y: Int, width: Int, height: Int) {
            self.x = x
            self.y = y
            self.width = width
            self.height = height
        }

        /// Whether the rectangle lies wholly inside an image of the given size.
        public func isInside(width imageWidth: Int, height imageHeight: Int) -> Bool {
            // Written without `x + width`, which a hostile record could overflow.
            x >= 0 && y >= 0 && width > 0 && height > 0 && width <= imageWidth && height <= imageHeight
                && x <= imageWidth - width && y <= imageHeight - height
        }
    }

    /// One drawn line of text.
    public struct Line: Sendable, Hashable, Codable {
        /// Language of the text this line belongs to ("kk", "ru", "en", "zh", or "eu-icon" for the icon text).
        public var language: String
        /// The characters of the line (a text may wrap onto several lines).
        public var text: String
        /// Pen origin of the line: x of the start, y of the baseline.
        public var originX: Int
        public var baselineY: Int
        /// Height in pixels of the line's ink bounding box.
        public var inkHeight: Int

        public init(language: String, text: String, originX: Int, baselineY: Int, inkHeight: Int) {
            self.language = language
            self.text = text
            self.originX = originX
            self.baselineY = baselineY
            self.inkHeight = inkHeight
        }
    }

    /// The background as drawn (for a translucent one, the opacity actually used, which may be higher than asked).
    public struct Background: Sendable, Hashable, Codable {
        /// "solid" or "translucent".
        public var kind: String
        public var color: RGBColor
        public var opacity: Double

        public init(kind: String, color: RGBColor, opacity: Double) {
            self.kind = kind
            self.color = color
            self.opacity = opacity
        }
    }

    /// Version of this record's layout and rendering rules.
    public var version: Int
    /// The badge rectangle.
    public var region: Region
    /// Size of the image the badge was drawn on.
    public var imageWidth: Int
    public var imageHeight: Int
    public var corner: BadgeStyle.Corner
    /// "text", or "eu-icon:AI", "eu-icon:AI GENERATED", "eu-icon:AI MODIFIED".
    public var variant: String
    /// The texts drawn, whole, in order (texts left out for lack of room are in ``omittedLanguages``).
    public var texts: [BadgeText]
    /// Languages of ``texts``.
    public var languages: [String]
    /// Languages whose text was passed but left out because the image was too small to hold it.
    public var omittedLanguages: [String]
    /// The lines as laid out.
    public var lines: [Line]
    /// The fonts that drew the glyphs, in fallback order, by family, style and version: never their paths,
    /// which would publish the stamping machine's layout and user names (`/home/alice/...`), and which a
    /// verifier must never open on a file's say-so. Verify re-renders with the installed faces that match.
    public var fonts: [RecordedFont]
    /// Em size FreeType rendered at, pixels.
    public var emPixels: Int
    /// The text height: ink height of a capital "H" of the first font at ``emPixels`` (cap height), pixels.
    /// Ideographs and lines with ascenders or descenders are taller.
    public var textHeight: Int
    /// ``textHeight`` divided by the image's shorter side.
    public var textHeightFraction: Double
    /// Whether ``textHeight`` is at least 5 % of the shorter side (GB 45438-2025 §5.2).
    public var meetsMinimumHeight: Bool
    /// ``textHeight`` scaled to a display 320 pixels wide.
    public var textHeightAt320: Double
    public var textColor: RGBColor
    public var background: Background
    /// Worst-case WCAG contrast between text and badge background (for a translucent badge, over the
    /// pixels it was drawn on, with an unknown backdrop behind transparent pixels).
    public var contrastRatio: Double

    public init(
        version: Int = 1, region: Region, imageWidth: Int, imageHeight: Int, corner: BadgeStyle.Corner,
        variant: String, texts: [BadgeText], languages: [String], omittedLanguages: [String], lines: [Line],
        fonts: [RecordedFont], emPixels: Int, textHeight: Int, textHeightFraction: Double, meetsMinimumHeight: Bool,
        textHeightAt320: Double, textColor: RGBColor, background: Background, contrastRatio: Double
    ) {
        self.version = version
        self.region = region
        self.imageWidth = imageWidth
        self.imageHeight = imageHeight
        self.corner = corner
        self.variant = variant
        self.texts = texts
        self.languages = languages
        self.omittedLanguages = omittedLanguages
        self.lines = lines
        self.fonts = fonts
        self.emPixels = emPixels
        self.textHeight = textHeight
        self.textHeightFraction = textHeightFraction
        self.meetsMinimumHeight = meetsMinimumHeight
        self.textHeightAt320 = textHeightAt320
        self.textColor = textColor
        self.background = background
        self.contrastRatio = contrastRatio
    }
}

/// A font as a badge record names it.
public struct RecordedFont: Sendable, Hashable, Codable {
    public var family: String
    public var style: String
    public var version: String?

    public init(family: String, style: String, version: String?) {
        self.family = family
        self.style = style
        self.version = version
    }

    public init(_ face: FontFace) {
        self.init(family: face.familyName, style: face.styleName, version: face.version)
    }

    /// Whether `face` is this font (the version must match when both are known).
    public func matches(_ face: FontFace) -> Bool {
        face.familyName == family && face.styleName == style && (version == nil || face.version == nil || face.version == version)
    }

    enum CodingKeys: String, CodingKey { case family, style, version }

    /// Records written before fonts were named by family held `{path, faceIndex}`: read as an unknown
    /// font (never opened), so verify uses its own fonts.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        family = try container.decodeIfPresent(String.self, forKey: .family) ?? ""
        style = try container.decodeIfPresent(String.self, forKey: .style) ?? ""
        version = try container.decodeIfPresent(String.self, forKey: .version)
    }
}

extension BadgeRecord {
    /// Bounds on what `badgePresent` will re-render from a record read from an untrusted file.
    static let maximumLines = 256
    static let maximumLineScalars = 1000

    /// Why this record cannot describe a badge on a `width` × `height` image, or nil if it is plausible.
    /// Keeps a hostile record from making the checker allocate without bound or overflow.
    func implausibility(imageWidth width: Int, imageHeight height: Int) -> String? {
        if lines.isEmpty { return "it declares no text lines" }
        if lines.count > Self.maximumLines { return "it declares \(lines.count) lines" }
        // The labeler's badge is at least 1.29 em high (cap height 0.71 em plus padding), so em ≤ height.
        if emPixels < 1 || emPixels > region.height {
            return "em size \(emPixels) px does not fit a \(region.height) px high badge"
        }
        let reach = 4 * (width + height)
        for line in lines {
            let scalars = line.text.unicodeScalars.count
            if scalars == 0 || scalars > Self.maximumLineScalars { return "a line has \(scalars) characters" }
            // Every glyph advances at least about a quarter em; a line far wider than the badge is not one it held.
            if scalars / 4 * emPixels > 4 * region.width + 4 * emPixels {
                return "a line of \(scalars) characters at \(emPixels) px cannot fit a \(region.width) px wide badge"
            }
            if !(-reach...reach).contains(line.originX) || !(-reach...reach).contains(line.baselineY) {
                return "a line lies far outside the image"
            }
        }
        return nil
    }
}

extension BadgeRecord: CustomStringConvertible {
    public var description: String {
        "BadgeRecord(\(variant), \(languages.joined(separator: "+")), region \(region.x),\(region.y) "
            + "\(region.width)×\(region.height), text \(textHeight) px)"
    }
}

/// The outcome of ``VisibleLabeler/badgePresent(in:record:)``.
public struct BadgeCheck: Sendable, Hashable, Codable {
    public enum Status: String, Sendable, Hashable, Codable {
        /// The badge is in its declared region.
        case present
        /// The declared region is not (wholly) inside the image: the badge was cropped off.
        case regionOutsideImage = "region-outside-image"
        /// The region is there but does not hold the badge: painted over, replaced or blurred away.
        case altered
        /// The record itself is implausible (sizes or coordinates no renderer would produce); nothing was drawn.
        case malformedRecord = "malformed-record"
    }

    public var status: Status
    /// The weakest correlation (−1 … 1) between the re-rendered text and the image, over the tiles of every line;
    /// 0 when not computed.
    public var score: Double
    /// Why, in words.
    public var detail: String

    public var isPresent: Bool { status == .present }

    public init(status: Status, score: Double, detail: String) {
        self.status = status
        self.score = score
        self.detail = detail
    }
}

extension BadgeCheck: CustomStringConvertible {
    public var description: String { "\(status.rawValue) (score \(score)): \(detail)" }
}

/// Why the badge could not be drawn.
public struct VisibleLabelError: Error, Sendable, Hashable {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private let name: String
        private init(_ name: String) { self.name = name }
        public var description: String { name }

        /// No text to draw.
        public static let noText = Code("visible.no-text")
        /// A character of the text has no glyph in any font.
        public static let missingGlyphs = Code("visible.missing-glyphs")
        /// Text and background colours do not reach the minimum contrast.
        public static let insufficientContrast = Code("visible.insufficient-contrast")
        /// The image cannot hold even the smallest legible badge.
        public static let imageTooSmall = Code("visible.image-too-small")
        /// The fonts could not be opened.
        public static let fonts = Code("visible.fonts")
    }

    public let code: Code
    public let reason: String

    public init(_ code: Code, _ reason: String) {
        self.code = code
        self.reason = reason
    }

    public static func == (lhs: VisibleLabelError, rhs: VisibleLabelError) -> Bool { lhs.code == rhs.code }
    public func hash(into hasher: inout Hasher) { hasher.combine(code) }
}

extension VisibleLabelError: CustomStringConvertible {
    public var description: String { reason }
}
