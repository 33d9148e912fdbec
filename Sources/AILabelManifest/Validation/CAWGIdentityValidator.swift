import Crypto
import Foundation

/// What a CAWG identity assertion (`cawg.identity`) says about who published: evidence, not the
/// C2PA signer. Reported in ``ManifestSummary/identities``.
public struct IdentitySummary: Sendable, Hashable, Encodable {
    /// `cawg.x509.cose` or `cawg.identity_claims_aggregation`.
    public var signatureType: String
    /// The X.509 credential's subject, or the claims aggregator's issuer DID.
    public var credential: String?
    /// What the claims aggregator verified (names, user names, addresses of accounts).
    public var verifiedIdentities: [String]
    /// Whether the credential's signature over the assertion holds.
    public var signatureValid: Bool
    /// Whether a trust list vouches for the credential (ailabel has no CAWG trust list yet, so this
    /// is false, as in c2pa-rs with no CAWG trust configured).
    public var trusted: Bool
}

/// Validates CAWG identity assertions (CAWG identity 1.x: `cawg.identity`, `cawg.identity__N`) as
/// c2pa-rs does (`identity/identity_assertion/assertion.rs`, `signer_payload.rs`,
/// `identity/x509/`, `identity/claim_aggregation/ica_signature_verifier.rs`), with its status codes:
/// the padding, the assertions the signer payload references (the hard binding among them), then the
/// signature: an X.509 COSE signature over the signer payload, judged like a claim signature with
/// its codes renamed `cawg.x509.*`; or an identity claims aggregation credential (a W3C VC in a COSE
/// signature by its issuer's DID). `did:jwk` issuers are resolved; `did:web` would need the network,
/// which ailabel never uses while validating, so it is `cawg.ica.did_unavailable` (as c2pa-rs
/// offline). No issuer and no X.509 credential is trusted: CAWG trust is configured apart from C2PA
/// trust, and ailabel has none to configure yet.
struct CAWGIdentityValidator {
    var validator: ManifestValidator

    static let x509SignatureType = "cawg.x509.cose"
    static let claimsAggregationType = "cawg.identity_claims_aggregation"

    static func isIdentityAssertion(_ label: String) -> Bool {
        label == "cawg.identity" || label.hasPrefix("cawg.identity__")
    }

    /// CAWG failures that c2pa-rs 0.91.3 does not let make the manifest Invalid (observed on its own
    /// fixtures: an untrusted or otherwise faulty X.509 identity credential, and the identity
    /// assertion's own structure rules; claims aggregation failures do invalidate).
    static func isTolerated(_ code: ValidationStatus.Code) -> Bool {
        code.rawValue.hasPrefix("cawg.x509.") || code.rawValue.hasPrefix("cawg.identity.")
    }

    func validate(_ assertion: AssertionBox, claim: Claim, manifestURL: String, statuses: inout [ValidationStatus]) -> IdentitySummary? {
        let url = manifestURL + "/c2pa.assertions/\(assertion.label)"
        func add(_ code: String, _ kind: ValidationStatus.Kind, _ text: String) {
            statuses.append(ValidationStatus(.init(code, kind), url: url, text))
        }
        guard let content = assertion.cbor, let payload = content["signer_payload"], payload.mapValue != nil,
            let references = payload["referenced_assertions"]?.arrayValue,
            let signatureType = payload["sig_type"]?.textValue,
            let signature = content["signature"]?.bytesValue, let pad1 = content["pad1"]?.bytesValue
        else {
            // c2pa-rs cannot decode it into its identity assertion and fails the manifest.
            statuses.append(ValidationStatus(.assertionRequiredMissing, url: manifestURL,
                "The CAWG identity assertion \(assertion.label) cannot be decoded"))
            return nil
        }
        let referenced = references.compactMap(HashedURI.init)
        guard referenced.count == references.count else {
            statuses.append(ValidationStatus(.assertionRequiredMissing, url: manifestURL,
                "The CAWG identity assertion \(assertion.label) has an unreadable referenced assertion"))
            return nil
        }
        if !pad1.allSatisfy({ $0 == 0 }) || !(content["pad2"]?.bytesValue ?? []).allSatisfy({ $0 == 0 }) {
            // Reported, and validation goes on, as in c2pa-rs.
            add("cawg.identity.pad.invalid", .failure, "The identity assertion's padding is not all zeros")
        }
        // The signer payload's references: each in the claim with the same hash, the hard binding among them.
        // The claim's references are indexed once by both names each answers to (the first reference
        // wins, as a search in order would find it): a search per reference was quadratic.
        var claimReferences: [String: HashedURI] = [:]
        for claimReference in claim.assertionReferences {
            for name in Self.names(of: claimReference.url) where claimReferences[name] == nil { claimReferences[name] = claimReference }
        }
        for reference in referenced {
            let inClaim = claimReferences[reference.url]
            guard let inClaim else {
                add("cawg.identity.assertion.mismatch", .failure, "The identity assertion references \(reference.url), which the claim does not")
                continue
            }
            // c2pa-rs stops here without a status when the hashes differ.
            if inClaim.hash != reference.hash { return nil }
        }
        if !referenced.contains(where: { ($0.url.split(separator: "/").last ?? "").hasPrefix("c2pa.hash.") }) {
            add("cawg.identity.hard_binding_missing", .failure, "The identity assertion does not reference the claim's hard binding")
        }
        var seen = Set<String>()
        for reference in referenced where !seen.insert(reference.url).inserted {
            add("cawg.identity.assertion.duplicate", .failure, "The identity assertion references \(reference.url) twice")
        }
        switch signatureType {
        case Self.x509SignatureType:
            return validateX509(signature: signature, payload: payload, url: url, statuses: &statuses)
        case Self.claimsAggregationType:
            return validateClaimsAggregation(signature: signature, payload: payload, url: url, statuses: &statuses)
        default:
            add("cawg.identity.sig_type.unknown", .failure, "The identity assertion's signature type \(signatureType) is unknown")
            return nil
        }
    }

