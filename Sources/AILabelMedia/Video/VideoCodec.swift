internal import CAILabelShims

/// Limits on what the video layer decodes (Docs/limits.md).
public struct VideoLimits: Sendable, Hashable {
    /// Largest frame, width × height (default 8192 × 8192 = 64 Mpx: 8K video is 33 Mpx).
    public var maximumPixels: Int
    /// Most streams a file may have.
    public var maximumStreams: Int

    public init(maximumPixels: Int = 8192 * 8192, maximumStreams: Int = 100) {
        self.maximumPixels = maximumPixels
        self.maximumStreams = maximumStreams
    }

    public static let `default` = VideoLimits()
}

/// Video files through FFmpeg's libraries (libavformat, libavcodec, libswscale), one frame at a time: memory
/// stays bounded by the codecs' delay (a few dozen frames), never by the length of the video.
///
/// The C side lives in `CAILabelShims/video_codec.c`: libav's messages are captured, never printed.
public enum VideoCodec {
    /// How a transcode encodes.
    public struct EncodeSettings: Sendable, Hashable {
        /// Constant rate factor; nil for matched quality: libx264 on an H.264 source three below the source's
        /// mean QP (12...18, ``VideoStreamInfo/sourceQP``), otherwise libx264 18, libx265 20, libvpx-vp9 24,
        /// libaom-av1 24.
        public var crf: Int?
        /// Encoder preset (x264/x265 preset name; libvpx and libaom `cpu-used`); nil for the default.
        public var preset: String?

        public init(crf: Int? = nil, preset: String? = nil) {
            self.crf = crf
            self.preset = preset
        }
    }

    /// A new sound track for a transcode or a remux: the first audio stream of the MP4/M4A file at `path`
    /// takes the place of the input's stream `replacing` (keeping its language and disposition), or is
    /// added after the input's streams when `replacing` is nil (a video without sound).
    public struct SoundTrack: Sendable, Hashable {
        public var path: String
        public var replacing: Int?

        public init(path: String, replacing: Int?) {
            self.path = path
            self.replacing = replacing
        }
    }

    /// Which frames a decode hands out.
    public struct DecodeSelection: Sendable, Hashable {
        /// Only key frames are decoded (fast; also the frames a lossy re-encode keeps best).
        public var keyFramesOnly: Bool
        /// Stop after this many frames (nil: all).
        public var maximumFrames: Int?
        /// Frames later than this many seconds from the start are not decoded (nil: all).
        public var maximumSeconds: Double?

        public init(keyFramesOnly: Bool = false, maximumFrames: Int? = nil, maximumSeconds: Double? = nil) {
            self.keyFramesOnly = keyFramesOnly
            self.maximumFrames = maximumFrames
            self.maximumSeconds = maximumSeconds
        }

        public static let all = DecodeSelection()
    }

    /// Decodes the first video stream of `input`, calling `body` for each frame; `body` returns false to stop.
    @discardableResult
    public static func decode(
        _ input: MovieInput, selection: DecodeSelection = .all, limits: VideoLimits = .default,
        _ body: @escaping (VideoFrame) -> Bool
    ) throws(MediaError) -> VideoStreamInfo {
        var options = cOptions(limits: limits)
        options.key_frames_only = selection.keyFramesOnly ? 1 : 0
        options.max_frames = Int64(selection.maximumFrames ?? 0)
        options.max_seconds = selection.maximumSeconds ?? 0
        let url = fileURL(input.name)
        let callback = FrameCallback(body)
        return try input.withReader { reader throws(MediaError) in
            options.reader = reader
            return try run(path: input.name, callback: callback) { context, info, errbuf, length in
                CAILabel_video_decode(url, &options, frameTrampoline, context, info, errbuf, length)
            }
        }
    }

    /// Decodes the first video stream of the file at `path` (a file ailabel wrote; a file being verified or
    /// stamped is read through its ``MediaFile/movieInput``).
    @discardableResult
    public static func decode(
        path: String, selection: DecodeSelection = .all, limits: VideoLimits = .default,
        _ body: @escaping (VideoFrame) -> Bool
    ) throws(MediaError) -> VideoStreamInfo {
        try decode(.path(path), selection: selection, limits: limits, body)
    }

    /// Decodes the first video stream of `input`, lets `body` change each frame's pixels, and writes `output`
    /// (a new file, in the input's container): the video re-encoded with the input's codec where an encoder
    /// exists, its timestamps, frame rate, colour description and display matrix kept, every other stream
    /// copied packet for packet. `body` throwing stops the transcode with that error.
    @discardableResult
    public static func transcode(
        input: MovieInput, output: String, settings: EncodeSettings = .init(), limits: VideoLimits = .default,
        soundTrack: SoundTrack? = nil, _ body: @escaping (VideoFrame) throws(MediaError) -> Void
    ) throws(MediaError) -> VideoStreamInfo {
        var options = cOptions(limits: limits)
        options.crf = Int32(settings.crf ?? -1)
        let audioURL = soundTrack.map { fileURL($0.path) }
        options.audio_replaces = Int32(soundTrack?.replacing ?? -1)
        var thrown: MediaError?
        let callback = FrameCallback { frame in
            do throws(MediaError) {
                try body(frame)
                return true
            } catch {
                thrown = error
                return false
            }
        }
        do throws(MediaError) {
            return try withOptionalCString(settings.preset) { preset throws(MediaError) in
                try withOptionalCString(audioURL) { audio throws(MediaError) in
                    try input.withReader { reader throws(MediaError) in
                        options.preset = preset
                        options.audio_path = audio
                        options.reader = reader
                        let (from, to) = (fileURL(input.name), fileURL(output))
                        return try run(path: input.name, callback: callback) { context, info, errbuf, length in
                            CAILabel_video_transcode(from, to, &options, frameTrampoline, context, info, errbuf, length)
                        }
                    }
                }
            }
        } catch {
            if let thrown { throw thrown.naming(input.name) }
            throw error
        }
    }

