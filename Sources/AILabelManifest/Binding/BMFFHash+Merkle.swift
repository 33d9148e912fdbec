import AILabelMedia

/// Checking a BMFF hash with its Merkle maps, as c2pa-rs checks it (`BmffHash::verify_stream_hash`,
/// `validate_merkle_maps_mdat_boxes`, `verify_stream_segment`), so that ailabel reaches the SDK's
/// verdict on the same file:
///
/// - a single file: the flat hash (when present), then each map's `initHash` over the file up to its
///   first `moof`; then, for a fragmented file, one leaf per `moof`…`mdat` run; otherwise one map per
///   top-level `mdat`, whose payload (less its first 16 bytes, as the `/mdat` subset excludes them) is
///   cut into leaves of `fixedBlockSize` or `variableBlockSizes` (or one leaf), each leaf checked
///   against the stored layer directly, through the proof in the file's `merkle` boxes, or, when only
///   the root is stored, by rebuilding the tree;
/// - one fragment of a fragmented asset, beside its init segment: the fragment's `merkle` box names
///   the map and the leaf, the init segment must hash to the map's `initHash`, and the fragment,
///   hashed less the exclusions, must reach the stored layer through the box's proof.
///
/// Every failure throws ``BMFFHashError/mismatch(_:)`` or ``BMFFHashError/unreadable(_:)`` (the
/// SDK's `assertion.bmffHash.mismatch`) with a reason naming the map, leaf or box.
extension BMFFHash {
    /// Bounds on Merkle checking (Docs/limits.md).
    public enum MerkleLimits {
        /// c2pa-rs `MAX_MERKLE_LEAVES_SIZE`: the leaves of one tree may take at most 32 MiB of hashes
        /// (1,048,576 SHA-256 leaves); a map asking for more is refused before anything is hashed.
        public static let maximumLeafBytes = 32 << 20
        /// A `merkle` proof box's payload: a proof is a few hashes, so more than this is refused
        /// rather than read.
        public static let maximumProofBoxPayload = 64 << 10
    }

    /// The bytes c2pa-rs leaves out at the start of every `mdat` for its Merkle leaves (the `/mdat`
    /// exclusion's subset offset 16, whatever the header's length).
    static let mdatExclusionSize = 16

    /// Checks the BMFF hash of one file: its flat hash and its Merkle maps.
    public func verify(_ source: any ByteSource, claimAlgorithm: String?) throws {
        let read = { (range: Range<Int>) throws -> [UInt8] in try source.bytes(in: range) }
        let tree = try Self.walk(source)
        let algorithm = try resolvedAlgorithm(claimAlgorithm)
        if let expected = hash {
            let digest = try Self.digest(try pieces(of: tree, read: read), algorithm: algorithm, source: source)
            guard digest == expected else { throw BMFFHashError.mismatch("the BMFF hash does not match") }
        }
        guard let maps = merkle else { return }
        // Stricter than c2pa-rs, which accepts both (no producer writes them): a map of no leaf
        // vouches for nothing, and maps over mdat payloads without a flat hash or an initHash leave
        // every other byte of the file (the moov and its sample tables) unbound.
        if let empty = maps.firstIndex(where: { $0.count == 0 }) {
            throw BMFFHashError.mismatch("Merkle map \(empty) covers nothing: it counts no leaf")
        }
        try verifyMaps(maps, source: source, tree: tree, claimAlgorithm: claimAlgorithm)
        if hash == nil, !maps.contains(where: { $0.initHash != nil }) {
            throw BMFFHashError.mismatch("the BMFF hash has Merkle maps but neither a flat hash nor an initHash, so every byte outside the mdat payloads is unbound")
        }
    }

