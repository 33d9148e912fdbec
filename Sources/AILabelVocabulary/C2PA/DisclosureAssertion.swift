import AILabelManifest
import AILabelMedia

/// ailabel's own C2PA assertion, `io.ailabel.disclosure`: the label's record inside the signed manifest
/// (a CBOR map), so a file keeps it where the signature covers it. One type for both directions: the
/// signer writes ``fields`` of a label, verify reads one with ``init(reading:)``.
public struct DisclosureAssertion: Sendable, Hashable {
    public var labelID: String?
    public var contentID: String?
    /// The IPTC term's URI, as written.
    public var digitalSourceType: String?
    public var isDeepfake: Bool?
    public var profile: String?
    public var created: String?
    /// The disclosure texts, a map of language to text: a map has no order, so they are kept sorted by
    /// language (as deterministic CBOR writes them).
    public var disclosure: [XMPLanguageString]
    /// The TC260 implicit label's JSON.
    public var aigc: String?
    public var aiSystem: String?
    public var aiSystemVersion: String?
    public var producerName: String?
    public var producerID: String?
    /// The visible badge: region, text, languages and variant (its full record stays in XMP).
    public var visibleLabel: VisibleLabelRecord?
    /// The label ID the invisible watermark carries.
    public var watermark: String?
    /// The audible disclosure: cue, placement, spans (milliseconds), texts.
    public var audibleLabel: AudibleLabelRecord?

    public init(
        labelID: String? = nil, contentID: String? = nil, digitalSourceType: String? = nil, isDeepfake: Bool? = nil, profile: String? = nil,
        created: String? = nil, disclosure: [XMPLanguageString] = [], aigc: String? = nil, aiSystem: String? = nil,
        aiSystemVersion: String? = nil, producerName: String? = nil, producerID: String? = nil, visibleLabel: VisibleLabelRecord? = nil,
        watermark: String? = nil
    ) {
        self.labelID = labelID
        self.contentID = contentID
        self.digitalSourceType = digitalSourceType
        self.isDeepfake = isDeepfake
        self.profile = profile
        self.created = created
        self.disclosure = disclosure.sorted { $0.language < $1.language }
        self.aigc = aigc
        self.aiSystem = aiSystem
        self.aiSystemVersion = aiSystemVersion
        self.producerName = producerName
        self.producerID = producerID
        self.visibleLabel = visibleLabel
        self.watermark = watermark
    }

    /// What the signer writes for `label`.
    public init(_ label: DisclosureLabel) {
        var visible = label.visibleLabel
        visible?.recordJSON = nil
        self.init(
            labelID: label.labelID, contentID: label.contentID, digitalSourceType: label.digitalSourceType.uri, isDeepfake: label.isDeepfake,
            profile: label.profile, created: label.created, disclosure: label.texts, aigc: AIGCLabel(label).json, aiSystem: label.aiSystem,
            aiSystemVersion: label.aiSystemVersion, producerName: label.producerName, producerID: label.producerID, visibleLabel: visible,
            watermark: label.watermarked ? label.labelID : nil)
        audibleLabel = label.audibleLabel
    }

