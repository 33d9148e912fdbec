import AILabelMedia
import AILabelTestSupport
import Foundation

#if canImport(Glibc)
import Glibc
#endif
import Testing

/// Audio decoded through FFmpeg reads the container ailabel parsed and nothing else, and libav cannot
/// allocate what a header declares without bound.
@Suite("Audio through FFmpeg: the parsed container only, libav's allocations capped")
struct AudioDemuxerTests {
    @Test("An MP3 whose bytes after the ID3 tag FFmpeg's probe takes for a concat script or an HLS playlist is read by the MP3 demuxer, and opens no file those name")
    func probeCannotPickAnotherContainer() throws {
        for name in ["mp3-concat-script-behind-id3.mp3", "mp3-hls-playlist-behind-id3.mp3"] {
            // Both name Fixtures/media/pcm16.wav (relative to the package root, where tests run). Before the
            // demuxer was fixed, the concat demuxer opened it and this file "decoded" as its PCM
            // (`pcm_s16le`). Now the MP3 demuxer reads the file, whose frames the script's line breaks
            // corrupted: FFmpeg's reason, and nothing else read.
            let file = try MediaFile(path: Repository.fixture("malformed/" + name).path)
            #expect(file.format == .mp3, "\(name)")
            do {
                let (_, info) = try file.decodeAudio()
                #expect(info.codec == "mp3", "\(name): decoded as \(info.codec)")
            } catch let error as MediaError {
                #expect(error.reason.hasPrefix("FFmpeg cannot decode the audio"), "\(name): \(error.reason)")
            }
            // Among several containers FFmpeg probes, and refuses the script it finds.
            let bytes = try Repository.fixtureBytes("malformed/" + name)
            #expect(throws: MediaError.self, "\(name)") { try AudioCodec.decode(bytes, as: .compressed) }
        }
    }

    @Test("A WAV `LIST`/`INFO` entry declaring 2 GB in a 2 KB file: libav's allocation is refused at its cap, not zeroed in full")
    func libavAllocationIsCapped() async throws {
        // In a child process, so the peak resident size is this decode's alone. ailabel reads WAV in
        // Swift; the benchmark's probe hands WAV to FFmpeg, which is what the fuzzer did. Before the cap
        // (libav's default is INT_MAX) each of these zeroed 2 GB and took 3 s.
        await #expect(processExitsWith: .success) {
            for name in ["wav-info-entry-declaring-2gb.wav", "wav-info-list-declaring-2gb.wav"] {
                guard let bytes = try? Repository.fixtureBytes("fuzz/audio/" + name), bytes.count < 20_000 else { exit(2) }
                var usage = rusage()
                getrusage(RUSAGE_SELF.rawValue, &usage)
                let before = usage.ru_maxrss  // kilobytes
                guard (try? AudioCodec.decode(bytes, as: .wav)) == nil else { exit(3) }
                getrusage(RUSAGE_SELF.rawValue, &usage)
                guard usage.ru_maxrss - before < 256 * 1024 else { exit(4) }
                // Read as the product reads audio, FFmpeg never sees it.
                guard (try? AudioCodec.decode(bytes, as: .compressed)) == nil else { exit(5) }
            }
        }
    }
}
