internal import CAILabelShims

/// Audio decoding, encoding and resampling through FFmpeg's libraries (the C in
/// `CAILabelShims/audio_codec.c`): the containers the caller names and any codec FFmpeg knows in, FLAC,
/// MP3 (LAME) or AAC out, all in memory. Every limit in ``AudioLimits`` is checked before a buffer grows; FFmpeg never prints.
public enum AudioCodec {
    /// Decodes the first audio stream of `bytes`, read as one of `containers` (nothing else, and no
    /// other file or URL it names), at its own rate and channel count; more than
    /// `maximumValues` decoded samples (all channels) is refused before the buffer grows past them.
    /// With `firstSeconds`, only the stream's start is kept and decoding stops there (a reader that
    /// listens to the start only, of a programme of any length).
    public static func decode(
        _ bytes: [UInt8], as containers: AudioContainers, maximumValues: Int = AudioLimits.maximumDecodedValues, firstSeconds: Double? = nil
    ) throws -> (audio: AudioSamples, info: AudioStreamInfo) {
        guard !containers.demuxers.isEmpty, containers.demuxers.allSatisfy({ !$0.isEmpty && !$0.contains(",") }) else {
            throw MediaError.make(.invalidArgument, "no FFmpeg demuxer is named to read the audio")
        }
        let limit = min(max(1, maximumValues), AudioLimits.maximumDecodedValues)
        return try decoded { samples, frames, info, errbuf in
            bytes.withUnsafeBytes { raw in
                // An empty array's base address may be nil; the shim refuses a count of 0 by itself.
                CAILabel_audio_decode(
                    raw.baseAddress ?? UnsafeRawPointer(bitPattern: 1)!, raw.count, containers.libavList,
                    UInt64(limit), max(0, firstSeconds ?? 0), Int32(AudioLimits.maximumChannels),
                    Int32(AudioLimits.sampleRates.lowerBound), Int32(AudioLimits.sampleRates.upperBound),
                    samples, frames, info, errbuf.baseAddress, errbuf.count)
            }
        }
    }

    /// Decodes the sound track of a movie (MP4, MOV, M4A), read as it decodes (a movie is mostly video,
    /// never held whole for its sound): FFmpeg's best audio stream, whose index is `info.streamIndex`. A
    /// file being verified or stamped comes as its ``MediaFile/movieInput``. A movie without sound throws
    /// ``MediaError`` `.unsupportedFormat`.
    /// With `firstSeconds`, only the track's start is kept, and read.
    public static func decodeMovie(_ input: MovieInput, firstSeconds: Double? = nil) throws -> (audio: AudioSamples, info: AudioStreamInfo) {
        do {
            return try input.withReader { reader throws(MediaError) in
                let url = "file:" + input.name  // a name with a colon is not read as a protocol
                let (values, channels) = (UInt64(AudioLimits.maximumDecodedValues), Int32(AudioLimits.maximumChannels))
                let (lowest, highest) = (Int32(AudioLimits.sampleRates.lowerBound), Int32(AudioLimits.sampleRates.upperBound))
                do {
                    return try decoded { samples, frames, info, errbuf in
                        CAILabel_audio_decode_movie(
                            url, reader, values, max(0, firstSeconds ?? 0), channels, lowest, highest, samples, frames, info, errbuf.baseAddress, errbuf.count)
                    }
                } catch let error as MediaError {
                    throw error
                } catch {
                    throw MediaError.make(.libraryFailure, "\(error)")
                }
            }
        } catch {
            throw error.naming(input.name)
        }
    }

    /// Decodes the sound track of the movie file at `path` (a file ailabel wrote).
    public static func decodeMovie(path: String) throws -> (audio: AudioSamples, info: AudioStreamInfo) {
        try decodeMovie(.path(path))
    }

    private static func decoded(
        _ call: (UnsafeMutablePointer<UnsafeMutablePointer<Float>?>, UnsafeMutablePointer<UInt64>, UnsafeMutablePointer<CAILabel_AudioInfo>, UnsafeMutableBufferPointer<CChar>) -> CAILabel_Status
    ) throws -> (audio: AudioSamples, info: AudioStreamInfo) {
        var samples: UnsafeMutablePointer<Float>?
        var frames: UInt64 = 0
        var info = CAILabel_AudioInfo()
        var message = [CChar](repeating: 0, count: 256)
        let status = message.withUnsafeMutableBufferPointer { errbuf in call(&samples, &frames, &info, errbuf) }
        defer { CAILabel_free(samples) }
        try check(status, message)
        let channels = Int(info.channels)
        // The shim bounds frames; the product of frames and channels is bounded here too.
        guard let samples, frames > 0, Int(frames) * channels <= AudioLimits.maximumDecodedValues else {
            throw MediaError.make(.limitExceeded, "the decoded audio holds more than \(AudioLimits.maximumDecodedValues) samples")
        }
        let audio = AudioSamples(
            sampleRate: Int(info.sample_rate), channels: channels,
            samples: Array(UnsafeBufferPointer(start: samples, count: Int(frames) * channels)))
        let codec = withUnsafeBytes(of: info.codec) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
        return (audio, AudioStreamInfo(
            codec: codec, sampleRate: audio.sampleRate, channels: channels, bitRate: info.bit_rate > 0 ? Int(info.bit_rate) : nil,
            bitsPerSample: info.bits_per_raw_sample > 0 ? Int(info.bits_per_raw_sample) : nil,
            streamIndex: info.stream_index >= 0 ? Int(info.stream_index) : nil, streamCount: Int(info.stream_count)))
    }

