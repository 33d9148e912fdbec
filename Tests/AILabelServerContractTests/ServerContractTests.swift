import AILabelTestSupport
import Foundation
import HTTPTypes
import OpenAPIRuntime
import Testing

/// `ailabel serve` held to its OpenAPI document by the code swift-openapi-generator makes from it: the
/// requests are the generated client's, and every answer must decode as the document's response for its
/// status (an undocumented status, a field the document does not name or a missing required one fails).
@Suite("the served API against its OpenAPI document, through the client swift-openapi-generator makes from it", .serialized)
struct ServerContractTests {
    static let keys = Repository.fixture("c2pa/keys")
    static let root = keys.appendingPathComponent("fixtures-root.pem").path
    static let token = "contract-token"

    /// A server that signs with the fixtures' chain and trusts only the fixtures' root.
    static func startServer(in folder: URL) throws -> ServerProcess {
        let tokens = folder.appendingPathComponent("tokens.txt").path
        try "\(token)\n".write(toFile: tokens, atomically: true, encoding: .utf8)
        return try ServerProcess(arguments: [
            "--token-file", tokens, "--sign-key", keys.appendingPathComponent("fixtures-signer.key").path,
            "--sign-chain", keys.appendingPathComponent("fixtures-chain.pem").path, "--trust", root, "--no-default-trust",
            "--request-timeout", "120",
        ])
    }

    static func client(_ server: ServerProcess, token: String? = Self.token) throws -> Client {
        let url = try #require(URL(string: server.url))
        return Client(serverURL: url, transport: LoopbackTransport(), middlewares: token.map { [BearerToken(token: $0)] } ?? [])
    }

    /// The file as the request body of its media type (the generated client names each type a case).
    static func verifyBody(_ path: String) throws -> Operations.Verify.Input.Body {
        let body = HTTPBody(try Data(contentsOf: Repository.fixture(path)))
        switch (path as NSString).pathExtension {
        case "jpg": return .jpeg(body)
        case "png": return .png(body)
        case "webp": return .imageWebp(body)
        case "heic": return .imageHeic(body)
        case "tif": return .imageTiff(body)
        case "gif": return .imageGif(body)
        case "jxl": return .imageJxl(body)
        case "avif": return .imageAvif(body)
        case "wav": return .audioWav(body)
        case "mp3": return .audioMpeg(body)
        case "flac": return .audioFlac(body)
        case "mp4": return .videoMp4(body)
        case "mov": return .videoQuicktime(body)
        case "m4a": return .audioMp4(body)
        case "pdf": return .pdf(body)
        case "mkv": return .videoXMatroska(body)
        default: return .binary(body)
        }
    }

    /// The record `ailabel verify --format json` lists for a file, named as the server names an upload,
    /// without the null the typed record leaves out.
    static func cliRecord(_ path: String, name: String) throws -> [String: Any] {
        let result = try ProcessRunner.ailabel(["verify", Repository.fixture(path).path, "--format", "json", "--trust", root, "--no-default-trust"])
        let document = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
        var record = try #require((document?["files"] as? [[String: Any]])?.first, "\(path): \(result.stderr)")
        record["path"] = name
        if record["c2pa"] is NSNull { record["c2pa"] = nil }
        return record
    }

