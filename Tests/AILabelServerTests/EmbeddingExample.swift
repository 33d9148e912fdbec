// The example of Sources/AILabelEngine/AILabelEngine.docc/EmbeddingInAServer.md, compiled and run by
// EmbeddingExampleTests (the article quotes this file between the markers; a test keeps them equal).
// example-begin
import AILabelEngine
import AILabelVerify
import Hummingbird

/// A service of its own that verifies uploads with the ailabel library.
func makeVerifyService(port: Int, onListening: @escaping @Sendable (Int) -> Void) throws -> some ApplicationProtocol {
    // Resolve once: the profile, trust and collectors. Trust comes from the service's own files.
    var settings = VerifySettings()
    settings.profile = "eu"
    settings.allowProfileFiles = false
    settings.trust.defaultLists = false
    let verify = try VerifyConfiguration.resolve(settings)
    // One engine: its worker threads run the CPU work, off Swift's cooperative pool.
    let engine = LabelEngine(threads: 2)

    let router = Router()
    router.post("verify") { request, context -> Response in
        let upload = try await request.body.collect(upTo: 32 << 20)
        // Bytes in memory: the library never looks at this machine's disk for their sidecars.
        let report = try await engine.verify(.bytes(Array(buffer: upload), name: "upload.jpg"), with: verify)
        let json = try ReportRenderer.json(report, pretty: false)
        return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: json)))
    }
    return Application(
        router: router, configuration: .init(address: .hostname("127.0.0.1", port: port)),
        onServerRunning: { channel in onListening(channel.localAddress?.port ?? 0) })
}
// example-end
