import AILabelEngine
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
        case .badOption, .unreadableInput, .stampFailed, .signerMissing: status = .unprocessableContent
        case .unsupportedMedia: status = .unsupportedMediaType
        case .tooLarge: status = .contentTooLarge
        case .busy, .cancelled: status = .serviceUnavailable
        default: status = .internalServerError
        }
        self.init(status, error.code.rawValue, error.reason, retryAfter: status == .serviceUnavailable ? 1 : nil)
    }

    static let timeout = APIFailure(.serviceUnavailable, "request.timeout", "the request took longer than the server's --request-timeout", retryAfter: 1, closeConnection: true)

    var response: Response {
        let body = ["error": ["code": code, "message": message]]
        let data = (try? JSONSerialization.data(withJSONObject: body, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data()
        var headers: HTTPFields = [.contentType: "application/json"]
        if let retryAfter { headers[.retryAfter] = String(retryAfter) }
        if status == .unauthorized { headers[.wwwAuthenticate] = "Bearer" }
        if closeConnection { headers[.connection] = "close" }
        return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
    }
}
