// Audio decode, encode and resample through FFmpeg's libraries, from and to memory. FFmpeg reports
// errors by return codes, so no setjmp guard is needed; what this file adds is what Swift should not
// hold: the AVIO callbacks over memory, the limits checked before anything grows (channels, rate,
// decoded length), FFmpeg's log silenced (it would print to stderr), and every error copied into errbuf.
#include "CAILabelShims.h"
#include "reader_io.h"

#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/channel_layout.h>
#include <libavutil/opt.h>
#include <libswresample/swresample.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void audio_message(char *errbuf, size_t errbuf_len, const char *format, ...) {
    if (errbuf == NULL || errbuf_len == 0) return;
    va_list args;
    va_start(args, format);
    vsnprintf(errbuf, errbuf_len, format, args);
    va_end(args);
}

static void audio_av_error(char *errbuf, size_t errbuf_len, const char *what, int code) {
    char text[AV_ERROR_MAX_STRING_SIZE] = {0};
    av_strerror(code, text, sizeof text);
    audio_message(errbuf, errbuf_len, "%s: %s", what, text);
}

static void audio_quiet(void) {
    CAILabel_libav_setup();
    av_log_set_level(AV_LOG_QUIET);
}

// MARK: memory input

typedef struct {
    const uint8_t *bytes;
    size_t count;
    size_t position;
} AudioMemoryReader;

static int audio_read(void *opaque, uint8_t *buffer, int wanted) {
    AudioMemoryReader *reader = opaque;
    size_t left = reader->count - reader->position;
    if (left == 0) return AVERROR_EOF;
    size_t n = (size_t)wanted < left ? (size_t)wanted : left;
    memcpy(buffer, reader->bytes + reader->position, n);
    reader->position += n;
    return (int)n;
}

// One seek rule for the memory reader and writer: AVSEEK_SIZE answers the length; a target outside
// 0...count is refused; otherwise the position moves there.
static int64_t memory_seek(size_t *position, size_t count, int64_t offset, int whence) {
    whence &= ~AVSEEK_FORCE;
    if (whence == AVSEEK_SIZE) return (int64_t)count;
    int64_t base = whence == SEEK_CUR ? (int64_t)*position : whence == SEEK_END ? (int64_t)count : 0;
    int64_t target = base + offset;
    if (target < 0 || target > (int64_t)count) return AVERROR(EINVAL);
    *position = (size_t)target;
    return target;
}

static int64_t audio_seek(void *opaque, int64_t offset, int whence) {
    AudioMemoryReader *reader = opaque;
    return memory_seek(&reader->position, reader->count, offset, whence);
}

// MARK: memory output (seekable, so muxers can go back and finish their headers: FLAC STREAMINFO, Xing)

typedef struct {
    uint8_t *bytes;
    size_t count;     // bytes written (the file's length)
    size_t capacity;
    size_t position;
    int failed;
} AudioMemoryWriter;

static int audio_write(void *opaque, uint8_t *buffer, int length) {  // FFmpeg 5.1: not const
    AudioMemoryWriter *writer = opaque;
    if (length <= 0) return 0;
    size_t end = writer->position + (size_t)length;
    if (end > writer->capacity) {
        size_t capacity = writer->capacity ? writer->capacity : 65536;
        while (capacity < end) capacity *= 2;
        uint8_t *grown = realloc(writer->bytes, capacity);
        if (grown == NULL) {
            writer->failed = 1;
            return AVERROR(ENOMEM);
        }
        writer->bytes = grown;
        writer->capacity = capacity;
    }
    memcpy(writer->bytes + writer->position, buffer, (size_t)length);
    writer->position = end;
    if (end > writer->count) writer->count = end;
    return length;
}

static int64_t audio_write_seek(void *opaque, int64_t offset, int whence) {
    AudioMemoryWriter *writer = opaque;
    return memory_seek(&writer->position, writer->count, offset, whence);
}

// MARK: decode

