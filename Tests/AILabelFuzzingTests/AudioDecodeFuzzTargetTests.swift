import AILabelFuzzing
import AILabelTestSupport
import Foundation
import Testing

/// The `audio` fuzz target (the decode path of the audible disclosure and the audio watermark, FFmpeg from
/// memory, the MP3, FLAC and MP4 demuxers) on the sound fixtures: the good ones are accepted (the target decodes, not only rejects), the
/// ones malformed in their sound rejected, none violates its property; and 2,000 deterministic mutations
/// never crash it or pass its limits. libFuzzer's runs are `scripts/fuzz audio`.
@Suite("Audio decode fuzz target")
struct AudioDecodeFuzzTargetTests {
    static let good = ["media/music-6s.mp3", "media/music-6s-24bit.flac", "media/aac.m4a", "media/stereo.flac", "media/id3v23.mp3", "video/eight-channels.m4a"]

    @Test("Good sound files are accepted, sound the decoder must refuse is rejected")
    func fixtures() throws {
        for name in Self.good {
            #expect(FuzzTarget.audio.run(try Repository.fixtureBytes(name)) == .accepted, "\(name)")
        }
        // WAV is read in Swift, never by FFmpeg; a concat script or playlist behind an ID3 tag is refused.
        for name in ["media/music-6s.wav", "media/eight-channels.wav", "malformed/flac-undecodable-frames.flac",
                     "malformed/mp3-concat-script-behind-id3.mp3", "malformed/mp3-hls-playlist-behind-id3.mp3",
                     "video/empty-audio.mp4", "video/many-audio-streams.mp4", "video/garbage.mp4", "video/truncated.mp4"] {
            #expect(FuzzTarget.audio.run(try Repository.fixtureBytes(name)) == .rejected, "\(name)")
        }
    }

    @Test("2,000 mutations of the small sound fixtures: no crash, no limit passed")
    func mutations() throws {
        var state: UInt64 = 0xA0D1_0018
        func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        // The shortest clips, cut to their first 24 kB: each decode is a few milliseconds.
        let seeds = try ["media/aac.m4a", "media/music-6s.mp3", "media/music-6s-24bit.flac", "media/id3v24.mp3"].map { Array(try Repository.fixtureBytes($0).prefix(24_000)) }
        var accepted = 0
        for round in 0..<2_000 {
            var bytes = seeds[round % seeds.count]
            switch next() % 4 {
            case 0:  // a few bytes changed, most often in the headers
                for _ in 0..<(1 + Int(next() % 6)) {
                    let at = Int(next() % UInt64(min(bytes.count, next() % 2 == 0 ? 256 : bytes.count)))
                    bytes[at] = UInt8(truncatingIfNeeded: next())
                }
            case 1:  // a 4-byte field set to a huge value (sizes, rates, counts)
                let at = Int(next() % UInt64(min(bytes.count - 4, 512)))
                for offset in 0..<4 { bytes[at + offset] = next() % 2 == 0 ? 0xFF : 0x7F }
            case 2:  // cut short
                bytes = Array(bytes.prefix(Int(next() % UInt64(bytes.count))))
            default:  // a piece repeated
                let start = Int(next() % UInt64(bytes.count - 64))
                bytes.insert(contentsOf: bytes[start..<(start + 64)], at: Int(next() % UInt64(bytes.count)))
            }
            let outcome = FuzzTarget.audio.run(bytes)
            #expect(!outcome.isViolation, "round \(round): \(outcome)")
            if outcome == .accepted { accepted += 1 }
        }
        // Most mutations still decode: the run exercised the decoders, not only the refusals.
        #expect(accepted > 200, "\(accepted) of 2,000 accepted")
    }
}
