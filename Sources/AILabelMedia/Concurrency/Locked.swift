import Foundation

/// A value guarded by a pthread mutex (through `NSLock`).
///
/// Used instead of the standard library's `Mutex`, whose futex-based lock on Linux lives in a library
/// ThreadSanitizer does not instrument: TSan then sees no ordering between two critical sections and
/// reports every guarded access as a race, so real races would drown. `pthread_mutex_lock` is
/// intercepted by TSan, so `scripts/tsan` checks this locking for real.
final class Locked<Value: ~Copyable>: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Value

    init(_ value: consuming Value) { self.value = value }

    func withLock<Result>(_ body: (inout Value) throws -> Result) rethrows -> Result {
        lock.lock()
        defer { lock.unlock() }
        return try body(&value)
    }
}
