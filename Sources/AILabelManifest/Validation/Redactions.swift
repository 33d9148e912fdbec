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

    init(_ store: ManifestStore) {
        for manifest in store.manifests {
            for uri in manifest.claim?.redactedAssertions ?? [] {
                guard let target = JUMBFURI.manifestLabel(of: uri), let label = JUMBFURI.lastComponent(of: uri) else { continue }
                byManifest[target, default: []].insert(label)
            }
        }
    }

    /// Whether a claim in the store redacts this assertion of this manifest.
    func redacts(_ label: String, in manifest: String) -> Bool {
        byManifest[manifest]?.contains(label) == true
    }

    /// Whether any claim in the store redacts an assertion of this manifest.
    func touches(_ manifest: String) -> Bool {
        byManifest[manifest]?.isEmpty == false
    }

    /// An assertion left in place with its content zeroed counts as redacted.
    static func isZeroed(_ assertion: AssertionBox) -> Bool {
        assertion.box.contentBoxes.allSatisfy { $0.payload.allSatisfy { $0 == 0 } }
    }
}

extension ManifestValidator {
    /// The rules on what `manifest`'s claim redacts, each a failure of this manifest.
    func checkRedactions(of manifest: Manifest, claim: Claim, in store: ManifestStore, digests: DigestMemo,
                         statuses: inout [ValidationStatus]) {
        for uri in claim.redactedAssertions {
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
                let redacted = digests.assertion(label, of: targetManifest), !Redactions.isZeroed(redacted)
            {
                statuses.append(ValidationStatus(.assertionNotRedacted, url: uri,
                    "The claim redacts \(label) of \(target), but the assertion is still there with its content"))
            }
        }
    }

    /// Whether a `c2pa.redacted` action's `redacted` URI resolves: a manifest in the store whose claim
    /// references that assertion.
    static func redactionResolves(_ uri: String, in store: ManifestStore, digests: DigestMemo) -> Bool {
        guard let target = JUMBFURI.manifestLabel(of: uri), let label = JUMBFURI.lastComponent(of: uri),
            let manifest = store.manifest(labelled: target)
        else { return false }
        return digests.references(label, of: manifest)
    }
}
