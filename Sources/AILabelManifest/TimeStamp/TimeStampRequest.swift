import Crypto
import SwiftASN1

/// An RFC 3161 `TimeStampReq` for a SHA-256 message imprint, with a nonce and a request for the
/// TSA's certificate, and the checks its `TimeStampResp` must pass before the token is used.
public struct TimeStampRequest: Sendable {
    /// The bytes the time-stamp vouches for (their SHA-256 is sent, never the bytes).
    public var message: [UInt8]
    public var nonce: UInt64

    public init(message: [UInt8], nonce: UInt64 = UInt64.random(in: 1...UInt64(Int64.max))) {
        self.message = message
        self.nonce = nonce & UInt64(Int64.max)
    }

    /// The DER `TimeStampReq`: `{ version 1, messageImprint { sha256, hash }, nonce, certReq TRUE }`.
    public func encoded() throws -> [UInt8] {
        let digest = Array(SHA256.hash(data: message))
        var serializer = DER.Serializer()
        try serializer.appendConstructedNode(identifier: .sequence) { request in
            try request.serialize(1)
            try request.appendConstructedNode(identifier: .sequence) { imprint in
                try imprint.appendConstructedNode(identifier: .sequence) { algorithm in
                    try algorithm.serialize(TimeStampVerifier.sha256)
                    try algorithm.serialize(ASN1Null())
                }
                try imprint.serialize(ASN1OctetString(contentBytes: ArraySlice(digest)))
            }
            try request.serialize(Int64(nonce))
            try request.serialize(true)
        }
        return serializer.serializedBytes
    }

    /// The token of a TSA's `TimeStampResp`, after checking that the request was granted, that the
    /// token verifies (signature and imprint; trust is the verifier's business), and that it carries
    /// this request's nonce. Throws ``ManifestError/Code/timeStampFailed`` naming what is wrong.
    public func token(fromResponse response: [UInt8]) throws -> [UInt8] {
        func failed(_ reason: String) -> ManifestError { ManifestError.make(.timeStampFailed, reason) }
        let token: [UInt8]
        do {
            let root = try DER.parse(response)
            guard case .constructed(let parts) = root.content, let status = parts.first(where: { _ in true }) else {
                throw failed("The time-stamp authority's answer is not a TimeStampResp")
            }
            guard case .constructed(let statusParts) = status.content, let code = statusParts.first(where: { _ in true }) else {
                throw failed("The time-stamp authority's answer has no status")
            }
            let granted = try Int(derEncoded: code)
            guard granted == 0 || granted == 1 else {
                throw failed("The time-stamp authority refused the request (PKIStatus \(granted))")
            }
            guard let tokenNode = Array(parts).dropFirst().first else {
                throw failed("The time-stamp authority granted the request but sent no token")
            }
            token = Array(tokenNode.encodedBytes)
        } catch let error as ManifestError {
            throw error
        } catch {
            throw failed("The time-stamp authority's answer is not valid DER: \(error)")
        }
        let outcome = TimeStampVerifier(trust: .none).verify(token, over: message, checkTrust: false)
        guard outcome.time != nil else {
            let reasons = outcome.statuses.map(\.explanation).joined(separator: "; ")
            throw failed("The time-stamp authority's token does not verify: \(reasons)")
        }
        guard let info = try? TimeStampToken(parsing: token).info, Self.nonce(in: info) == nonce else {
            throw failed("The time-stamp authority's token does not carry this request's nonce")
        }
        return token
    }

    static func nonce(in info: TimeStampToken.Info) -> UInt64? { info.nonce }
}
