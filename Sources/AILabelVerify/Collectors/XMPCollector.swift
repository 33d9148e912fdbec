import AILabelVocabulary
import Foundation
import AILabelMedia

/// Reads the XMP labels: IPTC DigitalSourceType and AI properties, TC260 AIGC, and ailabel's own namespace.
public struct XMPCollector: EvidenceCollector {
    public var name: String { "xmp" }
    public var needsPixels: Bool { false }

    public init() {}

    public func collect(from subject: VerificationSubject, pixels: RGBImage?, into observations: inout Observations) {
        if let problem = subject.xmpProblem {
            observations.addFinding(.xmpUnreadable, .error, "The XMP packet cannot be parsed: \(problem)")
        }
        guard let label = subject.label else { return }
        XMPLabelReader.read(label, location: "XMP", into: &observations)
    }
}

/// Judges the labels an XMP packet carries, wherever the packet came from (embedded or a sidecar): the
/// packet is read by the vocabulary's ``XMPLabel``, the one reader of what stamp writes.
public enum XMPLabelReader {
    public static func read(_ packet: XMPPacket, location: String, into observations: inout Observations) {
        read(XMPLabel(reading: packet), location: location, into: &observations)
    }

    public static func read(_ label: XMPLabel, location: String, into observations: inout Observations) {
        for raw in label.digitalSourceTypes {
            observations.sourceTypes.append((location: "iptc", value: raw))
            guard let type = DigitalSourceType(parsing: raw) else {
                observations.addFinding(.iptcUnknownSourceType, .warning, "IPTC DigitalSourceType '\(raw)' is not a term of the IPTC vocabulary")
                continue
            }
            if type.isGenerativeAI {
                observations.addEvidence(.iptc, "IPTC DigitalSourceType \(type.term)")
                observations.disclosures.append(Disclosure(kind: .iptc, detail: "IPTC DigitalSourceType \(type.term)", intact: true))
            }
        }
        let aiProperties: [(LabelProperty, String?)] = [
            (.aiSystemUsed, label.aiSystemUsed), (.aiSystemVersionUsed, label.aiSystemVersionUsed),
            (.aiPromptInformation, label.aiPromptInformation), (.aiPromptWriterName, label.aiPromptWriterName),
        ]
        for case (let property, let value?) in aiProperties {
            observations.addEvidence(.iptc, "IPTC \(property.name): \(value.prefix(120))")
        }

        for parsed in label.aigcLabels {
            observations.aigcLabels.append((location: "\(location) TC260:AIGC", parsed: parsed))
            recordAIGC(parsed, location: "\(location) TC260:AIGC", into: &observations)
        }

        let own = label.record
        guard let labelID = own.labelID else { return }
        let deepfake = own.isDeepfake == true
        if deepfake { observations.deepfakeDeclared = true }
        observations.disclosures.append(
            Disclosure(
                kind: .ailabelXMP, detail: "ailabel label \(labelID)\(deepfake ? ", deepfake" : "")", intact: true,
                languages: own.disclosure.map(\.language)))
        if let audible = own.audibleLabel { observations.declaredAudibleLabel = audible }
        switch own.visibleLabel {
        case .record(let visible)?:
            observations.declaredVisibleLabel = visible
        case .malformedRegion(let region)?:
            observations.addFinding(.visibleRegionMalformed, .error, "\(LabelProperty.visibleLabelRegion) '\(region)' is not x,y,width,height")
        case nil:
            break
        }
    }
}

/// Records a TC260 implicit label as evidence and disclosure, with findings for each Annex E problem.
func recordAIGC(_ parsed: AIGCLabel.Parsed, location: String, evidenceSource: EvidenceSource = .tc260, into observations: inout Observations) {
    let value = parsed.label?.label ?? "?"
    let meaning = ["1": "generated", "2": "possibly generated", "3": "suspected generated"][value] ?? "label \(value)"
    observations.addEvidence(evidenceSource, "TC260 AIGC in \(location): \(meaning)")
    observations.disclosures.append(
        Disclosure(kind: .tc260, detail: "TC260 AIGC in \(location) (\(meaning))", intact: parsed.isValid))
    for problem in parsed.problems {
        observations.addFinding(.tc260Malformed, .error, "\(location): \(problem)", reference: "GB 45438-2025 Annex E")
    }
}
