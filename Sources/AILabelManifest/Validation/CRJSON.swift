import AILabelMedia
import Foundation
import SwiftASN1
import X509

/// C2PA's crJSON document of a manifest store (the form the reference SDK's `Reader.crjson()` prints):
/// `manifests`, active first, each with `label`, `isUpdateManifest`, `assertions` (label → content),
/// `claim.v2` (or `claim`), `signature` (`algorithm`, `certificateInfo`) and, where ailabel validated
/// it, `validationResults`. CBOR byte strings are written `b64'…'`, as the SDK writes them.
public enum CRJSON {
    /// The document as JSON-compatible values (dictionaries, arrays, strings, numbers, booleans, NSNull).
    public static func document(store: ManifestStore, report: ValidationReport) -> [String: Any] {
        var results: [String: [ValidationStatus]] = [:]
        if let active = report.activeManifest { results[active.label] = report.statuses }
        func walk(_ summary: ManifestSummary?, depth: Int) {
            guard let summary, depth < 32 else { return }
            for ingredient in summary.ingredients {
                if let label = ingredient.activeManifestLabel, let validation = ingredient.validation, results[label] == nil {
                    results[label] = validation.statuses
                }
                walk(ingredient.validation?.activeManifest, depth: depth + 1)
            }
        }
        walk(report.activeManifest, depth: 0)
        // Active first, then the others from the newest down, as the SDK lists them.
        let ordered = Array(store.manifests.reversed())
        return [
            "@context": ["@vocab": "https://c2pa.org/crjson", "extras": "https://c2pa.org/crjson/extras"],
            "manifests": ordered.map { manifest(from: $0, statuses: results[$0.label]) },
            "jsonGenerator": ["name": ManifestDefinition.generatorName, "version": ManifestDefinition.ailabelVersion],
        ]
    }

    /// The crJSON of the embedded store of an asset in any registered format, validated by `validator`;
    /// nil when the file holds no store, an error when the store cannot be read.
    public static func text(asset: any ByteSource, validator: ManifestValidator, registry: AssetRegistry = .metadataReading) throws -> String? {
        guard let handler = try ManifestSigner.mediaStep("The asset cannot be read", { try registry.handler(sniffing: asset) }) else {
            throw ManifestError.make(.unsupportedAsset, "The asset is not a \(registry.formatNames) file")
        }
        let located = try ManifestSigner.mediaStep("The asset cannot be read") { try handler.locateC2PAStore(in: asset) }
        guard let bytes = located.store else { return nil }
        let store = try ManifestStore(parsing: bytes)
        return text(store: store, report: validator.validate(asset: asset))
    }

