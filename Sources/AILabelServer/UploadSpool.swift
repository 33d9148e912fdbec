import AILabelEngine
import Foundation
import HummingbirdCore
import NIOCore

#if canImport(Glibc)
import Glibc
#endif

/// An upload written to a temporary file as it arrives, so a 50 MB body costs 50 MB of disk and a few
/// chunks of memory. The file is created private (0600) in the spool folder and removed when the
/// spool is closed; nothing of a request outlives it.
final class SpoolFile: @unchecked Sendable {
    let path: String
    private var descriptor: Int32
    private(set) var count = 0

    init(in folder: String) throws(AILabelError) {
        var template = Array((folder + "/ailabel-upload-XXXXXX").utf8CString)
        // mkstemp makes the file 0600 and opens it exclusively; the descriptor is not inherited by children.
        let descriptor = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard descriptor >= 0 else { throw AILabelError(.internal, "cannot create a spool file in \(folder)") }
        _ = fcntl(descriptor, F_SETFD, FD_CLOEXEC)
        self.descriptor = descriptor
        self.path = String(cString: template)
    }

    func write(_ buffer: ByteBuffer) throws(AILabelError) {
        let failed = buffer.withUnsafeReadableBytes { bytes -> AILabelError? in
            do throws(AILabelError) {
                try write(bytes)
                return nil
            } catch {
                return error
            }
        }
        if let failed { throw failed }
    }

    func write(_ bytes: UnsafeRawBufferPointer) throws(AILabelError) {
        var offset = 0
        while offset < bytes.count {
            let written = Glibc.write(descriptor, bytes.baseAddress! + offset, bytes.count - offset)
            if written < 0 {
                if errno == EINTR { continue }
                throw AILabelError(.internal, "cannot write the spool file")
            }
            offset += written
        }
        count += bytes.count
    }

    /// Closes and removes the file.
    func remove() {
        if descriptor >= 0 { close(descriptor) }
        descriptor = -1
        unlink(path)
    }

    deinit { remove() }
}

/// The parts of a `multipart/form-data` body, split as the body streams in: the part named `file` goes
/// to a spool file, small parts (sidecars, up to 16 MB together) to memory, the rest is refused.
struct MultipartSplitter {
    enum State {
        case preamble
        case afterDelimiter
        case headers
        case body(Part)
        case done
    }

    struct Part {
        var name: String
        var filename: String?
        var contentType: String?
    }

    let delimiter: [UInt8]
    var state = State.preamble
    var buffer: [UInt8]
    let file: SpoolFile
    var fileName: String?
    var fileType: String?
    var fileSeen = false
    var smallParts: [String: [UInt8]] = [:]
    var smallBytes = 0
    static let smallLimit = 16 << 20
    static let headerLimit = 16 << 10

    init?(contentType: String, file: SpoolFile) {
        guard let boundary = Self.boundary(contentType), !boundary.isEmpty, boundary.utf8.count <= 70 else { return nil }
        delimiter = Array("\r\n--\(boundary)".utf8)
        // The first delimiter may open the body without its CRLF: one is supplied.
        buffer = [0x0D, 0x0A]
        self.file = file
    }

    static func boundary(_ contentType: String) -> String? {
        for parameter in contentType.split(separator: ";").dropFirst() {
            let pair = parameter.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard pair.count == 2, pair[0].lowercased() == "boundary" else { continue }
            return pair[1].trimmingCharacters(in: CharacterSet(charactersIn: "\""))
        }
        return nil
    }

    mutating func feed(_ chunk: ByteBuffer) throws(AILabelError) {
        buffer.append(contentsOf: chunk.readableBytesView)
        try advance()
    }

    /// At the end of the body: the file part must have been seen and closed.
    func finish() throws(AILabelError) {
        guard case .done = state, fileSeen else {
            throw AILabelError(.unreadableInput, "the multipart body has no complete part named file")
        }
    }

