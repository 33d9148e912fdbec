import AILabelMedia

/// How a BMFF hash binds the asset being signed.
public enum BMFFSigningMode: Sendable {
    /// A flat hash, and Merkle maps over large `mdat` boxes (``ManifestSigner/merkleThreshold``).
    case automatic
    /// The init segment of a fragmented rendition: no flat hash, one Merkle map over the fragments
    /// with the init segment's own hash in it (``BMFFFragmentRendition``).
    case fragmentedRendition(BMFFFragmentRendition)
}

extension BMFFHash {
    /// The exclusion c2pa-rs adds with Merkle maps over `mdat` boxes: the payload of every `mdat`
    /// after its first 16 bytes, which the Merkle leaves cover instead of the flat hash.
    public static let mdatPayloadExclusion: Exclusion = {
        var exclusion = Exclusion(xpath: "/mdat")
        exclusion.subset = [Subset(offset: mdatExclusionSize, length: 0)]
        return exclusion
    }()

    /// ailabel's block size for an `mdat` payload of `length` bytes: 1 MiB, doubled until the tree
    /// has at most 4,096 leaves (so the map stays under 132 kB of hashes whatever the file's size).
    public static func merkleBlockSize(forPayload length: Int) -> Int {
        var block = 1 << 20
        while (length + block - 1) / block > 4096 { block *= 2 }
        return block
    }

    /// Merkle maps over every top-level `mdat` of `source` when one of them has a payload of at least
    /// `threshold` bytes; nil otherwise, and for a fragmented file (c2pa-rs checks a fragmented file's
    /// maps per `moof` run, not per `mdat`, so per-`mdat` maps would fail there). Each map stores
    /// every leaf (c2pa-rs with `merkle_tree_max_proofs` 0), so no proof box is needed: a reader
    /// checks block n by hashing it and comparing with `hashes[n]`. The mdat payloads are read once.
    /// Nil too for a file that holds `merkle` proof boxes already (a previous signer's).
    static func largeMdatMaps(over source: any ByteSource, threshold: Int?, blockSize: Int?) throws -> [MerkleMap]? {
        guard let threshold else { return nil }
        let tree: BMFFTree
        do {
            tree = try BMFFTree(count: source.count) { try source.bytes(in: $0) }
        } catch {
            return nil  // the layout step reports what is wrong with the file
        }
        let topLevel = tree.topLevel.map { tree.boxes[$0] }
        guard !topLevel.contains(where: { $0.type == "moof" }) else { return nil }
        // Proof boxes another signer left (c2pa-rs writes them after the last mdat) would be read by
        // c2pa-rs as the proofs of these maps and fail them: such a file keeps the flat hash only.
        guard (try? merkleProofs(in: tree, source: source))?.isEmpty == true else { return nil }
        let mdats = topLevel.filter { $0.type == .mdat }
        guard mdats.contains(where: { $0.range.count - mdatExclusionSize >= threshold }) else { return nil }
        return try mdats.enumerated().map { index, mdat in
            let length = max(0, mdat.range.count - mdatExclusionSize)
            let block = max(2, blockSize ?? merkleBlockSize(forPayload: length))
            let map = MerkleMap(uniqueID: 0, localID: index, count: 0, algorithm: "sha256", hashes: [], fixedBlockSize: block)
            let ranges = try leafRanges(of: mdat, map: map, mapIndex: index, algorithm: .sha256, fileSize: source.count)
            var leaves: [[UInt8]] = []
            leaves.reserveCapacity(ranges.count)
            for range in ranges { leaves.append(try HashAlgorithm.sha256.hash(source, range: range)) }
            return MerkleMap(uniqueID: 0, localID: index, count: leaves.count, algorithm: "sha256", hashes: leaves, fixedBlockSize: block)
        }
    }
}
