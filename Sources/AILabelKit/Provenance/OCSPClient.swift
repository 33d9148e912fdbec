import AILabelManifest
import AILabelMedia
import AILabelNetwork
import Foundation

/// Asks the OCSP responder a certificate names (Authority Information Access, id-ad-ocsp) about it,
/// with an RFC 6960 GET (`URL/base64(request)`, Appendix A.1, as c2pa-rs asks), through
/// ``BoundedFetch`` and its SSRF rules: the responder's address comes from a certificate in a
/// stranger's file, so it must be public unless named with `--allowed-host`. Plain http is allowed
/// (responders are named with http URLs; their answers are signed). Answers are cached for the run,
/// one per certificate, so a folder of files from one signer asks once.
public final class OCSPClient: OCSPFetching, @unchecked Sendable {
    public let policy: FetchPolicy
    /// At most this many responders of one certificate are tried.
    static let maximumResponders = 2
    private let lock = NSLock()
    private var answers: [[UInt8]: Result<[UInt8], OCSPFetchFailure>] = [:]

    /// The largest answer read and the time allowed for one, as `Docs/hardening.md` lists them.
    public static let maxBytes = OCSPResponse.maximumSize
    public static let timeout: TimeInterval = 10

    public init(allowedHosts: Set<String> = [], timeout: TimeInterval = OCSPClient.timeout) {
        self.policy = FetchPolicy(maxBytes: Self.maxBytes, timeout: timeout, allowedHosts: allowedHosts, maxRedirects: 2,
                                  allowsPlainHTTP: true)
    }

    public func response(for chain: [ParsedCertificate]) -> Result<[UInt8], OCSPFetchFailure> {
        guard let leaf = chain.first else { return .failure(OCSPFetchFailure("there is no signing certificate")) }
        lock.lock()
        let cached = answers[leaf.der]
        lock.unlock()
        if let cached { return cached }
        let answer = ask(chain)
        lock.lock()
        answers[leaf.der] = answer
        lock.unlock()
        return answer
    }

    func ask(_ chain: [ParsedCertificate]) -> Result<[UInt8], OCSPFetchFailure> {
        guard let request = OCSPRequest(chain: chain), let der = try? request.encoded() else {
            return .failure(OCSPFetchFailure("the signer's x5chain holds no issuer certificate, so no OCSP request can name the signer"))
        }
        let responders = chain[0].ocspResponderURLs.filter { $0.lowercased().hasPrefix("http") }
        guard !responders.isEmpty else {
            return .failure(OCSPFetchFailure("the signing certificate names no OCSP responder"))
        }
        // RFC 6960 A.1: the base64 request, URL-encoded, as one more path segment.
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        let encoded = Data(der).base64EncodedString().addingPercentEncoding(withAllowedCharacters: allowed) ?? ""
        var reasons: [String] = []
        for responder in responders.prefix(Self.maximumResponders) {
            let address = (responder.hasSuffix("/") ? responder : responder + "/") + encoded
            switch BoundedFetch.get(address, policy: policy) {
            case .success(let bytes):
                return .success(bytes)
            case .failure(let error):
                reasons.append("\(responder): \(error.reason) [\(error.code.rawValue)]")
            }
        }
        return .failure(OCSPFetchFailure(reasons.joined(separator: "; ")))
    }

    /// The response to staple for a signer about to sign (`stamp --ocsp-staple`): fetched, and
    /// accepted only when it is a signed, successful answer that names this certificate as good now.
    /// Throws ``ManifestError/Code/ocspFailed`` saying why otherwise (unreachable, revoked, unknown…).
    public func stapledResponse(for chain: [ParsedCertificate]) throws -> [UInt8] {
        let name = chain.first?.subjectDescription ?? "the signing certificate"
        let der: [UInt8]
        switch response(for: chain) {
        case .success(let bytes): der = bytes
        case .failure(let failure):
            throw ManifestError.make(.ocspFailed, "The OCSP response for \(name) could not be fetched: \(failure.reason)")
        }
        let response: OCSPResponse
        do {
            response = try OCSPResponse(derEncoded: der)
        } catch let error as ManifestError {
            throw ManifestError.make(.ocspFailed, "The OCSP responder of \(name) answered something that is not an OCSP response: \(error.reason)")
        }
        guard response.status == 0 else {
            throw ManifestError.make(.ocspFailed, "The OCSP responder of \(name) refused the request (OCSPResponseStatus \(response.status))")
        }
        let finding = OCSPChecker(trust: .none).read(der, signer: chain, signingTime: nil)
        if finding.isRevoked {
            throw ManifestError.make(.ocspFailed, "The OCSP responder says \(name) is revoked\(finding.revokedAt.map { " (since \($0))" } ?? ""): it must not sign")
        }
        guard finding.isNotRevoked else {
            throw ManifestError.make(.ocspFailed, "The OCSP response does not vouch for \(name): it is unsigned or badly signed, names another certificate, or says the status is unknown")
        }
        return der
    }
}
