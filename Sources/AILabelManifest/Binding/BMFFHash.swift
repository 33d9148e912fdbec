import AILabelMedia
import Crypto

/// The C2PA BMFF hash (`c2pa.hash.bmff.v2`/`.v3`, C2PA 2.x 9.2.3): the hard binding of ISO BMFF files
/// (HEIF, AVIF, and MP4/MOV/M4A). Instead of byte ranges, its exclusions name boxes by xpath
/// (`/ftyp`, `/uuid` whose bytes at offset 8 are the C2PA UUID), optionally narrowed by length,
/// version, flags, bytes at an offset (`data`) and sub-ranges (`subset`). From v2 on, the file offset
/// of every top-level box that is not wholly excluded is hashed (8 bytes, big-endian) just before
/// the box, so that moving boxes breaks the hash.
///
/// Everything here follows c2pa-rs (`assertions/bmff_hash.rs`, `asset_handlers/bmff_io.rs`
/// `bmff_to_jumbf_exclusions`, `utils/hash_utils.rs`) to the byte, quirks included, so that a hash
/// either side computes the other side accepts. Signing and validation both use ``pieces(of:tree:read:)``.
/// Merkle maps (large `mdat`s, fragmented MP4) are checked and made in `BMFFHash+Merkle.swift`.
public struct BMFFHash: Sendable, Equatable {
    /// The most exclusions a hash may list: each names boxes by a walk of the tree, so a list of a
    /// million (a manifest's CBOR allows that many items) against a million boxes would be 10¹²
    /// steps. c2pa-rs writes five.
    public static let maximumExclusions = 1_000

    public struct DataMatch: Sendable, Equatable {
        public var offset: Int
        public var value: [UInt8]
    }

    public struct Subset: Sendable, Equatable {
        public var offset: Int
        /// 0 means "to the end of the box".
        public var length: Int
    }

    /// One exclusion: the boxes at `xpath` that pass every given condition.
    public struct Exclusion: Sendable, Equatable {
        public var xpath: String
        public var length: Int?
        public var data: [DataMatch]?
        public var subset: [Subset]?
        public var version: UInt8?
        public var flags: [UInt8]?
        public var exact: Bool?

        public init(xpath: String, data: [DataMatch]? = nil) {
            self.xpath = xpath
            self.data = data
        }
    }

    public var exclusions: [Exclusion]
    public var algorithm: String?
    public var hash: [UInt8]?
    public var name: String?
    /// The Merkle maps (`merkle`): trees over `mdat` blocks or over fragments; nil when absent.
    public var merkle: [MerkleMap]?
    /// Whether the assertion carries Merkle maps.
    public var hasMerkleMaps: Bool { merkle != nil }
    /// 1 for `c2pa.hash.bmff`, 2 or 3 for `.v2`/`.v3`: from v2 on, box offsets are hashed.
    public var version: Int

    public static let label = "c2pa.hash.bmff.v3"

    /// The exclusions c2pa-rs writes (`set_default_exclusions`): the C2PA `uuid` box, `ftyp`, `mfra`,
    /// `free` and `skip`.
    public static let standardExclusions: [Exclusion] = [
        Exclusion(xpath: "/uuid", data: [DataMatch(offset: 8, value: BMFFUUID.c2pa)]),
        Exclusion(xpath: "/ftyp"), Exclusion(xpath: "/mfra"), Exclusion(xpath: "/free"), Exclusion(xpath: "/skip"),
    ]

    public init(exclusions: [Exclusion] = Self.standardExclusions, algorithm: String = "sha256", hash: [UInt8]?, version: Int = 3) {
        self.exclusions = exclusions
        self.algorithm = algorithm
        self.hash = hash
        self.name = "jumbf manifest"
        self.version = version
    }

    /// The version a label names: `c2pa.hash.bmff.v3` is 3, `c2pa.hash.bmff` is 1.
    public static func version(ofLabel label: String) -> Int {
        guard let last = label.split(separator: ".").last, last.first == "v", let number = Int(last.dropFirst()) else { return 1 }
        return number
    }

