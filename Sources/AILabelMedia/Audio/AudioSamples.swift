/// Decoded audio: interleaved 32-bit float samples (full scale ±1) at a sample rate, with a channel count.
/// What the audible disclosure and the audio watermark work on; the container's own coding is
/// kept apart (``AudioStreamInfo``) so the audio can be encoded back the way it came.
public struct AudioSamples: Sendable, Hashable {
    public var sampleRate: Int
    public var channels: Int
    /// `frameCount × channels` values, channel-interleaved.
    public var samples: [Float]

    public init(sampleRate: Int, channels: Int, samples: [Float]) {
        precondition(channels > 0 && samples.count % channels == 0, "interleaved samples must fill whole frames")
        self.sampleRate = sampleRate
        self.channels = channels
        self.samples = samples
    }

    /// Samples per channel.
    public var frameCount: Int { samples.count / channels }
    public var duration: Double { Double(frameCount) / Double(sampleRate) }

    /// The channels averaged into one.
    public var mono: [Float] {
        guard channels > 1 else { return samples }
        let scale = 1 / Float(channels)
        return (0..<frameCount).map { frame in
            var sum: Float = 0
            for channel in 0..<channels { sum += samples[frame * channels + channel] }
            return sum * scale
        }
    }

    /// Frames `range` (samples per channel) as their own audio.
    public func frames(_ range: Range<Int>) -> AudioSamples {
        AudioSamples(sampleRate: sampleRate, channels: channels, samples: Array(samples[(range.lowerBound * channels)..<(range.upperBound * channels)]))
    }
}

/// How a decoded stream was coded, so an encode can match it.
public struct AudioStreamInfo: Sendable, Hashable {
    /// FFmpeg's codec name (`mp3`, `flac`, `aac`…), or the PCM codec's (`pcm_s16le`).
    public var codec: String
    public var sampleRate: Int
    public var channels: Int
    /// Bits per second the stream declares; nil when it says none.
    public var bitRate: Int?
    /// The coded sample depth (PCM, FLAC); nil when the codec has none.
    public var bitsPerSample: Int?

    public init(codec: String, sampleRate: Int, channels: Int, bitRate: Int? = nil, bitsPerSample: Int? = nil) {
        self.codec = codec
        self.sampleRate = sampleRate
        self.channels = channels
        self.bitRate = bitRate
        self.bitsPerSample = bitsPerSample
    }
}
