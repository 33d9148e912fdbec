/// The time-stamps C2PA keeps in a COSE_Sign1's unprotected header (C2PA 2.x §10.3.2.5):
/// `sigTst` (v1: a whole `TimeStampResp` over the claim) and `sigTst2` (v2: the token alone, over
/// the signature, so it countersigns the finished signature structure). Each is a `tstContainer`,
/// `{"tstTokens": [{"val": bstr}]}`.
public enum COSETimeStamp {
    public enum Version: Sendable {
        /// `sigTst`: the message is the claim (the COSE payload).
        case v1
        /// `sigTst2`: the message is the signature, as a CBOR byte string.
        case v2
    }

    /// The `tstContainer` of `sign1`'s unprotected header: the first of `sigTst2` or `sigTst` found
    /// in header order, as c2pa-rs looks for it.
    public static func container(of sign1: COSESign1) -> (version: Version, value: CBOR)? {
        guard case .map(let entries) = sign1.unprotectedHeader else { return nil }
        for entry in entries {
            switch entry.key.textValue {
            case "sigTst2": return (.v2, entry.value)
            case "sigTst": return (.v1, entry.value)
            default: continue
            }
        }
        return nil
    }

    /// The tokens of a `tstContainer`, or `nil` when it is not one.
    public static func tokens(in container: CBOR) -> [[UInt8]]? {
        guard let tokens = container["tstTokens"]?.arrayValue else { return nil }
        var out: [[UInt8]] = []
        for token in tokens {
            guard let value = token["val"]?.bytesValue else { return nil }
            out.append(value)
        }
        return out
    }

    /// The bytes a v1 or v2 time-stamp's message imprint is the hash of: the COSE countersignature
    /// structure `["CounterSignature", protected, h'', message]` over the claim (v1) or over the
    /// signature encoded as a CBOR byte string (v2).
    public static func imprintedBytes(_ version: Version, claimBytes: [UInt8], sign1: COSESign1) -> [UInt8] {
        let message: [UInt8]
        switch version {
        case .v1: message = claimBytes
        case .v2: message = CBOR.bytes(sign1.signature).encoded()
        }
        return CBOR.array([.text("CounterSignature"), .bytes(sign1.protectedBytes), .bytes([]), .bytes(message)])
            .encoded(deterministic: false)
    }

    /// A `tstContainer` holding one token.
    public static func container(token: [UInt8]) -> CBOR {
        .textMap([("tstTokens", .array([.textMap([("val", .bytes(token))])]))])
    }
}
