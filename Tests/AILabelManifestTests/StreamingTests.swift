import Foundation
import Testing

@testable import AILabelManifest

@Suite("Streaming a file")
struct StreamingTests {
    @Test("Chunked hashing of a file equals in-memory hashing, exclusions included")
    func chunkedHash() throws {
        let signed = try TestSigning.signer.sign(try TestPaths.read("sources/medium-480x360.jpg"), definition: TestSigning.definition())
        let path = try TestSigning.write(signed, name: "chunks.jpg")
        var source = try FileAssetSource(path: path)
        source.chunkSize = 7
        let exclusions = [100..<5000, 20..<30, 6000..<6001]
        #expect(try HashAlgorithm.sha256.hash(source, excluding: exclusions) == (try HashAlgorithm.sha256.hash(signed, excluding: exclusions)))
        #expect(try HashAlgorithm.sha512.hash(source, excluding: []) == HashAlgorithm.sha512.hash(signed))
    }

    @Test("The store is found in a prefix of the file", arguments: ["medium-480x360.jpg", "medium-320x240.png"])
    func storeInPrefix(_ name: String) throws {
        let signed = try TestSigning.signer.sign(try TestPaths.read("sources/" + name), definition: TestSigning.definition())
        let whole = try StoreEmbedding.locate(in: signed)
        let store = try #require(whole.store)
        let cut = Array(signed.prefix(whole.ranges.last!.upperBound + 40))
        #expect(try StoreEmbedding.locate(in: cut, isPrefix: true).store == store)
        // A prefix that ends inside the store asks for more.
        #expect(throws: ManifestError.unsupportedAsset) {
            try StoreEmbedding.locate(in: Array(signed.prefix(whole.ranges[0].lowerBound + 100)), isPrefix: true)
        }
    }
}
