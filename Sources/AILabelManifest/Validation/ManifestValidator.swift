import AILabelMedia
import Foundation
import SwiftASN1
import X509

/// Validates C2PA manifest stores from any producer (claim v1 and v2): the COSE signature, the
/// signer certificate profile, the chain to the configured trust anchors, the data hash with its
/// exclusions, every assertion's hashed URI, the actions rules, and ingredients recursively.
///
/// Every method returns a ``ValidationReport``; none throws for a "no".
public struct ManifestValidator: Sendable {
    public var trust: TrustConfiguration
    /// The time certificates must be valid at; `nil` means now.
    public var validationTime: Date?
    /// Asks the signer's OCSP responder when the signature carries no stapled response
    /// (`verify --ocsp-fetch`); nil: revocation is judged only from what the file carries.
    public var ocspFetcher: (any OCSPFetching)?
    /// The fragments of a fragmented BMFF asset whose init segment is the asset validated: the BMFF
    /// hash is checked fragment by fragment as c2pa-rs checks one beside its init segment
    /// (``BMFFFragmentCheck``), each failure naming its fragment.
    public var bmffFragments: [BMFFFragmentSource]?
    /// With ``bmffFragments``: every leaf of every map must have its fragment, once (a missing,
    /// duplicated or extra fragment fails). Off to judge single fragments as the SDK's `with_fragment` does.
    public var requireAllFragments = true

    public init(trust: TrustConfiguration = .none, validationTime: Date? = nil) {
        self.trust = trust
        self.validationTime = validationTime
    }

    /// Where a store sits in its file, as c2pa-rs measures it for the exclusion check: from its
    /// first segment or chunk, as long as all of them together.
    public static func location(of ranges: [Range<Int>]) -> Range<Int>? {
        guard let start = ranges.map(\.lowerBound).min() else { return nil }
        return start..<start + ranges.reduce(0) { $0 + $1.count }
    }

    /// Validates a file on disk read by position: the handler's structural pass finds the store by
    /// reading headers, and the data hash streams the file in 1 MB chunks (it is never held whole).
    public func validate(fileAt path: String) -> ValidationReport {
        validate(fileAt: path, chunkSize: 1 << 20)
    }

    func validate(fileAt path: String, chunkSize: Int, registry: AssetRegistry = .metadataReading) -> ValidationReport {
        do {
            return validate(asset: try FileByteSource(path: path, chunkSize: chunkSize), registry: registry)
        } catch let error as MediaError {
            return .unreadable(.generalError, "The asset cannot be read: \(error.reason)")
        } catch {
            return .unreadable(.generalError, "The asset cannot be read: \(error)")
        }
    }

    /// Validates a `.c2pa` sidecar store against the asset it describes.
    public func validate(sidecar: [UInt8], asset: any ByteSource) -> ValidationReport {
        validate(storeBytes: sidecar, source: asset)
    }

    /// Validates raw store bytes whose hard binding covers `source`. `storeRange` is where the store
    /// sits in `source` when it is embedded there (nil for a sidecar): the data hash must exclude
    /// exactly that range.
    public func validate(storeBytes: [UInt8], source: any ByteSource, storeRange: Range<Int>? = nil) -> ValidationReport {
        let store: ManifestStore
        do {
            store = try ManifestStore(parsing: storeBytes)
        } catch let error as ManifestError {
            let code: ValidationStatus.Code = error.code == .storeMalformed ? .claimMissing : .generalError
            return .unreadable(code, "The C2PA manifest store is malformed: \(error.reason)")
        } catch {
            return .unreadable(.generalError, "The C2PA manifest store is malformed: \(error)")
        }
        guard let active = store.activeManifest else { return .unreadable(.claimMissing, "The manifest store holds no manifest") }
        var visited = Set<String>()
        return validate(manifest: active, in: store, source: source, storeRange: storeRange, checkDataHash: true, visited: &visited)
    }

    // MARK: One manifest

