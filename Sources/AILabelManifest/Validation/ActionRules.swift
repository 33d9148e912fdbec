/// The rules of C2PA 2.4's actions validation (15.10.3.2.3), as the reference SDK applies them (c2pa-rs
/// `Claim::verify_actions`; the SDK's verdicts on `Fixtures/c2pa/sdk_rule_cases.py`'s files are the test;
/// the claim generator's rule is in ClaimContentRules.swift). A manifest can break each of them with its
/// bytes and signature intact, so each is a verdict the SDK and ailabel must share.
extension ManifestValidator {
    static let firstActions: Set<String> = ["c2pa.created", "c2pa.opened"]
    /// Actions whose ingredient references must name an ingredient of this relationship.
    static let ingredientRelationships: [String: String] = [
        "c2pa.opened": "parentOf", "c2pa.placed": "componentOf", "c2pa.removed": "componentOf",
    ]
    /// Actions whose ingredient references, when they have any, must name a parentOf ingredient.
    static let parentActions: Set<String> = ["c2pa.transcoded", "c2pa.repackaged"]
    /// Actions that declare a watermark which binds the content: the manifest must carry the soft
    /// binding (`c2pa.watermarked.unbound` need not).
    static let boundWatermarkActions: Set<String> = ["c2pa.watermarked", "c2pa.watermarked.bound"]
    /// What an update manifest may do (c2pa-rs `ALLOWED_UPDATE_MANIFEST_ACTIONS`).
    static let updateActions: Set<String> = ["c2pa.edited.metadata", "c2pa.opened", "c2pa.published", "c2pa.redacted"]

    /// What one manifest's actions are checked against.
    struct ActionContext {
        /// Every assertion label of the manifest.
        var labels: Set<String>
        /// The relationship of each ingredient assertion, by label.
        var relationships: [String: String]
        var hasSoftBinding: Bool
        var isUpdate: Bool
        var claimVersion: Int
        /// What a `c2pa.redacted` action's URI names: a manifest of the store (or not) and whether its
        /// claim references that assertion.
        var redactionTarget: (String) -> (manifestFound: Bool, referenced: Bool)

        init(_ manifest: Manifest, claimVersion: Int, store: ManifestStore, memo: ValidationMemo) {
            labels = Set(manifest.assertions.map(\.label))
            relationships = [:]
            for assertion in manifest.assertions where assertion.baseLabel.hasPrefix("c2pa.ingredient") {
                if let relationship = assertion.cbor?["relationship"]?.textValue { relationships[assertion.label] = relationship }
            }
            hasSoftBinding = manifest.assertions.contains { $0.baseLabel == "c2pa.soft-binding" }
            isUpdate = manifest.isUpdate
            self.claimVersion = claimVersion
            redactionTarget = { uri in ManifestValidator.redactionTarget(uri, in: store, memo: memo) }
        }
    }

    /// Checks every actions assertion of `manifest`. A C2PA 2 claim needs one, whose first action is
    /// c2pa.created or c2pa.opened (an update manifest's need not be); a v1 claim has at most one.
    func checkActions(of manifest: Manifest, claimVersion: Int, in store: ManifestStore, memo: ValidationMemo, base: String,
                      statuses: inout [ValidationStatus]) {
        let actionsAssertions = manifest.assertions.filter { $0.baseLabel == "c2pa.actions" || $0.baseLabel == "c2pa.actions.v2" }
        if claimVersion >= 2 && actionsAssertions.isEmpty && !manifest.isUpdate {
            statuses.append(ValidationStatus(.assertionActionMalformed, url: base,
                "The claim has no actions assertion; a C2PA 2 claim must say whether the content was created or opened"))
        }
        if claimVersion < 2 && actionsAssertions.count > 1 {
            statuses.append(ValidationStatus(.assertionActionMalformed, url: base + "/c2pa.assertions/\(actionsAssertions[1].label)",
                "The v1 claim has \(actionsAssertions.count) actions assertions; a v1 claim has one"))
        }
        let context = ActionContext(manifest, claimVersion: claimVersion, store: store, memo: memo)
        for (index, assertion) in actionsAssertions.enumerated() {
            checkActions(assertion, isFirst: index == 0, context: context, url: base + "/c2pa.assertions/\(assertion.label)",
                         statuses: &statuses)
        }
    }

