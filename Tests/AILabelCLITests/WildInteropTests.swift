import AILabelTestSupport
import Foundation
import Testing

/// ailabel's C2PA verdict against the reference SDK's on real files made by others
/// (`../shared/wild`, never committed): `scripts/wild-interop` reads every file with both, with no
/// trust anchors and with the wild folder's anchors and EKU list. The agreement may not fall below
/// what was reached, and every remaining difference must be explained in Docs/interop.md.
@Suite("Real-world C2PA files: ailabel agrees with the reference SDK")
struct WildInteropTests {
    static let wild = Repository.root().appendingPathComponent("../shared/wild").standardized
    static var wildIsPresent: Bool { FileManager.default.fileExists(atPath: wild.appendingPathComponent("files").path) }

    /// The agreement reached (percent of files with a manifest whose state and failure codes are
    /// the SDK's), per trust mode. Raise it when a fix lands; never lower it to make a run pass.
    static let floor: [String: Double] = ["none": 100, "anchors": 100]

    struct Run: Decodable {
        struct Verdict: Decodable {
            var state: String
            var failure: [String]
        }
        struct Difference: Decodable {
            var file: String
            var sdk: Verdict
            var ailabel: Verdict
        }
        struct Mode: Decodable {
            var mode: String
            var files: Int
            var withManifest: Int
            var agree: Int
            var percent: Double
            var differences: [Difference]
        }
        var sdk: [String: String]
        var modes: [Mode]
    }

    @Test("Agreement with the reference SDK, and every difference explained in Docs/interop.md",
          .enabled(if: wildIsPresent, "skipped: ../shared/wild (real files by others) is absent beside the repository"))
    func agreement() throws {
        let result = try ProcessRunner.run(
            Repository.root().appendingPathComponent("scripts/wild-interop").path,
            ["--json", "--wild", Self.wild.path, "--ailabel", ProcessRunner.ailabelBinary])
        try #require(result.status == 0, "scripts/wild-interop failed: \(result.stderr)")
        let run = try JSONDecoder().decode(Run.self, from: result.stdoutData)
        let documented = try Self.documentedDifferences()
        for mode in run.modes {
            print("wild interop, trust anchors \(mode.mode): \(mode.agree)/\(mode.withManifest) files with a manifest agree (\(mode.percent)%)")
            #expect(mode.withManifest > 0)
            #expect(mode.percent >= Self.floor[mode.mode] ?? 100,
                    "agreement with trust anchors \(mode.mode) fell to \(mode.percent)% (floor \(Self.floor[mode.mode] ?? 100)%)")
            for difference in mode.differences {
                let listed = documented.contains { $0.file == difference.file && ($0.mode == mode.mode || $0.mode == "both") }
                #expect(listed, """
                    \(difference.file) (trust anchors \(mode.mode)) differs and is not explained in Docs/interop.md: \
                    SDK \(difference.sdk.state) \(difference.sdk.failure), ailabel \(difference.ailabel.state) \(difference.ailabel.failure)
                    """)
            }
        }
        // A row for a difference that is gone is stale: say so, so the table can be pruned.
        for row in documented {
            let stillDiffers = run.modes.contains { mode in
                (row.mode == mode.mode || row.mode == "both") && mode.differences.contains { $0.file == row.file }
            }
            if !stillDiffers { print("Docs/interop.md lists \(row.file) (\(row.mode)), which now agrees with the SDK") }
        }
    }

    /// The rows of the "Remaining differences" table: file (in backticks) and trust mode.
    static func documentedDifferences() throws -> [(file: String, mode: String)] {
        let text = try String(contentsOf: Repository.root().appendingPathComponent("Docs/interop.md"), encoding: .utf8)
        guard let section = text.range(of: "## Remaining differences") else { return [] }
        var rows: [(file: String, mode: String)] = []
        for line in text[section.upperBound...].split(separator: "\n") {
            if line.hasPrefix("## ") { break }
            let cells = line.split(separator: "|", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            guard cells.count > 3, cells[1].hasPrefix("`"), cells[1].hasSuffix("`") else { continue }
            rows.append((String(cells[1].dropFirst().dropLast()), cells[2]))
        }
        return rows
    }
}
