internal import CAILabelShims

/// How a batch process treats the memory of images it has finished with.
///
/// Batch runs (`verify`, `stamp`) decode, scan and free images of similar sizes file after file. glibc's
/// malloc gives blocks of 128 KiB and more back to the kernel as soon as they are freed (munmap, or
/// madvise on a worker thread's arena), so every file pays the page faults of its planes again: about an
/// eighth of `verify --scan auto`'s CPU time on 1 MP photos (Benchmarks/pixel-scan/RESULTS.md).
public enum FreedMemory {
    /// Blocks up to 32 MiB (glibc's largest setting; a 10 MP RGB image) then come from the heap, and up
    /// to 256 MiB of freed space per arena is kept for the next file. Memory never grows past a run's
    /// peak; it is only not returned before the run ends, so this suits a batch, not a service (`serve`
    /// keeps glibc's defaults). Call it once, before the work starts. Returns whether glibc took both.
    @discardableResult
    public static func keepForReuse() -> Bool {
        CAILabel_keep_freed_memory(32 << 20, 256 << 20) == 1
    }
}
