import Crypto

/// Builds the `c2pa.ingredient.v3` assertion that makes an existing manifest the parent of a new one.
enum IngredientBuilder {
    static func parentIngredient(for parent: Manifest, in store: ManifestStore, format: String) -> CBOR {
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
        return .textMap(entries)
    }
}
