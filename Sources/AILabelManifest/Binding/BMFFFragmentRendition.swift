import AILabelMedia

/// The fragments of one rendition of a fragmented BMFF asset, bound by one Merkle tree, as c2pa-rs
/// binds them (`BmffHash::add_merkle_for_fragmented`, `Store::save_to_bmff_fragmented`): each
/// fragment gets a `merkle` C2PA box (its leaf's location and proof), each leaf is the hash of the
/// fragment as written less the BMFF hash's exclusions (the proof box is one of them), and the init
/// segment's BMFF hash carries the map: the fragment count, the stored layer of the tree, and the
/// init segment's own hash (`initHash`), with no flat hash.
///
/// Made in two passes with nothing written in between: the first hashes each fragment as it will be
/// written, with a proof box of the final size (the size of a proof depends only on the count and the
/// location), so the leaves are known; the second plans each fragment with its real proof, which
/// lands on the same bytes. Fragments are opened one at a time through `open`, so thousands of them
/// cost their leaves' hashes (32 bytes each) and one fragment's box headers of memory.
public struct BMFFFragmentRendition: Sendable {
    /// How many fragments, and the tree over their leaves.
    public let count: Int
    let tree: C2PAMerkleTree
    /// The largest proof written into a fragment (c2pa-rs `core.merkle_tree_max_proofs`, 5 by default);
    /// the init segment stores the tree's layer at that height.
    public let maximumProofLength: Int
    public let uniqueID: Int
    public let localID: Int
    let binding: BMFFHash

    /// At most this many fragments in one rendition (Docs/limits.md): the leaves stay within the
    /// Merkle leaf budget c2pa-rs checks.
    public static let maximumFragments = 100_000

    /// Hashes `count` fragments as they will be written (pass one). `open(i)` returns fragment i;
    /// each must hold exactly one `moof` and one `mdat` at the top level and no Merkle proof yet.
    public init(count: Int, maximumProofLength: Int = 5, uniqueID: Int = 1, localID: Int = 1,
                open: (Int) throws -> any ByteSource) throws {
        guard count > 0 else { throw ManifestError.make(.unsupportedAsset, "A fragmented rendition needs at least one fragment") }
        guard count <= Self.maximumFragments else {
            throw ManifestError.make(.unsupportedAsset, "\(count) fragments are more than the \(Self.maximumFragments) one rendition may have")
        }
        self.count = count
        self.maximumProofLength = maximumProofLength
        self.uniqueID = uniqueID
        self.localID = localID
        self.binding = BMFFHash(hash: nil)
        // The proof's shape (which layers give a sibling) depends only on the count, so the shape
        // of a tree of stand-in leaves gives each proof box its final size.
        let shape = C2PAMerkleTree(leaves: (0..<count).map { _ in [UInt8](repeating: 0, count: HashAlgorithm.sha256.digestLength) }, algorithm: .sha256)
        var leaves: [[UInt8]] = []
        leaves.reserveCapacity(count)
        for index in 0..<count {
            let source = try open(index)
            let placeholder = MerkleProof(uniqueID: uniqueID, localID: localID, location: index,
                                          hashes: Self.proofOrNil(shape.proof(ofLeaf: index, maximumLength: maximumProofLength)))
            let plan = try Self.plan(source, fragment: index, proof: placeholder)
            let output = plan.output(over: source)
            let tree = try BMFFHash.walk(output)
            let pieces = try binding.pieces(of: tree) { try output.bytes(in: $0) }
            leaves.append(try BMFFHash.digest(pieces, algorithm: .sha256, source: output))
        }
        self.tree = C2PAMerkleTree(leaves: leaves, algorithm: .sha256)
    }

    /// The Merkle map the init segment's BMFF hash carries, with `initHash` (zeros until the init
    /// segment with its store is hashed).
    public func map(initHash: [UInt8] = [UInt8](repeating: 0, count: 32)) -> MerkleMap {
        MerkleMap(uniqueID: uniqueID, localID: localID, count: count, algorithm: "sha256", initHash: initHash,
                  hashes: tree.storedLayer(maximumProofLength: maximumProofLength))
    }

    /// The plan of fragment `index` as signed (pass two): its bytes with the proof box before its
    /// first `sidx` or `moof`.
    public func plan(fragment index: Int, source: any ByteSource) throws -> SplicePlan {
        let proof = MerkleProof(uniqueID: uniqueID, localID: localID, location: index,
                                hashes: Self.proofOrNil(tree.proof(ofLeaf: index, maximumLength: maximumProofLength)))
        return try Self.plan(source, fragment: index, proof: proof)
    }

    static func proofOrNil(_ proof: [[UInt8]]) -> [[UInt8]]? { proof.isEmpty ? nil : proof }

    /// Fragment `index` with `proof` in a `merkle` box. c2pa-rs puts the box right before the `moof`;
    /// ailabel puts it before a `sidx` that precedes the `moof`, so the `sidx`'s offsets (counted
    /// from its own end) still reach the `moof`.
    static func plan(_ source: any ByteSource, fragment index: Int, proof: MerkleProof) throws -> SplicePlan {
        let tree = try BMFFHash.walk(source)
        let topLevel = tree.topLevel.map { tree.boxes[$0] }
        let moofs = topLevel.filter { $0.type == "moof" }.count
        let mdats = topLevel.filter { $0.type == .mdat }.count
        guard moofs == 1, mdats == 1 else {
            throw ManifestError.make(.unsupportedAsset, "fragment \(index + 1) holds \(moofs) moof and \(mdats) mdat boxes; a fragment must hold one of each")
        }
        if try !BMFFHash.merkleProofs(in: tree, source: source).isEmpty {
            throw ManifestError.make(.unsupportedAsset, "fragment \(index + 1) already holds a Merkle proof box (sign the unsigned fragments)")
        }
        guard let anchor = topLevel.first(where: { $0.type == "moof" || $0.type == "sidx" }) else {
            throw ManifestError.make(.unsupportedAsset, "fragment \(index + 1) has no moof box")
        }
        var plan = SplicePlan()
        plan.copy(0..<anchor.range.lowerBound)
        plan.insert(BMFFC2PABox.merkleBox(proof.cbor.encoded(deterministic: false)))
        plan.copy(anchor.range.lowerBound..<source.count)
        return plan
    }
}
