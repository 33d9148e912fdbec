import AILabelEngine
import ArgumentParser

/// The C2PA signer's options, the same for `stamp` and `serve`: one declaration, so that their names,
/// help and precedence cannot drift apart.
struct SignerOptions: ParsableArguments {
    @Option(name: .customLong("sign-key"), help: "PEM private key of the C2PA signer (or AILABEL_SIGN_KEY, or [signer] key).")
    var signKey: String?

    @Option(name: .customLong("sign-chain"), help: "PEM certificate chain of the signer, leaf first (or AILABEL_SIGN_CHAIN, or [signer] chain).")
    var signChain: String?

    @Option(name: .customLong("tsa-url"), help: "RFC 3161 time-stamp authority (http or https) for every signature, so it outlives the certificate (or [signer] tsa_url).")
    var tsaURL: String?

    @Flag(name: .customLong("ocsp-staple"), help: "Embed the signing certificate's OCSP response (from the responder its certificate names) as c2pa.certificate-status (or [signer] ocsp_staple = true).")
    var ocspStaple = false

    @Option(name: .customLong("signer-cmd"), help: "Sign with an external program (HSM, KMS): it gets the bytes to sign on stdin and writes the signature on stdout (c2patool's --signer-path protocol). Use with --sign-chain.")
    var signerCommand: String?

    @Option(name: .customLong("sign-alg"), help: "The algorithm --signer-cmd signs with: es256, es384, es512, ps256, ps384, ps512, ed25519 (default: implied by the certificate's key).")
    var signAlgorithm: String?

    /// The options as the engine's signer settings (resolved there against environment and configuration).
    var settings: SignerSettings {
        SignerSettings(key: signKey, chain: signChain, tsaURL: tsaURL, ocspStaple: ocspStaple, command: signerCommand, algorithm: signAlgorithm)
    }
}
