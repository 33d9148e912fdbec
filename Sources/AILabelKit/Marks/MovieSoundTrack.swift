import AILabelAudible
import AILabelMedia
import AILabelVocabulary
import Foundation

/// The audible disclosure in a movie's sound (MP4, MOV, M4A): the sound track is decoded, the cue laid
/// over its first seconds, its last or both (``AudibleCue/overlay(onto:)``: the track keeps its length,
/// so sound and pictures stay in sync and the video need not change), and it is encoded again as AAC
/// at the source's bitrate into a small M4A, which ``VideoCodec`` then puts in place of the original
/// track (copying every other packet, or inside the transcode that marks the frames). A video without
/// sound gets a track: silence as long as the movie, with the cue.
struct MovieSoundTrack {
    var request: AudibleRequest

    /// The rate, channels and bitrate of a track made for a silent video.
    static let silentTrackRate = 48_000
    static let silentTrackChannels = 2
    static let defaultBitRate = 128_000

    /// Writes the new sound track for `file` to `path` (an M4A) and records the cue in `label`.
    /// Returns where it goes and what the owner should know (a codec that changed, a track added).
    func write(for file: MediaFile, to path: String, label: inout DisclosureLabel) throws -> (track: VideoCodec.SoundTrack, notes: [String]) {
        let tracks = file.contents.movieCoding?.tracks ?? []
        var notes: [String] = []
        let audio: AudioSamples
        let replacing: Int?
        var bitRate = Self.defaultBitRate
        if tracks.contains(where: { $0.handler == "soun" }) {
            let decoded = try AudioCodec.decodeMovie(file.movieInput)
            audio = decoded.audio
            replacing = decoded.info.streamIndex
            if let rate = decoded.info.bitRate { bitRate = min(max(rate, 32_000), 512_000) }
            if decoded.info.codec != "aac" {
                notes.append("the sound track was \(decoded.info.codec); with its audible disclosure it is AAC (ailabel encodes movie sound as AAC only)")
            }
        } else {
            // No sound: a silent track as long as the movie (its header's duration), the cue over it.
            let seconds = file.contents.movieCoding?.duration ?? tracks.compactMap(\.duration).max() ?? 0
            let limit = Double(AudioLimits.maximumDecodedValues / Self.silentTrackChannels) / Double(Self.silentTrackRate)
            guard seconds.isFinite, seconds >= 0, seconds <= limit else {
                throw MediaError.make(.limitExceeded, "the movie declares a duration of \(seconds) s; ailabel makes sound tracks of at most \(Int(limit)) s").naming(file.path)
            }
            let frames = max(1, Int(seconds * Double(Self.silentTrackRate)))
            audio = AudioSamples(sampleRate: Self.silentTrackRate, channels: Self.silentTrackChannels, samples: [Float](repeating: 0, count: frames * Self.silentTrackChannels))
            replacing = nil
            notes.append("the video had no sound track: one was added (silence, with the audible disclosure)")
        }
        let cue = try request.cue(for: label)
        let overlaid = try cue.overlay(onto: audio)
        label.audibleLabel = request.record(of: cue, inserted: overlaid)
        let encoded = try AudioCodec.encode(overlaid.audio, as: .aac, bitRate: bitRate)
        guard FileManager.default.createFile(atPath: path, contents: Data(encoded)) else {
            throw MediaError.make(.io, "cannot write the temporary sound track \(path)")
        }
        return (VideoCodec.SoundTrack(path: path, replacing: replacing), notes)
    }
}

extension AudibleRequest {
    /// What the label records of a cue put into audio: kind, placement, spans in seconds, texts, loudness.
    func record(of cue: AudibleCue, inserted: AudibleCue.Insertion) -> AudibleLabelRecord {
        let rate = Double(inserted.audio.sampleRate)
        return AudibleLabelRecord(
            cue: kind.rawValue, placement: placement.rawValue,
            spans: inserted.spans.map { AudibleLabelRecord.Span(start: Double($0.lowerBound) / rate, duration: Double($0.count) / rate) },
            texts: cue.texts.map { XMPLanguageString(language: $0.language, text: $0.text) }, loudness: (inserted.loudness * 100).rounded() / 100)
    }
}
