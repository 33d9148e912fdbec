/// QuickTime keyed metadata: a `meta` box whose handler is `mdta`, holding `keys` (the key names,
/// numbered from 1) and `ilst` (one box per value, its type the key's number as a 32-bit integer,
/// holding a `data` box). This is where `ffmpeg -metadata AIGC='{…}' -movflags use_metadata_tags`
/// writes the TC260 label (in `moov/udta/meta`), and where Apple writes its keys (in `moov/meta`).
struct QuickTimeKeyedMetadata: Sendable, Hashable {
    struct Key: Sendable, Hashable {
        var namespace: FourCC
        var name: [UInt8]
    }

    /// One `ilst` entry: the key number and the entry's boxes (`data`, sometimes more) as written.
    struct Item: Sendable, Hashable {
        var keyIndex: UInt32
        var payload: [UInt8]
    }

    var keys: [Key] = []
    var items: [Item] = []

    /// At most this many keys or items are read.
    static let maximumEntries = 10_000

    init() {}

    /// Reads the payloads (after version and flags for `keys`, after the header for `ilst`).
    init(keys keysPayload: [UInt8]?, items itemsPayload: [UInt8]?) throws {
        if let keysPayload {
            guard keysPayload.count >= 4 else { throw MediaError.make(.truncated, "the keys box has no entry count") }
            let count = Int(BigEndian.uint32(keysPayload, 0))
            guard count <= Self.maximumEntries else {
                throw MediaError.make(.limitExceeded, "the keys box declares \(count) keys, more than \(Self.maximumEntries)")
            }
            var position = 4
            for _ in 0..<count {
                guard keysPayload.count - position >= 8 else { throw MediaError.make(.truncated, "the keys box ends inside its key \(keys.count + 1)") }
                let size = Int(BigEndian.uint32(keysPayload, position))
                guard size >= 8, size <= keysPayload.count - position else {
                    throw MediaError.make(.malformed, "key \(keys.count + 1) of the keys box declares \(size) bytes, beyond the box")
                }
                keys.append(Key(namespace: FourCC(keysPayload[position + 4..<position + 8]), name: Array(keysPayload[position + 8..<position + size])))
                position += size
            }
        }
        if let itemsPayload {
            var position = 0
            while itemsPayload.count - position >= 8 {
                guard items.count < Self.maximumEntries else {
                    throw MediaError.make(.limitExceeded, "the ilst box holds more than \(Self.maximumEntries) items")
                }
                let size = Int(BigEndian.uint32(itemsPayload, position))
                guard size >= 8, size <= itemsPayload.count - position else {
                    throw MediaError.make(.malformed, "an item of the ilst box declares \(size) bytes, beyond the box")
                }
                items.append(Item(keyIndex: BigEndian.uint32(itemsPayload, position + 4), payload: Array(itemsPayload[position + 8..<position + size])))
                position += size
            }
        }
    }

    /// The 1-based number of a key in the `mdta` namespace.
    func index(of name: String) -> UInt32? {
        keys.firstIndex { $0.namespace == "mdta" && $0.name == Array(name.utf8) }.map { UInt32($0 + 1) }
    }

    /// The UTF-8 text values, by key name, in key order (other value types are left out).
    var textEntries: [(key: String, text: String)] {
        // Items grouped by key first: 10,000 keys against 10,000 items, matched pairwise, would be 10⁸
        // comparisons from a hostile file.
        var itemsByKey: [UInt32: [Item]] = [:]
        for item in items { itemsByKey[item.keyIndex, default: []].append(item) }
        var out: [(String, String)] = []
        for (offset, key) in keys.enumerated() where key.namespace == "mdta" {
            for item in itemsByKey[UInt32(offset + 1)] ?? [] {
                guard let text = Self.utf8Value(item.payload) else { continue }
                out.append((String(decoding: key.name, as: UTF8.self), text))
            }
        }
        return out
    }