    /// `boundThroughUpdate`: this manifest is validated as the binding of an update manifest, so its
    /// data hash's store exclusion has grown with the store (see ``verifyDataHash``).
    func validate(manifest: Manifest, in store: ManifestStore, source: (any ByteSource)?, storeRange: Range<Int>? = nil,
                  checkDataHash: Bool, boundThroughUpdate: Bool = false, visited: inout Set<String>, depth: Int = 0,
                  digests: ValidationMemo = ValidationMemo()) -> ValidationReport {
        visited.insert(manifest.label)
        var statuses: [ValidationStatus] = []
        let base = "self#jumbf=/c2pa/\(manifest.label)"
        func add(_ code: ValidationStatus.Code, _ url: String?, _ text: String) {
            statuses.append(ValidationStatus(code, url: url, text))
        }

        // The claim.
        guard manifest.claimCount > 0, let claimBytes = manifest.claimBytes else {
            add(.claimMissing, base, "The manifest has no claim, so nothing in it can be checked")
            return ValidationReport(state: .invalid, statuses: statuses, activeManifest: nil, manifestCount: store.manifests.count)
        }
        if manifest.claimCount > 1 {
            add(.claimMultiple, base, "The manifest holds \(manifest.claimCount) claims; exactly one is allowed")
        }
        guard let claim = manifest.claim else {
            add(.claimCBORInvalid, base + "/\(manifest.claimLabel ?? "c2pa.claim")",
                "The claim cannot be decoded: \(manifest.claimError ?? "unknown error")")
            return ValidationReport(state: .invalid, statuses: statuses, activeManifest: nil, manifestCount: store.manifests.count)
        }

        // The signature.
        let signatureURL = base + "/c2pa.signature"
        var signer: SignerSummary?
        if let signatureBytes = manifest.signatureBytes {
            let certificateStatus = manifest.assertions.filter { $0.baseLabel == RevocationValues.assertionLabel }
                .map { (url: base + "/c2pa.assertions/\($0.label)", responses: $0.cbor.flatMap(RevocationValues.responses(inCertificateStatus:)) ?? []) }
            signer = checkSignature(signatureBytes, claimBytes: claimBytes, url: signatureURL, claimVersion: claim.version,
                                    assertedTime: Self.assertedTime(of: manifest, among: digests.timeStampAssertions(in: store), trust: trust),
                                    certificateStatus: certificateStatus, statuses: &statuses)
        } else {
            add(.claimSignatureMissing, signatureURL, "The claim is not signed: the manifest has no signature box")
        }
        // The claim names its signature box: this manifest's (absolute), or `c2pa.signature` (relative).
        if let named = claim.signatureURL, !Self.namesOwnSignature(named, manifest: manifest.label) {
            add(.claimSignatureMissing, signatureURL, "The claim's signature is \(named), not this manifest's c2pa.signature")
        }
        // c2pa-rs cannot hash anything for a claim without an algorithm and refuses it.
        if !claim.declaresAlgorithm {
            add(.algorithmUnsupported, base + "/\(manifest.claimLabel ?? "c2pa.claim.v2")", "The claim does not name its hash algorithm (alg)")
        }

        // The assertions the claim references.
        let redactions = digests.redactions(in: store)
        let gathered = Set(claim.gatheredAssertionReferences.compactMap { JUMBFURI.lastComponent(of: $0.url) })
        var referenced = Set<String>()
        var hardBindings: [AssertionBox] = []
        // Assertions found by label through the memo's index, and each hashed once per algorithm: a claim may reference one large
        // assertion 200,000 times, and a search and a hash per reference was terabytes of hashing.
        for reference in claim.assertionReferences {
            guard let label = JUMBFURI.lastComponent(of: reference.url) else {
                add(.assertionMissing, reference.url, "The claim references an assertion with an unreadable URI")
                continue
            }
            let assertionURL = base + "/c2pa.assertions/\(label)"
            // An assertion a claim of the hierarchy redacted is neither missing nor checked (c2pa-rs skips
            // it; whether it is really gone is the redacting claim's rule, `checkRedactions`).
            if redactions.redacts(label, in: manifest.label) {
                if digests.assertion(label, of: manifest) != nil { referenced.insert(label) }
                continue
            }
            guard let assertion = digests.assertion(label, of: manifest) else {
                add(.assertionMissing, assertionURL, "The claim references the assertion \(label), which is not in the manifest")
                continue
            }
            referenced.insert(label)
            // Hashed with the reference's own algorithm, else the claim's (c2pa-rs `from_jumbf`); one that
            // cannot be computed leaves the reference unchecked, a mismatch as the SDK reports it.
            let algorithmName = reference.algorithm ?? claim.algorithm
            let hashAlgorithm = HashAlgorithm(c2paName: algorithmName)
            if let hashAlgorithm,
                digests.of(assertion.box.bytesForHashing, "assertion \(manifest.label)/\(label)", hashAlgorithm) == reference.hash
            {
                add(.assertionHashedURIMatch, assertionURL, "The assertion \(label) is exactly as signed")
            } else if hashAlgorithm == nil {
                add(.assertionHashedURIMismatch, assertionURL, "The assertion \(label) cannot be checked: its hash algorithm \(algorithmName) is not supported")
            } else {
                add(.assertionHashedURIMismatch, assertionURL,
                    "The assertion \(label) was changed after signing: its hash no longer matches the claim")
            }
            // A v2 claim's hard binding is one it created (c2pa-rs counts created assertions only).
            if Self.hardBindingLabels.contains(assertion.baseLabel) && !gathered.contains(label) {
                hardBindings.append(assertion)
            }
        }
        for assertion in manifest.assertions where !referenced.contains(assertion.label) {
            add(.assertionUndeclared, base + "/c2pa.assertions/\(assertion.label)",
                "The assertion \(assertion.label) is in the manifest but not signed by the claim")
        }

        checkRedactions(of: manifest, claim: claim, in: store, memo: digests, statuses: &statuses)

        // The hard binding. An update manifest has none of its own (c2pa-rs: it is bound through its
        // parentOf ingredient, whose data hash is then checked against the asset).
        var bindsThroughParent = false
        if manifest.isUpdate {
            if !hardBindings.isEmpty {
                add(.manifestUpdateInvalid, base, "The update manifest has a hard binding, which update manifests may not have")
            } else if Self.bindingManifest(of: manifest, in: store) == nil {
                add(.claimHardBindingsMissing, base, "The update manifest has no parent manifest with a hard binding, so it is not tied to any asset's bytes")
            } else {
                bindsThroughParent = true
            }
        } else if !checkDataHash {
            // An ingredient's manifest: c2pa-rs counts hard bindings only on the manifest that binds the
            // asset (`verify_hash_binding`), so an ingredient's missing or doubled binding is no failure.
        } else if hardBindings.isEmpty {
            add(.claimHardBindingsMissing, base, "The claim has no hard binding, so it is not tied to any asset's bytes")
        } else if hardBindings.count > 1 {
            add(.assertionMultipleHardBindings, base, "The claim has \(hardBindings.count) hard bindings; exactly one is allowed")
        } else if let source, let binding = hardBindings.first {
            verifyDataHash(binding, claimAlgorithm: claim.algorithm, source: source, storeRange: storeRange,
                           storeGrewThroughUpdate: boundThroughUpdate, url: base + "/c2pa.assertions/\(binding.label)", statuses: &statuses)
        }

        // Parents, as c2pa-rs counts them: a standard manifest has at most one parentOf ingredient, an
        // update manifest exactly one (none is update.wrongParents, several an invalid update).
        let parentCount = manifest.assertions.lazy.filter(Self.isParentIngredient).count
        if manifest.isUpdate && parentCount == 0 {
            add(.manifestUpdateWrongParents, base, "The update manifest has no parentOf ingredient; an update manifest has exactly one")
        } else if manifest.isUpdate && parentCount > 1 {
            add(.manifestUpdateInvalid, base, "The update manifest has \(parentCount) parentOf ingredients; an update manifest has exactly one")
        } else if parentCount > 1 {
            add(.manifestMultipleParents, base, "The manifest has \(parentCount) parentOf ingredients; a manifest has at most one parent")
        }

        // The claim generator (C2PA 2: a claim_generator_info whose first entry is named).
        if claim.version >= 2, let problem = Self.claimGeneratorProblem(claim.cbor["claim_generator_info"]) {
            add(.claimMalformed, base + "/\(manifest.claimLabel ?? "c2pa.claim.v2")", problem)
        }

        // An assertion whose CBOR does not decode (c2pa-rs `get_assertion_from_jumbf_store`; its decoding
        // error also surfaces as assertion.required.missing). One a claim of the hierarchy redacted may
        // be zeroed, and is not read.
        for assertion in manifest.assertions where assertion.decodingError != nil && !redactions.redacts(assertion.label, in: manifest.label) {
            let url = base + "/c2pa.assertions/\(assertion.label)"
            add(.assertionCBORInvalid, url, "The assertion \(assertion.label) is not valid CBOR: \(assertion.decodingError ?? "")")
            add(.assertionRequiredMissing, url, "The assertion \(assertion.label) cannot be decoded, so nothing it says can be read")
        }
        for assertion in manifest.assertions where assertion.baseLabel == "c2pa.soft-binding" {
            if let problem = Self.softBindingProblem(assertion.cbor) {
                add(.claimMalformed, base + "/c2pa.assertions/\(assertion.label)", "The soft binding \(assertion.label) \(problem)")
            }
        }

        // Actions (see ActionRules.swift).
        checkActions(of: manifest, claimVersion: claim.version, in: store, memo: digests, base: base, statuses: &statuses)

        // Ingredients, recursively.
        var ingredients: [IngredientSummary] = []
        // Only the first parentOf ingredient binds an update manifest to the asset (the one
        // ``bindingManifest(of:in:)`` finds): thousands of parents must not each hash the asset again.
        var bindingParent = bindsThroughParent && checkDataHash ? manifest.assertions.first(where: Self.isParentIngredient)?.label : nil
        for assertion in manifest.assertions where assertion.baseLabel.hasPrefix("c2pa.ingredient") {
            let binds = assertion.label == bindingParent
            if binds { bindingParent = nil }
            ingredients.append(checkIngredient(assertion, store: store, url: base + "/c2pa.assertions/\(assertion.label)",
                                               bindingSource: binds ? source : nil, storeRange: storeRange,
                                               statuses: &statuses, visited: &visited, depth: depth, digests: digests))
        }
        // c2pa-rs looks for every manifest the active one refers to, at any depth, before validating,
        // and reports one that is missing as a failure of the active manifest itself.
        if depth == 0 {
            statuses += Self.missingManifests(under: ingredients)
        }

        // CAWG identity assertions: who published, as evidence beside the C2PA signer.
        var identities: [IdentitySummary] = []
        for assertion in manifest.assertions where CAWGIdentityValidator.isIdentityAssertion(assertion.label) {
            if let identity = CAWGIdentityValidator(validator: self).validate(assertion, claim: claim, manifestURL: base, statuses: &statuses) {
                identities.append(identity)
            }
        }

        var summary = Self.summary(of: manifest, claim: claim, signer: signer, ingredients: ingredients)
        summary.identities = identities
        var report = ValidationReport(state: Self.state(of: statuses), statuses: statuses, activeManifest: summary,
                                      manifestCount: store.manifests.count)
        // New failures in ingredients (other than an untrusted signer) make the asset Invalid.
        if report.state != .invalid,
            ingredients.contains(where: { ingredient in
                ingredient.newFailures.contains { !Self.isTolerated($0.code) }
                    || ingredient.validation.map { report in
                        !report.ingredientFailureCodes.filter { !Self.isTolerated(.init($0, .failure)) }.isEmpty
                    } == true
            })
        {
            report.state = .invalid
        }
        // An ingredient whose signer is newly found untrusted (a tolerated failure) leaves the asset
        // Valid, not Trusted: c2pa-rs counts the ingredient's deltas among the active manifest's statuses.
        if report.state == .trusted, ingredients.contains(where: { $0.newFailures.contains { $0.code == .signingCredentialUntrusted } }) {
            report.state = .valid
        }
        return report
    }

