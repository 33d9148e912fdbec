import AILabelManifest
import Foundation

/// Signing by an external program (`--signer-cmd`), with the protocol of c2patool's
/// `--signer-path`: the bytes to sign on standard input, the signature on standard output, exit 0.
/// The command line is split on spaces (no shell is involved); a KMS or HSM is reached through a
/// small wrapper program. Bounded: the answer may not exceed 64 KB nor take more than ``timeout``
/// seconds; a failure names the command, its exit status and the start of its standard error.
public struct SignerCommand: Sendable {
    public var arguments: [String]
    public var timeout: TimeInterval
    static let maximumOutput = 64 * 1024
    static let maximumErrorText = 2_000

    public init(commandLine: String, timeout: TimeInterval = 30) throws {
        let arguments = commandLine.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
        guard let program = arguments.first else {
            throw ConfigurationError(path: "--signer-cmd", reason: "the signer command is empty")
        }
        guard program.contains("/") || Self.find(program) != nil else {
            throw ConfigurationError(path: program, reason: "the signer command is not found (give a path, or a program on PATH)")
        }
        self.arguments = arguments
        self.timeout = timeout
    }

    /// Runs the command once with `bytes` on its standard input and returns its standard output.
    public func sign(_ bytes: [UInt8]) throws -> [UInt8] {
        func failed(_ reason: String) -> ManifestError {
            ManifestError.make(.signingFailed, "The signer command \(arguments[0]) failed: \(reason)")
        }
        _ = Self.ignoreBrokenPipes
        let process = Process()
        let program = arguments[0].contains("/") ? arguments[0] : (Self.find(arguments[0]) ?? arguments[0])
        process.executableURL = URL(fileURLWithPath: program)
        process.arguments = Array(arguments.dropFirst())
        let input = Pipe(), output = Pipe(), errors = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = errors
        do {
            try process.run()
        } catch {
            throw failed("it cannot be started (\(error.localizedDescription))")
        }
        // Standard input is written, and both outputs read, on their own threads, so a program that
        // answers before reading everything (or writes much to stderr) cannot deadlock the pipes.
        let group = DispatchGroup()
        let collected = OutputBox()
        DispatchQueue.global().async(group: group) {
            try? input.fileHandleForWriting.write(contentsOf: Data(bytes))
            try? input.fileHandleForWriting.close()
        }
        DispatchQueue.global().async(group: group) {
            collected.setOutput(Self.read(output.fileHandleForReading, limit: Self.maximumOutput + 1))
        }
        DispatchQueue.global().async(group: group) {
            collected.setErrors(Self.read(errors.fileHandleForReading, limit: Self.maximumErrorText))
        }
        let finished = DispatchSemaphore(value: 0)
        DispatchQueue.global().async {
            process.waitUntilExit()
            finished.signal()
        }
        if finished.wait(timeout: .now() + timeout) == .timedOut {
            process.terminate()
            _ = finished.wait(timeout: .now() + 2)
            throw failed("no answer within \(Int(timeout)) seconds")
        }
        _ = group.wait(timeout: .now() + 2)
        let (stdout, stderr) = collected.values
        let errorText = String(decoding: stderr.prefix(Self.maximumErrorText), as: UTF8.self)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        guard process.terminationReason == .exit, process.terminationStatus == 0 else {
            throw failed("exit status \(process.terminationStatus)" + (errorText.isEmpty ? "" : ": \(errorText)"))
        }
        guard !stdout.isEmpty else { throw failed("it wrote no signature") }
        guard stdout.count <= Self.maximumOutput else { throw failed("it wrote more than \(Self.maximumOutput) bytes") }
        return stdout
    }

    /// A program that exits without reading all its input would otherwise kill ailabel with SIGPIPE
    /// while the bytes are written; ignored, the write fails instead and the exit status is reported.
    static let ignoreBrokenPipes: Void = { signal(SIGPIPE, SIG_IGN) }()

    static func read(_ handle: FileHandle, limit: Int) -> [UInt8] {
        var out: [UInt8] = []
        while true {
            guard let chunk = try? handle.read(upToCount: 16 * 1024), !chunk.isEmpty else { break }
            if out.count < limit { out += chunk.prefix(limit - out.count) }
        }
        return out
    }

    static func find(_ program: String) -> String? {
        for folder in (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":") {
            let candidate = "\(folder)/\(program)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }
}

private final class OutputBox: @unchecked Sendable {
    private let lock = NSLock()
    private var output: [UInt8] = []
    private var errors: [UInt8] = []
    func setOutput(_ bytes: [UInt8]) { lock.lock(); output = bytes; lock.unlock() }
    func setErrors(_ bytes: [UInt8]) { lock.lock(); errors = bytes; lock.unlock() }
    var values: ([UInt8], [UInt8]) { lock.lock(); defer { lock.unlock() }; return (output, errors) }
}