    static func dictionary<Value: Encodable>(_ value: Value) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: JSONEncoder().encode(value)) as? [String: Any])
    }

    @Test("verify: each kind of file's record decodes as the document's FileReport and equals the CLI's record", arguments: [
        "c2pa/sdk/signed.jpg", "c2pa/sdk/signed-byte-flipped.jpg", "c2pa/sdk/signed-pixels-changed.png", "verify/plain.png",
        "verify/gen-midjourney-xmp.jpg", "verify/label-aigc-png-text.png", "media/metadata.webp", "media/metadata.heic", "media/alpha.avif",
        "media/metadata.tif", "media/aigc-comment.gif", "media/metadata.jxl", "media/info.wav", "media/aigc-tag.mp3",
        "media/aigc-comment.flac", "media/aigc.mp4", "media/movie.mov", "media/aac.m4a", "video/av1.mkv",
    ])
    func verifyRecords(_ path: String) async throws {
        let folder = try Repository.temporaryDirectory("serve-contract-verify")
        defer { try? FileManager.default.removeItem(at: folder) }
        let server = try Self.startServer(in: folder)
        defer { server.stop() }
        let name = (path as NSString).lastPathComponent
        let output = try await Self.client(server).verify(query: .init(filename: name), body: try Self.verifyBody(path))
        guard case .ok(let ok) = output else {
            Issue.record("\(path): \(output)")
            return
        }
        let record = try ok.body.json
        let served = try Self.dictionary(record)
        let cli = try Self.cliRecord(path, name: name)
        #expect(NSDictionary(dictionary: served).isEqual(to: cli), "\(path): served \(served) vs CLI \(cli)")
    }

    @Test("refusals: an unreadable file is 422 input.unreadable with its record; no token is 401; unknown parameters are refused as the document says")
    func refusals() async throws {
        let folder = try Repository.temporaryDirectory("serve-contract-refusals")
        defer { try? FileManager.default.removeItem(at: folder) }
        let server = try Self.startServer(in: folder)
        defer { server.stop() }
        let client = try Self.client(server)

        for (bytes, name) in [(Data("tiny".utf8), "tiny.jpg"), (try Data(contentsOf: Repository.fixture("malformed/truncated.png")), "truncated.png")] {
            let body: Operations.Verify.Input.Body = name.hasSuffix(".png") ? .png(HTTPBody(bytes)) : .jpeg(HTTPBody(bytes))
            let output = try await client.verify(query: .init(filename: name), body: body)
            guard case .unprocessableContent(let refusal) = output else {
                Issue.record("\(name): \(output)")
                continue
            }
            let error = try refusal.body.json
            #expect(error.error.code == "input.unreadable", "\(name): \(error)")
            #expect(error.record?.verdict == .unreadable && error.record?.path == name, "\(name): \(error)")
            #expect(error.record?.findings.first?.code == "file.unreadable" && error.error.message == error.record?.findings.first?.message, "\(name): \(error)")
        }
        // A PDF alone: ailabel reads its label only from sidecars, and says so.
        let pdf = try await client.verify(query: .init(filename: "report.pdf"), body: try Self.verifyBody("sidecar/report.pdf"))
        guard case .unprocessableContent(let pdfRefusal) = pdf else {
            Issue.record("a PDF without sidecars: \(pdf)")
            return
        }
        let pdfError = try pdfRefusal.body.json
        #expect(pdfError.error.message == "PDF files: ailabel reads their label only from the XMP or C2PA sidecar, and none came with this one", "\(pdfError)")
        #expect(pdfError.record?.format == "pdf", "\(pdfError)")
        // Inspect and stamp refuse the same bytes the same way.
        let inspected = try await client.inspect(body: .jpeg(HTTPBody(Data("tiny".utf8))))
        guard case .unprocessableContent(let inspectRefusal) = inspected else {
            Issue.record("inspect: \(inspected)")
            return
        }
        #expect(try inspectRefusal.body.json.error.code == "input.unreadable")
        let stamped = try await client.stamp(body: .jpeg(HTTPBody(Data("tiny".utf8))))
        guard case .unprocessableContent = stamped else {
            Issue.record("stamp: \(stamped)")
            return
        }

        let photo = try Data(contentsOf: Repository.fixture("verify/plain.jpg"))
        let anonymous = try Self.client(server, token: nil)
        guard case .unauthorized(let unauthorized) = try await anonymous.verify(body: .jpeg(HTTPBody(photo))) else {
            Issue.record("verify without a token was not 401")
            return
        }
        #expect(try unauthorized.body.json.error.code == "auth.missing-token")
        guard case .unauthorized = try await anonymous.stamp(body: .jpeg(HTTPBody(photo))) else {
            Issue.record("stamp without a token was not 401")
            return
        }
        let wrong = try Self.client(server, token: "not-the-token")
        guard case .unauthorized(let unknown) = try await wrong.stamp(body: .jpeg(HTTPBody(photo))) else {
            Issue.record("stamp with an unknown token was not 401")
            return
        }
        #expect(try unknown.body.json.error.code == "auth.unknown-token")
        // A value the document allows but the server cannot use: a time that is no date.
        guard case .unprocessableContent(let badTime) = try await client.stamp(query: .init(time: "yesterday"), body: .jpeg(HTTPBody(photo))) else {
            Issue.record("stamp with time=yesterday was not 422")
            return
        }
        #expect(try badTime.body.json.error.code == "options.invalid")
    }

    @Test("stamp, then verify and inspect what it returned; a PDF gets its XMP sidecar; health, readiness, metrics and the document itself")
    func stampAndReadBack() async throws {
        let folder = try Repository.temporaryDirectory("serve-contract-stamp")
        defer { try? FileManager.default.removeItem(at: folder) }
        let server = try Self.startServer(in: folder)
        defer { server.stop() }
        let client = try Self.client(server)

        let photo = try Data(contentsOf: Repository.fixture("verify/plain.jpg"))
        let output = try await client.stamp(query: .init(profile: .kz, filename: "photo.jpg"), body: .jpeg(HTTPBody(photo)))
        guard case .ok(let ok) = output, case .image_Ast_(let returned) = ok.body else {
            Issue.record("stamp: \(output)")
            return
        }
        #expect(ok.headers.aiLabelStatus == .stamped)
        #expect(ok.headers.aiLabelLayers?.contains("c2pa") == true, "\(ok.headers)")
        let stamped = try await Data(collecting: returned, upTo: 64 << 20)
        #expect(stamped.starts(with: [0xFF, 0xD8]) && stamped != photo)

        let verified = try await client.verify(query: .init(filename: "photo.jpg"), body: .jpeg(HTTPBody(stamped)))
        guard case .ok(let verifiedOK) = verified else {
            Issue.record("verify of the stamped file: \(verified)")
            return
        }
        let record = try verifiedOK.body.json
        #expect(record.verdict == .compliant && record.c2pa?.state == "Trusted", "\(record)")

        let inspected = try await client.inspect(body: .jpeg(HTTPBody(stamped)))
        guard case .ok(let inspectedOK) = inspected else {
            Issue.record("inspect of the stamped file: \(inspected)")
            return
        }
        let report = try inspectedOK.body.json
        #expect(report.format == "jpeg" && report.c2pa?.present == true && report.c2pa?.storeCount == 1, "\(report)")
        #expect(report.xmp?.contains { $0.name == "DigitalSourceType" } == true, "\(report.xmp ?? [])")

        let pdf = try Data(contentsOf: Repository.fixture("sidecar/report.pdf"))
        let sidecar = try await client.stamp(query: .init(filename: "report.pdf"), body: .pdf(HTTPBody(pdf)))
        guard case .ok(let sidecarOK) = sidecar, case .applicationRdfXml(let xmp) = sidecarOK.body else {
            Issue.record("stamp of a PDF: \(sidecar)")
            return
        }
        let packet = String(decoding: try await Data(collecting: xmp, upTo: 1 << 20), as: UTF8.self)
        #expect(packet.contains("x:xmpmeta") && packet.contains("trainedAlgorithmicMedia"), "\(packet.prefix(400))")

        guard case .ok(let health) = try await client.health() else {
            Issue.record("healthz")
            return
        }
        #expect(try health.body.json.status == "ok")
        guard case .ok(let ready) = try await client.ready() else {
            Issue.record("readyz")
            return
        }
        #expect(try ready.body.json.status == "ready")
        guard case .ok(let metrics) = try await client.metrics() else {
            Issue.record("metrics")
            return
        }
        let text = String(decoding: try await Data(collecting: try metrics.body.plainText, upTo: 16 << 20), as: UTF8.self)
        #expect(text.contains("ailabel_verdicts_total{verdict=\"compliant\"}"), "\(text.prefix(600))")
        guard case .ok(let document) = try await client.openapi() else {
            Issue.record("openapi.json")
            return
        }
        _ = document
    }
}

/// Sends the bearer token with every request.
struct BearerToken: ClientMiddleware {
    let token: String

    func intercept(
        _ request: HTTPRequest, body: HTTPBody?, baseURL: URL, operationID: String,
        next: @Sendable (HTTPRequest, HTTPBody?, URL) async throws -> (HTTPResponse, HTTPBody?)
    ) async throws -> (HTTPResponse, HTTPBody?) {
        var request = request
        request.headerFields[.authorization] = "Bearer \(token)"
        return try await next(request, body, baseURL)
    }
}
