#if canImport(Glibc)
import Glibc
#endif

/// Bytes a handler reads by position: a file on disk (``FileByteSource``, read with `pread`) or bytes
/// in memory (`[UInt8]`). Handlers parse through it so that a 2 GB video is walked by its headers and
/// never held whole; hashing and copying go chunk by chunk through ``forEachChunk(in:_:)``.
///
/// Every read is bounds-checked: a range past the end throws `media.truncated`, never traps.
public protocol ByteSource: Sendable {
    /// How many bytes the source holds.
    var count: Int { get }
    /// The bytes of `range`, which must lie within `0..<count`. Callers bound `range` by what the
    /// format allows before asking (a length field from the file is not a reason to allocate).
    func read(_ range: Range<Int>) throws -> [UInt8]
    /// Calls `body` with consecutive chunks that together cover `range`, holding at most one chunk
    /// in memory at a time.
    func forEachChunk(in range: Range<Int>, _ body: (UnsafeRawBufferPointer) throws -> Void) throws
    /// Fills `buffer` with the bytes from `offset` (which with the buffer's length must lie within the
    /// source): a decoder's own buffer filled without a copy in between where the source can.
    func read(into buffer: UnsafeMutableRawBufferPointer, at offset: Int) throws
    /// The open file the bytes are, when they are one: what lets a sink have the kernel copy a range.
    /// A requirement, not a cast (`source as? FileByteSource`): on Linux, casting an array to a class
    /// bridges it to an `NSArray` of boxed bytes first (34 bytes of memory for each byte of a 10 MB
    /// re-encoded WAV, in a stamp that held 850 MB for a 60 s file).
    var backingFile: FileByteSource? { get }
}

extension ByteSource {
    public var backingFile: FileByteSource? { nil }

    /// `count` bytes from `offset`, or `media.truncated` naming `what` when the source ends first.
    public func read(at offset: Int, count length: Int, _ what: @autoclosure () -> String = "a structure") throws -> [UInt8] {
        guard offset >= 0, length >= 0, offset <= count, length <= count - offset else {
            throw MediaError.make(.truncated, "the file ends inside \(what()) (at byte \(offset), \(length) bytes wanted)")
        }
        return try read(offset..<offset + length)
    }

    /// The whole source as one array, refused above `limit` bytes (for formats and steps that need the
    /// whole file, such as a pixel decode).
    public func readAll(limit: Int = FileReader.defaultMaximumSize) throws -> [UInt8] {
        guard count <= limit else {
            throw MediaError.make(.limitExceeded, "the file is \(count) bytes, over the \(limit)-byte limit for this step")
        }
        return try read(0..<count)
    }

    public func read(into buffer: UnsafeMutableRawBufferPointer, at offset: Int) throws {
        var copied = 0
        try forEachChunk(in: offset..<offset + buffer.count) { chunk in
            UnsafeMutableRawBufferPointer(rebasing: buffer[copied..<copied + chunk.count]).copyMemory(from: chunk)
            copied += chunk.count
        }
    }

    /// Checks that `range` lies within the source (for sources written outside this module too).
    public func checkBounds(_ range: Range<Int>) throws {
        guard range.lowerBound >= 0, range.upperBound <= count else {
            throw MediaError.make(.truncated, "the file ends before byte \(range.upperBound) (it has \(count))")
        }
    }
}

extension Array: ByteSource where Element == UInt8 {
    public func read(_ range: Range<Int>) throws -> [UInt8] {
        try checkBounds(range)
        return Array(self[range])
    }

    public func forEachChunk(in range: Range<Int>, _ body: (UnsafeRawBufferPointer) throws -> Void) throws {
        try checkBounds(range)
        try self[range].withUnsafeBytes { try body($0) }
    }
}

