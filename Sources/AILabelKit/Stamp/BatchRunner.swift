import AILabelMedia
import Foundation

/// Where stamped files go.
public enum OutputMapping: Sendable, Hashable {
    /// Replace each file (atomically).
    case inPlace
    /// Write under a folder: a file argument as DIR/its name, a folder argument's contents mirrored
    /// under DIR (paths relative to that folder, as `rsync src/ DIR/` does).
    case directory(String)

    public func output(for file: WalkedFile) -> String {
        switch self {
        case .inPlace: file.path
        case .directory(let directory): (directory.hasSuffix("/") ? String(directory.dropLast()) : directory) + "/" + file.relativePath
        }
    }

    /// Where the output is written: in place, the file's own confined source; under `--out`, below the
    /// output folder, its folders opened (and made) without following links.
    public func target(for file: WalkedFile) -> ConfinedPath {
        switch self {
        case .inPlace: file.source
        case .directory(let directory): ConfinedPath(root: directory.count > 1 && directory.hasSuffix("/") ? String(directory.dropLast()) : directory, relative: file.relativePath)
        }
    }
}

/// Runs one operation over many files with bounded parallelism, reporting progress as files finish and
/// returning results in input order.
public enum BatchRunner {
    public static func run<Result: Sendable>(
        _ items: [WalkedFile], jobs: Int, progress: (@Sendable (_ done: Int, _ total: Int, _ result: Result) -> Void)? = nil,
        _ operation: @escaping @Sendable (WalkedFile) -> Result
    ) async -> [Result] {
        var results = [Result?](repeating: nil, count: items.count)
        var done = 0
        await forEach(items, jobs: jobs, handle: { index, result in
            results[index] = result
            done += 1
            progress?(done, items.count, result)
        }, operation)
        return results.map { $0! }
    }

    /// Runs `operation` over `items` like ``run(_:jobs:progress:_:)`` but keeps no results: `handle`
    /// receives each as it finishes with its index (on the caller's task, one at a time), so a caller that
    /// writes results out in order holds only those that finished early.
    public static func forEach<Result: Sendable>(
        _ items: [WalkedFile], jobs: Int, handle: (_ index: Int, _ result: Result) -> Void,
        _ operation: @escaping @Sendable (WalkedFile) -> Result
    ) async {
        let limit = max(1, jobs)
        await withTaskGroup(of: (Int, Result).self) { group in
            var next = 0
            func launch() {
                let index = next
                let item = items[index]
                group.addTask { (index, operation(item)) }
                next += 1
            }
            while next < items.count && next < limit { launch() }
            while let (index, result) = await group.next() {
                handle(index, result)
                if next < items.count { launch() }
            }
        }
    }

    /// The default parallelism: the number of cores.
    public static var defaultJobs: Int { ProcessInfo.processInfo.activeProcessorCount }
}
