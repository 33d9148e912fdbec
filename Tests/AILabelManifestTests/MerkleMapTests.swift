import AILabelMedia
import Foundation
import Testing

@testable import AILabelManifest

/// The C2PA Merkle tree and the checks of a BMFF hash's Merkle maps, on files built here box by box,
/// including the hostile ones (each test named after the attack).
@Suite("Merkle maps: the tree, its proofs and hostile maps")
struct MerkleMapTests {
    static func leaves(_ count: Int) -> [[UInt8]] { (0..<count).map { HashAlgorithm.sha256.hash([UInt8(truncatingIfNeeded: $0), 7]) } }

    @Test("Every leaf of trees of 1 to 33 leaves verifies through its proof, whatever layer the map stores, and a changed leaf does not")
    func proofsRoundTrip() {
        for count in 1...33 {
            let tree = C2PAMerkleTree(leaves: Self.leaves(count), algorithm: .sha256)
            #expect(tree.layers.map(\.count) == C2PAMerkleTree.layout(leafCount: count))
            for height in 0...6 {
                let map = MerkleMap(uniqueID: 0, localID: 0, count: count, algorithm: "sha256", hashes: tree.storedLayer(maximumProofLength: height))
                for location in 0..<count {
                    let proof = tree.proof(ofLeaf: location, maximumLength: height)
                    let leaf = tree.layers[0][location]
                    #expect(map.verifies(leaf: leaf, location: location, proof: proof, algorithm: .sha256), "\(count) leaves, height \(height), leaf \(location)")
                    var changed = leaf
                    changed[0] ^= 1
                    #expect(!map.verifies(leaf: changed, location: location, proof: proof, algorithm: .sha256))
                }
            }
        }
    }

    @Test("The tree is c2pa-rs's: an odd last node is carried up unhashed (5 leaves: root = H(H(H(a,b),H(c,d)), e))")
    func oddNodeCarriedUp() {
        let leaves = Self.leaves(5)
        let h = { (a: [UInt8], b: [UInt8]) in HashAlgorithm.sha256.hash(a + b) }
        let tree = C2PAMerkleTree(leaves: leaves, algorithm: .sha256)
        #expect(tree.root == h(h(h(leaves[0], leaves[1]), h(leaves[2], leaves[3])), leaves[4]))
        #expect(tree.proof(ofLeaf: 4, maximumLength: 5) == [h(h(leaves[0], leaves[1]), h(leaves[2], leaves[3]))])
    }

    @Test("Attack: a proof one hash short, or a location past the count, fails")
    func shortProofAndLocationPastCount() {
        let tree = C2PAMerkleTree(leaves: Self.leaves(9), algorithm: .sha256)
        let map = MerkleMap(uniqueID: 0, localID: 0, count: 9, algorithm: "sha256", hashes: [tree.root!])
        let proof = tree.proof(ofLeaf: 3, maximumLength: 5)
        #expect(map.verifies(leaf: tree.layers[0][3], location: 3, proof: proof, algorithm: .sha256))
        #expect(!map.verifies(leaf: tree.layers[0][3], location: 3, proof: Array(proof.dropLast()), algorithm: .sha256))
        #expect(!map.verifies(leaf: tree.layers[0][3], location: 3, proof: [], algorithm: .sha256))
        #expect(!map.verifies(leaf: tree.layers[0][3], location: 9, proof: proof, algorithm: .sha256))
        #expect(!map.verifies(leaf: tree.layers[0][3], location: Int.max, proof: proof, algorithm: .sha256))
        // Counts and sizes at the top of the range are compared, never added to.
        #expect(C2PAMerkleTree.layout(leafCount: Int.max).count == 64)
        let huge = MerkleMap(uniqueID: 0, localID: 0, count: Int.max, algorithm: "sha256", hashes: [tree.root!])
        #expect(!huge.verifies(leaf: tree.layers[0][3], location: Int.max - 1, proof: proof, algorithm: .sha256))
    }

    @Test("Attack: a fixed block size of Int.max or a count of Int.max does not overflow")
    func extremeSizes() throws {
        let file = Self.movie(mdatLength: 3000)
        var binding = BMFFHash(hash: nil)
        binding.merkle = [MerkleMap(uniqueID: 0, localID: 0, count: Int.max, algorithm: "sha256", hashes: [[UInt8](repeating: 0, count: 32)], fixedBlockSize: Int.max)]
        let reason = try #require(Self.reason { try binding.verify(file as any ByteSource, claimAlgorithm: nil) })
        #expect(reason.contains("counts \(Int.max) leaves, but its mdat box makes 1"), "\(reason)")
    }

