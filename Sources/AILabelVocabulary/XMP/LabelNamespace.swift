/// The XMP namespaces of the labels ailabel writes and reads (their properties: ``LabelProperty``).
public enum LabelNamespace {
    /// IPTC Photo Metadata Extension: DigitalSourceType and the 2025.1 AI properties.
    public static let iptcExtension = "http://iptc.org/std/Iptc4xmpExt/2008-02-29/"
    public static let iptcExtensionPrefix = "Iptc4xmpExt"
    /// China's TC260 implicit label (GB 45438-2025 Annex E): property `AIGC` holds the JSON.
    public static let tc260 = "http://www.tc260.org.cn/ns/AIGC/1.0/"
    public static let tc260Prefix = "TC260"
    /// ailabel's own properties, for what the standards lack.
    public static let ailabel = "https://ailabel.dev/ns/1.0/"
    public static let ailabelPrefix = "ailabel"
}
