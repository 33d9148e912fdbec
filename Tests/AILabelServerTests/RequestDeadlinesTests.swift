import HTTPTypes
import Synchronization
import Testing

@testable import AILabelServer

/// The per-request time limit kept by one watchdog: work past its deadline is cancelled and answered
/// `request.timeout`; work on time returns its own result; nothing stays registered.
@Suite("Request deadlines")
struct RequestDeadlinesTests {
    /// Waits until the task is cancelled, or ten minutes.
    static func untilCancelled() async {
        let end = ContinuousClock.now + .seconds(600)
        while !Task.isCancelled, ContinuousClock.now < end { try? await Task.sleep(for: .milliseconds(20)) }
    }

    @Test("Work past its deadline is cancelled and answered request.timeout; work on time returns its result, or its own failure")
    func deadlines() async throws {
        let deadlines = RequestDeadlines(tick: .milliseconds(20))
        let watcher = Task { await deadlines.watch() }
        defer { watcher.cancel() }

        let sawCancellation = Mutex(false)
        let started = ContinuousClock.now
        do {
            _ = try await deadlines.run(limit: .milliseconds(200)) { () async throws(APIFailure) -> Int in
                // Work that would go on for ten minutes, but notices cancellation, as an upload or a queued
                // job does (it waits for the watchdog however long a loaded machine makes that).
                await Self.untilCancelled()
                sawCancellation.withLock { $0 = Task.isCancelled }
                return 1
            }
            Issue.record("work past its deadline was not timed out")
        } catch {
            #expect(error.code == APIFailure.timeout.code)
        }
        // Not before the deadline; how soon after depends on the machine (no timed assertion): the work
        // was cancelled rather than left to finish its 30 s.
        #expect(ContinuousClock.now - started >= .milliseconds(200))
        #expect(sawCancellation.withLock { $0 }, "the work was cancelled")

        let value = try await deadlines.run(limit: .seconds(10)) { () async throws(APIFailure) -> Int in 42 }
        #expect(value == 42)
        do {
            _ = try await deadlines.run(limit: .seconds(10)) { () async throws(APIFailure) -> Int in
                throw APIFailure(.unprocessableContent, "options.invalid", "bad")
            }
            Issue.record("the work's failure was lost")
        } catch {
            #expect(error.code == "options.invalid")
        }
        #expect(deadlines.count == 0, "every request unregistered")

        // Many at once, a few of them late: each answered on its own terms.
        try await withThrowingTaskGroup(of: (Int, Bool).self) { group in
            for index in 0..<40 {
                group.addTask {
                    do {
                        let result = try await deadlines.run(limit: .milliseconds(index % 10 == 0 ? 100 : 10_000)) { () async throws(APIFailure) -> Int in
                            if index % 10 == 0 { await Self.untilCancelled() }
                            return index
                        }
                        return (result, false)
                    } catch let failure as APIFailure {
                        return (index, failure.code == APIFailure.timeout.code)
                    }
                }
            }
            for try await (index, timedOut) in group {
                #expect(timedOut == (index % 10 == 0), "request \(index)")
            }
        }
        #expect(deadlines.count == 0)
    }
}
