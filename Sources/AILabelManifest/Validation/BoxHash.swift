import AILabelMedia

/// The box hash (`c2pa.hash.boxes`): instead of one hash over the file less an exclusion, a hash per
/// run of named boxes (JPEG segments, PNG chunks), with the C2PA store's box named `C2PA` and never
/// hashed. Microsoft signs this way. Validated as c2pa-rs does (`assertions/box_hash.rs`); the box
/// maps are the handlers' (`AssetHandler.c2paBoxes(in:)`, after c2pa-rs's `asset_handlers`).
enum BoxHash {
    static let c2paName = C2PABox.c2paName

    /// The boxes of an asset in any registered format that declares a box hash, or nil.
    static func boxes(of source: any ByteSource, registry: AssetRegistry = .metadataReading) -> [C2PABox]? {
        guard let head = try? source.read(0..<min(source.count, registry.sniffLength)), let handler = registry.handler(for: head),
            handler.declaration.c2paBindings.contains(.boxHash)
        else { return nil }
        return handler.c2paBoxes(in: source)
    }

    /// Why a box hash does not hold, or nil when it does. `entries` are the assertion's `boxes`.
    static func mismatch(entries: [CBOR], claimAlgorithm: String, asset source: any ByteSource) -> String? {
        guard let boxes = boxes(of: source) else {
            return "the asset's boxes cannot be listed"
        }
        guard !entries.isEmpty else { return "the box hash lists no boxes" }
        var index = 0
        // A PNG hash may leave out the signature box.
        if boxes.first?.name == "PNGh", entries[0]["names"]?.arrayValue?.first?.textValue != "PNGh" { index = 1 }
        for entry in entries {
            guard let names = entry["names"]?.arrayValue?.compactMap(\.textValue), !names.isEmpty else {
                return "a box hash entry has no names"
            }
            var span: Range<Int>?
            var isStore = false
            for name in names {
                guard index < boxes.count, boxes[index].name == name else {
                    return "the box hash names \(name) where the asset has \(index < boxes.count ? boxes[index].name : "no more boxes") (assertion.boxesHash.unknownBox)"
                }
                if span == nil {
                    span = boxes[index].range
                    if name == c2paName {
                        guard names.count == 1 else { return "the C2PA box is hashed together with other boxes" }
                        isStore = true
                    }
                } else {
                    span = span!.lowerBound..<boxes[index].range.upperBound
                }
                index += 1
            }
            if isStore || entry["excluded"]?.boolValue == true { continue }
            guard let algorithm = HashAlgorithm(c2paName: entry["alg"]?.textValue ?? claimAlgorithm) else {
                return "a box hash entry uses an unsupported algorithm"
            }
            guard let expected = entry["hash"]?.bytesValue, let span else { return "a box hash entry has no hash" }
            guard let actual = try? algorithm.hash(source, range: span) else { return "the boxes \(names.joined(separator: ", ")) could not be read" }
            if actual != expected {
                return "the boxes \(names.joined(separator: ", ")) were changed after signing"
            }
        }
        return nil
    }
}
