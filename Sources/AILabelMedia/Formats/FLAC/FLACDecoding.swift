/// A FLAC file's sound is decoded by FFmpeg's FLAC demuxer alone.
extension FLACHandler: LibavAudioContainer {
    public var audioContainers: AudioContainers { .flac }
}
