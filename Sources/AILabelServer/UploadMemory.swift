import Synchronization

/// The bytes of request bodies held in memory at once, across all requests (``Upload``): 64 MiB, at most
/// 4 MiB per request. A body that does not fit, or that arrives while the budget is spent, goes to a
/// spool file instead, so the server's memory does not grow with the size or number of uploads.
final class UploadMemory: Sendable {
    /// The largest body kept in memory.
    static let perRequest = 4 << 20
    /// The process's budget.
    static let shared = UploadMemory(capacity: 64 << 20)

    let capacity: Int
    private let held = Mutex(0)

    init(capacity: Int) {
        self.capacity = capacity
    }

    /// Bytes granted to one body; given back when the reservation is released (when its upload ends).
    final class Reservation: Sendable {
        let bytes: Int
        private let budget: UploadMemory

        fileprivate init(bytes: Int, budget: UploadMemory) {
            self.bytes = bytes
            self.budget = budget
        }

        deinit { budget.held.withLock { $0 -= bytes } }
    }

    /// `bytes` of the budget, or `nil` when they would pass it.
    func reserve(_ bytes: Int) -> Reservation? {
        guard bytes > 0, bytes <= Self.perRequest else { return nil }
        let granted = held.withLock { held -> Bool in
            guard bytes <= capacity - held else { return false }
            held += bytes
            return true
        }
        return granted ? Reservation(bytes: bytes, budget: self) : nil
    }

    /// The bytes granted now.
    var reserved: Int { held.withLock { $0 } }
}
