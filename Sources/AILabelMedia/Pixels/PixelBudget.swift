#if canImport(Glibc)
import Glibc
#endif

/// Decoded pixels one process holds at once, shared by every job.
///
/// Decoding a 292 KB PNG that declares 10000 × 9999 pixels costs about 11 bytes a pixel by the time the
/// detectors have run (the decoder's buffer, its Swift copy, the detectors' planes): 1.1 GB, and twice
/// that with `--jobs 2`. A per-image limit cannot bound that, since each job would stay under it. So
/// every decode first reserves its image's pixels here: a reservation waits while others hold the
/// budget, and an image larger than the whole budget is refused before anything is allocated. Peak memory
/// is then the budget's worth of decoding plus what the jobs hold besides (Docs/limits.md gives the figure).
public final class PixelBudget: @unchecked Sendable {
    /// The process-wide budget: 40 megapixels (a 7750 × 5160 photo) decoded at once, whatever `--jobs`.
    /// `AILABEL_PIXEL_BUDGET` (pixels) sets another, for a container with less or more memory.
    public static let shared = PixelBudget(pixels: configuredPixels(getenv("AILABEL_PIXEL_BUDGET").map { String(cString: $0) }))

    public static let defaultPixels = 40_000_000

    static func configuredPixels(_ text: String?) -> Int {
        guard let text, let value = Int(text), value > 0 else { return defaultPixels }
        return value
    }

    public let pixels: Int
    private let mutex: UnsafeMutablePointer<pthread_mutex_t>
    private let condition: UnsafeMutablePointer<pthread_cond_t>
    private var reserved = 0
    /// The most ever reserved at once (for tests and benchmarks).
    private var highWater = 0

    public init(pixels: Int) {
        self.pixels = max(1, pixels)
        mutex = .allocate(capacity: 1)
        mutex.initialize(to: pthread_mutex_t())
        pthread_mutex_init(mutex, nil)
        condition = .allocate(capacity: 1)
        condition.initialize(to: pthread_cond_t())
        pthread_cond_init(condition, nil)
    }

    deinit {
        pthread_cond_destroy(condition)
        condition.deallocate()
        pthread_mutex_destroy(mutex)
        mutex.deallocate()
    }

    /// Runs `body` holding `count` pixels of the budget, waiting for other jobs to release theirs first.
    /// Throws `limitExceeded` at once when `count` alone is over the budget.
    public func withReservation<Result>(_ count: Int, _ body: () throws -> Result) throws -> Result {
        guard count <= pixels else {
            throw MediaError.make(
                .limitExceeded,
                "the image has \(count) pixels, over the \(pixels)-pixel budget for decoded images; its pixels were not decoded")
        }
        pthread_mutex_lock(mutex)
        while reserved + count > pixels { pthread_cond_wait(condition, mutex) }
        reserved += count
        highWater = max(highWater, reserved)
        pthread_mutex_unlock(mutex)
        defer {
            pthread_mutex_lock(mutex)
            reserved -= count
            pthread_cond_broadcast(condition)
            pthread_mutex_unlock(mutex)
        }
        return try body()
    }

    /// The most pixels reserved at one time so far.
    @_spi(Testing) public var peakReserved: Int {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return highWater
    }
}
