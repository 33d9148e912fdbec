import Foundation
import AILabelKit
import AILabelMedia

/// Reads the XMP labels: IPTC DigitalSourceType and AI properties, TC260 AIGC, and ailabel's own namespace.
public struct XMPCollector: EvidenceCollector {
    public var name: String { "xmp" }
    public var needsPixels: Bool { false }

    public init() {}

    public func collect(from subject: VerificationSubject, pixels: RGBImage?, into observations: inout Observations) {
        if let problem = subject.xmpProblem {
            observations.addFinding("xmp.unreadable", .error, "The XMP packet cannot be parsed: \(problem)")
        }
        guard let packet = subject.xmp else { return }
        XMPLabelReader.read(packet, location: "XMP", into: &observations)
    }
}

/// Reads the labels an XMP packet carries, wherever the packet came from (embedded or a sidecar).
public enum XMPLabelReader {
    public static func read(_ packet: XMPPacket, location: String, into observations: inout Observations) {
        let iptc = LabelNamespace.iptcExtension

        for value in packet.values(namespace: iptc, name: "DigitalSourceType") {
            let raw = value.textValue ?? value.displayText
            observations.sourceTypes.append((location: "iptc", value: raw))
            guard let type = DigitalSourceType(parsing: raw) else {
                observations.addFinding("iptc.unknown-source-type", .warning, "IPTC DigitalSourceType '\(raw)' is not a term of the IPTC vocabulary")
                continue
            }
            if type.isGenerativeAI {
                observations.addEvidence("iptc", "IPTC DigitalSourceType \(type.term)")
                observations.disclosures.append(Disclosure(kind: "iptc", detail: "IPTC DigitalSourceType \(type.term)", intact: true))
            }
        }
        for property in ["AISystemUsed", "AISystemVersionUsed", "AIPromptInformation", "AIPromptWriterName"] {
            if let value = packet.value(namespace: iptc, name: property), !value.displayText.isEmpty {
                observations.addEvidence("iptc", "IPTC \(property): \(value.displayText.prefix(120))")
            }
        }

        for value in packet.values(namespace: LabelNamespace.tc260, name: "AIGC") {
            let text = value.textValue ?? value.displayText
            let parsed = AIGCLabel.parse(text)
            observations.aigcLabels.append((location: "\(location) TC260:AIGC", parsed: parsed))
            recordAIGC(parsed, location: "\(location) TC260:AIGC", into: &observations)
        }

        let own = LabelNamespace.ailabel
        if let labelID = packet.value(namespace: own, name: "LabelID")?.textValue {
            var languages: [String] = []
            if case .alternative(let texts)? = packet.value(namespace: own, name: "Disclosure") { languages = texts.map(\.language) }
            let deepfake = packet.value(namespace: own, name: "Deepfake")?.textValue?.lowercased() == "true"
            if deepfake { observations.deepfakeDeclared = true }
            observations.disclosures.append(
                Disclosure(kind: "ailabel-xmp", detail: "ailabel label \(labelID)\(deepfake ? ", deepfake" : "")", intact: true, languages: languages))
            if let region = packet.value(namespace: own, name: "VisibleLabelRegion")?.textValue {
                let numbers = region.split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
                var languages: [String] = []
                if case .bag(let items)? = packet.value(namespace: own, name: "VisibleLabelLanguages") { languages = items }
                if numbers.count == 4 {
                    observations.declaredVisibleLabel = VisibleLabelRecord(
                        x: numbers[0], y: numbers[1], width: numbers[2], height: numbers[3],
                        text: packet.value(namespace: own, name: "VisibleLabelText")?.textValue ?? "", languages: languages,
                        variant: packet.value(namespace: own, name: "VisibleLabelVariant")?.textValue ?? "text")
                } else {
                    observations.addFinding("visible.region-malformed", .error, "ailabel:VisibleLabelRegion '\(region)' is not x,y,width,height")
                }
            }
        }
    }
}

/// Records a TC260 implicit label as evidence and disclosure, with findings for each Annex E problem.
func recordAIGC(_ parsed: AIGCLabel.Parsed, location: String, evidenceSource: String = "tc260", into observations: inout Observations) {
    let value = parsed.label?.label ?? "?"
    let meaning = ["1": "generated", "2": "possibly generated", "3": "suspected generated"][value] ?? "label \(value)"
    observations.addEvidence(evidenceSource, "TC260 AIGC in \(location): \(meaning)")
    observations.disclosures.append(
        Disclosure(kind: "tc260", detail: "TC260 AIGC in \(location) (\(meaning))", intact: parsed.isValid))
    for problem in parsed.problems {
        observations.addFinding("tc260.malformed", .error, "\(location): \(problem)", reference: "GB 45438-2025 Annex E")
    }
}
