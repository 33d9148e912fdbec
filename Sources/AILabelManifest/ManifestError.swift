/// An error from the C2PA layer: a structure that cannot be decoded, a key or certificate that
/// cannot sign, or an asset that cannot carry a manifest.
///
/// Built like `ASN1Error` and `MediaError`: a stable ``Code``, a human ``reason`` written where the
/// error is raised, and the call site. Equality looks at the code only, so tests can write
/// `#expect(throws: ManifestError.cborMalformed)`.
///
/// Validation never throws for a "no": ``ManifestValidator`` returns a ``ValidationReport``.
/// These errors are for inputs that cannot even be read, and for signing that cannot proceed.
public struct ManifestError: Error, Sendable {
    public let code: Code
    public let reason: String
    let fileID: String
    let line: UInt

    /// A stable error code. New codes may be added; switch with a default.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private let name: String
        private init(_ name: String) { self.name = name }
        public var description: String { name }

        /// CBOR bytes that are not well-formed, or that break a decoding limit.
        public static let cborMalformed = Code("manifest.cbor-malformed")
        /// JUMBF boxes that are not well-formed, or that break a limit.
        public static let jumbfMalformed = Code("manifest.jumbf-malformed")
        /// A COSE_Sign1 structure that is not well-formed or uses an unsupported algorithm.
        public static let coseMalformed = Code("manifest.cose-malformed")
        /// A manifest store whose structure breaks the C2PA rules (missing claim, two claims…).
        public static let storeMalformed = Code("manifest.store-malformed")
        /// The private key cannot be read, or is of an unsupported kind.
        public static let invalidKey = Code("manifest.invalid-key")
        /// The certificate chain cannot be read, or does not satisfy the C2PA signer profile.
        public static let invalidCertificate = Code("manifest.invalid-certificate")
        /// The private key does not belong to the signing certificate.
        public static let keyMismatch = Code("manifest.key-mismatch")
        /// Signing failed.
        public static let signingFailed = Code("manifest.signing-failed")
        /// The asset's container cannot carry a manifest store, or could not be rewritten.
        public static let unsupportedAsset = Code("manifest.unsupported-asset")
        /// A manifest definition supplied by the caller is not usable.
        public static let invalidDefinition = Code("manifest.invalid-definition")
        /// Writing files failed.
        public static let io = Code("manifest.io")
        /// An RFC 3161 time-stamp token or response that cannot be read, or breaks a limit.
        public static let timeStampMalformed = Code("manifest.time-stamp-malformed")
        /// The time-stamp authority failed, refused, timed out or answered out of bounds.
        public static let timeStampFailed = Code("manifest.time-stamp-failed")
        /// An OCSP response that cannot be read, or breaks a limit.
        public static let ocspMalformed = Code("manifest.ocsp-malformed")
        /// The signer's OCSP responder failed, refused, timed out, answered out of bounds, or said
        /// the certificate is revoked or unknown (`stamp --ocsp-staple`).
        public static let ocspFailed = Code("manifest.ocsp-failed")
    }

    @inline(never)
    public static func make(
        _ code: Code, _ reason: String, fileID: String = #fileID, line: UInt = #line
    ) -> ManifestError {
        ManifestError(code: code, reason: reason, fileID: fileID, line: line)
    }

    /// Match-any values for `#expect(throws:)`.
    public static var cborMalformed: ManifestError { make(.cborMalformed, "") }
    public static var jumbfMalformed: ManifestError { make(.jumbfMalformed, "") }
    public static var coseMalformed: ManifestError { make(.coseMalformed, "") }
    public static var storeMalformed: ManifestError { make(.storeMalformed, "") }
    public static var invalidKey: ManifestError { make(.invalidKey, "") }
    public static var invalidCertificate: ManifestError { make(.invalidCertificate, "") }
    public static var keyMismatch: ManifestError { make(.keyMismatch, "") }
    public static var unsupportedAsset: ManifestError { make(.unsupportedAsset, "") }
    public static var invalidDefinition: ManifestError { make(.invalidDefinition, "") }
    public static var signingFailed: ManifestError { make(.signingFailed, "") }
    public static var timeStampMalformed: ManifestError { make(.timeStampMalformed, "") }
    public static var timeStampFailed: ManifestError { make(.timeStampFailed, "") }
    public static var ocspMalformed: ManifestError { make(.ocspMalformed, "") }
    public static var ocspFailed: ManifestError { make(.ocspFailed, "") }
}

extension ManifestError: Equatable {
    public static func == (lhs: ManifestError, rhs: ManifestError) -> Bool { lhs.code == rhs.code }
}

extension ManifestError: Hashable {
    public func hash(into hasher: inout Hasher) { hasher.combine(code) }
}

extension ManifestError: CustomStringConvertible {
    public var description: String { reason }
}

extension ManifestError: CustomDebugStringConvertible {
    public var debugDescription: String { "ManifestError(\(code), \"\(reason)\", at \(fileID):\(line))" }
}
