#if canImport(Glibc)
import Glibc
#endif

/// Reads a list of paths from a descriptor (standard input) as it arrives: one per line, or separated by
/// NUL bytes (`find -print0`, so names holding newlines pass). Only the entry being read and one 64 KiB
/// buffer are held, so a list of ten million paths costs no more memory than a list of ten.
///
/// A path is taken as it is: leading and trailing spaces are part of a name. Empty entries are ignored;
/// with lines, a final carriage return (a CRLF list) is dropped. Names are decoded losslessly
/// (``PathBytes``): bytes that are not UTF-8 reach the file system as they came. An entry longer than
/// ``maximumEntryBytes`` (no path is: Linux's PATH_MAX is 4096) is a hostile list: it is reported once
/// through ``oversized`` and skipped, never buffered whole.
public struct PathListReader: IteratorProtocol, Sequence {
    public let descriptor: Int32
    public let nulSeparated: Bool
    public static let maximumEntryBytes = 1 << 16
    /// Entries dropped for their length (the caller warns).
    public private(set) var oversized = 0

    private var buffer = [UInt8](repeating: 0, count: 1 << 16)
    private var start = 0
    private var end = 0
    private var entry: [UInt8] = []
    private var discarding = false
    private var atEnd = false

    public init(descriptor: Int32 = 0, nulSeparated: Bool) {
        self.descriptor = descriptor
        self.nulSeparated = nulSeparated
    }

    public mutating func next() -> String? {
        let separator: UInt8 = nulSeparated ? 0 : UInt8(ascii: "\n")
        while true {
            if start == end {
                if atEnd { return finishEntry() }
                let count = buffer.withUnsafeMutableBytes { raw -> Int in
                    while true {
                        let got = read(descriptor, raw.baseAddress!, raw.count)
                        if got < 0 && errno == EINTR { continue }
                        return got
                    }
                }
                // An error reading the list ends it, as end of input does: the paths read so far are walked.
                if count <= 0 {
                    atEnd = true
                    continue
                }
                start = 0
                end = count
            }
            let found = buffer[start..<end].firstIndex(of: separator)
            let stop = found ?? end
            if !discarding {
                entry.append(contentsOf: buffer[start..<stop])
                if entry.count > Self.maximumEntryBytes {
                    entry.removeAll(keepingCapacity: false)
                    discarding = true
                    oversized += 1
                }
            }
            start = found.map { $0 + 1 } ?? end
            if found != nil, let path = finishEntry() { return path }
        }
    }

    /// The entry read so far as a path (nil when it is empty or was too long), and a fresh one begun.
    private mutating func finishEntry() -> String? {
        defer {
            entry.removeAll(keepingCapacity: true)
            discarding = false
        }
        if discarding { return nil }
        var bytes = entry[...]
        if !nulSeparated, bytes.last == UInt8(ascii: "\r") { bytes = bytes.dropLast() }
        return bytes.isEmpty ? nil : PathBytes.decode(bytes)
    }
}
