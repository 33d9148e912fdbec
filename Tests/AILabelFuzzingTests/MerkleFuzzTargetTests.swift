import AILabelFuzzing
import AILabelMedia
import AILabelTestSupport
import Foundation
import Testing

@testable import AILabelManifest

/// The `merkle` fuzz target really checks (it accepts a file with real Merkle maps, with the leaves
/// stored and with proof boxes, and rejects it changed), and a deterministic mutation run over the
/// BMFF hash's CBOR, the maps, the proof boxes and the file finds no crash and no violated property.
/// libFuzzer's runs are `scripts/fuzz merkle`.
@Suite("Merkle fuzz target")
struct MerkleFuzzTargetTests {
    static func input(_ binding: BMFFHash, _ file: [UInt8]) -> [UInt8] {
        let cbor = binding.cbor.encoded(deterministic: false)
        return [UInt8(cbor.count >> 8), UInt8(cbor.count & 0xFF)] + cbor + file
    }

    /// plain.mp4 with its mdat in 1 KiB blocks: every leaf stored; and the root stored with a proof box per block.
    static func seeds() throws -> [[UInt8]] {
        let file = try Repository.fixtureBytes("fragments/plain.mp4")
        var leaves = BMFFHash(hash: nil)
        leaves.exclusions.append(BMFFHash.mdatPayloadExclusion)
        leaves.merkle = try BMFFHash.largeMdatMaps(over: file as any ByteSource, threshold: 0, blockSize: 1024)
        leaves.hash = try leaves.computeHash(over: file as any ByteSource, claimAlgorithm: "sha256")
        var rooted = leaves
        let tree = C2PAMerkleTree(leaves: leaves.merkle![0].hashes, algorithm: .sha256)
        rooted.merkle![0].hashes = [tree.root!]
        let proofs = (0..<leaves.merkle![0].count).flatMap { index in
            BMFFC2PABox.merkleBox(MerkleProof(uniqueID: 0, localID: 0, location: index, hashes: tree.proof(ofLeaf: index, maximumLength: 5)).cbor.encoded(deterministic: false))
        }
        return [input(leaves, file), input(rooted, file + proofs)]
    }

    @Test("The target accepts real Merkle maps (leaves stored, or a root and proof boxes) and rejects a changed media byte")
    func targetReallyChecks() throws {
        for seed in try Self.seeds() {
            #expect(FuzzTarget.merkle.run(seed) == .accepted)
            var changed = seed
            changed[changed.count / 2] ^= 0x40
            #expect(FuzzTarget.merkle.run(changed) == .rejected)
        }
    }

    @Test("1,500 deterministic mutations: no crash, no violated property")
    func mutationSmoke() throws {
        var generator = SplitMix(seed: 41)
        let seeds = try Self.seeds()
        var accepted = 0
        for round in 0..<1_500 {
            var bytes = seeds[round % seeds.count]
            let count = UInt64(bytes.count - 4)
            switch generator.next() % 4 {
            case 0:
                for _ in 0..<(1 + Int(generator.next() % 3)) {
                    bytes[Int(generator.next() % count)] ^= UInt8(truncatingIfNeeded: generator.next() | 1)
                }
            case 1:  // a count-sized run of 0xFF, 0x00 or 0x01 (counts, sizes, locations, lengths)
                let index = Int(generator.next() % count)
                let value: UInt8 = [0xFF, 0x00, 0x01][Int(generator.next() % 3)]
                for offset in 0..<4 { bytes[index + offset] = value }
            case 2:
                bytes = Array(bytes.prefix(Int(generator.next() % UInt64(bytes.count))))
            default:
                let start = Int(generator.next() % count)
                let piece = bytes[start..<min(bytes.count, start + 48)]
                bytes.insert(contentsOf: piece, at: Int(generator.next() % count))
            }
            let outcome = FuzzTarget.merkle.run(bytes)
            #expect(!outcome.isViolation, "round \(round): \(outcome)")
            if outcome == .accepted { accepted += 1 }
        }
        // Every byte of the file but ftyp and free is hashed by the flat hash or a leaf, and the CBOR is
        // the binding itself: nearly every mutation must be refused, and the few that land on excluded
        // bytes (or are no-ops) are accepted.
        #expect(accepted > 0 && accepted < 150, "\(accepted) of 1,500 mutated inputs were accepted")
    }
}
