internal import CAILabelShims

/// What the video layer found in a file, and for a transcode what it wrote.
public struct VideoStreamInfo: Sendable, Hashable, Codable {
    public var width: Int
    public var height: Int
    /// Streams in the file, and the index of the video stream that was decoded.
    public var streamCount: Int
    public var videoStream: Int
    /// libav's decoder name of the video codec ("h264", "hevc", "vp9", "libdav1d", "av1", ...).
    public var codec: String
    /// The encoder a transcode used ("libx264", ...); empty after a decode.
    public var encoder: String
    /// libav's demuxer name ("mov,mp4,m4a,3gp,3g2,mj2", "matroska,webm").
    public var container: String
    /// The decoded pixel format, and whether frames were converted to 8-bit 4:2:0 (10-bit, RGB, ... sources).
    public var pixelFormat: String
    public var converted: Bool
    /// Frames handed to the callback.
    public var frames: Int
    /// Average frame rate, as a fraction (0/1 when unknown).
    public var frameRateNumerator: Int
    public var frameRateDenominator: Int
    /// Seconds (0 when unknown).
    public var duration: Double
    /// Rotation of the display matrix, degrees counter-clockwise; nil when the stream has none.
    public var rotation: Double?
    /// Colour description codes (ITU-T H.273 values, as libav numbers them; 2 = unspecified).
    public var colorPrimaries: Int
    public var colorTransfer: Int
    public var colorSpace: Int
    public var colorRange: Int
    /// Streams a transcode copied packet for packet (audio, subtitles, ...).
    public var copiedStreams: Int
    /// The constant rate factor a transcode encoded with; nil after a decode or a remux.
    public var crf: Int?
    /// Matched quality: the source's mean P-frame QP (I frames when it has none) that chose ``crf``, over
    /// ``qualityFrames`` frames; nil when it was not measured (a CRF was given, or the codec exports none).
    public var sourceQP: Double?
    public var qualityFrames: Int

    public var frameRate: Double {
        frameRateDenominator == 0 ? 0 : Double(frameRateNumerator) / Double(frameRateDenominator)
    }

    init(_ info: CAILabel_VideoInfo) {
        width = Int(info.width)
        height = Int(info.height)
        streamCount = Int(info.stream_count)
        videoStream = Int(info.video_stream)
        codec = Self.string(info.codec)
        encoder = Self.string(info.encoder)
        container = Self.string(info.container)
        pixelFormat = Self.string(info.pixel_format)
        converted = info.converted != 0
        frames = Int(info.frames)
        frameRateNumerator = Int(info.frame_rate_num)
        frameRateDenominator = Int(info.frame_rate_den)
        duration = info.duration
        rotation = info.has_rotation != 0 ? info.rotation : nil
        colorPrimaries = Int(info.color_primaries)
        colorTransfer = Int(info.color_transfer)
        colorSpace = Int(info.color_space)
        colorRange = Int(info.color_range)
        copiedStreams = Int(info.copied_streams)
        crf = info.crf >= 0 ? Int(info.crf) : nil
        sourceQP = info.source_qp > 0 ? info.source_qp : nil
        qualityFrames = Int(info.quality_frames)
    }

    /// A fixed-size C character array as a String (up to its first NUL).
    private static func string<T>(_ tuple: T) -> String {
        withUnsafeBytes(of: tuple) { raw in
            let bytes = raw.prefix { $0 != 0 }
            return String(decoding: bytes, as: UTF8.self)
        }
    }
}
