import AILabelKit
import AILabelManifest
import AILabelTestSupport
import Foundation
import Testing

@Suite("Time-stamp authority client")
struct TimeStampClientTests {
    @Test("An authority slower than the timeout fails with a clear error, within the time limit")
    func slowAuthorityTimesOut() throws {
        let folder = try Repository.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let server = Process()
        server.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        server.arguments = ["python3", Repository.fixture("tsa/local_tsa.py").path, folder.path, "--mode", "slow"]
        let output = Pipe()
        server.standardOutput = output
        try server.run()
        defer {
            kill(server.processIdentifier, SIGKILL)
            server.waitUntilExit()
        }
        var line: [UInt8] = []
        while let byte = try output.fileHandleForReading.read(upToCount: 1), let first = byte.first, first != 10 { line.append(first) }
        let url = try #require(TimeStampClient.parseURL(String(decoding: line, as: UTF8.self)))
        let client = TimeStampClient(url: url, timeout: 1)
        let start = Date()
        #expect(throws: ManifestError.timeStampFailed) { try client.token(for: Array("claim".utf8)) }
        #expect(Date().timeIntervalSince(start) < 5, "the timeout bounds the wait")
    }

    @Test("Only http and https URLs with a host are accepted")
    func urls() {
        #expect(TimeStampClient.parseURL("http://timestamp.digicert.com") != nil)
        #expect(TimeStampClient.parseURL("https://127.0.0.1:8080/tsa") != nil)
        for bad in ["ftp://x/tsa", "file:///etc/passwd", "timestamp.example", "http://", ""] {
            #expect(TimeStampClient.parseURL(bad) == nil, "\(bad)")
        }
    }
}
