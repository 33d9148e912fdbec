import AILabelVocabulary
import Foundation
import AILabelManifest
import AILabelMedia
import AILabelNetwork

/// Validates the C2PA manifest store: its state and codes, the digital source types its actions
/// declare (in ingredients too), the signer, and ailabel's own disclosure assertion.
public struct C2PACollector: EvidenceCollector {
    public let validator: ManifestValidator
    public var name: String { "c2pa" }
    public var needsPixels: Bool { false }

    /// Issuers whose signed manifests mean AI output even without a digital source type.
    static let aiIssuers = ["OpenAI", "Adobe Firefly", "Stability AI", "Black Forest Labs", "Ideogram", "Midjourney", "RUNWAY AI", "Dreamina"]

    /// How remote manifests are fetched; nil: not at all.
    public let remoteManifests: FetchPolicy?

    public init(validator: ManifestValidator, remoteManifests: FetchPolicy? = nil) {
        self.validator = validator
        self.remoteManifests = remoteManifests
    }

    /// A file with no embedded store whose XMP names a remote manifest: fetched and validated against
    /// the file (as a sidecar is) when allowed, else a record naming the address with
    /// `manifest.inaccessible`, the code c2pa-rs reports when it cannot reach a manifest.
    func remoteReport(for subject: VerificationSubject, into observations: inout Observations) -> (ValidationReport, String)? {
        guard let reference = RemoteManifestReference.find(in: subject.xmp) else { return nil }
        guard let policy = remoteManifests else {
            inaccessible(reference, because: "not fetched: verify fetches remote manifests only with --fetch-remote", into: &observations)
            return nil
        }
        switch BoundedFetch.get(reference, policy: policy) {
        case .success(let bytes):
            return (validator.validate(sidecar: bytes, asset: subject.file.source), reference)
        case .failure(let error):
            inaccessible(reference, because: "not fetched: \(error.reason) [\(error.code.rawValue)]", into: &observations)
            return nil
        }
    }

    func inaccessible(_ reference: String, because reason: String, into observations: inout Observations) {
        observations.c2pa = C2PASummary(
            state: "Inaccessible", codes: ["manifest.inaccessible"], failures: ["manifest.inaccessible"], signer: nil,
            claimGenerator: nil, remoteManifest: reference)
        observations.addFinding(
            .c2paManifestInaccessible, .warning,
            "The file's C2PA provenance is a remote manifest at \(reference), \(reason).")
    }

    /// The Asset Rubrics signals of the active manifest and of the ingredients' manifests: every one is
    /// recorded; those that mean generative AI are AI evidence, those that mean it may have been used
    /// are an informational finding (a composite or a screen capture is not, by itself, AI output).
    func recordSignals(of active: ManifestSummary?, into observations: inout Observations) {
        var records: [C2PASignal] = []
        func walk(_ summary: ManifestSummary?, depth: Int) {
            guard let summary, depth < 16 else { return }
            for signal in summary.signals {
                records.append(C2PASignal(
                    signal: signal.rubricID, title: signal.title, manifest: summary.label, active: depth == 0,
                    aiEvidence: signal.aiEvidence?.rawValue))
            }
            for ingredient in summary.ingredients { walk(ingredient.validation?.activeManifest, depth: depth + 1) }
        }
        walk(active, depth: 0)
        guard !records.isEmpty else { return }
        observations.c2pa?.signals = records
        let classes = Set(records.compactMap(\.aiEvidence))
        observations.c2pa?.aiClass = classes.contains("generative-ai") ? "generative-ai" : classes.first
        for record in records where record.aiEvidence == "generative-ai" {
            observations.addEvidence(.c2pa, "C2PA signal \(record.signal.split(separator: "_").last ?? ""): \(record.title) (\(record.active ? "active manifest" : "ingredient manifest"))")
        }
        let possibly = records.filter { $0.aiEvidence == "possibly-generative-ai" }
        if !possibly.isEmpty && !classes.contains("generative-ai") {
            observations.addFinding(
                .c2paSignalPossiblyAI, .info,
                "The C2PA manifest says generative AI may have been used: \(possibly.map(\.title).joined(separator: "; ")).")
        }
    }

    /// One line for a CAWG identity: the credential, what it verified, and how far it holds.
    static func describe(_ identity: IdentitySummary) -> String {
        let kind = identity.signatureType == "cawg.x509.cose" ? "X.509" : "identity claims aggregation"
        var text = "\(identity.credential ?? "an unreadable credential") (\(kind)"
        if !identity.verifiedIdentities.isEmpty { text += ", verified " + identity.verifiedIdentities.joined(separator: ", ") }
        text += identity.signatureValid ? (identity.trusted ? ", trusted)" : ", signature valid, not on a trust list)") : ", signature not valid)"
        return text
    }

