import AILabelMedia

/// Why a stamp, verify or inspect request could not be carried out: a stable ``Code`` a service maps
/// to a status (an HTTP service: ``Code/badOption`` 422, ``Code/unsupportedMedia`` 415,
/// ``Code/tooLarge`` 413, ``Code/busy`` 503), and a sentence for a person.
///
/// A verification *outcome* is never an error: an unreadable or unlabelled file is a verdict in the
/// returned report. This error says that the request itself was refused or could not run.
/// Equality compares codes only, so tests can write the expected error directly.
public struct AILabelError: Error, Sendable, Hashable, CustomStringConvertible {
    /// A stable, machine-readable reason. New codes may be added; existing ones keep their strings.
    public struct Code: RawRepresentable, Sendable, Hashable, Codable, CustomStringConvertible {
        public let rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }

        /// An option has a value the library refuses (an unknown profile, a bad time, a text missing).
        public static let badOption = Code(rawValue: "options.invalid")
        /// A configuration file cannot be read or holds unknown keys.
        public static let badConfiguration = Code(rawValue: "configuration.invalid")
        /// The signer's key, chain or program was refused.
        public static let signerRefused = Code(rawValue: "signer.refused")
        /// A trust anchor file cannot be read or holds no certificate.
        public static let trustRefused = Code(rawValue: "trust.refused")
        /// The input is in no format ailabel reads (or its name claims another format than its bytes).
        public static let unsupportedMedia = Code(rawValue: "input.unsupported-media")
        /// The input is over a size limit.
        public static let tooLarge = Code(rawValue: "input.too-large")
        /// The input is empty, truncated or malformed, so it cannot be stamped or inspected.
        public static let unreadableInput = Code(rawValue: "input.unreadable")
        /// The stamp could not be written (the file's XMP cannot be merged into, signing failed…).
        public static let stampFailed = Code(rawValue: "stamp.failed")
        /// A signer is needed for what was asked and none is configured.
        public static let signerMissing = Code(rawValue: "signer.missing")
        /// The caller cancelled the request before it finished.
        public static let cancelled = Code(rawValue: "request.cancelled")
        /// No worker is free and the caller asked not to wait.
        public static let busy = Code(rawValue: "request.busy")
        /// A fault in ailabel itself.
        public static let `internal` = Code(rawValue: "internal")
    }

    public var code: Code
    /// What went wrong, for a person. Never holds key material.
    public var reason: String

    public init(_ code: Code, _ reason: String) {
        self.code = code
        self.reason = reason
    }

    public var description: String { reason }

    public static func == (lhs: AILabelError, rhs: AILabelError) -> Bool { lhs.code == rhs.code }
    public func hash(into hasher: inout Hasher) { hasher.combine(code) }

    /// The library error for a media error met while reading an input.
    static func input(_ error: MediaError) -> AILabelError {
        switch error.code {
        case .unsupportedFormat: return AILabelError(.unsupportedMedia, error.reason)
        case .limitExceeded: return AILabelError(.tooLarge, error.reason)
        default: return AILabelError(.unreadableInput, error.reason)
        }
    }

    /// Any error thrown below, as a library error.
    static func wrapping(_ error: any Error, as code: Code = .internal) -> AILabelError {
        switch error {
        case let error as AILabelError: return error
        case let error as MediaError: return .input(error)
        case is CancellationError: return AILabelError(.cancelled, "the request was cancelled")
        default: return AILabelError(code, "\(error)")
        }
    }
}