    /// The assertion's fields as a manifest carries them; a field of another type reads as absent.
    public init(reading cbor: CBOR) {
        var disclosure: [XMPLanguageString] = []
        for entry in cbor["disclosure"]?.mapValue ?? [] {
            if let language = entry.key.textValue, let text = entry.value.textValue { disclosure.append(XMPLanguageString(language: language, text: text)) }
        }
        var visible: VisibleLabelRecord?
        if let badge = cbor["visibleLabel"], let region = badge["region"]?.arrayValue?.compactMap(\.intValue), region.count == 4 {
            visible = VisibleLabelRecord(
                x: region[0], y: region[1], width: region[2], height: region[3], text: badge["text"]?.textValue ?? "",
                languages: badge["languages"]?.arrayValue?.compactMap(\.textValue) ?? [], variant: badge["variant"]?.textValue ?? "text")
            if let span = badge["timeSpan"]?.arrayValue?.compactMap(Self.seconds), span.count == 2, span[0] >= 0, span[0] <= span[1] {
                visible?.timeSpan = VisibleTimeSpan(start: span[0], end: span[1])
            }
        }
        self.init(
            labelID: cbor["labelID"]?.textValue, contentID: cbor["contentID"]?.textValue, digitalSourceType: cbor["digitalSourceType"]?.textValue,
            isDeepfake: cbor["deepfake"]?.boolValue, profile: cbor["profile"]?.textValue, created: cbor["created"]?.textValue,
            disclosure: disclosure, aigc: cbor["aigc"]?.textValue, aiSystem: cbor["aiSystem"]?.textValue,
            aiSystemVersion: cbor["aiSystemVersion"]?.textValue, producerName: cbor["producer"]?.textValue,
            producerID: cbor["producerID"]?.textValue, visibleLabel: visible, watermark: cbor["watermark"]?.textValue)
        if let audible = cbor["audibleLabel"], let cue = audible["cue"]?.textValue {
            var spans: [AudibleLabelRecord.Span] = []
            for span in audible["spans"]?.arrayValue ?? [] {
                if let pair = span.arrayValue?.compactMap(\.intValue), pair.count == 2 {
                    spans.append(AudibleLabelRecord.Span(start: Double(pair[0]) / 1000, duration: Double(pair[1]) / 1000))
                }
            }
            var texts: [XMPLanguageString] = []
            for entry in audible["texts"]?.arrayValue ?? [] {
                if let pair = entry.arrayValue?.compactMap(\.textValue), pair.count == 2 { texts.append(XMPLanguageString(language: pair[0], text: pair[1])) }
            }
            audibleLabel = AudibleLabelRecord(
                cue: cue, placement: audible["placement"]?.textValue ?? "start", spans: spans, texts: texts,
                loudness: audible["loudness"]?.intValue.map { Double($0) / 100 })
        }
    }

    /// The CBOR map's entries, in the order ailabel has always written them.
    public var fields: [(key: String, value: CBOR)] {
        var fields: [(key: String, value: CBOR)] = []
        func add(_ key: String, _ value: String?) { if let value { fields.append((key, .text(value))) } }
        add("labelID", labelID)
        add("contentID", contentID)
        add("digitalSourceType", digitalSourceType)
        if let isDeepfake { fields.append(("deepfake", .bool(isDeepfake))) }
        add("profile", profile)
        add("created", created)
        fields.append(("disclosure", .map(disclosure.map { (key: CBOR.text($0.language), value: CBOR.text($0.text)) })))
        add("aigc", aigc)
        add("aiSystem", aiSystem)
        add("aiSystemVersion", aiSystemVersion)
        add("producer", producerName)
        add("producerID", producerID)
        if let visible = visibleLabel {
            fields.append((
                "visibleLabel",
                .textMap([
                    ("region", .array([.int(visible.x), .int(visible.y), .int(visible.width), .int(visible.height)])),
                    ("text", .text(visible.text)), ("languages", .array(visible.languages.map { .text($0) })),
                    ("variant", .text(visible.variant)),
                ] + (visible.timeSpan.map { [("timeSpan", CBOR.array([.float($0.start), .float($0.end)]))] } ?? []))
            ))
        }
        add("watermark", watermark)
        if let audible = audibleLabel {
            // Spans in whole milliseconds and loudness in hundredths of a LU: integers, so the CBOR is deterministic.
            var entries: [(String, CBOR)] = [
                ("cue", .text(audible.cue)), ("placement", .text(audible.placement)),
                ("spans", .array(audible.spans.map { .array([.int(Int(($0.start * 1000).rounded())), .int(Int(($0.duration * 1000).rounded()))]) })),
                ("texts", .array(audible.texts.map { .array([.text($0.language), .text($0.text)]) })),
            ]
            if let loudness = audible.loudness { entries.append(("loudness", .int(Int((loudness * 100).rounded())))) }
            fields.append(("audibleLabel", .textMap(entries)))
        }
        return fields
    }

    /// A number of seconds as CBOR may hold it (a float, or an integer).
    static func seconds(_ value: CBOR) -> Double? {
        if case .float(let number) = value, number.isFinite { return number }
        return value.intValue.map(Double.init)
    }
}
