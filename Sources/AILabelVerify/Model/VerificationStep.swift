import AILabelMedia

/// Where ``Verifier/begin(_:sidecars:)`` left a verification: judged, or waiting for its decoding.
public enum VerificationStep: Sendable {
    /// Nothing was left to decode: the file's record.
    case done(FileReport)
    /// Pixels, frames or sound are still to decode (or a thumbnail to make): ``Verifier/finish(_:)``
    /// completes it.
    case pending(PendingVerification)
}

/// A verification whose file is parsed and whose metadata is read, with what is left to decode. It holds
/// the parsed file, so a thread that finishes it does not parse it again.
public struct PendingVerification: Sendable {
    let file: MediaFile
    let subject: VerificationSubject
    let observations: Observations
    let decoding: Verifier.DecodingPlan
}
