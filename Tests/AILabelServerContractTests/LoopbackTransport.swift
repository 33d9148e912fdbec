import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import HTTPTypes
import OpenAPIRuntime

/// The generated client's transport in these tests: one URLSession request per call, to the server on
/// loopback. Bodies are collected whole (the test files are small) and sent with their length.
struct LoopbackTransport: ClientTransport {
    let session: URLSession

    init() {
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = 120
        session = URLSession(configuration: configuration)
    }

    func send(_ request: HTTPRequest, body: HTTPBody?, baseURL: URL, operationID: String) async throws -> (HTTPResponse, HTTPBody?) {
        guard let url = URL(string: baseURL.absoluteString + (request.path ?? "")) else {
            throw LoopbackTransportError(message: "\(operationID): no URL from \(baseURL) and \(request.path ?? "")")
        }
        var outgoing = URLRequest(url: url)
        outgoing.httpMethod = request.method.rawValue
        for field in request.headerFields {
            outgoing.addValue(field.value, forHTTPHeaderField: field.name.canonicalName)
        }
        if let body {
            outgoing.httpBody = try await Data(collecting: body, upTo: 256 << 20)
        }
        let (data, response) = try await session.data(for: outgoing)
        guard let http = response as? HTTPURLResponse else {
            throw LoopbackTransportError(message: "\(operationID): the answer is not HTTP")
        }
        var fields = HTTPFields()
        for (name, value) in http.allHeaderFields {
            if let name = name as? String, let fieldName = HTTPField.Name(name), let value = value as? String {
                fields.append(HTTPField(name: fieldName, value: value))
            }
        }
        return (HTTPResponse(status: .init(code: http.statusCode), headerFields: fields), HTTPBody(data))
    }
}

struct LoopbackTransportError: Error, CustomStringConvertible {
    let message: String
    var description: String { message }
}
