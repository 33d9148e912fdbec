internal import CAILabelShims

/// Where libav reads a movie from: a file it opens by path (a temporary file ailabel wrote), or the bytes
/// of a file ailabel parsed, read through its ``ByteSource``. A file being verified or stamped is always
/// read the second way (``MediaFile/movieInput``): the decoder sees exactly the bytes the parser saw, and
/// a file named by a client (an upload whose name is only a name) is never looked for on disk.
public enum MovieInput: Sendable {
    case path(String)
    case source(any ByteSource, name: String)

    /// The name messages give the movie.
    public var name: String {
        switch self {
        case .path(let path): return path
        case .source(_, let name): return name
        }
    }

    /// Runs `body` with the C reader for a source input (nil for a path), valid during the call only.
    func withReader<T>(_ body: (UnsafePointer<CAILabel_Reader>?) throws(MediaError) -> T) throws(MediaError) -> T {
        guard case .source(let source, _) = self else { return try body(nil) }
        let box = SourceBox(source)
        return try withExtendedLifetime(box) { () throws(MediaError) -> T in
            var reader = CAILabel_Reader(read: readTrampoline, context: Unmanaged.passUnretained(box).toOpaque(), length: Int64(source.count))
            return try withUnsafePointer(to: &reader) { pointer throws(MediaError) in try body(pointer) }
        }
    }
}

extension MediaFile {
    /// The file for libav: its bytes, through its source.
    public var movieInput: MovieInput { .source(source, name: path) }
}

/// The source a C read callback reaches through its context pointer.
private final class SourceBox {
    let source: any ByteSource
    init(_ source: any ByteSource) { self.source = source }
}

/// Copies up to `size` bytes at `offset` from the box's source into `buffer` (libav's own, filled in
/// place): the count, 0 at the end, -1 when the source fails (a file that shrank under the reader).
private let readTrampoline: CAILabel_ReadFunction = { context, buffer, offset, size in
    guard let context, let buffer, offset >= 0, size > 0 else { return size == 0 ? 0 : -1 }
    let source = Unmanaged<SourceBox>.fromOpaque(context).takeUnretainedValue().source
    guard offset < Int64(source.count) else { return 0 }
    let count = min(source.count - Int(offset), Int(size))
    do {
        try source.read(into: UnsafeMutableRawBufferPointer(start: buffer, count: count), at: Int(offset))
    } catch {
        return -1
    }
    return Int64(count)
}
