import AILabelMedia
import Foundation

/// ailabel's own XMP record (namespace `https://ailabel.dev/ns/1.0/`), for what the standards lack: the
/// label and content IDs, the deepfake flag, the profile, the disclosure texts and the marks' records.
/// Part of ``XMPLabel``, which says how nil fields are written.
public struct AILabelRecord: Sendable, Hashable {
    /// `ailabel:LabelID`: its presence is what says a packet carries an ailabel label.
    public var labelID: String?
    public var contentID: String?
    /// `ailabel:Deepfake`, `True` or `False` (read case-insensitively; any other text reads false).
    public var isDeepfake: Bool?
    public var profile: String?
    public var created: String?
    /// `ailabel:Producer` and `ailabel:ProducerID`.
    public var producerName: String?
    public var producerID: String?
    /// `ailabel:Disclosure`, a language alternative; empty when absent or of another form.
    public var disclosure: [XMPLanguageString]
    /// The visible badge's record (`ailabel:VisibleLabel*`), present when a region is.
    public var visibleLabel: VisibleLabelField?
    /// `ailabel:Watermark`: the label ID the invisible watermark carries.
    public var watermark: String?
    /// `ailabel:AudibleLabel`: the audible disclosure's record.
    public var audibleLabel: AudibleLabelRecord?
    /// `ailabel:MarksNotApplied`: marks asked for that the file could not take (see ``DisclosureLabel/marksNotApplied``).
    public var marksNotApplied: [String] = []

    public init(
        labelID: String? = nil, contentID: String? = nil, isDeepfake: Bool? = nil, profile: String? = nil, created: String? = nil,
        producerName: String? = nil, producerID: String? = nil, disclosure: [XMPLanguageString] = [],
        visibleLabel: VisibleLabelField? = nil, watermark: String? = nil
    ) {
        self.labelID = labelID
        self.contentID = contentID
        self.isDeepfake = isDeepfake
        self.profile = profile
        self.created = created
        self.producerName = producerName
        self.producerID = producerID
        self.disclosure = disclosure
        self.visibleLabel = visibleLabel
        self.watermark = watermark
    }

    /// What stamp writes for `label`.
    public init(_ label: DisclosureLabel) {
        self.init(
            labelID: label.labelID, contentID: label.contentID, isDeepfake: label.isDeepfake, profile: label.profile, created: label.created,
            producerName: label.producerName, producerID: label.producerID, disclosure: label.texts,
            visibleLabel: label.visibleLabel.map(VisibleLabelField.record), watermark: label.watermarked ? label.labelID : nil)
        audibleLabel = label.audibleLabel
        marksNotApplied = label.marksNotApplied
    }

    public init(reading packet: XMPPacket) {
        func value(_ property: LabelProperty) -> XMPValue? { packet.value(namespace: property.namespace, name: property.name) }
        func text(_ property: LabelProperty) -> String? { value(property)?.textValue }
        var disclosure: [XMPLanguageString] = []
        if case .alternative(let texts)? = value(.disclosure) { disclosure = texts }
        var visible: VisibleLabelField?
        if let region = text(.visibleLabelRegion) {
            var languages: [String] = []
            if case .bag(let items)? = value(.visibleLabelLanguages) { languages = items }
            visible = VisibleLabelField(
                region: region, text: text(.visibleLabelText) ?? "", languages: languages, variant: text(.visibleLabelVariant) ?? "text",
                recordJSON: text(.visibleLabelRecord), timeSpan: text(.visibleLabelTimeSpan).flatMap(VisibleTimeSpan.init(text:)))
        }
        self.init(
            labelID: text(.labelID), contentID: text(.contentID), isDeepfake: text(.deepfake).map { $0.lowercased() == "true" },
            profile: text(.profile), created: text(.created), producerName: text(.producer), producerID: text(.producerID),
            disclosure: disclosure, visibleLabel: visible, watermark: text(.watermark))
        audibleLabel = text(.audibleLabel).flatMap(AudibleLabelRecord.init(json:))
        if case .bag(let names)? = value(.marksNotApplied) { marksNotApplied = names }
    }

    func write(into packet: inout XMPPacket) {
        if let labelID { packet.set(.text(labelID), property: .labelID) }
        if let contentID { packet.set(.text(contentID), property: .contentID) }
        if let isDeepfake { packet.set(.text(isDeepfake ? "True" : "False"), property: .deepfake) }
        if let profile { packet.set(.text(profile), property: .profile) }
        if let created { packet.set(.text(created), property: .created) }
        packet.setOrRemove(producerName, property: .producer)
        packet.setOrRemove(producerID, property: .producerID)
        if disclosure.isEmpty {
            packet.remove(namespace: LabelProperty.disclosure.namespace, name: LabelProperty.disclosure.name)
        } else {
            packet.set(.alternative(disclosure), property: .disclosure)
        }
        switch visibleLabel {
        case .record(let visible)?:
            packet.set(.text("\(visible.x),\(visible.y),\(visible.width),\(visible.height)"), property: .visibleLabelRegion)
            packet.set(.text(visible.text), property: .visibleLabelText)
            packet.set(.bag(visible.languages), property: .visibleLabelLanguages)
            packet.set(.text(visible.variant), property: .visibleLabelVariant)
            if let record = visible.recordJSON { packet.set(.text(record), property: .visibleLabelRecord) }
            if let span = visible.timeSpan { packet.set(.text(span.text), property: .visibleLabelTimeSpan) }
        case .malformedRegion(let region)?:
            packet.set(.text(region), property: .visibleLabelRegion)
        case nil:
            break
        }
        if let watermark { packet.set(.text(watermark), property: .watermark) }
        if let audibleLabel { packet.set(.text(audibleLabel.json), property: .audibleLabel) }
        if marksNotApplied.isEmpty {
            packet.remove(namespace: LabelProperty.marksNotApplied.namespace, name: LabelProperty.marksNotApplied.name)
        } else {
            packet.set(.bag(marksNotApplied), property: .marksNotApplied)
        }
    }
}

/// The visible badge's record as read: whole, or with a region that is not `x,y,width,height`.
public enum VisibleLabelField: Sendable, Hashable {
    case record(VisibleLabelRecord)
    /// The region as written.
    case malformedRegion(String)

    init(region: String, text: String, languages: [String], variant: String, recordJSON: String?, timeSpan: VisibleTimeSpan? = nil) {
        let numbers = region.split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard numbers.count == 4 else {
            self = .malformedRegion(region)
            return
        }
        self = .record(VisibleLabelRecord(
            x: numbers[0], y: numbers[1], width: numbers[2], height: numbers[3], text: text, languages: languages, variant: variant,
            recordJSON: recordJSON, timeSpan: timeSpan))
    }
}
