import ArgumentParser

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
        subcommands: [StampCommand.self, VerifyCommand.self, InspectCommand.self, KeysCommand.self, TrustCommand.self]
    )
}
