import AILabelTestSupport
import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Issue #9's crash-safety check: `ailabel stamp` killed with SIGKILL in the middle of a 1000-file batch
/// leaves every file either untouched or completely stamped, and the next run cleans up and finishes.
/// Serialized: each case runs the stamp with two jobs, which is all the machine has.
@Suite("ailabel stamp killed with SIGKILL mid-batch", .serialized)
struct StampCrashTests {
    /// When to kill, so the kills land in different phases of the batch (plus a random delay of up to 20 ms).
    enum Moment: CustomStringConvertible, CaseIterable {
        /// As soon as a temporary file exists: files are being stamped, nothing has been renamed.
        case firstTemporaryFile
        /// As soon as the first group has been renamed into place.
        case firstCommit
        /// Once 300 files have been replaced: a later group, some folders done, others not.
        case laterCommit

        var description: String {
            switch self {
            case .firstTemporaryFile: "first temporary file"
            case .firstCommit: "first commit"
            case .laterCommit: "300 files committed"
            }
        }
    }

    @Test("--in-place: after SIGKILL every file is its original or its complete stamp; a second run removes the temporary files and finishes")
    func killInPlace() throws {
        let corpus = try CrashCorpus()
        defer { corpus.remove() }
        var midBatch = 0
        for moment in Moment.allCases {
            try corpus.reset()
            let arguments = ["stamp", corpus.input.path, "--in-place"] + CrashCorpus.options
            let outcome = try Self.runAndKill(arguments, watching: corpus.inputs, folders: corpus.inputFolders, at: moment)
            var untouched = 0
            for (index, path) in corpus.inputs.enumerated() {
                let bytes = try Self.contents(path)
                let source = corpus.sourceOf(index)
                #expect(bytes == corpus.originals[source] || bytes == corpus.stamped[source], "\(moment): \(path) is neither the original nor its stamp")
                if bytes == corpus.originals[source] { untouched += 1 }
            }
            if outcome.killed && untouched > 0 { midBatch += 1 }

            let again = try ProcessRunner.ailabel(arguments)
            #expect(again.status == 0, "\(moment): \(again.stderr)")
            for (index, path) in corpus.inputs.enumerated() {
                #expect(try Self.contents(path) == corpus.stamped[corpus.sourceOf(index)], "\(moment): \(path) after the second run")
            }
            #expect(Self.temporaryFiles(in: corpus.inputFolders).isEmpty, "\(moment): temporary files left after the second run")
        }
        #expect(midBatch > 0, "no kill landed in the middle of the batch")
    }

    @Test("--out DIR: after SIGKILL every output is absent or its complete stamp; a second run removes the temporary files and finishes")
    func killWithOutputFolder() throws {
        let corpus = try CrashCorpus()
        defer { corpus.remove() }
        var midBatch = 0
        for moment in Moment.allCases {
            try corpus.reset()
            let out = corpus.folder.appendingPathComponent("out")
            let outputs = corpus.inputs.map { out.path + $0.dropFirst(corpus.input.path.count) }
            let outputFolders = corpus.inputFolders.map { out.path + $0.dropFirst(corpus.input.path.count) }
            let arguments = ["stamp", corpus.input.path + "/", "--out", out.path] + CrashCorpus.options
            let outcome = try Self.runAndKill(arguments, watching: outputs, folders: outputFolders, at: moment)
            var absent = 0
            for (index, output) in outputs.enumerated() {
                guard FileManager.default.fileExists(atPath: output) else {
                    absent += 1
                    continue
                }
                #expect(try Self.contents(output) == corpus.stamped[corpus.sourceOf(index)], "\(moment): \(output) is not a complete stamp")
            }
            if outcome.killed && absent > 0 { midBatch += 1 }

            let again = try ProcessRunner.ailabel(arguments)
            #expect(again.status == 0, "\(moment): \(again.stderr)")
            for (index, output) in outputs.enumerated() {
                #expect(try Self.contents(output) == corpus.stamped[corpus.sourceOf(index)], "\(moment): \(output) after the second run")
            }
            for (index, input) in corpus.inputs.enumerated() {
                #expect(try Self.contents(input) == corpus.originals[corpus.sourceOf(index)], "\(moment): the input \(input) changed")
            }
            #expect(Self.temporaryFiles(in: outputFolders + corpus.inputFolders).isEmpty, "\(moment): temporary files left after the second run")
        }
        #expect(midBatch > 0, "no kill landed in the middle of the batch")
    }

    // MARK: Helpers

    struct Outcome {
        /// Whether SIGKILL ended the process (rather than the batch finishing first).
        var killed: Bool
    }