    /// One actions assertion: c2pa.created or c2pa.opened only as the first action of the first actions
    /// assertion, and the rules each kind of action carries.
    func checkActions(_ assertion: AssertionBox, isFirst: Bool, context: ActionContext, url: String,
                      statuses: inout [ValidationStatus]) {
        func malformed(_ text: String) { statuses.append(ValidationStatus(.assertionActionMalformed, url: url, text)) }
        guard let content = assertion.cbor, let actions = content["actions"]?.arrayValue else {
            malformed("The actions assertion cannot be read")
            return
        }
        // What an update manifest may declare is checked for every claim version (c2pa-rs `verify_internal`).
        if context.isUpdate {
            for name in actions.compactMap({ $0["action"]?.textValue }) where !Self.updateActions.contains(name) {
                statuses.append(ValidationStatus(.manifestUpdateInvalid, url: url,
                    "The update manifest declares \(name); an update manifest may only edit metadata, open, publish or redact"))
            }
        }
        guard context.claimVersion >= 2 else { return }
        if actions.isEmpty && isFirst {
            malformed("The actions assertion lists no action; the first must be c2pa.created or c2pa.opened")
        }
        for (index, action) in actions.enumerated() {
            guard let name = action["action"]?.textValue, !name.isEmpty else {
                malformed("Action \(index + 1) has no action name")
                continue
            }
            let parameters = action["parameters"]
            if Self.firstActions.contains(name) && !isFirst {
                malformed("\(name) may appear only in the first actions assertion")
            } else if Self.firstActions.contains(name) && index > 0 {
                malformed("\(name) is action \(index + 1); only the first action may be c2pa.created or c2pa.opened")
            }
            if index == 0 && isFirst && !context.isUpdate && !Self.firstActions.contains(name) {
                malformed("The first action must be c2pa.created or c2pa.opened, not \(name)")
            }
            if name == "c2pa.created" && action["digitalSourceType"] == nil {
                malformed("The c2pa.created action has no digitalSourceType")
            }
            if name == "c2pa.translated",
                ["sourceLanguage", "targetLanguage"].contains(where: { (parameters?[$0]?.textValue ?? "").isEmpty })
            {
                malformed("The c2pa.translated action does not give both its sourceLanguage and its targetLanguage")
            }
            if Self.boundWatermarkActions.contains(name) && !context.hasSoftBinding {
                statuses.append(ValidationStatus(.assertionActionSoftBindingMissing, url: url,
                    "The \(name) action declares a watermark bound to the content, but the manifest has no c2pa.soft-binding assertion"))
            }
            if name == "c2pa.redacted", let parameters {
                // c2pa-rs: a URI that names no manifest of the store (or no URI) is a mismatch; one whose
                // manifest's claim does not reference the assertion was not redacted.
                let target = parameters["redacted"]?.textValue.map(context.redactionTarget)
                if target?.manifestFound != true {
                    statuses.append(ValidationStatus(.assertionActionRedactionMismatch, url: url,
                        "The c2pa.redacted action does not name an assertion of a manifest in the store"))
                } else if target?.referenced != true {
                    statuses.append(ValidationStatus(.assertionNotRedacted, url: url,
                        "The c2pa.redacted action names an assertion its manifest's claim does not reference"))
                }
            }
            if let related = parameters?["relatedAssertions"], let problem = Self.relatedAssertionsProblem(related, context: context) {
                malformed("The \(name) action's relatedAssertions \(problem)")
            }
            checkIngredientReferences(name, parameters: parameters, context: context, url: url, statuses: &statuses)
        }
    }

    /// c2pa.opened, c2pa.placed and c2pa.removed name at least one ingredient of this manifest, every one
    /// of them there, one at least of the relationship the action needs; c2pa.transcoded and
    /// c2pa.repackaged, when they name ingredients, name a parentOf one among them.
    func checkIngredientReferences(_ name: String, parameters: CBOR?, context: ActionContext, url: String,
                                   statuses: inout [ValidationStatus]) {
        let needed = Self.ingredientRelationships[name] ?? (Self.parentActions.contains(name) ? "parentOf" : nil)
        guard let needed else { return }
        // For c2pa.transcoded and c2pa.repackaged only references that are there are checked: no
        // `ingredients` is fine, an empty list is not (c2pa-rs).
        if Self.parentActions.contains(name) && parameters?["ingredients"] == nil && parameters?["ingredient"] == nil { return }
        let references = parameters?["ingredients"]?.arrayValue ?? parameters?["ingredient"].map { [$0] } ?? []
        let labels = references.compactMap { HashedURI($0).flatMap { JUMBFURI.lastComponent(of: $0.url) } }
        if references.isEmpty || labels.count != references.count || !labels.allSatisfy(context.labels.contains) {
            statuses.append(ValidationStatus(.assertionActionIngredientMismatch, url: url,
                "The \(name) action does not name an ingredient of this manifest"))
        } else if !labels.contains(where: { context.relationships[$0] == needed }) {
            let found = labels.map { context.relationships[$0] ?? "no relationship" }.joined(separator: ", ")
            statuses.append(ValidationStatus(.assertionActionIngredientMismatch, url: url,
                "The \(name) action names an ingredient of relationship \(found); it needs a \(needed) ingredient"))
        }
    }

    /// Why an action's `relatedAssertions` breaks the rule (a non-empty list of assertions of this
    /// manifest, none of them actions or ingredients), or nil.
    static func relatedAssertionsProblem(_ related: CBOR, context: ActionContext) -> String? {
        guard let list = related.arrayValue else { return "is not a list" }
        guard !list.isEmpty else { return "is empty" }
        for item in list {
            guard let label = HashedURI(item).flatMap({ JUMBFURI.lastComponent(of: $0.url) }), context.labels.contains(label) else {
                return "names an assertion that is not in this manifest"
            }
            let base = AssertionBox.baseLabel(of: label)
            if base == "c2pa.actions" || base == "c2pa.actions.v2" || base.hasPrefix("c2pa.ingredient") {
                return "names \(label), which may not be a related assertion"
            }
        }
        return nil
    }
}
