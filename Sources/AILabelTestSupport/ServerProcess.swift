import Foundation

/// `ailabel serve` started on a free port for a test: started with `--listen 127.0.0.1:0`, ready once it
/// prints `listening on http://HOST:PORT`, stopped with SIGTERM (graceful shutdown) and awaited.
public final class ServerProcess: @unchecked Sendable {
    public let process = Process()
    public private(set) var url = ""
    private let errorLog: URL

    /// Starts the server and waits (up to `timeout` seconds) for its `listening on` line. With `listen`
    /// nil no `--listen` is given (the arguments' configuration names the address).
    public init(arguments: [String], listen: String? = "127.0.0.1:0", environment: [String: String]? = nil, timeout: TimeInterval = 60) throws {
        process.executableURL = URL(fileURLWithPath: ProcessRunner.ailabelBinary)
        process.arguments = ["serve"] + (listen.map { ["--listen", $0] } ?? []) + arguments
        if let environment { process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 } }
        errorLog = FileManager.default.temporaryDirectory.appendingPathComponent("ailabel-serve-\(UUID().uuidString).log")
        _ = FileManager.default.createFile(atPath: errorLog.path, contents: nil)
        process.standardError = try FileHandle(forWritingTo: errorLog)
        process.standardInput = FileHandle.nullDevice
        let out = Pipe()
        process.standardOutput = out
        try process.run()
        let deadline = Date().addingTimeInterval(timeout)
        var text = ""
        let reader = out.fileHandleForReading
        while Date() < deadline {
            let data = reader.availableData
            if data.isEmpty {
                if !process.isRunning { break }
                continue
            }
            text += String(decoding: data, as: UTF8.self)
            if let line = text.split(separator: "\n").first(where: { $0.hasPrefix("listening on ") }) {
                url = String(line.dropFirst("listening on ".count))
                return
            }
        }
        process.terminate()
        throw ServerProcessError(message: "the server did not say it was listening: stdout \(text), stderr \(log)")
    }

    public var pid: Int32 { process.processIdentifier }

    /// What the server wrote on standard error (its JSON log lines).
    public var log: String { (try? String(contentsOf: errorLog, encoding: .utf8)) ?? "" }

    /// Sends a signal (SIGHUP to reload the token file).
    public func signal(_ number: Int32) { kill(process.processIdentifier, number) }

    /// SIGTERM, then waits up to `timeout` seconds; returns the exit status (nil if it did not exit, in
    /// which case it is killed).
    @discardableResult
    public func stop(timeout: TimeInterval = 20) -> Int32? {
        if process.isRunning { kill(process.processIdentifier, SIGTERM) }
        return wait(timeout: timeout)
    }

    /// Waits for the process to exit on its own.
    public func wait(timeout: TimeInterval = 20) -> Int32? {
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning && Date() < deadline { usleep(20_000) }
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            return nil
        }
        return process.terminationStatus
    }

    deinit {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        try? FileManager.default.removeItem(at: errorLog)
    }
}

public struct ServerProcessError: Error, CustomStringConvertible {
    public let message: String
    public var description: String { message }
}
