/// The Merkle tree of a C2PA BMFF hash (C2PA 2.x, 15.10.3.3), built exactly as c2pa-rs builds it
/// (`utils/merkle.rs`, `C2PAMerkleTree`): every leaf sits on the bottom layer; a parent is the hash
/// of its two children's hashes concatenated (left then right); the last node of a layer with an
/// odd count has no partner and is carried up unchanged (neither hashed nor duplicated).
///
/// Leaves are already hashes (of an `mdat` block, or of a whole fragment); nothing here re-hashes them.
struct C2PAMerkleTree: Sendable {
    let algorithm: HashAlgorithm
    /// Layer 0 holds the leaves; the last layer holds the root alone.
    private(set) var layers: [[[UInt8]]]

    init(leaves: [[UInt8]], algorithm: HashAlgorithm) {
        self.algorithm = algorithm
        var layers = [leaves]
        while let current = layers.last, current.count > 1 {
            var parent: [[UInt8]] = []
            parent.reserveCapacity((current.count + 1) / 2)
            for index in stride(from: 0, to: current.count, by: 2) {
                if index + 1 == current.count {
                    parent.append(current[index])
                } else {
                    parent.append(algorithm.hash(current[index] + current[index + 1]))
                }
            }
            layers.append(parent)
        }
        self.layers = layers
    }

    var root: [UInt8]? { layers.last?.first }

    /// How many nodes each layer of a tree over `leafCount` leaves holds (c2pa-rs `to_layout`):
    /// `[n, ⌈n/2⌉, …, 1]`, and `[0]` for no leaf. Computed from the count alone, so a count read
    /// from a file costs at most 64 steps.
    static func layout(leafCount: Int) -> [Int] {
        var layers = [max(leafCount, 0)]
        while let current = layers.last, current > 1 {
            // Halved rounding up without adding first: a count read from a file may be Int.max.
            layers.append(current / 2 + current % 2)
        }
        return layers
    }

    /// The proof of the leaf at `index`, at most `maximumLength` hashes long (c2pa-rs
    /// `get_proof_by_index`): the sibling on each layer from the bottom up, skipping a layer where
    /// the node has no sibling (it was carried up).
    func proof(ofLeaf index: Int, maximumLength: Int) -> [[UInt8]] {
        guard let leaves = layers.first, index >= 0, index < leaves.count else { return [] }
        var proof: [[UInt8]] = []
        var position = index
        for layer in layers.prefix(maximumLength) {
            if position % 2 == 1 {
                proof.append(layer[position - 1])
            } else if position + 1 < layer.count {
                proof.append(layer[position + 1])
            }
            position /= 2
        }
        return proof
    }

    /// The layer a map stores when proofs are at most `maximumProofLength` long: the leaves for 0,
    /// the root when the proofs reach it (c2pa-rs keeps `layers[min(max_proofs, layers.len() - 1)]`).
    func storedLayer(maximumProofLength: Int) -> [[UInt8]] {
        layers[min(max(maximumProofLength, 0), layers.count - 1)]
    }
}