    /// The Merkle maps of one file, as c2pa-rs checks them after the flat hash.
    func verifyMaps(_ maps: [MerkleMap], source: any ByteSource, tree: BMFFTree, claimAlgorithm: String?) throws {
        let read = { (range: Range<Int>) throws -> [UInt8] in try source.bytes(in: range) }
        let proofs = try Self.merkleProofs(in: tree, source: source)
        let topLevel = tree.topLevel.map { tree.boxes[$0] }
        let firstMoof = topLevel.first { $0.type == "moof" }

        for (index, map) in maps.enumerated() {
            guard let initHash = map.initHash else { continue }
            guard let moof = firstMoof else {
                throw BMFFHashError.mismatch("Merkle map \(index) has an initHash, which only fragmented media may have: this looks like the init segment of a fragmented MP4, to be checked with its fragments (verify --fragments 'GLOB')")
            }
            let digest = try Self.digest(try pieces(of: tree, alsoExcluding: [moof.range.lowerBound..<source.count], read: read),
                                         algorithm: try mapAlgorithm(map, claimAlgorithm), source: source)
            guard digest == initHash else { throw BMFFHashError.mismatch("the file before its first moof box does not match Merkle map \(index)'s initHash") }
        }

        if firstMoof != nil {
            // c2pa-rs: one run of boxes per moof, from the first moof on; the runs must be as many as
            // each map's leaves and as the file's proof boxes, and proof n goes with run n.
            let runs = Self.fragmentRuns(topLevel)
            // The exclusions are matched once for the whole file, then each run is laid out alone.
            let excluded = try excludedBoxes(of: tree, read: read)
            for (index, map) in maps.enumerated() {
                guard runs.count == map.count, proofs.count == map.count else {
                    throw BMFFHashError.mismatch("Merkle map \(index) counts \(map.count) fragments, but the file has \(runs.count) moof runs and \(proofs.count) proof boxes")
                }
                let mapAlgorithm = try mapAlgorithm(map, claimAlgorithm)
                for (runIndex, run) in runs.enumerated() {
                    let leaf = try Self.digest(try excluded.pieces(inside: run, fileSize: source.count), algorithm: mapAlgorithm, source: source)
                    let proof = proofs[runIndex].proof
                    guard map.verifies(leaf: leaf, location: proof.location, proof: proof.hashes, algorithm: mapAlgorithm) else {
                        throw BMFFHashError.mismatch("fragment \(runIndex) (the moof at byte \(run.lowerBound)) does not match Merkle map \(index)")
                    }
                }
            }
            return
        }
        if maps.allSatisfy({ $0.fixedBlockSize != nil || $0.variableBlockSizes != nil })
            || !(topLevel.contains { $0.type == .moov } && !proofs.isEmpty) {
            try verifyMdatMaps(maps, tree: tree, proofs: proofs.map(\.proof), source: source, claimAlgorithm: claimAlgorithm)
            return
        }
        // c2pa-rs also checks maps over the chunks of a track's samples (timed media) when a moov
        // and proof boxes are present and the maps name no block size. No producer writes them and
        // ailabel does not check them: a "no" rather than a pass.
        throw BMFFHashError.unreadable("the Merkle maps cover track chunks (timed media), which ailabel does not check")
    }