    /// Failures that leave a manifest Valid, as in c2pa-rs: an untrusted signer, and the CAWG
    /// identity failures it tolerates (see ``CAWGIdentityValidator/isTolerated(_:)``).
    public static func isTolerated(_ code: ValidationStatus.Code) -> Bool {
        code == .signingCredentialUntrusted || CAWGIdentityValidator.isTolerated(code)
    }

    static func state(of statuses: [ValidationStatus]) -> ValidationState {
        let failures = statuses.filter { $0.kind == .failure }
        if failures.contains(where: { !isTolerated($0.code) }) { return .invalid }
        // Trusted only with no failure at all: a tolerated CAWG failure leaves a trusted signer Valid (c2pa-rs).
        if failures.isEmpty, statuses.contains(where: { $0.code == .signingCredentialTrusted }) { return .trusted }
        return .valid
    }

    // MARK: Signature and credential

    /// Checks a detached COSE_Sign1 claim signature over `claimBytes` (signature, algorithm,
    /// certificate profile and chain), as the validator does for every manifest, and returns the
    /// statuses it produced. `nil` signer means the signature could not be used at all.
    public func validateSignature(_ cose: [UInt8], claimBytes: [UInt8]) -> (signer: SignerSummary?, statuses: [ValidationStatus]) {
        var statuses: [ValidationStatus] = []
        let signer = checkSignature(cose, claimBytes: claimBytes, url: "self#jumbf=c2pa.signature", statuses: &statuses)
        return (signer, statuses)
    }


