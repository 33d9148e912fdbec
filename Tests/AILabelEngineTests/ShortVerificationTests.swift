import AILabelKit
@_spi(Testing) import AILabelEngine
import AILabelMedia
import AILabelTestSupport
import AILabelVerify
import Foundation
import Synchronization
import Testing

/// A verification run on the caller's thread (a server's event loop) when it decodes nothing, and handed
/// to the workers otherwise: the answer is the same wherever it runs.
@Suite("Short verifications on the caller")
struct ShortVerificationTests {
    static let files = [
        "c2pa/sdk/signed.jpg", "c2pa/sdk/signed.png", "c2pa/sdk/signed-byte-flipped.jpg", "c2pa/sdk/signed-audio-changed.wav",
        "c2pa/sdk/signed-faststart.mp4", "verify/plain.jpg", "verify/gen-a1111.png", "verify/label-iptc-exiftool.jpg",
        "media/lossy.webp", "media/photo.heic", "media/metadata.tif", "media/animated.gif", "media/metadata.jxl",
        "media/music-6s.mp3", "media/h264.mp4", "media/xmp.mov",
    ]

    static func configuration(scan: ScanMode, thumbnails: Bool = false) throws -> VerifyConfiguration {
        var settings = VerifySettings()
        settings.scan = scan
        settings.thumbnails = thumbnails
        settings.trust = TrustSettings(anchors: [Repository.fixture("c2pa/keys/fixtures-root.pem").path], defaultLists: false)
        return try VerifyConfiguration.resolve(settings, environment: [:], trustStore: nil)
    }

    static func json(_ report: FileReport) throws -> String { try ReportRenderer.json(report, pretty: false) }

    @Test("without decoding, the record is the full verification's; nil exactly where the scan decodes", arguments: [ScanMode.auto, .full, .metadata])
    func sameRecordOrNil(scan: ScanMode) throws {
        let verifier = try Self.configuration(scan: scan).verifier
        var short = 0
        for name in Self.files {
            let bytes = try Repository.fixtureBytes(name)
            let file = try MediaFile(path: name, source: bytes, registry: .metadataReading)
            let full = verifier.verify(file)
            if let quick = verifier.verifyWithoutDecoding(file) {
                short += 1
                #expect(try Self.json(quick) == Self.json(full), "\(name) under --scan \(scan)")
                #expect(scan != .full, "\(name): --scan full always decodes")
            } else {
                #expect(scan != .metadata, "\(name): --scan metadata never decodes")
            }
        }
        if scan == .auto {
            // A signed photo needs no pixels; an unlabelled one is scanned for stripped marks.
            let signed = try MediaFile(path: "signed.jpg", source: try Repository.fixtureBytes("c2pa/sdk/signed.jpg"), registry: .metadataReading)
            #expect(verifier.verifyWithoutDecoding(signed) != nil)
            let plain = try MediaFile(path: "plain.jpg", source: try Repository.fixtureBytes("verify/plain.jpg"), registry: .metadataReading)
            #expect(verifier.verifyWithoutDecoding(plain) == nil)
            #expect(short > 0 && short < Self.files.count)
        }
    }

    @Test("begun on one thread and finished on another, a verification is the whole one; pending exactly where it decodes", arguments: [ScanMode.auto, .full, .metadata])
    func beginThenFinish(scan: ScanMode) async throws {
        let verifier = try Self.configuration(scan: scan).verifier
        for name in Self.files {
            let file = try MediaFile(path: name, source: try Repository.fixtureBytes(name), registry: .metadataReading)
            let full = try Self.json(verifier.verify(file))
            switch verifier.begin(file) {
            case .done(let report):
                #expect(try Self.json(report) == full, "\(name) under --scan \(scan)")
                #expect(verifier.verifyWithoutDecoding(file) != nil, "\(name): done at once is short")
            case .pending(let pending):
                // Finished by another task, as a worker finishes what an event loop began.
                let finished = await Task.detached { verifier.finish(pending) }.value
                #expect(try Self.json(finished) == full, "\(name) under --scan \(scan)")
                #expect(verifier.verifyWithoutDecoding(file) == nil, "\(name): pending is not short")
            }
        }
    }

    @Test("thumbnails decode, so a verification that makes them is never short")
    func thumbnailsAreNotShort() throws {
        let verifier = try Self.configuration(scan: .metadata, thumbnails: true).verifier
        let file = try MediaFile(path: "signed.jpg", source: try Repository.fixtureBytes("c2pa/sdk/signed.jpg"), registry: .metadataReading)
        #expect(verifier.verifyWithoutDecoding(file) == nil)
    }

    @Test("with every worker busy, a short verification is answered on the caller; paths, larger inputs and decoding wait for a worker")
    func placement() async throws {
        let pool = WorkerPool(threads: 1)
        defer { pool.shutdown() }
        let engine = LabelEngine(pool: pool)
        let configuration = try Self.configuration(scan: .auto)
        let signed = try Repository.fixtureBytes("c2pa/sdk/signed.jpg")
        let expected = try Self.json(try await engine.verify(.bytes(signed, name: "signed.jpg"), with: configuration))

        // The one worker is held until the end of the test, whatever happens in between (declared after the
        // pool's shutdown, so it runs first).
        let release = Mutex(false)
        defer { release.withLock { $0 = true } }
        let holding = Mutex(false)
        let blocker = Task {
            try await pool.run {
                holding.withLock { $0 = true }
                while !release.withLock({ $0 }) { usleep(1000) }
            }
        }
        // Polled with a bound, never awaited blindly: were the short path broken, the test fails instead of hanging.
        func within(_ seconds: Int, _ condition: () -> Bool) async throws -> Bool {
            for _ in 0..<(seconds * 20) {
                if condition() { return true }
                try await Task.sleep(for: .milliseconds(50))
            }
            return condition()
        }
        #expect(try await within(60) { holding.withLock { $0 } })

        let nearby = WorkPlacement.callerWhenShort(maxBytes: 4 << 20)
        let answers = Mutex<[String]>([])
        let short = Task {
            for input in [MediaInput.bytes(signed, name: "signed.jpg"), .source(signed, name: "signed.jpg")] {
                let report = try await engine.verify(input, with: configuration, placement: nearby)
                #expect(report.verdict == .compliant && report.c2pa?.state == "Trusted")
                let json = try Self.json(report)
                answers.withLock { $0.append(json) }
            }
        }
        #expect(try await within(60) { answers.withLock { $0.count } == 2 }, "answered while the only worker is held")
        #expect(answers.withLock { $0 } == [expected, expected])

        let plain = try Repository.fixtureBytes("verify/plain.jpg")
        let waiting = [
            Task { try await engine.verify(.bytes(plain, name: "plain.jpg"), with: configuration, placement: nearby) },
            Task { try await engine.verify(.bytes(signed, name: "signed.jpg"), with: configuration, placement: .callerWhenShort(maxBytes: signed.count - 1)) },
            Task { try await engine.verify(.path(Repository.fixture("c2pa/sdk/signed.jpg").path), with: configuration, placement: nearby) },
            Task { try await engine.verify(.bytes(signed, name: "signed.jpg"), with: configuration, placement: .workers) },
        ]
        #expect(try await within(60) { pool.waiting == waiting.count }, "each waits for the one worker")
        release.withLock { $0 = true }
        try await blocker.value
        try await short.value
        #expect(try await waiting[0].value.verdict == .noAIEvidence)
        for task in waiting.dropFirst() { #expect(try await task.value.verdict == .compliant) }
    }
}