    /// Transcodes the file at `path` (a file ailabel wrote) into `output`, as ``transcode(input:output:settings:limits:soundTrack:_:)-(MovieInput,_,_,_,_,_)``.
    @discardableResult
    public static func transcode(
        input path: String, output: String, settings: EncodeSettings = .init(), limits: VideoLimits = .default,
        soundTrack: SoundTrack? = nil, _ body: @escaping (VideoFrame) throws(MediaError) -> Void
    ) throws(MediaError) -> VideoStreamInfo {
        try transcode(input: .path(path), output: output, settings: settings, limits: limits, soundTrack: soundTrack, body)
    }

    /// Writes `output` (a new file, in the input's container) with every packet of `input` copied as it is,
    /// nothing decoded, except the sound track `soundTrack` brings: for a movie whose pictures do not change
    /// (or an M4A, which has none) when only its sound does.
    @discardableResult
    public static func remux(input: MovieInput, output: String, soundTrack: SoundTrack, limits: VideoLimits = .default) throws(MediaError) -> VideoStreamInfo {
        var options = cOptions(limits: limits)
        options.copy_video = 1
        options.audio_replaces = Int32(soundTrack.replacing ?? -1)
        let (from, to, audio) = (fileURL(input.name), fileURL(output), fileURL(soundTrack.path))
        let callback = FrameCallback { _ in true }
        return try withOptionalCString(audio) { audioPath throws(MediaError) in
            try input.withReader { reader throws(MediaError) in
                options.audio_path = audioPath
                options.reader = reader
                return try run(path: input.name, callback: callback) { context, info, errbuf, length in
                    CAILabel_video_transcode(from, to, &options, nil, context, info, errbuf, length)
                }
            }
        }
    }

    /// The size, codec, rotation and colour of the first video stream (one frame is decoded).
    public static func probe(_ input: MovieInput, limits: VideoLimits = .default) throws(MediaError) -> VideoStreamInfo {
        try decode(input, selection: DecodeSelection(maximumFrames: 1), limits: limits) { _ in false }
    }

    /// The size, codec, rotation and colour of the first video stream of the file at `path`.
    public static func probe(path: String, limits: VideoLimits = .default) throws(MediaError) -> VideoStreamInfo {
        try probe(.path(path), limits: limits)
    }

    /// libav reads a name with a colon as a protocol URL ("concat:", "http:"): every path goes through the
    /// `file:` protocol, the only one the C side allows.
    static func fileURL(_ path: String) -> String { "file:" + path }

    private static func cOptions(limits: VideoLimits) -> CAILabel_VideoOptions {
        var options = CAILabel_VideoOptions()
        options.max_pixels = UInt64(max(1, limits.maximumPixels))
        options.max_streams = Int32(clamping: max(1, limits.maximumStreams))
        options.crf = -1
        return options
    }

    private static func run(
        path: String, callback: FrameCallback,
        _ call: (UnsafeMutableRawPointer, UnsafeMutablePointer<CAILabel_VideoInfo>, UnsafeMutablePointer<CChar>, Int)
            -> CAILabel_Status
    ) throws(MediaError) -> VideoStreamInfo {
        var info = CAILabel_VideoInfo()
        var errbuf = [CChar](repeating: 0, count: 1024)
        let context = Unmanaged.passRetained(callback)
        defer { context.release() }
        let status = errbuf.withUnsafeMutableBufferPointer { buffer in
            call(context.toOpaque(), &info, buffer.baseAddress!, buffer.count)
        }
        guard status == CAILabel_OK else {
            let message = errbuf.withUnsafeBufferPointer { buffer in
                String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            }
            let code: MediaError.Code = status == CAILabel_LIMIT_EXCEEDED ? .limitExceeded : .libraryFailure
            throw MediaError.make(code, message.isEmpty ? "libav failed" : message).naming(path)
        }
        return VideoStreamInfo(info)
    }

    private static func withOptionalCString<T>(
        _ string: String?, _ body: (UnsafePointer<CChar>?) throws(MediaError) -> T
    ) throws(MediaError) -> T {
        guard let string else { return try body(nil) }
        var bytes = Array(string.utf8CString)
        return try bytes.withUnsafeMutableBufferPointer { buffer throws(MediaError) in
            try body(UnsafePointer(buffer.baseAddress!))
        }
    }
}

/// Holds the Swift closure the C loop calls back through `frameTrampoline`.
private final class FrameCallback {
    let body: (VideoFrame) -> Bool
    init(_ body: @escaping (VideoFrame) -> Bool) { self.body = body }
}

private let frameTrampoline: CAILabel_VideoFrameFunction = { context, frame in
    guard let context, let frame else { return 1 }
    let callback = Unmanaged<FrameCallback>.fromOpaque(context).takeUnretainedValue()
    return callback.body(VideoFrame(frame.pointee)) ? 0 : 1
}
