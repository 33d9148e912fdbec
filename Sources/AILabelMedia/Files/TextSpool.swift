#if canImport(Glibc)
import Glibc
#endif

/// Pieces of text kept in order for later: the first few in memory, the rest in an unlinked temporary
/// file, so that a report whose counts come before its entries (SARIF, JUnit) or whose skipped files come
/// after its files can be written over millions of files without holding them. Read back in the order
/// written, once all are in.
public final class TextSpool {
    /// Pieces held in memory before the spool moves to a file.
    public let memoryLimit: Int
    public private(set) var count = 0
    private var held: [String] = []
    private var descriptor: Int32 = -1
    private var written = 0
    private var failure: MediaError?

    public init(memoryLimit: Int = 4096) {
        self.memoryLimit = memoryLimit
    }

    deinit {
        if descriptor >= 0 { close(descriptor) }
    }

    public var isEmpty: Bool { count == 0 }

    /// Keeps `text`; a failure to write the temporary file is kept and thrown by ``forEach(_:)``.
    public func append(_ text: String) {
        count += 1
        guard failure == nil else { return }
        if descriptor < 0 && held.count < memoryLimit {
            held.append(text)
            return
        }
        if descriptor < 0 { openFile() }
        guard descriptor >= 0 else { return }
        var length = UInt64(text.utf8.count).littleEndian
        var text = text
        withUnsafeBytes(of: &length) { write($0) }
        text.withUTF8 { write(UnsafeRawBufferPointer($0)) }
    }

    /// Calls `body` with each piece in the order appended.
    public func forEach(_ body: (String) throws -> Void) throws {
        if let failure { throw failure }
        for text in held { try body(text) }
        guard descriptor >= 0 else { return }
        var offset = 0
        var header = [UInt8](repeating: 0, count: 8)
        while offset < written {
            try read(into: &header, at: offset)
            let length = Int(header.withUnsafeBytes { UInt64(littleEndian: $0.loadUnaligned(as: UInt64.self)) })
            guard length >= 0, length <= written - offset - 8 else {
                throw MediaError.make(.io, "the spool file of the report was damaged")
            }
            var bytes = [UInt8](repeating: 0, count: length)
            try read(into: &bytes, at: offset + 8)
            try body(String(decoding: bytes, as: UTF8.self))
            offset += 8 + length
        }
    }

    private func openFile() {
        var template = Array((TemporaryFolder.path + "/ailabel-spool-XXXXXX").utf8CString)
        let opened = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard opened >= 0 else {
            failure = MediaError.make(.io, "cannot make a temporary file for the report: \(SystemError.sentence(errno))")
            return
        }
        template.withUnsafeBufferPointer { _ = unlink($0.baseAddress!) }
        descriptor = opened
    }

    private func write(_ bytes: UnsafeRawBufferPointer) {
        var offset = 0
        while offset < bytes.count {
            let done = pwrite(descriptor, bytes.baseAddress! + offset, bytes.count - offset, off_t(written))
            if done < 0 {
                if errno == EINTR { continue }
                failure = MediaError.make(.io, "cannot write the report's temporary file: \(SystemError.sentence(errno))")
                return
            }
            offset += done
            written += done
        }
    }

    private func read(into bytes: inout [UInt8], at position: Int) throws {
        var offset = 0
        while offset < bytes.count {
            let done = bytes.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress! + offset, $0.count - offset, off_t(position + offset)) }
            if done < 0 && errno == EINTR { continue }
            guard done > 0 else { throw MediaError.make(.io, "cannot read the report's temporary file back") }
            offset += done
        }
    }
}

/// Where temporary files go: `$TMPDIR`, else `/tmp`.
enum TemporaryFolder {
    static var path: String {
        if let value = getenv("TMPDIR"), let text = String(validatingCString: value), !text.isEmpty {
            return text.hasSuffix("/") && text.count > 1 ? String(text.dropLast()) : text
        }
        return "/tmp"
    }
}
