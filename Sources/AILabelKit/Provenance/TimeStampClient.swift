import AILabelManifest
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Asks an RFC 3161 time-stamp authority over HTTP(S) (`application/timestamp-query`) for a token
/// over some bytes. Bounded: the answer may not exceed ``maximumResponseSize`` bytes nor take longer
/// than ``timeout`` seconds, redirects are not followed, and anything but a 200 with a granted,
/// verifying token for this request's nonce is an error naming the authority and the problem.
///
/// Networking lives here, in AILabelKit, because AILabelMedia stays free of Foundation.
public struct TimeStampClient: Sendable {
    public var url: URL
    public var timeout: TimeInterval
    public var maximumResponseSize: Int

    public init(url: URL, timeout: TimeInterval = 15, maximumResponseSize: Int = 64 * 1024) {
        self.url = url
        self.timeout = timeout
        self.maximumResponseSize = maximumResponseSize
    }

    /// Checks that `text` is an http or https URL with a host, as `--tsa-url` must be.
    public static func parseURL(_ text: String) -> URL? {
        guard let url = URL(string: text), let scheme = url.scheme?.lowercased(), scheme == "http" || scheme == "https",
            let host = url.host, !host.isEmpty
        else { return nil }
        return url
    }

    /// The token for `message`, or a ``ManifestError`` with code `timeStampFailed`.
    public func token(for message: [UInt8]) throws -> [UInt8] {
        let request = TimeStampRequest(message: message)
        var http = URLRequest(url: url, cachePolicy: .reloadIgnoringLocalCacheData, timeoutInterval: timeout)
        http.httpMethod = "POST"
        http.setValue("application/timestamp-query", forHTTPHeaderField: "Content-Type")
        http.setValue("application/timestamp-reply", forHTTPHeaderField: "Accept")
        http.httpBody = Data(try request.encoded())
        let body = try fetch(http)
        do {
            return try request.token(fromResponse: body)
        } catch let error as ManifestError {
            throw ManifestError.make(.timeStampFailed, "\(url.absoluteString): \(error.reason)")
        }
    }

    func fetch(_ request: URLRequest) throws -> [UInt8] {
        let collector = BoundedCollector(limit: maximumResponseSize)
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = timeout
        configuration.timeoutIntervalForResource = timeout
        configuration.urlCache = nil
        let session = URLSession(configuration: configuration, delegate: collector, delegateQueue: nil)
        defer { session.invalidateAndCancel() }
        let task = session.dataTask(with: request)
        task.resume()
        // The resource timeout ends the task; the extra second only guards against a lost callback.
        guard collector.done.wait(timeout: .now() + timeout + 1) == .success else {
            task.cancel()
            throw failed("no answer within \(Int(timeout)) seconds")
        }
        let outcome = collector.outcome.withLock { $0 }
        switch outcome {
        case .some(.success(let (status, bytes))):
            guard status == 200 else { throw failed("the authority answered HTTP \(status)") }
            return bytes
        case .some(.failure(let reason)):
            throw failed(reason.text)
        case .none:
            throw failed("the request ended without an answer")
        }
    }

    func failed(_ reason: String) -> ManifestError {
        ManifestError.make(.timeStampFailed, "The time-stamp authority \(url.absoluteString) failed: \(reason)")
    }
}

/// Collects a response body up to a limit, refusing redirects and cancelling past the limit.
private final class BoundedCollector: NSObject, URLSessionDataDelegate, @unchecked Sendable {
    let limit: Int
    let done = DispatchSemaphore(value: 0)
    let outcome = LockedBox<Result<(Int, [UInt8]), Reason>?>(nil)
    private let body = LockedBox<[UInt8]>([])
    private let status = LockedBox<Int>(0)

    struct Reason: Error { var text: String }

    init(limit: Int) { self.limit = limit }

    func urlSession(_ session: URLSession, task: URLSessionTask, willPerformHTTPRedirection response: HTTPURLResponse,
                    newRequest request: URLRequest, completionHandler: @escaping (URLRequest?) -> Void) {
        completionHandler(nil)
    }

    func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive response: URLResponse,
                    completionHandler: @escaping (URLSession.ResponseDisposition) -> Void) {
        let code = (response as? HTTPURLResponse)?.statusCode ?? 0
        status.withLock { $0 = code }
        if response.expectedContentLength > Int64(limit) {
            finish(.failure(Reason(text: "the answer would be \(response.expectedContentLength) bytes, more than the \(limit) accepted")))
            completionHandler(.cancel)
            return
        }
        completionHandler(.allow)
    }

    func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive data: Data) {
        let over = body.withLock { body -> Bool in
            body.append(contentsOf: data)
            return body.count > limit
        }
        if over {
            finish(.failure(Reason(text: "the answer is more than the \(limit) bytes accepted")))
            dataTask.cancel()
        }
    }

    func urlSession(_ session: URLSession, task: URLSessionTask, didCompleteWithError error: (any Error)?) {
        if let error {
            finish(.failure(Reason(text: error.localizedDescription)))
        } else {
            finish(.success((status.withLock { $0 }, body.withLock { $0 })))
        }
    }

    private func finish(_ result: Result<(Int, [UInt8]), Reason>) {
        let first = outcome.withLock { outcome -> Bool in
            guard case .none = outcome else { return false }
            outcome = result
            return true
        }
        if first { done.signal() }
    }
}

/// A value behind a lock.
private final class LockedBox<Value>: @unchecked Sendable {
    private var value: Value
    private let lock = NSLock()
    init(_ value: Value) { self.value = value }
    func withLock<T>(_ body: (inout Value) -> T) -> T {
        lock.lock()
        defer { lock.unlock() }
        return body(&value)
    }
}
