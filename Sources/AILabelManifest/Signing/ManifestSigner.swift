import Crypto
import Foundation
import SwiftASN1
import X509

/// Signs assets with C2PA manifests. Construction checks the key, the certificate chain and the
/// C2PA signer profile, so a signer that exists can sign: call it before writing any file.
///
/// ```swift
/// let signer = try ManifestSigner(privateKeyPEM: key, certificateChainPEM: chain)
/// let signed = try signer.sign(jpegBytes, definition: ManifestDefinition(digitalSourceType: iptcURI))
/// ```
public struct ManifestSigner: Sendable {
    public let key: SigningKey
    /// The x5chain, leaf first (the root is not included).
    public let certificates: [Certificate]
    let certificateDERs: [[UInt8]]

    /// Reads and checks a PEM private key and the PEM chain that goes into x5chain (leaf, then
    /// intermediates). Throws a ``ManifestError`` naming the problem when the key does not match the
    /// leaf, the leaf is expired, a CA, self-signed or otherwise outside the C2PA profile, or the
    /// chain's links do not hold.
    public init(privateKeyPEM: String, certificateChainPEM: String, at time: Date = Date()) throws {
        let key = try SigningKey(pemRepresentation: privateKeyPEM)
        let certificates = try TrustConfiguration.certificates(fromPEMBundle: certificateChainPEM)
        try self.init(key: key, certificates: certificates, at: time)
    }

    public init(key: SigningKey, certificates: [Certificate], at time: Date = Date()) throws {
        guard let leaf = certificates.first else {
            throw ManifestError.make(.invalidCertificate, "The certificate chain is empty")
        }
        guard leaf.publicKey == key.publicKey else {
            throw ManifestError.make(.keyMismatch, "The private key does not belong to the signing certificate \"\(leaf.subject)\"")
        }
        let violations = CertificateProfile.violations(
            ofSigningCertificate: try ParsedCertificate(derEncoded: TrustConfiguration.der(leaf)), at: time)
        if !violations.isEmpty {
            throw ManifestError.make(.invalidCertificate, violations.map(\.description).joined(separator: "; "))
        }
        for index in 0..<(certificates.count - 1) {
            let child = certificates[index]
            let parent = certificates[index + 1]
            guard child.issuer == parent.subject, parent.publicKey.isValidSignature(child.signature, for: child) else {
                throw ManifestError.make(.invalidCertificate,
                    "The chain is out of order: \"\(child.subject)\" is not issued by the next certificate \"\(parent.subject)\"")
            }
            guard TrustConfiguration.isCA(parent) else {
                throw ManifestError.make(.invalidCertificate, "\"\(parent.subject)\" in the chain is not a CA certificate")
            }
            guard parent.notValidBefore <= time, time <= parent.notValidAfter else {
                throw ManifestError.make(.invalidCertificate, "\"\(parent.subject)\" in the chain is expired or not yet valid")
            }
        }
        self.key = key
        self.certificates = certificates
        var ders: [[UInt8]] = []
        for certificate in certificates {
            var serializer = DER.Serializer()
            try serializer.serialize(certificate)
            ders.append(serializer.serializedBytes)
        }
        self.certificateDERs = ders
    }

    /// A signer that skips every check (tests use it to make manifests the profile forbids).
    init(uncheckedKey key: SigningKey, certificates: [Certificate]) throws {
        self.key = key
        self.certificates = certificates
        self.certificateDERs = try certificates.map { certificate in
            var serializer = DER.Serializer()
            try serializer.serialize(certificate)
            return serializer.serializedBytes
        }
    }

    // MARK: Signing

