import AILabelAudible
@_spi(Testing) import AILabelEngine
import AILabelKit
import AILabelTestSupport
import AILabelVerify
import Foundation
import Synchronization
import Testing

/// The library's typed entry points: files, bytes and streams in, typed results and errors out, the disk
/// read only where the caller names it.
@Suite("Label engine")
struct LabelEngineTests {
    static let engine = LabelEngine(threads: 2)
    static let keys = Repository.fixture("c2pa/keys")

    static func signedSettings() -> StampSettings {
        var settings = StampSettings()
        settings.time = "2026-01-18T09:00:00Z"
        settings.signer = SignerSettings(key: keys.appendingPathComponent("fixtures-signer.key").path, chain: keys.appendingPathComponent("fixtures-chain.pem").path)
        return settings
    }

    static func trustedVerify() throws -> VerifyConfiguration {
        var settings = VerifySettings()
        settings.scan = .metadata
        settings.trust = TrustSettings(anchors: [keys.appendingPathComponent("fixtures-root.pem").path], defaultLists: false)
        return try VerifyConfiguration.resolve(settings, environment: [:], trustStore: nil)
    }

    @Test("bytes in, stamped bytes out, verified from bytes as compliant and Trusted")
    func stampAndVerifyBytes() async throws {
        let original = try Repository.fixtureBytes("media/photo-640x480.jpg")
        let stamp = try StampConfiguration.resolve(Self.signedSettings(), environment: [:])
        let outcome = try await Self.engine.stamp(.bytes(original, name: "upload.jpg"), with: stamp)
        #expect(outcome.result.status == .stamped)
        #expect(outcome.result.layers.contains("c2pa"))
        #expect(outcome.result.output == nil)
        let stamped = try outcome.fileBytes()
        #expect(stamped.count == outcome.fileSize)
        let report = try await Self.engine.verify(.bytes(stamped, name: "upload.jpg"), with: try Self.trustedVerify())
        #expect(report.path == "upload.jpg")
        #expect(report.verdict == .compliant)
        #expect(report.c2pa?.state == "Trusted")

        // A stream of chunks is the same input.
        let chunks = stride(from: 0, to: stamped.count, by: 4096).map { Array(stamped[$0..<min($0 + 4096, stamped.count)]) }
        let streamed = try await MediaInput.stream(AsyncStreamOf(chunks), name: "upload.jpg", maxBytes: 1 << 24)
        #expect(try await Self.engine.verify(streamed, with: try Self.trustedVerify()).verdict == .compliant)
        // Stamping the stamped file again leaves it as it is.
        let again = try await Self.engine.stamp(.bytes(stamped, name: "upload.jpg"), with: stamp)
        #expect(again.result.status == .unchanged)
        #expect(try again.fileBytes() == stamped)
    }

    @Test("bytes named like a file on disk are verified without that file's sidecars; given sidecars are read")
    func bytesNeverProbeTheDisk() async throws {
        let folder = try Repository.temporaryDirectory("engine-sidecars")
        defer { try? FileManager.default.removeItem(at: folder) }
        let original = try Repository.fixtureBytes("media/photo-640x480.jpg")
        var settings = Self.signedSettings()
        settings.sidecarOnly = true
        let outcome = try await Self.engine.stamp(.bytes(original, name: "photo.jpg"), with: try StampConfiguration.resolve(settings, environment: [:]))
        guard case .sidecars(let xmp, let c2pa) = outcome.output, let c2pa else {
            Issue.record("sidecar stamping returned no sidecars")
            return
        }
        #expect(outcome.result.layers.first == "sidecar")
        let path = folder.appendingPathComponent("photo.jpg").path
        try Data(original).write(to: URL(fileURLWithPath: path))
        try Data(xmp).write(to: URL(fileURLWithPath: path + ".xmp"))
        try Data(c2pa).write(to: URL(fileURLWithPath: path + ".c2pa"))
        let verify = try Self.trustedVerify()

        let onDisk = try await Self.engine.verify(.path(path), with: verify)
        #expect(onDisk.disclosures.contains { $0.kind == .sidecar })
        #expect(onDisk.verdict == .compliant)

        // The same bytes under the same name, from memory: the disk beside that name is not looked at.
        let inMemory = try await Self.engine.verify(.bytes(original, name: path), with: verify)
        #expect(!inMemory.disclosures.contains { $0.kind == .sidecar })
        #expect(inMemory.verdict == .noAIEvidence)
        // A file reported under another name (a server's spooled upload) reads no sidecar either.
        let spooled = try await Self.engine.verify(.file(at: path, name: "upload.jpg"), with: verify)
        #expect(!spooled.disclosures.contains { $0.kind == .sidecar })
        // Sidecars given with the bytes are read.
        let given = try await Self.engine.verify(.bytes(original, name: "photo.jpg", xmpSidecar: xmp, c2paSidecar: c2pa), with: verify)
        #expect(given.disclosures.contains { $0.kind == .sidecar && $0.intact })
        #expect(given.verdict == .compliant)
        #expect(given.c2pa?.state == "Trusted")
    }

