import AILabelEngine
import AILabelVerify
import AILabelVocabulary
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdCore
import NIOCore

/// A request's file: the raw body with its media type, or the `file` part of a multipart form (with
/// optional `xmp` and `c2pa` sidecar parts). Refused with 415 for a media type ailabel does not know and
/// 413 as soon as the body passes the limit, before reading the rest.
///
/// A raw body that declares a length of at most ``UploadMemory/perRequest`` stays in memory, in the
/// buffers it arrived in (``ReceivedBody``), while the process-wide ``UploadMemory`` budget has room;
/// any other body (multipart, chunked, larger, or arriving while the budget is spent) is written to a
/// private spool file as it arrives.
struct Upload: Sendable {
    /// The spool file, when the body went to disk.
    let spool: SpoolFile?
    /// The body's share of the memory budget, when it stayed in memory (given back when the upload ends).
    let memory: UploadMemory.Reservation?
    let input: MediaInput
    /// The file's media type, as the client declared it.
    let mediaType: String?
    let folder: String

    static func receive(_ request: Request, maxBytes: Int, folder: String, filename: String?) async throws(APIFailure) -> Upload {
        let declared = request.headers[.contentType] ?? "application/octet-stream"
        let mediaType = declared.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() } ?? ""
        let multipart = mediaType == "multipart/form-data"
        if !multipart && mediaType != "application/octet-stream" && SidecarFormat.fileExtension(forMediaType: mediaType) == nil {
            throw APIFailure(.unsupportedMediaType, AILabelError.Code.unsupportedMedia.rawValue, "ailabel does not read '\(mediaType.prefix(100))'", closeConnection: true)
        }
        let declaredLength = request.headers[.contentLength].flatMap { Int($0) }
        if let declaredLength, declaredLength > maxBytes {
            throw tooLarge(maxBytes)
        }
        var memory: UploadMemory.Reservation?
        if !multipart, let declaredLength {
            memory = UploadMemory.shared.reserve(declaredLength)
        }
        var buffers: [ByteBuffer] = []
        var spool: SpoolFile?
        var splitter: MultipartSplitter?
        if multipart {
            let file = try makeSpool(in: folder)
            spool = file
            splitter = MultipartSplitter(contentType: declared, file: file)
            guard splitter != nil else {
                throw APIFailure(.unprocessableContent, "request.bad-body", "the multipart body has no usable boundary", closeConnection: true)
            }
        }
        var received = 0
        do {
            for try await chunk in request.body {
                received += chunk.readableBytes
                guard received <= maxBytes else { throw tooLarge(maxBytes) }
                if splitter != nil {
                    try splitter!.feed(chunk)
                } else if let memory, received <= memory.bytes {
                    buffers.append(chunk)
                } else {
                    // Not in memory, or more bytes than the length declared: to disk, with what came before.
                    if spool == nil {
                        let file = try makeSpool(in: folder)
                        spool = file
                        for buffer in buffers { try file.write(buffer) }
                        buffers = []
                        memory = nil
                    }
                    try spool!.write(chunk)
                }
            }
        } catch let error as APIFailure {
            throw error
        } catch let error as AILabelError {
            var failure = APIFailure(error)
            failure.closeConnection = true
            // While the body is read, a limit passed is the request's own size (the multipart sidecars).
            if error.code == .tooLarge { failure.status = .contentTooLarge }
            throw failure
        } catch {
            // The client went away or the time ran out while the body was read.
            if Task.isCancelled { throw APIFailure.timeout }
            throw APIFailure(.badRequest, "request.bad-body", "the request body could not be read", closeConnection: true)
        }
        if Task.isCancelled { throw APIFailure.timeout }
        guard received > 0 else {
            throw APIFailure(.unprocessableContent, AILabelError.Code.unreadableInput.rawValue, "the request has no body: send the file")
        }
        var type = multipart ? nil : mediaType
        var name = filename.flatMap(sanitize)
        var sidecars = SidecarSource.none
        if let splitter {
            do {
                try splitter.finish()
            } catch {
                throw APIFailure(error)
            }
            type = splitter.fileType?.lowercased()
            name = name ?? splitter.fileName.flatMap(sanitize)
            if !splitter.smallParts.isEmpty {
                sidecars = .given(name: "", xmp: splitter.smallParts["xmp"], c2pa: splitter.smallParts["c2pa"])
            }
        }
        let finalName = name ?? "upload" + (type.flatMap { SidecarFormat.fileExtension(forMediaType: $0) }.map { "." + $0 } ?? "")
        if case .given(_, let xmp, let c2pa) = sidecars { sidecars = .given(name: finalName, xmp: xmp, c2pa: c2pa) }
        if type == "application/octet-stream" { type = nil }
        if let memory, spool == nil {
            return Upload(spool: nil, memory: memory, input: .source(ReceivedBody(buffers), name: finalName), mediaType: type, folder: folder)
        }
        let file: SpoolFile
        if let spool { file = spool } else { file = try makeSpool(in: folder) }
        return Upload(spool: file, memory: nil, input: .file(at: file.path, name: finalName, sidecars: sidecars), mediaType: type, folder: folder)
    }

    static func makeSpool(in folder: String) throws(APIFailure) -> SpoolFile {
        do {
            return try SpoolFile(in: folder)
        } catch {
            throw APIFailure(error)
        }
    }

    static func tooLarge(_ maxBytes: Int) -> APIFailure {
        APIFailure(.contentTooLarge, AILabelError.Code.tooLarge.rawValue, "the body is over the server's limit of \(maxBytes >> 20) MB (--max-body-mb)", closeConnection: true)
    }

    /// A client's file name as reports may show it: its last path component, printable, at most 255 bytes.
    static func sanitize(_ name: String) -> String? {
        let last = name.split(whereSeparator: { $0 == "/" || $0 == "\\" }).last.map(String.init) ?? ""
        let printable = String(last.unicodeScalars.filter { $0.value >= 0x20 && $0.value != 0x7F }.map(Character.init))
        var trimmed = printable.trimmingCharacters(in: .whitespaces)
        while trimmed.utf8.count > 255 { trimmed.removeLast() }
        guard !trimmed.isEmpty, trimmed != ".", trimmed != ".." else { return nil }
        return trimmed
    }
}
