import AILabelTestSupport
import Foundation
import Testing

/// The man pages (`scripts/man`, run by `scripts/test` after the build) and the shell completion scripts
/// the README tells users to install.
@Suite("Man pages and shell completion")
struct ManualAndCompletionTests {
    /// The long options `ailabel SUBCOMMAND --help` lists.
    static func helpOptions(_ subcommand: [String]) throws -> Set<String> {
        let help = try ProcessRunner.ailabel(subcommand + ["--help"]).stdout
        let pattern = try NSRegularExpression(pattern: "--[a-z][a-z0-9-]+")
        return Set(pattern.matches(in: help, range: NSRange(help.startIndex..., in: help)).map { String(help[Range($0.range, in: help)!]) })
    }

    /// Where scripts/man installs the pages when run as root (as scripts/test does in CI).
    static let installedManual = "/usr/local/share/man"

    @Test(
        "The installed man pages are generated from the help of this binary: every option of every subcommand is in its page",
        .enabled(if: FileManager.default.fileExists(atPath: installedManual + "/man1/ailabel.stamp.1"), "run `bash scripts/man` (scripts/test does) to install the pages"))
    func manPagesCoverTheHelp() throws {
        for (subcommand, page) in [(["stamp"], "ailabel.stamp"), (["verify"], "ailabel.verify"), (["inspect"], "ailabel.inspect"), (["keys", "init"], "ailabel.keys.init")] {
            let rendered = try ProcessRunner.run("man", ["-P", "cat", page], environment: ["MANPATH": Self.installedManual, "MANWIDTH": "200"])
            #expect(rendered.status == 0, "man \(page): \(rendered.stderr)")
            for option in try Self.helpOptions(subcommand) where option != "--help" {
                #expect(rendered.stdout.contains(option), "man \(page) documents \(option) (a stale page? run bash scripts/man)")
            }
        }
        let top = try ProcessRunner.run("man", ["-P", "cat", "ailabel"], environment: ["MANPATH": Self.installedManual, "MANWIDTH": "200"])
        #expect(top.stdout.contains("ailabel.stamp(1)") && top.stdout.contains("ailabel.verify(1)"), "the top page points to the subcommands")
    }

    @Test("The README documents installing the man pages and the completion scripts")
    func readmeDocumentsThem() throws {
        let readme = try String(contentsOf: Repository.root().appendingPathComponent("README.md"), encoding: .utf8)
        #expect(readme.contains("bash scripts/man") && readme.contains("man ailabel.stamp"))
        for shell in ["bash", "zsh", "fish"] { #expect(readme.contains("--generate-completion-script \(shell)"), "\(shell)") }
        let test = try String(contentsOf: Repository.root().appendingPathComponent("scripts/test"), encoding: .utf8)
        #expect(test.contains("bash scripts/man"), "scripts/test installs the pages with each build")
    }

    @Test("The bash completion script completes subcommands, option values and options, as the README installs it")
    func bashCompletion() throws {
        let folder = try Repository.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let script = folder.appendingPathComponent("ailabel")
        let generated = try ProcessRunner.ailabel(["--generate-completion-script", "bash"])
        #expect(generated.status == 0)
        try generated.stdoutData.write(to: script)
        func complete(_ words: [String]) throws -> [String] {
            let line = words.joined(separator: " ")
            let quoted = words.map { "'\($0)'" }.joined(separator: " ")
            let program = """
                source '\(script.path)'
                COMP_WORDS=(\(quoted)); COMP_CWORD=\(words.count - 1); COMP_LINE='\(line)'; COMP_POINT=${#COMP_LINE}
                _ailabel ailabel '\(words.last!)' '\(words[words.count - 2])'
                printf '%s\\n' "${COMPREPLY[@]}"
                """
            let result = try ProcessRunner.run("bash", ["-c", program])
            #expect(result.status == 0, "\(result.stderr)")
            return result.stdout.split(separator: "\n").map(String.init)
        }
        #expect(try complete(["ailabel", "st"]) == ["stamp"])
        #expect(Set(try complete(["ailabel", "verify", "--format", ""])) == ["text", "json", "jsonl", "sarif", "junit", "html"])
        #expect(try complete(["ailabel", "stamp", "--badge-c"]) == ["--badge-corner"])
        for shell in ["zsh", "fish"] {
            let other = try ProcessRunner.ailabel(["--generate-completion-script", shell])
            #expect(other.status == 0 && other.stdout.contains("stamp") && other.stdout.contains("badge-corner"), "\(shell)")
        }
    }
}