    /// Signs a JPEG or PNG: returns the asset with a new C2PA store embedded (JPEG APP11 after
    /// APP0, PNG `caBX` after IHDR). An existing store from another producer is kept and its active
    /// manifest becomes the parent ingredient; an existing ailabel manifest is replaced.
    public func sign(_ asset: [UInt8], definition: ManifestDefinition) throws -> [UInt8] {
        let located = try StoreEmbedding.locate(in: asset)
        return try signEmbedded(
            asset, format: located.format == .jpeg ? "image/jpeg" : "image/png", existingStore: located.store,
            definition: definition
        ) { store in try StoreEmbedding.rewrite(asset, store: store) }
    }

    /// The two-pass signing of an embedded store. `layout` returns the asset with the given store
    /// in place (replacing any earlier store) and the byte range the store occupies.
    func signEmbedded(
        _ asset: [UInt8], format: String, existingStore: [UInt8]?, definition: ManifestDefinition,
        layout: ([UInt8]) throws -> (bytes: [UInt8], storeRange: Range<Int>?)
    ) throws -> [UInt8] {
        var previous = try previousManifests(existingStore, replacingUnreadable: definition.replaceUnreadableStore)
        if previous.parentIsInput, let parent = previous.parent, let parentStore = previous.parentStore {
            var visited = Set<String>()
            previous.parentValidation = ManifestValidator().validate(
                manifest: parent, in: parentStore, source: asset, checkDataHash: true, visited: &visited)
        }
        var builder = try prepareBuilder(definition: definition, previous: previous, format: format)

        // Pass 1: a store of the final size with placeholder hash and signature.
        let placeholderHash = try ManifestBuilder.dataHash(
            exclusion: ManifestBuilder.placeholderExclusion, hash: [UInt8](repeating: 0, count: 32))
        let reservedHashLength = placeholderHash.encoded().count
        let hashLabel = "c2pa.hash.data"
        let beforeHash = builder
        builder.add(ManifestBuilder.cborAssertion(label: hashLabel, content: placeholderHash))
        let placeholderStore = try storeBytes(builder: builder, definition: definition, previous: previous.kept, placeholder: true)
        var (laidOut, storeRange) = try layout(placeholderStore)
        guard let storeRange, storeRange.upperBound <= laidOut.count else {
            throw ManifestError.make(.unsupportedAsset, "The store could not be placed in the asset")
        }
        guard storeRange.upperBound <= Int(UInt32.max) else {
            throw ManifestError.make(.unsupportedAsset, "The asset is too large for ailabel's embedded data hash (over 4 GB)")
        }

        // Pass 2: hash everything but the store, then sign the real store of the same length.
        var hasher = SHA256()
        laidOut.withUnsafeBytes { buffer in
            hasher.update(bufferPointer: UnsafeRawBufferPointer(rebasing: buffer[..<storeRange.lowerBound]))
            hasher.update(bufferPointer: UnsafeRawBufferPointer(rebasing: buffer[storeRange.upperBound...]))
        }
        let digest = Array(hasher.finalize())
        let realHash = try ManifestBuilder.dataHash(exclusion: storeRange, hash: digest, paddedTo: reservedHashLength)
        builder = beforeHash
        builder.add(ManifestBuilder.cborAssertion(label: hashLabel, content: realHash))
        let finalStore = try storeBytes(builder: builder, definition: definition, previous: previous.kept, placeholder: false)
        guard finalStore.count == placeholderStore.count else {
            throw ManifestError.make(.signingFailed, "The signed store (\(finalStore.count) bytes) differs in size from its reservation (\(placeholderStore.count) bytes)")
        }
        // The real store has the placeholder's length, so it lands on the same bytes. When the framing
        // is the standard one (checked against the placeholder's), splice it in place; otherwise lay out again.
        if let format = StoreEmbedding.format(of: laidOut),
            let framedPlaceholder = try? StoreEmbedding.framed(placeholderStore, format: format),
            framedPlaceholder.count == storeRange.count, laidOut[storeRange].elementsEqual(framedPlaceholder)
        {
            let framedFinal = try StoreEmbedding.framed(finalStore, format: format)
            laidOut.replaceSubrange(storeRange, with: framedFinal)
            return laidOut
        }
        let (signed, finalRange) = try layout(finalStore)
        guard finalRange == storeRange, signed.count == laidOut.count else {
            throw ManifestError.make(.signingFailed, "The store moved between the two signing passes")
        }
        return signed
    }