    // MARK: Files built box by box

    static func box(_ type: String, _ payload: [UInt8]) -> [UInt8] { BMFFBoxWriter.box(FourCC(stringLiteral: type), payload) }

    /// ftyp, moov (with a dummy child), mdat of `mdatLength` payload bytes, then `after`.
    static func movie(mdatLength: Int, after: [UInt8] = []) -> [UInt8] {
        box("ftyp", Array("isom".utf8) + [0, 0, 2, 0] + Array("isomiso2".utf8))
            + box("moov", box("udta", box("free", [1, 2, 3, 4])))
            + box("mdat", (0..<mdatLength).map { UInt8(truncatingIfNeeded: $0 * 31 + 7) }) + after
    }

    /// A BMFF hash with Merkle maps over `file`'s mdats, fixed blocks, every leaf stored, and the flat hash.
    static func binding(over file: [UInt8], block: Int, withFlatHash: Bool = true) throws -> BMFFHash {
        var binding = BMFFHash(hash: nil)
        binding.exclusions.append(BMFFHash.mdatPayloadExclusion)
        binding.merkle = try BMFFHash.largeMdatMaps(over: file as any ByteSource, threshold: 0, blockSize: block)
        if withFlatHash { binding.hash = try binding.computeHash(over: file as any ByteSource, claimAlgorithm: "sha256") }
        return binding
    }

    static func reason(_ body: () throws -> Void) -> String? {
        do {
            try body()
            return nil
        } catch BMFFHashError.mismatch(let reason), BMFFHashError.unreadable(let reason), BMFFHashError.malformed(let reason) {
            return reason
        } catch {
            return "\(error)"
        }
    }

    @Test("ailabel's Merkle maps over mdat blocks verify, and a changed media byte names its block")
    func mdatMapsNameTheBlock() throws {
        let file = Self.movie(mdatLength: 5000)
        let binding = try Self.binding(over: file, block: 1024)
        #expect(binding.merkle?.first?.count == 5, "(5000 - 8) bytes after the first 16 of the mdat, in 1 KiB blocks")
        #expect(Self.reason { try binding.verify(file as any ByteSource, claimAlgorithm: nil) } == nil)
        var changed = file
        changed[changed.count - 100] ^= 0x40
        let reason = try #require(Self.reason { try binding.verify(changed as any ByteSource, claimAlgorithm: nil) })
        #expect(reason.contains("block 4 of Merkle map 0"), "\(reason)")
        // The BMFF hash's CBOR round-trips with its maps.
        #expect(try BMFFHash(cbor: binding.cbor, label: BMFFHash.label) == binding)
    }

    @Test("Attack: a Merkle map whose count disagrees with the mdat's blocks fails")
    func mapCountDisagreesWithBlocks() throws {
        let file = Self.movie(mdatLength: 5000)
        var binding = try Self.binding(over: file, block: 1024)
        binding.merkle![0].count = 4
        binding.merkle![0].hashes.removeLast()
        let reason = try #require(Self.reason { try binding.verify(file as any ByteSource, claimAlgorithm: nil) })
        #expect(reason.contains("counts 4 leaves"), "\(reason)")
    }

    @Test("Attack: more Merkle maps than mdat boxes, or a map for no mdat at all, fails")
    func mapsForMissingMdats() throws {
        let file = Self.movie(mdatLength: 3000)
        var binding = try Self.binding(over: file, block: 1024)
        binding.merkle!.append(binding.merkle![0])
        #expect(Self.reason { try binding.verify(file as any ByteSource, claimAlgorithm: nil) }?.contains("2 Merkle maps for 1 mdat") == true)
        let noMedia = Array(file.prefix(file.count - 3008))
        var onlyMaps = BMFFHash(hash: nil)
        onlyMaps.merkle = [MerkleMap(uniqueID: 0, localID: 0, count: 1, algorithm: "sha256", hashes: [[UInt8](repeating: 0, count: 32)])]
        #expect(Self.reason { try onlyMaps.verify(noMedia as any ByteSource, claimAlgorithm: nil) }?.contains("1 Merkle maps for 0 mdat") == true)
    }

