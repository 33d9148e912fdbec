/// An MP3's sound is decoded by FFmpeg's MPEG audio demuxer alone.
extension MP3Handler: LibavAudioContainer {
    public var audioContainers: AudioContainers { .mp3 }
}
