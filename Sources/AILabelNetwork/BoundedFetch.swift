import Foundation

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// What a fetch from the network may do. The address comes from a stranger (a file's remote
/// manifest reference) or from the user (a trust list's address): it is checked before connecting and
/// at every redirect.
public struct FetchPolicy: Sendable, Hashable {
    /// The largest body accepted; a longer one is cut off and refused.
    public var maxBytes: Int
    /// The whole fetch, redirects included, in seconds.
    public var timeout: TimeInterval
    /// Hosts named by the user. When not empty, every hop must go to one of them. A host named here may
    /// also be a loopback or private address and may be reached over plain HTTP (a test server, an
    /// intranet mirror); every other host must be public and reached over HTTPS.
    public var allowedHosts: Set<String>
    public var maxRedirects: Int
    /// Whether plain http may reach public hosts too: OCSP responders are named with http URLs and
    /// their answers are signed, so nothing is trusted for having come over TLS. The address rules
    /// (public addresses only unless named) still hold.
    public var allowsPlainHTTP: Bool

    public init(maxBytes: Int, timeout: TimeInterval, allowedHosts: Set<String> = [], maxRedirects: Int = 5,
                allowsPlainHTTP: Bool = false) {
        self.maxBytes = maxBytes
        self.timeout = timeout
        self.allowedHosts = Set(allowedHosts.map { $0.lowercased() })
        self.maxRedirects = maxRedirects
        self.allowsPlainHTTP = allowsPlainHTTP
    }
}

/// Why a fetch failed; `code` is stable.
public struct FetchError: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Code: String, Sendable {
        case badAddress = "fetch.bad-address"
        case notHTTPS = "fetch.not-https"
        case hostNotAllowed = "fetch.host-not-allowed"
        case privateAddress = "fetch.private-address"
        case tooLarge = "fetch.too-large"
        case timedOut = "fetch.timed-out"
        case httpStatus = "fetch.http-status"
        case tooManyRedirects = "fetch.too-many-redirects"
        case failed = "fetch.failed"
    }
    public var code: Code
    public var url: String
    public var reason: String
    public var description: String { "\(url): \(reason)" }
    public static func == (a: FetchError, b: FetchError) -> Bool { a.code == b.code }
    public func hash(into hasher: inout Hasher) { hasher.combine(code) }
}

/// One HTTP(S) GET with a size limit, a time limit, and the SSRF rules of ``FetchPolicy`` applied to the
/// first address and to every redirect. The host's addresses are resolved and checked before the
/// request; the resolver is asked again when URLSession connects, so a name that changes its answer
/// between the two (DNS rebinding) is a remaining risk, stated in Docs/hardening.md.
public enum BoundedFetch {
    public static func get(_ address: String, policy: FetchPolicy) -> Result<[UInt8], FetchError> {
        guard let url = URL(string: address), url.host != nil else {
            return .failure(FetchError(code: .badAddress, url: address, reason: "not an absolute URL"))
        }
        if let refusal = check(url, policy: policy) { return .failure(refusal) }
        let delegate = FetchDelegate(policy: policy, address: address)
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = policy.timeout
        configuration.timeoutIntervalForResource = policy.timeout
        configuration.httpCookieStorage = nil
        configuration.urlCache = nil
        configuration.requestCachePolicy = .reloadIgnoringLocalCacheData
        let session = URLSession(configuration: configuration, delegate: delegate, delegateQueue: nil)
        defer { session.invalidateAndCancel() }
        var request = URLRequest(url: url)
        request.setValue("ailabel", forHTTPHeaderField: "User-Agent")
        let task = session.dataTask(with: request)
        task.resume()
        // A second guard beside URLSession's own: the task is cancelled when the whole time is up.
        if delegate.done.wait(timeout: .now() + policy.timeout + 1) == .timedOut {
            task.cancel()
            return .failure(FetchError(code: .timedOut, url: address, reason: "no complete answer within \(Int(policy.timeout)) s"))
        }
        return delegate.result()
    }