    /// Reads the assertion's CBOR; throws ``BMFFHashError/malformed`` where c2pa-rs reports
    /// `assertion.bmffHash.malformed` (no exclusions, subsets out of order or overlapping).
    public init(cbor: CBOR, label: String) throws {
        version = Self.version(ofLabel: label)
        guard let items = cbor["exclusions"]?.arrayValue else { throw BMFFHashError.malformed("the BMFF hash has no exclusions") }
        // c2pa-rs writes absent optional fields as CBOR null.
        func field(_ item: CBOR, _ key: String) -> CBOR? {
            guard let value = item[key], value != .null else { return nil }
            return value
        }
        exclusions = try items.map { item in
            guard let xpath = item["xpath"]?.textValue else { throw BMFFHashError.malformed("a BMFF hash exclusion has no xpath") }
            var exclusion = Exclusion(xpath: xpath)
            if let length = field(item, "length") {
                guard let value = length.intValue, value >= 0 else { throw BMFFHashError.malformed("a BMFF hash exclusion's length is not a size") }
                exclusion.length = value
            }
            if let data = field(item, "data") {
                exclusion.data = try (data.arrayValue ?? []).map { entry in
                    guard let offset = entry["offset"]?.intValue, offset >= 0, let value = entry["value"]?.bytesValue else {
                        throw BMFFHashError.malformed("a BMFF hash exclusion's data match cannot be read")
                    }
                    return DataMatch(offset: offset, value: value)
                }
            }
            if let subset = field(item, "subset") {
                exclusion.subset = try (subset.arrayValue ?? []).map { entry in
                    guard let offset = entry["offset"]?.intValue, offset >= 0, let length = entry["length"]?.intValue, length >= 0 else {
                        throw BMFFHashError.malformed("a BMFF hash exclusion's subset cannot be read")
                    }
                    return Subset(offset: offset, length: length)
                }
            }
            if let version = field(item, "version") {
                guard let value = version.intValue, (0...255).contains(value) else { throw BMFFHashError.malformed("a BMFF hash exclusion's version is not a byte") }
                exclusion.version = UInt8(value)
            }
            exclusion.flags = field(item, "flags")?.bytesValue
            exclusion.exact = field(item, "exact")?.boolValue
            return exclusion
        }
        algorithm = cbor["alg"]?.textValue
        hash = cbor["hash"]?.bytesValue
        name = cbor["name"]?.textValue
        if let maps = field(cbor, "merkle") {
            guard let list = maps.arrayValue else { throw BMFFHashError.malformed("the BMFF hash's merkle field is not a list") }
            merkle = try list.map { try MerkleMap(cbor: $0) }
        }
        guard !exclusions.isEmpty else { throw BMFFHashError.malformed("the BMFF hash has no exclusions") }
        // c2pa-rs `verify_self`: subsets in order of offset, none overlapping the next.
        for exclusion in exclusions {
            guard let subsets = exclusion.subset, subsets.count > 1 else { continue }
            guard subsets.map(\.offset) == subsets.map(\.offset).sorted() else {
                throw BMFFHashError.malformed("the subsets of the BMFF hash exclusion \(exclusion.xpath) are not in order")
            }
            for (current, next) in zip(subsets, subsets.dropFirst()) {
                let (end, overflow) = current.offset.addingReportingOverflow(current.length)
                guard !overflow, end <= next.offset else {
                    throw BMFFHashError.malformed("the subsets of the BMFF hash exclusion \(exclusion.xpath) overlap")
                }
            }
        }
    }

    /// The assertion's CBOR, fields in c2pa-rs's order.
    public var cbor: CBOR {
        var entries: [(String, CBOR)] = [("exclusions", .array(exclusions.map { exclusion in
            var fields: [(String, CBOR)] = [("xpath", .text(exclusion.xpath))]
            if let length = exclusion.length { fields.append(("length", .int(length))) }
            if let data = exclusion.data {
                fields.append(("data", .array(data.map { .textMap([("offset", .int($0.offset)), ("value", .bytes($0.value))]) })))
            }
            if let subset = exclusion.subset {
                fields.append(("subset", .array(subset.map { .textMap([("offset", .int($0.offset)), ("length", .int($0.length))]) })))
            }
            if let version = exclusion.version { fields.append(("version", .int(Int(version)))) }
            if let flags = exclusion.flags { fields.append(("flags", .bytes(flags))) }
            if let exact = exclusion.exact { fields.append(("exact", .bool(exact))) }
            return .textMap(fields)
        }))]
        if let algorithm { entries.append(("alg", .text(algorithm))) }
        if let hash { entries.append(("hash", .bytes(hash))) }
        if let merkle { entries.append(("merkle", .array(merkle.map(\.cbor)))) }
        if let name { entries.append(("name", .text(name))) }
        return .textMap(entries)
    }

