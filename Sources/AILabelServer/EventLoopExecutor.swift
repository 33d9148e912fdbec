import NIOCore
import NIOPosix
import Synchronization

/// Swift's global executor moved onto the server's event loops, for a process that exists to serve
/// (`ailabel serve` installs it; a program that embeds ``LabelServer`` beside other work need not).
///
/// Without it a request crosses threads again and again: NIO's event loop reads its bytes, a thread of
/// Swift's cooperative pool runs its handler and is woken for each body part, a worker verifies, the pool
/// takes the answer back, and the event loop writes it. Measured on the two cores of
/// Benchmarks/serve (the loop, the pool, the workers and the load generator sharing them), that was
/// 5.3–6.2 context switches a request, and the scheduler's share of the CPU (the switches, the
/// reschedule interrupts, the run-queue locks) was the largest part of what the server paid beyond the
/// CLI's own work. With the loops as the global executor a handler runs on the thread that reads its
/// request, and only the verification leaves it, for the engine's workers: 0.9–1.5 switches a request,
/// and 8% less CPU per request across interleaved runs.
///
/// Short verifications (a body held in memory, nothing to decode: a parse, hashes and a signature check)
/// then run on the loop that read them too (``WorkPlacement/callerWhenShort(maxBytes:)``), and only long
/// work (decoding, stamping, spooled uploads) goes to ``LabelEngine``'s workers; so the loops carry most
/// of the CPU work, and there is one loop per worker.
public enum EventLoopExecutor {
    /// NIO allows one attempt per process (a second is a fatal error), whatever the first gave.
    private static let attempted = Atomic(false)
    private static let active = Atomic(false)

    /// The loops for a server with `workers` engine threads: as many, at least one (the loops verify
    /// the short requests themselves; a loop for every four workers, when they only moved bytes, left
    /// cores idle once they did).
    public static func loops(forWorkers workers: Int) -> Int {
        max(1, workers)
    }

    /// Makes NIO's shared event loop group, with `loops` threads, Swift's global executor for the rest
    /// of the process. Call it before anything uses that group or starts concurrent work; later calls
    /// change nothing and say whether the first succeeded. `false` when it could not be installed (the
    /// server then runs on a group of its own, as before).
    @discardableResult
    public static func install(loops: Int) -> Bool {
        guard attempted.compareExchange(expected: false, desired: true, ordering: .sequentiallyConsistent).exchanged else {
            return active.load(ordering: .sequentiallyConsistent)
        }
        NIOSingletons.groupLoopCountSuggestion = max(1, loops)
        let done = NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor()
        active.store(done, ordering: .sequentiallyConsistent)
        return done
    }

    /// Whether the shared group runs Swift's global executor (then the server serves on that group).
    static var isInstalled: Bool { active.load(ordering: .sequentiallyConsistent) }
}
