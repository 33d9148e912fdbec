import Crypto

/// Builds the `c2pa.ingredient.v3` assertion that makes an existing manifest the parent of a new one.
enum IngredientBuilder {
    static func parentIngredient(for parent: Manifest, in store: ManifestStore, format: String,
                                 validation: ValidationReport) -> CBOR {
        var entries: [(String, CBOR)] = [
            ("relationship", .text("parentOf")),
            ("dc:title", .text(parent.claim?.title ?? "parent")),
            ("dc:format", .text(parent.claim?.format ?? format)),
        ]
        if let instance = parent.claim?.instanceID { entries.append(("instanceID", .text(instance))) }
        let manifestURI = ManifestBuilder.hashedURI("self#jumbf=/c2pa/\(parent.label)", of: parent.box)
        entries.append(("activeManifest", manifestURI.cbor))
        if let signatureBox = parent.signatureBox {
            let signatureURI = ManifestBuilder.hashedURI("self#jumbf=/c2pa/\(parent.label)/c2pa.signature",
                                                         of: signatureBox)
            entries.append(("claimSignature", signatureURI.cbor))
        }
        entries.append(("validationResults", .textMap([("activeManifest", statusMap(validation.statuses))])))
        return .textMap(entries)
    }

    /// `{success: [...], informational: [...], failure: [...]}` of status maps `{code, url, explanation}`.
    static func statusMap(_ statuses: [ValidationStatus]) -> CBOR {
        func list(_ kind: ValidationStatus.Kind) -> CBOR {
            .array(statuses.filter { $0.kind == kind }.map { status in
                var entries: [(String, CBOR)] = [("code", .text(status.code.rawValue))]
                if let url = status.url { entries.append(("url", .text(url))) }
                entries.append(("explanation", .text(status.explanation)))
                return .textMap(entries)
            })
        }
        return .textMap([("success", list(.success)), ("informational", list(.informational)), ("failure", list(.failure))])
    }
}