/// Appends converted frames to the growing output, refusing to pass `max_frames`.
static CAILabel_Status audio_append(float **out, uint64_t *have, uint64_t *capacity, const float *converted, int frames,
                                    int channels, int rate, uint64_t max_values, char *errbuf, size_t errbuf_len) {
    if (frames <= 0) return CAILabel_OK;
    if ((*have + (uint64_t)frames) * (uint64_t)channels > max_values) {
        audio_message(errbuf, errbuf_len, "the decoded audio is longer than the limit of %llu samples (all channels; %llu seconds at this rate)",
                      (unsigned long long)max_values, (unsigned long long)(max_values / (uint64_t)channels / (uint64_t)rate));
        return CAILabel_LIMIT_EXCEEDED;
    }
    if (*have + (uint64_t)frames > *capacity) {
        uint64_t grown = *capacity ? *capacity : 65536;
        while (grown < *have + (uint64_t)frames) grown *= 2;
        if (grown * (uint64_t)channels > max_values) grown = max_values / (uint64_t)channels;
        float *bigger = realloc(*out, (size_t)grown * (size_t)channels * sizeof(float));
        if (bigger == NULL) return CAILabel_ALLOC_FAILED;
        *out = bigger;
        *capacity = grown;
    }
    memcpy(*out + *have * (uint64_t)channels, converted, (size_t)frames * (size_t)channels * sizeof(float));
    *have += (uint64_t)frames;
    return CAILabel_OK;
}

