import Synchronization

/// Memory for request bodies kept in memory (``Upload``): buffers lent one per body and taken back when
/// the request ends, to be lent again.
///
/// Why a pool: a body written to a spool file, read back and unlinked cost about a sixth of the server's
/// CPU per request on 300 KB photos (Benchmarks/serve/RESULTS.md). Gathered instead into a fresh array
/// per request, the bodies left glibc's arenas holding hundreds of megabytes of freed 300 KB blocks
/// (437 MB resident after 10,000 requests), and with malloc told to hand such blocks back at once every
/// body paid its page faults again, which lost more time than the spool file. Buffers that are kept and
/// lent again cost neither: the pages stay mapped, and what the pool holds is bounded by ``capacity``.
///
/// A body goes to memory only when it declares its length, that length is at most ``perRequest``, and
/// the pool can lend it a buffer without holding more than ``capacity`` bytes in all; any other body goes
/// to a spool file, so the server's memory does not grow with the size or number of uploads.
final class UploadBuffers: Sendable {
    /// The largest body kept in memory.
    static let perRequest = 4 << 20
    /// The process's pool: 64 MiB.
    static let shared = UploadBuffers(capacity: 64 << 20)
    /// Capacities are rounded up to this, so that bodies of similar sizes reuse each other's buffers.
    static let granule = 64 << 10

    /// The most bytes of buffers, lent and free, the pool holds at once.
    let capacity: Int

    private struct State {
        var free: [[UInt8]] = []
        /// The capacity of every buffer the pool made and has not dropped, lent or free.
        var held = 0
    }

    private let state = Mutex(State())

    init(capacity: Int) {
        self.capacity = capacity
    }

    /// One body's buffer: empty, with room for the bytes asked for; returned to the pool when the lease
    /// is released. The bytes may be shared (with a ``MediaInput``) while the request runs; a buffer still
    /// shared when it is lent again is replaced by a new one of the same capacity, never overwritten.
    final class Lease: @unchecked Sendable {
        // Mutated only by the request that holds the lease, before the bytes are shared.
        var bytes: [UInt8]
        private let pool: UploadBuffers
        /// The capacity counted against the pool for this buffer.
        fileprivate let counted: Int

        fileprivate init(bytes: [UInt8], counted: Int, pool: UploadBuffers) {
            self.bytes = bytes
            self.counted = counted
            self.pool = pool
        }

        deinit { pool.giveBack(bytes, counted: counted) }
    }

    /// A buffer with room for `count` bytes, or `nil` when lending it would pass ``capacity``.
    func lease(_ count: Int) -> Lease? {
        guard count > 0, count <= capacity else { return nil }
        let rounded = (count + Self.granule - 1) / Self.granule * Self.granule
        // A free buffer is moved out of the pool (never copied), so that it is uniquely referenced and
        // emptying it keeps its memory.
        var reused: [UInt8]?
        let granted = state.withLock { state -> Bool in
            // The smallest free buffer that holds the body.
            var best: Int?
            for (index, buffer) in state.free.enumerated() where buffer.capacity >= count {
                if best == nil || buffer.capacity < state.free[best!].capacity { best = index }
            }
            if let best {
                reused = state.free.remove(at: best)
                return true
            }
            // Free buffers too small for this body are dropped while that makes room for a new one.
            state.free.sort { $0.capacity > $1.capacity }
            while state.held + rounded > capacity, let small = state.free.popLast() {
                state.held -= small.capacity
            }
            guard state.held + rounded <= capacity else { return false }
            state.held += rounded
            return true
        }
        guard granted else { return nil }
        if var buffer = reused.take() {
            buffer.removeAll(keepingCapacity: true)
            return Lease(bytes: buffer, counted: buffer.capacity, pool: self)
        }
        var buffer: [UInt8] = []
        buffer.reserveCapacity(rounded)
        // malloc may give a little more than asked: the pool counts what the buffer holds.
        let excess = buffer.capacity - rounded
        if excess != 0 { state.withLock { $0.held += excess } }
        return Lease(bytes: buffer, counted: buffer.capacity, pool: self)
    }

    fileprivate func giveBack(_ buffer: [UInt8], counted: Int) {
        state.withLock { state in
            // Counted by the capacity it was lent with: a buffer's capacity never shrinks while lent,
            // and one that was replaced (it was shared) has that same capacity.
            if buffer.capacity >= counted {
                state.free.append(buffer)
                state.held += buffer.capacity - counted
            } else {
                state.held -= counted
            }
        }
    }

    /// The bytes of buffers the pool holds now, lent and free (for tests and metrics).
    var held: Int { state.withLock { $0.held } }
    /// The number of free buffers (for tests).
    var freeCount: Int { state.withLock { $0.free.count } }
}
