/// Where an engine call runs its work.
public enum WorkPlacement: Sendable, Hashable {
    /// On the engine's workers, whatever the work (``LabelEngine``'s default).
    case workers
    /// On the caller's thread when the work is short, else on the workers. Short: an input held in
    /// memory (bytes or a source, never a path) of at most `maxBytes`, whose verification is a parse,
    /// hashes and signature checks, decoding nothing (no pixels, frames or sound) and reaching for no
    /// network; about a millisecond for a signed photo.
    ///
    /// For a caller whose thread may run such work but must not be held long: a server's event loop
    /// (`ailabel serve`, where Swift's executor runs on the loops). Handing a short verification to a
    /// worker and back costs a wake-up on each side, and the worker hashes a body that the loop has just
    /// read into its own core's cache; on the two cores of Benchmarks/serve the loop verifying itself
    /// took 10% less CPU per request. Never use it from Swift's cooperative pool, whose few threads
    /// every task shares.
    case callerWhenShort(maxBytes: Int)
}