    private mutating func advance() throws(AILabelError) {
        // What is consumed is counted and dropped once, when the chunk is done: dropping it part by part
        // moved the rest of the buffer for every part (a body of a million empty parts moved gigabytes).
        var start = 0
        defer { buffer.removeFirst(min(start, buffer.count)) }
        while true {
            let available = buffer.count - start
            switch state {
            case .done:
                start = buffer.count
                return
            case .preamble:
                guard let index = find(delimiter, from: start) else {
                    start = max(start, buffer.count - delimiter.count)
                    return
                }
                start = index + delimiter.count
                state = .afterDelimiter
            case .afterDelimiter:
                guard available >= 2 else { return }
                if buffer[start] == 0x2D && buffer[start + 1] == 0x2D {
                    state = .done
                } else if buffer[start] == 0x0D && buffer[start + 1] == 0x0A {
                    start += 2
                    state = .headers
                } else {
                    throw AILabelError(.unreadableInput, "the multipart body is malformed")
                }
            case .headers:
                guard let end = find([0x0D, 0x0A, 0x0D, 0x0A], from: start) else {
                    if available > Self.headerLimit { throw AILabelError(.unreadableInput, "a multipart part's headers are too long") }
                    return
                }
                let text = String(decoding: buffer[start..<end], as: UTF8.self)
                start = end + 4
                state = .body(try Self.part(text))
            case .body(let part):
                if let index = find(delimiter, from: start) {
                    try emit(part, buffer[start..<index])
                    start = index + delimiter.count
                    if part.name == "file" { fileSeen = true }
                    state = .afterDelimiter
                } else {
                    let keep = delimiter.count - 1
                    guard available > keep else { return }
                    try emit(part, buffer[start..<(buffer.count - keep)])
                    start = buffer.count - keep
                    return
                }
            }
        }
    }

    private mutating func emit(_ part: Part, _ bytes: ArraySlice<UInt8>) throws(AILabelError) {
        if part.name == "file" {
            guard !fileSeen else { throw AILabelError(.unreadableInput, "the multipart body has two parts named file") }
            fileName = part.filename
            fileType = part.contentType
            let failed = bytes.withUnsafeBytes { raw -> AILabelError? in
                do throws(AILabelError) {
                    try file.write(raw)
                    return nil
                } catch {
                    return error
                }
            }
            if let failed { throw failed }
        } else if part.name == "xmp" || part.name == "c2pa" {
            smallBytes += bytes.count
            guard smallBytes <= Self.smallLimit else { throw AILabelError(.tooLarge, "the multipart sidecars are over 16 MB") }
            smallParts[part.name, default: []] += bytes
        } else {
            throw AILabelError(.badOption, "unknown multipart part '\(part.name.prefix(64))'; use file, xmp, c2pa")
        }
    }

    private static func part(_ headers: String) throws(AILabelError) -> Part {
        var name: String?
        var filename: String?
        var contentType: String?
        for line in headers.split(separator: "\r\n") {
            let pair = line.split(separator: ":", maxSplits: 1)
            guard pair.count == 2 else { continue }
            let key = pair[0].trimmingCharacters(in: .whitespaces).lowercased()
            let value = pair[1].trimmingCharacters(in: .whitespaces)
            if key == "content-type" { contentType = value }
            if key == "content-disposition" {
                for parameter in value.split(separator: ";").dropFirst() {
                    let kv = parameter.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
                    guard kv.count == 2 else { continue }
                    let unquoted = kv[1].trimmingCharacters(in: CharacterSet(charactersIn: "\""))
                    if kv[0].lowercased() == "name" { name = unquoted }
                    if kv[0].lowercased() == "filename" { filename = unquoted }
                }
            }
        }
        guard let name else { throw AILabelError(.unreadableInput, "a multipart part has no name") }
        return Part(name: name, filename: filename, contentType: contentType)
    }

    /// The first place at or after `start` where `needle` is in the buffer.
    private func find(_ needle: [UInt8], from start: Int) -> Int? {
        guard buffer.count - start >= needle.count else { return nil }
        return buffer.withUnsafeBufferPointer { haystack -> Int? in
            let first = needle[0]
            var index = start
            let last = haystack.count - needle.count
            while index <= last {
                if haystack[index] == first {
                    var matched = true
                    for offset in 1..<needle.count where haystack[index + offset] != needle[offset] {
                        matched = false
                        break
                    }
                    if matched { return index }
                }
                index += 1
            }
            return nil
        }
    }
}