    /// c2pa-rs `validate_merkle_maps_mdat_boxes`: map n covers top-level `mdat` n.
    func verifyMdatMaps(_ maps: [MerkleMap], tree: BMFFTree, proofs: [MerkleProof], source: any ByteSource, claimAlgorithm: String?) throws {
        if maps.contains(where: { $0.fixedBlockSize != nil && $0.variableBlockSizes != nil }) {
            throw BMFFHashError.mismatch("a Merkle map gives both a fixed block size and variable block sizes")
        }
        let mdats = tree.topLevel.map { tree.boxes[$0] }.filter { $0.type == .mdat }
        guard mdats.count == maps.count else {
            throw BMFFHashError.mismatch("the BMFF hash has \(maps.count) Merkle maps for \(mdats.count) mdat boxes")
        }
        let blocks = try zip(mdats, maps).enumerated().map { index, pair in
            try Self.leafRanges(of: pair.0, map: pair.1, mapIndex: index, algorithm: try mapAlgorithm(pair.1, claimAlgorithm), fileSize: source.count)
        }
        if proofs.isEmpty {
            for (index, (map, ranges)) in zip(maps, blocks).enumerated() {
                let algorithm = try mapAlgorithm(map, claimAlgorithm)
                guard ranges.count == map.count else {
                    throw BMFFHashError.mismatch("Merkle map \(index) counts \(map.count) leaves, but its mdat box makes \(ranges.count)")
                }
                if map.hashes.count == 1 && map.count > 1 {
                    // Only the root is stored: the tree is rebuilt from every leaf.
                    var leaves: [[UInt8]] = []
                    leaves.reserveCapacity(ranges.count)
                    for range in ranges { leaves.append(try algorithm.hash(source, range: range)) }
                    guard C2PAMerkleTree(leaves: leaves, algorithm: algorithm).root == map.hashes.first else {
                        throw BMFFHashError.mismatch("the mdat box of Merkle map \(index) does not hash to its root")
                    }
                } else {
                    for (leafIndex, range) in ranges.enumerated() {
                        let leaf = try algorithm.hash(source, range: range)
                        guard map.verifies(leaf: leaf, location: leafIndex, proof: nil, algorithm: algorithm) else {
                            throw BMFFHashError.mismatch("block \(leafIndex) of Merkle map \(index) (bytes \(range.lowerBound)–\(range.upperBound)) does not match")
                        }
                    }
                }
            }
            return
        }
        // The proof boxes lie in file order, map after map, `count` of them each (c2pa-rs
        // `split_bmff_merkle_map`); two maps with one localId leave one group, which c2pa-rs refuses.
        guard Set(maps.map(\.localID)).count == maps.count else {
            throw BMFFHashError.mismatch("two Merkle maps share a localId")
        }
        var remaining = proofs[...]
        for (index, (map, ranges)) in zip(maps, blocks).enumerated() {
            guard map.count <= remaining.count else {
                throw BMFFHashError.mismatch("Merkle map \(index) counts \(map.count) leaves but only \(remaining.count) proof boxes remain")
            }
            let group = remaining.prefix(map.count)
            remaining = remaining.dropFirst(map.count)
            guard ranges.count == group.count else {
                throw BMFFHashError.mismatch("Merkle map \(index) has \(group.count) proof boxes for \(ranges.count) blocks of its mdat box")
            }
            let algorithm = try mapAlgorithm(map, claimAlgorithm)
            for (range, proof) in zip(ranges, group) {
                let leaf = try algorithm.hash(source, range: range)
                guard map.verifies(leaf: leaf, location: proof.location, proof: proof.hashes, algorithm: algorithm) else {
                    throw BMFFHashError.mismatch("block \(proof.location) of Merkle map \(index) (bytes \(range.lowerBound)–\(range.upperBound)) does not match its proof")
                }
            }
        }
    }

    /// The byte ranges of one map's leaves over an `mdat` (c2pa-rs: the payload after the first 16
    /// bytes, in blocks), refused before any is hashed when the tree would exceed the leaf budget.
    static func leafRanges(of mdat: BMFFBox, map: MerkleMap, mapIndex: Int, algorithm: HashAlgorithm, fileSize: Int) throws -> [Range<Int>] {
        let start = mdat.range.lowerBound + mdatExclusionSize
        let length = max(0, mdat.range.count - mdatExclusionSize)
        func checkBudget(_ leaves: Int) throws {
            let (bytes, overflow) = leaves.multipliedReportingOverflow(by: algorithm.digestLength)
            guard !overflow, bytes <= MerkleLimits.maximumLeafBytes else {
                throw BMFFHashError.unreadable("Merkle map \(mapIndex) asks for \(leaves) leaves, more than the \(MerkleLimits.maximumLeafBytes >> 20) MiB leaf budget")
            }
        }
        if let block = map.fixedBlockSize {
            guard block > 1 else { throw BMFFHashError.mismatch("Merkle map \(mapIndex) has a fixed block size of \(block)") }
            // Rounded up without adding first: a block size read from a file may be Int.max.
            let leaves = length == 0 ? 0 : (length - 1) / block + 1
            try checkBudget(leaves)
            return (0..<leaves).map { start + $0 * block..<start + min(length, ($0 + 1) * block) }
        }
        if let sizes = map.variableBlockSizes {
            var total = 0
            for size in sizes {
                let (sum, overflow) = total.addingReportingOverflow(size)
                guard !overflow else { throw BMFFHashError.mismatch("the variable block sizes of Merkle map \(mapIndex) overflow") }
                total = sum
            }
            guard total == length else {
                throw BMFFHashError.mismatch("the variable block sizes of Merkle map \(mapIndex) add up to \(total) bytes, but its mdat box holds \(length)")
            }
            try checkBudget(sizes.count)
            var position = start
            return sizes.map { size in
                defer { position += size }
                return position..<position + size
            }
        }
        // One leaf: the whole payload (a range c2pa-rs refuses when it would end past the file).
        guard start + length <= fileSize else { throw BMFFHashError.unreadable("the mdat box at byte \(mdat.range.lowerBound) ends past the file") }
        return [start..<start + length]
    }

