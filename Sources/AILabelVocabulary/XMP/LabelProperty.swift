/// One XMP property of the label schema: its namespace, the prefix ailabel declares for it, and its name.
public struct LabelProperty: Sendable, Hashable, CustomStringConvertible {
    public let namespace: String
    public let prefix: String
    public let name: String

    public init(namespace: String, prefix: String, name: String) {
        self.namespace = namespace
        self.prefix = prefix
        self.name = name
    }

    public var description: String { "\(prefix):\(name)" }

    static func iptc(_ name: String) -> LabelProperty {
        LabelProperty(namespace: LabelNamespace.iptcExtension, prefix: LabelNamespace.iptcExtensionPrefix, name: name)
    }

    static func ailabel(_ name: String) -> LabelProperty {
        LabelProperty(namespace: LabelNamespace.ailabel, prefix: LabelNamespace.ailabelPrefix, name: name)
    }

    // IPTC Photo Metadata Extension.
    public static let digitalSourceType = iptc("DigitalSourceType")
    public static let aiSystemUsed = iptc("AISystemUsed")
    public static let aiSystemVersionUsed = iptc("AISystemVersionUsed")
    public static let aiPromptInformation = iptc("AIPromptInformation")
    public static let aiPromptWriterName = iptc("AIPromptWriterName")

    /// TC260 (GB 45438-2025 Annex E): the JSON of the implicit label.
    public static let aigc = LabelProperty(namespace: LabelNamespace.tc260, prefix: LabelNamespace.tc260Prefix, name: "AIGC")

    // ailabel's own record.
    public static let labelID = ailabel("LabelID")
    public static let contentID = ailabel("ContentID")
    public static let deepfake = ailabel("Deepfake")
    public static let profile = ailabel("Profile")
    public static let created = ailabel("Created")
    public static let producer = ailabel("Producer")
    public static let producerID = ailabel("ProducerID")
    public static let disclosure = ailabel("Disclosure")
    public static let visibleLabelRegion = ailabel("VisibleLabelRegion")
    public static let visibleLabelText = ailabel("VisibleLabelText")
    public static let visibleLabelLanguages = ailabel("VisibleLabelLanguages")
    public static let visibleLabelVariant = ailabel("VisibleLabelVariant")
    public static let visibleLabelRecord = ailabel("VisibleLabelRecord")
    /// The audible disclosure's record (``AudibleLabelRecord``) as JSON.
    public static let audibleLabel = ailabel("AudibleLabel")
    /// A video's badge: the seconds it is shown, `start-end`.
    public static let visibleLabelTimeSpan = ailabel("VisibleLabelTimeSpan")
    public static let watermark = ailabel("Watermark")
    /// A bag of mark names (`visible`, `watermark`) asked for but not applied.
    public static let marksNotApplied = ailabel("MarksNotApplied")
}