/// Decodes the best audio stream of an opened container; frees what it allocates, never `format`.
static CAILabel_Status audio_decode_opened(AVFormatContext *format, uint64_t max_values, double keep_seconds, int32_t max_channels,
                                           int32_t min_rate, int32_t max_rate, float **out_samples, uint64_t *out_frames,
                                           CAILabel_AudioInfo *out_info, char *errbuf, size_t errbuf_len) {
    CAILabel_Status status = CAILabel_LIBRARY_ERROR;
    AVCodecContext *codec = NULL;
    SwrContext *swr = NULL;
    AVPacket *packet = NULL;
    AVFrame *frame = NULL;
    float *converted = NULL;
    int converted_capacity = 0;
    float *out = NULL;
    uint64_t have = 0, capacity = 0;
    int error;

    if (format->nb_streams > 64) {
        audio_message(errbuf, errbuf_len, "the file has %u streams, over the limit of 64", format->nb_streams);
        status = CAILabel_LIMIT_EXCEEDED;
        goto done;
    }
    if ((error = avformat_find_stream_info(format, NULL)) < 0) {
        audio_av_error(errbuf, errbuf_len, "FFmpeg cannot read the streams", error);
        goto done;
    }
    if (format->nb_streams > 64) {  // streams found only while probing count too
        audio_message(errbuf, errbuf_len, "the file has %u streams, over the limit of 64", format->nb_streams);
        status = CAILabel_LIMIT_EXCEEDED;
        goto done;
    }
    const AVCodec *decoder = NULL;
    int stream_index = av_find_best_stream(format, AVMEDIA_TYPE_AUDIO, -1, -1, &decoder, 0);
    if (stream_index < 0 || decoder == NULL) {
        audio_message(errbuf, errbuf_len, stream_index == AVERROR_DECODER_NOT_FOUND
                      ? "FFmpeg has no decoder for the audio stream" : "the file has no audio stream");
        goto done;
    }
    AVStream *stream = format->streams[stream_index];
    AVCodecParameters *parameters = stream->codecpar;
    int channels = parameters->ch_layout.nb_channels;
    int rate = parameters->sample_rate;
    out_info->stream_index = stream_index;
    out_info->stream_count = (int32_t)format->nb_streams;
    if (channels < 1 || channels > max_channels) {
        audio_message(errbuf, errbuf_len, "the audio has %d channels; ailabel handles 1 to %d", channels, max_channels);
        status = CAILabel_LIMIT_EXCEEDED;
        goto done;
    }
    if (rate < min_rate || rate > max_rate) {
        audio_message(errbuf, errbuf_len, "the audio's sample rate is %d Hz; ailabel handles %d to %d Hz", rate, min_rate, max_rate);
        status = CAILabel_LIMIT_EXCEEDED;
        goto done;
    }
    // The frames kept when only the start is wanted (0: all of them); decoding stops once they are in.
    // A start longer than any stream (a span a hostile label declares) keeps all: converting a double
    // past UINT64_MAX is undefined, so it is never converted.
    double wanted = keep_seconds * rate;
    uint64_t keep_frames = keep_seconds > 0 && wanted < 1e18 ? (uint64_t)wanted + 1 : 0;
    out_info->sample_rate = rate;
    out_info->channels = channels;
    out_info->bit_rate = parameters->bit_rate;
    out_info->bits_per_raw_sample = parameters->bits_per_raw_sample;
    snprintf(out_info->codec, sizeof out_info->codec, "%s", decoder->name);

    codec = avcodec_alloc_context3(decoder);
    if (codec == NULL) {
        status = CAILabel_ALLOC_FAILED;
        goto done;
    }
    if ((error = avcodec_parameters_to_context(codec, parameters)) < 0 || (error = avcodec_open2(codec, decoder, NULL)) < 0) {
        audio_av_error(errbuf, errbuf_len, "FFmpeg cannot open the audio decoder", error);
        goto done;
    }
    packet = av_packet_alloc();
    frame = av_frame_alloc();
    if (packet == NULL || frame == NULL) {
        status = CAILabel_ALLOC_FAILED;
        goto done;
    }
    int draining = 0;
    for (;;) {
        if (!draining) {
            error = av_read_frame(format, packet);
            if (error == AVERROR_EOF) {
                draining = 1;
                avcodec_send_packet(codec, NULL);
            } else if (error < 0) {
                audio_av_error(errbuf, errbuf_len, "FFmpeg cannot read an audio packet", error);
                goto done;
            } else {
                if (packet->stream_index == stream_index) {
                    error = avcodec_send_packet(codec, packet);
                    if (error < 0 && error != AVERROR(EAGAIN)) {
                        av_packet_unref(packet);
                        audio_av_error(errbuf, errbuf_len, "FFmpeg cannot decode the audio", error);
                        goto done;
                    }
                }
                av_packet_unref(packet);
            }
        }
        for (;;) {
            error = avcodec_receive_frame(codec, frame);
            if (error == AVERROR(EAGAIN)) break;
            if (error == AVERROR_EOF) goto decoded;
            if (error < 0) {
                audio_av_error(errbuf, errbuf_len, "FFmpeg cannot decode the audio", error);
                goto done;
            }
            // Every frame must keep the stream's coding: a mid-stream change is refused, not mixed.
            if (frame->ch_layout.nb_channels != channels || frame->sample_rate != rate) {
                audio_message(errbuf, errbuf_len, "the audio changes from %d channels at %d Hz to %d channels at %d Hz mid-stream",
                              channels, rate, frame->ch_layout.nb_channels, frame->sample_rate);
                av_frame_unref(frame);
                goto done;
            }
            if (swr == NULL) {
                AVChannelLayout layout;
                av_channel_layout_default(&layout, channels);
                if ((error = swr_alloc_set_opts2(&swr, &layout, AV_SAMPLE_FMT_FLT, rate, &frame->ch_layout, frame->format, rate, 0, NULL)) < 0 ||
                    (error = swr_init(swr)) < 0) {
                    av_channel_layout_uninit(&layout);
                    audio_av_error(errbuf, errbuf_len, "FFmpeg cannot convert the decoded samples", error);
                    av_frame_unref(frame);
                    goto done;
                }
                av_channel_layout_uninit(&layout);
            }
            if (frame->nb_samples > converted_capacity) {
                float *bigger = realloc(converted, (size_t)frame->nb_samples * (size_t)channels * sizeof(float));
                if (bigger == NULL) {
                    status = CAILabel_ALLOC_FAILED;
                    av_frame_unref(frame);
                    goto done;
                }
                converted = bigger;
                converted_capacity = frame->nb_samples;
            }
            uint8_t *planes[1] = {(uint8_t *)converted};
            int made = swr_convert(swr, planes, converted_capacity, (const uint8_t **)frame->extended_data, frame->nb_samples);
            av_frame_unref(frame);
            if (made < 0) {
                audio_av_error(errbuf, errbuf_len, "FFmpeg cannot convert the decoded samples", made);
                goto done;
            }
            status = audio_append(&out, &have, &capacity, converted, made, channels, rate, max_values, errbuf, errbuf_len);
            if (status != CAILabel_OK) goto done;
            status = CAILabel_LIBRARY_ERROR;
            if (keep_frames && have >= keep_frames) {
                have = keep_frames;
                goto decoded;
            }
        }
    }
decoded:
    if (have == 0) {
        audio_message(errbuf, errbuf_len, "the audio stream holds no samples");
        goto done;
    }
    *out_samples = out;
    *out_frames = have;
    out = NULL;
    status = CAILabel_OK;
done:
    free(out);
    free(converted);
    swr_free(&swr);
    av_frame_free(&frame);
    av_packet_free(&packet);
    avcodec_free_context(&codec);
    return status;
}

