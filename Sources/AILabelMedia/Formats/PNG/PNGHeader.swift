/// The PNG IHDR fields.
public struct PNGHeader: FormatCoding, Hashable, Codable {
    public var bitDepth: Int
    public var colorType: Int
    public var interlaced: Bool
    public var hasAlpha: Bool { colorType == 4 || colorType == 6 }
    public var isGray: Bool { colorType == 0 || colorType == 4 }

    public var reportKey: String { "png" }

    public var summary: String { "\(bitDepth)-bit, colour type \(colorType)\(interlaced ? ", interlaced" : "")" }
}

extension MediaContents {
    /// The IHDR fields, when the file is a PNG.
    public var pngHeader: PNGHeader? {
        get { coding as? PNGHeader }
        set { coding = newValue }
    }
}