    // MARK: What is hashed

    /// One step of the hash: a byte range of the file, or a top-level box's offset as 8 big-endian bytes.
    public enum Piece: Sendable, Equatable {
        case bytes(Range<Int>)
        case offset(Int)
    }

    /// What the hash covers, in order, exactly as c2pa-rs lays it out: the file less the boxes the
    /// exclusions name, with each remaining top-level box's offset before it (v2 and later).
    /// `read` serves the bytes a `data` condition compares.
    /// `alsoExcluded`: byte ranges left out besides the boxes (c2pa-rs adds them to the flat list to
    /// hash one fragment of a file, or a file up to its first `moof`).
    public func pieces(of tree: BMFFTree, alsoExcluding alsoExcluded: [Range<Int>] = [], read: (Range<Int>) throws -> [UInt8]) throws -> [Piece] {
        let matched = try excludedBoxes(of: tree, read: read)
        return try Self.layout(fileSize: tree.fileSize, excluded: alsoExcluded + matched.ranges, offsets: matched.offsets)
    }

    /// What the exclusions take out of a tree, found once: the byte ranges, and the offsets of the
    /// top-level boxes left to hash (none for v1). ``pieces(of:alsoExcluding:read:)`` is the layout
    /// of these; `ExcludedBoxes.pieces(inside:fileSize:)` lays out one run of boxes from them.
    func excludedBoxes(of tree: BMFFTree, read: (Range<Int>) throws -> [UInt8]) throws -> ExcludedBoxes {
        let fileSize = tree.fileSize
        var excluded: [Range<Int>] = []
        let offsets = tree.topLevel.map { tree.boxes[$0].range.lowerBound }.sorted()
        // Top-level boxes start at distinct offsets, so a set says which ones lost theirs.
        var whollyExcluded = Set<Int>()
        guard exclusions.count <= Self.maximumExclusions else {
            throw BMFFHashError.unreadable("the BMFF hash lists \(exclusions.count) exclusions, more than the \(Self.maximumExclusions) ailabel reads")
        }
        for exclusion in exclusions {
            guard let matches = tree.boxes(atXPath: exclusion.xpath) else { continue }
            for index in matches {
                let box = tree.boxes[index]
                let start = box.range.lowerBound
                let length = box.range.count
                if let wanted = exclusion.length, wanted != length { continue }
                if let wanted = exclusion.version, let actual = box.version, wanted != actual { continue }
                if let flagBytes = exclusion.flags, let actual = box.flags {
                    // c2pa-rs reads the three flag bytes into the top of a big-endian u32 and compares
                    // that with the box's 24-bit flags; matched the same way.
                    let wanted: UInt32 = flagBytes.count >= 3 ? UInt32(flagBytes[0]) << 24 | UInt32(flagBytes[1]) << 16 | UInt32(flagBytes[2]) << 8 : 0
                    if exclusion.exact ?? true {
                        if wanted != actual { continue }
                    } else if wanted | actual != wanted {
                        continue
                    }
                }
                if let data = exclusion.data {
                    var matchesAll = true
                    for match in data {
                        let (at, overflow) = start.addingReportingOverflow(match.offset)
                        guard !overflow, at <= fileSize, match.value.count <= fileSize - at else {
                            throw BMFFHashError.unreadable("a data condition of the exclusion \(exclusion.xpath) reads past the end of the file")
                        }
                        if try read(at..<at + match.value.count) != match.value {
                            matchesAll = false
                            break
                        }
                    }
                    if !matchesAll { continue }
                }
                if let subsets = exclusion.subset {
                    for subset in subsets where subset.offset <= length {
                        let remaining = length - subset.offset
                        excluded.append(start + subset.offset..<start + subset.offset + (subset.length == 0 ? remaining : min(subset.length, remaining)))
                    }
                } else {
                    excluded.append(start..<start + length)
                    // A wholly excluded top-level box has no offset in the hash.
                    whollyExcluded.insert(start)
                }
            }
        }
        let kept = whollyExcluded.isEmpty ? offsets : offsets.filter { !whollyExcluded.contains($0) }
        return ExcludedBoxes(ranges: excluded, offsets: version > 1 ? kept : [])
    }