    /// `claimVersion` decides whether a time-stamp's authority must be trusted (c2pa-rs does not
    /// check it for v1 claims); `assertedTime` is the time a `c2pa.time-stamp` assertion vouches for,
    /// which replaces the signature's own time-stamp.
    func checkSignature(_ bytes: [UInt8], claimBytes: [UInt8], url: String, claimVersion: Int = 2, assertedTime: Date? = nil,
                        certificateStatus: [(url: String, responses: [[UInt8]])] = [],
                        statuses: inout [ValidationStatus]) -> SignerSummary? {
        func add(_ code: ValidationStatus.Code, _ text: String) { statuses.append(ValidationStatus(code, url: url, text)) }
        let sign1: COSESign1
        do {
            sign1 = try COSESign1(decoding: bytes)
        } catch let error as ManifestError {
            add(.claimSignatureMismatch, "The claim signature is not a readable COSE_Sign1 structure: \(error.reason)")
            return nil
        } catch {
            add(.claimSignatureMismatch, "The claim signature is not a readable COSE_Sign1 structure")
            return nil
        }
        // The time-stamp is judged first, as c2pa-rs does, whatever the certificate turns out to be; one
        // that holds moves the judgement of the certificate to the time it vouches for.
        let stampedTime = assertedTime ?? signatureTime(sign1, claimBytes: claimBytes, claimVersion: claimVersion, url: url,
                                                       statuses: &statuses)
        guard let algorithm = sign1.algorithm else {
            add(.algorithmUnsupported, "The claim signature uses an algorithm C2PA does not allow (\(sign1.algorithmIdentifier.map(String.init) ?? "none"))")
            return nil
        }
        let ders = sign1.certificateChain
        // Each certificate is parsed and its signature checked: a chain is held to a length no real one
        // comes near (a manifest's CBOR could list a hundred thousand).
        guard ders.count <= Self.maximumChainLength else {
            add(.signingCredentialInvalid, "The signature's x5chain holds \(ders.count) certificates, more than the \(Self.maximumChainLength) ailabel reads")
            return nil
        }
        var chain: [ParsedCertificate] = []
        for (index, der) in ders.enumerated() {
            do {
                chain.append(try ParsedCertificate(derEncoded: der))
            } catch let error as ManifestError {
                add(.signingCredentialInvalid, "Certificate \(index + 1) of the signature's x5chain cannot be read: \(error.reason)")
                // Without the leaf there is no key to check the signature with; a bad intermediate
                // only breaks the chain, and the signature is still checked below.
                if index == 0 { return nil }
                break
            } catch {
                add(.signingCredentialInvalid, "Certificate \(index + 1) of the signature's x5chain cannot be read")
                if index == 0 { return nil }
                break
            }
        }
        guard let leaf = chain.first else {
            add(.signingCredentialInvalid, "The claim signature carries no signing certificate (x5chain is missing)")
            return nil
        }
        let chainIsWhole = chain.count == ders.count
        let signer = SignerSummary(subject: leaf.subjectDescription, issuer: leaf.issuerDescription,
                                   commonName: ParsedCertificate.attribute(.RDNAttributeType.commonName, of: leaf.subject),
                                   organization: ParsedCertificate.attribute(.RDNAttributeType.organizationName, of: leaf.subject),
                                   algorithm: algorithm.description)
        let signed = COSESign1.signedBytes(protectedBytes: sign1.protectedBytes, payload: sign1.payload ?? claimBytes)
        if sign1.payload != nil && sign1.payload! != claimBytes {
            add(.claimSignatureMismatch, "The signature's embedded payload is not this claim")
            return signer
        }
        // The signature is checked whatever the certificate's faults, and the credential judged
        // whether or not the signature matches, so both failures are reported, as c2pa-rs does.
        if leaf.publicKey.isValidCOSESignature(sign1.signature, over: signed, algorithm: algorithm) {
            add(.claimSignatureValidated, "The claim signature is valid")
        } else {
            add(.claimSignatureMismatch, "The claim signature does not match the claim: the claim was changed after signing, or signed with another key")
        }
        let time = stampedTime ?? validationTime ?? Date()
        let violations = CertificateProfile.violations(ofSigner: leaf, at: time, acceptedUsages: trust.acceptedUsages)
        if let first = violations.first {
            // c2pa-rs stops at the first violation: its code is the one reported.
            let others = violations.dropFirst().map(\.description)
            add(first.code, first.description + (others.isEmpty ? "" : "; also: " + others.joined(separator: "; ")))
        } else {
            add(.claimSignatureInsideValidity, stampedTime == nil
                ? "The signing certificate was valid at validation time"
                : "The signing certificate was valid when the signature was time-stamped (\(stampedTime!))")
        }
        if chainIsWhole {
            // The chain is judged even when the profile is not met, as c2pa-rs does.
            switch trust.evaluate(chain: chain, signingTime: stampedTime ?? validationTime) {
            case .trusted:
                add(.signingCredentialTrusted, "The signer's certificate chains to a trusted anchor")
            case .untrusted(let reason):
                add(.signingCredentialUntrusted, reason + "; the content is intact but who signed it is not vouched for")
            case .invalid(let reason):
                add(.signingCredentialInvalid, reason)
            }
        } else {
            add(.signingCredentialUntrusted, "The signer's chain has an unreadable certificate, so no anchor can vouch for it")
        }
        statuses += revocationStatuses(sign1: sign1, chain: chainIsWhole ? chain : [leaf], signingTime: stampedTime,
                                       certificateStatus: certificateStatus, url: url)
        return signer
    }

    // MARK: Revocation

    /// The signer certificate's revocation, as c2pa-rs judges it (`check_ocsp_status`): a response
    /// stapled in `rVals` first; else, with an ``ocspFetcher``, the responder's answer (an unreachable
    /// responder is `signingCredential.ocsp.inaccessible`); else the `c2pa.certificate-status`
    /// responses about this signer. Each counts only when its responder is accountable
    /// (``OCSPChecker/judge(_:signer:signingTime:now:url:)``); of a stapled one only the verdict is
    /// reported (revoked or not), of a fetched one everything. With none, `signingCredential.ocsp.skipped`.
    /// Every certificate-status response about the signer is also read on its own, without the
    /// responder's trust and at validation time, as c2pa-rs does while gathering them.
    func revocationStatuses(sign1: COSESign1, chain: [ParsedCertificate], signingTime: Date?,
                            certificateStatus: [(url: String, responses: [[UInt8]])], url: String) -> [ValidationStatus] {
        let checker = OCSPChecker(trust: trust)
        let now = validationTime ?? Date()
        var out: [ValidationStatus] = []
        var aboutSigner: [[UInt8]] = []
        for assertion in certificateStatus {
            for der in assertion.responses {
                let finding = checker.read(der, signer: chain, signingTime: nil, now: now, url: assertion.url)
                out += finding.statuses
                if finding.namesSigner { aboutSigner.append(der) }
            }
        }
        if let stapled = RevocationValues.stapled(in: sign1) {
            return out + checker.judge(stapled, signer: chain, signingTime: signingTime, now: now, url: url).verdicts
        }
        if let ocspFetcher {
            switch ocspFetcher.response(for: chain) {
            case .success(let der):
                // "Now" is after the answer came: a response made this very second is not from the future.
                return out + checker.judge(der, signer: chain, signingTime: signingTime, now: validationTime ?? Date(), url: url).statuses
            case .failure(let failure):
                return out + [ValidationStatus(.signingCredentialOCSPInaccessible, url: url,
                                               "The signer's OCSP responder could not be asked: \(failure.reason)")]
            }
        }
        for der in aboutSigner {
            let finding = checker.judge(der, signer: chain, signingTime: signingTime, now: now, url: url)
            if finding.isRevoked || finding.isNotRevoked { return out + finding.verdicts }
        }
        if !aboutSigner.isEmpty { return out }
        return out + [ValidationStatus(.signingCredentialOCSPSkipped, url: url, "Revocation (OCSP) was not checked: the file carries no OCSP response for the signer (verify --ocsp-fetch asks the responder)")]
    }

