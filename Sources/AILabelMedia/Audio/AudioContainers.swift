/// The FFmpeg demuxers an audio decode may read its bytes with. A file ailabel parsed as one container
/// is read by that container's demuxer alone: FFmpeg's probe would otherwise pick the format it scores
/// highest, and behind an MP3's ID3 tag that can be a concat script or an HLS playlist, which open the
/// files and URLs they name (a file in the working directory decoded as the MP3's sound).
public struct AudioContainers: Sendable, Hashable {
    /// FFmpeg's demuxer names (`mp3`, `flac`, `mov`). With one, FFmpeg does not probe; with several it
    /// probes, and refuses a format outside them.
    public let demuxers: [String]

    public init(demuxers: [String]) {
        self.demuxers = demuxers
    }

    public static let mp3 = AudioContainers(demuxers: ["mp3"])
    public static let flac = AudioContainers(demuxers: ["flac"])
    /// MP4, M4A and MOV: FFmpeg's ISO BMFF demuxer (what ``AudioCodec/Target/aac`` writes).
    public static let mpeg4 = AudioContainers(demuxers: ["mov"])
    public static let wav = AudioContainers(demuxers: ["wav"])
    /// The compressed containers ailabel decodes through FFmpeg (WAV is read in Swift): MP3, FLAC, MP4.
    public static let compressed = mp3.union(flac).union(mpeg4)

    public func union(_ other: AudioContainers) -> AudioContainers {
        AudioContainers(demuxers: demuxers + other.demuxers.filter { !demuxers.contains($0) })
    }

    /// The list as FFmpeg's `format_whitelist` takes it.
    var libavList: String { demuxers.joined(separator: ",") }
}

/// A format whose audio ailabel decodes through FFmpeg declares the demuxer that reads it (the format's
/// folder holds the conformance; a handler without one is not decoded through FFmpeg).
public protocol LibavAudioContainer {
    var audioContainers: AudioContainers { get }
}
