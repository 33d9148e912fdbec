/// One Merkle map of a BMFF hash (`merkle` in `c2pa.hash.bmff.v2`/`.v3`, C2PA 2.x 15.10.3.3): a
/// tree over the blocks of one `mdat` box, or over the fragments of one rendition, of which the
/// assertion keeps one layer (`hashes`: the leaves, the root, or a layer between). Fields and their
/// CBOR names as c2pa-rs (`assertions/bmff_hash.rs`, `MerkleMap`).
public struct MerkleMap: Sendable, Equatable {
    public var uniqueID: Int
    public var localID: Int
    /// How many leaves the tree has.
    public var count: Int
    public var algorithm: String?
    /// For a fragmented asset: the hash of its init segment, less the BMFF hash's exclusions.
    public var initHash: [UInt8]?
    /// One layer of the tree (its position is found from its length).
    public var hashes: [[UInt8]]
    /// v3: each leaf covers this many bytes of the `mdat` (the last one fewer).
    public var fixedBlockSize: Int?
    /// v3: the bytes each leaf covers, in order.
    public var variableBlockSizes: [Int]?

    public init(uniqueID: Int, localID: Int, count: Int, algorithm: String?, initHash: [UInt8]? = nil, hashes: [[UInt8]],
                fixedBlockSize: Int? = nil, variableBlockSizes: [Int]? = nil) {
        self.uniqueID = uniqueID
        self.localID = localID
        self.count = count
        self.algorithm = algorithm
        self.initHash = initHash
        self.hashes = hashes
        self.fixedBlockSize = fixedBlockSize
        self.variableBlockSizes = variableBlockSizes
    }

    /// Reads one map; a missing or mistyped required field throws, as c2pa-rs's deserialisation
    /// fails (the assertion is then malformed).
    init(cbor: CBOR) throws {
        func present(_ key: String) -> CBOR? {
            guard let value = cbor[key], value != .null else { return nil }
            return value
        }
        func size(_ key: String) throws -> Int {
            guard let value = present(key)?.intValue, value >= 0 else { throw BMFFHashError.malformed("a Merkle map's \(key) is missing or not a count") }
            return value
        }
        guard cbor.mapValue != nil else { throw BMFFHashError.malformed("a Merkle map is not a map") }
        uniqueID = try size("uniqueId")
        localID = try size("localId")
        count = try size("count")
        if let value = present("alg") {
            guard let text = value.textValue else { throw BMFFHashError.malformed("a Merkle map's alg is not text") }
            algorithm = text
        }
        if let value = present("initHash") {
            guard let bytes = value.bytesValue else { throw BMFFHashError.malformed("a Merkle map's initHash is not bytes") }
            initHash = bytes
        }
        guard let list = present("hashes")?.arrayValue else { throw BMFFHashError.malformed("a Merkle map has no hashes") }
        hashes = try list.map {
            guard let bytes = $0.bytesValue else { throw BMFFHashError.malformed("a Merkle map's hash is not bytes") }
            return bytes
        }
        if present("fixedBlockSize") != nil { fixedBlockSize = try size("fixedBlockSize") }
        if let value = present("variableBlockSizes") {
            guard let list = value.arrayValue else { throw BMFFHashError.malformed("a Merkle map's variableBlockSizes is not a list") }
            variableBlockSizes = try list.map {
                guard let size = $0.intValue, size >= 0 else { throw BMFFHashError.malformed("a Merkle map's block size is not a size") }
                return size
            }
        }
    }

    /// The map's CBOR, fields in c2pa-rs's order, absent optional fields left out.
    var cbor: CBOR {
        var entries: [(String, CBOR)] = [("uniqueId", .int(uniqueID)), ("localId", .int(localID)), ("count", .int(count))]
        if let algorithm { entries.append(("alg", .text(algorithm))) }
        if let initHash { entries.append(("initHash", .bytes(initHash))) }
        entries.append(("hashes", .array(hashes.map { .bytes($0) })))
        if let fixedBlockSize { entries.append(("fixedBlockSize", .int(fixedBlockSize))) }
        if let variableBlockSizes { entries.append(("variableBlockSizes", .array(variableBlockSizes.map { .int($0) }))) }
        return .textMap(entries)
    }

