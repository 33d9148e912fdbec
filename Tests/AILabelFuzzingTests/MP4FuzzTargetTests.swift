import AILabelFuzzing
import AILabelMedia
import AILabelTestSupport
import Foundation
import Testing

/// The MP4, MOV and M4A container targets really parse (they accept the fixtures and reject the
/// malformed files), and a deterministic mutation run over the box walker, the moov reader (tracks,
/// keyed metadata, esds) and the rewrite with its chunk offset relocation (bytes flipped in moov, sizes
/// overwritten, cuts, repeated pieces) finds no crash and no violated property. libFuzzer's runs are
/// `scripts/fuzz mp4 mov m4a`.
@Suite("MP4, MOV and M4A fuzz targets")
struct MP4FuzzTargetTests {
    static let formats: [(MediaFormat, [String])] = [(.mp4, ["mp4", "3gp"]), (.mov, ["mov"]), (.m4a, ["m4a"])]

    @Test("Each target accepts its well-formed fixtures and rejects the malformed ones")
    func targetsReallyParse() throws {
        for (format, suffixes) in Self.formats {
            let target = FuzzTarget.container(format)
            let media = Repository.fixtureFiles(in: "media", extensions: Set(suffixes))
            #expect(!media.isEmpty)
            for path in media { #expect(target.run(try Repository.fixtureBytes(path)) == .accepted, "\(format): \(path)") }
        }
        let malformed = Repository.fixtureFiles(in: "malformed", extensions: ["mp4"])
        #expect(malformed.count >= 8)
        for path in malformed {
            #expect(FuzzTarget.container(.mp4).run(try Repository.fixtureBytes(path)) == .rejected, "\(path)")
        }
    }

    @Test("1,000 deterministic mutations of each format's files: no crash, no violated property")
    func mutationSmoke() throws {
        var generator = SplitMix(seed: 41)
        for (format, suffixes) in Self.formats {
            let target = FuzzTarget.container(format)
            let seeds = try Repository.fixtureFiles(in: "media", extensions: Set(suffixes)).map { bytes -> ([UInt8], Range<Int>) in
                let file = try Repository.fixtureBytes(bytes)
                // The structure worth mutating is moov (tables, metadata): mutations land there.
                let tree = try BMFFTree(file)
                return (file, try #require(tree.first(.moov).map { tree.boxes[$0].range }))
            }
            var accepted = 0
            for round in 0..<1_000 {
                var (bytes, moov) = seeds[round % seeds.count]
                let span = UInt64(moov.count - 8)
                func anywhere() -> Int { moov.lowerBound + Int(generator.next() % span) }
                switch generator.next() % 4 {
                case 0:
                    for _ in 0..<(1 + Int(generator.next() % 3)) { bytes[anywhere()] ^= UInt8(truncatingIfNeeded: generator.next() | 1) }
                case 1:  // a size-sized run of 0xFF, 0x00 or 0x01 (sizes past the end, to-the-end, 64-bit)
                    let index = anywhere()
                    let value: UInt8 = [0xFF, 0x00, 0x01][Int(generator.next() % 3)]
                    for offset in 0..<4 { bytes[index + offset] = value }
                case 2:
                    bytes = Array(bytes.prefix(Int(generator.next() % UInt64(bytes.count))))
                default:
                    let start = anywhere()
                    let piece = bytes[start..<min(bytes.count, start + 48)]
                    bytes.insert(contentsOf: piece, at: anywhere())
                }
                let outcome = target.run(bytes)
                #expect(!outcome.isViolation, "\(format) round \(round): \(outcome)")
                if outcome == .accepted { accepted += 1 }
            }
            #expect(accepted > 50, "\(format): only \(accepted) mutated inputs were accepted")
        }
    }
}