    @Test("a movie given as bytes is decoded from those bytes, never from a file that bears its name")
    func movieBytesAreNotLookedUpByName() async throws {
        // Stamped in memory with the audible cue (the pictures copied untouched), then verified from memory
        // under the path of the unstamped original: the sound heard must be the bytes', with the cue.
        let originalPath = Repository.fixture("video/h264-3s.mp4").path
        let original = try Repository.fixtureBytes("video/h264-3s.mp4")
        var settings = StampSettings()
        settings.time = "2026-01-18T09:00:00Z"
        settings.watermark = false
        settings.visible = false
        settings.languages = ["en"]
        // The rhythm cue: no speech synthesis in this process, whose espeak-ng state other suites' checks rely on.
        settings.audible = AudibleRequest(kind: .rhythm)
        let outcome = try await Self.engine.stamp(.bytes(original, name: originalPath), with: try StampConfiguration.resolve(settings, environment: [:]))
        #expect(outcome.result.layers.contains("audible"), "\(outcome.result)")
        let stamped = try outcome.fileBytes()
        // Stamping reads the sound from the bytes too: a name that is no file on this machine changes nothing.
        let unnamed = try await Self.engine.stamp(.bytes(original, name: "no-such-folder/clip.mp4"), with: try StampConfiguration.resolve(settings, environment: [:]))
        #expect(unnamed.result.layers.contains("audible"), "\(unnamed.result)")

        var verifySettings = VerifySettings()
        verifySettings.trust = TrustSettings(anchors: [], defaultLists: false)
        let verify = try VerifyConfiguration.resolve(verifySettings, environment: [:], trustStore: nil)
        for input in [MediaInput.bytes(stamped, name: originalPath), .bytes(stamped, name: "no-such-folder/upload.mp4")] {
            let report = try await Self.engine.verify(input, with: verify)
            let audible = report.disclosures.first { $0.kind == .audible }
            #expect(audible?.intact == true, "\(input.name): \(report.disclosures) \(report.findings)")
            #expect(!report.findings.contains { $0.code.rawValue.contains("undecodable") }, "\(input.name): \(report.findings)")
        }
    }

    @Test("a movie's name picks its muxer only within its container: clip.m3u8 holding an MP4 is written as an MP4, no playlist or segments")
    func movieNameCannotPickAPlaylistMuxer() async throws {
        let original = try Repository.fixtureBytes("video/h264-3s.mp4")
        var settings = StampSettings()
        settings.time = "2026-01-18T09:00:00Z"
        settings.watermark = true
        settings.visible = false
        let temporary = NSTemporaryDirectory()
        func segments() -> Set<String> {
            Set(((try? FileManager.default.contentsOfDirectory(atPath: temporary)) ?? []).filter { $0.hasPrefix("ailabel-video-") && ($0.hasSuffix(".ts") || $0.hasSuffix(".m3u8")) })
        }
        let before = segments()
        let outcome = try await Self.engine.stamp(.bytes(original, name: "clip.m3u8"), with: try StampConfiguration.resolve(settings, environment: [:]))
        #expect(outcome.result.layers.contains("watermark"), "\(outcome.result)")
        let stamped = try outcome.fileBytes()
        #expect(Array(stamped[4..<8]) == Array("ftyp".utf8))
        #expect(segments().subtracting(before).isEmpty, "\(segments())")
    }

