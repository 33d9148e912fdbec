/// The C2PA Asset Rubrics' local signals (`asset-rubric-signals-local.yml`, conformance-public release
/// 1.0): what one manifest says about how its content came to be, for people. Each is evaluated on one
/// manifest by the rubric's own rule, restated here (the rules are json-formula over crJSON; the
/// conformance tests compare these with `Fixtures/c2pa/rubric.py`, which reads the YAML).
public enum ProvenanceSignal: String, CaseIterable, Sendable, Codable, Hashable {
    case blankCanvas, capturedMedia, capturedMediaStitched, compositionMayContainGenAI, fullyGenAIMedia
    case mediaUnknownProvenance, nonGenAIDigitalCreation, partlyGenAICreation, screenCaptureMayContainGenAI
    case ambiguousActions, nonEditorial, perceptibleGenAI, perceptibleNonGenAI, perceptiblePossiblyGenAI

    /// The rule's id in the rubric, e.g. `inception:signal_fullyGenAIMedia`.
    public var rubricID: String {
        switch self {
        case .ambiguousActions, .nonEditorial, .perceptibleGenAI, .perceptibleNonGenAI, .perceptiblePossiblyGenAI:
            return "transformation:signal_\(rawValue)"
        default:
            return "inception:signal_\(rawValue)"
        }
    }

    /// What the signal means for AI: generative AI made or changed the content, may have, or neither.
    public enum AIEvidence: String, Sendable, Codable { case generativeAI = "generative-ai", possiblyGenerativeAI = "possibly-generative-ai" }

    public var aiEvidence: AIEvidence? {
        switch self {
        case .fullyGenAIMedia, .partlyGenAICreation, .perceptibleGenAI: return .generativeAI
        case .compositionMayContainGenAI, .screenCaptureMayContainGenAI, .perceptiblePossiblyGenAI: return .possiblyGenerativeAI
        default: return nil
        }
    }

    /// The rubric's report text when the signal fires.
    public var title: String {
        switch self {
        case .blankCanvas: return "Blank Canvas"
        case .capturedMedia: return "Captured Media"
        case .capturedMediaStitched: return "Stitched Captured Media"
        case .compositionMayContainGenAI: return "Composition which may contain GenAI content"
        case .fullyGenAIMedia: return "Fully GenAI Media"
        case .mediaUnknownProvenance: return "Media of Unknown Provenance"
        case .nonGenAIDigitalCreation: return "Non-GenAI digital creation"
        case .partlyGenAICreation: return "Partly GenAI Creation"
        case .screenCaptureMayContainGenAI: return "Screen Capture Which May Contain GenAI Content"
        case .ambiguousActions: return "Ambiguous actions"
        case .nonEditorial: return "Non-editorial Transformations"
        case .perceptibleGenAI: return "Perceptible GenAI Transformations"
        case .perceptibleNonGenAI: return "Perceptible Non-GenAI Transformations"
        case .perceptiblePossiblyGenAI: return "Perceptible Transformations Possibly Using GenAI"
        }
    }

    // The rubric's variables (globals-actions.yml, globals-signals.yml).
    static let inceptionActions: Set<String> = ["c2pa.created", "c2pa.opened"]
    static let nonEditorialActions: Set<String> = [
        "c2pa.converted", "c2pa.published", "c2pa.repackaged", "c2pa.transcoded", "c2pa.resized.proportional",
        "c2pa.enhanced", "c2pa.edited.metadata", "c2pa.watermarked", "c2pa.watermarked.bound", "c2pa.watermarked.unbound",
        "c2pa.redacted",
    ]
    static let iptc = "http://cv.iptc.org/newscodes/digitalsourcetype/"
    static let genAITypes: Set<String> = [
        iptc + "trainedAlgorithmicMedia", iptc + "compositeWithTrainedAlgorithmicMedia", iptc + "compositeSynthetic",
        "http://c2pa.org/digitalsourcetype/trainedAlgorithmicData",
    ]
    static let possiblyGenAITypes: Set<String> = [iptc + "digitalArt", iptc + "composite"]

    /// The signals one manifest fires, in the rubric's order. Only the `c2pa.actions.v2` assertion (that
    /// exact label) and the first `c2pa.ingredient.v3` count, as in the rubric.
    static func evaluate(_ manifest: Manifest, claim: Claim) -> [ProvenanceSignal] {
        let actionsAssertion = manifest.assertion(labelled: "c2pa.actions.v2")?.cbor
        let actions = actionsAssertion?["actions"]?.arrayValue ?? []
        func createdWith(_ types: String...) -> Bool {
            actions.contains { action in
                guard let name = action["action"]?.textValue, inceptionActions.contains(name),
                    let type = action["digitalSourceType"]?.textValue
                else { return false }
                return types.contains(type)
            }
        }
        let transformations = actions.filter { action in
            guard let name = action["action"]?.textValue else { return false }
            return !inceptionActions.contains(name) && !nonEditorialActions.contains(name)
        }
        let gathered = claim.cbor["gathered_assertions"]?.arrayValue ?? []
        var fired: [ProvenanceSignal] = []
        for signal in allCases {
            let fires: Bool
            switch signal {
            case .blankCanvas: fires = createdWith("http://c2pa.org/digitalsourcetype/empty")
            case .capturedMedia: fires = createdWith(iptc + "digitalCapture", iptc + "computationalCapture")
            case .capturedMediaStitched: fires = createdWith(iptc + "compositeCapture")
            case .compositionMayContainGenAI: fires = createdWith(iptc + "composite")
            case .fullyGenAIMedia: fires = createdWith(iptc + "trainedAlgorithmicMedia")
            case .mediaUnknownProvenance:
                if let ingredient = manifest.assertion(labelled: "c2pa.ingredient.v3")?.cbor {
                    fires = ingredient["activeManifest"] == nil
                } else {
                    fires = false
                }
            case .nonGenAIDigitalCreation: fires = createdWith(iptc + "digitalCreation")
            case .partlyGenAICreation: fires = createdWith(iptc + "compositeWithTrainedAlgorithmicMedia")
            case .screenCaptureMayContainGenAI: fires = createdWith(iptc + "screenCapture")
            case .ambiguousActions:
                fires = actions.isEmpty || actionsAssertion?["allActionsIncluded"]?.boolValue != true
                    || actions.contains { action in action["action"]?.textValue.map { !$0.hasPrefix("c2pa.") } ?? false }
                    || actions.contains { $0["action"]?.textValue == "c2pa.unknown" }
                    || gathered.contains { ($0["url"]?.textValue ?? "").contains("c2pa.actions") }
            case .nonEditorial:
                fires = actions.contains { nonEditorialActions.contains($0["action"]?.textValue ?? "") }
            case .perceptibleGenAI:
                fires = transformations.contains { genAITypes.contains($0["digitalSourceType"]?.textValue ?? "") }
            case .perceptibleNonGenAI:
                fires = transformations.contains { action in
                    guard let type = action["digitalSourceType"]?.textValue else { return false }
                    return !genAITypes.contains(type)
                }
            case .perceptiblePossiblyGenAI:
                fires = transformations.contains { possiblyGenAITypes.contains($0["digitalSourceType"]?.textValue ?? "") }
            }
            if fires { fired.append(signal) }
        }
        return fired
    }
}