    /// The ranges the exclusions take out and the box offsets left, as ``excludedBoxes(of:read:)`` finds them.
    struct ExcludedBoxes {
        let ranges: [Range<Int>]
        /// Sorted.
        let offsets: [Int]
        /// `ranges` joined into sorted spans, for ``pieces(inside:fileSize:)``.
        let spans: [Range<Int>]

        init(ranges: [Range<Int>], offsets: [Int]) {
            self.ranges = ranges
            self.offsets = offsets
            self.spans = RangeSpans.joined(ranges)
        }

        /// The pieces of `run` alone: the layout with everything before and after it excluded, given
        /// only the spans and offsets that fall in it. The same pieces as the whole lists give (the
        /// layout reads excluded ranges only as their union, and an offset counts only inside or
        /// between the included bytes, which lie in the run), in time that follows the run, not the file.
        /// A run with no included byte is the exception, handled as the layout handles it.
        func pieces(inside run: Range<Int>, fileSize: Int) throws -> [Piece] {
            let firstSpan = RangeSpans.boundary(in: spans) { $0.upperBound <= run.lowerBound }
            let endSpan = RangeSpans.boundary(in: spans) { $0.lowerBound < run.upperBound }
            let firstOffset = RangeSpans.boundary(in: offsets) { $0 < run.lowerBound }
            let endOffset = RangeSpans.boundary(in: offsets) { $0 < run.upperBound }
            if firstSpan < endSpan, spans[firstSpan].lowerBound <= run.lowerBound, run.upperBound <= spans[firstSpan].upperBound {
                // Nothing of the run is hashed: then c2pa-rs puts in every box offset strictly between
                // the file's first and last byte (the layout's bounds default to the file's), whatever the run.
                return offsets.filter { $0 > 0 && $0 < fileSize - 1 }.map { .offset($0) }
            }
            let excluded = [0..<run.lowerBound, run.upperBound..<fileSize] + (firstSpan < endSpan ? Array(spans[firstSpan..<endSpan]) : [])
            return try BMFFHash.layout(fileSize: fileSize, excluded: excluded, offsets: firstOffset < endOffset ? Array(offsets[firstOffset..<endOffset]) : [])
        }
    }

    /// c2pa-rs `hash_stream_by_alg` for a BMFF exclusion list: the included ranges, split at each
    /// box offset with the offset's marker first, and offsets that fall in no included range (a box
    /// whose first bytes a subset excluded) between the first and last included byte.
    static func layout(fileSize: Int, excluded: [Range<Int>], offsets: [Int]) throws -> [Piece] {
        guard fileSize > 0 else { throw BMFFHashError.unreadable("there is no data to hash") }
        // The exclusion that starts last (markers counted, as one byte) must end inside the file.
        let all = excluded.filter { !$0.isEmpty } + offsets.map { $0..<$0 + 1 }
        if let last = all.max(by: { $0.lowerBound < $1.lowerBound }), last.upperBound > fileSize {
            throw BMFFHashError.unreadable("an exclusion reaches past the end of the file")
        }
        var included: [Range<Int>] = []
        var position = 0
        for range in excluded.filter({ !$0.isEmpty }).sorted(by: { $0.lowerBound < $1.lowerBound }) {
            if range.lowerBound > position { included.append(position..<range.lowerBound) }
            position = max(position, range.upperBound)
        }
        if position < fileSize { included.append(position..<fileSize) }
        guard !offsets.isEmpty else { return included.map { .bytes($0) } }

        // Ranges are inclusive in c2pa-rs: a marker is the one-byte range [offset, offset].
        enum Step { case data(Range<Int>), marker(Int) }
        var steps: [(start: Int, last: Int, step: Step)] = []
        let markers = offsets.sorted()
        // The included ranges are sorted and disjoint and so are the markers: one walk over both
        // (a marker inside no range is remembered for the second loop, which looks for exactly those).
        var outside: [Int] = []
        var next = 0
        for range in included {
            while next < markers.count, markers[next] < range.lowerBound {
                outside.append(markers[next])
                next += 1
            }
            var current = range
            while next < markers.count, markers[next] < range.upperBound {
                let offset = markers[next]
                next += 1
                if current.lowerBound == offset {
                    steps.append((offset, offset, .marker(offset)))
                } else {
                    steps.append((current.lowerBound, offset - 1, .data(current.lowerBound..<offset)))
                    steps.append((offset, offset, .marker(offset)))
                    current = offset..<current.upperBound
                }
            }
            steps.append((current.lowerBound, current.upperBound - 1, .data(current)))
        }
        outside += markers[next...]
        let first = steps.first?.start ?? 0
        let last = steps.last?.last ?? fileSize - 1
        for offset in outside where offset > first && offset < last {
            steps.append((offset, offset, .marker(offset)))
        }
        // A stable sort by start, as Rust's sort_by: a marker stays before the range it starts.
        let ordered = steps.enumerated().sorted { ($0.element.start, $0.offset) < ($1.element.start, $1.offset) }.map(\.element)
        let markerSet = Set(markers)
        return ordered.map { step in
            // c2pa-rs hashes any one-byte range that starts at a box offset as the offset.
            if step.start == step.last, markerSet.contains(step.start) { return .offset(step.start) }
            if case .data(let range) = step.step { return .bytes(range) }
            return .offset(step.start)
        }
    }

