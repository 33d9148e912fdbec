/// The COSE signature algorithms C2PA allows (RFC 9053 / RFC 8230 identifiers).
public enum COSEAlgorithm: Int, Sendable, CaseIterable {
    case es256 = -7
    case es384 = -35
    case es512 = -36
    case ps256 = -37
    case ps384 = -38
    case ps512 = -39
    case ed25519 = -8
}

extension COSEAlgorithm: CustomStringConvertible {
    public var description: String {
        switch self {
        case .es256: return "ES256"
        case .es384: return "ES384"
        case .es512: return "ES512"
        case .ps256: return "PS256"
        case .ps384: return "PS384"
        case .ps512: return "PS512"
        case .ed25519: return "Ed25519"
        }
    }
}

/// A `COSE_Sign1` structure (RFC 9052 §4.2), tag 18, as a C2PA claim signature.
///
/// ``protectedBytes`` keeps the serialized protected header exactly as stored, because the
/// signature covers those bytes and not a re-encoding.
public struct COSESign1: Sendable {
    /// The protected header's bytes, as stored (a serialized CBOR map).
    public var protectedBytes: [UInt8]
    /// The decoded protected header.
    public var protectedHeader: CBOR
    /// The unprotected header map.
    public var unprotectedHeader: CBOR
    /// The payload; `nil` when detached (C2PA's claim signatures are detached).
    public var payload: [UInt8]?
    public var signature: [UInt8]

    /// COSE header labels.
    enum Header {
        static let algorithm = 1
        static let contentType = 3
        static let x5chain = 33
    }

    public init(protectedHeader: CBOR, unprotectedHeader: CBOR, payload: [UInt8]?, signature: [UInt8]) {
        self.protectedHeader = protectedHeader
        self.protectedBytes = protectedHeader.encoded()
        self.unprotectedHeader = unprotectedHeader
        self.payload = payload
        self.signature = signature
    }

    /// Decodes a tagged or untagged `COSE_Sign1`.
    public init(decoding bytes: [UInt8]) throws {
        let item: CBOR
        do {
            item = try CBOR(decoding: bytes)
        } catch let error as ManifestError {
            throw ManifestError.make(.coseMalformed, "The COSE signature is not valid CBOR: \(error.reason)")
        }
        var body = item
        if case .tagged(let tag, let inner) = item {
            guard tag == 18 else { throw ManifestError.make(.coseMalformed, "COSE structure has tag \(tag), not 18 (COSE_Sign1)") }
            body = inner
        }
        guard case .array(let parts) = body, parts.count == 4 else {
            throw ManifestError.make(.coseMalformed, "COSE_Sign1 is not an array of four items")
        }
        guard case .bytes(let protectedBytes) = parts[0] else {
            throw ManifestError.make(.coseMalformed, "COSE_Sign1 protected header is not a byte string")
        }
        let protectedHeader: CBOR
        if protectedBytes.isEmpty {
            protectedHeader = .map([])
        } else {
            do {
                protectedHeader = try CBOR(decoding: protectedBytes)
            } catch {
                throw ManifestError.make(.coseMalformed, "COSE_Sign1 protected header is not valid CBOR")
            }
        }
        guard case .map = protectedHeader, case .map = parts[1] else {
            throw ManifestError.make(.coseMalformed, "COSE_Sign1 headers are not maps")
        }
        var payload: [UInt8]?
        switch parts[2] {
        case .null: payload = nil
        case .bytes(let value): payload = value
        default: throw ManifestError.make(.coseMalformed, "COSE_Sign1 payload is neither nil nor a byte string")
        }
        guard case .bytes(let signature) = parts[3] else {
            throw ManifestError.make(.coseMalformed, "COSE_Sign1 signature is not a byte string")
        }
        self.protectedBytes = protectedBytes
        self.protectedHeader = protectedHeader
        self.unprotectedHeader = parts[1]
        self.payload = payload
        self.signature = signature
    }

    /// The tagged encoding. Header maps are written in their given order (the protected header's
    /// stored bytes are reused unchanged).
    public func encoded() -> [UInt8] {
        CBOR.tagged(18, .array([
            .bytes(protectedBytes), unprotectedHeader, payload.map { CBOR.bytes($0) } ?? .null, .bytes(signature),
        ])).encoded(deterministic: false)
    }

    /// The algorithm named in the protected header (or, failing that, the unprotected one).
    public var algorithmIdentifier: Int? {
        protectedHeader[intKey: Header.algorithm]?.intValue ?? unprotectedHeader[intKey: Header.algorithm]?.intValue
    }

    public var algorithm: COSEAlgorithm? { algorithmIdentifier.flatMap(COSEAlgorithm.init(rawValue:)) }

    /// The DER certificates of the x5chain header: label 33 in the protected header (C2PA 2.x), or
    /// in the unprotected header, or the legacy text label `x5chain`. Leaf first.
    public var certificateChain: [[UInt8]] {
        for header in [protectedHeader, unprotectedHeader] {
            guard let value = header[intKey: Header.x5chain] ?? header["x5chain"] else { continue }
            switch value {
            case .bytes(let der): return [der]
            case .array(let items): return items.compactMap(\.bytesValue)
            default: return []
            }
        }
        return []
    }

    /// The `Sig_structure` that is signed: `["Signature1", protected, external_aad, payload]`.
    public static func signedBytes(protectedBytes: [UInt8], externalAAD: [UInt8] = [], payload: [UInt8]) -> [UInt8] {
        CBOR.array([.text("Signature1"), .bytes(protectedBytes), .bytes(externalAAD), .bytes(payload)])
            .encoded(deterministic: false)
    }
}
