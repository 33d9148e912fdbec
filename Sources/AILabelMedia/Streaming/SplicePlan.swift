/// A rewrite described without doing it: the new file as a sequence of ranges of the source and new
/// blocks. A handler plans a metadata edit from its parse; the signer hashes the planned output
/// through ``output(over:)`` without writing it, swaps the signed store in for its placeholder, and
/// the plan is finally executed into a file chunk by chunk. Nothing in this holds the file.
public struct SplicePlan: Sendable, Hashable {
    /// One run of the output.
    public enum Piece: Sendable, Hashable {
        /// Bytes copied from the source.
        case source(Range<Int>)
        /// New bytes (a metadata block, a framed C2PA store).
        case bytes([UInt8])

        public var count: Int {
            switch self {
            case .source(let range): return range.count
            case .bytes(let bytes): return bytes.count
            }
        }
    }

    public private(set) var pieces: [Piece] = []
    /// The length of the output.
    public private(set) var count = 0
    /// Where the framed C2PA store lies in the output (framing included): what a data hash excludes.
    public private(set) var c2paStoreRange: Range<Int>?
    /// The index in ``pieces`` of the framed store, so a signed store can replace its placeholder.
    private var c2paPieceIndex: Int?

    public init() {}

    /// A plan that copies `range` of the source and nothing else.
    public init(copying range: Range<Int>) { copy(range) }

    /// Copies `range` of the source next (joined to the previous piece when they touch).
    public mutating func copy(_ range: Range<Int>) {
        guard !range.isEmpty else { return }
        if case .source(let previous)? = pieces.last, previous.upperBound == range.lowerBound, pieces.count - 1 != c2paPieceIndex {
            pieces[pieces.count - 1] = .source(previous.lowerBound..<range.upperBound)
        } else {
            pieces.append(.source(range))
        }
        count += range.count
    }

    /// Writes new bytes next.
    public mutating func insert(_ bytes: [UInt8]) {
        guard !bytes.isEmpty else { return }
        pieces.append(.bytes(bytes))
        count += bytes.count
    }

    /// Writes the framed C2PA store next and remembers where it lands.
    public mutating func insertC2PAStore(_ framed: [UInt8]) {
        c2paPieceIndex = pieces.count
        c2paStoreRange = count..<count + framed.count
        pieces.append(.bytes(framed))
        count += framed.count
    }

    /// Records where a store copied unchanged from the source lies in the output (a rewrite that keeps
    /// the store reports where it now sits). Such a store can be read through the plan, not replaced.
    public mutating func noteCopiedC2PAStore(_ range: Range<Int>) {
        c2paStoreRange = range
        c2paPieceIndex = nil
    }

    /// The same plan with `framed` in place of the store's placeholder; the length must not change, or
    /// every offset the signed claim hashed would move.
    public func replacingC2PAStore(with framed: [UInt8]) throws -> SplicePlan {
        guard let index = c2paPieceIndex, let range = c2paStoreRange else {
            throw MediaError.make(.invalidArgument, "the plan has no C2PA store to replace")
        }
        guard framed.count == range.count else {
            throw MediaError.make(.invalidArgument, "the signed store is \(framed.count) bytes; its placeholder was \(range.count)")
        }
        var copy = self
        copy.pieces[index] = .bytes(framed)
        return copy
    }

    /// The range of the source that `range` of the output is copied from, when one source piece holds
    /// all of it; nil when any of it is new bytes or it spans pieces.
    public func sourceRange(of range: Range<Int>) -> Range<Int>? {
        var start = 0
        for piece in pieces {
            defer { start += piece.count }
            guard range.lowerBound >= start, range.lowerBound < start + max(piece.count, 1) else { continue }
            guard case .source(let copied) = piece, range.upperBound <= start + piece.count else { return nil }
            return copied.lowerBound + (range.lowerBound - start)..<copied.lowerBound + (range.upperBound - start)
        }
        return nil
    }

    /// Whether the plan copies the whole source unchanged.
    public func isIdentity(sourceCount: Int) -> Bool {
        pieces.isEmpty ? sourceCount == 0 : pieces == [.source(0..<sourceCount)]
    }

    /// Writes the output into `sink`, reading `source` chunk by chunk.
    public func write(from source: any ByteSource, to sink: inout some ByteSink) throws {
        for piece in pieces {
            switch piece {
            case .source(let range): try sink.copy(range, of: source)
            case .bytes(let bytes): try bytes.withUnsafeBytes { try sink.write($0) }
            }
        }
    }

    /// The output as one array (for small files and tests).
    public func materialize(from source: any ByteSource) throws -> [UInt8] {
        var sink = ArrayByteSink(reservingCapacity: count)
        try write(from: source, to: &sink)
        return sink.bytes
    }

    /// The output as a source, read through the plan without being written: what a signer hashes
    /// and what a handler re-reads to check a rewrite.
    public func output(over source: any ByteSource) -> SplicedSource { SplicedSource(plan: self, source: source) }
}

/// The file a ``SplicePlan`` describes, read without being written.
public struct SplicedSource: ByteSource {
    public let plan: SplicePlan
    public let source: any ByteSource
    /// Where each piece starts in the output.
    private let starts: [Int]

    init(plan: SplicePlan, source: any ByteSource) {
        self.plan = plan
        self.source = source
        var starts: [Int] = []
        var offset = 0
        for piece in plan.pieces {
            starts.append(offset)
            offset += piece.count
        }
        self.starts = starts
    }

    public var count: Int { plan.count }

    public func read(_ range: Range<Int>) throws -> [UInt8] {
        try checkBounds(range)
        var sink = ArrayByteSink(reservingCapacity: range.count)
        try forEachChunk(in: range) { try sink.write($0) }
        return sink.bytes
    }

    public func forEachChunk(in range: Range<Int>, _ body: (UnsafeRawBufferPointer) throws -> Void) throws {
        try checkBounds(range)
        guard !range.isEmpty else { return }
        // The first piece that ends after range.lowerBound.
        var low = 0, high = starts.count
        while low < high {
            let middle = (low + high) / 2
            if starts[middle] + plan.pieces[middle].count <= range.lowerBound { low = middle + 1 } else { high = middle }
        }
        var index = low
        while index < plan.pieces.count, starts[index] < range.upperBound {
            let pieceStart = starts[index]
            let piece = plan.pieces[index]
            let from = Swift.max(range.lowerBound, pieceStart) - pieceStart
            let to = Swift.min(range.upperBound, pieceStart + piece.count) - pieceStart
            switch piece {
            case .source(let sourceRange):
                try source.forEachChunk(in: sourceRange.lowerBound + from..<sourceRange.lowerBound + to, body)
            case .bytes(let bytes):
                try bytes[from..<to].withUnsafeBytes { try body($0) }
            }
            index += 1
        }
    }
}
