@_spi(Tools) import AILabelEngine
import AILabelKit
import AILabelManifest
import AILabelMedia
import AILabelVerify
import AILabelVocabulary
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdCore
import HummingbirdTLS
import Logging
import NIOCore
import NIOPosix
import NIOSSL
import ServiceLifecycle
import Synchronization
import UnixSignals

/// `ailabel serve`: the HTTP API of `openapi.json` over a ``LabelEngine``.
///
/// Stateless: every request carries its file and options, keys and trust come from the server's own
/// configuration, and uploads live in temporary files removed with their request, so any number of
/// copies can run behind a load balancer.
public struct LabelServer: Sendable {
    public let settings: ServerSettings
    let engine: LabelEngine
    /// The server's configuration file (label defaults, texts, watermark key); never its signer section
    /// per request: the signer is loaded once.
    let configuration: Configuration
    let signer: (any ProvenanceSigner)?
    let trust: TrustConfiguration
    let profiles: [String: Profile]
    let tokens: TokenStore
    let metrics: ServerMetrics
    let logger: Logger
    let limiter: ConcurrencyLimiter
    let draining = DrainState()
    let deadlines = RequestDeadlines()

    /// A server for `settings`, with the signer and trust already loaded (``StampConfiguration`` and
    /// ``VerifyConfiguration`` resolve them from the options, the environment and the configuration).
    public init(
        settings: ServerSettings, configuration: Configuration, signer: (any ProvenanceSigner)?, trust: TrustConfiguration,
        engine: LabelEngine = LabelEngine(), logger: Logger
    ) throws(AILabelError) {
        self.settings = settings
        self.configuration = configuration
        self.signer = signer
        self.trust = trust
        self.engine = engine
        self.logger = logger
        self.tokens = try TokenStore(path: settings.tokenFile)
        self.metrics = ServerMetrics()
        self.limiter = ConcurrencyLimiter(limit: settings.maxConcurrency)
        var profiles: [String: Profile] = [:]
        for name in Profile.shipped {
            do {
                profiles[name] = try Profile.load(name)
            } catch {
                throw AILabelError(.internal, "the shipped profile \(name) cannot be loaded: \(error)")
            }
        }
        self.profiles = profiles
    }

    /// The OpenAPI document the routes implement.
    public static let openAPIDocument: [UInt8] = {
        guard let url = Bundle.module.url(forResource: "Resources/openapi", withExtension: "json"),
            let data = try? Data(contentsOf: url)
        else { return Array("{}".utf8) }
        return Array(data)
    }()

    /// The routes, as `METHOD /path` (the test checks them against the OpenAPI document).
    /// The media types a `POST /v1` route takes: every type ailabel knows a file by, raw bytes, and a form.
    @_spi(Testing) public static var acceptedMediaTypes: Set<String> {
        SidecarFormat.mediaTypes.union(["application/octet-stream", "multipart/form-data"])
    }

    @_spi(Testing) public static let routes = ["POST /v1/stamp", "POST /v1/verify", "POST /v1/inspect", "GET /healthz", "GET /readyz", "GET /metrics", "GET /openapi.json"]

