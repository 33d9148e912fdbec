import AILabelMedia
import Crypto
import Foundation

/// The results file of a resumable run (`verify --resume RESULTS.jsonl`): the JSON Lines records of the
/// runs before, read to know which files are done, and the file the new records are appended to.
///
/// A file is done when a record names its path with the SHA-256 of the same content (`sha256`): a file
/// changed since is judged again, and its newer record, appended later, is the one ``ReportMerge``
/// keeps. Skipped files are done when recorded as skipped.
///
/// Crash safety: each record is written with one `write(2)` of a whole line, so a run killed at any
/// moment leaves at most its last line torn. Opening cuts a torn last line off (its file is judged again)
/// and ignores any other line that does not parse (a disk that lost the tail of a write can leave zeros);
/// the records are made durable with `fdatasync` every ``syncInterval`` records and at the end, so a
/// crash loses at most the records since, which the next run redoes.
public final class ResumeLog: @unchecked Sendable {
    // @unchecked: written from one task at a time (the batch's ordered hand-over).
    public let path: String
    /// Records read on opening, by the hash of their path: the first 8 bytes of the content's SHA-256
    /// (0 for a skipped file). 16 bytes a file, so ten million records cost about 300 MB, not the records.
    private var done: [UInt64: UInt64] = [:]
    /// Lines that were not records (torn or damaged), ignored.
    public private(set) var ignoredLines = 0
    public private(set) var recordsRead = 0
    private let descriptor: Int32
    private var unsynced = 0
    public static let syncInterval = 256

    /// Opens (or creates) `path`, reads its records and cuts off a torn last line.
    public init(path: String) throws {
        self.path = path
        let opened = PathBytes.withPlatformString(path) { open($0, O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC | O_NOFOLLOW, 0o644) }
        guard opened >= 0 else {
            throw MediaError.make(.io, "cannot open the results file: \(SystemError.sentence(errno))").naming(path)
        }
        descriptor = opened
        var status = stat()
        guard fstat(opened, &status) == 0, status.st_mode & S_IFMT == S_IFREG else {
            close(opened)
            throw MediaError.make(.io, "the results file is not a regular file").naming(path)
        }
        let kept = try readRecords(size: Int(status.st_size))
        if kept < Int(status.st_size) {
            guard ftruncate(opened, off_t(kept)) == 0 else {
                close(opened)
                throw MediaError.make(.io, "cannot cut the torn last line off the results file: \(SystemError.sentence(errno))").naming(path)
            }
        }
    }

    deinit { close(descriptor) }

    /// Whether `file`'s record is there with the same content; `contentHash` is asked only when a record names the path.
    public func isDone(path: String, contentHash: () -> [UInt8]?) -> Bool {
        guard let recorded = done[Shard.hash(path)], recorded != 0 else { return false }
        guard let hash = contentHash() else { return false }
        return Self.prefix(hash) == recorded
    }

    /// Whether a skipped file with this path is recorded.
    public func isRecordedSkipped(path: String) -> Bool { done[Shard.hash(path)] == 0 }

    /// Appends one record (a JSON object on one line, without its newline).
    public func append(_ line: String) throws {
        var text = line + "\n"
        let ok = text.withUTF8 { bytes -> Bool in
            var offset = 0
            while offset < bytes.count {
                let written = write(descriptor, bytes.baseAddress! + offset, bytes.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    return false
                }
                offset += written
            }
            return true
        }
        guard ok else { throw MediaError.make(.io, "cannot append to the results file: \(SystemError.sentence(errno))").naming(path) }
        unsynced += 1
        if unsynced >= Self.syncInterval { try sync() }
    }

    /// Makes the records appended so far durable.
    public func sync() throws {
        unsynced = 0
        guard fdatasync(descriptor) == 0 else {
            throw MediaError.make(.io, "cannot flush the results file: \(SystemError.sentence(errno))").naming(path)
        }
    }

    /// The SHA-256 of a file's bytes, read in 1 MiB chunks; nil when it cannot be read.
    public static func contentHash(of file: WalkedFile) -> [UInt8]? {
        guard let source = try? FileByteSource(confined: file.source) else { return nil }
        var hasher = SHA256()
        do {
            try source.forEachChunk(in: 0..<source.count) { hasher.update(bufferPointer: $0) }
        } catch {
            return nil
        }
        return Array(hasher.finalize())
    }

    public static func hex(_ bytes: [UInt8]) -> String { bytes.map { String(format: "%02x", $0) }.joined() }

    static func prefix(_ hash: [UInt8]) -> UInt64 {
        // Never 0, which stands for a skipped file.
        max(1, hash.prefix(8).reduce(UInt64(0)) { $0 << 8 | UInt64($1) })
    }

    /// Reads every complete line; returns the length of the file up to the end of its last complete line.
    private func readRecords(size: Int) throws -> Int {
        guard size > 0 else { return 0 }
        var line: [UInt8] = []
        var offset = 0
        var lastNewline = 0
        var buffer = [UInt8](repeating: 0, count: 1 << 20)
        while offset < size {
            let got = buffer.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress!, min($0.count, size - offset), off_t(offset)) }
            if got < 0 && errno == EINTR { continue }
            guard got > 0 else { throw MediaError.make(.io, "cannot read the results file: \(SystemError.sentence(errno))").naming(path) }
            for index in 0..<got {
                let byte = buffer[index]
                if byte == UInt8(ascii: "\n") {
                    record(line)
                    line.removeAll(keepingCapacity: true)
                    lastNewline = offset + index + 1
                } else if line.count <= Self.maximumLine {
                    line.append(byte)
                }
            }
            offset += got
        }
        return lastNewline
    }

    /// Longest line kept; a longer one is damage, ignored.
    static let maximumLine = 1 << 24

    private func record(_ line: [UInt8]) {
        guard !line.isEmpty else { return }
        guard line.count <= Self.maximumLine, let entry = try? JSONDecoder().decode(Entry.self, from: Data(line)) else {
            ignoredLines += 1
            return
        }
        recordsRead += 1
        if entry.skipped == true {
            done[Shard.hash(entry.path)] = 0
        } else if let sha256 = entry.sha256, let bytes = Self.bytes(hex: sha256), bytes.count == 32 {
            done[Shard.hash(entry.path)] = Self.prefix(bytes)
        } else {
            // A record without a content hash (an unreadable file) is redone.
            done.removeValue(forKey: Shard.hash(entry.path))
        }
    }

    /// What a record says about being done: its path, its content hash, whether it is a skipped file.
    private struct Entry: Decodable {
        var path: String
        var sha256: String?
        var skipped: Bool?
    }

    static func bytes(hex: String) -> [UInt8]? {
        let digits = Array(hex.utf8)
        guard digits.count % 2 == 0 else { return nil }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(digits.count / 2)
        for index in stride(from: 0, to: digits.count, by: 2) {
            guard let high = nibble(digits[index]), let low = nibble(digits[index + 1]) else { return nil }
            bytes.append(high << 4 | low)
        }
        return bytes
    }

    private static func nibble(_ digit: UInt8) -> UInt8? {
        switch digit {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): digit - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): digit - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): digit - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
