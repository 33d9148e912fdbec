import AILabelMedia
import AILabelTestSupport
import Foundation
import Testing

@testable import AILabelManifest

/// The BMFF hash (`c2pa.hash.bmff.v2`/`.v3`) as c2pa-rs computes it: what is hashed, in which order,
/// and the assertion's reading and writing.
@Suite("The C2PA BMFF hash")
struct BMFFHashTests {
    @Test("Each kept top-level box is preceded by its offset; wholly excluded boxes have none; v1 hashes no offsets")
    func layoutPutsOffsetsBeforeBoxes() throws {
        // ftyp 0..<24 excluded, meta 24..<100, mdat 100..<400.
        let pieces = try BMFFHash.layout(fileSize: 400, excluded: [0..<24], offsets: [24, 100])
        #expect(pieces == [.offset(24), .bytes(24..<100), .offset(100), .bytes(100..<400)])
        #expect(try BMFFHash.layout(fileSize: 400, excluded: [0..<24], offsets: []) == [.bytes(24..<400)])
        // A subset excluding a box's first bytes: its offset still goes in, before what is left of it.
        let subset = try BMFFHash.layout(fileSize: 400, excluded: [0..<24, 100..<116], offsets: [24, 100])
        #expect(subset == [.offset(24), .bytes(24..<100), .offset(100), .bytes(116..<400)])
        #expect(throws: BMFFHashError.self) { try BMFFHash.layout(fileSize: 400, excluded: [350..<500], offsets: []) }
    }

    /// The layout as it was written first, a scan of every marker per range: the reference the one-walk
    /// layout must agree with.
    static func quadraticLayout(fileSize: Int, excluded: [Range<Int>], offsets: [Int]) -> [BMFFHash.Piece] {
        var included: [Range<Int>] = []
        var position = 0
        for range in excluded.filter({ !$0.isEmpty }).sorted(by: { $0.lowerBound < $1.lowerBound }) {
            if range.lowerBound > position { included.append(position..<range.lowerBound) }
            position = max(position, range.upperBound)
        }
        if position < fileSize { included.append(position..<fileSize) }
        guard !offsets.isEmpty else { return included.map { .bytes($0) } }
        var steps: [(start: Int, last: Int, data: Range<Int>?)] = []
        let markers = offsets.sorted()
        for range in included {
            var current = range
            for offset in markers where current.contains(offset) {
                if current.lowerBound == offset {
                    steps.append((offset, offset, nil))
                } else {
                    steps.append((current.lowerBound, offset - 1, current.lowerBound..<offset))
                    steps.append((offset, offset, nil))
                    current = offset..<current.upperBound
                }
            }
            steps.append((current.lowerBound, current.upperBound - 1, current))
        }
        let first = steps.first?.start ?? 0
        let last = steps.last?.last ?? fileSize - 1
        for offset in markers where !steps.contains(where: { $0.start <= offset && offset <= $0.last }) && offset > first && offset < last {
            steps.append((offset, offset, nil))
        }
        let ordered = steps.enumerated().sorted { ($0.element.start, $0.offset) < ($1.element.start, $1.offset) }.map(\.element)
        return ordered.map { step in
            if step.start == step.last, markers.contains(step.start) { return .offset(step.start) }
            if let range = step.data { return .bytes(range) }
            return .offset(step.start)
        }
    }

    @Test("The one-walk layout gives the pieces of the per-range scan on 3,000 random exclusion lists (subsets, overlaps, offsets outside every range)")
    func layoutAgreesWithTheScan() throws {
        var random = SystemRandomNumberGenerator()
        for _ in 0..<3_000 {
            let fileSize = Int.random(in: 1...400, using: &random)
            let boxes = Array(Set((0..<Int.random(in: 0...12, using: &random)).map { _ in Int.random(in: 0..<fileSize, using: &random) })).sorted()
            let excluded: [Range<Int>] = (0..<Int.random(in: 0...6, using: &random)).map { _ in
                let start = Int.random(in: 0..<fileSize, using: &random)
                return start..<min(fileSize, start + Int.random(in: 0...60, using: &random))
            }
            let expected = Self.quadraticLayout(fileSize: fileSize, excluded: excluded, offsets: boxes)
            #expect(try BMFFHash.layout(fileSize: fileSize, excluded: excluded, offsets: boxes) == expected, "file \(fileSize), boxes \(boxes), excluded \(excluded)")
        }
    }