    /// Runs until SIGTERM or SIGINT, then stops accepting connections and finishes the requests in
    /// flight. `onListening` gets the bound host and port once the server accepts connections.
    public func run(onListening: @escaping @Sendable (String, Int) -> Void) async throws {
        let router = Router()
        let server = self
        router.get("healthz") { _, _ in Self.json(["status": "ok"]) }
        router.get("readyz") { _, _ in
            server.draining.isDraining ? Self.json(["status": "draining"], status: .serviceUnavailable) : Self.json(["status": "ready"])
        }
        router.get("metrics") { _, _ in
            Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4"], body: ResponseBody(byteBuffer: ByteBuffer(bytes: server.metrics.render())))
        }
        router.get("openapi.json") { _, _ in
            Response(status: .ok, headers: [.contentType: "application/json"], body: ResponseBody(byteBuffer: ByteBuffer(bytes: Self.openAPIDocument)))
        }
        router.post("v1/stamp") { request, _ in await server.handle(request, route: "stamp", needsToken: true, server.stamp) }
        router.post("v1/verify") { request, _ in await server.handle(request, route: "verify", needsToken: !server.settings.anonymousRead, server.verify) }
        router.post("v1/inspect") { request, _ in await server.handle(request, route: "inspect", needsToken: !server.settings.anonymousRead, server.inspect) }

        // Any other method on these paths (TRACE, QUERY, …): 405 with the method allowed, not 404.
        router.add(middleware: MethodGuard(routes: Self.routes))
        let guardTimes = (header: TimeAmount.nanoseconds(Self.nanoseconds(settings.headerTimeout)),
                          request: TimeAmount.nanoseconds(Self.nanoseconds(settings.requestTimeout) + 5_000_000_000))
        var builder: HTTPServerBuilder = .http1(configuration: .init(
            additionalChannelHandlers: [ConnectionGuard(headerTimeout: guardTimes.header, requestTimeout: guardTimes.request)],
            idleTimeout: TimeAmount.seconds(75)))
        if let certificate = settings.tlsCertificate, let key = settings.tlsKey {
            builder = try Self.tls(builder, certificate: certificate, key: key)
        }
        let host = settings.host
        let logger = self.logger
        // The shared group when it runs Swift's executor (EventLoopExecutor: a loop per worker, which
        // verifies short requests itself), else one loop of our own that only moves bytes, parses HTTP
        // and runs handlers while the engine's workers (--jobs) do the work: there, a loop per core,
        // NIO's default, would put more threads than cores on the CPU and cost wake-ups and preemptions
        // for nothing (Benchmarks/serve/RESULTS.md).
        let sharedLoops = EventLoopExecutor.isInstalled
        let eventLoops = sharedLoops ? MultiThreadedEventLoopGroup.singleton : MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let app = Application(
            router: router, server: builder,
            // A burst of connections waits in the kernel's queue rather than having its SYNs dropped and
            // retried for seconds (Linux caps the figure at net.core.somaxconn; NIO's default is 256).
            configuration: .init(address: .hostname(host, port: settings.port), serverName: "ailabel", backlog: 4096),
            onServerRunning: { channel in
                let port = channel.localAddress?.port ?? 0
                logger.info("listening", metadata: ["host": .string(host), "port": .stringConvertible(port)])
                onListening(host, port)
            },
            eventLoopGroupProvider: .shared(eventLoops),
            logger: logger)
        // Signals are watched here rather than by the service group, so that /readyz turns 503 the moment
        // SIGTERM arrives (a group shuts its services down in reverse order, the server first, and would
        // tell a service of ours only once the requests in flight were done).
        let group = ServiceGroup(configuration: .init(services: [app], logger: logger))
        let tokens = self.tokens
        let draining = self.draining
        let deadlines = self.deadlines
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            tasks.addTask { await deadlines.watch() }
            tasks.addTask {
                for await signal in await UnixSignalsSequence(trapping: .sigterm, .sigint, .sighup) {
                    if signal == .sighup {
                        do throws(AILabelError) {
                            try tokens.reload()
                            logger.info("token file reloaded", metadata: ["tokens": .stringConvertible(tokens.count)])
                        } catch {
                            logger.error("token file not reloaded; the tokens read before stay in force", metadata: ["reason": .string(error.reason)])
                        }
                    } else if !draining.isDraining {
                        draining.start()
                        logger.info("draining: finishing the requests in flight", metadata: ["signal": .string("\(signal)")])
                        await group.triggerGracefulShutdown()
                    }
                }
            }
            // The server's group ends after a graceful shutdown (or on an error); the watcher goes with it.
            try await tasks.next()
            tasks.cancelAll()
        }
        engine.pool.shutdown()
        // The shared group lives as long as the process (NIO refuses to shut it down).
        if !sharedLoops { try? await eventLoops.shutdownGracefully() }
    }

    /// HTTPS over `builder`, from a PEM chain and its private key; each way it can fail is said apart
    /// (the files are named, never their content: an error from the TLS library could quote key bytes).
    static func tls(_ builder: HTTPServerBuilder, certificate: String, key: String) throws(AILabelError) -> HTTPServerBuilder {
        let chain: [NIOSSLCertificate]
        do {
            chain = try NIOSSLCertificate.fromPEMFile(certificate)
        } catch {
            throw AILabelError(.badOption, "--tls-cert \(certificate) cannot be read as a PEM certificate chain")
        }
        guard !chain.isEmpty else { throw AILabelError(.badOption, "--tls-cert \(certificate) holds no PEM certificate") }
        let privateKey: NIOSSLPrivateKey
        do {
            privateKey = try NIOSSLPrivateKey(file: key, format: .pem)
        } catch {
            throw AILabelError(.badOption, "--tls-key \(key) cannot be read as an unencrypted PEM private key")
        }
        let configuration = TLSConfiguration.makeServerConfiguration(
            certificateChain: chain.map { .certificate($0) }, privateKey: .privateKey(privateKey))
        do {
            // Hummingbird makes its context only when the server starts; made here, a key that is not the
            // certificate's is refused before anything listens, with a sentence of ours.
            _ = try NIOSSLContext(configuration: configuration)
            return try .tls(builder, tlsConfiguration: configuration)
        } catch {
            throw AILabelError(.badOption, "TLS cannot be set up: the key in --tls-key \(key) is not the private key of the first certificate in --tls-cert \(certificate)")
        }
    }

    // MARK: Requests

    typealias Work = @Sendable (_ upload: Upload, _ options: RequestOptions) async throws(APIFailure) -> Response

    /// What every `/v1` route does around its work: the token, the concurrency slot, the options, the
    /// media type, the body limit and the time limit; metrics and a log line for each request.
    func handle(_ request: Request, route: String, needsToken: Bool, _ work: @escaping Work) async -> Response {
        let started = ContinuousClock.now
        metrics.inFlight(1)
        var bytesIn = 0
        var response: Response
        do {
            try authorize(request, needsToken: needsToken)
            guard limiter.acquire() else {
                throw APIFailure(.serviceUnavailable, AILabelError.Code.busy.rawValue, "every slot is taken (--max-concurrency \(settings.maxConcurrency))", retryAfter: 1, closeConnection: true)
            }
            defer { limiter.release() }
            let allowed = route == "stamp" ? RequestOptions.stampOptions : route == "verify" ? RequestOptions.verifyOptions : RequestOptions.inspectOptions
            let options = try RequestOptions(request.uri, allowed: allowed)
            let timeout = settings.requestTimeout
            let spoolFolder = settings.spoolDirectory ?? NSTemporaryDirectory()
            let maxBody = settings.maxBodyBytes
            response = try await deadlines.run(limit: timeout) { () async throws(APIFailure) -> Response in
                let upload = try await Upload.receive(request, maxBytes: maxBody, folder: spoolFolder, filename: options.string("filename"))
                return try await work(upload, options)
            }
            bytesIn = Int(request.headers[.contentLength] ?? "") ?? 0
        } catch let failure as APIFailure {
            metrics.error(code: failure.code)
            response = failure.response
        } catch {
            metrics.error(code: "internal")
            response = APIFailure(.internalServerError, "internal", "the request failed").response
        }
        let duration = ContinuousClock.now - started
        metrics.inFlight(-1)
        metrics.request(route: route, status: Int(response.status.code), duration: duration, bytesIn: bytesIn, bytesOut: response.body.contentLength ?? 0)
        logger.info("request", metadata: [
            "route": .string(route), "status": .stringConvertible(response.status.code),
            "ms": .stringConvertible(Int(duration.components.seconds * 1000 + duration.components.attoseconds / 1_000_000_000_000_000)),
        ])
        return response
    }

    func authorize(_ request: Request, needsToken: Bool) throws(APIFailure) {
        guard needsToken else { return }
        // The scheme is matched without case (RFC 9110 §11.1); spaces and tabs around the token are dropped.
        guard let header = request.headers[.authorization], header.utf8.count <= 4096,
            header.utf8.count > 7, header.utf8.prefix(7).map({ $0 | 0x20 }).elementsEqual("bearer ".utf8)
        else {
            throw APIFailure(.unauthorized, "auth.missing-token", "this route needs a bearer token (Authorization: Bearer TOKEN)", closeConnection: true)
        }
        let token = header.utf8.dropFirst(7).drop { $0 == 0x20 || $0 == 0x09 }.reversed().drop { $0 == 0x20 || $0 == 0x09 }.reversed()
        guard tokens.accepts(Substring(decoding: Array(token), as: UTF8.self)) else {
            throw APIFailure(.unauthorized, "auth.unknown-token", "the bearer token is not one the server accepts", closeConnection: true)
        }
    }

    func stamp(_ upload: Upload, _ options: RequestOptions) async throws(APIFailure) -> Response {
        // The label and marks from the request over the configuration's [label]; the signer is the server's.
        var configuration = self.configuration
        configuration.signer = nil
        var stampConfiguration: StampConfiguration
        do {
            stampConfiguration = try StampConfiguration.resolve(try options.stampSettings(), configuration: configuration, environment: [:])
        } catch let error as AILabelError {
            throw APIFailure(error)
        } catch let error as APIFailure {
            throw error
        } catch {
            throw APIFailure(.internalServerError, "internal", "\(error)")
        }
        stampConfiguration.signer = signer
        let outcome: StampOutcome
        do {
            outcome = try await engine.stamp(upload.input, with: stampConfiguration)
        } catch {
            throw APIFailure(error)
        }
        var headers: HTTPFields = [:]
        headers[HTTPField.Name("AILabel-Status")!] = outcome.result.status.rawValue
        headers[HTTPField.Name("AILabel-Layers")!] = outcome.result.layers.joined(separator: ",")
        if let id = outcome.result.contentID { headers[HTTPField.Name("AILabel-Content-ID")!] = Self.headerValue(id) }
        if let id = outcome.result.labelID { headers[HTTPField.Name("AILabel-Label-ID")!] = Self.headerValue(id) }
        switch outcome.output {
        case .sidecars(let xmp, let c2pa):
            if options.string("sidecar") == "c2pa" {
                guard let c2pa else {
                    throw APIFailure(.unprocessableContent, AILabelError.Code.signerMissing.rawValue, "no signer is configured, so there is no C2PA sidecar")
                }
                headers[.contentType] = "application/c2pa"
                return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: c2pa)))
            }
            headers[.contentType] = "application/rdf+xml"
            return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: xmp)))
        case .file, .unchanged:
            // The new file goes to a spool file on a worker (the plan streams its source), then back to
            // the client in chunks.
            let spool: SpoolFile
            do {
                spool = try SpoolFile(in: upload.folder)
            } catch {
                throw APIFailure(error)
            }
            do {
                try await engine.pool.run { try Self.write(outcome, to: spool) }
            } catch {
                throw APIFailure(error)
            }
            headers[.contentType] = upload.mediaType ?? "application/octet-stream"
            return Response(status: .ok, headers: headers, body: Self.streaming(spool))
        case .none:
            throw APIFailure(.internalServerError, "internal", "nothing was stamped")
        }
    }

    func verify(_ upload: Upload, _ options: RequestOptions) async throws(APIFailure) -> Response {
        let name = (options.string("profile") ?? "kz").lowercased()
        guard let profile = profiles[name] else {
            throw APIFailure(.unprocessableContent, AILabelError.Code.badOption.rawValue, "unknown profile '\(name.prefix(64))'; use kz, eu, cn")
        }
        let verifyOptions = VerifyOptions(profile: profile, trust: trust, requireTrusted: try options.bool("require_trusted") ?? false, scan: try options.scan())
        let verifier = Verifier(
            options: verifyOptions, extraCollectors: VerifyConfiguration.pixelCollectors(watermarkKey: configuration.watermark?.key.map { Array($0.utf8) }))
        let report: FileReport
        do {
            report = try await engine.verify(upload.input, with: VerifyConfiguration(verifier: verifier), placement: verifyPlacement)
        } catch {
            throw APIFailure(error)
        }
        metrics.verdict(report.verdict.rawValue)
        if report.verdict == .unreadable { throw APIFailure.unreadable(report) }
        return try Self.jsonResponse(report)
    }

    /// Where a verification runs: on the event loop that read the request when the loops run Swift's
    /// executor and the verification is short (a body held in memory, nothing to decode); else on the
    /// engine's workers, where long work belongs.
    var verifyPlacement: WorkPlacement {
        EventLoopExecutor.isInstalled ? .callerWhenShort(maxBytes: UploadMemory.perRequest) : .workers
    }

    func inspect(_ upload: Upload, _ options: RequestOptions) async throws(APIFailure) -> Response {
        do {
            return try Self.jsonResponse(try await engine.inspect(upload.input))
        } catch let error as AILabelError {
            throw APIFailure(error)
        } catch let error as APIFailure {
            throw error
        } catch {
            throw APIFailure(.internalServerError, "internal", "\(error)")
        }
    }

    // MARK: Bodies

    static func nanoseconds(_ duration: Duration) -> Int64 {
        duration.components.seconds * 1_000_000_000 + duration.components.attoseconds / 1_000_000_000
    }

    static func json(_ object: [String: String], status: HTTPResponse.Status = .ok) -> Response {
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data()
        return Response(status: status, headers: [.contentType: "application/json"], body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
    }

    static func jsonResponse<Value: Encodable>(_ value: Value) throws(APIFailure) -> Response {
        let text: String
        do {
            text = try ReportRenderer.json(value, pretty: false)
        } catch {
            throw APIFailure(.internalServerError, "internal", "the report does not encode")
        }
        return Response(status: .ok, headers: [.contentType: "application/json"], body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
    }

    /// A header value with nothing a header may not hold.
    static func headerValue(_ text: String) -> String {
        String(text.unicodeScalars.filter { $0.value >= 0x20 && $0.value < 0x7F }.prefix(256).map(Character.init))
    }

    static func write(_ outcome: StampOutcome, to spool: SpoolFile) throws(AILabelError) {
        var sink = SpoolSink(file: spool)
        try outcome.writeFile(to: &sink)
    }

    /// The spool file as the response body, read in 256 KB chunks and removed once sent (or abandoned).
    static func streaming(_ spool: SpoolFile) -> ResponseBody {
        ResponseBody(contentLength: spool.count) { writer in
            defer { spool.remove() }
            let descriptor = open(spool.path, O_RDONLY | O_CLOEXEC)
            guard descriptor >= 0 else { throw AILabelError(.internal, "the stamped file cannot be read back") }
            defer { close(descriptor) }
            var offset = 0
            var chunk = [UInt8](repeating: 0, count: 256 << 10)
            while offset < spool.count {
                let read = chunk.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress, $0.count, off_t(offset)) }
                if read < 0 && errno == EINTR { continue }
                guard read > 0 else { throw AILabelError(.internal, "the stamped file cannot be read back") }
                try await writer.write(ByteBuffer(bytes: chunk[..<read]))
                offset += read
            }
            try await writer.finish(nil)
        }
    }
}