static int audio_begin(float **out_samples, uint64_t *out_frames, CAILabel_AudioInfo *out_info, char *errbuf, size_t errbuf_len) {
    if (out_samples == NULL || out_frames == NULL || out_info == NULL) return 0;
    *out_samples = NULL;
    *out_frames = 0;
    memset(out_info, 0, sizeof(*out_info));
    out_info->stream_index = -1;
    if (errbuf && errbuf_len) errbuf[0] = '\0';
    audio_quiet();
    return 1;
}

CAILabel_Status CAILabel_audio_decode(const void *bytes, size_t count, const char *formats, uint64_t max_values, double keep_seconds, int32_t max_channels,
                                      int32_t min_rate, int32_t max_rate, float **out_samples, uint64_t *out_frames,
                                      CAILabel_AudioInfo *out_info, char *errbuf, size_t errbuf_len) {
    if (bytes == NULL || formats == NULL || formats[0] == '\0' || !audio_begin(out_samples, out_frames, out_info, errbuf, errbuf_len)) return CAILabel_BAD_ARGUMENT;
    if (count == 0) {
        audio_message(errbuf, errbuf_len, "the file is empty");
        return CAILabel_LIBRARY_ERROR;
    }
    CAILabel_Status status = CAILabel_LIBRARY_ERROR;
    AudioMemoryReader reader = {bytes, count, 0};
    AVFormatContext *format = NULL;
    AVIOContext *io = NULL;
    int error;

    unsigned char *io_buffer = av_malloc(65536);
    if (io_buffer == NULL) return CAILabel_ALLOC_FAILED;
    io = avio_alloc_context(io_buffer, 65536, 0, &reader, audio_read, NULL, audio_seek);
    if (io == NULL) {
        av_free(io_buffer);
        return CAILabel_ALLOC_FAILED;
    }
    format = avformat_alloc_context();
    if (format == NULL) {
        status = CAILabel_ALLOC_FAILED;
        goto done;
    }
    format->pb = io;
    format->flags |= AVFMT_FLAG_CUSTOM_IO;
    // The bytes are all that is read: the demuxers of the containers the caller parsed, never one FFmpeg's
    // probe prefers (behind an ID3 tag, an HLS playlist or a concat script would be read as such, and
    // would open the files they name), and no second input opened by name.
    format->io_open = CAILabel_libav_refuse_open;
    AVDictionary *settings = NULL;
    av_dict_set(&settings, "format_whitelist", formats, 0);
    // Bounded probing: a hostile file cannot make the demuxer read or buffer without end.
    format->probesize = 5 << 20;
    format->max_analyze_duration = 10 * AV_TIME_BASE;
    // One container named is read by its demuxer with no probe at all; among several FFmpeg probes, and
    // a format outside them is refused.
    const AVInputFormat *demuxer = strchr(formats, ',') == NULL ? av_find_input_format(formats) : NULL;
    error = avformat_open_input(&format, NULL, demuxer, &settings);
    av_dict_free(&settings);
    if (error < 0) {
        format = NULL;  // freed by avformat_open_input on failure
        audio_av_error(errbuf, errbuf_len, "FFmpeg cannot read the container", error);
        goto done;
    }
    status = audio_decode_opened(format, max_values, keep_seconds, max_channels, min_rate, max_rate, out_samples, out_frames, out_info, errbuf, errbuf_len);
done:
    if (format) avformat_close_input(&format);
    if (io) {
        av_freep(&io->buffer);
        avio_context_free(&io);
    }
    return status;
}

/// The movie's sound, read through `reader` or opened by `path`: the ISO BMFF demuxer only, and (for a
/// path) the `file` protocol only, so nothing named inside the file is opened.
CAILabel_Status CAILabel_audio_decode_movie(const char *path, const CAILabel_Reader *reader, uint64_t max_values, double keep_seconds, int32_t max_channels,
                                            int32_t min_rate, int32_t max_rate, float **out_samples, uint64_t *out_frames,
                                            CAILabel_AudioInfo *out_info, char *errbuf, size_t errbuf_len) {
    if ((path == NULL && reader == NULL) || !audio_begin(out_samples, out_frames, out_info, errbuf, errbuf_len)) return CAILabel_BAD_ARGUMENT;
    CAILabel_ReaderState state = {0};
    AVIOContext *io = NULL;
    AVFormatContext *format = NULL;
    int error = CAILabel_open_input(path, reader, "mov,mp4,m4a,3gp,3g2,mj2", 5 << 20, 10, &state, &io, &format);
    if (error == AVERROR(ENOMEM)) return CAILabel_ALLOC_FAILED;
    if (error < 0) {
        audio_av_error(errbuf, errbuf_len, "FFmpeg cannot read the movie", error);
        return CAILabel_LIBRARY_ERROR;
    }
    CAILabel_Status status = audio_decode_opened(format, max_values, keep_seconds, max_channels, min_rate, max_rate, out_samples, out_frames, out_info, errbuf, errbuf_len);
    avformat_close_input(&format);
    CAILabel_reader_io_free(&io);
    return status;
}