    /// Signs any asset with a detached manifest: returns the `.c2pa` sidecar's bytes (the raw JUMBF
    /// store). The hard binding hashes the whole asset with no exclusion.
    public func signSidecar(forAsset asset: [UInt8], format: String = "application/octet-stream",
                            definition: ManifestDefinition) throws -> [UInt8] {
        var builder = try prepareBuilder(definition: definition, previous: PreviousManifests(), format: format)
        let digest = Array(SHA256.hash(data: asset))
        builder.add(ManifestBuilder.cborAssertion(label: "c2pa.hash.data",
                                                  content: try ManifestBuilder.dataHash(exclusion: nil, hash: digest)))
        return try storeBytes(builder: builder, definition: definition, previous: [], placeholder: false)
    }

    // MARK: Parts

    struct PreviousManifests {
        /// The manifests kept in the new store, as parsed boxes.
        var kept: [JUMBFSuperbox] = []
        /// The manifest that becomes the parent ingredient.
        var parent: Manifest?
        var parentStore: ManifestStore?
        /// Whether the asset being signed is the parent's own asset (so its data hash can be checked).
        var parentIsInput = false
        var parentValidation: ValidationReport?
    }

    /// Decides what happens to an existing store: a foreign active manifest becomes the parent and
    /// all manifests are kept; an ailabel active manifest is dropped (and its own parent, if any,
    /// stays the parent).
    func previousManifests(_ storeBytes: [UInt8]?, replacingUnreadable: Bool = false) throws -> PreviousManifests {
        guard let storeBytes else { return PreviousManifests() }
        let store: ManifestStore
        do {
            store = try ManifestStore(parsing: storeBytes)
        } catch let error as ManifestError {
            if replacingUnreadable { return PreviousManifests() }
            throw ManifestError.make(.storeMalformed,
                "The file already has a C2PA manifest store that cannot be read (\(error.reason)); ailabel does not discard provenance it cannot carry forward. Set replaceUnreadableStore to overwrite it.")
        }
        guard let active = store.activeManifest else { return PreviousManifests() }
        if active.claim?.claimGeneratorName == ManifestDefinition.generatorName {
            let remaining = Array(store.manifests.dropLast())
            guard !remaining.isEmpty else { return PreviousManifests() }
            let parentLabel = active.assertions.lazy
                .filter { $0.baseLabel.hasPrefix("c2pa.ingredient") && $0.cbor?["relationship"]?.textValue == "parentOf" }
                .compactMap { ($0.cbor?["activeManifest"] ?? $0.cbor?["c2pa_manifest"]).flatMap(HashedURI.init) }
                .compactMap { JUMBFURI.manifestLabel(of: $0.url) }
                .first
            let parent = parentLabel.flatMap { label in remaining.first { $0.label == label } } ?? remaining.last
            let reduced = ManifestStore(manifests: remaining, encodedBytes: [])
            return PreviousManifests(kept: remaining.map(\.box), parent: parent, parentStore: reduced)
        }
        return PreviousManifests(kept: store.manifests.map(\.box), parent: active, parentStore: store, parentIsInput: true)
    }

