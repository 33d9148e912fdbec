/// Runs an operation over items pulled one at a time from a source (a streamed walk, a list read from
/// standard input), `jobs` at once, and hands the results over in the source's order, without ever
/// holding the whole list.
///
/// At most `window` items are started past the oldest one not yet handed over, so a slow file holds back
/// at most `window` finished results behind it: memory is bounded by the window, not by the number of
/// items. Items the source already has an answer for (a skipped file, a folder that could not be read)
/// come as ``Step/ready(_:)`` and take their place in the order without a task.
public enum OrderedBatch {
    public enum Step<Item: Sendable, Result: Sendable>: Sendable {
        /// Run the operation on this item.
        case work(Item)
        /// This result, as it is.
        case ready(Result)
    }

    /// Pulls from `next` until it returns nil; `handle` receives each result in order, on the caller's
    /// task, one at a time.
    public static func run<Item: Sendable, Result: Sendable>(
        jobs: Int, window: Int? = nil, next: () -> Step<Item, Result>?, handle: (Result) -> Void,
        _ operation: @escaping @Sendable (Item) -> Result
    ) async {
        let jobs = max(1, jobs)
        let window = max(jobs, window ?? jobs * 64)
        await withTaskGroup(of: (Int, Result).self) { group in
            var pulled = 0
            var handed = 0
            var running = 0
            var exhausted = false
            var finished: [Int: Result] = [:]

            func handOver() {
                while let result = finished.removeValue(forKey: handed) {
                    handle(result)
                    handed += 1
                }
            }

            func fill() {
                while !exhausted && running < jobs && pulled - handed < window {
                    guard let step = next() else {
                        exhausted = true
                        break
                    }
                    let index = pulled
                    pulled += 1
                    switch step {
                    case .ready(let result):
                        finished[index] = result
                        handOver()
                    case .work(let item):
                        running += 1
                        group.addTask { (index, operation(item)) }
                    }
                }
            }

            fill()
            while let (index, result) = await group.next() {
                running -= 1
                finished[index] = result
                handOver()
                fill()
            }
            handOver()
        }
    }
}
