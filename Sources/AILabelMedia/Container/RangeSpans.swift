/// Byte ranges as the spans they cover, and binary search over sorted lists: what lets a parser ask
/// "is this offset in one of those ranges" in log n rather than scanning them, when a hostile file can
/// hold a million boxes or segments to ask about.
public enum RangeSpans {
    /// `ranges` joined where they overlap or touch, empty ones dropped, in order: the spans they cover
    /// without a gap.
    public static func joined(_ ranges: [Range<Int>]) -> [Range<Int>] {
        var spans: [Range<Int>] = []
        for range in ranges.filter({ !$0.isEmpty }).sorted(by: { $0.lowerBound < $1.lowerBound }) {
            if let last = spans.last, range.lowerBound <= last.upperBound {
                spans[spans.count - 1] = last.lowerBound..<max(last.upperBound, range.upperBound)
            } else {
                spans.append(range)
            }
        }
        return spans
    }

    /// The index of the first item for which `isBefore` is false, in a list where it is true of a
    /// prefix and false of the rest (`items.count` when it is true of all).
    public static func boundary<Item>(in items: [Item], after isBefore: (Item) -> Bool) -> Int {
        var low = 0
        var high = items.count
        while low < high {
            let middle = (low + high) / 2
            if isBefore(items[middle]) { low = middle + 1 } else { high = middle }
        }
        return low
    }

    /// The span of `spans` (sorted, disjoint) holding `offset`, if one does.
    public static func span(holding offset: Int, in spans: [Range<Int>]) -> Range<Int>? {
        let index = boundary(in: spans) { $0.upperBound <= offset }
        return index < spans.count && spans[index].contains(offset) ? spans[index] : nil
    }
}