    // MARK: Time-stamps

    /// The time vouched for by the signature's `sigTst2` or `sigTst`, when it holds (c2pa-rs
    /// `validate_cose_tst_info`): one token only, verified over the v1 or v2 countersignature bytes.
    func signatureTime(_ sign1: COSESign1, claimBytes: [UInt8], claimVersion: Int, url: String,
                       statuses: inout [ValidationStatus]) -> Date? {
        guard let (version, container) = COSETimeStamp.container(of: sign1),
            let tokens = COSETimeStamp.tokens(in: container)
        else { return nil }
        guard tokens.count <= 1 else {
            statuses.append(ValidationStatus(.timeStampMalformed, url: url, "The signature carries \(tokens.count) time-stamps; only one is allowed"))
            return nil
        }
        guard let token = tokens.first else { return nil }
        let data = COSETimeStamp.imprintedBytes(version, claimBytes: claimBytes, sign1: sign1)
        let outcome = TimeStampVerifier(trust: trust).verify(token, over: data, checkTrust: claimVersion != 1, url: url)
        statuses += outcome.statuses
        return outcome.time
    }

    /// The time a `c2pa.time-stamp` assertion anywhere in the store vouches for `manifest`'s
    /// signature (the token's imprint is the hash of the COSE signature bytes). Only a token that
    /// holds counts, and it logs nothing, as in c2pa-rs.
    /// `timeStamps`: the store's `c2pa.time-stamp` assertions, in store order.
    static func assertedTime(of manifest: Manifest, among timeStamps: [AssertionBox], trust: TrustConfiguration) -> Date? {
        var found: Date?
        for assertion in timeStamps {
            guard let token = assertion.cbor?[manifest.label]?.bytesValue,
                let signatureBytes = manifest.signatureBytes,
                let sign1 = try? COSESign1(decoding: signatureBytes)
            else { continue }
            let outcome = TimeStampVerifier(trust: trust).verify(token, over: sign1.signature,
                                                                 checkTrust: (manifest.claim?.version ?? 2) != 1)
            if let time = outcome.time { found = time }
        }
        return found
    }

    // MARK: Data hash

    /// `storeGrewThroughUpdate`: update manifests were added to the store after this hash was made,
    /// so, as c2pa-rs does, the exclusion that starts where the store starts is taken to cover the
    /// whole store now, and the exclusions after it move by as much as the store grew.
    func verifyDataHash(_ assertion: AssertionBox, claimAlgorithm: String, source: any ByteSource, storeRange: Range<Int>? = nil,
                        storeGrewThroughUpdate: Bool = false, url: String, statuses: inout [ValidationStatus]) {
        func add(_ code: ValidationStatus.Code, _ text: String) { statuses.append(ValidationStatus(code, url: url, text)) }
        if assertion.baseLabel == "c2pa.hash.boxes" {
            verifyBoxHash(assertion, claimAlgorithm: claimAlgorithm, source: source, url: url, statuses: &statuses)
            return
        }
        if assertion.baseLabel.hasPrefix("c2pa.hash.bmff") {
            verifyBMFFHash(assertion, claimAlgorithm: claimAlgorithm, source: source, url: url, statuses: &statuses)
            return
        }
        guard assertion.baseLabel == "c2pa.hash.data" else {
            add(.assertionDataHashMalformed, "The hard binding \(assertion.label) is of a kind ailabel does not check for this format")
            return
        }
        guard let content = assertion.cbor, let expected = content["hash"]?.bytesValue else {
            add(.assertionDataHashMalformed, "The data hash assertion cannot be read")
            return
        }
        guard let algorithm = HashAlgorithm(c2paName: content["alg"]?.textValue ?? claimAlgorithm) else {
            add(.assertionDataHashMalformed, "The data hash uses an unsupported algorithm")
            return
        }
        var exclusions: [Range<Int>] = []
        for item in content["exclusions"]?.arrayValue ?? [] {
            guard let start = item["start"]?.intValue, let length = item["length"]?.intValue, start >= 0, length >= 0,
                start <= source.count, length <= source.count - start
            else {
                add(.assertionDataHashMismatch, "The data hash excludes a byte range outside the file")
                return
            }
            exclusions.append(start..<start + length)
        }
        if storeGrewThroughUpdate, let storeRange, let index = exclusions.firstIndex(where: { $0.lowerBound == storeRange.lowerBound }) {
            let growth = max(0, storeRange.count - exclusions[index].count)
            exclusions[index] = storeRange
            for other in exclusions.indices where other != index && exclusions[other].lowerBound > storeRange.lowerBound {
                exclusions[other] = exclusions[other].lowerBound + growth..<exclusions[other].upperBound + growth
            }
        }
        // c2pa-rs (0.91, C2PA §15.12): the exclusion holding the store must hold only the store, so
        // one exclusion must be exactly where the store sits. A hash that excludes nothing (a
        // placeholder for a remote or sidecar store) is exempt. The hash is still computed.
        if let storeRange, exclusions.contains(where: { !$0.isEmpty }), !exclusions.contains(storeRange) {
            add(.assertionDataHashMismatch,
                "The data hash's exclusion does not match where the manifest store sits in the file (bytes \(storeRange.lowerBound)–\(storeRange.upperBound)), so bytes outside the store go unchecked")
        }
        do {
            if try algorithm.hash(source, excluding: exclusions) == expected {
                add(.assertionDataHashMatch, "The asset's bytes are exactly as signed")
            } else {
                add(.assertionDataHashMismatch, "The asset's bytes were changed after signing: the data hash does not match")
            }
        } catch {
            add(.assertionDataHashMismatch, "The asset could not be read to check its data hash")
        }
    }

