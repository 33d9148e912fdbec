import AILabelMedia
import AILabelVisible
import AILabelVocabulary
import Foundation

/// Draws the visible disclosure badge with the label's texts, and records where and what it drew.
public struct VisibleMarker: PixelMarker {
    public let labeler: VisibleLabeler
    public var style: BadgeStyle
    /// Draw the EU icon ("AI GENERATED" / "AI MODIFIED") before the texts.
    public var euIcon: Bool
    public var name: String { "visible" }

    /// - Parameter fontFiles: nil for the installed defaults (Noto Sans Bold, Noto Sans CJK SC Bold, DejaVu Sans Bold).
    public init(
        fontFiles: [FontFile]? = nil, corner: BadgeStyle.Corner = .topRight, margin: BadgeStyle.Margin? = nil, euIcon: Bool = false
    ) throws {
        labeler = try VisibleLabeler(fontFiles: fontFiles)
        style = BadgeStyle.default
        style.corner = corner
        if let margin { style.margin = margin }
        self.euIcon = euIcon
    }

    /// The texts and style of the badge for `label`: the short forms of its texts (a language with no short form
    /// keeps the label's own text), and the EU icon when asked.
    public func badge(for label: DisclosureLabel) -> (texts: [BadgeText], style: BadgeStyle) {
        var style = self.style
        if euIcon {
            style.variant = .euIcon(label.digitalSourceType == .trainedAlgorithmicMedia ? .aiGenerated : .aiModified)
        }
        let short = DisclosureTexts.texts(kind: DisclosureTexts.kind(for: label).badge, languages: label.languages).texts
        let texts = label.texts.map { full in short.first { $0.language == full.language } ?? full }
        return (texts.map { BadgeText(language: $0.language, text: $0.text) }, style)
    }

    public func mark(_ image: RGBImage, label: inout DisclosureLabel) throws -> RGBImage {
        let (texts, style) = badge(for: label)
        let (marked, record) = try labeler.apply(to: image, texts: texts, style: style)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        label.visibleLabel = VisibleLabelRecord(
            x: record.region.x, y: record.region.y, width: record.region.width, height: record.region.height,
            text: record.texts.map(\.text).joined(separator: " / "), languages: record.languages, variant: record.variant,
            recordJSON: String(decoding: try encoder.encode(record), as: UTF8.self))
        return marked
    }
}
