import AILabelMedia
import AILabelVocabulary
import Crypto
import Foundation

/// What a streamed stamp run did, counted as its records went out.
public struct StampTally: Sendable, Hashable {
    public var stamped = 0
    public var wouldStamp = 0
    public var unchanged = 0
    public var failed = 0
    public var skipped = 0
    /// Paths the walk passed over with a warning (links not followed, special files).
    public var warnings = 0

    public init() {}

    public mutating func add(_ result: StampResult) {
        switch result.status {
        case .stamped: stamped += 1
        case .wouldStamp: wouldStamp += 1
        case .unchanged: unchanged += 1
        case .failed: failed += 1
        case .skipped: skipped += 1
        }
    }
}

/// A path reduced to 8 bytes of its SHA-256: what a streamed run keeps of each output (or input) it must
/// recognise again, instead of the path. Two paths may share one (about once in 10¹³ pairs): where that
/// would matter, the paths themselves decide (``StampBatch/collisions(walking:)`` names the inputs of a
/// shared fingerprint by their exact outputs before refusing anything).
struct PathFingerprint: Hashable, Sendable {
    let value: UInt64

    init(_ path: String) {
        value = Self.word(of: path, at: 0)
    }

    /// Eight bytes of the SHA-256 of the path's bytes, from `offset`, as a number.
    static func word(of path: String, at offset: Int) -> UInt64 {
        let digest = PathBytes.withPlatformString(path) { pointer in
            SHA256.hash(data: UnsafeRawBufferPointer(start: pointer, count: strlen(pointer)))
        }
        return digest.dropFirst(offset).prefix(8).reduce(0) { $0 << 8 | UInt64($1) }
    }
}

/// A path reduced to 16 bytes of its SHA-256, for a set whose false match would go unseen (a file taken
/// for one already stamped): two paths share one with odds of 2⁻¹²⁸.
struct PathIdentity: Hashable, Sendable {
    let high: UInt64
    let low: UInt64

    init(_ path: String) {
        high = PathFingerprint.word(of: path, at: 0)
        low = PathFingerprint.word(of: path, at: 8)
    }
}

/// The outputs a run's first walk found, for its stamping walk to tick off as it writes them: an output
/// written a second time (a file added between the walks that meets another's output) is refused. A
/// class, so that ticking off shrinks the one set rather than copying it from its holder.
public final class PlannedOutputs: @unchecked Sendable {
    var expected: Set<PathFingerprint>
    /// Outputs the first walk did not see, written once already.
    var unplanned = Set<PathFingerprint>()

    init(expected: Set<PathFingerprint>) {
        self.expected = expected
    }

    /// Whether `output` may be written now, and marks it written.
    func take(_ output: String) -> Bool {
        let print = PathFingerprint(output)
        if expected.remove(print) != nil { return true }
        return unplanned.insert(print).inserted
    }
}

extension StampBatch {
    /// The outputs a file is written to: itself or its copy, and for a labelled copy its XMP sidecar.
    func outputs(of file: WalkedFile) -> [String] {
        let kind = kind(of: file)
        guard kind != .excluded else { return [] }
        let output = mapping.output(for: file)
        return kind == .sidecar ? [output, SidecarFormat.xmpPath(for: output)] : [output]
    }

    /// Whether a walked file is an input of this run: existing sidecars are labels, a killed run's
    /// temporary files are debris, and with ``shard`` only its share counts.
    func isInput(_ file: WalkedFile) -> Bool {
        !SidecarFormat.isSidecar(file.path) && !(file.path as NSString).lastPathComponent.hasPrefix(AtomicFile.temporaryPrefix)
            && (shard?.contains(file) ?? true)
    }

