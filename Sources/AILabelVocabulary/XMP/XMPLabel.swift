import AILabelMedia

/// A disclosure as an XMP packet carries it: the IPTC digital source type and AI properties, China's TC260
/// implicit label, and ailabel's own record.
///
/// One type for both directions, so no part of ailabel re-parses by hand what another wrote: stamp makes
/// one from a ``DisclosureLabel`` and ``write(into:)``s it; stamp (re-stamping) and verify read one with
/// ``init(reading:)``. Reading is lenient and keeps values as written (they come from files anyone can
/// make): judging them is the reader's business.
public struct XMPLabel: Sendable, Hashable {
    /// `Iptc4xmpExt:DigitalSourceType`, every value as written. A packet may repeat a property by mistake
    /// and verify reports each value; the writer writes the first only, replacing the repeats.
    public var digitalSourceTypes: [String]
    /// `Iptc4xmpExt:AISystemUsed`, `AISystemVersionUsed`, `AIPromptInformation` (IPTC 2025.1).
    public var aiSystemUsed: String?
    public var aiSystemVersionUsed: String?
    public var aiPromptInformation: String?
    /// `Iptc4xmpExt:AIPromptWriterName`: read; written only when set (a label never names the prompt's writer).
    public var aiPromptWriterName: String?
    /// `TC260:AIGC`, every value's JSON text as written (GB 45438 allows one; verify counts them).
    public var aigc: [String]
    /// ailabel's own properties.
    public var record: AILabelRecord

    public init(
        digitalSourceTypes: [String] = [], aiSystemUsed: String? = nil, aiSystemVersionUsed: String? = nil,
        aiPromptInformation: String? = nil, aiPromptWriterName: String? = nil, aigc: [String] = [], record: AILabelRecord = AILabelRecord()
    ) {
        self.digitalSourceTypes = digitalSourceTypes
        self.aiSystemUsed = aiSystemUsed
        self.aiSystemVersionUsed = aiSystemVersionUsed
        self.aiPromptInformation = aiPromptInformation
        self.aiPromptWriterName = aiPromptWriterName
        self.aigc = aigc
        self.record = record
    }

    /// What stamp writes for `label`.
    public init(_ label: DisclosureLabel) {
        self.init(
            digitalSourceTypes: [label.digitalSourceType.uri], aiSystemUsed: label.aiSystem, aiSystemVersionUsed: label.aiSystemVersion,
            aiPromptInformation: label.prompt, aigc: [AIGCLabel(label).json], record: AILabelRecord(label))
    }

    /// The label properties `packet` carries (every field empty when it carries none).
    public init(reading packet: XMPPacket) {
        func text(_ property: LabelProperty) -> String? { packet.value(namespace: property.namespace, name: property.name)?.textValue }
        func display(_ property: LabelProperty) -> String? {
            guard let value = packet.value(namespace: property.namespace, name: property.name), !value.displayText.isEmpty else { return nil }
            return value.displayText
        }
        func all(_ property: LabelProperty) -> [String] {
            packet.values(namespace: property.namespace, name: property.name).map { $0.textValue ?? $0.displayText }
        }
        self.init(
            digitalSourceTypes: all(.digitalSourceType), aiSystemUsed: display(.aiSystemUsed),
            aiSystemVersionUsed: display(.aiSystemVersionUsed), aiPromptInformation: display(.aiPromptInformation),
            aiPromptWriterName: display(.aiPromptWriterName), aigc: all(.aigc), record: AILabelRecord(reading: packet))
    }

    /// Sets these properties in `packet`. Properties written by others stay, and every property is set
    /// once, so re-stamping never adds copies. A field that is nil or empty removes its property where the
    /// label owns its absence (an AI system, a prompt, a producer, the disclosure texts: a re-stamp may
    /// drop them); elsewhere it leaves the packet's value (a mark's record stays while the mark is in the
    /// pixels).
    public func write(into packet: inout XMPPacket) {
        if let type = digitalSourceTypes.first { packet.set(.text(type), property: .digitalSourceType) }
        packet.setOrRemove(aiSystemUsed, property: .aiSystemUsed)
        packet.setOrRemove(aiSystemVersionUsed, property: .aiSystemVersionUsed)
        packet.setOrRemove(aiPromptInformation, property: .aiPromptInformation)
        if let aiPromptWriterName { packet.set(.text(aiPromptWriterName), property: .aiPromptWriterName) }
        if let json = aigc.first { packet.set(.text(json), property: .aigc) }
        record.write(into: &packet)
    }

    /// The TC260 labels, each checked against Annex E.
    public var aigcLabels: [AIGCLabel.Parsed] { aigc.map(AIGCLabel.parse) }

    /// The content ID already there (ailabel's own, else the TC260 ProduceID), so re-stamping keeps it.
    public var contentID: String? {
        if let id = record.contentID, !id.isEmpty { return id }
        if let json = aigc.first, let parsed = AIGCLabel.parse(json).label, !parsed.produceID.isEmpty { return parsed.produceID }
        return nil
    }

    /// The properties a label's fields give, without its marks' records and what a label never writes:
    /// a file whose label equals a request's this way carries that label already.
    public var withoutMarks: XMPLabel {
        var copy = self
        copy.aiPromptWriterName = nil
        copy.record.visibleLabel = nil
        copy.record.watermark = nil
        copy.record.audibleLabel = nil
        copy.record.marksNotApplied = []
        return copy
    }

    /// The ``DisclosureLabel`` these properties record, when they record a whole one: an ailabel record
    /// with its content ID and creation time, and a digital source type of the vocabulary.
    public var disclosureLabel: DisclosureLabel? {
        guard let contentID = record.contentID, let created = record.created,
            let typeText = digitalSourceTypes.first, let type = DigitalSourceType(parsing: typeText)
        else { return nil }
        let tc260 = aigc.first.flatMap { AIGCLabel.parse($0).label }
        var label = DisclosureLabel(
            digitalSourceType: type, aiSystem: aiSystemUsed, aiSystemVersion: aiSystemVersionUsed, producerName: record.producerName,
            producerID: record.producerID, contentID: contentID, created: created, isDeepfake: record.isDeepfake ?? false,
            texts: record.disclosure, prompt: aiPromptInformation, propagatorID: tc260?.contentPropagator.nonEmpty,
            propagateID: tc260?.propagateID.nonEmpty, profile: record.profile ?? "")
        if case .record(let visible)? = record.visibleLabel { label.visibleLabel = visible }
        label.watermarked = record.watermark != nil && record.watermark == label.labelID
        label.audibleLabel = record.audibleLabel
        label.marksNotApplied = record.marksNotApplied
        return label
    }
}

extension XMPPacket {
    mutating func set(_ value: XMPValue, property: LabelProperty) {
        set(value, namespace: property.namespace, preferredPrefix: property.prefix, name: property.name)
    }

    mutating func setOrRemove(_ value: String?, property: LabelProperty) {
        if let value, !value.isEmpty {
            set(.text(value), property: property)
        } else {
            remove(namespace: property.namespace, name: property.name)
        }
    }
}

extension String {
    var nonEmpty: String? { isEmpty ? nil : self }
}
