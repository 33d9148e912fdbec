/// A parsed audio file's samples: WAV's PCM read in Swift, a format that declares its FFmpeg demuxer
/// (``LibavAudioContainer``) through FFmpeg, read by that demuxer alone.
extension MediaFile {
    /// The whole audio stream (or with `firstSeconds` its start only), decoded, and how it was coded.
    /// Bounded by ``AudioLimits``; the reason of a failure names no path (the caller's error does).
    public func decodeAudio(firstSeconds: Double? = nil) throws -> (audio: AudioSamples, info: AudioStreamInfo) {
        guard contents.audioCoding != nil else {
            throw MediaError.make(.unsupportedFormat, "\(handler.declaration.displayName) is not audio")
        }
        if format == .wav {
            let pcm = try WAVSamples(source)
            return (try pcm.read(source, firstSeconds: firstSeconds), pcm.info)
        }
        guard let container = handler as? any LibavAudioContainer else {
            throw MediaError.make(.unsupportedFormat, "ailabel cannot decode \(handler.declaration.displayName) audio")
        }
        // A file larger than any decodable stream's compressed form is refused before it is read whole.
        guard source.count <= AudioLimits.maximumCompressedAudio else {
            throw MediaError.make(.limitExceeded, "the file is \(source.count) bytes; ailabel decodes audio files of at most \(AudioLimits.maximumCompressedAudio) bytes")
        }
        return try AudioCodec.decode(readAll(), as: container.audioContainers, firstSeconds: firstSeconds)
    }
}

extension AudioLimits {
    /// A compressed audio file read whole for decoding (FLAC, MP3, AAC).
    public static let maximumCompressedAudio = 512 << 20
}