    /// The document as pretty-printed JSON text.
    public static func text(store: ManifestStore, report: ValidationReport) -> String {
        let value = document(store: store, report: report)
        guard let data = try? JSONSerialization.data(withJSONObject: value, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]) else {
            return "{}"
        }
        return String(decoding: data, as: UTF8.self)
    }

    static func manifest(from manifest: Manifest, statuses: [ValidationStatus]?) -> [String: Any] {
        var out: [String: Any] = ["label": manifest.label, "isUpdateManifest": manifest.isUpdate, "isCompressedManifest": false]
        var assertions: [String: Any] = [:]
        for assertion in manifest.assertions {
            if let cbor = assertion.cbor {
                assertions[assertion.label] = json(cbor, depth: 0)
            } else if let text = assertion.json, let data = text.data(using: .utf8),
                let value = try? JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])
            {
                assertions[assertion.label] = value
            } else {
                assertions[assertion.label] = ["undecoded": assertion.decodingError ?? "an embedded file or other binary content"]
            }
        }
        out["assertions"] = assertions
        if let claim = manifest.claim {
            out[claim.version >= 2 ? "claim.v2" : "claim"] = json(claim.cbor, depth: 0)
        }
        if let signature = manifest.signatureBytes, let sign1 = try? COSESign1(decoding: signature) {
            var entry: [String: Any] = [:]
            if let algorithm = sign1.algorithm { entry["algorithm"] = "\(algorithm)".lowercased() }
            if let leaf = sign1.certificateChain.first { entry["certificateInfo"] = certificateInfo(leaf) }
            out["signature"] = entry
        }
        if let statuses {
            func list(_ kind: ValidationStatus.Kind) -> [[String: Any]] {
                statuses.filter { $0.kind == kind }.map { status in
                    var item: [String: Any] = ["code": status.code.rawValue, "explanation": status.explanation]
                    if let url = status.url { item["url"] = url }
                    return item
                }
            }
            out["validationResults"] = ["success": list(.success), "informational": list(.informational), "failure": list(.failure)]
        }
        return out
    }

    static func certificateInfo(_ der: [UInt8]) -> [String: Any] {
        var info: [String: Any] = [:]
        if let parsed = try? ParsedCertificate(derEncoded: der) {
            if let serial = serialNumber(tbs: Array(parsed.tbsBytes)) {
                info["serialNumber"] = serial.map { String(format: "%02x", $0) }.joined()
                    .replacingOccurrences(of: "^(00)+(?=.)", with: "", options: .regularExpression)
            }
            info["issuer"] = names(parsed.issuer)
            info["subject"] = names(parsed.subject)
            let format = ISO8601DateFormatter()
            format.formatOptions = [.withInternetDateTime]
            func date(_ value: Date) -> String { format.string(from: value).replacingOccurrences(of: "Z", with: "+00:00") }
            info["validity"] = ["notBefore": date(parsed.notValidBefore), "notAfter": date(parsed.notValidAfter)]
        }
        return info
    }

    /// The serial number's bytes, read from the TBSCertificate (after the optional `[0]` version), so
    /// that certificates swift-certificates does not read (RSASSA-PSS) have one too.
    static func serialNumber(tbs: [UInt8]) -> [UInt8]? {
        guard let node = try? DER.parse(tbs), case .constructed(let children) = node.content else { return nil }
        var iterator = children.makeIterator()
        var field = iterator.next()
        if field?.identifier == ASN1Identifier(tagWithNumber: 0, tagClass: .contextSpecific) { field = iterator.next() }
        guard let field, field.identifier == .integer, case .primitive(let bytes) = field.content else { return nil }
        return Array(bytes)
    }

    /// The short attribute names the SDK uses (`CN`, `O`, `OU`, `C`, `L`, `ST`, `emailAddress`).
    static func names(_ name: DistinguishedName?) -> [String: String] {
        let short: [ASN1ObjectIdentifier: String] = [
            .RDNAttributeType.commonName: "CN", .RDNAttributeType.organizationName: "O",
            .RDNAttributeType.organizationalUnitName: "OU", .RDNAttributeType.countryName: "C",
            .RDNAttributeType.localityName: "L", .RDNAttributeType.stateOrProvinceName: "ST",
        ]
        var out: [String: String] = [:]
        for rdn in name ?? DistinguishedName() {
            for attribute in rdn {
                // Other attributes (emailAddress, serialNumber...) are left out, as the SDK leaves them out.
                guard let key = short[attribute.type] else { continue }
                out[key] = String(describing: attribute.value)
            }
        }
        return out
    }

    /// CBOR as JSON: text-keyed maps, `b64'…'` byte strings, tags dropped (the SDK writes the tagged
    /// value), other keys as text. Depth is bounded by the decoder already; this bound is a second guard.
    static func json(_ value: CBOR, depth: Int) -> Any {
        guard depth < 64 else { return NSNull() }
        switch value {
        case .unsigned(let number): return number <= UInt64(Int64.max) ? NSNumber(value: number) : NSNumber(value: Double(number))
        case .negative(let number): return number < UInt64(Int64.max) ? NSNumber(value: -1 - Int64(number)) : NSNumber(value: -1 - Double(number))
        case .bytes(let bytes): return "b64'" + Data(bytes).base64EncodedString() + "'"
        case .text(let text): return text
        case .array(let items): return items.map { json($0, depth: depth + 1) }
        case .map(let entries):
            // A hashed URI whose hash an early producer wrote as an array of byte values is written as
            // the byte string it means, as the SDK (which reads it into its typed model) writes it.
            if value["url"]?.textValue != nil, let items = value["hash"]?.arrayValue, !items.isEmpty,
                items.allSatisfy({ if case .unsigned(let byte) = $0 { return byte <= 255 } else { return false } })
            {
                var copy = entries
                for index in copy.indices where copy[index].key.textValue == "hash" {
                    copy[index].value = .bytes(items.compactMap { if case .unsigned(let byte) = $0 { UInt8(byte) } else { nil } })
                }
                return json(.map(copy), depth: depth)
            }
            var out: [String: Any] = [:]
            for entry in entries {
                let key: String
                switch entry.key {
                case .text(let text): key = text
                case .unsigned(let number): key = String(number)
                // -1 - n: for n = 2^64 - 1 the key is -2^64, which no 64-bit integer holds.
                case .negative(let number): key = number == .max ? "-18446744073709551616" : "-" + String(number + 1)
                default: key = String(describing: json(entry.key, depth: depth + 1))
                }
                out[key] = json(entry.value, depth: depth + 1)
            }
            return out
        case .tagged(_, let inner): return json(inner, depth: depth + 1)
        case .bool(let flag): return flag
        case .null, .undefined: return NSNull()
        case .simple(let number): return NSNumber(value: number)
        case .float(let number): return number.isFinite ? NSNumber(value: number) : NSNull()
        }
    }
}
