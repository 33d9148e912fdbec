/// Where the bytes of a file land when its boxes are rewritten: each run of bytes copied from the old
/// file, with its new position. ISO BMFF files point into themselves by absolute offsets (HEIF `iloc`
/// extents, MP4 `stco`/`co64` chunk offsets), so every such offset is moved with the bytes it points
/// to; an offset into bytes that are not copied (a replaced box) cannot be moved and is refused.
public struct BMFFRelocation: Sendable {
    /// Old range and new start of each copied run, in old-file order.
    public private(set) var runs: [(old: Range<Int>, newStart: Int)] = []

    public init() {}

    public mutating func copied(_ old: Range<Int>, to newStart: Int) {
        guard !old.isEmpty else { return }
        // Runs come in old-file order from every rewrite; sorted only when one does not.
        let inOrder = runs.last.map { $0.old.lowerBound <= old.lowerBound } ?? true
        runs.append((old, newStart))
        if !inOrder { runs.sort { $0.old.lowerBound < $1.old.lowerBound } }
    }

    /// The new offset of the byte at `old`, when it is copied.
    public func moved(_ old: Int) -> Int? {
        var low = 0
        var high = runs.count
        while low < high {
            let middle = (low + high) / 2
            if runs[middle].old.upperBound <= old { low = middle + 1 } else { high = middle }
        }
        guard low < runs.count, runs[low].old.contains(old) else { return nil }
        return runs[low].newStart + (old - runs[low].old.lowerBound)
    }

    /// How far the run holding all of `old` moves, when one copied run holds it whole. An empty range
    /// moves with the byte it starts at.
    public func shift(of old: Range<Int>) -> Int? {
        // Runs are sorted and disjoint: a binary search, as in `moved` (a scan per extent was quadratic).
        let low = RangeSpans.boundary(in: runs) { $0.old.upperBound <= old.lowerBound }
        guard low < runs.count, runs[low].old.contains(old.lowerBound), old.upperBound <= runs[low].old.upperBound else { return nil }
        return runs[low].newStart - runs[low].old.lowerBound
    }

    /// Rewrites the chunk offsets of every `stco` and `co64` box in `box` (a `moov` or anything holding
    /// one, found in `tree`), returning the patched copy of the box's bytes.
    public func relocatingChunkOffsets(in boxIndex: Int, of tree: BMFFTree, bytes boxBytes: [UInt8]) throws -> [UInt8] {
        var out = boxBytes
        let base = tree.boxes[boxIndex].range.lowerBound
        var pending = [boxIndex]
        while let index = pending.popLast() {
            let box = tree.boxes[index]
            pending += box.children
            guard box.type == .stco || box.type == .co64 else { continue }
            let width = box.type == .stco ? 4 : 8
            let start = box.payloadStart - base
            let end = box.range.upperBound - base
            guard end - start >= 4 else { throw MediaError.make(.truncated, "\(box.type.quoted) at byte \(box.range.lowerBound) has no entry count") }
            let count = Int(BigEndian.uint32(out, start))
            guard count <= (end - start - 4) / width else {
                throw MediaError.make(.truncated, "\(box.type.quoted) at byte \(box.range.lowerBound) declares \(count) chunk offsets, more than it holds")
            }
            for entry in 0..<count {
                let at = start + 4 + entry * width
                let old = width == 4 ? Int(BigEndian.uint32(out, at)) : Int(clamping: BigEndian.uint64(out, at))
                guard let new = moved(old) else {
                    throw MediaError.make(.malformed, "chunk offset \(old) in \(box.type.quoted) at byte \(box.range.lowerBound) points outside the media data")
                }
                var encoded: [UInt8] = []
                if width == 4 {
                    guard new <= Int(UInt32.max) else {
                        throw MediaError.make(.limitExceeded, "a chunk offset moves past 4 GB, beyond what \(box.type.quoted) can hold")
                    }
                    BigEndian.append(UInt32(new), to: &encoded)
                } else {
                    BigEndian.append(UInt64(new), to: &encoded)
                }
                out.replaceSubrange(at..<at + width, with: encoded)
            }
        }
        return out
    }
}