    /// Whether `leaf` is the hash at `location` of this tree, given the proof (the siblings from the
    /// bottom up) or none. c2pa-rs `check_merkle_tree`, step for step: the layer the map stores is
    /// the first whose node count equals `hashes.count`; each layer below it where the node has a
    /// sibling takes the next proof hash; the result must equal the stored hash the node reached.
    /// A proof too short fails; hashes past those needed are not read.
    func verifies(leaf: [UInt8], location: Int, proof: [[UInt8]]?, algorithm: HashAlgorithm) -> Bool {
        guard location >= 0, location < count else { return false }
        var index = location
        var hash = leaf
        let layers = C2PAMerkleTree.layout(leafCount: count)
        if let proof {
            var used = 0
            for layer in layers {
                if layer == hashes.count { break }
                if index % 2 == 1 {
                    if index - 1 < layer {
                        guard used < proof.count else { return false }
                        hash = algorithm.hash(proof[used] + hash)
                        used += 1
                    }
                } else if index + 1 < layer {
                    guard used < proof.count else { return false }
                    hash = algorithm.hash(hash + proof[used])
                    used += 1
                }
                index /= 2
            }
        } else {
            for layer in layers {
                if layer == hashes.count { break }
                index /= 2
            }
        }
        return index < hashes.count && hashes[index] == hash
    }
}

/// The proof a `merkle` C2PA `uuid` box carries for one leaf (c2pa-rs `BmffMerkleMap`): which map
/// (`uniqueId`, `localId`), which leaf (`location`), and the sibling hashes up to the layer the map stores.
public struct MerkleProof: Sendable, Equatable {
    public var uniqueID: Int
    public var localID: Int
    public var location: Int
    public var hashes: [[UInt8]]?

    public init(uniqueID: Int, localID: Int, location: Int, hashes: [[UInt8]]?) {
        self.uniqueID = uniqueID
        self.localID = localID
        self.location = location
        self.hashes = hashes
    }

    /// Reads the box's CBOR: the first item of `bytes`; what follows it (the zero padding c2pa-rs
    /// adds so that every proof box of a tree has one size) is ignored, as c2pa-rs ignores it.
    init(boxPayload bytes: [UInt8]) throws {
        let cbor: CBOR
        do {
            cbor = try CBOR(decodingPrefixOf: bytes, limits: CBOR.DecodingLimits(maximumDepth: 8, maximumItems: 4096, maximumStringLength: 1024))
        } catch let error as ManifestError {
            throw BMFFHashError.unreadable("a Merkle proof box cannot be read: \(error.reason)")
        }
        func size(_ key: String) throws -> Int {
            guard let value = cbor[key]?.intValue, value >= 0 else { throw BMFFHashError.unreadable("a Merkle proof box's \(key) is missing or not a count") }
            return value
        }
        guard cbor.mapValue != nil else { throw BMFFHashError.unreadable("a Merkle proof box does not hold a map") }
        uniqueID = try size("uniqueId")
        localID = try size("localId")
        location = try size("location")
        if let value = cbor["hashes"], value != .null {
            guard let list = value.arrayValue else { throw BMFFHashError.unreadable("a Merkle proof box's hashes are not a list") }
            hashes = try list.map {
                guard let bytes = $0.bytesValue else { throw BMFFHashError.unreadable("a Merkle proof box's hash is not bytes") }
                return bytes
            }
        }
    }

    /// The CBOR c2pa-rs writes (`hashes` as null when there is no proof).
    var cbor: CBOR {
        .textMap([("uniqueId", .int(uniqueID)), ("localId", .int(localID)), ("location", .int(location)),
                  ("hashes", hashes.map { .array($0.map { .bytes($0) }) } ?? .null)])
    }
}

extension CBOR {
    /// Decodes the first item of `bytes` and ignores whatever follows it.
    init(decodingPrefixOf bytes: [UInt8], limits: DecodingLimits) throws {
        var decoder = CBORDecoder(bytes: bytes[...], limits: limits)
        self = try decoder.decodeItem(depth: 0)
    }
}