    /// Inputs of the whole run that would be written to one output (`a/x.jpg` and `b/x.jpg` under one
    /// `--out`), found before anything is written, as ``collisions(_:)`` finds them in a list, while
    /// holding 8 bytes per output instead of the files: a first walk keeps the outputs' fingerprints;
    /// only if two meet does a second walk name the inputs behind them (and compare their outputs
    /// exactly). `walk` makes a fresh walk of the run's inputs each time it is called. With no collision,
    /// the outputs found, for ``run(_:window:planned:oncePerFile:notice:emit:progress:)`` to guard.
    public func collisions(walking walk: () -> FileWalker.Stream) -> (collisions: [(output: String, inputs: [String])], planned: PlannedOutputs) {
        var seen = Set<PathFingerprint>()
        var meeting = Set<PathFingerprint>()
        var first = walk()
        while let event = first.next() {
            guard case .file(let file) = event, isInput(file) else { continue }
            for output in outputs(of: file) {
                let print = PathFingerprint(output)
                if !seen.insert(print).inserted { meeting.insert(print) }
            }
        }
        guard !meeting.isEmpty else { return ([], PlannedOutputs(expected: seen)) }
        var byOutput: [String: [String]] = [:]
        var second = walk()
        while let event = second.next() {
            guard case .file(let file) = event, isInput(file) else { continue }
            for output in outputs(of: file) where meeting.contains(PathFingerprint(output)) {
                byOutput[output, default: []].append(file.path)
            }
        }
        let collisions = byOutput.filter { $0.value.count > 1 }.map { ($0.key, $0.value.sorted()) }.sorted { $0.0 < $1.0 }
        return (collisions.map { (output: $0.0, inputs: $0.1) }, PlannedOutputs(expected: seen))
    }

    /// Stamps the files of a streamed walk, `window` at a time, each window as ``run(_:progress:)`` stamps
    /// a list (its folders locked, its writes committed together), and hands each record to `emit` in walk
    /// order before the next window is read. Memory holds one window, not the run, except for 8 or 16
    /// bytes per file where a file could otherwise be met twice: `planned` (several inputs could meet at one output:
    /// the outputs ``collisions(walking:)`` found, ticked off as they are written, so a file that
    /// appeared since cannot replace another's output; it shrinks as the run goes) and `oncePerFile` (in
    /// place, when one file may be named twice: by two arguments, or through followed links).
    public func run(
        _ walk: inout FileWalker.Stream, window: Int = 1024, planned: PlannedOutputs?, oncePerFile: Bool,
        notice: (FileWalker.Event) -> Void, emit: (StampResult) -> Void, progress: ((_ done: Int) -> Void)? = nil
    ) async -> StampTally {
        var tally = StampTally()
        var cleaned = Set<String>()
        var stampedFiles = Set<PathIdentity>()
        var pending: [WalkedFile] = []
        pending.reserveCapacity(window)
        var done = 0

        func say(_ result: StampResult) {
            tally.add(result)
            emit(result)
        }

        func flush() async {
            guard !pending.isEmpty else { return }
            // Files met before (in place, by another name) are stamped once, as in a list: in the window
            // always, across windows when `oncePerFile` says it can happen.
            var files: [WalkedFile] = []
            var refused: [Int: StampResult] = [:]
            var inWindow = Set<ConfinedPath>()
            for file in pending {
                if mapping == .inPlace && !inWindow.insert(file.source).inserted { continue }
                if oncePerFile && !stampedFiles.insert(PathIdentity(file.source.path)).inserted { continue }
                if let planned {
                    // Every output is ticked off, not only those before a refused one.
                    if !outputs(of: file).map({ planned.take($0) }).allSatisfy({ $0 }) {
                        var result = StampResult(path: file.path, status: .failed)
                        result.output = mapping.output(for: file)
                        result.error = "another input of this run was written to \(mapping.output(for: file)) (a file added while the run went on); this one was not written"
                        refused[files.count] = result
                        files.append(file)
                        continue
                    }
                }
                files.append(file)
            }
            pending.removeAll(keepingCapacity: true)
            let stamping = files.enumerated().filter { refused[$0.offset] == nil }.map(\.element)
            var results = await run(stamping, cleaned: &cleaned).makeIterator()
            for index in files.indices {
                if let result = refused[index] { say(result) } else if let result = results.next() { say(result) }
            }
            done += files.count
            progress?(done)
        }

        while let event = walk.next() {
            switch event {
            case .file(let file):
                guard isInput(file) else { continue }
                pending.append(file)
                if pending.count >= window { await flush() }
            case .problem(let problem):
                // In walk order: the files before it first.
                await flush()
                var result = StampResult(path: problem.path, status: .failed)
                result.error = problem.reason
                say(result)
            case .skip:
                tally.warnings += 1
                notice(event)
            case .resolvedLink:
                notice(event)
            }
        }
        await flush()
        return tally
    }
}