    /// Whether `url` may be fetched under `policy`: nil when it may, the refusal otherwise.
    static func check(_ url: URL, policy: FetchPolicy) -> FetchError? {
        let address = url.absoluteString
        guard let rawHost = url.host?.lowercased(), !rawHost.isEmpty else {
            return FetchError(code: .badAddress, url: address, reason: "the address names no host")
        }
        let host = rawHost.hasPrefix("[") && rawHost.hasSuffix("]") ? String(rawHost.dropFirst().dropLast()) : rawHost
        let named = policy.allowedHosts.contains(host) || policy.allowedHosts.contains(rawHost)
        if !policy.allowedHosts.isEmpty && !named {
            return FetchError(code: .hostNotAllowed, url: address, reason: "host \(host) is not one of the allowed hosts (\(policy.allowedHosts.sorted().joined(separator: ", ")))")
        }
        switch url.scheme?.lowercased() {
        case "https": break
        case "http" where named || policy.allowsPlainHTTP: break
        default:
            return FetchError(code: .notHTTPS, url: address, reason: "only https is fetched (plain http only from a host named with --allowed-host)")
        }
        if named { return nil }
        let addresses = NetworkAddress.resolve(host)
        if addresses.isEmpty {
            return FetchError(code: .failed, url: address, reason: "host \(host) cannot be resolved")
        }
        if let inner = addresses.first(where: { !$0.isPublic }) {
            return FetchError(code: .privateAddress, url: address, reason: "host \(host) resolves to \(inner), a loopback, private or reserved address; name it with --allowed-host to reach it")
        }
        return nil
    }
}

/// Collects the body up to the limit and applies the policy to redirects.
private final class FetchDelegate: NSObject, URLSessionDataDelegate, @unchecked Sendable {
    let policy: FetchPolicy
    let address: String
    let done = DispatchSemaphore(value: 0)
    private let lock = NSLock()
    private var body: [UInt8] = []
    private var failure: FetchError?
    private var status = 0
    private var redirects = 0
    private var finished = false

    init(policy: FetchPolicy, address: String) {
        self.policy = policy
        self.address = address
    }

    func result() -> Result<[UInt8], FetchError> {
        lock.lock()
        defer { lock.unlock() }
        if let failure { return .failure(failure) }
        guard (200..<300).contains(status) else {
            return .failure(FetchError(code: .httpStatus, url: address, reason: "the server answered HTTP \(status)"))
        }
        return .success(body)
    }

    private func fail(_ error: FetchError) {
        lock.lock()
        if failure == nil { failure = error }
        lock.unlock()
    }

    func urlSession(_ session: URLSession, task: URLSessionTask, willPerformHTTPRedirection response: HTTPURLResponse,
                    newRequest request: URLRequest, completionHandler: @escaping (URLRequest?) -> Void) {
        lock.lock()
        redirects += 1
        let count = redirects
        lock.unlock()
        guard count <= policy.maxRedirects else {
            fail(FetchError(code: .tooManyRedirects, url: address, reason: "more than \(policy.maxRedirects) redirects"))
            completionHandler(nil)
            task.cancel()
            return
        }
        guard let next = request.url else {
            fail(FetchError(code: .badAddress, url: address, reason: "a redirect without an address"))
            completionHandler(nil)
            task.cancel()
            return
        }
        if let refusal = BoundedFetch.check(next, policy: policy) {
            fail(FetchError(code: refusal.code, url: address, reason: "redirect to \(next.absoluteString) refused: \(refusal.reason)"))
            completionHandler(nil)
            task.cancel()
            return
        }
        completionHandler(request)
    }

    func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive response: URLResponse,
                    completionHandler: @escaping (URLSession.ResponseDisposition) -> Void) {
        let http = response as? HTTPURLResponse
        lock.lock()
        status = http?.statusCode ?? 0
        lock.unlock()
        if response.expectedContentLength > Int64(policy.maxBytes) {
            fail(FetchError(code: .tooLarge, url: address, reason: "the answer announces \(response.expectedContentLength) bytes, more than the limit of \(policy.maxBytes)"))
            completionHandler(.cancel)
            return
        }
        completionHandler(.allow)
    }

    func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive data: Data) {
        lock.lock()
        let over = body.count + data.count > policy.maxBytes
        if !over { body.append(contentsOf: data) }
        lock.unlock()
        if over {
            fail(FetchError(code: .tooLarge, url: address, reason: "the answer is longer than the limit of \(policy.maxBytes) bytes"))
            dataTask.cancel()
        }
    }

    func urlSession(_ session: URLSession, task: URLSessionTask, didCompleteWithError error: (any Error)?) {
        if let error {
            let nsError = error as NSError
            if nsError.code == NSURLErrorTimedOut {
                fail(FetchError(code: .timedOut, url: address, reason: "no complete answer within \(Int(policy.timeout)) s"))
            } else {
                fail(FetchError(code: .failed, url: address, reason: nsError.localizedDescription))
            }
        }
        lock.lock()
        let first = !finished
        finished = true
        lock.unlock()
        if first { done.signal() }
    }
}
