import AILabelFuzzing
import AILabelTestSupport
import Foundation
import Testing

/// The `video` fuzz target on the clips of Fixtures/video: the good ones are accepted (so the target decodes,
/// not only rejects), the hostile ones rejected, none violates its property; and 200 deterministic
/// mutations of the smallest clips never crash it.
@Suite("Video fuzz target")
struct VideoFuzzTargetTests {
    @Test("Good clips are accepted, hostile ones rejected")
    func fixtures() throws {
        for name in ["h264-rotated.mp4", "vfr.mp4", "vp9-opus.webm", "av1.mkv"] {
            #expect(FuzzTarget.video.run(try Repository.fixtureBytes("video/" + name)) == .accepted, "\(name)")
        }
        for name in ["garbage.mp4", "truncated.mp4", "unknown-codec.mkv", "absurd-size.mkv"] {
            #expect(FuzzTarget.video.run(try Repository.fixtureBytes("video/" + name)) == .rejected, "\(name)")
        }
    }

    @Test("Mutated clips never crash the decode path or break its limits")
    func mutations() throws {
        var state: UInt64 = 0x5EED_0018
        func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        for name in ["av1.mkv", "vp9-opus.webm"] {
            let original = try Repository.fixtureBytes("video/" + name)
            for _ in 0..<100 {
                var bytes = original
                for _ in 0..<(1 + Int(next() % 8)) {
                    let at = Int(next() % UInt64(bytes.count))
                    bytes[at] = UInt8(truncatingIfNeeded: next())
                }
                if next() % 4 == 0 { bytes.removeLast(Int(next() % UInt64(bytes.count / 2))) }
                #expect(!FuzzTarget.video.run(bytes).isViolation)
            }
        }
    }
}
