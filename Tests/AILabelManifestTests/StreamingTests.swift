import AILabelMedia
import Foundation
import Testing

@testable import AILabelManifest

@Suite("Streaming a file")
struct StreamingTests {
    @Test("Chunked hashing of a file equals in-memory hashing, exclusions included")
    func chunkedHash() throws {
        let signed = try TestSigning.signer.sign(try TestPaths.read("sources/medium-480x360.jpg"), definition: TestSigning.definition())
        let path = try TestSigning.write(signed, name: "chunks.jpg")
        let source = try FileByteSource(path: path, chunkSize: 7)
        let exclusions = [100..<5000, 20..<30, 6000..<6001]
        #expect(try HashAlgorithm.sha256.hash(source, excluding: exclusions) == (try HashAlgorithm.sha256.hash(signed, excluding: exclusions)))
        #expect(try HashAlgorithm.sha512.hash(source, excluding: []) == HashAlgorithm.sha512.hash(signed))
    }

    @Test("A file is validated by positioned reads and a streamed hash", arguments: ["medium-480x360.jpg", "medium-320x240.png"])
    func streamedValidation(_ name: String) throws {
        let signed = try TestSigning.signer.sign(try TestPaths.read("sources/" + name), definition: TestSigning.definition())
        let path = try TestSigning.write(signed, name: "streamed-" + name)
        let validator = ManifestValidator(trust: TestSigning.trust)
        let report = validator.validate(fileAt: path, chunkSize: 4096)
        #expect(report.state == .trusted, "\(report.statuses)")
        #expect(report.statuses == validator.validate(asset: signed).statuses, "streamed and in-memory validation agree")
        var tampered = signed
        tampered[tampered.count - 20] ^= 0x40
        let tamperedPath = try TestSigning.write(tampered, name: "streamed-tampered-" + name)
        #expect(validator.validate(fileAt: tamperedPath, chunkSize: 4096).failureCodes == ["assertion.dataHash.mismatch"])
    }

    @Test("The store is found in a prefix of the file", arguments: ["medium-480x360.jpg", "medium-320x240.png"])
    func storeInPrefix(_ name: String) throws {
        let signed = try TestSigning.signer.sign(try TestPaths.read("sources/" + name), definition: TestSigning.definition())
        let whole = try ManifestDebug.locateStore(in: signed)
        let store = try #require(whole.store)
        let cut = Array(signed.prefix(whole.ranges.last!.upperBound + 40))
        #expect(try ManifestDebug.locateStore(in: cut, isPrefix: true).store == store)
        // A prefix that ends inside the store asks for more.
        #expect(throws: ManifestError.unsupportedAsset) {
            try ManifestDebug.locateStore(in: Array(signed.prefix(whole.ranges[0].lowerBound + 100)), isPrefix: true)
        }
    }
}
