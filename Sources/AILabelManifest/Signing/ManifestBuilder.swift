import Crypto
import Foundation

/// Builds the JUMBF boxes of one new manifest (C2PA claim v2).
struct ManifestBuilder {
    let label: String
    var assertions: [JUMBFSuperbox] = []

    init(label: String = "urn:c2pa:" + UUID().uuidString.lowercased()) {
        self.label = label
    }

    static let cborAssertionType = JUMBFDescription.c2paType("cbor")
    static let jsonAssertionType = JUMBFDescription.c2paType("json")
    /// The type UUID of an embedded-file assertion (thumbnails).
    static let embeddedFileType: [UInt8] = [
        0x40, 0xCB, 0x0C, 0x32, 0xBB, 0x8A, 0x48, 0x9D, 0xA7, 0x0B, 0x2A, 0xD6, 0xF4, 0x7F, 0x43, 0x69,
    ]

    static func cborAssertion(label: String, content: CBOR) -> JUMBFSuperbox {
        JUMBFSuperbox(
            description: JUMBFDescription(typeUUID: cborAssertionType, label: label, toggles: 0x03),
            children: [.content(JUMBFContentBox(type: "cbor", payload: content.encoded()))])
    }

    static func embeddedFileAssertion(label: String, mimeType: String, bytes: [UInt8]) -> JUMBFSuperbox {
        var description: [UInt8] = [0x00]
        description += Array(mimeType.utf8) + [0]
        return JUMBFSuperbox(
            description: JUMBFDescription(typeUUID: embeddedFileType, label: label, toggles: 0x03),
            children: [
                .content(JUMBFContentBox(type: "bfdb", payload: description)),
                .content(JUMBFContentBox(type: "bidb", payload: bytes)),
            ])
    }

    mutating func add(_ box: JUMBFSuperbox) { assertions.append(box) }

    /// A unique label for another assertion with this base label (`x`, `x__1`, `x__2`…).
    func uniqueLabel(_ base: String) -> String {
        let existing = Set(assertions.compactMap(\.label))
        if !existing.contains(base) { return base }
        var index = 1
        while existing.contains("\(base)__\(index)") { index += 1 }
        return "\(base)__\(index)"
    }

    static func hashedURI(_ url: String, of box: JUMBFSuperbox) -> HashedURI {
        HashedURI(url: url, hash: Array(SHA256.hash(data: box.bytesForHashing)))
    }

    /// The claim over the current assertions.
    func claim(title: String?, generatorVersion: String) -> CBOR {
        let signatureURL = "self#jumbf=/c2pa/\(label)/c2pa.signature"
        var created: [CBOR] = []
        for box in assertions {
            let uri = Self.hashedURI("self#jumbf=c2pa.assertions/\(box.label ?? "")", of: box)
            created.append(uri.cbor)
        }
        var entries: [(String, CBOR)] = [
            ("instanceID", .text("xmp:iid:" + UUID().uuidString.lowercased())),
        ]
        if let title { entries.append(("dc:title", .text(title))) }
        entries += [
            // specVersion: the conformance program (0.2) requires the C2PA version the claim follows.
            ("claim_generator_info", .textMap([
                ("name", .text(ManifestDefinition.generatorName)), ("version", .text(generatorVersion)),
                ("specVersion", .text(ManifestDefinition.specVersion)),
            ])),
            ("signature", .text(signatureURL)),
            ("created_assertions", .array(created)),
            ("gathered_assertions", .array([])),
            ("alg", .text("sha256")),
        ]
        return .textMap(entries)
    }

    /// The manifest superbox from its assertions, claim bytes and signature bytes.
    func manifestBox(claimBytes: [UInt8], signatureBytes: [UInt8], claimLabel: String = "c2pa.claim.v2") -> JUMBFSuperbox {
        let assertionStore = JUMBFSuperbox(
            description: JUMBFDescription(typeUUID: JUMBFDescription.c2paType("c2as"), label: "c2pa.assertions", toggles: 0x03),
            children: assertions.map { .superbox($0) })
        let claimBox = JUMBFSuperbox(
            description: JUMBFDescription(typeUUID: JUMBFDescription.c2paType("c2cl"), label: claimLabel, toggles: 0x03),
            children: [.content(JUMBFContentBox(type: "cbor", payload: claimBytes))])
        let signatureBox = JUMBFSuperbox(
            description: JUMBFDescription(typeUUID: JUMBFDescription.c2paType("c2cs"), label: "c2pa.signature", toggles: 0x03),
            children: [.content(JUMBFContentBox(type: "cbor", payload: signatureBytes))])
        return JUMBFSuperbox(
            description: JUMBFDescription(typeUUID: JUMBFDescription.c2paType("c2ma"), label: label, toggles: 0x03),
            children: [.superbox(assertionStore), .superbox(claimBox), .superbox(signatureBox)])
    }

