/// The name of a container format, as every report writes it in `format` (`jpeg`, `png`, …).
///
/// An open value with stable string forms, like ``MediaError/Code``: each format's folder under
/// `Formats/` declares its own (`MediaFormat.jpeg` in `Formats/JPEG`), and ``AssetRegistry`` knows
/// which ones this build reads. Nothing outside a format's folder switches over formats.
public struct MediaFormat: RawRepresentable, Hashable, Sendable, Codable, CustomStringConvertible {
    public let rawValue: String

    public init(rawValue: String) { self.rawValue = rawValue }

    public var description: String { rawValue }
}
