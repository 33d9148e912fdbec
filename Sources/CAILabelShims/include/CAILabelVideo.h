// CAILabelShims, video: FFmpeg's libraries (libavformat, libavcodec, libswscale) behind two calls.
//
// The decode → mark → encode loop is C because libav's API is macros, side data and ownership rules that
// do not cross into Swift safely; Swift sees one callback per decoded frame with 8-bit planar YUV it may
// change in place. libav's messages are captured into the caller's buffer (never printed); nothing
// exits or aborts. Only the first video stream is decoded; every other stream is copied packet for packet.
#ifndef CAILABEL_VIDEO_H
#define CAILABEL_VIDEO_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// One decoded frame, 8-bit planar YUV (4:2:0, 4:2:2 or 4:4:4), as the callback sees it.
typedef struct {
    int32_t width;
    int32_t height;
    /// log2 of the chroma subsampling (1, 1 for 4:2:0).
    int32_t chroma_shift_x;
    int32_t chroma_shift_y;
    /// Y, Cb, Cr planes and their row strides in bytes.
    uint8_t *planes[3];
    int32_t strides[3];
    /// 1 when samples span 0...255 (JPEG range), 0 for 16...235 (video range).
    int32_t full_range;
    /// Frames decoded before this one (from 0).
    int64_t index;
    /// Presentation time from the start of the stream, seconds.
    double seconds;
    /// Whether the decoder marked the frame a key frame.
    int32_t key_frame;
} CAILabel_VideoFrame;

/// Called for each frame. Return 0 to go on; anything else stops (decode: a normal end; transcode: an error).
typedef int32_t (*CAILabel_VideoFrameFunction)(void *context, CAILabel_VideoFrame *frame);

typedef struct {
    /// Largest width × height accepted (checked before any frame is allocated).
    uint64_t max_pixels;
    /// Largest number of streams a file may have.
    int32_t max_streams;
    /// Transcode: the constant rate factor, or < 0 for ailabel's matched quality: for libx264 on an H.264
    /// source, from the source's own QP (measured over its first frames); otherwise the encoder's default.
    int32_t crf;
    /// Transcode: the encoder preset (x264/x265 `preset`, libvpx `cpu-used`, libaom `cpu-used`), or NULL for the default.
    const char *preset;
    /// Decode: only key frames are decoded (fast; the best-quality frames).
    int32_t key_frames_only;
    /// Decode: stop after this many frames were handed to the callback (0: no limit).
    int64_t max_frames;
    /// Decode: frames whose time is past this are not decoded (0: no limit).
    double max_seconds;
    /// Transcode: a file (MP4/M4A) whose first audio stream replaces the input's stream `audio_replaces`
    /// (packets copied, interleaved by time), or is added as a new stream when `audio_replaces` is < 0.
    /// NULL: the input's streams are all kept.
    const char *audio_path;
    int32_t audio_replaces;
    /// Transcode: the video is copied packet for packet, not decoded (no callback; a file without
    /// video, an M4A, is accepted). Used when only the sound track changes.
    int32_t copy_video;
    /// Decode and transcode: when set, the input is read through this reader and `input_path` only names
    /// it (in messages, and for the output's container); NULL: `input_path` is opened.
    const CAILabel_Reader *reader;
} CAILabel_VideoOptions;

/// What was found (and, for a transcode, written).
typedef struct {
    int32_t width;
    int32_t height;
    int32_t stream_count;
    int32_t video_stream;
    /// Decoder name of the input's video codec ("h264", "hevc", "vp9", "av1", ...).
    char codec[32];
    /// Transcode: the encoder used ("libx264", ...).
    char encoder[32];
    /// Demuxer of the input ("mov,mp4,m4a,3gp,3g2,mj2", "matroska,webm", ...).
    char container[64];
    /// Pixel format decoded, and whether frames were converted to 8-bit 4:2:0 for the callback.
    char pixel_format[32];
    int32_t converted;
    /// Frames handed to the callback.
    int64_t frames;
    /// Average frame rate as a fraction (0/1 when unknown).
    int32_t frame_rate_num;
    int32_t frame_rate_den;
    /// Stream duration, seconds (0 when unknown).
    double duration;
    /// Rotation from the display matrix, degrees counter-clockwise; has_rotation 0 when there is none.
    double rotation;
    int32_t has_rotation;
    /// Colour description (AVColorPrimaries, AVColorTransferCharacteristic, AVColorSpace, AVColorRange).
    int32_t color_primaries;
    int32_t color_transfer;
    int32_t color_space;
    int32_t color_range;
    /// Streams copied untouched (transcode).
    int32_t copied_streams;
    /// Transcode: the constant rate factor the video was encoded with (-1 when the video was copied).
    int32_t crf;
    /// Transcode, matched quality: the source's mean P-frame QP (I frames when it has none) over
    /// `quality_frames` decoded frames; 0 when it was not measured (a CRF was given, or the codec exports none).
    double source_qp;
    int32_t quality_frames;
} CAILabel_VideoInfo;

/// Decodes the first video stream of `input_path`, calling `function` for each frame.
CAILabel_Status CAILabel_video_decode(const char *input_path, const CAILabel_VideoOptions *options,
                                      CAILabel_VideoFrameFunction function, void *context,
                                      CAILabel_VideoInfo *out_info, char *errbuf, size_t errbuf_len);

/// Decodes the first video stream of `input_path`, calls `function` on each frame (which may change its
/// pixels), encodes it with the input's codec where an encoder exists (H.264 libx264, H.265 libx265,
/// VP9 libvpx-vp9, VP8 libvpx, AV1 libaom-av1; other codecs become H.264, or VP9 in WebM) keeping
/// timestamps, frame rate, colour description, aspect ratio and stream side data (the display matrix),
/// and writes `output_path` in the input's container with every other stream copied (the audio stream
/// `audio_replaces` taken from `audio_path` instead). With `copy_video` nothing is decoded or encoded:
/// every packet is copied and only the sound track is replaced; `function` may be NULL.
CAILabel_Status CAILabel_video_transcode(const char *input_path, const char *output_path,
                                         const CAILabel_VideoOptions *options,
                                         CAILabel_VideoFrameFunction function, void *context,
                                         CAILabel_VideoInfo *out_info, char *errbuf, size_t errbuf_len);

#ifdef __cplusplus
}
#endif

#endif
