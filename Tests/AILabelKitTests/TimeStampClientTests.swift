import AILabelKit
import AILabelManifest
import AILabelTestSupport
import AILabelVocabulary
import Foundation
import Testing

@Suite("Time-stamp authority client")
struct TimeStampClientTests {
    @Test("An authority slower than the timeout fails with a clear error, within the time limit")
    func slowAuthorityTimesOut() throws {
        let folder = try Repository.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let server = Process()
        server.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        server.arguments = ["python3", Repository.fixture("tsa/local_tsa.py").path, folder.path, "--mode", "slow"]
        let output = Pipe()
        server.standardOutput = output
        try server.run()
        defer {
            kill(server.processIdentifier, SIGKILL)
            server.waitUntilExit()
        }
        var line: [UInt8] = []
        while let byte = try output.fileHandleForReading.read(upToCount: 1), let first = byte.first, first != 10 { line.append(first) }
        let url = try #require(TimeStampClient.parseURL(String(decoding: line, as: UTF8.self)))
        let client = TimeStampClient(url: url, timeout: 1)
        let start = Date()
        #expect(throws: ManifestError.timeStampFailed) { try client.token(for: Array("claim".utf8)) }
        #expect(Date().timeIntervalSince(start) < 5, "the timeout bounds the wait")
    }

    @Test("Only http and https URLs with a host are accepted")
    func urls() {
        #expect(TimeStampClient.parseURL("http://timestamp.digicert.com") != nil)
        #expect(TimeStampClient.parseURL("https://127.0.0.1:8080/tsa") != nil)
        for bad in ["ftp://x/tsa", "file:///etc/passwd", "timestamp.example", "http://", ""] {
            #expect(TimeStampClient.parseURL(bad) == nil, "\(bad)")
        }
    }
}

@Suite("Time-stamped signatures outlive their certificate")
struct LongLivedSignatureTests {
    @Test("A sigTst2 signature is still Trusted a year after the signer certificate expired; without one it is expired")
    func validAfterExpiry() throws {
        let folder = try Repository.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let server = Process()
        server.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        server.arguments = ["python3", Repository.fixture("tsa/local_tsa.py").path, folder.path]
        let output = Pipe()
        server.standardOutput = output
        try server.run()
        defer {
            kill(server.processIdentifier, SIGKILL)
            server.waitUntilExit()
        }
        var line: [UInt8] = []
        while let byte = try output.fileHandleForReading.read(upToCount: 1), let first = byte.first, first != 10 { line.append(first) }
        let client = TimeStampClient(url: try #require(TimeStampClient.parseURL(String(decoding: line, as: UTF8.self))))

        let pki = try TestPKI.generate(signerValidityDays: 2)
        let plain = try ManifestSigner(privateKeyPEM: pki.signerKeyPEM, certificateChainPEM: pki.signerChainPEM)
        var stamped = plain
        stamped.timeStamper = { message in try client.token(for: message) }
        let asset = try Repository.fixtureBytes("media/photo-640x480.jpg")
        let anchors = pki.trustAnchorsPEM + (try String(contentsOfFile: folder.path + "/tsa-root.pem", encoding: .utf8))
        let trust = try TrustConfiguration(anchorPEMs: [anchors])
        let later = Date().addingTimeInterval(400 * 86_400)

        let withStamp = ManifestValidator(trust: trust, validationTime: later)
            .validate(asset: try stamped.sign(asset, definition: ManifestDefinition(digitalSourceType: DigitalSourceType.trainedAlgorithmicMedia.uri)))
        #expect(withStamp.state == .trusted, "\(withStamp.statuses)")
        #expect(withStamp.statuses.map(\.code).contains(.timeStampTrusted))
        #expect(!withStamp.statuses.map(\.code).contains(.signingCredentialExpired))

        let withoutStamp = ManifestValidator(trust: trust, validationTime: later)
            .validate(asset: try plain.sign(asset, definition: ManifestDefinition(digitalSourceType: DigitalSourceType.trainedAlgorithmicMedia.uri)))
        #expect(withoutStamp.state == .invalid)
        #expect(withoutStamp.statuses.map(\.code).contains(.signingCredentialExpired))
    }
}
