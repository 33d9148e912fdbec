import AILabelMedia
import ArgumentParser
import Foundation

/// Where `--out` may be: never the input folder itself (that would rewrite the originals; `--in-place` is
/// the way to mean it), and when inside an input folder it is left out of the walk (otherwise every run
/// would stamp the previous run's output and nest it one level deeper).
enum OutputPlacement {
    /// Refuses an `--out` that is an input folder or file (exit 64); returns the real paths the walk must skip.
    static func check(out: String?, inputs: [String]) throws -> Set<String> {
        guard let out else { return [] }
        guard let realOut = FileWalker.realPath(out) else { return [] }  // made later: cannot be an input yet
        var excluded = Set<String>()
        for input in inputs {
            guard let realInput = FileWalker.realPath(input) else { continue }
            if realInput == realOut {
                throw ValidationError("--out \(out) is the input \(input) itself; use --in-place to rewrite files where they are")
            }
            if realOut.hasPrefix(realInput == "/" ? "/" : realInput + "/") { excluded.insert(realOut) }
            if realInput.hasPrefix(realOut + "/") {
                throw ValidationError("the input \(input) lies inside --out \(out); choose an --out outside the inputs")
            }
        }
        return excluded
    }

    /// The real path `path` has, or will have once made with its missing parents: the real path of its
    /// deepest existing ancestor and the names below it. Nil when a missing part is `.` or `..`.
    static func realPathToBe(_ path: String) -> String? {
        if let real = FileWalker.realPath(path) { return real }
        var trimmed = Substring(path)
        while trimmed.count > 1 && trimmed.hasSuffix("/") { trimmed = trimmed.dropLast() }
        guard let slash = trimmed.lastIndex(of: "/") else {
            // A name in the working folder.
            guard !trimmed.isEmpty, trimmed != ".", trimmed != "..", let here = FileWalker.realPath(".") else { return nil }
            return here == "/" ? "/" + trimmed : here + "/" + trimmed
        }
        let name = trimmed[trimmed.index(after: slash)...]
        guard !name.isEmpty, name != ".", name != ".." else { return nil }
        let parent = slash == trimmed.startIndex ? "/" : String(trimmed[..<slash])
        guard parent.count < trimmed.count, let realParent = realPathToBe(parent) else { return nil }
        return realParent == "/" ? "/" + name : realParent + "/" + name
    }

    /// Whether two paths name one file (the second may not exist yet).
    static func sameFile(_ first: String, _ second: String) -> Bool {
        var a = stat()
        var b = stat()
        guard stat(first, &a) == 0, stat(second, &b) == 0 else { return false }
        return a.st_dev == b.st_dev && a.st_ino == b.st_ino
    }
}
