/// One C2PA validation status: a standard code (C2PA §15), whether it is a success, informational
/// or failure code, the JUMBF URI it concerns, and a plain-language explanation.
public struct ValidationStatus: Sendable, Hashable {
    public var code: Code
    public var url: String?
    /// What this means, in words a reader can act on.
    public var explanation: String

    public init(_ code: Code, url: String? = nil, _ explanation: String) {
        self.code = code
        self.url = url
        self.explanation = explanation
    }

    public var kind: Kind { code.kind }

    public enum Kind: String, Sendable, Hashable {
        case success, informational, failure
    }

    /// A standard C2PA status code.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        public let rawValue: String
        public let kind: Kind
        public init(_ rawValue: String, _ kind: Kind) {
            self.rawValue = rawValue
            self.kind = kind
        }
        public var description: String { rawValue }

        // Success.
        public static let claimSignatureValidated = Code("claimSignature.validated", .success)
        public static let claimSignatureInsideValidity = Code("claimSignature.insideValidity", .success)
        public static let signingCredentialTrusted = Code("signingCredential.trusted", .success)
        public static let signingCredentialNotRevoked = Code("signingCredential.ocsp.notRevoked", .success)
        public static let timeStampValidated = Code("timeStamp.validated", .success)
        public static let timeStampTrusted = Code("timeStamp.trusted", .success)
        public static let assertionHashedURIMatch = Code("assertion.hashedURI.match", .success)
        public static let assertionDataHashMatch = Code("assertion.dataHash.match", .success)
        public static let assertionBoxesHashMatch = Code("assertion.boxesHash.match", .success)
        public static let assertionBMFFHashMatch = Code("assertion.bmffHash.match", .success)
        public static let ingredientManifestValidated = Code("ingredient.manifest.validated", .success)
        public static let ingredientClaimSignatureValidated = Code("ingredient.claimSignature.validated", .success)
        // Informational.
        public static let signingCredentialOCSPSkipped = Code("signingCredential.ocsp.skipped", .informational)
        public static let signingCredentialOCSPInaccessible = Code("signingCredential.ocsp.inaccessible", .informational)
        public static let signingCredentialOCSPUnknown = Code("signingCredential.ocsp.unknown", .informational)
        public static let timeStampUntrusted = Code("timeStamp.untrusted", .informational)
        public static let timeStampMalformed = Code("timeStamp.malformed", .informational)
        public static let timeStampOutsideValidity = Code("timeStamp.outsideValidity", .informational)
        public static let timeStampMismatch = Code("timeStamp.mismatch", .informational)
        public static let algorithmDeprecated = Code("algorithm.deprecated", .informational)
        // Failure.
        public static let claimSignatureMismatch = Code("claimSignature.mismatch", .failure)
        public static let claimSignatureMissing = Code("claimSignature.missing", .failure)
        public static let claimSignatureOutsideValidity = Code("claimSignature.outsideValidity", .failure)
        public static let signingCredentialUntrusted = Code("signingCredential.untrusted", .failure)
        public static let signingCredentialInvalid = Code("signingCredential.invalid", .failure)
        public static let signingCredentialExpired = Code("signingCredential.expired", .failure)
        public static let signingCredentialRevoked = Code("signingCredential.ocsp.revoked", .failure)
        public static let assertionDataHashMismatch = Code("assertion.dataHash.mismatch", .failure)
        public static let assertionDataHashMalformed = Code("assertion.dataHash.malformed", .failure)
        public static let assertionBoxesHashMismatch = Code("assertion.boxesHash.mismatch", .failure)
        public static let assertionBMFFHashMismatch = Code("assertion.bmffHash.mismatch", .failure)
        public static let assertionBMFFHashMalformed = Code("assertion.bmffHash.malformed", .failure)
        public static let assertionHashedURIMismatch = Code("assertion.hashedURI.mismatch", .failure)
        public static let assertionMissing = Code("assertion.missing", .failure)
        public static let assertionUndeclared = Code("assertion.undeclared", .failure)
        public static let assertionCBORInvalid = Code("assertion.cbor.invalid", .failure)
        public static let assertionRequiredMissing = Code("assertion.required.missing", .failure)
        public static let assertionActionMalformed = Code("assertion.action.malformed", .failure)
        public static let assertionActionIngredientMismatch = Code("assertion.action.ingredientMismatch", .failure)
        public static let assertionActionSoftBindingMissing = Code("assertion.action.softBindingMissing", .failure)
        public static let claimMissing = Code("claim.missing", .failure)
        public static let claimMultiple = Code("claim.multiple", .failure)
        public static let claimMalformed = Code("claim.malformed", .failure)
        public static let claimCBORInvalid = Code("claim.cbor.invalid", .failure)
        public static let claimHardBindingsMissing = Code("claim.hardBindings.missing", .failure)
        public static let assertionMultipleHardBindings = Code("assertion.multipleHardBindings", .failure)
        public static let manifestInaccessible = Code("manifest.inaccessible", .failure)
        public static let manifestMultipleParents = Code("manifest.multipleParents", .failure)
        public static let ingredientManifestMismatch = Code("ingredient.manifest.mismatch", .failure)
        public static let ingredientManifestMissing = Code("ingredient.manifest.missing", .failure)
        public static let manifestUpdateInvalid = Code("manifest.update.invalid", .failure)
        public static let manifestUpdateWrongParents = Code("manifest.update.wrongParents", .failure)
        public static let assertionIngredientMalformed = Code("assertion.ingredient.malformed", .failure)
        public static let ingredientClaimSignatureMismatch = Code("ingredient.claimSignature.mismatch", .failure)
        public static let ingredientClaimSignatureMissing = Code("ingredient.claimSignature.missing", .failure)
        public static let assertionSelfRedacted = Code("assertion.selfRedacted", .failure)
        public static let assertionActionRedacted = Code("assertion.action.redacted", .failure)
        public static let assertionHardBindingRedacted = Code("assertion.hardBinding.redacted", .failure)
        public static let assertionNotRedacted = Code("assertion.notRedacted", .failure)
        public static let assertionActionRedactionMismatch = Code("assertion.action.redactionMismatch", .failure)
        public static let algorithmUnsupported = Code("algorithm.unsupported", .failure)
        public static let generalError = Code("general.error", .failure)
    }
}

extension ValidationStatus.Code {
    /// Whether this is a failure code (any code not known as success or informational counts).
    var isKnownFailure: Bool {
        !rawValue.hasSuffix(".validated") && !rawValue.hasSuffix(".match") && !rawValue.hasSuffix(".trusted")
            && !rawValue.hasSuffix(".insideValidity") && !rawValue.hasSuffix(".skipped")
    }
}

extension ValidationStatus: CustomStringConvertible {
    public var description: String { "\(code.rawValue): \(explanation)" }
}

/// The overall verdict on an asset's C2PA provenance.
public enum ValidationState: String, Sendable, Hashable {
    /// No manifest store was found.
    case absent = "Absent"
    /// A manifest store was found but fails validation (or cannot be read).
    case invalid = "Invalid"
    /// Well-formed, signature and hashes check out, but the signer is not trusted.
    case valid = "Valid"
    /// Valid and the signer chains to a configured trust anchor.
    case trusted = "Trusted"
}
