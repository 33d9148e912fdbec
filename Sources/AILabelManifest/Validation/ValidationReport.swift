/// The result of validating an asset's C2PA manifest store. Never thrown: a "no" is a value.
public struct ValidationReport: Sendable {
    public var state: ValidationState
    /// Every status of the active manifest, in the order found.
    public var statuses: [ValidationStatus]
    /// What the active manifest says, when it could be read.
    public var activeManifest: ManifestSummary?
    /// How many manifests the store holds.
    public var manifestCount: Int

    public var failures: [ValidationStatus] { statuses.filter { $0.kind == .failure } }
    public var successes: [ValidationStatus] { statuses.filter { $0.kind == .success } }
    public var informational: [ValidationStatus] { statuses.filter { $0.kind == .informational } }
    /// The distinct failure codes, sorted.
    public var failureCodes: [String] { Array(Set(failures.map(\.code.rawValue))).sorted() }
    /// The failures found in ingredients (recursively) that their recorded validation results did not
    /// already list, as the reference SDK's `ingredientDeltas`; sorted, distinct.
    public var ingredientFailureCodes: [String] {
        var codes = Set<String>()
        func walk(_ summary: ManifestSummary?, depth: Int) {
            guard let summary, depth < 32 else { return }
            for ingredient in summary.ingredients {
                codes.formUnion(ingredient.newFailures.map(\.code.rawValue))
                walk(ingredient.validation?.activeManifest, depth: depth + 1)
            }
        }
        walk(activeManifest, depth: 0)
        return codes.sorted()
    }
    public var successCodes: [String] { Array(Set(successes.map(\.code.rawValue))).sorted() }
}

/// The facts of one manifest a reader cares about.
public struct ManifestSummary: Sendable {
    public var label: String
    public var claimVersion: Int
    public var claimGenerator: String?
    public var claimGeneratorName: String?
    public var claimGeneratorVersion: String?
    public var title: String?
    public var instanceID: String?
    public var actions: [ActionSummary]
    /// The fields of the `io.ailabel.disclosure` assertion, when present.
    public var disclosure: CBOR?
    public var softBindings: [SoftBinding]
    /// The signer certificate's subject, issuer and validity.
    public var signer: SignerSummary?
    public var ingredients: [IngredientSummary]
    public var assertionLabels: [String]
    /// The C2PA Asset Rubrics signals this manifest fires (fullyGenAIMedia, perceptibleGenAI, ...).
    public var signals: [ProvenanceSignal] = []
    /// The CAWG identity assertions: who published, by X.509 credential or claims aggregation.
    public var identities: [IdentitySummary] = []
}

public struct ActionSummary: Sendable, Hashable {
    public var action: String
    /// The action's `digitalSourceType`, or the one a vendor parameter states (see `sourceTypeParameter`).
    public var digitalSourceType: String?
    public var softwareAgent: String?
    public var description: String?
    /// The vendor parameter the source type was read from, when the action has no `digitalSourceType`.
    public var sourceTypeParameter: String? = nil

    /// Vendor parameters that state an action's digital source type, in the order they are read.
    public static let vendorSourceTypeParameters = ["com.adobe.digitalSourceType", ManifestDefinition.declaredSourceTypeParameter]
}

public struct SignerSummary: Sendable, Hashable {
    public var subject: String
    public var issuer: String
    public var commonName: String?
    public var organization: String?
    public var algorithm: String?
}

public struct IngredientSummary: Sendable {
    public var relationship: String?
    public var title: String?
    public var format: String?
    public var activeManifestLabel: String?
    /// The ingredient manifest's own validation, when the store holds it.
    public var validation: ValidationReport?
    /// Failures of this ingredient that its recorded `validationResults` did not list (and binding
    /// failures such as `ingredient.manifest.mismatch`): what makes the whole asset Invalid.
    public var newFailures: [ValidationStatus] = []
}

extension ActionSummary: Encodable {}
extension SignerSummary: Encodable {}
extension IngredientSummary: Encodable {}
extension ManifestSummary: Encodable {}

extension ValidationReport: CustomStringConvertible {
    /// One line per failure under the state, for logs and `--verbose` text.
    public var description: String {
        var lines = ["C2PA \(state.rawValue)" + (activeManifest.map { " — \($0.claimGenerator ?? $0.label)" } ?? "")]
        for failure in failures { lines.append("  \(failure.code.rawValue): \(failure.explanation)") }
        for code in ingredientFailureCodes { lines.append("  ingredient: \(code)") }
        return lines.joined(separator: "\n")
    }
}
