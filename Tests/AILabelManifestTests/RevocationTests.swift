import AILabelMedia
import Foundation
import Testing

@testable import AILabelManifest

/// Revocation (OCSP, RFC 6960) on verify: responses stapled in `rVals` or carried by a
/// `c2pa.certificate-status` assertion, judged as c2pa-rs judges them, with the reference SDK reading
/// the same files. The PKI and the responses are made by Fixtures/ocsp/local_ocsp.py (`openssl ocsp`
/// answering from an index.txt with a good and a revoked signer; an expired and a tampered response
/// crafted beside them).
@Suite("Revocation (OCSP)", .serialized)
struct RevocationTests {
    /// A fresh test PKI with its responses (the responder is not started: only files are needed).
    static func pki() throws -> String {
        let folder = try TestPaths.temporaryDirectory()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: TestPaths.python)
        process.arguments = [TestPaths.repositoryRoot + "/Fixtures/ocsp/local_ocsp.py", folder, "--no-serve"]
        process.standardOutput = FileHandle.nullDevice
        let errors = Pipe()
        process.standardError = errors
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            Issue.record("local_ocsp.py failed: \(String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self))")
            throw CancellationError()
        }
        return folder
    }

    static func bytes(_ path: String) throws -> [UInt8] { [UInt8](try Data(contentsOf: URL(fileURLWithPath: path))) }

    /// A JPEG signed by `signer` (good, revoked, other) of the PKI in `folder`, with `rVals` and/or a
    /// `c2pa.certificate-status` assertion holding the named responses.
    static func signed(_ folder: String, signer: String, rVals: String? = nil, certificateStatus: String? = nil,
                       timeStamper: (@Sendable ([UInt8]) throws -> [UInt8])? = nil) throws -> [UInt8] {
        var manifestSigner = try ManifestSigner(
            privateKeyPEM: String(decoding: try bytes("\(folder)/signer-\(signer).key"), as: UTF8.self),
            certificateChainPEM: String(decoding: try bytes("\(folder)/signer-\(signer)-chain.pem"), as: UTF8.self))
        manifestSigner.timeStamper = timeStamper
        if let rVals { manifestSigner.revocationValues = [try bytes("\(folder)/\(rVals).der")] }
        if let certificateStatus {
            let response = try bytes("\(folder)/\(certificateStatus).der")
            manifestSigner.certificateStatusProvider = { response }
        }
        let asset = try [UInt8](Data(contentsOf: URL(fileURLWithPath: TestPaths.repositoryRoot + "/Fixtures/media/photo-640x480.jpg")))
        return try manifestSigner.sign(asset, definition: ManifestDefinition(
            digitalSourceType: "http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia"))
    }

    static func trust(_ folder: String) throws -> TrustConfiguration {
        try TrustConfiguration(anchors: ParsedCertificate.certificates(fromPEMBundle: String(decoding: try bytes("\(folder)/root.pem"), as: UTF8.self)))
    }

    /// The codes that concern the signer's credential, as a set (the SDK's lists are sets too).
    static func credentialCodes(_ codes: [String]) -> Set<String> {
        Set(codes.filter { $0.hasPrefix("signingCredential.") })
    }

    @Test("Stapled responses (rVals, c2pa.certificate-status): good, revoked, for another certificate, expired, badly signed; ailabel and the reference SDK give the same state and codes")
    func stapledResponsesAgreeWithSDK() throws {
        let folder = try Self.pki()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let trust = try Self.trust(folder)
        var compared = 0
        for (signer, response) in [("good", "good"), ("revoked", "revoked"), ("unlisted", "unlisted"), ("good", "other"), ("good", "expired"), ("good", "badsig")] {
            for place in ["rVals", "certificate-status"] {
                let path = "\(folder)/\(signer)-\(response)-\(place).jpg"
                try Data(try Self.signed(folder, signer: signer, rVals: place == "rVals" ? response : nil,
                                         certificateStatus: place == "certificate-status" ? response : nil))
                    .write(to: URL(fileURLWithPath: path))
                for trusted in [true, false] {
                    let report = ManifestValidator(trust: trusted ? trust : .none).validate(fileAt: path)
                    let sdk = try Referee.read(path, trust: trusted ? [folder + "/root.pem"] : [])
                    let case_ = "\(signer) signer, \(response) response in \(place), \(trusted ? "trusted" : "no anchors")"
                    #expect(report.state.rawValue == sdk.state, "\(case_): ailabel \(report.state), SDK \(sdk.state ?? "-")")
                    #expect(Set(report.failureCodes) == Set(sdk.failure), "\(case_): ailabel \(report.failureCodes), SDK \(sdk.failure)")
                    #expect(Self.credentialCodes(report.statuses.map(\.code.rawValue)) == Self.credentialCodes(sdk.success + sdk.informational + sdk.failure),
                            "\(case_): ailabel \(report.statuses.map(\.code.rawValue)), SDK \(sdk.success + sdk.informational)")
                    compared += 1
                    // What the cases are for, stated outright beside the agreement.
                    let codes = Set(report.statuses.map(\.code))
                    switch (response, trusted) {
                    case ("revoked", true):
                        #expect(report.state == .invalid && codes.contains(.signingCredentialRevoked), "\(case_)")
                    case ("good", true):
                        #expect(report.state == .trusted && codes.contains(.signingCredentialNotRevoked), "\(case_)")
                    case ("other", _), ("badsig", _):
                        // A response about another certificate, or one whose signature fails, says nothing.
                        #expect(!codes.contains(.signingCredentialNotRevoked) && !codes.contains(.signingCredentialRevoked), "\(case_)")
                    default: break
                    }
                }
            }
        }
        #expect(compared == 24)
    }

    /// A time-stamp authority answering through `openssl ts -reply` with the PKI local_tsa.py makes
    /// (the script is started only to make it, then stopped).
    static func timeStamper(in folder: String) throws -> @Sendable ([UInt8]) throws -> [UInt8] {
        let maker = Process()
        maker.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        maker.arguments = ["python3", TestPaths.repositoryRoot + "/Fixtures/tsa/local_tsa.py", folder]
        let output = Pipe()
        maker.standardOutput = output
        maker.standardError = FileHandle.nullDevice
        try maker.run()
        _ = try output.fileHandleForReading.read(upToCount: 1)  // the URL's first byte: the PKI exists
        kill(maker.processIdentifier, SIGKILL)
        maker.waitUntilExit()
        return { message in
            let request = TimeStampRequest(message: message)
            let query = folder + "/query-\(UUID().uuidString).tsq"
            try Data(try request.encoded()).write(to: URL(fileURLWithPath: query))
            let reply = Process()
            reply.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            reply.arguments = ["openssl", "ts", "-reply", "-config", folder + "/tsa.cnf", "-queryfile", query]
            let answer = Pipe()
            reply.standardOutput = answer
            reply.standardError = FileHandle.nullDevice
            try reply.run()
            let bytes = [UInt8](answer.fileHandleForReading.readDataToEndOfFile())
            reply.waitUntilExit()
            return try request.token(fromResponse: bytes)
        }
    }

    @Test("A good response whose window ended before the time-stamp: judged at the time-stamp's time, as the SDK does")
    func expiredResponseJudgedAtTimeStamp() throws {
        let folder = try Self.pki()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let stamper = try Self.timeStamper(in: folder + "/tsa")
        var outcomes: [String] = []
        for place in ["rVals", "certificate-status"] {
            let path = "\(folder)/expired-\(place)-stamped.jpg"
            try Data(try Self.signed(folder, signer: "good", rVals: place == "rVals" ? "expired" : nil,
                                     certificateStatus: place == "certificate-status" ? "expired" : nil, timeStamper: stamper))
                .write(to: URL(fileURLWithPath: path))
            var trust = try Self.trust(folder)
            trust.timeStampAnchors = try ParsedCertificate.certificates(fromPEMBundle: String(decoding: try Self.bytes(folder + "/tsa/tsa-root.pem"), as: UTF8.self))
            let report = ManifestValidator(trust: trust).validate(fileAt: path)
            let sdk = try Referee.read(path, trust: [folder + "/root.pem", folder + "/tsa/tsa-root.pem"])
            #expect(report.statuses.contains { $0.code == .timeStampTrusted }, "\(place): the time-stamp must hold for the test to mean anything")
            #expect(report.state.rawValue == sdk.state, "\(place): ailabel \(report.state), SDK \(sdk.state ?? "-")")
            #expect(Set(report.failureCodes) == Set(sdk.failure), "\(place): ailabel \(report.failureCodes), SDK \(sdk.failure)")
            #expect(Self.credentialCodes(report.statuses.map(\.code.rawValue)) == Self.credentialCodes(sdk.success + sdk.informational + sdk.failure),
                    "\(place): ailabel \(report.statuses.map(\.code.rawValue)), SDK \(sdk.success + sdk.informational)")
            outcomes.append("\(place): \(report.state) \(report.failureCodes)")
        }
        print("expired OCSP response under a time-stamp: \(outcomes.joined(separator: "; "))")
    }

    @Test("The OCSP request names the signer exactly as openssl's does (SHA-1 CertID, NULL parameters, no nonce)")
    func requestMatchesOpenSSL() throws {
        let folder = try Self.pki()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let chain = try ParsedCertificate.certificates(fromPEMBundle: String(decoding: try Self.bytes("\(folder)/signer-good-chain.pem"), as: UTF8.self))
        let request = try #require(OCSPRequest(chain: chain))
        #expect(try request.encoded() == Self.bytes("\(folder)/request-good.der"))
        #expect(OCSPRequest(chain: [chain[0]]) == nil, "without the issuer no request can name the certificate")
        // The responder's answer names the same certificate; another signer's answer does not.
        let good = try OCSPResponse(derEncoded: Self.bytes("\(folder)/good.der"))
        #expect(good.basic?.responses.first?.certID == request.certID)
        #expect(OCSPChecker.names(try #require(good.basic?.responses.first?.certID), chain))
        let other = try OCSPResponse(derEncoded: Self.bytes("\(folder)/other.der"))
        #expect(!OCSPChecker.names(try #require(other.basic?.responses.first?.certID), chain))
    }

    @Test("The checker's rules: a revoked status before the time-stamp, the window of a good status, unknown, a foreign responder")
    func checkerRules() throws {
        let folder = try Self.pki()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let trust = try Self.trust(folder)
        let checker = OCSPChecker(trust: trust)
        func chain(_ signer: String) throws -> [ParsedCertificate] {
            try ParsedCertificate.certificates(fromPEMBundle: String(decoding: try Self.bytes("\(folder)/signer-\(signer)-chain.pem"), as: UTF8.self))
        }
        let good = try Self.bytes("\(folder)/good.der")
        let revoked = try Self.bytes("\(folder)/revoked.der")
        let expired = try Self.bytes("\(folder)/expired.der")
        let now = Date()
        #expect(checker.judge(good, signer: try chain("good"), signingTime: nil).isNotRevoked)
        // Revoked (keyCompromise) a day ago: revoked now, but a signature time-stamped two days ago stands.
        #expect(checker.judge(revoked, signer: try chain("revoked"), signingTime: nil).isRevoked)
        let before = checker.judge(revoked, signer: try chain("revoked"), signingTime: now.addingTimeInterval(-2 * 86400))
        #expect(!before.isRevoked && !before.isNotRevoked && before.statuses.isEmpty)
        // A good status whose window (three to two days ago) ended before the time-stamp: taken as revoked
        // (c2pa-rs); with no time-stamp, only thisUpdate is compared with now.
        #expect(checker.judge(expired, signer: try chain("good"), signingTime: now).isRevoked)
        #expect(checker.judge(expired, signer: try chain("good"), signingTime: nil).isNotRevoked)
        #expect(checker.judge(expired, signer: try chain("good"), signingTime: now.addingTimeInterval(-2.5 * 86400)).isNotRevoked)
        #expect(checker.judge(expired, signer: try chain("good"), signingTime: now.addingTimeInterval(-3.5 * 86400)).isNotRevoked,
                "before thisUpdate counts as in range (c2pa-rs)")
        // Without anchors the responder cannot be trusted: a stapled response counts for nothing, though
        // what it says is still read (the certificate-status gathering of c2pa-rs).
        let untrusted = OCSPChecker(trust: .none)
        #expect(untrusted.judge(revoked, signer: try chain("revoked"), signingTime: nil).statuses.isEmpty)
        #expect(untrusted.read(revoked, signer: try chain("revoked"), signingTime: nil).isRevoked)
        // A certificate the responder does not know: signingCredential.ocsp.unknown, informational (the
        // reference SDK reports it so), and no verdict.
        let unknown = checker.judge(try Self.bytes("\(folder)/unlisted.der"), signer: try chain("unlisted"), signingTime: nil)
        #expect(unknown.statuses.map(\.code) == [.signingCredentialOCSPUnknown] && unknown.verdicts.isEmpty)
        // A response about the good signer says nothing about the revoked one.
        #expect(checker.judge(good, signer: try chain("revoked"), signingTime: nil).statuses.isEmpty)
    }

    @Test("Hostile OCSP responses: garbage, every truncation, nesting and oversize are refused with ocsp-malformed or ignored, never a crash")
    func hostileResponses() throws {
        let folder = try Self.pki()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let good = try Self.bytes("\(folder)/good.der")
        let chain = try ParsedCertificate.certificates(fromPEMBundle: String(decoding: try Self.bytes("\(folder)/signer-good-chain.pem"), as: UTF8.self))
        // A successful status without responseBytes is readable (they are optional) and says nothing.
        #expect(try OCSPResponse(derEncoded: [0x30, 0x03, 0x0A, 0x01, 0x00]).basic == nil)
        var cases: [[UInt8]] = [[], [0x30], [0x30, 0x80], [0x0A, 0x01, 0x00], Array("not DER".utf8),
                                [0x30, 0x05, 0x0A, 0x01, 0x00, 0xA0, 0x00], [0x30, 0x03, 0x0A, 0x02, 0x00]]
        var nested: [UInt8] = [0x05, 0x00]
        for _ in 0..<60 { nested = [0x30, UInt8(nested.count)] + nested }
        cases.append(nested)
        cases.append([UInt8](repeating: 0x30, count: OCSPResponse.maximumSize + 1))
        for length in 0..<good.count { cases.append(Array(good.prefix(length))) }
        for bytes in cases {
            #expect(throws: ManifestError.ocspMalformed) { try OCSPResponse(derEncoded: bytes) }
            #expect(OCSPChecker(trust: .none).read(bytes, signer: chain, signingTime: nil).statuses.isEmpty)
        }
        // Every single byte changed: read or refused, never a crash, and a stapled response that was
        // tampered with anywhere (its data, its signature, the responder's certificate) never vouches.
        let checker = OCSPChecker(trust: try Self.trust(folder))
        #expect(checker.judge(good, signer: chain, signingTime: nil).isNotRevoked)
        var vouching: [Int] = []
        for index in 0..<good.count {
            var bytes = good
            bytes[index] ^= 0x41
            if checker.judge(bytes, signer: chain, signingTime: nil).isNotRevoked { vouching.append(index) }
        }
        #expect(vouching.isEmpty, "tampered at \(vouching) and still vouching")
    }
}
