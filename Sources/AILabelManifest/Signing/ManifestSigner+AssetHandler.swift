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

    /// Signs an asset in memory through its handler, the only code that knows its container: the
    /// handler finds any existing store, lays the new one out in one rewrite, and frames the signed store
    /// that replaces the placeholder.
    public func sign(_ asset: [UInt8], handler: any AssetHandler, definition: ManifestDefinition) throws -> [UInt8] {
        try Self.checkBinding(of: handler)
        let existing = try Self.mediaStep("The asset cannot be read") { try handler.locateC2PAStore(in: asset as any ByteSource) }
        // What the structural pass found is all signing needs of a parse; the plan walks the container itself.
        var contents = MediaContents(format: handler.format, width: 0, height: 0)
        contents.c2paStore = existing.store
        contents.c2paStoreRanges = existing.ranges
        contents.c2paStoreCount = existing.storeCount
        let plan = try sign(asset, contents: contents, handler: handler, definition: definition)
        return try Self.mediaStep("The signed asset cannot be assembled") { try plan.materialize(from: asset) }
    }

    /// Plans the signed asset: `edit` (the stamp's metadata) and a new C2PA store, laid out by the handler
    /// over `source`, whose parse is `contents` (no second parse). The planned output is hashed as it
    /// streams and the signed store swapped in for its placeholder; the caller executes the plan.
    public func sign(
        _ source: any ByteSource, contents: MediaContents, handler: any AssetHandler, edit: MetadataEdit = MetadataEdit(),
        definition: ManifestDefinition, bmffMode: BMFFSigningMode = .automatic
    ) throws -> SplicePlan {
        let binding = try Self.binding(of: handler)
        // The edit keeps any store (it is the signer's to replace), so the store the parse found is the one to carry forward.
        let storeCount = contents.c2paStoreCount
        let existingStore = storeCount == 1 ? contents.c2paStore : nil
        if storeCount > 0, existingStore == nil, !definition.replaceUnreadableStore {
            // A store that cannot be put together (segments out of sequence, two stores) is provenance
            // ailabel cannot carry forward: it is not silently dropped.
            throw ManifestError.make(.storeMalformed,
                "The file already has \(storeCount > 1 ? "\(storeCount) C2PA manifest stores" : "a damaged C2PA manifest store"); ailabel does not discard provenance it cannot carry forward. Set replaceUnreadableStore to overwrite it.")
        }
        var metadataEdit = edit
        metadataEdit.c2paStore = .keep
        return try signEmbedded(
            source, format: handler.declaration.mimeType, existingStore: existingStore, definition: definition, binding: binding,
            bmffMode: bmffMode,
            unsigned: {
                if edit.isEmpty { return source }
                return try Self.mediaStep("The asset cannot be rewritten") {
                    try handler.planRewrite(of: source, contents: contents, applying: metadataEdit).output(over: source)
                }
            },
            layout: { store in
                var withStore = edit
                withStore.c2paStore = .replace(store)
                return try Self.mediaStep("The asset cannot be rewritten with a manifest") {
                    try handler.planRewrite(of: source, contents: contents, applying: withStore)
                }
            },
            frame: { store in try Self.mediaStep("The store cannot be framed") { try handler.framedC2PAStore(store) } })
    }

    /// The hard binding c2pa-rs uses for the format: a BMFF hash for ISO BMFF files, a data hash
    /// otherwise; a format that declares neither is refused.
    static func binding(of handler: any AssetHandler) throws -> C2PABinding {
        let bindings = handler.declaration.c2paBindings
        let binding: C2PABinding = bindings.contains(.bmffHash) ? .bmffHash : .dataHash
        guard bindings.contains(binding) else {
            throw ManifestError.make(.unsupportedAsset, "ailabel cannot yet bind a C2PA manifest to \(handler.declaration.displayName) files; use a .c2pa sidecar")
        }
        return binding
    }

    /// Refuses a format whose hard binding ailabel cannot compute.
    static func checkBinding(of handler: any AssetHandler) throws { _ = try binding(of: handler) }

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
    /// Validates the store embedded in an asset in any registered format (in memory or a file read by position).
    public func validate(asset: any ByteSource, registry: AssetRegistry = .metadataReading) -> ValidationReport {
        guard let handler = try? registry.handler(sniffing: asset) else {
            return .unreadable(.generalError, "The asset cannot be read: it is not a \(registry.formatNames) file")
        }
        return validate(asset: asset, handler: handler)
    }

    /// Validates the store embedded in an asset, found by its handler's structural pass.
    public func validate(asset: any ByteSource, handler: any AssetHandler) -> ValidationReport {
        let location: C2PAStoreLocation
        do {
            location = try handler.locateC2PAStore(in: asset)
        } catch let error as MediaError {
            return .unreadable(.generalError, "The asset cannot be read: \(error.reason)")
        } catch {
            return .unreadable(.generalError, "The asset cannot be read: \(error)")
        }
        return validate(location: location, source: asset)
    }

    /// Validates the store of an asset the media layer has already parsed (no second parse).
    public func validate(contents: MediaContents, asset: any ByteSource) -> ValidationReport {
        validate(location: C2PAStoreLocation(store: contents.c2paStore, ranges: contents.c2paStoreRanges, storeCount: contents.c2paStoreCount),
                 source: asset)
    }

    func validate(location: C2PAStoreLocation, source: any ByteSource) -> ValidationReport {
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
