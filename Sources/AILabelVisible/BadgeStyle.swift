/// An sRGB colour, 8 bits per channel.
public struct RGBColor: Sendable, Hashable, Codable {
    public var red: UInt8
    public var green: UInt8
    public var blue: UInt8

    public init(red: UInt8, green: UInt8, blue: UInt8) {
        self.red = red
        self.green = green
        self.blue = blue
    }

    public static let black = RGBColor(red: 0, green: 0, blue: 0)
    public static let white = RGBColor(red: 255, green: 255, blue: 255)

    /// WCAG 2.x relative luminance, 0 (black) … 1 (white).
    public var relativeLuminance: Double {
        Contrast.luminance(red: Double(red), green: Double(green), blue: Double(blue))
    }

    /// The gray of the same BT.601 luma (0.299 R + 0.587 G + 0.114 B), as a grayscale re-encode would show it.
    public var grayEquivalent: RGBColor {
        let weighted: Double = 0.299 * Double(red) + 0.587 * Double(green) + 0.114 * Double(blue)
        let luma = UInt8(weighted.rounded())
        return RGBColor(red: luma, green: luma, blue: luma)
    }

    /// The WCAG 2.x contrast ratio between two colours, 1 … 21.
    public func contrastRatio(with other: RGBColor) -> Double {
        Contrast.ratio(relativeLuminance, other.relativeLuminance)
    }
}

extension RGBColor: CustomStringConvertible {
    public var description: String {
        "#" + [red, green, blue].map { value in
            let hex = String(value, radix: 16, uppercase: true)
            return hex.count == 1 ? "0" + hex : hex
        }.joined()
    }
}

/// How the disclosure badge looks and where it goes.
public struct BadgeStyle: Sendable, Hashable, Codable {
    /// The image corner the badge is anchored to.
    public enum Corner: String, Sendable, Hashable, Codable, CaseIterable {
        case topLeft = "top-left", topRight = "top-right", bottomLeft = "bottom-left", bottomRight = "bottom-right"

        var isRight: Bool { self == .topRight || self == .bottomRight }
        var isBottom: Bool { self == .bottomLeft || self == .bottomRight }
    }

    /// Distance between the badge and the image edges.
    public enum Margin: Sendable, Hashable, Codable {
        /// A fraction of the image's shorter side (rounded, at least 1 pixel).
        case fraction(Double)
        /// A fixed number of pixels (0 puts the badge flush with the edges).
        case pixels(Int)

        func pixels(shorterSide: Int) -> Int {
            switch self {
            case .fraction(let fraction): max(1, Int((fraction * Double(shorterSide)).rounded()))
            case .pixels(let pixels): max(0, pixels)
            }
        }
    }

    /// The badge's background.
    public enum Background: Sendable, Hashable, Codable {
        /// An opaque rectangle. On RGBA images it also makes the badge area opaque (alpha 255).
        case solid(RGBColor)
        /// A rectangle blended over the image with `opacity` (0 … 1). The labeler raises the opacity if the
        /// worst-case contrast over the pixels underneath would fall below ``BadgeStyle/minimumContrast``.
        case translucent(RGBColor, opacity: Double)

        public var color: RGBColor {
            switch self {
            case .solid(let color), .translucent(let color, _): color
            }
        }

        /// The same background in another colour.
        public func withColor(_ color: RGBColor) -> Background {
            switch self {
            case .solid: .solid(color)
            case .translucent(_, let opacity): .translucent(color, opacity: opacity)
            }
        }

        public var opacity: Double {
            switch self {
            case .solid: 1
            case .translucent(_, let opacity): min(1, max(0, opacity))
            }
        }
    }

    /// The EU Code of Practice icon texts.
    public enum EUIcon: String, Sendable, Hashable, Codable, CaseIterable {
        /// The basic "AI" icon (general AI involvement).
        case ai = "AI"
        /// Fully AI-generated content.
        case aiGenerated = "AI GENERATED"
        /// Partially AI-modified content.
        case aiModified = "AI MODIFIED"
    }

    /// What the badge says.
    public enum Variant: Sendable, Hashable, Codable {
        /// The disclosure texts passed to ``VisibleLabeler/apply(to:texts:style:)``, one block per language.
        case text
        /// An EU-style icon text ("AI", "AI GENERATED", "AI MODIFIED") drawn first, followed by the texts
        /// passed to `apply` (which may be empty).
        case euIcon(EUIcon)
    }

    public var corner: Corner
    public var margin: Margin
    public var background: Background
    public var textColor: RGBColor
    public var variant: Variant
    /// Preferred text height as a fraction of the image's shorter side (see ``VisibleLabeler`` for what
    /// "text height" means). The labeler never goes below ``VisibleLabeler/minimumTextHeightFraction`` (5 %)
    /// unless the image is too small to hold the badge otherwise.
    public var textHeightFraction: Double
    /// The least contrast ratio (WCAG) allowed between text and badge background.
    public var minimumContrast: Double

    public init(
        corner: Corner = .topRight,
        margin: Margin = .fraction(0.02),
        background: Background = .solid(.black),
        textColor: RGBColor = .white,
        variant: Variant = .text,
        textHeightFraction: Double = 0.06,
        minimumContrast: Double = 4.5
    ) {
        self.corner = corner
        self.margin = margin
        self.background = background
        self.textColor = textColor
        self.variant = variant
        self.textHeightFraction = textHeightFraction
        self.minimumContrast = minimumContrast
    }

    /// White text on an opaque black badge, top right.
    public static let `default` = BadgeStyle()
}

/// One disclosure text and its language (a BCP 47 tag such as "kk", "ru", "en", "zh").
public struct BadgeText: Sendable, Hashable, Codable {
    public var language: String
    public var text: String

    public init(language: String, text: String) {
        self.language = language
        self.text = text
    }
}

extension BadgeText {
    /// Example wordings, for tests and for callers without their own. The stamp module owns the canonical
    /// texts; the Kazakh wording is the research notes' proposal and needs a native speaker's review.
    public enum Examples {
        public static let kazakh = BadgeText(language: "kk", text: "Жасанды интеллект арқылы жасалған")
        public static let russian = BadgeText(language: "ru", text: "Создано с помощью искусственного интеллекта")
        public static let english = BadgeText(language: "en", text: "AI-generated")
        public static let chinese = BadgeText(language: "zh", text: "人工智能生成")
        public static let kazakhDeepfake = BadgeText(
            language: "kk", text: "Дипфейк: жасанды интеллект арқылы жасалған")
        public static let russianDeepfake = BadgeText(
            language: "ru", text: "Дипфейк: создано с помощью искусственного интеллекта")
        public static let englishDeepfake = BadgeText(language: "en", text: "Deepfake: AI-generated content")
    }
}

@available(*, unavailable)
extension BadgeText.Examples: Sendable {}
