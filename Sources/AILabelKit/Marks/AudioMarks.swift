import AILabelAudible
import AILabelMedia
import AILabelVocabulary
import AILabelWatermark
import Foundation

/// What a stamp adds to an audio file's sound: the audible disclosure (`--audible`) and, later in the
/// chain, the audio watermark. Made once per run; applied per file by ``AudioMarker``.
public struct AudibleRequest: Sendable, Hashable {
    public var kind: AudibleCue.Kind
    public var placement: AudibleCue.Placement

    public init(kind: AudibleCue.Kind = .speech, placement: AudibleCue.Placement = .start) {
        self.kind = kind
        self.placement = placement
    }

    /// The cue for `label`: its texts spoken in its languages, or the rhythm.
    func cue(for label: DisclosureLabel) throws -> AudibleCue {
        guard kind == .speech else { return AudibleCue(kind: .rhythm, placement: placement) }
        let spoken = label.texts.filter { SpeechSynthesizer.voice(for: $0.language) != nil }
        guard !spoken.isEmpty else {
            throw MediaError.make(.invalidArgument, "espeak-ng has no voice for the label's languages (\(label.languages.joined(separator: ", "))); use --audible-cue rhythm")
        }
        return AudibleCue(kind: .speech, placement: placement, texts: spoken.map { ($0.language, $0.text) })
    }
}

/// Decodes an audio file, changes its sound, and encodes it back the way it came: WAV in Swift (the
/// samples outside an inserted cue are copied byte for byte), FLAC losslessly at its own depth, MP3
/// at its own bitrate with LAME, every metadata block of the original kept.
enum AudioMarker {
    /// The decoded audio of `file`, and how it was coded (FLAC and MP3 through FFmpeg; other audio is not re-encoded yet).
    static func decode(_ file: MediaFile) throws -> (audio: AudioSamples, info: AudioStreamInfo) {
        guard [.wav, .flac, .mp3].contains(file.format) else {
            throw MediaError.make(.unsupportedFormat, "ailabel cannot re-encode \(file.handler.declaration.displayName) audio yet")
        }
        return try file.decodeAudio()
    }

    /// Changes `file`'s sound as asked: the audible cue inserted (recorded in `label`), then the
    /// watermark carrying the label ID over everything (the cue too). Each mark is read back from the
    /// re-encoded file; one that did not survive is dropped and said, never claimed. Returns nil bytes
    /// when no mark went in.
    static func mark(
        _ file: MediaFile, audible: AudibleRequest?, watermark: Bool, label: inout DisclosureLabel
    ) throws -> (bytes: [UInt8]?, applied: [String], notApplied: [String]) {
        let (audio, info) = try decode(file)
        var applied: [String] = [], notApplied: [String] = []
        var current = audio
        var lead = 0, tail = 0
        if let audible {
            let cue = try audible.cue(for: label)
            let inserted = try cue.insert(into: audio)
            label.audibleLabel = audible.record(of: cue, inserted: inserted)
            current = inserted.audio
            lead = inserted.leadFrames
            tail = inserted.tailFrames
            applied.append("audible")
        }
        let beforeWatermark = current
        let watermarker = AudioWatermarker()
        if watermark {
            if current.duration < AudioWatermarker.minimumDuration {
                notApplied.append("no watermark: the audio is \(String(format: "%.1f", current.duration)) s long, too short to carry it (it needs at least \(AudioWatermarker.minimumDuration) s)")
            } else {
                current = try watermarker.embed(label.labelIDValue, into: current)
                applied.append("watermark")
            }
        }
        guard !applied.isEmpty else { return (nil, [], notApplied) }
        func encoded(_ audio: AudioSamples, watermarked: Bool) throws -> [UInt8] {
            if file.format == .wav && !watermarked {
                // The programme's bytes are copied from the source: unchanged sample for sample by construction.
                let pcm = try WAVSamples(file.source)
                let channels = audio.channels
                let leadSamples = Array(audio.samples[0..<(lead * channels)])
                let tailSamples = Array(audio.samples[(audio.samples.count - tail * channels)...])
                return try pcm.replacingData(in: file.source, with: [.bytes(pcm.encode(leadSamples)), .source(pcm.dataRange), .bytes(pcm.encode(tailSamples))])
            }
            return try encode(audio, like: file, info: info)
        }
        var bytes = try encoded(current, watermarked: applied.contains("watermark"))
        if applied.contains("watermark") {
            let reread = try MediaFile(path: file.path, bytes: bytes).decodeAudio(firstSeconds: AudioWatermarker.secondsRead).audio
            if try watermarker.detect(in: reread)?.payload.value == label.labelIDValue {
                label.watermarked = true
            } else {
                applied.removeAll { $0 == "watermark" }
                notApplied.append("no watermark: it could not be read back after re-encoding as \(file.handler.declaration.displayName)")
                guard !applied.isEmpty else { return (nil, [], notApplied) }
                bytes = try encoded(beforeWatermark, watermarked: false)
            }
        }
        return (bytes, applied, notApplied)
    }

    /// `audio` encoded in `file`'s coding, in `file`'s container with its metadata.
    static func encode(_ audio: AudioSamples, like file: MediaFile, info: AudioStreamInfo) throws -> [UInt8] {
        switch file.format {
        case .wav:
            let pcm = try WAVSamples(file.source)
            return try pcm.replacingData(in: file.source, with: [.bytes(pcm.encode(audio.samples))])
        case .flac:
            let bits = info.bitsPerSample ?? file.contents.audioCoding?.bitsPerSample ?? 16
            let encoded = try AudioCodec.encode(audio, as: .flac, bitsPerSample: bits > 16 ? 24 : 16)
            return try FLACHandler.replacingFrames(in: file.source, with: encoded)
        case .mp3:
            let bitRate = info.bitRate ?? file.contents.audioCoding?.bitrate ?? 128_000
            let encoded = try AudioCodec.encode(audio, as: .mp3, bitRate: bitRate)
            return try MP3Handler.replacingFrames(in: file.source, with: encoded)
        default:
            throw MediaError.make(.unsupportedFormat, "ailabel cannot re-encode \(file.handler.declaration.displayName) audio yet")
        }
    }
}
