import Foundation

/// Finds the repository's top-level folders from a test's `#filePath`, as swift-crypto's test vectors do,
/// so tests do not depend on resource bundles.
public enum Repository {
    public static func root(file: StaticString = #filePath) -> URL {
        var url = URL(fileURLWithPath: "\(file)").deletingLastPathComponent()
        while url.path != "/" {
            if FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path),
                FileManager.default.fileExists(atPath: url.appendingPathComponent("Fixtures").path)
            {
                return url
            }
            url.deleteLastPathComponent()
        }
        fatalError("cannot find the repository root above \(file)")
    }

    public static var fixtures: URL { root().appendingPathComponent("Fixtures") }

    public static func fixture(_ relativePath: String) -> URL { fixtures.appendingPathComponent(relativePath) }

    public static func fixtureBytes(_ relativePath: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: fixture(relativePath)))
    }

    /// Every file in a fixture folder, sorted, with the given extensions.
    public static func fixtureFiles(in folder: String, extensions: Set<String> = ["jpg", "png"]) -> [String] {
        let url = fixture(folder)
        let names = (try? FileManager.default.contentsOfDirectory(atPath: url.path)) ?? []
        return names.filter { extensions.contains(($0 as NSString).pathExtension.lowercased()) }.sorted().map { "\(folder)/\($0)" }
    }

    /// The Python of the project's virtual environment (scripts/setup makes it).
    public static var python: String { root().appendingPathComponent(".venv/bin/python").path }

    /// A fresh temporary folder, removed by the caller.
    public static func temporaryDirectory(_ label: String = "ailabel-test") throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("\(label)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}

/// Runs external programs (exiftool, exiv2, the built `ailabel`, Python referees) and captures output.
public struct ProcessResult: Sendable {
    public let status: Int32
    public let stdout: String
    public let stderr: String
    public let stdoutData: Data
}

public enum ProcessRunner {
    public static func run(
        _ executable: String, _ arguments: [String], stdin: Data? = nil, environment: [String: String]? = nil, directory: URL? = nil
    ) throws -> ProcessResult {
        let process = Process()
        if let directory { process.currentDirectoryURL = directory }
        if executable.hasPrefix("/") {
            process.executableURL = URL(fileURLWithPath: executable)
            process.arguments = arguments
        } else {
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = [executable] + arguments
        }
        if let environment {
            process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        }
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        let input = Pipe()
        process.standardInput = input
        try process.run()
        if let stdin { input.fileHandleForWriting.write(stdin) }
        try? input.fileHandleForWriting.close()
        // Read both pipes while the process runs, so a full pipe never blocks it.
        final class Box: @unchecked Sendable { var data = Data() }  // written once before group.wait()
        let errBox = Box()
        let group = DispatchGroup()
        group.enter()
        DispatchQueue.global().async {
            errBox.data = err.fileHandleForReading.readDataToEndOfFile()
            group.leave()
        }
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        group.wait()
        let errData = errBox.data
        process.waitUntilExit()
        return ProcessResult(
            status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
            stderr: String(decoding: errData, as: UTF8.self), stdoutData: outData)
    }

    /// The `ailabel` executable built next to the test bundle.
    public static var ailabelBinary: String {
        let bundle = Bundle.main.bundleURL
        var candidates = [bundle.deletingLastPathComponent().appendingPathComponent("ailabel").path]
        for argument in CommandLine.arguments {
            let url = URL(fileURLWithPath: argument)
            candidates.append(url.deletingLastPathComponent().appendingPathComponent("ailabel").path)
            candidates.append(url.deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("ailabel").path)
        }
        candidates.append(Repository.root().appendingPathComponent(".build/debug/ailabel").path)
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0) } ?? candidates.last!
    }

    public static func ailabel(
        _ arguments: [String], stdin: Data? = nil, environment: [String: String]? = nil, directory: URL? = nil
    ) throws -> ProcessResult {
        try run(ailabelBinary, arguments, stdin: stdin, environment: environment, directory: directory)
    }

    /// Runs `ailabel` and measures its peak resident memory in KiB. Foundation's `Process` does not
    /// expose the rusage that `wait4` returns, so a small Python parent runs `ailabel` and reports
    /// `RUSAGE_CHILDREN`'s `ru_maxrss`, which covers only that one child.
    public static func ailabelMeasuringPeakMemory(
        _ arguments: [String], directory: URL? = nil
    ) throws -> (result: ProcessResult, peakKiB: Int) {
        let report = FileManager.default.temporaryDirectory.appendingPathComponent("ailabel-rss-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: report) }
        let script = """
            import resource, subprocess, sys
            status = subprocess.call(sys.argv[2:])
            open(sys.argv[1], "w").write(str(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss))
            sys.exit(status if status >= 0 else 128 - status)
            """
        let result = try run("python3", ["-c", script, report.path, ailabelBinary] + arguments, directory: directory)
        let text = (try? String(contentsOf: report, encoding: .utf8)) ?? ""
        guard let peak = Int(text.trimmingCharacters(in: .whitespacesAndNewlines)) else {
            throw CocoaError(.fileReadCorruptFile, userInfo: [NSLocalizedDescriptionKey: "no peak-memory report: \(result.stderr)"])
        }
        return (result, peak)
    }
}
