/// Redaction (C2PA 2.4 6.8, 15.10.3.1): a later claim lists, in `redacted_assertions`, assertions of an
/// ingredient's manifest that were taken out (removed, or their content zeroed) before the asset was
/// passed on, typically to withhold private data such as a location. The ingredient's claim still
/// references them, so without redaction a legitimately redacted file reads as `assertion.missing`.
/// The rules, as the reference SDK applies them: a claim may not redact its own assertions, an actions
/// assertion or a hard binding; what it redacts must be gone; and an ingredient whose manifest was
/// redacted is bound by its claim signature, since its manifest box changed.
struct Redactions {
    /// The redacted assertion labels of each manifest, by the manifest's label.
    private var byManifest: [String: Set<String>] = [:]

    /// The redactions of the active manifest's claim and of every claim its ingredients lead to, as
    /// c2pa-rs gathers them (`get_claim_referenced_manifests`). A manifest nothing refers to is never
    /// validated, so what it lists must not excuse an assertion missing from a signed one.
    init(_ store: ManifestStore) {
        guard let active = store.activeManifest else { return }
        var seen: Set<String> = [active.label]
        var pending = [active]
        while let manifest = pending.popLast() {
            for uri in manifest.claim?.redactedAssertions ?? [] {
                guard let target = JUMBFURI.manifestLabel(of: uri), let label = JUMBFURI.lastComponent(of: uri) else { continue }
                byManifest[target, default: []].insert(label)
            }
            for assertion in manifest.assertions where assertion.baseLabel.hasPrefix("c2pa.ingredient") {
                let reference = (assertion.cbor?["activeManifest"] ?? assertion.cbor?["c2pa_manifest"]).flatMap(HashedURI.init)
                guard let label = reference.flatMap({ JUMBFURI.manifestLabel(of: $0.url) }), seen.insert(label).inserted,
                    let ingredient = store.manifest(labelled: label)
                else { continue }
                pending.append(ingredient)
            }
        }
    }

    /// Whether a claim of the active manifest's hierarchy redacts this assertion of this manifest.
    func redacts(_ label: String, in manifest: String) -> Bool {
        byManifest[manifest]?.contains(label) == true
    }

    /// Whether a claim of the active manifest's hierarchy redacts an assertion of this manifest.
    func touches(_ manifest: String) -> Bool {
        byManifest[manifest]?.isEmpty == false
    }

    /// An assertion left in place with its content zeroed counts as redacted.
    static func isZeroed(_ assertion: AssertionBox) -> Bool {
        assertion.box.contentBoxes.allSatisfy { $0.payload.allSatisfy { $0 == 0 } }
    }
}

extension ManifestValidator {
    /// The rules on what `manifest`'s claim redacts, each a failure of this manifest. Each URI is judged
    /// once, however often the claim lists it (the content of what is still there is read to see
    /// whether it was zeroed).
    func checkRedactions(of manifest: Manifest, claim: Claim, in store: ManifestStore, memo: ValidationMemo,
                         statuses: inout [ValidationStatus]) {
        var judged = Set<String>()
        for uri in claim.redactedAssertions where judged.insert(uri).inserted {
            let target = JUMBFURI.manifestLabel(of: uri)
            let label = JUMBFURI.lastComponent(of: uri) ?? ""
            let base = AssertionBox.baseLabel(of: label)
            if target == manifest.label {
                statuses.append(ValidationStatus(.assertionSelfRedacted, url: uri, "The claim redacts its own assertion \(label)"))
            }
            if base == "c2pa.actions" || base == "c2pa.actions.v2" {
                statuses.append(ValidationStatus(.assertionActionRedacted, url: uri,
                    "The claim redacts the actions assertion \(label), which may not be redacted"))
            }
            if Self.hardBindingLabels.contains(base) {
                statuses.append(ValidationStatus(.assertionHardBindingRedacted, url: uri,
                    "The claim redacts the hard binding \(label), which may not be redacted"))
            }
            if let target, let targetManifest = store.manifest(labelled: target),
                let redacted = memo.assertion(label, of: targetManifest), !Redactions.isZeroed(redacted)
            {
                statuses.append(ValidationStatus(.assertionNotRedacted, url: uri,
                    "The claim redacts \(label) of \(target), but the assertion is still there with its content"))
            }
        }
    }

    /// What a `c2pa.redacted` action's `redacted` URI names: whether its manifest is in the store, and
    /// whether that manifest's claim references the assertion.
    static func redactionTarget(_ uri: String, in store: ManifestStore, memo: ValidationMemo) -> (manifestFound: Bool, referenced: Bool) {
        guard let target = JUMBFURI.manifestLabel(of: uri), let manifest = store.manifest(labelled: target) else { return (false, false) }
        guard let label = JUMBFURI.lastComponent(of: uri) else { return (true, false) }
        return (true, memo.references(label, of: manifest))
    }
}
