/// How an audio file's stream is coded, computed from its headers alone (WAV `fmt `, MPEG frame
/// headers and a Xing/Info/VBRI header, FLAC STREAMINFO): no decoder is involved. `inspect` shows it.
public struct AudioCoding: FormatCoding, Hashable, Codable {
    /// The codec as ffprobe names it where it can (`pcm_s16le`, `pcm_f32le`, `mp3`, `flac`).
    public var codec: String
    /// The number of tracks (audio streams) in the container; these formats hold one.
    public var tracks: Int = 1
    public var channels: Int
    public var sampleRate: Int
    /// Bits per sample where the coding has one (PCM, FLAC); nil for MP3.
    public var bitsPerSample: Int?
    /// Seconds, when the headers say (a sample count, a frame count, or a constant bitrate).
    public var durationSeconds: Double?
    /// Bits per second: nominal for MP3, computed for PCM.
    public var bitrate: Int?
    /// How the duration was found (`sample count`, `Xing frame count`, `constant bitrate estimate`).
    public var durationSource: String?

    public init(codec: String, channels: Int, sampleRate: Int, bitsPerSample: Int? = nil, durationSeconds: Double? = nil, bitrate: Int? = nil, durationSource: String? = nil) {
        self.codec = codec
        self.channels = channels
        self.sampleRate = sampleRate
        self.bitsPerSample = bitsPerSample
        self.durationSeconds = durationSeconds
        self.bitrate = bitrate
        self.durationSource = durationSource
    }

    public var reportKey: String { "audio" }

    public var summary: String {
        var parts = [codec, "\(tracks) track\(tracks == 1 ? "" : "s")", "\(channels) channel\(channels == 1 ? "" : "s")", "\(sampleRate) Hz"]
        if let bitsPerSample { parts.append("\(bitsPerSample)-bit") }
        if let bitrate { parts.append("\(bitrate / 1000) kb/s") }
        if let durationSeconds {
            parts.append("\(format2(durationSeconds)) s" + (durationSource.map { " (\($0))" } ?? ""))
        }
        return parts.joined(separator: ", ")
    }

    /// Two decimals without Foundation's formatter.
    private func format2(_ value: Double) -> String {
        let hundredths = Int((value * 100).rounded())
        let fraction = hundredths % 100
        return "\(hundredths / 100).\(fraction < 10 ? "0" : "")\(fraction)"
    }
}

extension MediaContents {
    /// The audio coding, when the file is audio.
    public var audioCoding: AudioCoding? { coding as? AudioCoding }
}
