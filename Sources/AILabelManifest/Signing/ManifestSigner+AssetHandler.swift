import AILabelMedia

extension ManifestSigner {
    /// Signs an asset through its media-layer handler: the handler finds any existing store and
    /// rewrites the file with the new one in the format's standard place (JPEG APP11 after APP0,
    /// PNG `caBX` after IHDR). See ``sign(_:definition:)`` for parents and re-signing.
    public func sign(_ asset: [UInt8], handler: any AssetHandler, definition: ManifestDefinition) throws -> [UInt8] {
        let contents: MediaContents
        do {
            contents = try handler.parse(asset)
        } catch {
            throw ManifestError.make(.unsupportedAsset, "The asset cannot be parsed: \(error)")
        }
        return try signEmbedded(asset, format: handler.format.mimeType, existingStore: contents.c2paStore, definition: definition) {
            store in
            var edit = MetadataEdit()
            edit.c2paStore = .replace(store)
            do {
                let rewritten = try handler.rewrite(asset, applying: edit)
                return (rewritten.bytes, rewritten.c2paStoreRange)
            } catch {
                throw ManifestError.make(.unsupportedAsset, "The asset cannot be rewritten with a manifest: \(error)")
            }
        }
    }

    /// Signs with a `.c2pa` sidecar for an asset the handler knows (its MIME type goes in the ingredient format).
    public func signSidecar(forAsset asset: [UInt8], handler: any AssetHandler, definition: ManifestDefinition) throws -> [UInt8] {
        try signSidecar(forAsset: asset, format: handler.format.mimeType, definition: definition)
    }
}

extension ManifestValidator {
    /// Validates the store embedded in an asset, found by its media-layer handler.
    public func validate(asset: [UInt8], handler: any AssetHandler) -> ValidationReport {
        let contents: MediaContents
        do {
            contents = try handler.parse(asset)
        } catch {
            return .unreadable(.generalError, "The asset cannot be read: \(error)")
        }
        return validate(contents: contents, asset: asset)
    }

    /// Validates the store of an asset the media layer has already parsed (no second parse).
    public func validate(contents: MediaContents, asset: [UInt8]) -> ValidationReport {
        if contents.c2paStoreCount > 1 {
            return .unreadable(.manifestInaccessible, "The asset holds \(contents.c2paStoreCount) C2PA manifest stores; only one is allowed")
        }
        guard let store = contents.c2paStore else {
            if contents.c2paStoreCount == 1 {
                return .unreadable(.manifestInaccessible, "The asset's C2PA store is damaged and cannot be reassembled")
            }
            return .absent
        }
        return validate(storeBytes: store, source: asset, storeRange: Self.location(of: contents.c2paStoreRanges))
    }
}