    /// The text of the first `data` box of an item whose type is UTF-8 (well-known type 1).
    static func utf8Value(_ payload: [UInt8]) -> String? {
        var position = 0
        while payload.count - position >= 8 {
            let size = Int(BigEndian.uint32(payload, position))
            guard size >= 8, size <= payload.count - position else { return nil }
            if FourCC(payload[position + 4..<position + 8]) == "data", size >= 16 {
                let type = BigEndian.uint32(payload, position + 8) & 0x00FF_FFFF
                guard type == 1 else { return nil }
                return String(decoding: payload[position + 16..<position + size], as: UTF8.self)
            }
            position += size
        }
        return nil
    }

    /// Sets a key's value to UTF-8 text: its items are replaced by one, or the key is added.
    mutating func set(_ name: String, text: String) {
        var data: [UInt8] = []
        BigEndian.append(UInt32(1), to: &data)  // well-known type 1: UTF-8
        BigEndian.append(UInt32(0), to: &data)  // default locale
        data += Array(text.utf8)
        let payload = BMFFBoxWriter.box("data", data)
        if let index = index(of: name) {
            let first = items.firstIndex { $0.keyIndex == index }
            items.removeAll { $0.keyIndex == index }
            items.insert(Item(keyIndex: index, payload: payload), at: min(first ?? items.count, items.count))
        } else {
            keys.append(Key(namespace: "mdta", name: Array(name.utf8)))
            items.append(Item(keyIndex: UInt32(keys.count), payload: payload))
        }
    }

    /// Removes every key of that name and their items; the keys after each move down, and their items
    /// with them. One pass: a hostile file may repeat a key 10,000 times.
    mutating func remove(_ name: String) {
        let target = Array(name.utf8)
        var renumbered: [UInt32: UInt32] = [:]  // 1-based, old to new, for the keys kept
        var kept: [Key] = []
        for (offset, key) in keys.enumerated() where !(key.namespace == "mdta" && key.name == target) {
            kept.append(key)
            renumbered[UInt32(offset + 1)] = UInt32(kept.count)
        }
        let removed = UInt32(keys.count - kept.count)
        guard removed > 0 else { return }
        let oldCount = UInt32(keys.count)
        keys = kept
        items = items.compactMap { item in
            var item = item
            if item.keyIndex == 0 { return item }  // names no key: left as it was
            if item.keyIndex > oldCount {
                item.keyIndex -= removed  // past every key: every removed key was before it
                return item
            }
            guard let index = renumbered[item.keyIndex] else { return nil }  // an item of a removed key
            item.keyIndex = index
            return item
        }
    }

    /// The `keys` box (version 0, as FFmpeg writes it).
    var keysBox: [UInt8] {
        var payload: [UInt8] = []
        BigEndian.append(UInt32(keys.count), to: &payload)
        for key in keys {
            BigEndian.append(UInt32(8 + key.name.count), to: &payload)
            payload += key.namespace.bytes + key.name
        }
        return BMFFBoxWriter.fullBox("keys", version: 0, flags: 0, payload)
    }

    /// The `ilst` box.
    var itemsBox: [UInt8] {
        var payload: [UInt8] = []
        for item in items { payload += BMFFBoxWriter.box(FourCC(item.keyIndex), item.payload) }
        return BMFFBoxWriter.box("ilst", payload)
    }

    /// A new `meta` box with an `mdta` handler, as FFmpeg writes it in `moov/udta`.
    var metaBox: [UInt8] {
        BMFFBoxWriter.fullBox(.meta, version: 0, flags: 0, Self.handlerBox + keysBox + itemsBox)
    }

    /// FFmpeg's `hdlr` for keyed metadata: handler type `mdta`, empty name.
    static let handlerBox: [UInt8] = BMFFBoxWriter.fullBox(.hdlr, version: 0, flags: 0, [0, 0, 0, 0] + Array("mdta".utf8) + [UInt8](repeating: 0, count: 13))
}
