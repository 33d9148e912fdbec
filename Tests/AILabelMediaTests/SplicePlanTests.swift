import AILabelMedia
import AILabelTestSupport
import Foundation
import Testing

/// The streaming core: positioned reads, plans of source ranges and new blocks, and the planned
/// output read without being written.
@Suite struct SplicePlanTests {
    let source: [UInt8] = (0..<10_000).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }

    @Test func planCopiesRangesAndInsertsBlocksInOrder() throws {
        var plan = SplicePlan()
        plan.copy(0..<100)
        plan.copy(100..<200)  // touches the previous range: joined
        plan.insert([1, 2, 3])
        plan.insertC2PAStore([9, 9, 9, 9])
        plan.copy(5000..<10_000)
        #expect(plan.pieces.count == 4)
        #expect(plan.count == 200 + 3 + 4 + 5000)
        #expect(plan.c2paStoreRange == 203..<207)
        let expected = Array(source[0..<200]) + [1, 2, 3, 9, 9, 9, 9] + Array(source[5000...])
        #expect(try plan.materialize(from: source) == expected)
    }

    @Test func outputViewReadsEveryRangeAsTheMaterialisedFile() throws {
        var plan = SplicePlan()
        plan.copy(10..<3000)
        plan.insertC2PAStore(Array(repeating: 0xAA, count: 17))
        plan.insert([5])
        plan.copy(3000..<9000)
        let whole = try plan.materialize(from: source)
        let view = plan.output(over: source)
        #expect(view.count == whole.count)
        for range in [0..<1, 0..<whole.count, 2989..<2991, 2990..<3008, 3006..<3010, 3000..<whole.count, whole.count..<whole.count] {
            #expect(try view.read(range) == Array(whole[range]), "range \(range)")
        }
        var chunks: [UInt8] = []
        try view.forEachChunk(in: 5..<whole.count - 5) { chunks.append(contentsOf: $0) }
        #expect(chunks == Array(whole[5..<whole.count - 5]))
    }

    @Test func signedStoreReplacesItsPlaceholderOnlyAtTheSameLength() throws {
        var plan = SplicePlan(copying: 0..<50)
        plan.insertC2PAStore([0, 0, 0])
        plan.copy(50..<60)
        let signed = try plan.replacingC2PAStore(with: [7, 8, 9])
        #expect(try signed.materialize(from: source) == Array(source[0..<50]) + [7, 8, 9] + Array(source[50..<60]))
        #expect(throws: MediaError.self) { try plan.replacingC2PAStore(with: [1, 2]) }
        #expect(throws: MediaError.self) { try SplicePlan(copying: 0..<5).replacingC2PAStore(with: [1]) }
    }

    @Test("A read into a caller's buffer gives what read(_:) gives, from a file, an array and a planned output; past the end it is truncated")
    func readIntoABuffer() throws {
        let bytes = (0..<200_000).map { UInt8(truncatingIfNeeded: $0 &* 31 >> 3) }
        let folder = try Repository.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("source.bin").path
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        var plan = SplicePlan()
        plan.copy(100_000..<200_000)
        plan.insert([1, 2, 3])
        plan.copy(0..<100_000)
        let sources: [any ByteSource] = [bytes, try FileByteSource(path: path, chunkSize: 4096), plan.output(over: bytes)]
        for source in sources {
            for (offset, count) in [(0, 10), (99_990, 20), (12_345, 70_000), (source.count - 5, 5)] {
                var buffer = [UInt8](repeating: 0xEE, count: count)
                try buffer.withUnsafeMutableBytes { try source.read(into: $0, at: offset) }
                #expect(buffer == (try source.read(offset..<offset + count)), "\(type(of: source)) at \(offset)")
            }
            var past = [UInt8](repeating: 0, count: 10)
            #expect(throws: MediaError.truncated) { try past.withUnsafeMutableBytes { try source.read(into: $0, at: source.count - 5) } }
        }
    }

    @Test func rangeBeyondTheSourceIsTruncatedNotATrap() throws {
        var plan = SplicePlan()
        plan.copy(9000..<10_001)
        #expect(throws: MediaError.truncated) { try plan.materialize(from: source) }
        #expect(throws: MediaError.truncated) { try source.read(at: 9999, count: 2, "a header") }
        #expect(throws: MediaError.truncated) { try source.read(at: -1, count: 2) }
        #expect(throws: MediaError.truncated) { try source.read(at: 10, count: Int.max) }
        #expect(throws: MediaError.truncated) { try plan.output(over: source).read(0..<plan.count + 1) }
    }

    @Test func fileSourceReadsByPositionInChunks() throws {
        let folder = try Repository.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("data.bin").path
        try Data(source).write(to: URL(fileURLWithPath: path))
        let file = try FileByteSource(path: path, chunkSize: 4096)
        #expect(file.count == source.count)
        #expect(try file.read(1234..<5678) == Array(source[1234..<5678]))
        var sizes: [Int] = []
        var seen: [UInt8] = []
        try file.forEachChunk(in: 1..<9999) { sizes.append($0.count); seen.append(contentsOf: $0) }
        #expect(seen == Array(source[1..<9999]))
        #expect(sizes.allSatisfy { $0 <= 4096 })
        #expect(throws: MediaError.truncated) { try file.read(9999..<10_001) }

        var plan = SplicePlan(copying: 0..<4000)
        plan.insert([0xFF])
        plan.copy(6000..<10_000)
        #expect(try plan.materialize(from: file) == plan.materialize(from: source))
    }

    @Test func fileSourceRefusesWhatIsNotARegularFile() throws {
        let folder = try Repository.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        #expect(throws: MediaError.self) { try FileByteSource(path: folder.path) }
        #expect(throws: MediaError.self) { try FileByteSource(path: folder.appendingPathComponent("missing").path) }
    }

    @Test func fileThatShrinksUnderTheReaderIsAnErrorNotShortData() throws {
        let folder = try Repository.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("data.bin").path
        try Data(source).write(to: URL(fileURLWithPath: path))
        let file = try FileByteSource(path: path)
        try Data(source[0..<100]).write(to: URL(fileURLWithPath: path))  // truncates the same inode
        #expect(throws: MediaError.truncated) { try file.read(0..<1000) }
    }
}
