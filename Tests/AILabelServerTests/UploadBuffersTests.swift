import Testing

@testable import AILabelServer

/// The pool that lends request bodies their memory (see `UploadBuffers`).
@Suite("Upload buffers")
struct UploadBuffersTests {
    @Test("a buffer is lent with room for the body, taken back and lent again without a new allocation")
    func reuse() {
        let pool = UploadBuffers(capacity: 1 << 20)
        var lease = pool.lease(300_000)
        #expect(lease?.bytes.isEmpty == true)
        #expect((lease?.bytes.capacity ?? 0) >= 300_000)
        lease?.bytes.append(contentsOf: [UInt8](repeating: 7, count: 300_000))
        let first = lease!.bytes.withUnsafeBufferPointer { $0.baseAddress }
        let held = pool.held
        #expect(held >= 300_000 && held <= 1 << 20)
        lease = nil
        #expect(pool.freeCount == 1 && pool.held == held)
        // A smaller body takes the same buffer, emptied.
        let again = pool.lease(250_000)
        #expect(again?.bytes.isEmpty == true)
        #expect(again!.bytes.withUnsafeBufferPointer { $0.baseAddress } == first)
        #expect(pool.held == held && pool.freeCount == 0)
    }

    @Test("the pool never holds more than its capacity: a body that does not fit is refused, free buffers too small are dropped")
    func capacity() {
        let pool = UploadBuffers(capacity: 1 << 20)
        let a = pool.lease(400_000)
        #expect(a != nil)
        #expect(pool.lease(700_000) == nil, "both would pass 1 MiB")
        #expect(pool.lease(0) == nil && pool.lease(2 << 20) == nil)
        var small = pool.lease(100_000)
        #expect(small != nil)
        small = nil
        #expect(pool.freeCount == 1)
        // 500 KB does not fit beside the 400 KB lent and the free 128 KB buffer: the free one is dropped.
        let b = pool.lease(500_000)
        #expect(b != nil)
        #expect(pool.freeCount == 0)
        #expect(pool.held <= 1 << 20)
        _ = (a, b)
    }

    @Test("a buffer still shared when it is lent again is replaced, never written over")
    func sharedBufferIsNotOverwritten() {
        let pool = UploadBuffers(capacity: 1 << 20)
        var lease = pool.lease(1000)
        lease!.bytes.append(contentsOf: [1, 2, 3])
        let kept = lease!.bytes
        lease = nil
        let next = pool.lease(1000)
        next!.bytes.append(contentsOf: [9, 9])
        #expect(kept == [1, 2, 3])
        #expect(next!.bytes == [9, 9])
    }
}