    @Test("A file of 1,000,000 tiny top-level boxes, half of them free (excluded), is laid out in one pass (a scan of every box per box was 10¹² steps)")
    func millionTopLevelBoxes() throws {
        var bytes: [UInt8] = BMFFBoxWriter.box(.ftyp, Array("isom".utf8) + [0, 0, 0, 0])
        bytes.reserveCapacity(8_000_100)
        for index in 0..<999_999 { bytes += BMFFBoxWriter.box(index % 2 == 0 ? .free : "junk", []) }
        let tree = try BMFFTree(bytes)
        #expect(tree.topLevel.count == 1_000_000)
        let hash = BMFFHash(exclusions: BMFFHash.standardExclusions, hash: nil)
        let pieces = try hash.pieces(of: tree) { Array(bytes[$0]) }
        // Every junk box is its offset then its eight bytes; ftyp and the free boxes (the last one too) are excluded.
        #expect(pieces.count == 2 * 499_999)
        #expect(pieces.first == .offset(16 + 8) && pieces.last == .bytes(bytes.count - 16..<bytes.count - 8))
    }

    @Test("A run of boxes laid out from exclusions matched once gives the pieces of the whole-file layout with the rest excluded, on 300 random files")
    func runLayoutAgreesWithWholeFile() throws {
        var random = SystemRandomNumberGenerator()
        var withSubset = BMFFHash.Exclusion(xpath: "/mdat")
        withSubset.subset = [BMFFHash.Subset(offset: 8, length: 4)]
        for version in [1, 3] {
            let hash = BMFFHash(exclusions: BMFFHash.standardExclusions + [withSubset], hash: nil, version: version)
            for _ in 0..<150 {
                var bytes = BMFFBoxWriter.box(.ftyp, Array("isom".utf8) + [0, 0, 0, 0])
                for _ in 0..<Int.random(in: 1...30, using: &random) {
                    let type: FourCC = ["moof", "mdat", "free", "skip", "junk"].randomElement(using: &random).map { FourCC(stringLiteral: $0) }!
                    // A moof is a container: an empty one, so that its payload need not be boxes.
                    bytes += BMFFBoxWriter.box(type, [UInt8](repeating: 7, count: type == "moof" ? 0 : Int.random(in: 0...24, using: &random)))
                }
                let tree = try BMFFTree(bytes)
                let read = { (range: Range<Int>) in Array(bytes[range]) }
                let once = try hash.excludedBoxes(of: tree, read: read)
                let starts = tree.topLevel.map { tree.boxes[$0].range.lowerBound } + [bytes.count]
                for _ in 0..<10 {
                    let a = starts.randomElement(using: &random)!, b = starts.randomElement(using: &random)!
                    guard a < b else { continue }
                    let whole = try hash.pieces(of: tree, alsoExcluding: [0..<a, b..<bytes.count], read: read)
                    #expect(try once.pieces(inside: a..<b, fileSize: bytes.count) == whole, "run \(a)..<\(b) of \(bytes.count) bytes")
                }
            }
        }
    }

    @Test("A BMFF hash listing more than 1,000 exclusions is refused before any box is matched")
    func tooManyExclusions() throws {
        let bytes = BMFFBoxWriter.box(.ftyp, Array("isom".utf8) + [0, 0, 0, 0]) + BMFFBoxWriter.box(.mdat, [1, 2, 3])
        let tree = try BMFFTree(bytes)
        let hash = BMFFHash(exclusions: (0...BMFFHash.maximumExclusions).map { BMFFHash.Exclusion(xpath: "/free[\($0 + 1)]") }, hash: nil)
        #expect(throws: BMFFHashError.self) { try hash.pieces(of: tree) { Array(bytes[$0]) } }
        let enough = BMFFHash(exclusions: (0..<BMFFHash.maximumExclusions).map { BMFFHash.Exclusion(xpath: "/free[\($0 + 1)]") }, hash: nil)
        #expect(try enough.pieces(of: tree) { Array(bytes[$0]) }.count == 4)
    }

    @Test("The label's version decides whether offsets are hashed")
    func versionFromLabel() {
        #expect(BMFFHash.version(ofLabel: "c2pa.hash.bmff.v3") == 3)
        #expect(BMFFHash.version(ofLabel: "c2pa.hash.bmff.v2") == 2)
        #expect(BMFFHash.version(ofLabel: "c2pa.hash.bmff") == 1)
    }

