import AILabelMedia
import AILabelTestSupport
import NIOCore
import Testing

@testable import AILabelServer

/// A request body read in the buffers it arrived in, and the memory budget such bodies share.
@Suite("Received bodies")
struct ReceivedBodyTests {
    static func body(_ bytes: [UInt8], cuts: [Int]) -> ReceivedBody {
        var buffers: [ByteBuffer] = []
        var start = 0
        for cut in cuts + [bytes.count] {
            // A slice with bytes before it, as a body part sliced out of a read that also held headers.
            var buffer = ByteBuffer(bytes: [9, 9, 9] + bytes[start..<cut])
            buffer.moveReaderIndex(forwardBy: 3)
            buffers.append(buffer)
            start = cut
        }
        return ReceivedBody(buffers)
    }

    @Test("every range reads the bytes an array holds there, across buffer edges and empty buffers")
    func rangesMatchAnArray() throws {
        let bytes = (0..<5000).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ $0 >> 7) }
        let source = Self.body(bytes, cuts: [1, 1, 700, 2048, 2049, 4999])
        #expect(source.count == bytes.count)
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<500 {
            let lower = Int.random(in: 0...bytes.count, using: &generator)
            let upper = Int.random(in: lower...bytes.count, using: &generator)
            #expect(try source.read(lower..<upper) == Array(bytes[lower..<upper]))
            var chunked: [UInt8] = []
            try source.forEachChunk(in: lower..<upper) { chunked += $0 }
            #expect(chunked == Array(bytes[lower..<upper]))
        }
        #expect(throws: MediaError.self) { try source.read(4990..<5001) }
        #expect(throws: MediaError.self) { try source.forEachChunk(in: -1..<3) { _ in } }
    }

    @Test("a JPEG parses the same from its received buffers as from one array")
    func parsesAsAnArray() throws {
        let bytes = try Repository.fixtureBytes("media/photo-640x480.jpg")
        let cuts = stride(from: 65536, to: bytes.count, by: 65536).map { $0 }
        let fromBuffers = try MediaFile(path: "photo.jpg", source: Self.body(bytes, cuts: cuts))
        let fromArray = try MediaFile(path: "photo.jpg", bytes: bytes)
        #expect(fromBuffers.contents.blocks.map(\.name) == fromArray.contents.blocks.map(\.name))
        #expect(fromBuffers.contents.xmp == fromArray.contents.xmp)
        #expect(fromBuffers.contents.imageDataRanges == fromArray.contents.imageDataRanges)
    }

    @Test("the memory budget grants bodies up to its capacity, refuses past it, and takes back what is released")
    func budget() {
        let budget = UploadMemory(capacity: 10 << 20)
        var first = budget.reserve(4 << 20)
        #expect(first != nil && budget.reserved == 4 << 20)
        #expect(budget.reserve((4 << 20) + 1) == nil, "over the per-request limit")
        #expect(budget.reserve(0) == nil)
        let second = budget.reserve(4 << 20)
        #expect(second != nil)
        #expect(budget.reserve(3 << 20) == nil, "past the capacity")
        first = nil
        #expect(budget.reserved == 4 << 20)
        #expect(budget.reserve(3 << 20) != nil)
        _ = second
    }
}