    @Test("Attack: a fixed block size of 1, or one so small the tree would pass the 32 MiB leaf budget, is refused before hashing")
    func leafBudget() throws {
        let file = Self.movie(mdatLength: 3 << 20)
        var binding = BMFFHash(hash: nil)
        binding.merkle = [MerkleMap(uniqueID: 0, localID: 0, count: 1, algorithm: "sha256", hashes: [], fixedBlockSize: 1)]
        #expect(Self.reason { try binding.verify(file as any ByteSource, claimAlgorithm: nil) }?.contains("fixed block size of 1") == true)
        binding.merkle![0].fixedBlockSize = 2
        let reason = try #require(Self.reason { try binding.verify(file as any ByteSource, claimAlgorithm: nil) })
        #expect(reason.contains("leaf budget"), "\(reason)")
    }

    @Test("Attack: variable block sizes that do not add up to the mdat, or overflow, fail")
    func variableBlockSizes() throws {
        let file = Self.movie(mdatLength: 100)
        var binding = BMFFHash(hash: nil)
        binding.merkle = [MerkleMap(uniqueID: 0, localID: 0, count: 2, algorithm: "sha256", hashes: [], variableBlockSizes: [50, 41])]
        #expect(Self.reason { try binding.verify(file as any ByteSource, claimAlgorithm: nil) }?.contains("add up to 91 bytes") == true)
        binding.merkle![0].variableBlockSizes = [Int.max, 2]
        #expect(Self.reason { try binding.verify(file as any ByteSource, claimAlgorithm: nil) }?.contains("overflow") == true)
    }

    @Test("Attack: a Merkle proof box too large to be a proof is refused unread; one that is not CBOR fails")
    func hostileProofBoxes() throws {
        let file = Self.movie(mdatLength: 3000)
        var binding = try Self.binding(over: file, block: 1024)
        binding.merkle![0].hashes = [C2PAMerkleTree(leaves: binding.merkle![0].hashes, algorithm: .sha256).root!]
        let huge = Self.movie(mdatLength: 3000, after: BMFFC2PABox.merkleBox([UInt8](repeating: 0xA0, count: 70_000)))
        #expect(Self.reason { try binding.verify(huge as any ByteSource, claimAlgorithm: nil) }?.contains("more than a proof needs") == true)
        let garbage = Self.movie(mdatLength: 3000, after: BMFFC2PABox.merkleBox([0xFF, 0xFF]))
        #expect(Self.reason { try binding.verify(garbage as any ByteSource, claimAlgorithm: nil) }?.contains("cannot be read") == true)
    }

    @Test("Attack: proof boxes fewer than the map's leaves fail")
    func tooFewProofBoxes() throws {
        let file = Self.movie(mdatLength: 3000)
        var binding = try Self.binding(over: file, block: 1024)
        let tree = C2PAMerkleTree(leaves: binding.merkle![0].hashes, algorithm: .sha256)
        binding.merkle![0].hashes = [tree.root!]
        let proofs = (0..<3).map { MerkleProof(uniqueID: 0, localID: 0, location: $0, hashes: tree.proof(ofLeaf: $0, maximumLength: 5)) }
        let complete = Self.movie(mdatLength: 3000, after: proofs.flatMap { BMFFC2PABox.merkleBox($0.cbor.encoded(deterministic: false)) })
        #expect(Self.reason { try binding.verify(complete as any ByteSource, claimAlgorithm: nil) } == nil)
        let short = Self.movie(mdatLength: 3000, after: proofs.prefix(2).flatMap { BMFFC2PABox.merkleBox($0.cbor.encoded(deterministic: false)) })
        #expect(Self.reason { try binding.verify(short as any ByteSource, claimAlgorithm: nil) }?.contains("only 2 proof boxes remain") == true)
    }

    @Test("Attack: a Merkle map that covers nothing (no mdat payload, count 0) binds nothing: refused, as is a map-only hash of an unfragmented file")
    func mapThatCoversNothing() throws {
        let empty = Self.movie(mdatLength: 8)
        var binding = BMFFHash(hash: nil)
        binding.exclusions.append(BMFFHash.mdatPayloadExclusion)
        binding.merkle = [MerkleMap(uniqueID: 0, localID: 0, count: 0, algorithm: "sha256", hashes: [], fixedBlockSize: 1024)]
        let reason = try #require(Self.reason { try binding.verify(empty as any ByteSource, claimAlgorithm: nil) })
        #expect(reason.contains("covers nothing") || reason.contains("unbound"), "\(reason)")
        let file = Self.movie(mdatLength: 3000)
        let mapsOnly = try Self.binding(over: file, block: 1024, withFlatHash: false)
        let unbound = try #require(Self.reason { try mapsOnly.verify(file as any ByteSource, claimAlgorithm: nil) })
        #expect(unbound.contains("unbound"), "\(unbound)")
    }
}
