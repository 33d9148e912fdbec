/// Where C2PA keeps OCSP responses about a claim signer's certificate, and how to ask for one.
///
/// - `rVals` in the COSE_Sign1 unprotected header: `{"ocspVals": [bstr, …]}` (C2PA §14.6; c2pa-rs
///   reads the first);
/// - the `c2pa.certificate-status` assertion: `{"ocspVals": [bstr, …]}` (C2PA §18.18), which is
///   what `ailabel stamp --ocsp-staple` writes.
public enum RevocationValues {
    public static let assertionLabel = "c2pa.certificate-status"

    /// The first OCSP response of `sign1`'s `rVals`, as c2pa-rs `get_ocsp_der` reads it.
    public static func stapled(in sign1: COSESign1) -> [UInt8]? {
        guard case .map(let entries) = sign1.unprotectedHeader else { return nil }
        for entry in entries where entry.key.textValue == "rVals" {
            return entry.value["ocspVals"]?.arrayValue?.first?.bytesValue
        }
        return nil
    }

    /// The responses of a `c2pa.certificate-status` assertion (nil when it is not one).
    public static func responses(inCertificateStatus content: CBOR) -> [[UInt8]]? {
        guard let values = content["ocspVals"]?.arrayValue else { return nil }
        var out: [[UInt8]] = []
        for value in values {
            guard let bytes = value.bytesValue else { return nil }
            out.append(bytes)
        }
        return out
    }

    /// The content of a `c2pa.certificate-status` assertion (or of `rVals`) holding `responses`.
    public static func container(_ responses: [[UInt8]]) -> CBOR {
        .textMap([("ocspVals", .array(responses.map { .bytes($0) }))])
    }
}

/// Asks a certificate's OCSP responder (`verify --ocsp-fetch`, `stamp --ocsp-staple`). The network
/// lives in AILabelKit; the validator only knows this.
public protocol OCSPFetching: Sendable {
    /// The DER OCSPResponse about `chain[0]` (issued by `chain[1]`), or why there is none, in words.
    func response(for chain: [ParsedCertificate]) -> Result<[UInt8], OCSPFetchFailure>
}

/// Why no OCSP response could be had: no responder named, unreachable, refused, too slow or too large.
public struct OCSPFetchFailure: Error, Sendable, CustomStringConvertible {
    public var reason: String
    public init(_ reason: String) { self.reason = reason }
    public var description: String { reason }
}