// MARK: encode

/// Sends one frame (or NULL to flush) and writes every packet the encoder gives back.
static int audio_encode_send(AVCodecContext *codec, AVFrame *frame, AVFormatContext *format, AVStream *stream, AVPacket *packet) {
    int error = avcodec_send_frame(codec, frame);
    if (error < 0) return error;
    for (;;) {
        error = avcodec_receive_packet(codec, packet);
        if (error == AVERROR(EAGAIN) || error == AVERROR_EOF) return 0;
        if (error < 0) return error;
        av_packet_rescale_ts(packet, codec->time_base, stream->time_base);
        packet->stream_index = stream->index;
        error = av_interleaved_write_frame(format, packet);
        if (error < 0) return error;
    }
}

CAILabel_Status CAILabel_audio_encode(const float *samples, uint64_t frames, int32_t channels, int32_t sample_rate,
                                      const char *encoder_name, const char *muxer, int64_t bit_rate, int32_t bits_per_sample,
                                      uint8_t **out_bytes, size_t *out_count, char *errbuf, size_t errbuf_len) {
    if (samples == NULL || out_bytes == NULL || out_count == NULL || encoder_name == NULL || muxer == NULL ||
        channels < 1 || channels > 8 || sample_rate < 1 || frames == 0)
        return CAILabel_BAD_ARGUMENT;
    *out_bytes = NULL;
    *out_count = 0;
    if (errbuf && errbuf_len) errbuf[0] = '\0';
    audio_quiet();

    CAILabel_Status status = CAILabel_LIBRARY_ERROR;
    AudioMemoryWriter writer = {0};
    AVFormatContext *format = NULL;
    AVIOContext *io = NULL;
    AVCodecContext *codec = NULL;
    SwrContext *swr = NULL;
    AVPacket *packet = NULL;
    AVFrame *frame = NULL;
    AVDictionary *options = NULL;
    int error;
    int header_written = 0;

    const AVCodec *encoder = avcodec_find_encoder_by_name(encoder_name);
    if (encoder == NULL) {
        audio_message(errbuf, errbuf_len, "FFmpeg has no %s encoder", encoder_name);
        return CAILabel_LIBRARY_ERROR;
    }
    if ((error = avformat_alloc_output_context2(&format, NULL, muxer, NULL)) < 0) {
        audio_av_error(errbuf, errbuf_len, "FFmpeg cannot make the container", error);
        return CAILabel_LIBRARY_ERROR;
    }
    unsigned char *io_buffer = av_malloc(65536);
    if (io_buffer == NULL) {
        status = CAILabel_ALLOC_FAILED;
        goto done;
    }
    io = avio_alloc_context(io_buffer, 65536, 1, &writer, NULL, audio_write, audio_write_seek);
    if (io == NULL) {
        av_free(io_buffer);
        status = CAILabel_ALLOC_FAILED;
        goto done;
    }
    format->pb = io;
    format->flags |= AVFMT_FLAG_CUSTOM_IO | AVFMT_FLAG_BITEXACT;

    AVStream *stream = avformat_new_stream(format, NULL);
    codec = avcodec_alloc_context3(encoder);
    if (stream == NULL || codec == NULL) {
        status = CAILabel_ALLOC_FAILED;
        goto done;
    }
    // The sample format: the first the encoder lists that suits the wanted depth.
    enum AVSampleFormat wanted = AV_SAMPLE_FMT_NONE;
    const enum AVSampleFormat *formats = encoder->sample_fmts;
    for (int i = 0; formats && formats[i] != AV_SAMPLE_FMT_NONE; i++) {
        enum AVSampleFormat candidate = formats[i];
        int bytes = av_get_bytes_per_sample(candidate);
        int is_float = candidate == AV_SAMPLE_FMT_FLT || candidate == AV_SAMPLE_FMT_FLTP;
        if (bits_per_sample > 16 ? (bytes == 4 && !is_float) : (bytes == 2)) { wanted = candidate; break; }
        if (wanted == AV_SAMPLE_FMT_NONE && is_float) wanted = candidate;
    }
    if (wanted == AV_SAMPLE_FMT_NONE && formats) wanted = formats[0];
    codec->sample_fmt = wanted;
    codec->sample_rate = sample_rate;
    av_channel_layout_default(&codec->ch_layout, channels);
    codec->time_base = (AVRational){1, sample_rate};
    if (bit_rate > 0) codec->bit_rate = bit_rate;
    if (bits_per_sample > 0 && bits_per_sample <= 32) codec->bits_per_raw_sample = bits_per_sample > 16 ? 24 : bits_per_sample;
    codec->flags |= AV_CODEC_FLAG_BITEXACT;
    if (format->oformat->flags & AVFMT_GLOBALHEADER) codec->flags |= AV_CODEC_FLAG_GLOBAL_HEADER;
    if (strcmp(encoder_name, "aac") == 0) codec->strict_std_compliance = FF_COMPLIANCE_NORMAL;
    if ((error = avcodec_open2(codec, encoder, NULL)) < 0) {
        audio_av_error(errbuf, errbuf_len, "FFmpeg cannot open the encoder", error);
        goto done;
    }
    if ((error = avcodec_parameters_from_context(stream->codecpar, codec)) < 0) {
        audio_av_error(errbuf, errbuf_len, "FFmpeg cannot set the stream's coding", error);
        goto done;
    }
    stream->time_base = codec->time_base;
    if (strcmp(muxer, "mp3") == 0) av_dict_set(&options, "id3v2_version", "0", 0);
    error = avformat_write_header(format, &options);
    av_dict_free(&options);
    if (error < 0) {
        audio_av_error(errbuf, errbuf_len, "FFmpeg cannot write the container header", error);
        goto done;
    }
    header_written = 1;

    AVChannelLayout layout;
    av_channel_layout_default(&layout, channels);
    error = swr_alloc_set_opts2(&swr, &codec->ch_layout, codec->sample_fmt, sample_rate, &layout, AV_SAMPLE_FMT_FLT, sample_rate, 0, NULL);
    av_channel_layout_uninit(&layout);
    if (error < 0 || (error = swr_init(swr)) < 0) {
        audio_av_error(errbuf, errbuf_len, "FFmpeg cannot convert the samples for the encoder", error);
        goto done;
    }
    packet = av_packet_alloc();
    frame = av_frame_alloc();
    if (packet == NULL || frame == NULL) {
        status = CAILabel_ALLOC_FAILED;
        goto done;
    }
    int frame_size = codec->frame_size > 0 ? codec->frame_size : 4096;
    int64_t pts = 0;
    for (uint64_t start = 0; start < frames; start += (uint64_t)frame_size) {
        int n = (int)((frames - start) < (uint64_t)frame_size ? (frames - start) : (uint64_t)frame_size);
        // A fixed-size encoder takes a short last frame only when it says so; otherwise the last is padded.
        int size = (codec->frame_size > 0 && !(encoder->capabilities & AV_CODEC_CAP_VARIABLE_FRAME_SIZE)) ? frame_size : n;
        if (n < size && (encoder->capabilities & AV_CODEC_CAP_SMALL_LAST_FRAME)) size = n;
        frame->nb_samples = size;
        frame->format = codec->sample_fmt;
        frame->sample_rate = sample_rate;
        if ((error = av_channel_layout_copy(&frame->ch_layout, &codec->ch_layout)) < 0 || (error = av_frame_get_buffer(frame, 0)) < 0) {
            audio_av_error(errbuf, errbuf_len, "FFmpeg cannot allocate a frame", error);
            goto done;
        }
        av_samples_set_silence(frame->extended_data, 0, size, channels, codec->sample_fmt);
        const uint8_t *in[1] = {(const uint8_t *)(samples + start * (uint64_t)channels)};
        if ((error = swr_convert(swr, frame->extended_data, size, in, n)) < 0) {
            audio_av_error(errbuf, errbuf_len, "FFmpeg cannot convert the samples for the encoder", error);
            goto done;
        }
        frame->pts = pts;
        pts += size;
        error = audio_encode_send(codec, frame, format, stream, packet);
        av_frame_unref(frame);
        if (error < 0) {
            audio_av_error(errbuf, errbuf_len, "FFmpeg cannot encode the audio", error);
            goto done;
        }
    }
    if ((error = audio_encode_send(codec, NULL, format, stream, packet)) < 0) {
        audio_av_error(errbuf, errbuf_len, "FFmpeg cannot finish the encode", error);
        goto done;
    }
    header_written = 0;
    if ((error = av_write_trailer(format)) < 0) {
        audio_av_error(errbuf, errbuf_len, "FFmpeg cannot finish the container", error);
        goto done;
    }
    avio_flush(io);
    if (writer.failed) {
        status = CAILabel_ALLOC_FAILED;
        goto done;
    }
    *out_bytes = writer.bytes;
    *out_count = writer.count;
    writer.bytes = NULL;
    status = CAILabel_OK;
done:
    if (header_written) av_write_trailer(format);
    free(writer.bytes);
    swr_free(&swr);
    av_frame_free(&frame);
    av_packet_free(&packet);
    avcodec_free_context(&codec);
    if (io) {
        av_freep(&io->buffer);
        avio_context_free(&io);
    }
    if (format) avformat_free_context(format);
    return status;
}