    /// An encoder and the container it is written in.
    public struct Target: Sendable, Hashable {
        public var encoder: String
        public var muxer: String
        public init(encoder: String, muxer: String) {
            self.encoder = encoder
            self.muxer = muxer
        }
        public static let flac = Target(encoder: "flac", muxer: "flac")
        public static let mp3 = Target(encoder: "libmp3lame", muxer: "mp3")
        /// AAC in an M4A (FFmpeg's native AAC encoder; the benchmark's attack).
        public static let aac = Target(encoder: "aac", muxer: "ipod")
    }

    /// Encodes `audio` with `target`'s encoder; `bitRate` nil keeps the encoder's default,
    /// `bitsPerSample` (16 or 24) picks a lossless encoder's depth.
    public static func encode(_ audio: AudioSamples, as target: Target, bitRate: Int? = nil, bitsPerSample: Int? = nil) throws -> [UInt8] {
        guard audio.frameCount > 0 else { throw MediaError.make(.invalidArgument, "there is no audio to encode") }
        var bytes: UnsafeMutablePointer<UInt8>?
        var count = 0
        var message = [CChar](repeating: 0, count: 256)
        let status = audio.samples.withUnsafeBufferPointer { samples in
            message.withUnsafeMutableBufferPointer { errbuf in
                CAILabel_audio_encode(
                    samples.baseAddress, UInt64(audio.frameCount), Int32(audio.channels), Int32(audio.sampleRate), target.encoder, target.muxer,
                    Int64(bitRate ?? 0), Int32(bitsPerSample ?? 16), &bytes, &count, errbuf.baseAddress, errbuf.count)
            }
        }
        defer { CAILabel_free(bytes) }
        try check(status, message)
        guard let bytes else { throw MediaError.make(.libraryFailure, "FFmpeg returned no encoded audio") }
        return Array(UnsafeBufferPointer(start: bytes, count: count))
    }

    /// Resamples and remixes to `sampleRate` and `channels` with libswresample.
    public static func resample(_ audio: AudioSamples, to sampleRate: Int, channels: Int) throws -> AudioSamples {
        if audio.sampleRate == sampleRate && audio.channels == channels { return audio }
        guard AudioLimits.sampleRates.contains(sampleRate), (1...AudioLimits.maximumChannels).contains(channels) else {
            throw MediaError.make(.invalidArgument, "cannot resample to \(channels) channels at \(sampleRate) Hz")
        }
        var out: UnsafeMutablePointer<Float>?
        var frames: UInt64 = 0
        var message = [CChar](repeating: 0, count: 256)
        let status = audio.samples.withUnsafeBufferPointer { samples in
            message.withUnsafeMutableBufferPointer { errbuf in
                CAILabel_audio_resample(
                    samples.baseAddress, UInt64(audio.frameCount), Int32(audio.channels), Int32(audio.sampleRate), Int32(channels), Int32(sampleRate),
                    UInt64(AudioLimits.maximumDecodedValues / channels), &out, &frames, errbuf.baseAddress, errbuf.count)
            }
        }
        defer { CAILabel_free(out) }
        try check(status, message)
        guard let out else { throw MediaError.make(.libraryFailure, "FFmpeg returned no resampled audio") }
        return AudioSamples(sampleRate: sampleRate, channels: channels, samples: Array(UnsafeBufferPointer(start: out, count: Int(frames) * channels)))
    }

    static func check(_ status: CAILabel_Status, _ message: [CChar]) throws {
        let text = String(decoding: message.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        switch status {
        case CAILabel_OK: return
        case CAILabel_LIMIT_EXCEEDED: throw MediaError.make(.limitExceeded, text)
        case CAILabel_ALLOC_FAILED: throw MediaError.make(.limitExceeded, "out of memory decoding or encoding the audio")
        case CAILabel_BAD_ARGUMENT: throw MediaError.make(.invalidArgument, text.isEmpty ? "the audio cannot be processed as given" : text)
        default: throw MediaError.make(.libraryFailure, text.isEmpty ? "FFmpeg failed" : text)
        }
    }
}