    /// The digest of `pieces` over `source`, read chunk by chunk.
    static func digest(_ pieces: [Piece], algorithm: HashAlgorithm, source: any ByteSource) throws -> [UInt8] {
        var hasher = IncrementalHash(algorithm)
        for piece in pieces {
            switch piece {
            case .bytes(let range):
                try source.forEachChunk(in: range) { hasher.update($0) }
            case .offset(let offset):
                var bytes: [UInt8] = []
                for shift in stride(from: 56, through: 0, by: -8) { bytes.append(UInt8(UInt64(offset) >> UInt64(shift) & 0xFF)) }
                bytes.withUnsafeBytes { hasher.update($0) }
            }
        }
        return hasher.finalize()
    }

    /// The hash of an asset as this assertion describes it: the tree is walked, the pieces laid out
    /// and hashed, reading `source` only where needed.
    func computeHash(over source: any ByteSource, claimAlgorithm: String?) throws -> [UInt8] {
        guard let algorithm = HashAlgorithm(c2paName: self.algorithm ?? claimAlgorithm) else {
            throw BMFFHashError.unreadable("the BMFF hash uses an unsupported algorithm")
        }
        let read = { (range: Range<Int>) throws -> [UInt8] in try source.bytes(in: range) }
        let tree: BMFFTree
        do {
            tree = try BMFFTree(count: source.count, read: read)
        } catch let error as MediaError {
            throw BMFFHashError.unreadable("the file's boxes cannot be walked: \(error.reason)")
        }
        return try Self.digest(try pieces(of: tree, read: read), algorithm: algorithm, source: source)
    }
}

/// Why a BMFF hash cannot be checked: `malformed` is c2pa-rs's `assertion.bmffHash.malformed`,
/// `unreadable` (the file's boxes or an exclusion cannot be read) its `assertion.bmffHash.mismatch`,
/// and so is `mismatch` (the bytes are not those signed: a hash, a Merkle leaf or a proof fails).
public enum BMFFHashError: Error, Sendable, Equatable {
    case malformed(String)
    case unreadable(String)
    case mismatch(String)
}

/// SHA-2 hashing of a stream, by C2PA algorithm name.
struct IncrementalHash {
    private var sha256: SHA256?
    private var sha384: SHA384?
    private var sha512: SHA512?

    init(_ algorithm: HashAlgorithm) {
        switch algorithm {
        case .sha256: sha256 = SHA256()
        case .sha384: sha384 = SHA384()
        case .sha512: sha512 = SHA512()
        }
    }

    mutating func update(_ buffer: UnsafeRawBufferPointer) {
        sha256?.update(bufferPointer: buffer)
        sha384?.update(bufferPointer: buffer)
        sha512?.update(bufferPointer: buffer)
    }

    func finalize() -> [UInt8] {
        if let sha256 { return Array(sha256.finalize()) }
        if let sha384 { return Array(sha384.finalize()) }
        if let sha512 { return Array(sha512.finalize()) }
        return []
    }
}

extension ByteSource {
    /// The bytes of `range`, gathered from the source's chunks (small reads: box headers, data matches).
    func bytes(in range: Range<Int>) throws -> [UInt8] {
        guard range.lowerBound >= 0, range.upperBound <= count else {
            throw MediaError.make(.truncated, "bytes \(range.lowerBound)–\(range.upperBound) lie past the end of the \(count)-byte file")
        }
        var out: [UInt8] = []
        out.reserveCapacity(range.count)
        try forEachChunk(in: range) { out.append(contentsOf: $0) }
        return out
    }
}