// MARK: resample

CAILabel_Status CAILabel_audio_resample(const float *samples, uint64_t frames, int32_t in_channels, int32_t in_rate,
                                        int32_t out_channels, int32_t out_rate, uint64_t max_frames, float **out_samples,
                                        uint64_t *out_frames, char *errbuf, size_t errbuf_len) {
    if (samples == NULL || out_samples == NULL || out_frames == NULL || in_channels < 1 || in_channels > 8 ||
        out_channels < 1 || out_channels > 8 || in_rate < 1 || out_rate < 1)
        return CAILabel_BAD_ARGUMENT;
    *out_samples = NULL;
    *out_frames = 0;
    if (errbuf && errbuf_len) errbuf[0] = '\0';
    audio_quiet();
    uint64_t bound = (uint64_t)((double)frames * (double)out_rate / (double)in_rate) + 64;
    if (bound > max_frames) {
        audio_message(errbuf, errbuf_len, "the resampled audio would be over the limit of %llu samples per channel", (unsigned long long)max_frames);
        return CAILabel_LIMIT_EXCEEDED;
    }
    SwrContext *swr = NULL;
    AVChannelLayout in_layout, out_layout;
    av_channel_layout_default(&in_layout, in_channels);
    av_channel_layout_default(&out_layout, out_channels);
    int error = swr_alloc_set_opts2(&swr, &out_layout, AV_SAMPLE_FMT_FLT, out_rate, &in_layout, AV_SAMPLE_FMT_FLT, in_rate, 0, NULL);
    av_channel_layout_uninit(&in_layout);
    av_channel_layout_uninit(&out_layout);
    if (error >= 0) {
        // A long filter: the watermark's band must cross a 16 kHz round trip intact.
        av_opt_set_int(swr, "filter_size", 64, 0);
        av_opt_set_int(swr, "phase_shift", 10, 0);
        error = swr_init(swr);
    }
    if (error < 0) {
        swr_free(&swr);
        audio_av_error(errbuf, errbuf_len, "FFmpeg cannot resample", error);
        return CAILabel_LIBRARY_ERROR;
    }
    float *out = malloc((size_t)bound * (size_t)out_channels * sizeof(float));
    if (out == NULL) {
        swr_free(&swr);
        return CAILabel_ALLOC_FAILED;
    }
    uint8_t *planes[1] = {(uint8_t *)out};
    const uint8_t *in[1] = {(const uint8_t *)samples};
    int made = swr_convert(swr, planes, (int)bound, in, (int)frames);
    int tail = 0;
    if (made >= 0) {
        uint8_t *rest[1] = {(uint8_t *)(out + (uint64_t)made * (uint64_t)out_channels)};
        tail = swr_convert(swr, rest, (int)bound - made, NULL, 0);
    }
    swr_free(&swr);
    if (made < 0 || tail < 0) {
        free(out);
        audio_av_error(errbuf, errbuf_len, "FFmpeg cannot resample", made < 0 ? made : tail);
        return CAILabel_LIBRARY_ERROR;
    }
    *out_samples = out;
    *out_frames = (uint64_t)(made + tail);
    return CAILabel_OK;
}
