import AILabelMedia

/// Writes a ``DisclosureLabel`` into the machine-readable layers of a file's metadata.
public enum LabelLayers {
    /// Sets the label's properties in an XMP packet. Properties written by others stay; ailabel's own
    /// properties are replaced, so re-stamping never adds copies.
    public static func apply(_ label: DisclosureLabel, to packet: inout XMPPacket) {
        let iptc = LabelNamespace.iptcExtension
        let iptcPrefix = LabelNamespace.iptcExtensionPrefix
        packet.set(.text(label.digitalSourceType.uri), namespace: iptc, preferredPrefix: iptcPrefix, name: "DigitalSourceType")
        setOrRemove(label.aiSystem, in: &packet, namespace: iptc, prefix: iptcPrefix, name: "AISystemUsed")
        setOrRemove(label.aiSystemVersion, in: &packet, namespace: iptc, prefix: iptcPrefix, name: "AISystemVersionUsed")
        setOrRemove(label.prompt, in: &packet, namespace: iptc, prefix: iptcPrefix, name: "AIPromptInformation")

        packet.set(.text(aigc(for: label).json), namespace: LabelNamespace.tc260, preferredPrefix: LabelNamespace.tc260Prefix, name: "AIGC")

        let own = LabelNamespace.ailabel
        let prefix = LabelNamespace.ailabelPrefix
        packet.set(.text(label.labelID), namespace: own, preferredPrefix: prefix, name: "LabelID")
        packet.set(.text(label.contentID), namespace: own, preferredPrefix: prefix, name: "ContentID")
        packet.set(.text(label.isDeepfake ? "True" : "False"), namespace: own, preferredPrefix: prefix, name: "Deepfake")
        packet.set(.text(label.profile), namespace: own, preferredPrefix: prefix, name: "Profile")
        packet.set(.text(label.created), namespace: own, preferredPrefix: prefix, name: "Created")
        setOrRemove(label.producerName, in: &packet, namespace: own, prefix: prefix, name: "Producer")
        setOrRemove(label.producerID, in: &packet, namespace: own, prefix: prefix, name: "ProducerID")
        if label.texts.isEmpty {
            packet.remove(namespace: own, name: "Disclosure")
        } else {
            packet.set(.alternative(label.texts), namespace: own, preferredPrefix: prefix, name: "Disclosure")
        }
        if let visible = label.visibleLabel {
            packet.set(.text("\(visible.x),\(visible.y),\(visible.width),\(visible.height)"), namespace: own, preferredPrefix: prefix, name: "VisibleLabelRegion")
            packet.set(.text(visible.text), namespace: own, preferredPrefix: prefix, name: "VisibleLabelText")
            packet.set(.bag(visible.languages), namespace: own, preferredPrefix: prefix, name: "VisibleLabelLanguages")
            packet.set(.text(visible.variant), namespace: own, preferredPrefix: prefix, name: "VisibleLabelVariant")
            if let record = visible.recordJSON {
                packet.set(.text(record), namespace: own, preferredPrefix: prefix, name: "VisibleLabelRecord")
            }
        }
        if label.watermarked {
            packet.set(.text(label.labelID), namespace: own, preferredPrefix: prefix, name: "Watermark")
        }
    }

    /// The properties ``apply(_:to:)`` writes from the label's fields (not its marks): a file whose values
    /// of these equal the label's carries that label already.
    public static let textProperties: [(namespace: String, name: String)] = {
        let iptc = LabelNamespace.iptcExtension
        let own = LabelNamespace.ailabel
        return [
            (iptc, "DigitalSourceType"), (iptc, "AISystemUsed"), (iptc, "AISystemVersionUsed"), (iptc, "AIPromptInformation"),
            (LabelNamespace.tc260, "AIGC"), (own, "LabelID"), (own, "ContentID"), (own, "Deepfake"), (own, "Profile"), (own, "Created"),
            (own, "Producer"), (own, "ProducerID"), (own, "Disclosure"),
        ]
    }()

    /// The TC260 implicit label for a disclosure label.
    public static func aigc(for label: DisclosureLabel) -> AIGCLabel {
        let producer = AIGCLabel.sanitize(label.producerID ?? label.producerName ?? "")
        return AIGCLabel(
            label: "1", contentProducer: producer.isEmpty ? "unknown" : producer, produceID: AIGCLabel.sanitize(label.contentID),
            contentPropagator: AIGCLabel.sanitize(label.propagatorID ?? ""), propagateID: AIGCLabel.sanitize(label.propagateID ?? ""))
    }

    /// EXIF tags added for readers that never look at XMP. Only absent tags are written; see
    /// Docs/formats.md for why these two.
    public static func exifValues(for label: DisclosureLabel) -> [EXIFMetadata.ASCIIValue] {
        let english = label.texts.first { $0.language == "en" }?.text ?? "Created with AI"
        var values = [
            EXIFMetadata.ASCIIValue(
                directory: .ifd0, tag: EXIFTag.imageDescription, value: "\(english) (IPTC digital source type: \(label.digitalSourceType.term))")
        ]
        if let system = label.aiSystem {
            values.append(EXIFMetadata.ASCIIValue(directory: .ifd0, tag: EXIFTag.software, value: [system, label.aiSystemVersion].compactMap { $0 }.joined(separator: " ")))
        }
        return values
    }

    /// The content ID a file already carries (ailabel's own, else the TC260 ProduceID), so re-stamping keeps it.
    public static func existingContentID(in packet: XMPPacket) -> String? {
        if let id = packet.value(namespace: LabelNamespace.ailabel, name: "ContentID")?.textValue, !id.isEmpty { return id }
        if let json = packet.value(namespace: LabelNamespace.tc260, name: "AIGC")?.textValue,
            let parsed = AIGCLabel.parse(json).label, !parsed.produceID.isEmpty
        {
            return parsed.produceID
        }
        return nil
    }

    private static func setOrRemove(_ value: String?, in packet: inout XMPPacket, namespace: String, prefix: String, name: String) {
        if let value, !value.isEmpty {
            packet.set(.text(value), namespace: namespace, preferredPrefix: prefix, name: name)
        } else {
            packet.remove(namespace: namespace, name: name)
        }
    }
}