    @Test("The assertion the reference SDK wrote reads and writes back to the same CBOR bytes", arguments: ["sdk/signed.heic", "sdk/signed.avif"])
    func sdkAssertionRoundTrips(_ name: String) throws {
        let asset = try TestPaths.read(name)
        let handler = try #require(AssetRegistry.standard.handler(for: asset))
        let store = try ManifestStore(parsing: try #require(try handler.locateC2PAStore(in: asset, isPrefix: false).store))
        let assertion = try #require(store.activeManifest?.assertions.first { $0.baseLabel.hasPrefix("c2pa.hash.bmff") })
        #expect(assertion.baseLabel == BMFFHash.label)
        let content = try #require(assertion.cbor)
        let parsed = try BMFFHash(cbor: content, label: assertion.baseLabel)
        #expect(parsed.exclusions == BMFFHash.standardExclusions, "ailabel writes the exclusions c2pa-rs writes")
        #expect(parsed.cbor.encoded() == content.encoded())
    }

    @Test("Exclusions that c2pa-rs calls malformed are malformed: none at all, subsets out of order or overlapping")
    func malformedAssertions() {
        #expect(throws: BMFFHashError.self) { try BMFFHash(cbor: .textMap([("exclusions", .array([])), ("hash", .bytes([1]))]), label: BMFFHash.label) }
        func subsets(_ pairs: [(Int, Int)]) -> CBOR {
            .textMap([("exclusions", .array([.textMap([("xpath", .text("/moov")), ("subset", .array(pairs.map { .textMap([("offset", .int($0.0)), ("length", .int($0.1))]) }))])]))])
        }
        #expect(throws: BMFFHashError.self) { try BMFFHash(cbor: subsets([(16, 4), (8, 4)]), label: BMFFHash.label) }
        #expect(throws: BMFFHashError.self) { try BMFFHash(cbor: subsets([(8, 10), (16, 4)]), label: BMFFHash.label) }
        #expect(throws: Never.self) { try BMFFHash(cbor: subsets([(8, 8), (16, 4)]), label: BMFFHash.label) }
    }

    /// Real MP4s signed by c2pa-rs (its test fixtures, in ../shared/wild): MP4 is issue 17's format, but
    /// its BMFF hash is this one, so ailabel's hash must match where the SDK's does.
    @Test("The BMFF hash of real MP4s signed by c2pa-rs matches in ailabel where it matches in the SDK",
          arguments: ["c2pa-rs__sdk_tests_fixtures_legacy.mp4", "c2pa-rs__sdk_tests_fixtures_video1.mp4"])
    func wildMP4HashMatches(_ name: String) throws {
        let path = TestPaths.repositoryRoot + "/../shared/wild/other/" + name
        guard FileManager.default.fileExists(atPath: path) else {
            print("BMFFHashTests: skipped \(name): ../shared/wild is absent")
            return
        }
        let asset = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        let tree = try BMFFTree(asset)
        let box = try #require(tree.topLevel.map { tree.boxes[$0] }.first(where: BMFFC2PABox.isC2PA))
        let found = try #require(try BMFFC2PABox.store(in: box, payload: Array(asset[box.payloadStart..<box.range.upperBound])))
        let report = ManifestValidator().validate(storeBytes: Array(asset[found.store]), source: asset)
        let verdict = try Referee.read(path, trust: [], mime: "video/mp4")
        #expect(report.successCodes.contains("assertion.bmffHash.match"), "\(report.statuses)")
        #expect(verdict.success.contains("assertion.bmffHash.match"), "\(verdict)")
        #expect(report.failureCodes == verdict.failure.sorted(), "ailabel \(report.failureCodes), SDK \(verdict.failure)")
        var tampered = asset
        let mdat = try #require(tree.topLevel.last { tree.boxes[$0].type == .mdat })
        tampered[tree.boxes[mdat].range.upperBound - 7] ^= 0x40
        let broken = ManifestValidator().validate(storeBytes: Array(asset[found.store]), source: tampered)
        #expect(broken.failureCodes.contains("assertion.bmffHash.mismatch"), "\(broken.statuses)")
    }
}