    /// A box hash (`c2pa.hash.boxes`), checked box run by box run against the boxes the asset's handler lists.
    func verifyBoxHash(_ assertion: AssertionBox, claimAlgorithm: String, source: any ByteSource, url: String,
                       statuses: inout [ValidationStatus]) {
        func add(_ code: ValidationStatus.Code, _ text: String) { statuses.append(ValidationStatus(code, url: url, text)) }
        guard let entries = assertion.cbor?["boxes"]?.arrayValue else {
            add(.assertionBoxesHashMismatch, "The box hash assertion cannot be read")
            return
        }
        if let problem = BoxHash.mismatch(entries: entries, claimAlgorithm: claimAlgorithm, asset: source) {
            add(.assertionBoxesHashMismatch, "The asset's boxes are not as signed: \(problem)")
        } else {
            add(.assertionBoxesHashMatch, "Every hashed box of the asset is exactly as signed")
        }
    }

    /// A BMFF hash (`c2pa.hash.bmff`, `.v2`, `.v3`), computed over the asset's box tree as c2pa-rs
    /// computes it (``BMFFHash``). The store's own `uuid` box is one of its exclusions, so unlike the
    /// data hash there is no exclusion range to compare with where the store sits.
    func verifyBMFFHash(_ assertion: AssertionBox, claimAlgorithm: String, source: any ByteSource, url: String,
                        statuses: inout [ValidationStatus]) {
        func add(_ code: ValidationStatus.Code, _ text: String) { statuses.append(ValidationStatus(code, url: url, text)) }
        guard let content = assertion.cbor else {
            add(.assertionBMFFHashMalformed, "The BMFF hash assertion cannot be read")
            return
        }
        let binding: BMFFHash
        do {
            binding = try BMFFHash(cbor: content, label: assertion.baseLabel)
        } catch BMFFHashError.malformed(let reason) {
            add(.assertionBMFFHashMalformed, "The BMFF hash assertion is malformed: \(reason)")
            return
        } catch {
            add(.assertionBMFFHashMalformed, "The BMFF hash assertion cannot be read")
            return
        }
        if let url = content["url"], url != .null {
            add(.assertionBMFFHashMismatch, "The BMFF hash points to a remote hash, which C2PA no longer allows")
            return
        }
        guard binding.hash != nil || binding.hasMerkleMaps else {
            // c2pa-rs accepts a BMFF hash with neither a hash nor Merkle maps; ailabel does not.
            add(.assertionBMFFHashMalformed, "The BMFF hash has neither a hash nor Merkle maps, so it binds nothing")
            return
        }
        do {
            if let fragments = bmffFragments {
                let problems = BMFFFragmentCheck(binding: binding, initSegment: source, claimAlgorithm: claimAlgorithm)
                    .verify(fragments, requireAll: requireAllFragments)
                for problem in problems { add(.assertionBMFFHashMismatch, problem) }
                if problems.isEmpty {
                    add(.assertionBMFFHashMatch, "The init segment and its \(fragments.count) fragment\(fragments.count == 1 ? "" : "s") are exactly as signed")
                }
            } else {
                try binding.verify(source, claimAlgorithm: claimAlgorithm)
                add(.assertionBMFFHashMatch, binding.hasMerkleMaps
                    ? "The asset's boxes are exactly as signed, and every Merkle leaf matches" : "The asset's boxes are exactly as signed")
            }
        } catch BMFFHashError.mismatch(let reason) {
            add(.assertionBMFFHashMismatch, "The asset's bytes were changed after signing: \(reason)")
        } catch BMFFHashError.unreadable(let reason) {
            add(.assertionBMFFHashMismatch, "The BMFF hash cannot be computed: \(reason)")
        } catch BMFFHashError.malformed(let reason) {
            add(.assertionBMFFHashMalformed, "The BMFF hash assertion is malformed: \(reason)")
        } catch let error as MediaError {
            add(.assertionBMFFHashMismatch, "The asset could not be read to check its BMFF hash: \(error.reason)")
        } catch {
            add(.assertionBMFFHashMismatch, "The asset could not be read to check its BMFF hash")
        }
    }

    // MARK: Ingredients

