#if canImport(Glibc)
import Glibc
#endif

/// A value guarded by a pthread mutex.
///
/// Used instead of the standard library's `Mutex`, whose futex-based lock on Linux lives in a library
/// ThreadSanitizer does not instrument: TSan then sees no ordering between two critical sections and
/// reports every guarded access as a race, so real races would drown. `pthread_mutex_lock` is
/// intercepted by TSan, so `scripts/tsan` checks this locking for real. (Not `NSLock`: this module
/// stays free of Foundation, whose ICU clashes with the system ICU that libxml2's headers pull in.)
final class Locked<Value: ~Copyable>: @unchecked Sendable {
    /// Heap-allocated: a pthread mutex must not move once initialised.
    private let mutex: UnsafeMutablePointer<pthread_mutex_t>
    private var value: Value

    init(_ value: consuming Value) {
        mutex = .allocate(capacity: 1)
        mutex.initialize(to: pthread_mutex_t())
        pthread_mutex_init(mutex, nil)
        self.value = value
    }

    deinit {
        pthread_mutex_destroy(mutex)
        mutex.deallocate()
    }

    func withLock<Result>(_ body: (inout Value) throws -> Result) rethrows -> Result {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return try body(&value)
    }
}
