import Foundation

/// A hashed URI: a JUMBF URI and the hash of the box it names (C2PA §8.3).
public struct HashedURI: Sendable, Hashable {
    public var url: String
    public var hash: [UInt8]
    public var algorithm: String?

    public init(url: String, hash: [UInt8], algorithm: String? = nil) {
        self.url = url
        self.hash = hash
        self.algorithm = algorithm
    }

    init?(_ item: CBOR) {
        guard let url = item["url"]?.textValue, let hash = item["hash"]?.bytesValue else { return nil }
        self.url = url
        self.hash = hash
        self.algorithm = item["alg"]?.textValue
    }

    var cbor: CBOR {
        var entries: [(String, CBOR)] = [("url", .text(url))]
        if let algorithm { entries.append(("alg", .text(algorithm))) }
        entries.append(("hash", .bytes(hash)))
        return .textMap(entries)
    }
}

/// A claim, v1 (`c2pa.claim`) or v2 (`c2pa.claim.v2`), decoded from the bytes kept in ``Manifest/claimBytes``.
public struct Claim: Sendable {
    public var version: Int
    public var cbor: CBOR
    public var instanceID: String?
    /// The claim generator: v1's `claim_generator` string, or the name (and version) from `claim_generator_info`.
    public var claimGenerator: String?
    public var claimGeneratorName: String?
    public var claimGeneratorVersion: String?
    public var signatureURL: String?
    /// All referenced assertions: v2's created then gathered assertions, or v1's `assertions`.
    public var assertionReferences: [HashedURI]
    public var title: String?
    public var format: String?
    public var algorithm: String
    /// The assertions of other manifests this claim redacts (`redacted_assertions`: JUMBF URIs).
    public var redactedAssertions: [String]
    /// Whether the claim names its hash algorithm (`alg`); ``algorithm`` is `sha256` when it does not.
    public var declaresAlgorithm: Bool
    /// A v2 claim's gathered assertions (those it did not create), among ``assertionReferences``.
    public var gatheredAssertionReferences: [HashedURI]

    public init(decoding bytes: [UInt8], label: String) throws {
        try self.init(item: try CBOR(decoding: bytes), label: label)
    }

    /// The claim in a decoded CBOR item (the store decodes it within its item budget).
    init(item: CBOR, label: String) throws {
        guard case .map = item else { throw ManifestError.make(.storeMalformed, "The claim is not a CBOR map") }
        cbor = item
        // The version is what the fields say, as c2pa-rs reads it (`assertions` is v1, `created_assertions`
        // v2), whatever the box's label; a claim with both lists, or neither, is refused.
        switch (item["assertions"] != nil, item["created_assertions"] != nil) {
        case (true, false): version = 1
        case (false, true): version = 2
        case (true, true): throw ManifestError.make(.storeMalformed, "The claim has both a v1 assertions list and a v2 created_assertions list")
        case (false, false): throw ManifestError.make(.storeMalformed, "The claim lists no assertions (neither assertions nor created_assertions)")
        }
        instanceID = item["instanceID"]?.textValue
        signatureURL = item["signature"]?.textValue
        title = item["dc:title"]?.textValue
        format = item["dc:format"]?.textValue
        algorithm = item["alg"]?.textValue ?? "sha256"
        declaresAlgorithm = item["alg"] != nil
        redactedAssertions = (item["redacted_assertions"]?.arrayValue ?? []).compactMap(\.textValue)
        let info: CBOR? = {
            switch item["claim_generator_info"] {
            case .array(let items)?: return items.first
            case let other?: return other
            case nil: return nil
            }
        }()
        claimGeneratorName = info?["name"]?.textValue
        claimGeneratorVersion = info?["version"]?.textValue
        if let generator = item["claim_generator"]?.textValue {
            claimGenerator = generator
        } else if let name = claimGeneratorName {
            claimGenerator = claimGeneratorVersion.map { "\(name)/\($0)" } ?? name
        }
        if version == 2 {
            let created = item["created_assertions"]?.arrayValue ?? []
            let gathered = item["gathered_assertions"]?.arrayValue ?? []
            assertionReferences = (created + gathered).compactMap(HashedURI.init)
            gatheredAssertionReferences = gathered.compactMap(HashedURI.init)
        } else {
            assertionReferences = (item["assertions"]?.arrayValue ?? []).compactMap(HashedURI.init)
            gatheredAssertionReferences = []
        }
    }
}

/// JUMBF URI helpers.
enum JUMBFURI {
    /// The path part of `self#jumbf=...`.
    static func path(of url: String) -> String? {
        guard let range = url.range(of: "#jumbf=") else { return nil }
        return String(url[range.upperBound...])
    }

    /// The manifest label named by an absolute URI (`self#jumbf=/c2pa/<label>/...`), or nil.
    static func manifestLabel(of url: String) -> String? {
        guard let path = path(of: url), path.hasPrefix("/c2pa/") else { return nil }
        let rest = path.dropFirst("/c2pa/".count)
        let label = rest.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: true).first
        return label.map(String.init)
    }

    /// The last path component (the assertion label for assertion URIs).
    static func lastComponent(of url: String) -> String? {
        guard let path = path(of: url) else { return nil }
        return path.split(separator: "/").last.map(String.init)
    }
}