/// A regular file read with `pread` on a descriptor the source owns: positioned reads never move a
/// shared offset, so one source may be read from several threads.
///
/// The size is fixed when the source is opened; a file that shrinks under the reader gives
/// `media.truncated` or `media.io` on the read, never short data taken for the whole.
public final class FileByteSource: ByteSource, @unchecked Sendable {
    // @unchecked: the descriptor is only read with pread (thread-safe) and closed in deinit.
    public let path: String
    public let count: Int
    /// The size of the reads ``forEachChunk(in:_:)`` makes.
    public let chunkSize: Int
    /// Read only with `pread` here, and by `copy_file_range` in a file sink (both leave the offset alone).
    let descriptor: Int32

    public var backingFile: FileByteSource? { self }

    /// Opens `path` (following a link the caller named) without blocking on a FIFO; refuses anything
    /// that is not a regular file.
    public convenience init(path: String, chunkSize: Int = 1 << 20) throws {
        let descriptor = PathBytes.withPlatformString(path) { open($0, O_RDONLY | O_NONBLOCK | O_CLOEXEC) }
        guard descriptor >= 0 else {
            throw MediaError.make(.io, "cannot open the file: \(SystemError.sentence(errno))").naming(path)
        }
        try self.init(adopting: descriptor, path: path, chunkSize: chunkSize)
    }

    /// Opens a file below a walked folder, following no link beneath it.
    public convenience init(confined: ConfinedPath, chunkSize: Int = 1 << 20) throws {
        let (descriptor, _) = try confined.openRegularFileForReading()
        try self.init(adopting: descriptor, path: confined.path, chunkSize: chunkSize)
    }

    /// Takes ownership of an open descriptor (closed when the source goes, or here on failure).
    public init(adopting descriptor: Int32, path: String, chunkSize: Int = 1 << 20) throws {
        var status = stat()
        guard fstat(descriptor, &status) == 0 else {
            let error = MediaError.make(.io, "cannot read the file's status: \(SystemError.sentence(errno))").naming(path)
            close(descriptor)
            throw error
        }
        guard status.st_mode & S_IFMT == S_IFREG else {
            close(descriptor)
            throw MediaError.make(.io, "not a regular file (\(FileKind(mode: status.st_mode).description))").naming(path)
        }
        self.descriptor = descriptor
        self.path = path
        self.count = Int(status.st_size)
        self.chunkSize = Swift.max(4096, chunkSize)
    }

    deinit { close(descriptor) }

    public func read(_ range: Range<Int>) throws -> [UInt8] {
        try checkBounds(range)
        var bytes = [UInt8](repeating: 0, count: range.count)
        try bytes.withUnsafeMutableBytes { try fill($0, from: range.lowerBound) }
        return bytes
    }

    public func forEachChunk(in range: Range<Int>, _ body: (UnsafeRawBufferPointer) throws -> Void) throws {
        try checkBounds(range)
        guard !range.isEmpty else { return }
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: Swift.min(chunkSize, range.count), alignment: 16)
        defer { buffer.deallocate() }
        var offset = range.lowerBound
        while offset < range.upperBound {
            let part = UnsafeMutableRawBufferPointer(rebasing: buffer[0..<Swift.min(buffer.count, range.upperBound - offset)])
            try fill(part, from: offset)
            try body(UnsafeRawBufferPointer(part))
            offset += part.count
        }
    }

    public func read(into buffer: UnsafeMutableRawBufferPointer, at offset: Int) throws {
        try checkBounds(offset..<offset + buffer.count)
        try fill(buffer, from: offset)
    }

    /// Fills `buffer` from `offset`, retrying short reads and interrupts.
    private func fill(_ buffer: UnsafeMutableRawBufferPointer, from offset: Int) throws {
        var done = 0
        while done < buffer.count {
            let got = pread(descriptor, buffer.baseAddress! + done, buffer.count - done, off_t(offset + done))
            if got < 0 {
                if errno == EINTR { continue }
                throw MediaError.make(.io, "cannot read the file: \(SystemError.sentence(errno))").naming(path)
            }
            guard got > 0 else {
                throw MediaError.make(.truncated, "the file became shorter while it was read (byte \(offset + done) of \(count))").naming(path)
            }
            done += got
        }
    }
}
