import Foundation

/// A static HTTP server on 127.0.0.1 (Python's http.server on a port the system picks), started and
/// stopped by the test that uses it.
public final class LocalHTTPServer {
    let process = Process()
    public let port: Int
    public var base: String { "http://127.0.0.1:\(port)/" }

    /// Serves `folder`. `script` replaces the static handler with a Python program of the caller's
    /// (it must print "port N" on its first line once listening, then serve).
    public init(serving folder: URL, script: String? = nil) throws {
        let output = Pipe()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        if let script {
            process.arguments = ["python3", "-u", "-c", script, folder.path]
        } else {
            process.arguments = ["python3", "-u", "-c", """
                import functools, http.server, sys
                handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=sys.argv[1])
                handler.log_message = lambda *args: None
                server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
                print("port", server.server_address[1], flush=True)
                server.serve_forever()
                """, folder.path]
        }
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        var line = Data()
        let reader = output.fileHandleForReading
        while !line.contains(0x0A) {
            let chunk = reader.availableData
            if chunk.isEmpty { break }
            line.append(chunk)
        }
        let text = String(decoding: line, as: UTF8.self).split(separator: "\n").first ?? ""
        guard text.hasPrefix("port "), let port = Int(text.dropFirst(5).trimmingCharacters(in: .whitespaces)) else {
            process.terminate()
            throw CocoaError(.fileReadUnknown, userInfo: [NSLocalizedDescriptionKey: "the local HTTP server did not start: \(text)"])
        }
        self.port = port
    }

    /// SIGKILL: a child of the test runner may inherit a blocked SIGTERM, and Python's server would
    /// then never stop.
    public func stop() {
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
    }

    deinit { stop() }
}
