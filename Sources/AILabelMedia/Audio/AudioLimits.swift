/// The sizes the audio handlers read into memory from a file; everything else (the audio itself) is
/// only ever copied as source ranges. Docs/limits.md lists them.
enum AudioLimits {
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