    @Test("a web page is judged by its markup: by path with the images beside it, as bytes without them")
    func webPages() async throws {
        var settings = VerifySettings()
        settings.profile = "kz"
        settings.scan = .metadata
        let configuration = try VerifyConfiguration.resolve(settings, environment: [:], trustStore: nil)
        let web = Repository.fixture("web")
        let expected = try JSONSerialization.jsonObject(with: Data(contentsOf: web.appendingPathComponent("expected.json"))) as? [String: [String: String]] ?? [:]
        let pages = try FileManager.default.contentsOfDirectory(atPath: web.path).filter { PageVerifier.handles(path: $0) }.sorted()
        #expect(pages.count >= 8)
        for page in pages where page != "images-ai.html" {
            let path = web.appendingPathComponent(page).path
            let onDisk = try await Self.engine.verify(.path(path), with: configuration)
            #expect(onDisk.format == "html" && onDisk.verdict.rawValue == expected[page]?["kz"], "\(page) on disk")
            let uploaded = try await Self.engine.verify(.bytes(try Repository.fixtureBytes("web/" + page), name: page), with: configuration)
            #expect(uploaded.path == page)
            // The same verdict and signals; only the evidence of the images beside the page is missing.
            #expect(uploaded.verdict == onDisk.verdict, "\(page) as bytes")
            #expect(uploaded.aiEvidence == onDisk.aiEvidence.filter { !$0.detail.hasPrefix("image ") }, "\(page) as bytes")
            #expect(uploaded.disclosures == onDisk.disclosures, "\(page) as bytes")
        }
        // A page whose only AI evidence is in the images it shows: read beside it on disk, not as an upload.
        let gallery = web.appendingPathComponent("images-ai.html").path
        let onDisk = try await Self.engine.verify(.path(gallery), with: configuration)
        #expect(onDisk.verdict == .missingDisclosure)
        #expect(onDisk.aiEvidence.contains { $0.detail.hasPrefix("image images/ai-iptc.jpg") })
        let uploaded = try await Self.engine.verify(.bytes(try Repository.fixtureBytes("web/images-ai.html"), name: "gallery.html"), with: configuration)
        #expect(uploaded.verdict == .noAIEvidence)
        #expect(uploaded.findings.filter { $0.code == .imageNotRead(.html) }.map(\.message) == [
            "Image images/ai-iptc.jpg was not read: the page came without its folder.",
            "Image images/gen-a1111.png was not read: the page came without its folder.",
        ])
        #expect(uploaded.findings.contains { $0.code == .imageRemote(.html) })
        // Not a page by its bytes but by its name, as on disk; a page too large is unreadable, said so.
        let large = try await Self.engine.verify(.bytes([UInt8](repeating: 0x20, count: 16 * 1024 * 1024 + 1), name: "big.html"), with: configuration)
        #expect(large.verdict == .unreadable && large.findings.first?.message.contains("over the 16777216-byte limit") == true)
    }

    @Test("an input that is not media gets one record whether it is a path or bytes, as `ailabel verify` gives it")
    func nonMediaByPathAndBytes() async throws {
        let configuration = try Self.trustedVerify()
        let folder = try Repository.temporaryDirectory("engine-non-media")
        defer { try? FileManager.default.removeItem(at: folder) }
        // Names without their sidecars: a copy, away from any sidecar the fixtures may have beside them.
        for (fixture, name, format, verdict) in [
            ("sidecar-only/webm.bin", "clip.webm", "webm", Verdict.noAIEvidence), ("sidecar-only/ogg.bin", "sound.bin", "ogg", .noAIEvidence),
            ("sidecar/report.pdf", "report.pdf", "pdf", .unreadable),
        ] {
            let bytes = try Repository.fixtureBytes(fixture)
            let path = folder.appendingPathComponent(name).path
            try Data(bytes).write(to: URL(fileURLWithPath: path))
            let byPath = try await Self.engine.verify(.path(path), with: configuration)
            let byBytes = try await Self.engine.verify(.bytes(bytes, name: name), with: configuration)
            #expect(byPath.format == format && byPath.verdict == verdict, "\(name) by path: \(byPath.format) \(byPath.verdict)")
            #expect(byBytes.format == byPath.format && byBytes.verdict == byPath.verdict && byBytes.findings == byPath.findings, "\(name) as bytes")
        }
        // A name that claims a format ailabel parses is that format's broken file, whatever the bytes are.
        let webm = try Repository.fixtureBytes("sidecar-only/webm.bin")
        #expect(try await Self.engine.verify(.bytes(webm, name: "photo.jpg"), with: configuration).findings.first?.code == .fileUnreadable)
    }

    @Test("errors are typed with stable codes")
    func typedErrors() async throws {
        let stamp = try StampConfiguration.resolve(StampSettings(), environment: [:])
        await #expect(throws: AILabelError(.unsupportedMedia, "")) {
            try await Self.engine.stamp(.bytes(Array("not an image".utf8), name: "upload.bin"), with: stamp)
        }
        await #expect(throws: AILabelError(.unsupportedMedia, "")) {
            try await Self.engine.inspect(.bytes(Array("not an image".utf8), name: "upload"))
        }
        await #expect(throws: AILabelError(.unreadableInput, "")) {
            try await Self.engine.inspect(.bytes(try Repository.fixtureBytes("malformed/no-scan.jpg"), name: "x.jpg"))
        }
        var bad = StampSettings()
        bad.time = "yesterday"
        #expect(throws: AILabelError(.badOption, "")) { try StampConfiguration.resolve(bad, environment: [:]) }
        bad = StampSettings()
        bad.signer.key = "/nonexistent.key"
        #expect(throws: AILabelError(.badOption, "")) { try StampConfiguration.resolve(bad, environment: [:]) }
        var verify = VerifySettings()
        verify.profile = "/etc/passwd"
        verify.allowProfileFiles = false
        #expect(throws: AILabelError(.badOption, "")) { try VerifyConfiguration.resolve(verify, environment: [:], trustStore: nil) }
        var trust = VerifySettings()
        trust.trust = TrustSettings(anchors: ["/nonexistent.pem"])
        #expect(throws: AILabelError(.trustRefused, "")) { try VerifyConfiguration.resolve(trust, environment: [:], trustStore: nil) }
        await #expect(throws: AILabelError(.tooLarge, "")) {
            try await MediaInput.stream(AsyncStreamOf([[UInt8](repeating: 0, count: 10), [UInt8](repeating: 0, count: 10)]), name: "x.jpg", maxBytes: 15)
        }
        // An unreadable file to verify is a verdict, not an error.
        let report = try await Self.engine.verify(.bytes([0xFF, 0xD8, 0xFF], name: "cut.jpg"), with: try Self.trustedVerify())
        #expect(report.verdict == .unreadable)
    }

    @Test("precedence: settings over the environment over the configuration file")
    func precedence() throws {
        let configuration = try JSONDecoder().decode(Configuration.self, from: Data(#"{"label": {"producer": "From the file", "profile": "cn"}}"#.utf8))
        var settings = StampSettings()
        #expect(try StampConfiguration.resolve(settings, configuration: configuration, environment: [:]).label.producerName == "From the file")
        #expect(try StampConfiguration.resolve(settings, configuration: configuration, environment: [:]).markers.map(\.name) == ["visible"], "cn draws the badge")
        settings.producer = "From the options"
        settings.profile = .kz
        let resolved = try StampConfiguration.resolve(settings, configuration: configuration, environment: [:])
        #expect(resolved.label.producerName == "From the options")
        #expect(resolved.markers.isEmpty, "kz draws no mark for content that is no deepfake")
        // The signer's key from the environment when the options name none.
        let key = Self.keys.appendingPathComponent("fixtures-signer.key").path
        let chain = Self.keys.appendingPathComponent("fixtures-chain.pem").path
        #expect(try StampConfiguration.resolve(StampSettings(), environment: ["AILABEL_SIGN_KEY": key, "AILABEL_SIGN_CHAIN": chain]).signer != nil)
        #expect(try StampConfiguration.resolve(StampSettings(), environment: [:]).signer == nil)
    }

    @Test("a task cancelled while its work waits for a thread is answered at once, and the work never runs")
    func cancellation() async throws {
        let pool = WorkerPool(threads: 1)
        defer { pool.shutdown() }
        let release = Mutex(false)
        let ran = Mutex(false)
        let blocker = Task { try await pool.run { while !release.withLock({ $0 }) { usleep(1000) } } }
        while pool.waiting > 0 { await Task.yield() }
        let waiting = Task { try await pool.run { ran.withLock { $0 = true } } }
        try await Task.sleep(for: .milliseconds(50))
        waiting.cancel()
        await #expect(throws: AILabelError(.cancelled, "")) { try await waiting.value }
        release.withLock { $0 = true }
        try await blocker.value
        try await pool.run {}
        #expect(!ran.withLock { $0 })
    }

    final class Tally: Sendable { let freed = Mutex(0) }
    final class Payload: Sendable {
        let tally: Tally
        init(_ tally: Tally) { self.tally = tally }
        deinit { tally.freed.withLock { $0 += 1 } }
    }

    @Test("what a job's work captured is freed once the work has run, not kept in the pool's queue")
    func finishedWorkIsReleased() async throws {
        let pool = WorkerPool(threads: 2)
        defer { pool.shutdown() }
        let tally = Tally()
        for _ in 0..<100 {
            let payload = Payload(tally)
            try await pool.run { _ = payload }
        }
        // A worker drops its job just after answering the caller: allow it a moment.
        for _ in 0..<200 where tally.freed.withLock({ $0 }) < 100 { try await Task.sleep(for: .milliseconds(10)) }
        #expect(tally.freed.withLock { $0 } == 100)
    }
}

/// An async sequence over chunks held in memory.
struct AsyncStreamOf: AsyncSequence, Sendable {
    let chunks: [[UInt8]]
    init(_ chunks: [[UInt8]]) { self.chunks = chunks }
    struct AsyncIterator: AsyncIteratorProtocol {
        var rest: ArraySlice<[UInt8]>
        mutating func next() async throws -> [UInt8]? { rest.popFirst() }
    }
    func makeAsyncIterator() -> AsyncIterator { AsyncIterator(rest: chunks[...]) }
}
