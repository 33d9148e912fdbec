import AILabelFuzzing
import AILabelMedia
import AILabelTestSupport
import Foundation
import Testing

/// The audio container targets (`wav`, `mp3`, `flac`) really parse: they accept every audio fixture and
/// reject the malformed ones; and a deterministic mutation run (bytes flipped, lengths overwritten,
/// files cut) finds no crash and no violated property. libFuzzer's runs are `scripts/fuzz wav mp3 flac`.
@Suite("Audio fuzz targets")
struct AudioFuzzTargetTests {
    static let formats: [(MediaFormat, String)] = [(.wav, "wav"), (.mp3, "mp3"), (.flac, "flac")]
    /// Fixtures (`Fixtures/make_audio_fixtures.py`) malformed in their sound, not their container (the two
    /// MP3s hide a concat script and an HLS playlist from FFmpeg's probe behind their ID3 tag).
    static let malformedSoundOnly: Set<String> = [
        "wav-zero-length.wav", "wav-absurd-rate.wav", "wav-rate-1hz.wav", "flac-undecodable-frames.flac",
        "mp3-concat-script-behind-id3.mp3", "mp3-hls-playlist-behind-id3.mp3",
    ]

    @Test("Each audio target accepts its well-formed fixtures and rejects its malformed ones")
    func targetsReallyParse() throws {
        for (format, suffix) in Self.formats {
            let target = FuzzTarget.container(format)
            let media = Repository.fixtureFiles(in: "media", extensions: [suffix])
            #expect(media.count >= 2)
            for path in media { #expect(target.run(try Repository.fixtureBytes(path)) == .accepted, "\(suffix): \(path)") }
            for path in Repository.fixtureFiles(in: "malformed", extensions: [suffix]) {
                // A well-formed container around sound the decoder refuses: the container target reads it
                // (its rewrite keeps the bytes); `AudibleCLITests` checks the decode path's refusal.
                let expected: FuzzOutcome = Self.malformedSoundOnly.contains((path as NSString).lastPathComponent) ? .accepted : .rejected
                #expect(target.run(try Repository.fixtureBytes(path)) == expected, "\(suffix): \(path)")
            }
        }
    }

    @Test("2,000 deterministic mutations of each audio fixture family: no crash, no violated property")
    func mutationSmoke() throws {
        var generator = SplitMix(seed: 17)
        for (format, suffix) in Self.formats {
            let target = FuzzTarget.container(format)
            let seeds = try Repository.fixtureFiles(in: "media", extensions: [suffix]).map { try Repository.fixtureBytes($0) }
            var accepted = 0
            for round in 0..<2_000 {
                var bytes = seeds[round % seeds.count]
                switch generator.next() % 4 {
                case 0:  // a few flipped bytes, most often in the headers
                    for _ in 0..<(1 + Int(generator.next() % 4)) {
                        let index = Int(generator.next() % UInt64(min(bytes.count, 512)))
                        bytes[index] ^= UInt8(truncatingIfNeeded: generator.next() | 1)
                    }
                case 1:  // a length-sized run of 0xFF or 0x7F (sizes past the end, synchsafe overflow)
                    let index = Int(generator.next() % UInt64(min(bytes.count - 4, 512)))
                    let value: UInt8 = generator.next() % 2 == 0 ? 0xFF : 0x7F
                    for offset in 0..<4 { bytes[index + offset] = value }
                case 2:  // cut short
                    bytes = Array(bytes.prefix(Int(generator.next() % UInt64(bytes.count))))
                default:  // a piece of the file repeated inside it
                    let start = Int(generator.next() % UInt64(min(bytes.count, 256)))
                    let piece = bytes[start..<min(bytes.count, start + 64)]
                    bytes.insert(contentsOf: piece, at: Int(generator.next() % UInt64(min(bytes.count, 256))))
                }
                let outcome = target.run(bytes)
                #expect(!outcome.isViolation, "\(suffix) round \(round): \(outcome)")
                if outcome == .accepted { accepted += 1 }
            }
            // The mutations must not all be refused, or the rewrite's property would go unchecked.
            #expect(accepted > 100, "\(suffix): only \(accepted) mutated inputs were accepted")
        }
    }
}

/// A small deterministic generator (SplitMix64), so a failing round can be replayed.
struct SplitMix {
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
