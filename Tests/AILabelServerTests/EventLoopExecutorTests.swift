import Testing

@testable import AILabelServer

@Suite("Event loops as the global executor")
struct EventLoopExecutorTests {
    // Installing it here would move this test process's own executor; `ailabel serve` installs it, and
    // the serve suite runs every route, limit and shutdown on such a process.
    @Test("one loop for every worker, at least one (the loops verify short requests themselves)")
    func loopsFollowTheWorkers() {
        #expect(EventLoopExecutor.loops(forWorkers: 0) == 1)
        #expect(EventLoopExecutor.loops(forWorkers: 1) == 1)
        #expect(EventLoopExecutor.loops(forWorkers: 2) == 2)
        #expect(EventLoopExecutor.loops(forWorkers: 16) == 16)
    }
}
