import Foundation
import Testing

@testable import AILabelManifest

/// Paths and tools shared by the C2PA tests.
enum TestPaths {
    /// The repository root, found by walking up from this file to the directory holding Package.swift.
    static let repositoryRoot: String = {
        var url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        while url.path != "/" {
            if FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) { return url.path }
            url.deleteLastPathComponent()
        }
        return FileManager.default.currentDirectoryPath
    }()

    static var fixtures: String { repositoryRoot + "/Fixtures/c2pa" }
    static var python: String { repositoryRoot + "/.venv/bin/python" }
    static var referee: String { fixtures + "/referee.py" }

    static func read(_ relative: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: URL(fileURLWithPath: fixtures + "/" + relative)))
    }

    static func readText(_ relative: String) throws -> String {
        try String(contentsOfFile: fixtures + "/" + relative, encoding: .utf8)
    }

    /// A fresh temporary directory.
    static func temporaryDirectory() throws -> String {
        let path = NSTemporaryDirectory() + "ailabel-manifest-tests-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }
}

/// The reference SDK (c2pa-python) as a referee, run through Fixtures/c2pa/referee.py.
enum Referee {
    struct Verdict: Decodable {
        var state: String?
        var failure: [String]
        var success: [String]
        var informational: [String]
        var digitalSourceTypes: [String]?
        var manifestCount: Int?
        var ingredientFailure: [String]?
        var error: String?
    }

    /// Reads `asset` (with `sidecar`, if given) in the reference SDK with `trust` PEM files as anchors.
    /// Fails the test (rather than skipping) when the venv is missing: CI runs scripts/setup first.
    static func read(_ asset: String, trust: [String], sidecar: String? = nil, mime: String? = nil,
                     trustConfig: String? = nil, fragment: String? = nil) throws -> Verdict {
        guard FileManager.default.isExecutableFile(atPath: TestPaths.python) else {
            Issue.record("The reference SDK is missing: \(TestPaths.python) does not exist. Run scripts/setup.")
            throw CancellationError()
        }
        var arguments = [TestPaths.referee, "read", asset]
        for pem in trust { arguments += ["--trust", pem] }
        if let sidecar { arguments += ["--sidecar", sidecar] }
        if let mime { arguments += ["--mime", mime] }
        if let trustConfig { arguments += ["--trust-config", trustConfig] }
        if let fragment { arguments += ["--fragment", fragment] }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: TestPaths.python)
        process.arguments = arguments
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        let errorText = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            Issue.record("referee.py failed (\(process.terminationStatus)): \(errorText)")
            throw CancellationError()
        }
        return try JSONDecoder().decode(Verdict.self, from: data)
    }
}

/// Shared signing material: one test PKI for the whole run.
enum TestSigning {
    static let pki: TestPKI = try! TestPKI.generate(commonName: "ailabel unit test")
    static let directory: String = {
        let path = try! TestPaths.temporaryDirectory()
        try! pki.write(to: path)
        return path
    }()
    static var trustAnchorsPath: String { directory + "/" + TestPKI.trustAnchorsFile }
    static var signer: ManifestSigner { try! ManifestSigner(privateKeyPEM: pki.signerKeyPEM, certificateChainPEM: pki.signerChainPEM) }
    static var trust: TrustConfiguration { try! TrustConfiguration(anchorPEMs: [pki.trustAnchorsPEM]) }

    static let aiGenerated = "http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia"

    static func definition(title: String = "test.jpg") -> ManifestDefinition {
        ManifestDefinition(
            digitalSourceType: aiGenerated, title: title,
            disclosure: [(key: "jurisdiction", value: .text("EU")), (key: "visibleLabel", value: .bool(true)),
                         (key: "languages", value: .array([.text("en"), .text("kk")]))])
    }

    static func write(_ bytes: [UInt8], name: String) throws -> String {
        let path = try TestPaths.temporaryDirectory() + "/" + name
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return path
    }
}
