/// The sizes the audio handlers read into memory from a file; everything else (the audio itself) is
/// only ever copied as source ranges. Docs/limits.md lists them.
public enum AudioLimits {
    /// A C2PA manifest store embedded in an audio file (a RIFF `C2PA` chunk, an ID3 `GEOB` frame).
    static let maximumC2PAStore = 64 << 20
    /// A whole ID3v2 tag, read at once to undo unsynchronisation (the format's own limit is 256 MB).
    static let maximumID3Tag = 64 << 20
    /// A native text field that may hold the TC260 label (RIFF `AIGC`, `LIST`/`INFO`, a FLAC
    /// `VORBIS_COMMENT` block).
    static let maximumTextBlock = 1 << 20
    /// Entries in one FLAC `VORBIS_COMMENT` block.
    static let maximumVorbisComments = 10_000
}

extension AudioLimits {
    /// Decoded samples held at once (all channels): 2²⁶ floats, 256 MB, about 12 minutes of 48 kHz
    /// stereo. The audible disclosure and the audio watermark decode the whole stream, as pixel marks
    /// decode a whole image; a longer file is refused with `media.limit-exceeded`.
    public static let maximumDecodedValues = 1 << 26
    /// Channels decoded (7.1 is 8).
    public static let maximumChannels = 8
    /// Sample rates accepted for decoding and marking.
    public static let sampleRates = 8_000...384_000
}
