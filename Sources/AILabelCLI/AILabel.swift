import AILabelMedia
import ArgumentParser
import Foundation

@main
struct AILabel: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ailabel",
        abstract: "Mark AI-generated media with the disclosure AI laws demand, and audit whether media carry it.",
        discussion: """
            stamp writes the disclosure (IPTC, TC260 AIGC and ailabel XMP, a signed C2PA manifest, a visible \
            badge, an invisible watermark); verify audits files against a legal profile (kz, eu, cn); inspect \
            shows what a file carries.
            """,
        version: AILabelVersion.current,
        subcommands: [StampCommand.self, VerifyCommand.self, InspectCommand.self, KeysCommand.self, TrustCommand.self, ReportCommand.self, ServeCommand.self]
    )

    /// ArgumentParser's own `main`, except that bad usage a subcommand finds while running (a key file that
    /// cannot be read, an unknown profile, a bad configuration key) shows that subcommand's usage: the
    /// library knows only the root command once parsing is over, and would print `ailabel <subcommand>`.
    static func main() async {
        let command: any ParsableCommand
        do {
            // Arguments decoded losslessly (CommandLine.arguments replaces bytes that are not UTF-8).
            let arguments = (1..<Int(CommandLine.argc)).compactMap { CommandLine.unsafeArgv[$0].map { PathBytes.decode(cString: $0) } }
            command = try await asyncParseAsRoot(arguments)
        } catch {
            exit(withError: error)
        }
        do {
            var running = command
            if var asyncCommand = running as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try running.run()
            }
        } catch let error as ValidationError {
            StandardError.write(SubcommandUsage.message(for: error, in: type(of: command)))
            Foundation.exit(ExitCode.validationFailure.rawValue)
        } catch {
            exit(withError: error)
        }
    }
}

/// The message for bad usage found after parsing, with the usage of the subcommand that found it.
enum SubcommandUsage {
    static func message(for error: ValidationError, in command: any ParsableCommand.Type) -> String {
        let usage = AILabel.usageString(for: command)
        let name = ObjectIdentifier(command) == ObjectIdentifier(AILabel.self) ? "ailabel" : "ailabel \(path(to: command).joined(separator: " "))"
        return """
            Error: \(error.message)
            Usage: \(usage.replacingOccurrences(of: "\n", with: "\n       "))
              See '\(name) --help' for more information.
            """
    }

    /// The subcommand names from the root down to `command`.
    static func path(to command: any ParsableCommand.Type, from root: any ParsableCommand.Type = AILabel.self) -> [String] {
        for subcommand in root.configuration.subcommands {
            if ObjectIdentifier(subcommand) == ObjectIdentifier(command) { return [subcommand._commandName] }
            let below = path(to: command, from: subcommand)
            if !below.isEmpty { return [subcommand._commandName] + below }
        }
        return []
    }
}