    /// Checks one ingredient assertion and validates the manifest it names. `bindingSource` is the
    /// asset, when this is the parentOf ingredient of an update manifest: the parent's hard binding
    /// is then the one checked against it.
    func checkIngredient(_ assertion: AssertionBox, store: ManifestStore, url: String, bindingSource: (any ByteSource)? = nil,
                         storeRange: Range<Int>? = nil, statuses: inout [ValidationStatus], visited: inout Set<String>, depth: Int = 0,
                         digests: ValidationMemo = ValidationMemo()) -> IngredientSummary {
        let content = assertion.cbor
        var summary = IngredientSummary(
            relationship: content?["relationship"]?.textValue, title: content?["dc:title"]?.textValue,
            format: content?["dc:format"]?.textValue, activeManifestLabel: nil, validation: nil)
        guard let content else { return summary }
        let manifestReference = (content["activeManifest"] ?? content["c2pa_manifest"]).flatMap(HashedURI.init)
        guard let manifestReference, let label = JUMBFURI.manifestLabel(of: manifestReference.url) else { return summary }
        summary.activeManifestLabel = label
        let manifestURL = "self#jumbf=/c2pa/\(label)"
        // c2pa-rs logs a missing validationResults among the ingredient's deltas, and a digitalSourceType
        // beside a manifest as a failure of the manifest that names the ingredient.
        if assertion.baseLabel == "c2pa.ingredient.v3" && content["validationResults"] == nil {
            summary.newFailures.append(ValidationStatus(.assertionIngredientMalformed, url: url,
                "The ingredient names a manifest but does not record its validation results, as C2PA 2 requires"))
        }
        if assertion.baseLabel == "c2pa.ingredient.v3" && content["digitalSourceType"] != nil {
            statuses.append(ValidationStatus(.assertionIngredientMalformed, url: url,
                "The ingredient names a manifest and also a digitalSourceType; a v3 ingredient with a manifest takes its source from it"))
        }
        guard let ingredientManifest = store.manifest(labelled: label) else {
            // A failure of the manifest that names it (c2pa-rs reports it on the active manifest).
            statuses.append(ValidationStatus(.ingredientManifestMissing, url: manifestURL,
                "The ingredient's manifest \(label) is not in the store, so its provenance cannot be checked"))
            return summary
        }
        let algorithm = HashAlgorithm(c2paName: manifestReference.algorithm) ?? .sha256
        let signatureReference = content["claimSignature"].flatMap(HashedURI.init)
        if digests.redactions(in: store).touches(label) && (ingredientManifest.claim?.version ?? 1) < 2 {
            // A redacted C2PA 1 manifest: its box changed and its ingredient has no claim signature to
            // bind it by, so c2pa-rs checks neither.
        } else if digests.redactions(in: store).touches(label) {
            // Redaction changed the ingredient's manifest box after it was referenced: it is bound by its
            // claim signature instead, which redaction leaves as it was (c2pa-rs `ingredient_checks`).
            if signatureReference == nil {
                summary.newFailures.append(ValidationStatus(.ingredientClaimSignatureMissing, url: url,
                    "The ingredient's manifest \(label) was redacted, and the ingredient does not reference its claim signature"))
            } else if let signatureReference, let box = ingredientManifest.signatureBox,
                digests.of(box.bytesForHashing, "signature " + label, HashAlgorithm(c2paName: signatureReference.algorithm) ?? .sha256) != signatureReference.hash
            {
                summary.newFailures.append(ValidationStatus(.ingredientClaimSignatureMismatch, url: url,
                    "The ingredient's manifest \(label) was redacted, and its claim signature is not the one referenced"))
            }
        } else if digests.of(ingredientManifest.box.bytesForHashing, "manifest " + label, algorithm) != manifestReference.hash {
            // Before C2PA 1.3 the reference hashed the ingredient's claim, not its manifest box;
            // c2pa-rs accepts either.
            let legacyMatch = ingredientManifest.claimBytes.map { digests.of($0, "claim " + label, algorithm) == manifestReference.hash } ?? false
            if !legacyMatch {
                summary.newFailures.append(ValidationStatus(.ingredientManifestMismatch, url: manifestURL,
                    "The ingredient's manifest \(label) was changed after it was referenced"))
            }
        }
        if let signatureReference {
            let signatureAlgorithm = HashAlgorithm(c2paName: signatureReference.algorithm) ?? .sha256
            if let box = ingredientManifest.signatureBox, digests.of(box.bytesForHashing, "signature " + label, signatureAlgorithm) == signatureReference.hash {
                statuses.append(ValidationStatus(.ingredientClaimSignatureValidated, url: url,
                    "The ingredient's claim signature is the one that was referenced"))
            }
            // A claimSignature reference that does not match is not a failure for the reference SDK
            // (c2pa-rs 0.91 binds the ingredient through activeManifest), so ailabel does not fail it either.
        }
        guard !visited.contains(label) else { return summary }
        // Each ingredient's manifest is validated by recursion: a store of thousands of manifests each
        // the ingredient of the next would overflow a thread's stack, so the chain is followed so deep.
        guard depth < Self.maximumIngredientDepth else {
            statuses.append(ValidationStatus(.init("ailabel.ingredient.tooDeep", .informational), url: manifestURL,
                "The ingredient's manifest \(label) lies more than \(Self.maximumIngredientDepth) ingredients deep and was not validated"))
            return summary
        }
        // The visited set is shared, not copied per level (a copy per level of a deep chain was quadratic).
        let isParent = content["relationship"]?.textValue == "parentOf"
        let report = validate(manifest: ingredientManifest, in: store, source: isParent ? bindingSource : nil, storeRange: storeRange,
                              checkDataHash: isParent && bindingSource != nil, boundThroughUpdate: isParent && bindingSource != nil,
                              visited: &visited, depth: depth + 1, digests: digests)
        summary.validation = report
        if report.state == .valid || report.state == .trusted {
            statuses.append(ValidationStatus(.ingredientManifestValidated, url: url, "The ingredient's manifest \(label) is valid"))
        }
        // What the ingredient recorded about itself when it was added; failures beyond those are new.
        let recorded = Self.recordedFailureCodes(content)
        for failure in report.failures where !recorded.contains(failure.code.rawValue) {
            summary.newFailures.append(failure)
        }
        return summary
    }

    /// The `ingredient.manifest.missing` statuses of every manifest validated under these ingredients, in
    /// the order the manifests were validated. Gathered once, for the active manifest: copied up at every
    /// level, a chain 100 deep over 100,000 missing ingredients held ten million of them.
    static func missingManifests(under ingredients: [IngredientSummary]) -> [ValidationStatus] {
        var found: [ValidationStatus] = []
        // Depth first, each manifest's own statuses before those of its ingredients, without recursion.
        var pending: [IngredientSummary] = ingredients.reversed()
        while let ingredient = pending.popLast() {
            guard let report = ingredient.validation else { continue }
            found += report.statuses.filter { $0.code == .ingredientManifestMissing }
            pending += (report.activeManifest?.ingredients ?? []).reversed()
        }
        return found
    }

    /// The failure codes an ingredient assertion recorded: v3 `validationResults.activeManifest.failure`,
    /// v2 `validationStatus`.
    static func recordedFailureCodes(_ content: CBOR) -> Set<String> {
        var codes = Set<String>()
        for item in content["validationResults"]?["activeManifest"]?["failure"]?.arrayValue ?? [] {
            if let code = item["code"]?.textValue { codes.insert(code) }
        }
        for item in content["validationStatus"]?.arrayValue ?? [] {
            if let code = item["code"]?.textValue, ValidationStatus.Code(code, .failure).isKnownFailure { codes.insert(code) }
        }
        return codes
    }

    /// Whether a claim's `signature` URI names this manifest's signature box (c2pa-rs `verify_claim`).
    static func namesOwnSignature(_ url: String, manifest label: String) -> Bool {
        if let named = JUMBFURI.manifestLabel(of: url), named != label { return false }
        return JUMBFURI.lastComponent(of: url) == "c2pa.signature"
    }

    /// An ingredient assertion whose relationship is parentOf.
    static func isParentIngredient(_ assertion: AssertionBox) -> Bool {
        assertion.baseLabel.hasPrefix("c2pa.ingredient") && assertion.cbor?["relationship"]?.textValue == "parentOf"
    }

