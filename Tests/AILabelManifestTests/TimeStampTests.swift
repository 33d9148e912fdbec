import AILabelMedia
import Foundation
import Testing

@testable import AILabelManifest

/// RFC 3161 time-stamps on verify: the codes match the reference SDK's on the real files of
/// `../shared/wild`, and hostile tokens get a clear code.
@Suite("Time-stamps (sigTst, sigTst2, c2pa.time-stamp)")
struct TimeStampTests {
    static var wildFolder: String { TestPaths.repositoryRoot + "/../shared/wild/files" }

    /// Every real file whose active manifest the SDK reports time-stamp codes for: ailabel gives the
    /// same set of `timeStamp.*` codes, and judges the certificate at the same time (whether
    /// `signingCredential.expired` is reported agrees).
    @Test("timeStamp codes agree with the reference SDK on the real files of ../shared/wild")
    func wildFilesAgreeWithSDK() throws {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: Self.wildFolder) else {
            print("skipped: \(Self.wildFolder) is absent (a user's clone); CI has ../shared beside the repository")
            return
        }
        var compared = 0
        var stamped = 0
        var disagreements: [String] = []
        for name in names.sorted() where name.hasSuffix(".jpg") || name.hasSuffix(".jpeg") || name.hasSuffix(".png") {
            let path = Self.wildFolder + "/" + name
            let sdk = try Referee.read(path, trust: [])
            guard sdk.state != "absent", sdk.state != "error" else { continue }
            let report = ManifestValidator().validate(fileAt: path)
            let sdkCodes = Set((sdk.success + sdk.informational).filter { $0.hasPrefix("timeStamp.") })
            let ours = Set(report.statuses.map(\.code.rawValue).filter { $0.hasPrefix("timeStamp.") })
            let sdkExpired = sdk.failure.contains("signingCredential.expired")
            let ourExpired = report.statuses.contains { $0.code == .signingCredentialExpired }
            // A certificate swift-certificates cannot read yet (RSA-PSS keys: the pss work) is never
            // judged for expiry; its time-stamp codes are still compared.
            let unreadable = report.statuses.contains { $0.explanation.contains("cannot be parsed") }
            compared += 1
            if !sdkCodes.isEmpty { stamped += 1 }
            if sdkCodes != ours || (sdkExpired != ourExpired && !unreadable) {
                disagreements.append("\(name): SDK \(sdkCodes.sorted()) expired=\(sdkExpired), ailabel \(ours.sorted()) expired=\(ourExpired)")
            }
        }
        print("time-stamps: \(compared) files with a manifest compared, \(stamped) time-stamped, \(disagreements.count) disagree")
        #expect(stamped >= 20, "the corpus should hold many time-stamped files")
        #expect(disagreements.isEmpty, "\(disagreements.joined(separator: "\n"))")
    }

    @Test("Hostile tokens: garbage, truncation, nesting and oversize are timeStamp.malformed, never a crash")
    func hostileTokens() throws {
        let verifier = TimeStampVerifier(trust: .none)
        var cases: [[UInt8]] = [[], [0x30], [0x30, 0x80], [0x04, 0x00], Array("not DER".utf8)]
        // 60 nested SEQUENCEs: deeper than swift-asn1's limit.
        var nested: [UInt8] = [0x05, 0x00]
        for _ in 0..<60 { nested = [0x30, UInt8(nested.count)] + nested }
        cases.append(nested)
        cases.append([UInt8](repeating: 0x30, count: TimeStampToken.maximumSize + 1))
        // A ContentInfo of the wrong type, and one whose SignedData is empty.
        cases.append([0x30, 0x0D, 0x06, 0x09, 0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x07, 0x01, 0xA0, 0x00])
        cases.append([0x30, 0x0F, 0x06, 0x09, 0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x07, 0x02, 0xA0, 0x02, 0x30, 0x00])
        for bytes in cases {
            let outcome = verifier.verify(bytes, over: [1, 2, 3], checkTrust: true)
            #expect(outcome.time == nil)
            #expect(outcome.statuses.map(\.code) == [.timeStampMalformed], "\(bytes.prefix(8))")
        }
    }

    @Test("A real token over other bytes is timeStamp.mismatch; a truncated one is malformed")
    func realTokenMismatch() throws {
        guard let (token, _) = try Self.firstWildToken() else {
            print("skipped: no time-stamped file in \(Self.wildFolder)")
            return
        }
        let mismatch = TimeStampVerifier(trust: .none).verify(token, over: Array("other bytes".utf8), checkTrust: false)
        #expect(mismatch.time == nil)
        #expect(mismatch.statuses.last?.code == .timeStampMismatch)
        for cut in [1, 10, token.count / 2, token.count - 1] {
            let outcome = TimeStampVerifier(trust: .none).verify(Array(token.prefix(cut)), over: [], checkTrust: false)
            #expect(outcome.statuses.map(\.code) == [.timeStampMalformed])
        }
    }

    @Test("Without anchors a v2 claim's time-stamp is validated but untrusted, and then does not move the signing time")
    func untrustedAuthorityIsNotUsed() throws {
        guard let (token, data) = try Self.firstWildToken() else {
            print("skipped: no time-stamped file in \(Self.wildFolder)")
            return
        }
        let checked = TimeStampVerifier(trust: .none).verify(token, over: data, checkTrust: true)
        #expect(checked.statuses.map(\.code).contains(.timeStampValidated))
        #expect(checked.statuses.last?.code == .timeStampUntrusted)
        #expect(checked.time == nil)
        let unchecked = TimeStampVerifier(trust: .none).verify(token, over: data, checkTrust: false)
        #expect(unchecked.statuses.map(\.code) == [.timeStampValidated, .timeStampTrusted])
        #expect(unchecked.time != nil)
    }

    /// The first `sigTst`/`sigTst2` token of a wild file whose time-stamp validates, with the bytes it stamps.
    static func firstWildToken() throws -> ([UInt8], [UInt8])? {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: wildFolder) else { return nil }
        for name in names.sorted() where name.hasSuffix(".jpg") {
            let asset = [UInt8](try Data(contentsOf: URL(fileURLWithPath: wildFolder + "/" + name)))
            guard let located = try? ManifestDebug.locateStore(in: asset), let storeBytes = located.store,
                let store = try? ManifestStore(parsing: storeBytes), let manifest = store.activeManifest,
                let signature = manifest.signatureBytes, let claim = manifest.claimBytes,
                let sign1 = try? COSESign1(decoding: signature),
                let (version, container) = COSETimeStamp.container(of: sign1),
                let token = COSETimeStamp.tokens(in: container)?.first
            else { continue }
            let data = COSETimeStamp.imprintedBytes(version, claimBytes: claim, sign1: sign1)
            if TimeStampVerifier(trust: .none).verify(token, over: data, checkTrust: false).time != nil { return (token, data) }
        }
        return nil
    }
}
