import AILabelEngine
import AILabelVerify
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdCore

/// A request the server refuses, with the status, the stable code and the message of its JSON body.
/// Refusals made before the body is read close the connection after answering, so a large or endless
/// body is never drained.
struct APIFailure: Error {
    var status: HTTPResponse.Status
    var code: String
    var message: String
    var retryAfter: Int?
    var closeConnection = false
    /// The file's record, when the refusal is a verification of a file that cannot be read: the
    /// findings say why, as they do in `verify --format json`.
    var record: FileReport?

    init(_ status: HTTPResponse.Status, _ code: String, _ message: String, retryAfter: Int? = nil, closeConnection: Bool = false) {
        self.status = status
        self.code = code
        self.message = message
        self.retryAfter = retryAfter
        self.closeConnection = closeConnection
    }

    /// The status a library error maps to.
    init(_ error: AILabelError) {
        let status: HTTPResponse.Status
        switch error.code {
        // A limit the engine meets is inside the file (a decompression bomb, boxes nested without end), not
        // the request's size: the body was within --max-body-mb, so 422, with the stable code that says which.
        case .badOption, .unreadableInput, .stampFailed, .signerMissing, .tooLarge: status = .unprocessableContent
        case .unsupportedMedia: status = .unsupportedMediaType
        case .busy, .cancelled: status = .serviceUnavailable
        default: status = .internalServerError
        }
        self.init(status, error.code.rawValue, error.reason, retryAfter: status == .serviceUnavailable ? 1 : nil)
    }

    static let timeout = APIFailure(.serviceUnavailable, "request.timeout", "the request took longer than the server's --request-timeout", retryAfter: 1, closeConnection: true)

    /// A verification whose file cannot be read at all: 422 `input.unreadable`, like stamp and inspect
    /// of such a file, with the record that `verify --format json` would list. A bomb, a truncation or
    /// bytes of no kind are a refusal the client can act on, not a verdict about a file it published.
    static func unreadable(_ record: FileReport) -> APIFailure {
        let reason = record.findings.first { $0.severity == .error }?.message ?? "the file cannot be read"
        var failure = APIFailure(.unprocessableContent, AILabelError.Code.unreadableInput.rawValue, reason)
        failure.record = record
        return failure
    }

    struct Body: Encodable {
        struct Detail: Encodable {
            var code: String
            var message: String
        }
        var error: Detail
        var record: FileReport?
    }

    var response: Response {
        let body = Body(error: .init(code: code, message: message), record: record)
        let data = (try? ReportRenderer.json(body, pretty: false)).map { Data($0.utf8) } ?? Data()
        var headers: HTTPFields = [.contentType: "application/json"]
        if let retryAfter { headers[.retryAfter] = String(retryAfter) }
        if status == .unauthorized { headers[.wwwAuthenticate] = "Bearer" }
        if closeConnection { headers[.connection] = "close" }
        return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
    }
}