    /// Starts `ailabel`, waits until `moment` shows in `targets` and `folders`, waits up to 20 ms more, and
    /// kills it with SIGKILL.
    static func runAndKill(_ arguments: [String], watching targets: [String], folders: [String], at moment: Moment) throws -> Outcome {
        let before = targets.map(inode)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: ProcessRunner.ailabelBinary)
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        let deadline = Date().addingTimeInterval(60)
        func replaced() -> Int { zip(targets, before).reduce(0) { $0 + (inode($1.0) != $1.1 ? 1 : 0) } }
        while process.isRunning, Date() < deadline {
            let reached =
                switch moment {
                case .firstTemporaryFile: !temporaryFiles(in: folders).isEmpty
                case .firstCommit: replaced() > 0
                case .laterCommit: replaced() >= 300
                }
            if reached { break }
            usleep(5_000)
        }
        usleep(UInt32.random(in: 0...20_000))
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        return Outcome(killed: process.terminationReason == .uncaughtSignal && process.terminationStatus == SIGKILL)
    }

    /// The file's inode number (a rename over it gives a new one), or 0 when it does not exist.
    static func inode(_ path: String) -> UInt64 {
        var status = stat()
        return stat(path, &status) == 0 ? UInt64(status.st_ino) : 0
    }

    static func contents(_ path: String) throws -> [UInt8] { [UInt8](try Data(contentsOf: URL(fileURLWithPath: path))) }

    /// ailabel's temporary files (`.ailabel-tmp-*`) in the folders.
    static func temporaryFiles(in folders: [String]) -> [String] {
        folders.flatMap { folder in
            ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).filter { $0.hasPrefix(".ailabel-tmp-") }.map { folder + "/" + $0 }
        }
    }
}

/// 1000 copies of six small fixtures in four folders (laid out by ``reset()``), with each fixture's bytes
/// and what stamping it alone produces (`--time` and `--content-id` fixed, so a stamp is a function of the input's bytes).
struct CrashCorpus {
    static let sources = ["tiny-64x48.jpg", "grayscale.jpg", "exif.jpg", "progressive.jpg", "palette.png", "gray16.png"]
    static let count = 1000
    static let options = ["--jobs", "2", "--time", "2026-01-18T09:00:00Z", "--content-id", "crash-test", "--json"]

    let folder: URL
    let input: URL
    let inputs: [String]
    let inputFolders: [String]
    let originals: [[UInt8]]
    let stamped: [[UInt8]]

    init() throws {
        folder = try Repository.temporaryDirectory("ailabel-crash")
        let input = folder.appendingPathComponent("in")
        self.input = input
        originals = try Self.sources.map { try Repository.fixtureBytes("media/" + $0) }
        let inputFolders = (0..<4).map { input.appendingPathComponent("d\($0)").path }
        self.inputFolders = inputFolders
        inputs = (0..<Self.count).map { index in
            inputFolders[index % inputFolders.count] + String(format: "/%04d.", index) + (Self.sources[index % Self.sources.count] as NSString).pathExtension
        }

        // The reference: each source stamped alone, and checked to carry ailabel's label.
        let reference = folder.appendingPathComponent("reference")
        let references = Self.sources.map { reference.appendingPathComponent($0).path }
        try FileManager.default.createDirectory(at: reference, withIntermediateDirectories: true)
        let stamp = try ProcessRunner.ailabel(["stamp"] + Self.sources.map { Repository.fixture("media/" + $0).path } + ["--out", reference.path] + Self.options)
        guard stamp.status == 0 else { throw ReferenceFailed(reason: stamp.stderr) }
        let inspect = try ProcessRunner.ailabel(["inspect", "--json"] + references)
        guard inspect.status == 0, inspect.stdout.components(separatedBy: "trainedAlgorithmicMedia").count > references.count,
            inspect.stdout.components(separatedBy: "crash-test").count > references.count
        else { throw ReferenceFailed(reason: "the reference stamps do not carry ailabel's label: \(inspect.stdout.prefix(500))") }
        stamped = try references.map { [UInt8](try Data(contentsOf: URL(fileURLWithPath: $0))) }
    }

    /// Lays the inputs out afresh (the sources' bytes, in four folders) and removes any output folder.
    func reset() throws {
        try? FileManager.default.removeItem(at: input)
        try? FileManager.default.removeItem(at: folder.appendingPathComponent("out"))
        for path in inputFolders { try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true) }
        for (index, path) in inputs.enumerated() { try Data(originals[sourceOf(index)]).write(to: URL(fileURLWithPath: path)) }
    }

    /// Which source input `index` is a copy of.
    func sourceOf(_ index: Int) -> Int { index % Self.sources.count }

    func remove() { try? FileManager.default.removeItem(at: folder) }

    struct ReferenceFailed: Error, CustomStringConvertible {
        var reason: String
        var description: String { "the reference stamp failed: \(reason)" }
    }
}
