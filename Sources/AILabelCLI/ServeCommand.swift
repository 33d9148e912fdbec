import AILabelEngine
import AILabelKit
import AILabelServer
import ArgumentParser
import Foundation

struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve stamp, verify and inspect over HTTP (the API of openapi.json, at /openapi.json).",
        discussion: """
            Prints `listening on http://HOST:PORT` when ready; stops on SIGTERM or SIGINT after finishing the \
            requests in flight; reads the token file again on SIGHUP. POST /v1/stamp needs a bearer token from \
            --token-file; verify and inspect need one unless --anonymous-read. Keys and trust come from these \
            options, the environment and --config only, never from a request. Logs are JSON lines on standard error.

            Examples:
              ailabel serve --listen 127.0.0.1:8080 --token-file tokens.txt --sign-key keys/signer.key --sign-chain keys/chain.pem
              ailabel serve --config ailabel.toml            ([serve] listen, token_file, max_body_mb, max_concurrency, request_timeout)
              curl -H 'Authorization: Bearer TOKEN' --data-binary @photo.jpg -H 'Content-Type: image/jpeg' \\
                   'http://127.0.0.1:8080/v1/stamp?profile=eu' -o photo-labelled.jpg
            """
    )

    @Option(name: .long, help: "HOST:PORT to listen on (port 0 picks a free port; default 127.0.0.1:8080, or [serve] listen).")
    var listen: String?

    @Option(name: .customLong("token-file"), help: "Bearer tokens, one a line (kept as hashes; read again on SIGHUP; or [serve] token_file).")
    var tokenFile: String?

    @Option(name: .customLong("max-body-mb"), help: "The largest request body in MB (413 above it; default 64, or [serve] max_body_mb).")
    var maxBodyMB: Int?

    @Option(name: .customLong("max-concurrency"), help: "Requests handled at once (503 with Retry-After above it; default 64, or [serve] max_concurrency).")
    var maxConcurrency: Int?

    @Option(name: .customLong("request-timeout"), help: "Seconds a request may take, upload included (default 60, or [serve] request_timeout).")
    var requestTimeout: Double?

    @Flag(name: .customLong("anonymous-read"), help: "Let callers without a token verify and inspect (or [serve] anonymous_read = true).")
    var anonymousRead = false

    @Option(name: .customLong("tls-cert"), help: "PEM certificate chain for HTTPS (with --tls-key; or [serve] tls_cert).")
    var tlsCert: String?

    @Option(name: .customLong("tls-key"), help: "PEM private key for HTTPS (or [serve] tls_key).")
    var tlsKey: String?

    @Option(name: .long, help: "Worker threads for stamping and verifying (default: the number of cores).")
    var jobs: Int?

    @Option(name: .long, help: "A TOML configuration file ([serve], [label], [texts], [signer], [trust], [watermark]).")
    var config: String?

    @OptionGroup var signerOptions: SignerOptions

    @Option(name: .long, parsing: .singleValue, help: "A PEM bundle of C2PA trust anchors for verify (repeatable; or AILABEL_TRUST, or [trust] anchors).")
    var trust: [String] = []

    @Option(name: .customLong("trust-config"), help: "ExtendedKeyUsage OIDs a signer may have besides the defaults (or [trust] trust_config).")
    var trustConfig: String?

    @Option(name: .customLong("allowed-list"), parsing: .singleValue, help: "A PEM bundle of end-entity certificates trusted as they are (repeatable; or [trust] allowed).")
    var allowedList: [String] = []

    @Flag(name: .customLong("no-default-trust"), help: "Do not trust the C2PA trust lists installed by `ailabel trust update`.")
    var noDefaultTrust = false

    func validate() throws {
        if let jobs, jobs < 1 { throw ValidationError("--jobs must be at least 1") }
    }

    func run() async throws {
        Self.raiseOpenFileLimit()
        let workers = jobs ?? ProcessInfo.processInfo.activeProcessorCount
        // This process only serves: its handlers run on the event loops that read their requests.
        EventLoopExecutor.install(loops: EventLoopExecutor.loops(forWorkers: workers))
        let configuration = try ConfigurationLoader.load(config)
        let settings = try EngineBridge.resolve { () throws(AILabelError) in
            try ServerSettings.resolve(
                listen: listen, tokenFile: tokenFile, maxBodyMB: maxBodyMB, maxConcurrency: maxConcurrency, requestTimeout: requestTimeout,
                anonymousRead: anonymousRead ? true : nil, tlsCertificate: tlsCert, tlsKey: tlsKey, configuration: configuration)
        }
        var notices: [Notice] = []
        let signerSettings = signerOptions.settings
        let signer = try EngineBridge.resolve { () throws(AILabelError) in try signerSettings.resolve(configuration: configuration, notices: &notices) }
        let trustSettings = TrustSettings(anchors: trust, extendedKeyUsages: trustConfig, allowedLists: allowedList, defaultLists: !noDefaultTrust)
        let trustConfiguration = try EngineBridge.resolve { () throws(AILabelError) in try trustSettings.resolve(configuration: configuration, notices: &notices) }
        let logger = LabelServer.makeLogger()
        // Said in the log's own form: every line on standard error is a JSON object.
        LabelServer.log(notices, to: logger)
        let server = try EngineBridge.resolve { () throws(AILabelError) in
            try LabelServer(
                settings: settings, configuration: configuration, signer: signer, trust: trustConfiguration,
                engine: LabelEngine(threads: workers), logger: logger)
        }
        let scheme = settings.tlsCertificate == nil ? "http" : "https"
        do {
            try await server.run { host, port in
                let shown = host.contains(":") ? "[\(host)]" : host
                // One write, unbuffered: a supervisor waiting for this line sees it at once.
                FileHandle.standardOutput.write(Data("listening on \(scheme)://\(shown):\(port)\n".utf8))
            }
        } catch let error as AILabelError {
            throw EngineBridge.commandLineError(error)
        } catch {
            StandardError.write("ailabel: the server stopped: \(error)")
            throw ExitCode(1)
        }
    }

    /// A server holds a descriptor per connection, and the soft limit is often 1,024: raised to the hard
    /// limit (as nginx's `worker_rlimit_nofile` and Go's runtime do), a burst of thousands of clients is
    /// answered or refused by the server's own limits rather than by a failing accept. Nothing changes
    /// when the hard limit is already in force or cannot be read.
    static func raiseOpenFileLimit() {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0, limit.rlim_cur < limit.rlim_max else { return }
        limit.rlim_cur = limit.rlim_max
        _ = setrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
    }
}
