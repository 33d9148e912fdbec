import AILabelMedia

/// Checks the fragments of a fragmented BMFF asset (CMAF, DASH, HLS fMP4) one by one against the
/// BMFF hash in its init segment, as c2pa-rs `verify_stream_segment` checks one fragment: the hash
/// must have no flat `hash` and must have Merkle maps; every `merkle` box of the fragment names its
/// map (`uniqueId`, `localId`); that map's `initHash` must be the init segment's hash less the
/// exclusions; and the fragment, hashed less the exclusions (its `merkle` box among them), must reach
/// the map's stored layer through the box's proof.
///
/// The init segment is hashed once, when the check is made, not once per fragment; each fragment is
/// read by positioned reads and streamed through the hash, so a long stream costs one fragment's
/// headers of memory at a time.
public struct BMFFFragmentCheck: Sendable {
    public let binding: BMFFHash
    let claimAlgorithm: String?
    /// The init segment's digest by algorithm, or why it could not be computed.
    let initDigests: [String: Result<[UInt8], BMFFHashError>]

    /// What one fragment's check found: the leaves its proofs vouch for, by map.
    public struct Outcome: Sendable, Equatable {
        /// (uniqueId, localId, location) of every proof that held.
        public var leaves: [Leaf]
    }

    public struct Leaf: Sendable, Hashable {
        public var uniqueID: Int
        public var localID: Int
        public var location: Int
    }

    public init(binding: BMFFHash, initSegment: any ByteSource, claimAlgorithm: String?) {
        self.binding = binding
        self.claimAlgorithm = claimAlgorithm
        var digests: [String: Result<[UInt8], BMFFHashError>] = [:]
        let tree = Result { try BMFFHash.walk(initSegment) }.mapError { $0 as? BMFFHashError ?? .unreadable("\($0)") }
        for map in binding.merkle ?? [] where map.initHash != nil {
            guard let algorithm = try? binding.mapAlgorithm(map, claimAlgorithm), digests[algorithm.rawValue] == nil else { continue }
            digests[algorithm.rawValue] = tree.flatMap { tree in
                Result {
                    try BMFFHash.digest(try binding.pieces(of: tree) { try initSegment.bytes(in: $0) }, algorithm: algorithm, source: initSegment)
                }.mapError { error in
                    if let error = error as? BMFFHashError { return error }
                    if let error = error as? MediaError { return .unreadable("the init segment cannot be read: \(error.reason)") }
                    return .unreadable("the init segment cannot be read")
                }
            }
        }
        self.initDigests = digests
    }

    /// The counts of the maps (leaves each), by (uniqueId, localId).
    public var expectedLeaves: [Leaf: Int] {
        var out: [Leaf: Int] = [:]
        for map in binding.merkle ?? [] { out[Leaf(uniqueID: map.uniqueID, localID: map.localID, location: 0)] = map.count }
        return out
    }

    /// The leaves a fragment's proof boxes name, unverified (for a fragment that failed its check).
    func claimedLeaves(of fragment: BMFFFragmentSource) -> [Leaf] {
        guard let source = try? fragment.open(), let tree = try? BMFFHash.walk(source),
            let proofs = try? BMFFHash.merkleProofs(in: tree, source: source)
        else { return [] }
        return proofs.map { Leaf(uniqueID: $0.proof.uniqueID, localID: $0.proof.localID, location: $0.proof.location) }
    }

