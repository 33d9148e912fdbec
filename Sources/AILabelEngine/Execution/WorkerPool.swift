import Foundation
import Synchronization

/// Threads of its own for the CPU-bound work of stamping and verifying (parsing, hashing, signing,
/// pixel decoding), so that it never occupies Swift's cooperative pool, whose few threads an async
/// server needs free to accept and answer requests. The same idea as swift-nio's `NIOThreadPool`.
///
/// Work waits in a first-in first-out queue. A task cancelled while its work waits is answered at once
/// with ``AILabelError/Code/cancelled`` and its work never runs; work already running finishes (the
/// steps below are synchronous), and its result is dropped.
public final class WorkerPool: Sendable {
    /// The number of threads.
    public let threads: Int

    private struct Job {
        let run: @Sendable () -> Void
        let cancel: @Sendable () -> Void
    }

    private struct State {
        /// Jobs in arrival order from `head`; a taken job's slot is emptied at once, so that nothing its
        /// work captured (an upload's bytes, say) outlives the work.
        var queue: [Job?] = []
        var head = 0
        var stopped = false
        var waiting: Int { queue.count - head }
    }

    private let state = Mutex(State())
    private let condition = NSCondition()

    /// A pool of `threads` threads (default: one per core).
    public init(threads: Int = ProcessInfo.processInfo.activeProcessorCount) {
        self.threads = max(1, threads)
        for index in 0..<self.threads {
            let thread = Thread { [self] in self.work() }
            thread.name = "ailabel-worker-\(index)"
            // Pixel decoders and the XMP parser recurse; 8 MiB is the size of a main thread's stack.
            thread.stackSize = 8 << 20
            thread.start()
        }
    }

    /// How many jobs wait for a thread (not counting those running).
    @_spi(Testing) public var waiting: Int { state.withLock { $0.waiting } }

    /// Runs `work` on one of the pool's threads and returns its result. A cancellation of the calling
    /// task is answered at once when the work has not started (and the work is then skipped).
    public func run<Result: Sendable>(_ work: @escaping @Sendable () throws -> Result) async throws(AILabelError) -> Result {
        let cancelled = Mutex<(@Sendable () -> Void)?>(nil)
        let outcome: Swift.Result<Result, AILabelError> = await withTaskCancellationHandler {
            await withUnsafeContinuation { continuation in
                let taken = Mutex(false)
                let once: @Sendable (Swift.Result<Result, AILabelError>) -> Void = { value in
                    let first = taken.withLock { done in
                        defer { done = true }
                        return !done
                    }
                    if first { continuation.resume(returning: value) }
                }
                let cancel: @Sendable () -> Void = { once(.failure(AILabelError(.cancelled, "the request was cancelled"))) }
                cancelled.withLock { $0 = cancel }
                if Task.isCancelled { return cancel() }
                enqueue(Job(
                    run: {
                        // Taken by a thread after the caller gave up: nothing to do.
                        if taken.withLock({ $0 }) { return }
                        do {
                            once(.success(try work()))
                        } catch {
                            once(.failure(.wrapping(error)))
                        }
                    },
                    cancel: cancel))
            }
        } onCancel: {
            cancelled.withLock { $0 }?()
        }
        return try outcome.get()
    }

    /// Stops the threads once the queue is empty; jobs enqueued later are cancelled.
    public func shutdown() {
        state.withLock { $0.stopped = true }
        condition.lock()
        condition.broadcast()
        condition.unlock()
    }

    private func enqueue(_ job: Job) {
        let accepted = state.withLock { state -> Bool in
            guard !state.stopped else { return false }
            state.queue.append(job)
            return true
        }
        guard accepted else { return job.cancel() }
        condition.lock()
        condition.signal()
        condition.unlock()
    }

    private func take() -> Job? {
        state.withLock { state -> Job? in
            guard state.head < state.queue.count else { return nil }
            let job = state.queue[state.head].take()
            state.head += 1
            // Drop the consumed prefix now and then, so the array does not grow forever.
            if state.head == state.queue.count {
                state.queue.removeAll(keepingCapacity: true)
                state.head = 0
            } else if state.head > 1024 && state.head * 2 > state.queue.count {
                state.queue.removeFirst(state.head)
                state.head = 0
            }
            return job
        }
    }

    private func work() {
        while true {
            if let job = take() {
                job.run()
                continue
            }
            condition.lock()
            while state.withLock({ $0.waiting == 0 && !$0.stopped }) { condition.wait() }
            condition.unlock()
            if state.withLock({ $0.waiting == 0 && $0.stopped }) { return }
        }
    }
}