    public func collect(from subject: VerificationSubject, pixels: RGBImage?, into observations: inout Observations) {
        // The verifier already parsed the file: validate its store without parsing it again.
        var report = validator.validate(contents: subject.file.contents, asset: subject.file.source)
        var remote: String?
        if report.state == .absent {
            guard let (fetched, reference) = remoteReport(for: subject, into: &observations) else { return }
            report = fetched
            remote = reference
        }
        observations.c2paState = report.state
        let statuses = report.statuses
        let manifest = report.activeManifest
        observations.c2pa = C2PASummary(
            state: report.state.rawValue,
            codes: statuses.map(\.code.rawValue),
            failures: report.failureCodes,
            signer: manifest?.signer.map { $0.organization ?? $0.commonName ?? $0.subject },
            claimGenerator: manifest?.claimGenerator ?? manifest?.claimGeneratorName,
            identities: (manifest?.identities ?? []).isEmpty ? nil : manifest?.identities.map(Self.describe),
            remoteManifest: remote)

        var aiTypes: [String] = []
        func scan(_ summary: ManifestSummary?, depth: Int) {
            guard let summary, depth < 16 else { return }
            for action in summary.actions {
                if let type = action.digitalSourceType {
                    observations.sourceTypes.append((location: depth == 0 ? "c2pa" : "c2pa ingredient", value: type))
                    if DigitalSourceType(parsing: type)?.isGenerativeAI == true { aiTypes.append(type) }
                }
            }
            for ingredient in summary.ingredients { scan(ingredient.validation?.activeManifest, depth: depth + 1) }
        }
        scan(manifest, depth: 0)
        recordSignals(of: manifest, into: &observations)
        // A vendor parameter on c2pa.opened (Adobe Firefly with partner models; ailabel's re-stamps,
        // since spec 2.4 forbids digitalSourceType there) is the producer's own declaration.
        for action in manifest?.actions ?? [] {
            if let parameter = action.sourceTypeParameter, let type = action.digitalSourceType,
                DigitalSourceType(parsing: type)?.isGenerativeAI == true
            {
                observations.addEvidence(.c2pa, "C2PA \(action.action) declares digitalSourceType \(DigitalSourceType(parsing: type)?.term ?? type) in the vendor parameter \(parameter)")
            }
        }
        let activeTypes = manifest?.actions.compactMap(\.digitalSourceType) ?? []
        // The store discloses AI when its active manifest, or an ingredient it carries (the edited AI
        // image of an AI-then-edited file), declares an AI digital source type.
        observations.c2paDeclaresAI = !aiTypes.isEmpty
        if let type = aiTypes.first {
            observations.addEvidence(.c2pa, "C2PA action declares digitalSourceType \(DigitalSourceType(parsing: type)?.term ?? type)")
        }
        if let issuer = observations.c2pa?.signer, Self.aiIssuers.contains(where: { issuer.localizedCaseInsensitiveContains($0) }) {
            observations.addEvidence(.c2pa, "C2PA manifest signed by \(issuer), a generative-AI provider")
        }
        if let disclosure = manifest?.disclosure {
            let assertion = DisclosureAssertion(reading: disclosure)
            if assertion.isDeepfake == true { observations.deepfakeDeclared = true }
            // The signed record of an audible cue counts where the XMP lost it.
            if observations.declaredAudibleLabel == nil, let audible = assertion.audibleLabel { observations.declaredAudibleLabel = audible }
        }

        let intact = report.state != .invalid
        var detail = "C2PA manifest, state \(report.state.rawValue)"
        if let signer = observations.c2pa?.signer { detail += ", signed by \(signer)" }
        if let identities = observations.c2pa?.identities { detail += ", published by " + identities.joined(separator: "; ") }
        if !activeTypes.isEmpty { detail += ", digitalSourceType \(activeTypes.map { DigitalSourceType(parsing: $0)?.term ?? $0 }.joined(separator: ", "))" }
        observations.disclosures.append(Disclosure(kind: .c2pa, detail: detail, intact: intact))

        for failure in report.failures {
            if failure.code == .signingCredentialUntrusted {
                observations.addFinding(
                    .c2paUntrusted, .warning,
                    "The C2PA signature is valid but its signer does not chain to a configured trust anchor (--trust): \(failure.explanation)")
            } else if ManifestValidator.isTolerated(failure.code) {
                // A CAWG identity fault c2pa-rs tolerates: the manifest stays Valid, the identity is unproven.
                observations.addFinding(.c2pa(failure.code), .warning, failure.explanation)
            } else {
                observations.addFinding(.c2pa(failure.code), .error, failure.explanation)
            }
        }
        if report.state == .invalid {
            observations.addFinding(.c2paInvalid, .error, "The C2PA manifest does not validate, so it no longer proves anything about this file.")
        }
    }
}