    func prepareBuilder(definition: ManifestDefinition, previous: PreviousManifests, format: String) throws -> ManifestBuilder {
        var builder = ManifestBuilder()
        var parentURI: HashedURI?
        if let parent = previous.parent, let parentStore = previous.parentStore {
            let validation: ValidationReport = previous.parentValidation ?? {
                var visited = Set<String>()
                return ManifestValidator().validate(manifest: parent, in: parentStore, source: nil, checkDataHash: false, visited: &visited)
            }()
            let ingredient = IngredientBuilder.parentIngredient(for: parent, in: parentStore, format: format, validation: validation)
            let label = builder.uniqueLabel("c2pa.ingredient.v3")
            let box = ManifestBuilder.cborAssertion(label: label, content: ingredient)
            builder.add(box)
            parentURI = ManifestBuilder.hashedURI("self#jumbf=c2pa.assertions/\(label)", of: box)
        }
        builder.add(ManifestBuilder.cborAssertion(
            label: "c2pa.actions.v2", content: ManifestBuilder.actions(definition: definition, parentIngredientURI: parentURI)))
        if let fields = definition.disclosure {
            builder.add(ManifestBuilder.cborAssertion(
                label: ManifestDefinition.disclosureLabel, content: .map(fields.map { (key: CBOR.text($0.key), value: $0.value) })))
        }
        for binding in definition.softBindings {
            builder.add(ManifestBuilder.cborAssertion(label: builder.uniqueLabel("c2pa.soft-binding"),
                                                      content: ManifestBuilder.softBinding(binding)))
        }
        if let thumbnail = definition.thumbnail {
            let suffix = thumbnail.mimeType == "image/png" ? "png" : "jpeg"
            builder.add(ManifestBuilder.embeddedFileAssertion(
                label: "c2pa.thumbnail.claim.\(suffix)", mimeType: thumbnail.mimeType, bytes: thumbnail.bytes))
        }
        for custom in definition.customAssertions {
            guard !custom.label.isEmpty, !custom.label.contains("/") else {
                throw ManifestError.make(.invalidDefinition, "The assertion label \"\(custom.label)\" is not usable")
            }
            builder.add(ManifestBuilder.cborAssertion(label: builder.uniqueLabel(custom.label), content: custom.value))
        }
        return builder
    }

    /// The serialized store: the claim over the builder's assertions, signed (or, for the
    /// placeholder pass, a zero signature of the same length).
    func storeBytes(builder: ManifestBuilder, definition: ManifestDefinition, previous: [JUMBFSuperbox], placeholder: Bool) throws -> [UInt8] {
        let claimBytes = builder.claim(title: definition.title, generatorVersion: definition.softwareVersion).encoded()
        let signature = try coseSignature(claimBytes: claimBytes, placeholder: placeholder)
        let manifest = builder.manifestBox(claimBytes: claimBytes, signatureBytes: signature)
        return ManifestBuilder.storeBox(previous: previous, manifest: manifest)
    }

    /// The COSE_Sign1 over the claim: protected `{1: alg, 33: x5chain}`, unprotected `{"pad": …}`,
    /// detached payload.
    func coseSignature(claimBytes: [UInt8], placeholder: Bool) throws -> [UInt8] {
        let chain: CBOR = certificateDERs.count == 1 ? .bytes(certificateDERs[0]) : .array(certificateDERs.map { .bytes($0) })
        let protected = CBOR.map([
            (key: .int(COSESign1.Header.algorithm), value: .int(key.algorithm.rawValue)),
            (key: .int(COSESign1.Header.x5chain), value: chain),
        ])
        let protectedBytes = protected.encoded()
        let signature: [UInt8]
        if placeholder {
            signature = [UInt8](repeating: 0, count: key.signatureLength)
        } else {
            signature = try key.sign(COSESign1.signedBytes(protectedBytes: protectedBytes, payload: claimBytes))
            guard signature.count == key.signatureLength else {
                throw ManifestError.make(.signingFailed, "The signature has an unexpected length of \(signature.count) bytes")
            }
        }
        var sign1 = COSESign1(protectedHeader: protected, unprotectedHeader: .textMap([("pad", .bytes([UInt8](repeating: 0, count: 16)))]),
                              payload: nil, signature: signature)
        sign1.protectedBytes = protectedBytes
        return sign1.encoded()
    }
}