    /// The manifest whose hard binding ties `manifest` to the asset: itself if it is not an update
    /// manifest and has one, else found through parentOf ingredients, as c2pa-rs finds it.
    static func bindingManifest(of manifest: Manifest, in store: ManifestStore) -> Manifest? {
        var current = manifest
        var seen = Set<String>()
        while seen.insert(current.label).inserted {
            if !current.isUpdate && current.assertions.contains(where: { hardBindingLabels.contains($0.baseLabel) }) { return current }
            let parent = current.assertions.first(where: isParentIngredient)?.cbor
            guard let reference = (parent?["activeManifest"] ?? parent?["c2pa_manifest"]).flatMap(HashedURI.init),
                let label = JUMBFURI.manifestLabel(of: reference.url), let next = store.manifest(labelled: label)
            else { return nil }
            current = next
        }
        return nil
    }

    /// The digests of a store's manifests, claims, signatures and assertions, made once per validation:
    /// every ingredient assertion that names a manifest hashes it, every claim reference its assertion,
    /// and thousands may name the same large one.
    final class ValidationMemo {
        private var digests: [String: [UInt8]] = [:]
        private var timeStamps: [AssertionBox]?

        private var redactionIndex: Redactions?
        private var assertionIndexes: [String: [String: AssertionBox]] = [:]
        private var referenceIndexes: [String: Set<String>] = [:]

        /// The assertion of `manifest` with this label, through an index made once per manifest:
        /// redactions and c2pa.redacted actions look assertions up by the thousand.
        func assertion(_ label: String, of manifest: Manifest) -> AssertionBox? {
            if let index = assertionIndexes[manifest.label] { return index[label] }
            var index: [String: AssertionBox] = [:]
            for assertion in manifest.assertions where index[assertion.label] == nil { index[assertion.label] = assertion }
            assertionIndexes[manifest.label] = index
            return index[label]
        }

        /// Whether `manifest`'s claim references an assertion with this label (an index per manifest).
        func references(_ label: String, of manifest: Manifest) -> Bool {
            if let index = referenceIndexes[manifest.label] { return index.contains(label) }
            let index = Set(manifest.claim?.assertionReferences.compactMap { JUMBFURI.lastComponent(of: $0.url) } ?? [])
            referenceIndexes[manifest.label] = index
            return index.contains(label)
        }

        /// What the store's claims redact, gathered once.
        func redactions(in store: ManifestStore) -> Redactions {
            if let redactionIndex { return redactionIndex }
            let made = Redactions(store)
            redactionIndex = made
            return made
        }

        /// The store's `c2pa.time-stamp` assertions, found once (each manifest validated asks for them).
        func timeStampAssertions(in store: ManifestStore) -> [AssertionBox] {
            if let timeStamps { return timeStamps }
            let found = store.manifests.flatMap { $0.assertions.filter { $0.baseLabel == "c2pa.time-stamp" } }
            timeStamps = found
            return found
        }

        func of<Bytes: Sequence<UInt8>>(_ bytes: @autoclosure () -> Bytes, _ key: String, _ algorithm: HashAlgorithm) -> [UInt8] {
            let key = algorithm.rawValue + " " + key
            if let known = digests[key] { return known }
            let digest = algorithm.hash(bytes())
            digests[key] = digest
            return digest
        }
    }

    /// The most certificates an x5chain may hold (real chains hold two to four).
    public static let maximumChainLength = 32

    /// How deep ingredient manifests are validated (real files nest a few levels).
    public static let maximumIngredientDepth = 100

    static let hardBindingLabels: Set<String> = [
        "c2pa.hash.data", "c2pa.hash.bmff", "c2pa.hash.bmff.v2", "c2pa.hash.bmff.v3", "c2pa.hash.boxes", "c2pa.hash.collection.data",
    ]

    // MARK: Summary

    static func summary(of manifest: Manifest, claim: Claim, signer: SignerSummary?, ingredients: [IngredientSummary]) -> ManifestSummary {
        var actions: [ActionSummary] = []
        for assertion in manifest.assertions where assertion.baseLabel == "c2pa.actions" || assertion.baseLabel == "c2pa.actions.v2" {
            for action in assertion.cbor?["actions"]?.arrayValue ?? [] {
                let agent: String? = {
                    guard let agent = action["softwareAgent"] else { return nil }
                    if let text = agent.textValue { return text }
                    guard let name = agent["name"]?.textValue else { return nil }
                    return agent["version"]?.textValue.map { "\(name)/\($0)" } ?? name
                }()
                // Spec 2.4 forbids digitalSourceType on c2pa.opened; producers then state it in a vendor
                // parameter (Adobe Firefly with partner models: com.adobe.digitalSourceType).
                var sourceType = action["digitalSourceType"]?.textValue
                var sourceTypeParameter: String?
                if sourceType == nil, let parameters = action["parameters"] {
                    for key in ActionSummary.vendorSourceTypeParameters {
                        if let value = parameters[key]?.textValue {
                            sourceType = value
                            sourceTypeParameter = key
                            break
                        }
                    }
                }
                actions.append(ActionSummary(
                    action: action["action"]?.textValue ?? "", digitalSourceType: sourceType,
                    softwareAgent: agent, description: action["description"]?.textValue,
                    sourceTypeParameter: sourceTypeParameter))
            }
        }
        var bindings: [SoftBinding] = []
        for assertion in manifest.assertions where assertion.baseLabel == "c2pa.soft-binding" {
            guard let content = assertion.cbor, let alg = content["alg"]?.textValue else { continue }
            for block in content["blocks"]?.arrayValue ?? [] {
                if let value = block["value"]?.textValue { bindings.append(SoftBinding(algorithm: alg, value: value)) }
            }
        }
        return ManifestSummary(
            label: manifest.label, claimVersion: claim.version, claimGenerator: claim.claimGenerator,
            claimGeneratorName: claim.claimGeneratorName, claimGeneratorVersion: claim.claimGeneratorVersion,
            title: claim.title, instanceID: claim.instanceID, actions: actions,
            disclosure: manifest.assertion(labelled: ManifestDefinition.disclosureLabel)?.cbor,
            softBindings: bindings, signer: signer, ingredients: ingredients,
            assertionLabels: manifest.assertions.map(\.label),
            signals: ProvenanceSignal.evaluate(manifest, claim: claim))
    }
}

extension ValidationReport {
    static let absent = ValidationReport(state: .absent, statuses: [], activeManifest: nil, manifestCount: 0)

    static func unreadable(_ code: ValidationStatus.Code, _ explanation: String) -> ValidationReport {
        ValidationReport(state: .invalid, statuses: [ValidationStatus(code, explanation)], activeManifest: nil, manifestCount: 0)
    }
}
