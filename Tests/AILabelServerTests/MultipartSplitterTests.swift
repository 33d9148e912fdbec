import AILabelTestSupport
import Foundation
import NIOCore
import Testing

@testable import AILabelServer

/// `multipart/form-data` bodies split as they stream in.
@Suite("Multipart bodies")
struct MultipartSplitterTests {
    static func split(_ body: [UInt8], chunk: Int) throws -> (file: [UInt8], xmp: [UInt8]?) {
        let folder = try Repository.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let spool = try SpoolFile(in: folder.path)
        var splitter = try #require(MultipartSplitter(contentType: "multipart/form-data; boundary=B", file: spool))
        for start in stride(from: 0, to: body.count, by: chunk) {
            try splitter.feed(ByteBuffer(bytes: body[start..<min(body.count, start + chunk)]))
        }
        try splitter.finish()
        let file = [UInt8](try Data(contentsOf: URL(fileURLWithPath: spool.path)))
        spool.remove()
        return (file, splitter.smallParts["xmp"])
    }

    @Test("A part split across any chunk boundary arrives whole, before and after the other parts")
    func partsAcrossChunks() throws {
        let content = (0..<5_000).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        let body = Array("--B\r\nContent-Disposition: form-data; name=\"xmp\"\r\n\r\n<x/>\r\n--B\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.jpg\"\r\n\r\n".utf8)
            + content + Array("\r\n--B--\r\n".utf8)
        for chunk in [1, 2, 3, 7, 64, 1_000, body.count] {
            let (file, xmp) = try Self.split(body, chunk: chunk)
            #expect(file == content, "chunks of \(chunk)")
            #expect(xmp == Array("<x/>".utf8), "chunks of \(chunk)")
        }
    }

    @Test("Attack: a body of 200,000 empty parts in 64 KB chunks is split with each chunk's consumed bytes dropped once (they were dropped part by part, moving the rest of the buffer each time)")
    func twoHundredThousandEmptyParts() throws {
        let empty = Array("--B\r\nContent-Disposition: form-data; name=\"xmp\"\r\n\r\n\r\n".utf8)
        let body = (0..<200_000).flatMap { _ in empty } + Array("--B\r\nContent-Disposition: form-data; name=\"file\"\r\n\r\nABC\r\n--B--\r\n".utf8)
        let (file, xmp) = try Self.split(body, chunk: 64 << 10)
        #expect(file == Array("ABC".utf8))
        #expect(xmp == [])
    }
}
