import AILabelMedia
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
    /// The private key, when ailabel holds it; `nil` with an ``ExternalSigner``.
    public let key: SigningKey?
    let external: ExternalSigner?
    /// The algorithm every signature is made with.
    public let algorithm: COSEAlgorithm
    let signatureLength: Int
    /// The x5chain, leaf first (the root is not included).
    public let certificates: [Certificate]
    /// The same certificates, DER.
    public let certificateDERs: [[UInt8]]
    /// Asks a time-stamp authority for an RFC 3161 token over the given bytes (the v2
    /// countersignature structure); the token is embedded as `sigTst2`. A throw fails the signing,
    /// so nothing half-signed is written.
    public var timeStamper: (@Sendable ([UInt8]) throws -> [UInt8])?
    /// The room kept in the signature box for the time-stamp token (c2pa-rs reserves 10,000 bytes).
    public var timeStampReserve = 10_000
    /// An ISO BMFF file with an `mdat` payload at least this large gets Merkle maps over its `mdat`
    /// boxes in its BMFF hash (fixed blocks, every leaf stored), so a player or verifier can check a
    /// range of the media without hashing the file. Nil: never.
    public var merkleThreshold: Int? = 64 << 20
    /// The Merkle block size; nil picks it from the `mdat`'s length (``BMFFHash/merkleBlockSize(forPayload:)``).
    public var merkleBlockSize: Int?
    /// Gives the signing certificate's OCSP response (DER), embedded in a `c2pa.certificate-status`
    /// assertion so that validators see the certificate was not revoked when it signed
    /// (`stamp --ocsp-staple`). Asked before anything is laid out; a throw fails the signing, so
    /// nothing half-signed is written.
    public var certificateStatusProvider: (@Sendable () throws -> [UInt8])?
    /// OCSP responses put in the COSE unprotected header's `rVals` (what c2pa-rs's signers staple);
    /// ailabel writes `c2pa.certificate-status` instead, so only tests set this.
    var revocationValues: [[UInt8]] = []

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
        try Self.checkChain(certificates, at: time)
        self.key = key
        self.external = nil
        self.algorithm = key.algorithm
        self.signatureLength = key.signatureLength
        self.certificates = certificates
        self.certificateDERs = try Self.ders(certificates)
    }

    /// A signer whose key stays outside ailabel (``ExternalSigner``); the chain is checked as for a
    /// key, and the algorithm must fit the leaf's key.
    public init(external: ExternalSigner, certificates: [Certificate], at time: Date = Date()) throws {
        guard let leaf = certificates.first else {
            throw ManifestError.make(.invalidCertificate, "The certificate chain is empty")
        }
        guard let length = ExternalSigner.signatureLength(external.algorithm, key: leaf.publicKey) else {
            throw ManifestError.make(.keyMismatch, "The algorithm \(external.algorithm) does not fit the key of the signing certificate \"\(leaf.subject)\"")
        }
        try Self.checkChain(certificates, at: time)
        self.key = nil
        self.external = external
        self.algorithm = external.algorithm
        self.signatureLength = length
        self.certificates = certificates
        self.certificateDERs = try Self.ders(certificates)
    }

    static func ders(_ certificates: [Certificate]) throws -> [[UInt8]] {
        try certificates.map { certificate in
            var serializer = DER.Serializer()
            try serializer.serialize(certificate)
            return serializer.serializedBytes
        }
    }

    /// The C2PA profile of the leaf and the links of the chain, at `time`.
    static func checkChain(_ certificates: [Certificate], at time: Date) throws {
        guard let leaf = certificates.first else {
            throw ManifestError.make(.invalidCertificate, "The certificate chain is empty")
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
    }

    /// A signer that skips every check (tests use it to make manifests the profile forbids).
    init(uncheckedKey key: SigningKey, certificates: [Certificate]) throws {
        self.key = key
        self.external = nil
        self.algorithm = key.algorithm
        self.signatureLength = key.signatureLength
        self.certificates = certificates
        self.certificateDERs = try certificates.map { certificate in
            var serializer = DER.Serializer()
            try serializer.serialize(certificate)
            return serializer.serializedBytes
        }
    }

    // MARK: Signing

    /// The two-pass signing of an embedded store, as plans over `source`: nothing is materialised.
    /// `layout` plans the asset with the given store in place (replacing any earlier store), recording
    /// where the store lands; `frame` returns a store's bytes as the container frames it; `unsigned` is
    /// the asset as it is before the store goes in (what a parent manifest's binding is checked against).
    ///
    /// `binding` is the hard binding: a data hash (one exclusion, where the store lands) or a BMFF
    /// hash (boxes excluded by xpath, the store's `uuid` box among them; ``BMFFHash``). Either way
    /// the placeholder's hash has the real one's length, so the signed store keeps the placeholder's size,
    /// and either way the hash is computed over the planned output as it streams.
    func signEmbedded(
        _ source: any ByteSource, format: String, existingStore: [UInt8]?, definition: ManifestDefinition, binding: C2PABinding = .dataHash,
        bmffMode: BMFFSigningMode = .automatic,
        unsigned: () throws -> any ByteSource, layout: ([UInt8]) throws -> SplicePlan, frame: ([UInt8]) throws -> [UInt8]
    ) throws -> SplicePlan {
        var previous = try previousManifests(existingStore, replacingUnreadable: definition.replaceUnreadableStore)
        if previous.parentIsInput, let parent = previous.parent, let parentStore = previous.parentStore {
            var visited = Set<String>()
            previous.parentValidation = ManifestValidator().validate(
                manifest: parent, in: parentStore, source: try unsigned(), checkDataHash: true, visited: &visited)
        }
        var builder = try prepareBuilder(definition: definition, previous: previous, format: format)

        // Pass 1: a store of the final size with placeholder hash and signature.
        let isBMFF = binding == .bmffHash
        var bmffTemplate = BMFFHash(hash: [UInt8](repeating: 0, count: 32))
        if isBMFF {
            switch bmffMode {
            case .fragmentedRendition(let rendition):
                bmffTemplate.hash = nil
                bmffTemplate.merkle = [rendition.map()]
            case .automatic:
                // Large mdat payloads get Merkle maps, computed from the source: the mdat bytes are
                // copied unchanged, so their blocks hash the same in the output.
                if let maps = try Self.mediaStep("The asset's media data cannot be hashed", { try BMFFHash.largeMdatMaps(over: source, threshold: merkleThreshold, blockSize: merkleBlockSize) }) {
                    bmffTemplate.exclusions.append(BMFFHash.mdatPayloadExclusion)
                    bmffTemplate.merkle = maps
                }
            }
        }
        let hashLabel = isBMFF ? BMFFHash.label : "c2pa.hash.data"
        let beforeHash = builder
        // The data hash's placeholder exclusion reserves 32-bit integers; a store placed past 4 GB (an
        // RF64 WAV carries it after its samples) is laid out again with 64-bit ones. The real exclusion
        // is padded to the reserved length either way.
        var wideExclusion = false
        var placeholderHash: CBOR
        var placeholderStore: [UInt8]
        var plan: SplicePlan
        var storeRange: Range<Int>
        while true {
            placeholderHash = isBMFF
                ? bmffTemplate.cbor
                : try ManifestBuilder.dataHash(exclusion: ManifestBuilder.placeholderExclusion(wide: wideExclusion), hash: [UInt8](repeating: 0, count: 32))
            builder = beforeHash
            builder.add(ManifestBuilder.cborAssertion(label: hashLabel, content: placeholderHash))
            placeholderStore = try storeBytes(builder: builder, definition: definition, previous: previous.kept, placeholder: true)
            plan = try layout(placeholderStore)
            guard let placed = plan.c2paStoreRange, placed.upperBound <= plan.count else {
                throw ManifestError.make(.unsupportedAsset, "The store could not be placed in the asset")
            }
            storeRange = placed
            guard !isBMFF, !wideExclusion, storeRange.upperBound > Int(UInt32.max) else { break }
            wideExclusion = true
        }
        let reservedHashLength = placeholderHash.encoded().count

        // Pass 2: hash everything but the store as the planned output streams, then sign the real store
        // of the same length.
        let output = plan.output(over: source)
        let realHash: CBOR
        if isBMFF {
            var binding = bmffTemplate
            do {
                if case .fragmentedRendition = bmffMode, var map = binding.merkle?.first {
                    // The init segment's hash (less the exclusions, the store among them) goes in the map.
                    map.initHash = try binding.computeHash(over: output, claimAlgorithm: "sha256")
                    binding.merkle = [map]
                } else {
                    binding.hash = try binding.computeHash(over: output, claimAlgorithm: "sha256")
                }
            } catch BMFFHashError.unreadable(let reason), BMFFHashError.malformed(let reason), BMFFHashError.mismatch(let reason) {
                throw ManifestError.make(.unsupportedAsset, "The asset's BMFF hash cannot be computed: \(reason)")
            }
            realHash = binding.cbor
        } else {
            var hasher = SHA256()
            do {
                try output.forEachChunk(in: 0..<storeRange.lowerBound) { hasher.update(bufferPointer: $0) }
                try output.forEachChunk(in: storeRange.upperBound..<output.count) { hasher.update(bufferPointer: $0) }
            } catch let error as MediaError {
                throw ManifestError.make(.unsupportedAsset, "The asset cannot be read to hash it: \(error.reason)")
            }
            let digest = Array(hasher.finalize())
            realHash = try ManifestBuilder.dataHash(exclusion: storeRange, hash: digest, paddedTo: reservedHashLength)
        }
        guard realHash.encoded().count == reservedHashLength else {
            throw ManifestError.make(.signingFailed, "The hard binding changed size between the signing passes")
        }
        builder = beforeHash
        builder.add(ManifestBuilder.cborAssertion(label: hashLabel, content: realHash))
        let finalStore = try storeBytes(builder: builder, definition: definition, previous: previous.kept, placeholder: false)
        guard finalStore.count == placeholderStore.count else {
            throw ManifestError.make(.signingFailed, "The signed store (\(finalStore.count) bytes) differs in size from its reservation (\(placeholderStore.count) bytes)")
        }
        // The real store has the placeholder's length, so it lands on the same bytes. When the framing
        // is the standard one (checked against the placeholder's), swap it in place; otherwise lay out again.
        if let framedPlaceholder = try? frame(placeholderStore),
            framedPlaceholder.count == storeRange.count, (try? output.read(storeRange)) == framedPlaceholder
        {
            return try Self.mediaStep("The signed store cannot be put in place") { try plan.replacingC2PAStore(with: try frame(finalStore)) }
        }
        let signed = try layout(finalStore)
        guard signed.c2paStoreRange == storeRange, signed.count == plan.count else {
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
        if let certificateStatusProvider {
            builder.add(ManifestBuilder.cborAssertion(
                label: RevocationValues.assertionLabel, content: RevocationValues.container([try certificateStatusProvider()])))
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
            (key: .int(COSESign1.Header.algorithm), value: .int(algorithm.rawValue)),
            (key: .int(COSESign1.Header.x5chain), value: chain),
        ])
        let protectedBytes = protected.encoded()
        let signature: [UInt8]
        if placeholder {
            signature = [UInt8](repeating: 0, count: signatureLength)
        } else {
            signature = try sign(COSESign1.signedBytes(protectedBytes: protectedBytes, payload: claimBytes))
            guard signature.count == signatureLength else {
                throw ManifestError.make(.signingFailed, "The signature has an unexpected length of \(signature.count) bytes")
            }
        }
        var unprotected: [(String, CBOR)] = [("pad", .bytes([UInt8](repeating: 0, count: 16)))]
        if !revocationValues.isEmpty { unprotected.insert(("rVals", RevocationValues.container(revocationValues)), at: 0) }
        var sign1 = COSESign1(protectedHeader: protected, unprotectedHeader: .textMap(unprotected), payload: nil, signature: signature)
        sign1.protectedBytes = protectedBytes
        guard let timeStamper else { return sign1.encoded() }

        // With a time-stamp the box is sized for a token of `timeStampReserve` bytes; the real token
        // is padded up to the same length so the signed store keeps its reserved size.
        let reserved = COSETimeStamp.container(token: [UInt8](repeating: 0, count: timeStampReserve))
        sign1.unprotectedHeader = .textMap([("sigTst2", reserved)] + unprotected)
        let length = sign1.encoded().count
        if placeholder { return sign1.encoded() }
        let token = try timeStamper(COSETimeStamp.imprintedBytes(.v2, claimBytes: claimBytes, sign1: sign1))
        guard token.count <= timeStampReserve else {
            throw ManifestError.make(.timeStampFailed,
                "The time-stamp authority's token is \(token.count) bytes, more than the \(timeStampReserve) reserved for it")
        }
        return try Self.padded(sign1, container: COSETimeStamp.container(token: token), to: length)
    }

    /// Signs a Sig_structure with the key, or with the external signer (whose answer is normalized
    /// and checked against the signing certificate before use).
    func sign(_ toBeSigned: [UInt8]) throws -> [UInt8] {
        if let key { return try key.sign(toBeSigned) }
        guard let external, let leaf = certificates.first else {
            throw ManifestError.make(.signingFailed, "The signer has no key")
        }
        let answer = try external.sign(toBeSigned)
        let signature = ExternalSigner.normalized(answer, algorithm: algorithm, length: signatureLength)
        guard verifyCOSESignature(signature, over: toBeSigned, algorithm: algorithm, publicKey: leaf.publicKey) else {
            throw ManifestError.make(.signingFailed,
                "The external signer's answer (\(answer.count) bytes) is not a valid \(algorithm) signature by the signing certificate's key")
        }
        return signature
    }

    /// `sign1` with the time-stamp `container` and zero padding (`pad`, and `pad2` when one pad
    /// cannot hit the length because a byte-string header grows) making it exactly `length` bytes.
    static func padded(_ base: COSESign1, container: CBOR, to length: Int) throws -> [UInt8] {
        var sign1 = base
        // Other header entries (`rVals`) are kept between the time-stamp and the padding.
        var kept: [(String, CBOR)] = []
        if case .map(let entries) = base.unprotectedHeader {
            for entry in entries {
                guard let key = entry.key.textValue, !["sigTst2", "pad", "pad2"].contains(key) else { continue }
                kept.append((key, entry.value))
            }
        }
        func encoded(_ pad: Int, _ pad2: Int?) -> [UInt8] {
            var entries: [(String, CBOR)] = [("sigTst2", container)] + kept + [("pad", .bytes([UInt8](repeating: 0, count: pad)))]
            if let pad2 { entries.append(("pad2", .bytes([UInt8](repeating: 0, count: pad2)))) }
            sign1.unprotectedHeader = .textMap(entries)
            return sign1.encoded()
        }
        for pad2 in [nil, 0, 1, 2, 3] as [Int?] {
            var pad = 0
            for _ in 0..<4 {
                let bytes = encoded(pad, pad2)
                if bytes.count == length { return bytes }
                pad += length - bytes.count
                if pad < 0 { break }
            }
        }
        throw ManifestError.make(.signingFailed, "The time-stamped signature cannot be padded to its reserved \(length) bytes")
    }
}
