import AILabelFuzzing
import AILabelMedia
import AILabelTestSupport
import Foundation
import Testing

/// A short deterministic mutation run over the `tiff` and `dng` fuzz targets (libFuzzer's runs are
/// outside the test command): bytes of each TIFF and DNG fixture overwritten, inserted and cut at
/// seeded positions, every result through the target, none may crash or violate its property.
@Suite("TIFF and DNG fuzz targets: a deterministic mutation run")
struct TIFFFuzzTargetTests {
    @Test("Mutated TIFF and DNG fixtures never crash or break the rewrite's guarantees")
    func mutations() throws {
        var generator = SplitMix64(seed: 0x7469_6666)
        var runs = 0
        for (name, target) in [("rgb-strips.tif", FuzzTarget.container(.tiff)), ("bigendian.tif", .container(.tiff)),
                               ("tiled-bigtiff.tif", .container(.tiff)), ("multipage.tif", .container(.tiff)), ("raw.dng", .container(.dng))] {
            let seed = try Repository.fixtureBytes("media/" + name)
            for _ in 0..<1000 {
                var bytes = seed
                for _ in 0..<Int(generator.next() % 4 + 1) {
                    let at = Int(generator.next() % UInt64(bytes.count))
                    switch generator.next() % 3 {
                    case 0: bytes[at] = UInt8(truncatingIfNeeded: generator.next())
                    case 1: bytes.insert(UInt8(truncatingIfNeeded: generator.next()), at: at)
                    default: bytes = Array(bytes.prefix(max(8, at)))
                    }
                }
                let outcome = target.run(bytes)
                #expect(!outcome.isViolation, "\(name): \(outcome)")
                runs += 1
            }
        }
        #expect(runs == 5000)
    }
}

/// A small deterministic generator (SplitMix64), so a failure reproduces.
struct SplitMix64 {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