    /// c2pa-rs `split_fragment_boxes`: from the first top-level `moof`, the byte span of each run of
    /// top-level boxes that starts at a `moof` (the last run takes every box to the end of the file).
    /// None when the file starts with a `moof`.
    static func fragmentRuns(_ topLevel: [BMFFBox]) -> [Range<Int>] {
        guard let first = topLevel.firstIndex(where: { $0.type == "moof" }), first > 0 else { return [] }
        var runs: [Range<Int>] = []
        var start = topLevel[first].range.lowerBound
        var end = topLevel[first].range.upperBound
        for box in topLevel[(first + 1)...] {
            if box.type == "moof" {
                runs.append(start..<end)
                start = box.range.lowerBound
            }
            end = box.range.upperBound
        }
        runs.append(start..<end)
        return runs
    }

    /// The `merkle` C2PA boxes at the top level of a file, in file order, with their proofs. A box
    /// that cannot be read fails the check (c2pa-rs fails to read the file).
    static func merkleProofs(in tree: BMFFTree, source: any ByteSource) throws -> [(box: BMFFBox, proof: MerkleProof)] {
        var found: [(BMFFBox, MerkleProof)] = []
        for index in tree.topLevel {
            let box = tree.boxes[index]
            guard BMFFC2PABox.isC2PA(box), let payload = try merklePayload(of: box, source: source) else { continue }
            found.append((box, try MerkleProof(boxPayload: payload)))
        }
        return found
    }

    /// The CBOR of a C2PA box whose purpose is `merkle` (the bytes after the purpose's terminator),
    /// nil for any other purpose.
    static func merklePayload(of box: BMFFBox, source: any ByteSource) throws -> [UInt8]? {
        let purpose = Array(BMFFC2PABox.merklePurpose.utf8) + [0]
        let start = box.payloadStart
        guard start + purpose.count <= box.range.upperBound,
            try source.bytes(in: start..<start + purpose.count) == purpose
        else { return nil }
        let body = start + purpose.count..<box.range.upperBound
        guard body.count <= MerkleLimits.maximumProofBoxPayload else {
            throw BMFFHashError.unreadable("the Merkle proof box at byte \(box.range.lowerBound) holds \(body.count) bytes, more than a proof needs")
        }
        return try source.bytes(in: body)
    }

    static func walk(_ source: any ByteSource) throws -> BMFFTree {
        do {
            return try BMFFTree(count: source.count) { try source.bytes(in: $0) }
        } catch let error as MediaError {
            throw BMFFHashError.unreadable("the file's boxes cannot be walked: \(error.reason)")
        }
    }

    func resolvedAlgorithm(_ claimAlgorithm: String?) throws -> HashAlgorithm {
        guard let algorithm = HashAlgorithm(c2paName: self.algorithm ?? claimAlgorithm) else {
            throw BMFFHashError.unreadable("the BMFF hash uses an unsupported algorithm")
        }
        return algorithm
    }

    /// A map's own algorithm, else the assertion's (c2pa-rs), else the claim's.
    func mapAlgorithm(_ map: MerkleMap, _ claimAlgorithm: String?) throws -> HashAlgorithm {
        guard let algorithm = HashAlgorithm(c2paName: map.algorithm ?? self.algorithm ?? claimAlgorithm) else {
            throw BMFFHashError.unreadable("a Merkle map uses an unsupported algorithm")
        }
        return algorithm
    }
}

