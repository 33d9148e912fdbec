import Synchronization

/// The per-request time limit, kept by one watchdog for every request in flight.
///
/// A request's work runs as the one child of a task group; the child registers itself with its deadline,
/// and the watchdog, waking every `tick`, cancels each child past its deadline (an upload stops being
/// read, work waiting for a worker never starts) and marks it expired, so the request is answered 503
/// `request.timeout` whatever the cancelled work returns. The first design gave each request a second
/// child that slept until the deadline: a timer armed and a sleeping task woken and cancelled per request
/// cost the server 3–7% of its throughput in `Benchmarks/serve`.
final class RequestDeadlines: Sendable {
    private struct Entry {
        let deadline: ContinuousClock.Instant
        let task: RunningTask
        var expired = false
    }

    /// The child task running the work. `UnsafeCurrentTask` is not `Sendable` because it must not be used
    /// once its task has ended; here it is cancelled only under the lock, and the child removes its entry
    /// under the same lock before it ends, so the task is alive whenever it is cancelled (and
    /// `cancel()` itself may be called from any thread).
    private struct RunningTask: @unchecked Sendable {
        let task: UnsafeCurrentTask
    }

    private struct State {
        var nextID: UInt64 = 0
        var live: [UInt64: Entry] = [:]
    }

    private let state = Mutex(State())
    /// How often the watchdog looks: a request is answered at most this long after its deadline.
    let tick: Duration

    init(tick: Duration = .milliseconds(100)) {
        self.tick = tick
    }

    /// Runs `body`, answering ``APIFailure/timeout`` when it takes longer than `limit`.
    func run<Value: Sendable>(limit: Duration, _ body: @escaping @Sendable () async throws(APIFailure) -> Value) async throws(APIFailure) -> Value {
        let outcome: Result<Value, APIFailure>? = await withTaskGroup(of: Result<Value, APIFailure>.self) { group in
            group.addTask {
                let id = withUnsafeCurrentTask { task in task.map { self.register(RunningTask(task: $0), deadline: .now + limit) } }
                let result: Result<Value, APIFailure>
                do throws(APIFailure) {
                    result = .success(try await body())
                } catch {
                    result = .failure(error)
                }
                guard let id, self.unregister(id) else { return result }
                return .failure(.timeout)
            }
            return await group.next()
        }
        return try (outcome ?? .failure(.timeout)).get()
    }

    /// Cancels the work past its deadline, until the calling task is cancelled (the server stops).
    func watch() async {
        while !Task.isCancelled {
            try? await Task.sleep(for: tick)
            expire(at: .now)
        }
    }

    func expire(at now: ContinuousClock.Instant) {
        state.withLock { state in
            for (id, entry) in state.live where !entry.expired && entry.deadline <= now {
                state.live[id]?.expired = true
                entry.task.task.cancel()
            }
        }
    }

    /// How many requests are being timed (for tests).
    var count: Int { state.withLock { $0.live.count } }

    private func register(_ task: RunningTask, deadline: ContinuousClock.Instant) -> UInt64 {
        state.withLock { state in
            state.nextID &+= 1
            state.live[state.nextID] = Entry(deadline: deadline, task: task)
            return state.nextID
        }
    }

    /// Removes the entry; true when it had expired.
    private func unregister(_ id: UInt64) -> Bool {
        state.withLock { $0.live.removeValue(forKey: id)?.expired ?? false }
    }
}
