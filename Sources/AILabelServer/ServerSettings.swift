import AILabelEngine
import AILabelKit

/// How `ailabel serve` listens and what it allows: options first, then the configuration's `[serve]`
/// table (the same names), then the defaults here.
public struct ServerSettings: Sendable, Hashable {
    public var host = "127.0.0.1"
    /// 0 picks a free port.
    public var port = 8080
    /// Bearer tokens, one a line (read at start and on SIGHUP). Without one, stamping is refused to all.
    public var tokenFile: String?
    /// The largest request body; a larger one is answered 413 as soon as it is known.
    public var maxBodyBytes = 64 << 20
    /// Requests handled at once; one more is answered 503 with Retry-After.
    public var maxConcurrency = 64
    /// The time a request may take from its first header byte to its response.
    public var requestTimeout: Duration = .seconds(60)
    /// The time a client may take to send a request's headers (slow-loris).
    public var headerTimeout: Duration = .seconds(10)
    /// Let callers without a token verify and inspect.
    public var anonymousRead = false
    public var tlsCertificate: String?
    public var tlsKey: String?
    /// Where uploads are spooled while they are handled (never left behind).
    public var spoolDirectory: String?

    public init() {}

    /// Settings from options (nil: not given) over the configuration's `[serve]` table.
    public static func resolve(
        listen: String?, tokenFile: String?, maxBodyMB: Int?, maxConcurrency: Int?, requestTimeout: Double?, anonymousRead: Bool?,
        tlsCertificate: String?, tlsKey: String?, configuration: Configuration
    ) throws(AILabelError) -> ServerSettings {
        let section = configuration.serve
        var settings = ServerSettings()
        if let listen = listen ?? section?.listen {
            guard let (host, port) = parseListen(listen) else {
                throw AILabelError(.badOption, "--listen takes HOST:PORT (port 0 picks a free port), got '\(listen)'")
            }
            settings.host = host
            settings.port = port
        }
        settings.tokenFile = tokenFile ?? section?.tokenFile
        if let megabytes = maxBodyMB ?? section?.maxBodyMB {
            guard (1...1 << 20).contains(megabytes) else { throw AILabelError(.badOption, "--max-body-mb must be at least 1") }
            settings.maxBodyBytes = megabytes << 20
        }
        if let concurrency = maxConcurrency ?? section?.maxConcurrency {
            guard concurrency >= 1 else { throw AILabelError(.badOption, "--max-concurrency must be at least 1") }
            settings.maxConcurrency = concurrency
        }
        if let seconds = requestTimeout ?? section?.requestTimeout {
            guard seconds > 0, seconds <= 86_400 else { throw AILabelError(.badOption, "--request-timeout takes seconds, more than 0") }
            settings.requestTimeout = .milliseconds(Int64(seconds * 1000))
            // Headers never get longer than the whole request.
            settings.headerTimeout = min(settings.headerTimeout, settings.requestTimeout)
        }
        settings.anonymousRead = anonymousRead ?? section?.anonymousRead ?? false
        settings.tlsCertificate = tlsCertificate ?? section?.tlsCert
        settings.tlsKey = tlsKey ?? section?.tlsKey
        if (settings.tlsCertificate == nil) != (settings.tlsKey == nil) {
            throw AILabelError(.badOption, "TLS needs both --tls-cert and --tls-key")
        }
        return settings
    }

    /// `HOST:PORT`, `[v6]:PORT`.
    static func parseListen(_ text: String) -> (String, Int)? {
        guard let colon = text.lastIndex(of: ":") else { return nil }
        var host = String(text[..<colon])
        guard let port = Int(text[text.index(after: colon)...]), (0...65535).contains(port) else { return nil }
        if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        guard !host.isEmpty, !host.contains(where: { $0 == " " || $0 == "/" }) else { return nil }
        return (host, port)
    }
}
