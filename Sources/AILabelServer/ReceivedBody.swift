import AILabelMedia
import NIOCore

/// A request body kept in the buffers it arrived in, read as a file is read (``ByteSource``): ranges
/// are copied out for the structure, and hashing runs over the buffers themselves, so a body is never
/// gathered into one array first. (Gathering a 300 KB photo cost about 7% of the server's CPU per
/// request: a cold copy, Benchmarks/serve/RESULTS.md.)
struct ReceivedBody: ByteSource {
    let buffers: [ByteBuffer]
    /// Where each buffer starts in the body.
    let starts: [Int]
    let count: Int

    init(_ buffers: [ByteBuffer]) {
        var starts: [Int] = []
        starts.reserveCapacity(buffers.count)
        var position = 0
        for buffer in buffers {
            starts.append(position)
            position += buffer.readableBytes
        }
        self.buffers = buffers
        self.starts = starts
        self.count = position
    }

    func read(_ range: Range<Int>) throws -> [UInt8] {
        try checkBounds(range)
        return [UInt8](unsafeUninitializedCapacity: range.count) { out, initialized in
            var written = 0
            forEachPiece(in: range) { piece in
                UnsafeMutableRawBufferPointer(rebasing: UnsafeMutableRawBufferPointer(out)[written..<written + piece.count]).copyMemory(from: piece)
                written += piece.count
            }
            initialized = written
        }
    }

    func forEachChunk(in range: Range<Int>, _ body: (UnsafeRawBufferPointer) throws -> Void) throws {
        try checkBounds(range)
        try forEachPiece(in: range, body)
    }

    /// The parts of the buffers that `range` covers, in order.
    private func forEachPiece(in range: Range<Int>, _ body: (UnsafeRawBufferPointer) throws -> Void) rethrows {
        guard !range.isEmpty else { return }
        // The last buffer that starts at or before the range.
        var low = 0
        var high = starts.count - 1
        while low < high {
            let middle = (low + high + 1) / 2
            if starts[middle] <= range.lowerBound { low = middle } else { high = middle - 1 }
        }
        var index = low
        while index < buffers.count, starts[index] < range.upperBound {
            let start = starts[index]
            let buffer = buffers[index]
            let from = max(range.lowerBound, start) - start
            let to = min(range.upperBound, start + buffer.readableBytes) - start
            if from < to {
                try buffer.withUnsafeReadableBytes { try body(UnsafeRawBufferPointer(rebasing: $0[from..<to])) }
            }
            index += 1
        }
    }
}
