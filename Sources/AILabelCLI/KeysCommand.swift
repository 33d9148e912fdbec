import AILabelManifest
import ArgumentParser
import Foundation

/// `ailabel keys`: key material for C2PA signing.
struct KeysCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keys",
        abstract: "Make keys and certificates for signing C2PA manifests.",
        subcommands: [Init.self]
    )
}

extension KeysCommand {
    /// `ailabel keys init [DIR]`: a test PKI the C2PA reference SDK accepts.
    struct Init: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "init",
            abstract: "Create a test PKI: a root CA, an intermediate CA and an ES256 signer certificate.",
            discussion: """
                Writes DIR/signer.key (PKCS#8 private key, mode 0600), DIR/signer-chain.pem (the signer \
                certificate then the intermediate: what goes into the manifest) and DIR/trust-anchors.pem \
                (the root: what a verifier trusts). Existing files are never overwritten. \
                These are test credentials: a verifier trusts them only if it is given trust-anchors.pem.
                """
        )

        @Argument(help: "The directory to write the keys into (created if needed).", completion: .directory)
        var directory: String = "ailabel-keys"

        @Option(name: .long, help: "The common name put in the certificates' subjects.")
        var name: String = "ailabel test"

        @Option(name: .long, help: "How many days the signer certificate is valid.")
        var days: Int = 730

        func validate() throws {
            guard days > 0, days <= 36_500 else { throw ValidationError("--days must be between 1 and 36500") }
        }

        func run() throws {
            let pki: TestPKI
            let paths: [String]
            do {
                pki = try TestPKI.generate(commonName: name, signerValidityDays: days)
                paths = try pki.write(to: directory)
            } catch let error as ManifestError {
                FileHandle.standardError.write(Data("ailabel keys init: \(error.reason)\n".utf8))
                throw ExitCode(1)
            }
            // The hints run as printed (with IMAGE replaced): the program as it was invoked, the paths
            // as written, each quoted for the shell where it needs to be.
            let program = ShellWord.quote(CommandLine.arguments.first ?? "ailabel")
            let key = ShellWord.quote(paths[0]), chain = ShellWord.quote(paths[1]), anchors = ShellWord.quote(paths[2])
            print("""
                Wrote a test PKI:
                  \(paths[0])  private key (keep it secret; mode 0600)
                  \(paths[1])  signer certificate + intermediate (goes into each manifest)
                  \(paths[2])  root certificate (give it to whoever verifies)

                Sign while stamping (IMAGE is a file or folder; the stamped copies go to labelled/):
                  \(program) stamp IMAGE --out labelled/ --sign-key \(key) --sign-chain \(chain)
                or set AILABEL_SIGN_KEY / AILABEL_SIGN_CHAIN, or the config file's [signer] table
                (key = "…", chain = "…").

                Verify as trusted:
                  \(program) verify labelled/ --trust \(anchors)
                or set AILABEL_TRUST, or the config file's [trust] table. Other C2PA tools (c2patool,
                c2pa-python) accept trust-anchors.pem as their trust anchors.
                """)
        }
    }
}
