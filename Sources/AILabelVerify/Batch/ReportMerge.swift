import AILabelMedia
import Foundation

/// `ailabel report merge`: one report from the JSON Lines records of many runs (the shards of a run split
/// with `--shard`, a run resumed with `--resume`), the same a single run over the same files writes.
///
/// Records are keyed by path; where several name one path (a file judged again after it changed, in a
/// later resumed run) the last one read wins. Files and skipped files are each sorted by path, as a
/// single run over a folder lists them, and the content hashes of resumable runs are dropped. A line
/// that does not parse (a torn last line of a killed run) is counted and left out.
public struct ReportMerge {
    public private(set) var files: [String: FileReport] = [:]
    public private(set) var skipped: [String: SkippedFile] = [:]
    /// Lines that were not records, per input.
    public private(set) var ignoredLines: [String: Int] = [:]

    public init() {}

    /// Reads one results file.
    public mutating func add(path: String) throws {
        let source = try FileByteSource(path: path)
        var line: [UInt8] = []
        var failed = false
        try source.forEachChunk(in: 0..<source.count) { chunk in
            for byte in chunk {
                if byte == UInt8(ascii: "\n") {
                    add(line: line, from: path)
                    line.removeAll(keepingCapacity: true)
                    failed = false
                } else if !failed {
                    line.append(byte)
                    if line.count > ResumeLog.maximumLine {
                        failed = true
                        line.removeAll()
                        ignoredLines[path, default: 0] += 1
                    }
                }
            }
        }
        if !line.isEmpty { add(line: line, from: path) }
    }

    private struct Probe: Decodable {
        var skipped: Bool?
    }

    mutating func add(line: [UInt8], from path: String) {
        guard !line.isEmpty, !line.allSatisfy({ $0 == 0x20 || $0 == 0x0D || $0 == 0 }) else { return }
        let data = Data(line)
        let decoder = JSONDecoder()
        do {
            if try decoder.decode(Probe.self, from: data).skipped == true {
                let file = try decoder.decode(SkippedFile.self, from: data)
                skipped[file.path] = file
                files.removeValue(forKey: file.path)
            } else {
                var report = try decoder.decode(FileReport.self, from: data)
                report.sha256 = nil
                files[report.path] = report
                skipped.removeValue(forKey: report.path)
            }
        } catch {
            ignoredLines[path, default: 0] += 1
        }
    }

    /// The merged run, as a single run's reports present it.
    public func run(version: String, profile: Profile, scan: ScanMode, failOn: Set<Verdict>) -> VerificationRun {
        VerificationRun(
            version: version, profile: profile, scan: scan, files: files.values.sorted { $0.path < $1.path },
            skipped: skipped.values.sorted { $0.path < $1.path }, failOn: failOn)
    }
}
