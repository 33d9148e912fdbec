import AILabelMedia

extension ManifestSigner {
    /// Signs an asset in any registered format: returns it with a new C2PA store embedded where its
    /// handler puts one (JPEG APP11 after APP0, PNG `caBX` after IHDR…). An existing store from another
    /// producer is kept and its active manifest becomes the parent ingredient; an existing ailabel
    /// manifest is replaced.
    public func sign(_ asset: [UInt8], definition: ManifestDefinition, registry: AssetRegistry = .standard) throws -> [UInt8] {
        guard let handler = registry.handler(for: asset) else {
            throw ManifestError.make(.unsupportedAsset, "The asset is not a \(registry.formatNames) file; use a .c2pa sidecar")
        }
        return try sign(asset, handler: handler, definition: definition)
    }

    /// Signs an asset through its handler, the only code that knows its container: the handler finds
    /// any existing store, lays the new one out in one rewrite, and frames the signed store that is
    /// spliced over the placeholder.
    public func sign(_ asset: [UInt8], handler: any AssetHandler, definition: ManifestDefinition) throws -> [UInt8] {
        let bindings = handler.declaration.c2paBindings
        // The binding c2pa-rs uses for the format: a BMFF hash for ISO BMFF files, a data hash otherwise.
        let binding: C2PABinding = bindings.contains(.bmffHash) ? .bmffHash : .dataHash
        guard bindings.contains(binding) else {
            throw ManifestError.make(.unsupportedAsset, "ailabel cannot yet bind a C2PA manifest to \(handler.declaration.displayName) files; use a .c2pa sidecar")
        }
        let existing = try Self.mediaStep("The asset cannot be read") { try handler.locateC2PAStore(in: asset, isPrefix: false) }
        if existing.storeCount > 0, existing.store == nil, !definition.replaceUnreadableStore {
            // A store that cannot be put together (segments out of sequence, two stores) is provenance
            // ailabel cannot carry forward: it is not silently dropped.
            throw ManifestError.make(.storeMalformed,
                "The file already has \(existing.storeCount > 1 ? "\(existing.storeCount) C2PA manifest stores" : "a damaged C2PA manifest store"); ailabel does not discard provenance it cannot carry forward. Set replaceUnreadableStore to overwrite it.")
        }
        return try signEmbedded(
            asset, format: handler.declaration.mimeType, existingStore: existing.store, definition: definition, binding: binding,
            layout: { store in
                var edit = MetadataEdit()
                edit.c2paStore = .replace(store)
                let rewritten = try Self.mediaStep("The asset cannot be rewritten with a manifest") { try handler.rewrite(asset, applying: edit) }
                return (rewritten.bytes, rewritten.c2paStoreRange)
            },
            frame: { store in try Self.mediaStep("The store cannot be framed") { try handler.framedC2PAStore(store) } })
    }

    /// Signs with a `.c2pa` sidecar for an asset the handler knows (its MIME type goes in the ingredient format).
    public func signSidecar(forAsset asset: [UInt8], handler: any AssetHandler, definition: ManifestDefinition) throws -> [UInt8] {
        try signSidecar(forAsset: asset, format: handler.declaration.mimeType, definition: definition)
    }

    /// Runs a media-layer step, reporting its failure as a ``ManifestError``.
    static func mediaStep<T>(_ what: String, _ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as MediaError {
            throw ManifestError.make(.unsupportedAsset, "\(what): \(error.reason)")
        }
    }
}

extension ManifestValidator {
    /// Validates the store embedded in an asset in any registered format.
    public func validate(asset: [UInt8], registry: AssetRegistry = .metadataReading) -> ValidationReport {
        guard let handler = registry.handler(for: asset) else {
            return .unreadable(.generalError, "The asset cannot be read: it is not a \(registry.formatNames) file")
        }
        return validate(asset: asset, handler: handler)
    }

    /// Validates the store embedded in an asset, found by its handler's structural pass.
    public func validate(asset: [UInt8], handler: any AssetHandler) -> ValidationReport {
        let location: C2PAStoreLocation
        do {
            location = try handler.locateC2PAStore(in: asset, isPrefix: false)
        } catch let error as MediaError {
            return .unreadable(.generalError, "The asset cannot be read: \(error.reason)")
        } catch {
            return .unreadable(.generalError, "The asset cannot be read: \(error)")
        }
        return validate(location: location, source: asset)
    }

    /// Validates the store of an asset the media layer has already parsed (no second parse).
    public func validate(contents: MediaContents, asset: [UInt8]) -> ValidationReport {
        validate(location: C2PAStoreLocation(store: contents.c2paStore, ranges: contents.c2paStoreRanges, storeCount: contents.c2paStoreCount),
                 source: asset)
    }

    func validate(location: C2PAStoreLocation, source: any AssetSource) -> ValidationReport {
        if location.storeCount > 1 {
            return .unreadable(.manifestInaccessible, "The asset holds \(location.storeCount) C2PA manifest stores; only one is allowed")
        }
        guard let store = location.store else {
            if location.storeCount == 1 {
                return .unreadable(.manifestInaccessible, "The asset's C2PA store is damaged and cannot be reassembled")
            }
            return .absent
        }
        return validate(storeBytes: store, source: source, storeRange: Self.location(of: location.ranges))
    }
}
