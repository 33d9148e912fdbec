import AILabelTestSupport
import Foundation
import Hummingbird
import Logging
import ServiceLifecycle
import Synchronization
import Testing

/// The DocC article's example server: it compiles (it is this target's code), it runs, and the article
/// shows exactly this code.
@Suite("Embedding example")
struct EmbeddingExampleTests {
    @Test("the example service verifies an upload and answers the report")
    func exampleRuns() async throws {
        let port = Mutex(0)
        let app = try makeVerifyService(port: 0) { bound in port.withLock { $0 = bound } }
        let group = ServiceGroup(services: [app], logger: Logger(label: "example"))
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            while port.withLock({ $0 }) == 0 { try await Task.sleep(for: .milliseconds(20)) }
            let bound = port.withLock { $0 }
            let image = Repository.fixture("media/tiny-64x48.jpg").path
            let result = try ProcessRunner.run("curl", ["-s", "--data-binary", "@\(image)", "http://127.0.0.1:\(bound)/verify"])
            let report = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
            #expect(report?["path"] as? String == "upload.jpg", "\(result.stdout)")
            #expect(report?["verdict"] as? String == "no-ai-evidence")
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
    }

    @Test("the article quotes the example as it is")
    func articleQuotesTheExample() throws {
        let root = Repository.root()
        let source = try String(contentsOf: root.appendingPathComponent("Tests/AILabelServerTests/EmbeddingExample.swift"), encoding: .utf8)
        let article = try String(contentsOf: root.appendingPathComponent("Sources/AILabelEngine/AILabelEngine.docc/EmbeddingInAServer.md"), encoding: .utf8)
        guard let begin = source.range(of: "// example-begin\n"), let end = source.range(of: "// example-end") else {
            Issue.record("the example has no markers")
            return
        }
        let code = String(source[begin.upperBound..<end.lowerBound])
        #expect(article.contains("```swift\n" + code + "```"), "the article's code block differs from EmbeddingExample.swift")
    }
}
