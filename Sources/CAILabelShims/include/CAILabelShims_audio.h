// Audio through FFmpeg's libraries (decode, encode, resample) and speech through espeak-ng, for the
// audible disclosure and the audio watermark. Included by CAILabelShims.h; see audio_codec.c and
// speech_synth.c for why each is C.
#ifndef CAILABEL_SHIMS_AUDIO_H
#define CAILABEL_SHIMS_AUDIO_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// What the audio decoder found: the stream's coding, before any conversion.
typedef struct {
    int32_t sample_rate;
    int32_t channels;
    int64_t bit_rate;             // bits per second the stream declares (0 when unknown)
    int32_t bits_per_raw_sample;  // the coded sample depth (FLAC, PCM); 0 when the codec has none
    char codec[32];               // FFmpeg's codec name ("mp3", "flac", "aac", ...)
    int32_t stream_index;         // the decoded stream's index in the container (-1 before one is chosen)
    int32_t stream_count;         // streams in the container
} CAILabel_AudioInfo;

/// Decodes the first audio stream of a file held in memory, read by one of the demuxers `formats` names
/// (FFmpeg's names, comma-separated: "mp3", "flac", "mov"; FFmpeg probes among them only), to
/// interleaved 32-bit float samples at the stream's own rate and channel count. `max_values` bounds
/// the decoded samples (all channels) before the buffer grows past it; `max_channels`
/// and the rate range [min_rate, max_rate] are checked before decoding. Nothing is printed (FFmpeg's
/// log is silenced); errbuf holds the reason of a failure. `*out_samples` is released with CAILabel_free.
/// `keep_seconds` > 0 keeps only the stream's first seconds and stops decoding there (0 keeps all).
CAILabel_Status CAILabel_audio_decode(const void *bytes, size_t count, const char *formats, uint64_t max_values, double keep_seconds, int32_t max_channels,
                          int32_t min_rate, int32_t max_rate, float **out_samples, uint64_t *out_frames,
                          CAILabel_AudioInfo *out_info, char *errbuf, size_t errbuf_len);

/// As CAILabel_audio_decode, for the sound track of a movie (MP4, MOV, M4A: the ISO BMFF demuxer only),
/// read as it decodes rather than held whole: through `reader` when it is set (then `path` only names the
/// movie, and nothing is opened by name), else the file at `path` (the `file` protocol only), as
/// CAILabel_VideoOptions takes its input. The stream decoded is FFmpeg's best audio stream; its index is
/// `out_info->stream_index`.
CAILabel_Status CAILabel_audio_decode_movie(const char *path, const CAILabel_Reader *reader, uint64_t max_values, double keep_seconds, int32_t max_channels,
                          int32_t min_rate, int32_t max_rate, float **out_samples, uint64_t *out_frames,
                          CAILabel_AudioInfo *out_info, char *errbuf, size_t errbuf_len);

/// Encodes interleaved float samples with FFmpeg's encoder `encoder` ("flac", "libmp3lame", "aac",
/// "pcm_s16le") into the container `muxer` ("flac", "mp3", "ipod", "wav") in memory. `bit_rate` 0 keeps
/// the encoder's default; `bits_per_sample` (16 or 24) chooses the sample format of lossless encoders.
/// The mp3 muxer writes no ID3v2 tag (the caller keeps the source's). `*out_bytes` is released with CAILabel_free.
CAILabel_Status CAILabel_audio_encode(const float *samples, uint64_t frames, int32_t channels, int32_t sample_rate,
                          const char *encoder, const char *muxer, int64_t bit_rate, int32_t bits_per_sample,
                          uint8_t **out_bytes, size_t *out_count, char *errbuf, size_t errbuf_len);

/// Resamples and remixes interleaved float samples with libswresample (rate and channel count; the
/// standard downmix/upmix matrices). `*out_samples` is released with CAILabel_free.
CAILabel_Status CAILabel_audio_resample(const float *samples, uint64_t frames, int32_t in_channels, int32_t in_rate,
                            int32_t out_channels, int32_t out_rate, uint64_t max_frames, float **out_samples,
                            uint64_t *out_frames, char *errbuf, size_t errbuf_len);

/// Synthesises `text` (UTF-8) with espeak-ng's voice `voice` ("kk", "ru", "en", "cmn") to 16-bit mono
/// samples at espeak's rate (`*out_rate`, 22050 Hz). espeak-ng keeps global state, so calls are
/// serialised here. `max_samples` bounds the output. `*out_samples` is released with CAILabel_free.
CAILabel_Status CAILabel_speech_synthesize(const char *text, const char *voice, int32_t words_per_minute, uint64_t max_samples,
                               int16_t **out_samples, uint64_t *out_count, int32_t *out_rate,
                               char *errbuf, size_t errbuf_len);

#ifdef __cplusplus
}
#endif

#endif
