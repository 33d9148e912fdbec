import AILabelFuzzing
import AILabelMedia
import AILabelTestSupport
import Foundation
import Testing

/// The HEIF and AVIF container targets really parse (they accept the fixtures and reject the malformed
/// files), and a deterministic mutation run over the BMFF box walker, the item reader and the rewrite
/// (bytes flipped in the headers, sizes overwritten, cuts, repeated pieces) finds no crash and no
/// violated property. libFuzzer's runs are `scripts/fuzz heif avif`.
@Suite("HEIF and AVIF fuzz targets")
struct HEIFFuzzTargetTests {
    static let formats: [(MediaFormat, String)] = [(.heif, "heic"), (.avif, "avif")]

    @Test("Each target accepts its well-formed fixtures and rejects the malformed ones")
    func targetsReallyParse() throws {
        for (format, suffix) in Self.formats {
            let target = FuzzTarget.container(format)
            let media = Repository.fixtureFiles(in: "media", extensions: [suffix])
            #expect(media.count >= 3)
            for path in media { #expect(target.run(try Repository.fixtureBytes(path)) == .accepted, "\(suffix): \(path)") }
        }
        for path in Repository.fixtureFiles(in: "malformed", extensions: ["heic"]) {
            #expect(FuzzTarget.container(.heif).run(try Repository.fixtureBytes(path)) == .rejected, "\(path)")
        }
    }

    @Test("1,500 deterministic mutations of each family: no crash, no violated property")
    func mutationSmoke() throws {
        var generator = SplitMix(seed: 29)
        for (format, suffix) in Self.formats {
            let target = FuzzTarget.container(format)
            let seeds = try Repository.fixtureFiles(in: "media", extensions: [suffix]).map { try Repository.fixtureBytes($0) }
            var accepted = 0
            for round in 0..<1_500 {
                var bytes = seeds[round % seeds.count]
                // Most of a HEIF's structure is in its first few hundred bytes (ftyp, meta).
                let head = UInt64(min(bytes.count - 4, 600))
                switch generator.next() % 4 {
                case 0:
                    for _ in 0..<(1 + Int(generator.next() % 3)) {
                        bytes[Int(generator.next() % head)] ^= UInt8(truncatingIfNeeded: generator.next() | 1)
                    }
                case 1:  // a size-sized run of 0xFF, 0x00 or 0x01 (sizes past the end, to-the-end, 64-bit)
                    let index = Int(generator.next() % head)
                    let value: UInt8 = [0xFF, 0x00, 0x01][Int(generator.next() % 3)]
                    for offset in 0..<4 { bytes[index + offset] = value }
                case 2:
                    bytes = Array(bytes.prefix(Int(generator.next() % UInt64(bytes.count))))
                default:
                    let start = Int(generator.next() % head)
                    let piece = bytes[start..<min(bytes.count, start + 48)]
                    bytes.insert(contentsOf: piece, at: Int(generator.next() % head))
                }
                let outcome = target.run(bytes)
                #expect(!outcome.isViolation, "\(suffix) round \(round): \(outcome)")
                if outcome == .accepted { accepted += 1 }
            }
            #expect(accepted > 100, "\(suffix): only \(accepted) mutated inputs were accepted")
        }
    }

    @Test("The pixels target reaches libheif: it decodes the HEIC and AVIF fixtures, rejects the hostile ones, and 300 mutations (image data included) find no crash")
    func pixelsTargetReachesLibheif() throws {
        let target = FuzzTarget.pixels
        let seeds = try Repository.fixtureFiles(in: "media", extensions: ["heic", "avif"]).map { try Repository.fixtureBytes($0) }
        for bytes in seeds { #expect(target.run(bytes) == .accepted) }
        for path in Repository.fixtureFiles(in: "malformed", extensions: ["heic"]) + Repository.fixtureFiles(in: "bombs", extensions: ["heic"]) {
            #expect(target.run(try Repository.fixtureBytes(path)) == .rejected, "\(path)")
        }
        var generator = SplitMix(seed: 31)
        var outcomes: [FuzzOutcome: Int] = [:]
        for round in 0..<300 {
            var bytes = seeds[round % seeds.count]
            for _ in 0..<(1 + Int(generator.next() % 4)) {
                bytes[Int(generator.next() % UInt64(bytes.count))] ^= UInt8(truncatingIfNeeded: generator.next() | 1)
            }
            if generator.next() % 5 == 0 { bytes = Array(bytes.prefix(Int(generator.next() % UInt64(bytes.count)))) }
            let outcome = target.run(bytes)
            #expect(!outcome.isViolation, "round \(round): \(outcome)")
            outcomes[outcome, default: 0] += 1
        }
        #expect((outcomes[.accepted] ?? 0) > 0 && (outcomes[.rejected] ?? 0) > 0, "\(outcomes)")
    }
}