    /// The names a claim's assertion URL answers to: a reference in the signer payload names a claim
    /// assertion by the same URL, or by the same URL once the claim's absolute `/c2pa/<manifest>/`
    /// part (the first) is dropped.
    static func names(of claimURL: String) -> [String] {
        guard let range = claimURL.range(of: #"/c2pa/[^/]+/"#, options: .regularExpression) else { return [claimURL] }
        return [claimURL, claimURL.replacingCharacters(in: range, with: "")]
    }

    /// The signer payload as c2pa-rs serializes it for signing: `referenced_assertions` (url, alg,
    /// hash), `sig_type`, then `role` when there are roles.
    static func signedPayload(_ payload: CBOR) -> [UInt8] {
        let references: [CBOR] = (payload["referenced_assertions"]?.arrayValue ?? []).map { item in
            var entries: [(key: CBOR, value: CBOR)] = [(.text("url"), item["url"] ?? .null)]
            if let alg = item["alg"] { entries.append((.text("alg"), alg)) }
            entries.append((.text("hash"), item["hash"] ?? .null))
            return .map(entries)
        }
        var entries: [(key: CBOR, value: CBOR)] = [
            (.text("referenced_assertions"), .array(references)), (.text("sig_type"), payload["sig_type"] ?? .null),
        ]
        if let roles = payload["role"]?.arrayValue, !roles.isEmpty { entries.append((.text("role"), .array(roles))) }
        return CBOR.map(entries).encoded(deterministic: false)
    }

    // MARK: X.509

    /// The claim-signature checks, over the signer payload, with c2pa-rs's renamed codes.
    func validateX509(signature: [UInt8], payload: CBOR, url: String, statuses: inout [ValidationStatus]) -> IdentitySummary {
        var inner: [ValidationStatus] = []
        // No CAWG trust anchors: the credential is at best untrusted.
        var cawg = validator
        cawg.trust = TrustConfiguration(acceptedUsages: validator.trust.acceptedUsages)
        // c2pa-rs checks no revocation for an identity credential: nothing is fetched for it.
        cawg.ocspFetcher = nil
        let signer = cawg.checkSignature(signature, claimBytes: Self.signedPayload(payload), url: url, statuses: &inner)
        let renamed: [String: (String, ValidationStatus.Kind)] = [
            "algorithm.unsupported": ("cawg.x509.algorithm.unsupported", .failure),
            "signingCredential.trusted": ("cawg.x509.credential.trusted", .success),
            "signingCredential.untrusted": ("cawg.x509.credential.untrusted", .failure),
            "signingCredential.invalid": ("cawg.x509.credential.invalid", .failure),
            "signingCredential.expired": ("cawg.x509.signature.outside_validity", .failure),
            "claimSignature.mismatch": ("cawg.x509.signature.mismatch", .failure),
            "claimSignature.validated": ("cawg.x509.signature.validated", .success),
        ]
        var valid = false
        for status in inner {
            // A time-stamp on the identity signature moves the time its certificate is judged at
            // (checkSignature does that) but its own codes are not reported: the SDK (0.91.3) reports none.
            guard let (code, kind) = renamed[status.code.rawValue] else { continue }
            let explanation = code == "cawg.x509.credential.untrusted"
                ? "The identity assertion's X.509 credential is on no CAWG trust list (ailabel has none configured), so who it names is not vouched for"
                : "Identity assertion: " + status.explanation
            statuses.append(ValidationStatus(.init(code, kind), url: url, explanation))
            if code == "cawg.x509.signature.validated" { valid = true }
        }
        if valid {
            statuses.append(ValidationStatus(.init("cawg.identity.well-formed", .success), url: url,
                "The X.509 identity assertion is well formed and its signature holds"))
        }
        return IdentitySummary(signatureType: Self.x509SignatureType, credential: signer?.subject, verifiedIdentities: [],
                               signatureValid: valid, trusted: false)
    }

    // MARK: Identity claims aggregation

    func validateClaimsAggregation(signature: [UInt8], payload: CBOR, url: String, statuses: inout [ValidationStatus]) -> IdentitySummary? {
        func fail(_ code: String, _ text: String) { statuses.append(ValidationStatus(.init(code, .failure), url: url, text)) }
        guard let sign1 = try? COSESign1(decoding: signature) else {
            fail("cawg.ica.invalid_cose_sign1", "The identity claims aggregation signature is not a COSE_Sign1 structure")
            return nil
        }
        guard sign1.protectedHeader[intKey: 1]?.intValue == -8 else {
            fail("cawg.ica.invalid_alg", "The identity claims aggregation credential is not signed with EdDSA")
            return nil
        }
        var ok = true
        if sign1.protectedHeader[intKey: 3]?.textValue != "application/vc" {
            fail("cawg.ica.invalid_content_type", "The credential's content type is not application/vc")
            ok = false
        }
        guard let credentialBytes = sign1.payload,
            let credential = (try? JSONSerialization.jsonObject(with: Data(credentialBytes))) as? [String: Any],
            let issuer = credential["issuer"] as? String, let subject = Self.firstSubject(credential),
            let asset = subject["c2paAsset"] as? [String: Any]
        else {
            fail("cawg.ica.invalid_verifiable_credential", "The identity claims aggregation credential is not a readable verifiable credential")
            return nil
        }
        var summary = IdentitySummary(signatureType: Self.claimsAggregationType, credential: issuer,
                                      verifiedIdentities: Self.verifiedIdentities(subject), signatureValid: false, trusted: false)
        switch Self.issuerKey(issuer) {
        case .key(let key):
            let signed = COSESign1.signedBytes(protectedBytes: sign1.protectedBytes, payload: credentialBytes)
            if key.isValidSignature(sign1.signature, for: signed) {
                summary.signatureValid = true
                // No issuer is trusted unless configured, and ailabel configures none.
                statuses.append(ValidationStatus(.init("cawg.ica.untrusted_issuer", .informational), url: url,
                    "The credential's issuer \(issuer) is not on a list of trusted identity claims aggregators"))
                ok = false
            } else {
                fail("cawg.ica.signature_mismatch", "The credential's signature does not match its issuer \(issuer)")
                ok = false
            }
        case .unavailable:
            fail("cawg.ica.did_unavailable", "The credential's issuer \(issuer) is a did:web, which ailabel does not fetch while validating")
            ok = false
        case .invalidDocument:
            fail("cawg.ica.invalid_did_document", "The credential's issuer \(issuer) does not name an Ed25519 key ailabel can read")
            ok = false
        case .unsupported:
            fail("cawg.ica.invalid_issuer", "The credential's issuer \(issuer) is not a did:jwk or did:web")
            ok = false
        }
        // A time-stamp on the credential's signature (sigTst2/sigTst, c2pa-rs's validate_cose_tst_info
        // with its authority not judged): validated, it is when the credential was used; otherwise
        // a malformed or mismatched token, or any other fault, is cawg.ica.time_stamp.invalid.
        var stamps: [ValidationStatus] = []
        let stampedAt = validator.signatureTime(sign1, claimBytes: credentialBytes, claimVersion: 1, url: url, statuses: &stamps)
        if stampedAt != nil {
            statuses.append(ValidationStatus(.init("cawg.ica.time_stamp.validated", .success), url: url,
                "The credential's signature is time-stamped (\(stampedAt!))"))
        } else if !stamps.isEmpty {
            let codes = Set(stamps.map(\.code))
            let reason = codes.contains(.timeStampMalformed) || codes.contains(.timeStampMismatch)
                ? "does not match the credential's signature" : "cannot be used"
            fail("cawg.ica.time_stamp.invalid", "The credential's time-stamp \(reason): \(stamps.map(\.explanation).joined(separator: "; "))")
            ok = false
        }
        let now = Date()
        if let validFrom = (credential["validFrom"] as? String).flatMap(Self.date) {
            if now < validFrom {
                fail("cawg.ica.valid_from.invalid", "The credential is not valid before \(validFrom)")
                ok = false
            } else if let stampedAt, stampedAt < validFrom {
                fail("cawg.ica.valid_from.invalid", "The credential was time-stamped (\(stampedAt)) before its validFrom \(validFrom)")
                ok = false
            }
        } else {
            fail("cawg.ica.valid_from.missing", "The credential has no readable validFrom date")
            ok = false
        }
        if let validUntil = (credential["validUntil"] as? String).flatMap(Self.date) {
            if now > validUntil {
                fail("cawg.ica.valid_until.invalid", "The credential expired on \(validUntil)")
                ok = false
            } else if let stampedAt, stampedAt > validUntil {
                fail("cawg.ica.valid_until.invalid", "The credential was time-stamped (\(stampedAt)) after its validUntil \(validUntil)")
                ok = false
            }
        }
        if !Self.assetMatches(asset, payload) {
            fail("cawg.ica.signer_payload.mismatch", "The credential's c2paAsset is not the identity assertion's signer payload")
            ok = false
        }
        if ok {
            statuses.append(ValidationStatus(.init("cawg.ica.credential_valid", .success), url: url, "The identity claims aggregation credential is valid"))
        }
        return summary
    }

    /// A hash in the credential: base64 text, written either as a string or (as c2pa-rs serializes
    /// its byte buffer) as the array of the text's bytes.
    static func credentialHash(_ value: Any?) -> [UInt8]? {
        var text = value as? String
        if text == nil, let bytes = value as? [Int], bytes.allSatisfy({ (0...255).contains($0) }) {
            text = String(decoding: bytes.map(UInt8.init), as: UTF8.self)
        }
        return text.flatMap { Data(base64Encoded: $0) }.map(Array.init)
    }

    static func firstSubject(_ credential: [String: Any]) -> [String: Any]? {
        if let subject = credential["credentialSubject"] as? [String: Any] { return subject }
        return (credential["credentialSubject"] as? [[String: Any]])?.first
    }

    static func verifiedIdentities(_ subject: [String: Any]) -> [String] {
        (subject["verifiedIdentities"] as? [[String: Any]] ?? []).compactMap { identity in
            let provider = (identity["provider"] as? [String: Any])?["name"] as? String
            let who = identity["name"] as? String ?? identity["username"] as? String ?? identity["uri"] as? String
            guard let who else { return nil }
            return provider.map { "\(who) (\($0))" } ?? who
        }
    }

    enum IssuerKey {
        case key(Curve25519.Signing.PublicKey)
        case unavailable, invalidDocument, unsupported
    }

    /// The Ed25519 key of a `did:jwk` issuer (base64url JSON Web Key, OKP/Ed25519).
    static func issuerKey(_ issuer: String) -> IssuerKey {
        let did = issuer.split(separator: "#", maxSplits: 1).first.map(String.init) ?? issuer
        if did.hasPrefix("did:web:") { return .unavailable }
        guard did.hasPrefix("did:jwk:") else { return .unsupported }
        // c2pa-rs decodes the DID's key with padding required (BASE64_URL_SAFE), the key's `x` without.
        guard let json = base64URLDecode(String(did.dropFirst("did:jwk:".count)), paddingRequired: true),
            let jwk = (try? JSONSerialization.jsonObject(with: Data(json))) as? [String: Any],
            jwk["kty"] as? String == "OKP", jwk["crv"] as? String == "Ed25519",
            let x = (jwk["x"] as? String).flatMap({ base64URLDecode($0) }),
            let key = try? Curve25519.Signing.PublicKey(rawRepresentation: x)
        else { return .invalidDocument }
        return .key(key)
    }

    static func base64URLDecode(_ text: String, paddingRequired: Bool = false) -> [UInt8]? {
        if paddingRequired && text.count % 4 != 0 { return nil }
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while base64.count % 4 != 0 { base64 += "=" }
        return Data(base64Encoded: base64).map(Array.init)
    }

    static func date(_ text: String) -> Date? {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        if let date = formatter.date(from: text) { return date }
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.date(from: text)
    }

    /// The credential's `c2paAsset` (hashes in base64) against the signer payload.
    static func assetMatches(_ asset: [String: Any], _ payload: CBOR) -> Bool {
        guard asset["sig_type"] as? String == payload["sig_type"]?.textValue,
            let assetReferences = asset["referenced_assertions"] as? [[String: Any]],
            let references = payload["referenced_assertions"]?.arrayValue, assetReferences.count == references.count
        else { return false }
        for (theirs, ours) in zip(assetReferences, references) {
            guard theirs["url"] as? String == ours["url"]?.textValue, let hash = Self.credentialHash(theirs["hash"]),
                hash == ours["hash"]?.bytesValue
            else { return false }
        }
        let roles = (asset["role"] as? [String]) ?? []
        let payloadRoles = payload["role"]?.arrayValue?.compactMap(\.textValue) ?? []
        return roles == payloadRoles
    }
}