/// Writes a plan's output into a spool file.
struct SpoolSink: ByteSink {
    let file: SpoolFile
    mutating func write(_ chunk: UnsafeRawBufferPointer) throws { try file.write(chunk) }
}

/// At most `limit` requests at once; one more is refused at once rather than queued, so a full server
/// answers 503 quickly and a load balancer can send the client elsewhere.
final class ConcurrencyLimiter: Sendable {
    let limit: Int
    private let count = Mutex(0)

    init(limit: Int) { self.limit = limit }

    func acquire() -> Bool {
        count.withLock { count in
            guard count < limit else { return false }
            count += 1
            return true
        }
    }

    func release() { count.withLock { $0 -= 1 } }
}

/// Whether a graceful shutdown has started.
final class DrainState: Sendable {
    private let draining = Mutex(false)
    var isDraining: Bool { draining.withLock { $0 } }
    func start() { draining.withLock { $0 = true } }
}

/// Answers 405 (with `Allow`) for a method a known path does not take, whatever the method.
struct MethodGuard<Context: RequestContext>: RouterMiddleware {
    let allowed: [String: String]

    init(routes: [String]) {
        var allowed: [String: String] = [:]
        for route in routes {
            let parts = route.split(separator: " ")
            allowed[String(parts[1])] = String(parts[0])
        }
        self.allowed = allowed
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        if let method = allowed[request.uri.path], method != request.method.rawValue {
            var response = APIFailure(.methodNotAllowed, "request.method-not-allowed", "\(request.uri.path) takes \(method) only").response
            response.headers[.allow] = method
            return response
        }
        return try await next(request, context)
    }
}