    /// The store superbox holding earlier manifests (unchanged bytes) and the new one last.
    static func storeBox(previous: [JUMBFSuperbox], manifest: JUMBFSuperbox) -> [UInt8] {
        JUMBFSuperbox(
            description: JUMBFDescription(typeUUID: JUMBFDescription.c2paType("c2pa"), label: "c2pa", toggles: 0x03),
            children: previous.map { .superbox($0) } + [.superbox(manifest)]
        ).serialized()
    }

    // MARK: Hard binding

    /// The `c2pa.hash.data` content. `paddedTo` makes the encoded assertion content exactly that long.
    static func dataHash(exclusion: Range<Int>?, hash: [UInt8], paddedTo target: Int? = nil) throws -> CBOR {
        func make(_ pad: Int) -> CBOR {
            var entries: [(String, CBOR)] = []
            if let exclusion {
                entries.append(("exclusions", .array([.textMap([
                    ("start", .int(exclusion.lowerBound)), ("length", .int(exclusion.count)),
                ])])))
            }
            entries += [
                ("name", .text("jumbf manifest")), ("alg", .text("sha256")), ("hash", .bytes(hash)),
                ("pad", .bytes([UInt8](repeating: 0, count: pad))),
            ]
            return .textMap(entries)
        }
        guard let target else { return make(0) }
        let base = make(0).encoded().count
        let difference = target - base
        guard difference >= 0 else {
            throw ManifestError.make(.signingFailed, "The data hash grew past its reserved size")
        }
        // The pad's length head is one byte below 24 and two bytes from 24 to 255.
        var pad = difference
        if difference >= 24 { pad = difference - 1 }
        let candidate = make(pad)
        guard candidate.encoded().count == target else {
            throw ManifestError.make(.signingFailed, "The data hash cannot be padded to its reserved size")
        }
        return candidate
    }

    /// The placeholder exclusion used in the first pass: start and length both take the five-byte
    /// CBOR form, the widest any real exclusion below 4 GB needs, or with `wide` the nine-byte form,
    /// which holds any offset.
    static func placeholderExclusion(wide: Bool) -> Range<Int> {
        wide ? 0x1_0000_0000..<0x2_0000_0000 : 0x1000_0000..<0x2000_0000
    }
}

extension ManifestBuilder {
    /// The `c2pa.actions.v2` content, written to pass the C2PA conformance rubric for spec 2.4:
    /// `c2pa.created` carries the digital source type; `c2pa.opened` carries none (spec 2.4 moved the
    /// opened asset's nature to its ingredient), so a re-stamp states its declaration in the vendor
    /// parameter ``ManifestDefinition/declaredSourceTypeParameter``, as Adobe does with
    /// `com.adobe.digitalSourceType`; a visible badge is a perceptible edit and carries the source type
    /// of what was drawn; an invisible mark is `c2pa.watermarked.bound` (its soft binding is in the
    /// manifest) or `.unbound`; and `allActionsIncluded` says that nothing else was done.
    static func actions(definition: ManifestDefinition, parentIngredientURI: HashedURI?) -> CBOR {
        let agent = CBOR.textMap([
            ("name", .text(ManifestDefinition.generatorName)), ("version", .text(definition.softwareVersion)),
        ])
        var first: [(String, CBOR)]
        if let parentIngredientURI {
            first = [
                ("action", .text("c2pa.opened")),
                ("softwareAgent", agent),
                ("parameters", .textMap([
                    ("ingredients", .array([parentIngredientURI.cbor])),
                    (ManifestDefinition.declaredSourceTypeParameter, .text(definition.digitalSourceType)),
                ])),
            ]
        } else {
            first = [
                ("action", .text("c2pa.created")),
                ("softwareAgent", agent),
                ("digitalSourceType", .text(definition.digitalSourceType)),
            ]
        }
        var actions: [CBOR] = [.textMap(first)]
        for mark in definition.watermarks {
            switch mark.kind {
            case .visible, .audible:
                actions.append(.textMap([
                    ("action", .text("c2pa.edited")),
                    ("softwareAgent", agent),
                    ("digitalSourceType", .text(WatermarkAction.visibleMarkSourceType)),
                    ("description", .text(mark.description)),
                ]))
            case .invisible:
                actions.append(.textMap([
                    ("action", .text(definition.softBindings.isEmpty ? "c2pa.watermarked.unbound" : "c2pa.watermarked.bound")),
                    ("softwareAgent", agent),
                    ("description", .text(mark.description)),
                ]))
            }
        }
        return .textMap([("actions", .array(actions)), ("allActionsIncluded", .bool(true))])
    }

    static func softBinding(_ binding: SoftBinding) -> CBOR {
        .textMap([
            ("alg", .text(binding.algorithm)),
            ("blocks", .array([.textMap([("scope", .map([])), ("value", .text(binding.value))])])),
        ])
    }
}