    /// Checks one fragment; throws ``BMFFHashError`` with the reason it fails.
    public func verify(fragment: any ByteSource) throws -> Outcome {
        guard binding.hash == nil else {
            throw BMFFHashError.mismatch("the BMFF hash has a flat hash, which a fragmented asset's must not have")
        }
        guard let maps = binding.merkle else {
            throw BMFFHashError.mismatch("the BMFF hash has no Merkle maps, which a fragmented asset's must have")
        }
        let tree = try BMFFHash.walk(fragment)
        let proofs = try BMFFHash.merkleProofs(in: tree, source: fragment)
        guard !proofs.isEmpty else { throw BMFFHashError.mismatch("the fragment has no Merkle proof box") }
        var leaves: [Leaf] = []
        // The leaf depends on the fragment and the algorithm only, so it is hashed once per algorithm
        // however many proofs the fragment carries; maps are found by their IDs (the first one wins).
        var leafDigests: [String: [UInt8]] = [:]
        var mapsByID: [String: MerkleMap] = [:]
        for map in maps where mapsByID["\(map.uniqueID)/\(map.localID)"] == nil { mapsByID["\(map.uniqueID)/\(map.localID)"] = map }
        for (box, proof) in proofs {
            guard let map = mapsByID["\(proof.uniqueID)/\(proof.localID)"] else {
                throw BMFFHashError.mismatch("the fragment's Merkle proof (at byte \(box.range.lowerBound)) names no Merkle map of the init segment (uniqueId \(proof.uniqueID), localId \(proof.localID))")
            }
            // c2pa-rs checks a proof only against a map with an initHash (the maps of a fragmented
            // rendition always have one); a proof for any other map vouches for nothing.
            guard let initHash = map.initHash else { continue }
            let algorithm = try binding.mapAlgorithm(map, claimAlgorithm)
            switch initDigests[algorithm.rawValue] {
            case .success(let digest):
                guard digest == initHash else { throw BMFFHashError.mismatch("the init segment does not match the initHash of its Merkle map") }
            case .failure(let error):
                throw error
            case nil:
                throw BMFFHashError.unreadable("the init segment was not hashed")
            }
            let leaf: [UInt8]
            if let known = leafDigests[algorithm.rawValue] {
                leaf = known
            } else {
                leaf = try BMFFHash.digest(try binding.pieces(of: tree) { try fragment.bytes(in: $0) }, algorithm: algorithm, source: fragment)
                leafDigests[algorithm.rawValue] = leaf
            }
            guard map.verifies(leaf: leaf, location: proof.location, proof: proof.hashes, algorithm: algorithm) else {
                throw BMFFHashError.mismatch("the fragment does not match its Merkle proof (leaf \(proof.location) of \(map.count))")
            }
            leaves.append(Leaf(uniqueID: proof.uniqueID, localID: proof.localID, location: proof.location))
        }
        // Stricter than c2pa-rs, which passes a fragment none of whose proofs it checked.
        guard !leaves.isEmpty else { throw BMFFHashError.mismatch("the fragment's Merkle proofs name only maps without an initHash, so nothing binds the fragment") }
        return Outcome(leaves: leaves)
    }

    /// Checks `fragments` one at a time (each opened, checked and let go); returns one sentence per
    /// problem, naming the fragment. With `requireAll`, the fragments' leaves must be exactly the
    /// maps' leaves: one fragment per leaf, none missing, none twice.
    public func verify(_ fragments: [BMFFFragmentSource], requireAll: Bool) -> [String] {
        var problems: [String] = []
        var seen: [Leaf: String] = [:]
        for fragment in fragments {
            do {
                let outcome = try verify(fragment: try fragment.open())
                for leaf in outcome.leaves {
                    if let other = seen[leaf] {
                        problems.append("Fragment \(fragment.name) and fragment \(other) both claim leaf \(leaf.location): one of them is a copy")
                    } else {
                        seen[leaf] = fragment.name
                    }
                }
            } catch BMFFHashError.mismatch(let reason), BMFFHashError.unreadable(let reason), BMFFHashError.malformed(let reason) {
                problems.append("Fragment \(fragment.name) was changed after signing or is not this asset's: \(reason)")
                // The leaves its proofs claim are present, if wrong: the failure is said once, not again as missing.
                for leaf in claimedLeaves(of: fragment) where seen[leaf] == nil { seen[leaf] = fragment.name }
            } catch let error as MediaError {
                problems.append("Fragment \(fragment.name) cannot be read: \(error.reason)")
            } catch {
                problems.append("Fragment \(fragment.name) cannot be read: \(error)")
            }
        }
        guard requireAll else { return problems }
        for map in binding.merkle ?? [] where map.initHash != nil {
            guard map.count <= BMFFFragmentRendition.maximumFragments else {
                problems.append("The Merkle map counts \(map.count) fragments, more than the \(BMFFFragmentRendition.maximumFragments) ailabel checks")
                continue
            }
            let missing = (0..<map.count).filter { seen[Leaf(uniqueID: map.uniqueID, localID: map.localID, location: $0)] == nil }
            if !missing.isEmpty {
                let listed = missing.prefix(10).map { String($0) }.joined(separator: ", ") + (missing.count > 10 ? ", …" : "")
                problems.append("\(missing.count) of the \(map.count) signed fragments \(missing.count == 1 ? "is" : "are") missing (leaf \(listed))")
            }
        }
        return problems
    }
}

/// One fragment to check: its name in reports and how to open it (fragments are opened one at a
/// time, so a long stream never holds thousands of files open).
public struct BMFFFragmentSource: Sendable {
    public var name: String
    public var open: @Sendable () throws -> any ByteSource

    public init(name: String, open: @escaping @Sendable () throws -> any ByteSource) {
        self.name = name
        self.open = open
    }
}
