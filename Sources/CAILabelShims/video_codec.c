// Video through FFmpeg's libraries: demux → decode → the caller's callback → encode → mux, one frame at a
// time (memory is bounded by the codecs' own delay, never by the length of the video). libav's log is
// silenced: messages at error level are copied into the caller's buffer through a thread-local capture.
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/avutil.h>
#include <libavutil/display.h>
#include <libavutil/imgutils.h>
#include <libavutil/opt.h>
#include <libavutil/pixdesc.h>
#include <libavutil/video_enc_params.h>
#include <libswscale/swscale.h>

#include "CAILabelShims.h"
#include "reader_io.h"

// MARK: Log capture

static __thread char *capture_buffer = NULL;
static __thread size_t capture_length = 0;

static void log_capture(void *avcl, int level, const char *format, va_list args) {
    (void)avcl;
    if (level > AV_LOG_ERROR || capture_buffer == NULL || capture_length == 0) return;
    if (capture_buffer[0] != '\0') return;  // keep the first message: it names the cause
    vsnprintf(capture_buffer, capture_length, format, args);
    size_t end = strlen(capture_buffer);
    while (end > 0 && (capture_buffer[end - 1] == '\n' || capture_buffer[end - 1] == ' ')) capture_buffer[--end] = '\0';
}

static void install_logging(void) {
    // Idempotent; every thread sees the same callback, which prints nothing.
    CAILabel_libav_setup();
    av_log_set_level(AV_LOG_ERROR);
    av_log_set_callback(log_capture);
}

typedef struct {
    char *errbuf;
    size_t errbuf_len;
    char logged[512];
    int limit;  // the failure is one of the caller's limits
} Errors;

static void fail(Errors *errors, const char *format, ...) {
    if (errors->errbuf == NULL || errors->errbuf_len == 0 || errors->errbuf[0] != '\0') return;
    va_list args;
    va_start(args, format);
    vsnprintf(errors->errbuf, errors->errbuf_len, format, args);
    va_end(args);
}

/// `what: libav's error text (the first logged message)`.
static void fail_av(Errors *errors, const char *what, int code) {
    char text[AV_ERROR_MAX_STRING_SIZE] = {0};
    av_strerror(code, text, sizeof text);
    if (errors->logged[0] != '\0') {
        fail(errors, "%s: %s (%s)", what, text, errors->logged);
    } else {
        fail(errors, "%s: %s", what, text);
    }
}

// MARK: Shared state

typedef struct {
    Errors errors;
    const CAILabel_VideoOptions *options;
    AVFormatContext *input;
    AVFormatContext *output;
    AVCodecContext *decoder;
    AVCodecContext *encoder;
    AVStream *video_in;
    AVStream *video_out;
    int video_index;
    int *stream_map;  // input stream index → output stream index, or -1
    AVFrame *frame;
    AVFrame *converted;
    struct SwsContext *scaler;
    enum AVPixelFormat work_format;
    int full_range;
    AVPacket *packet;
    AVPacket *encoded;
    int64_t start_pts;
    int64_t last_pts;
    int64_t delivered;
    int64_t decoded;
    CAILabel_VideoFrameFunction function;
    void *context;
    CAILabel_VideoInfo *info;
    int stopped;
    // The new sound track (options->audio_path): its input, its stream, the output stream it is written to,
    // and the next packet, read ahead so the two inputs are interleaved by time.
    AVFormatContext *audio_input;
    AVStream *audio_source;
    AVStream *audio_out;
    AVPacket *audio_packet;
    int audio_pending;
    int audio_finished;
    // The input read through options->reader, when one is given.
    CAILabel_ReaderState reader_state;
    AVIOContext *reader_io;
} Pipeline;

static void pipeline_free(Pipeline *p) {
    if (p->output) {
        if (p->output->pb) avio_closep(&p->output->pb);
        avformat_free_context(p->output);
    }
    if (p->input) avformat_close_input(&p->input);
    CAILabel_reader_io_free(&p->reader_io);  // after the input that read through it
    if (p->audio_input) avformat_close_input(&p->audio_input);
    av_packet_free(&p->audio_packet);
    avcodec_free_context(&p->decoder);
    avcodec_free_context(&p->encoder);
    av_frame_free(&p->frame);
    av_frame_free(&p->converted);
    av_packet_free(&p->packet);
    av_packet_free(&p->encoded);
    sws_freeContext(p->scaler);
    av_free(p->stream_map);
}

/// The formats the callback sees as they are; anything else is converted to 4:2:0.
static int is_plain_yuv(enum AVPixelFormat format, int *full_range, enum AVPixelFormat *as_video_range) {
    switch (format) {
    case AV_PIX_FMT_YUV420P: *full_range = 0; *as_video_range = format; return 1;
    case AV_PIX_FMT_YUV422P: *full_range = 0; *as_video_range = format; return 1;
    case AV_PIX_FMT_YUV444P: *full_range = 0; *as_video_range = format; return 1;
    case AV_PIX_FMT_YUVJ420P: *full_range = 1; *as_video_range = AV_PIX_FMT_YUV420P; return 1;
    case AV_PIX_FMT_YUVJ422P: *full_range = 1; *as_video_range = AV_PIX_FMT_YUV422P; return 1;
    case AV_PIX_FMT_YUVJ444P: *full_range = 1; *as_video_range = AV_PIX_FMT_YUV444P; return 1;
    default: return 0;
    }
}

static int open_input(Pipeline *p, const char *path) {
    // Only the demuxers of ordinary video files, through the caller's reader when one is given.
    int code = CAILabel_open_input(path, p->options->reader, "mov,mp4,m4a,3gp,3g2,mj2,matroska,webm,avi,mpegts,flv,ivf", 0, 0,
                                   &p->reader_state, &p->reader_io, &p->input);
    if (code < 0) {
        fail_av(&p->errors, "libav cannot open the file as video", code);
        return 0;
    }
    if (p->options->max_streams > 0 && (int64_t)p->input->nb_streams > p->options->max_streams) {
        p->errors.limit = 1;
        fail(&p->errors, "the file has %u streams, more than the limit of %d", p->input->nb_streams,
             p->options->max_streams);
        return 0;
    }
    code = avformat_find_stream_info(p->input, NULL);
    if (code < 0) {
        fail_av(&p->errors, "libav cannot read the streams", code);
        return 0;
    }
    if (p->options->max_streams > 0 && (int64_t)p->input->nb_streams > p->options->max_streams) {
        p->errors.limit = 1;
        fail(&p->errors, "the file has %u streams, more than the limit of %d", p->input->nb_streams,
             p->options->max_streams);
        return 0;
    }
    snprintf(p->info->container, sizeof p->info->container, "%s", p->input->iformat->name);
    p->info->stream_count = (int32_t)p->input->nb_streams;

    p->video_index = -1;
    for (unsigned i = 0; i < p->input->nb_streams; i++) {
        AVStream *stream = p->input->streams[i];
        if (stream->codecpar->codec_type != AVMEDIA_TYPE_VIDEO) continue;
        if (stream->disposition & AV_DISPOSITION_ATTACHED_PIC) continue;
        if (p->video_index < 0) p->video_index = (int)i;
    }
    if (p->video_index < 0) {
        if (p->options->copy_video) return 1;  // an M4A: only its sound track changes
        fail(&p->errors, "the file has no video stream");
        return 0;
    }
    p->video_in = p->input->streams[p->video_index];
    p->info->video_stream = p->video_index;
    AVCodecParameters *parameters = p->video_in->codecpar;
    p->info->width = parameters->width;
    p->info->height = parameters->height;
    if (parameters->width <= 0 || parameters->height <= 0) {
        fail(&p->errors, "the video stream declares no frame size");
        return 0;
    }
    if (p->options->max_pixels > 0 && (uint64_t)parameters->width * (uint64_t)parameters->height > p->options->max_pixels) {
        p->errors.limit = 1;
        fail(&p->errors, "frames of %d×%d exceed the limit of %llu pixels", parameters->width, parameters->height,
             (unsigned long long)p->options->max_pixels);
        return 0;
    }
    AVRational rate = av_guess_frame_rate(p->input, p->video_in, NULL);
    p->info->frame_rate_num = rate.num;
    p->info->frame_rate_den = rate.den > 0 ? rate.den : 1;
    if (p->video_in->duration != AV_NOPTS_VALUE && p->video_in->duration > 0) {
        p->info->duration = (double)p->video_in->duration * av_q2d(p->video_in->time_base);
    } else if (p->input->duration > 0) {
        p->info->duration = (double)p->input->duration / AV_TIME_BASE;
    }
    size_t matrix_size = 0;
    const uint8_t *matrix = av_stream_get_side_data(p->video_in, AV_PKT_DATA_DISPLAYMATRIX, &matrix_size);
    if (matrix && matrix_size >= 9 * sizeof(int32_t)) {
        double rotation = av_display_rotation_get((const int32_t *)matrix);
        if (!isnan(rotation)) {
            p->info->rotation = rotation;
            p->info->has_rotation = 1;
        }
    }
    p->info->color_primaries = parameters->color_primaries;
    p->info->color_transfer = parameters->color_trc;
    p->info->color_space = parameters->color_space;
    p->info->color_range = parameters->color_range;
    if (p->options->copy_video) return 1;  // the video is copied: nothing to decode

    const AVCodec *decoder = avcodec_find_decoder(parameters->codec_id);
    if (decoder == NULL) {
        fail(&p->errors, "no decoder for the video codec %s", avcodec_get_name(parameters->codec_id));
        return 0;
    }
    snprintf(p->info->codec, sizeof p->info->codec, "%s", decoder->name);
    p->decoder = avcodec_alloc_context3(decoder);
    if (p->decoder == NULL) {
        fail(&p->errors, "out of memory");
        return 0;
    }
    code = avcodec_parameters_to_context(p->decoder, parameters);
    if (code < 0) {
        fail_av(&p->errors, "the video stream's parameters are unusable", code);
        return 0;
    }
    p->decoder->pkt_timebase = p->video_in->time_base;
    p->decoder->thread_count = 0;
    // The frame-size limit again inside libav: a stream whose sequence header grows the frames mid-stream
    // is refused before such a frame is allocated, not after it is decoded. libav checks the width rounded
    // up to its stride alignment (up to 64 samples), hence an eighth more: frames our own check accepts pass.
    if (p->options->max_pixels > 0 && p->options->max_pixels <= (uint64_t)INT64_MAX / 2) {
        p->decoder->max_pixels = (int64_t)(p->options->max_pixels + p->options->max_pixels / 8 + 4096);
    }
    if (p->options->key_frames_only) p->decoder->skip_frame = AVDISCARD_NONKEY;
    code = avcodec_open2(p->decoder, decoder, NULL);
    if (code < 0) {
        fail_av(&p->errors, "the video decoder cannot start", code);
        return 0;
    }
    const char *format_name = av_get_pix_fmt_name(p->decoder->pix_fmt);
    snprintf(p->info->pixel_format, sizeof p->info->pixel_format, "%s", format_name ? format_name : "unknown");
    p->frame = av_frame_alloc();
    p->packet = av_packet_alloc();
    if (p->frame == NULL || p->packet == NULL) {
        fail(&p->errors, "out of memory");
        return 0;
    }
    p->start_pts = p->video_in->start_time;
    p->last_pts = AV_NOPTS_VALUE;
    return 1;
}

/// Chooses the format frames are worked on in, from the decoder's.
static int choose_work_format(Pipeline *p, enum AVPixelFormat decoded) {
    enum AVPixelFormat plain;
    int full_range = 0;
    if (is_plain_yuv(decoded, &full_range, &plain)) {
        p->work_format = plain;
        p->full_range = full_range || p->decoder->color_range == AVCOL_RANGE_JPEG;
        p->info->converted = 0;
    } else {
        p->work_format = AV_PIX_FMT_YUV420P;
        p->full_range = p->decoder->color_range == AVCOL_RANGE_JPEG;
        p->info->converted = 1;
    }
    return 1;
}

/// The frame the callback sees: the decoded one when its format is plain 8-bit YUV, else a converted copy.
static AVFrame *work_frame(Pipeline *p, AVFrame *decoded) {
    if (decoded->width != p->info->width || decoded->height != p->info->height) {
        fail(&p->errors, "the frame size changed from %d×%d to %d×%d mid-stream", p->info->width, p->info->height,
             decoded->width, decoded->height);
        return NULL;
    }
    enum AVPixelFormat plain;
    int full_range;
    if (is_plain_yuv(decoded->format, &full_range, &plain) && plain == p->work_format) {
        int code = av_frame_make_writable(decoded);
        if (code < 0) {
            fail_av(&p->errors, "a frame cannot be made writable", code);
            return NULL;
        }
        decoded->format = plain;
        if (full_range) decoded->color_range = AVCOL_RANGE_JPEG;
        return decoded;
    }
    if (p->converted == NULL) {
        p->converted = av_frame_alloc();
        if (p->converted == NULL) {
            fail(&p->errors, "out of memory");
            return NULL;
        }
        p->converted->format = p->work_format;
        p->converted->width = decoded->width;
        p->converted->height = decoded->height;
        int code = av_frame_get_buffer(p->converted, 0);
        if (code < 0) {
            fail_av(&p->errors, "no memory for a converted frame", code);
            return NULL;
        }
    }
    p->scaler = sws_getCachedContext(p->scaler, decoded->width, decoded->height, decoded->format, decoded->width,
                                     decoded->height, p->work_format, SWS_BICUBIC, NULL, NULL, NULL);
    if (p->scaler == NULL) {
        fail(&p->errors, "cannot convert frames from %s", av_get_pix_fmt_name(decoded->format));
        return NULL;
    }
    int code = av_frame_make_writable(p->converted);
    if (code < 0) {
        fail_av(&p->errors, "a frame cannot be made writable", code);
        return NULL;
    }
    sws_scale(p->scaler, (const uint8_t *const *)decoded->data, decoded->linesize, 0, decoded->height,
              p->converted->data, p->converted->linesize);
    av_frame_copy_props(p->converted, decoded);
    return p->converted;
}

static int call_back(Pipeline *p, AVFrame *frame) {
    CAILabel_VideoFrame view;
    memset(&view, 0, sizeof view);
    view.width = frame->width;
    view.height = frame->height;
    const AVPixFmtDescriptor *descriptor = av_pix_fmt_desc_get(frame->format);
    view.chroma_shift_x = descriptor->log2_chroma_w;
    view.chroma_shift_y = descriptor->log2_chroma_h;
    for (int plane = 0; plane < 3; plane++) {
        view.planes[plane] = frame->data[plane];
        view.strides[plane] = frame->linesize[plane];
    }
    view.full_range = p->full_range;
    view.index = p->delivered;
    int64_t pts = frame->best_effort_timestamp;
    if (pts == AV_NOPTS_VALUE) pts = frame->pts;
    int64_t origin = p->start_pts != AV_NOPTS_VALUE ? p->start_pts : 0;
    view.seconds = pts == AV_NOPTS_VALUE ? 0 : (double)(pts - origin) * av_q2d(p->video_in->time_base);
    view.key_frame = frame->key_frame;
    p->delivered++;
    p->info->frames = p->delivered;
    return p->function(p->context, &view);
}

// MARK: Decode

static int decode_frames(Pipeline *p, int (*each)(Pipeline *, AVFrame *)) {
    for (;;) {
        int code = avcodec_receive_frame(p->decoder, p->frame);
        if (code == AVERROR(EAGAIN) || code == AVERROR_EOF) return 1;
        if (code < 0) {
            fail_av(&p->errors, "the video cannot be decoded", code);
            return 0;
        }
        p->decoded++;
        int ok = each(p, p->frame);
        av_frame_unref(p->frame);
        if (!ok || p->stopped) return ok;
    }
}

static int deliver_decoded(Pipeline *p, AVFrame *decoded) {
    if (p->options->max_seconds > 0 && decoded->best_effort_timestamp != AV_NOPTS_VALUE) {
        int64_t origin = p->start_pts != AV_NOPTS_VALUE ? p->start_pts : 0;
        double seconds = (double)(decoded->best_effort_timestamp - origin) * av_q2d(p->video_in->time_base);
        if (seconds > p->options->max_seconds) {
            p->stopped = 1;
            return 1;
        }
    }
    AVFrame *frame = work_frame(p, decoded);
    if (frame == NULL) return 0;
    if (call_back(p, frame) != 0) p->stopped = 1;
    if (p->options->max_frames > 0 && p->delivered >= p->options->max_frames) p->stopped = 1;
    return 1;
}

static void begin(Pipeline *p, char *errbuf, size_t errbuf_len, const CAILabel_VideoOptions *options,
                  CAILabel_VideoFrameFunction function, void *context, CAILabel_VideoInfo *info) {
    memset(p, 0, sizeof *p);
    memset(info, 0, sizeof *info);
    info->crf = -1;
    p->errors.errbuf = errbuf;
    p->errors.errbuf_len = errbuf_len;
    if (errbuf && errbuf_len) errbuf[0] = '\0';
    p->options = options;
    p->function = function;
    p->context = context;
    p->info = info;
    p->video_index = -1;
    install_logging();
    capture_buffer = p->errors.logged;
    capture_length = sizeof p->errors.logged;
}

static CAILabel_Status finish(Pipeline *p, int ok) {
    capture_buffer = NULL;
    capture_length = 0;
    pipeline_free(p);
    if (ok) return CAILabel_OK;
    if (p->errors.limit) return CAILabel_LIMIT_EXCEEDED;
    if (p->errors.errbuf && p->errors.errbuf_len && p->errors.errbuf[0] == '\0') {
        snprintf(p->errors.errbuf, p->errors.errbuf_len, "%s",
                 p->errors.logged[0] ? p->errors.logged : "libav failed without a message");
    }
    return CAILabel_LIBRARY_ERROR;
}

CAILabel_Status CAILabel_video_decode(const char *input_path, const CAILabel_VideoOptions *options,
                                      CAILabel_VideoFrameFunction function, void *context,
                                      CAILabel_VideoInfo *out_info, char *errbuf, size_t errbuf_len) {
    Pipeline pipeline;
    Pipeline *p = &pipeline;
    begin(p, errbuf, errbuf_len, options, function, context, out_info);
    if ((input_path == NULL && (options == NULL || options->reader == NULL)) || options == NULL || function == NULL) {
        fail(&p->errors, "missing argument");
        return finish(p, 0);
    }
    int ok = open_input(p, input_path) && choose_work_format(p, p->decoder->pix_fmt);
    while (ok && !p->stopped) {
        int code = av_read_frame(p->input, p->packet);
        if (code == AVERROR_EOF) break;
        if (code < 0) {
            fail_av(&p->errors, "the file cannot be read", code);
            ok = 0;
            break;
        }
        if (p->packet->stream_index == p->video_index) {
            code = avcodec_send_packet(p->decoder, p->packet);
            if (code < 0 && code != AVERROR(EAGAIN)) {
                fail_av(&p->errors, "the video cannot be decoded", code);
                ok = 0;
            }
            if (ok) ok = decode_frames(p, deliver_decoded);
        }
        av_packet_unref(p->packet);
    }
    if (ok && !p->stopped) {
        avcodec_send_packet(p->decoder, NULL);
        ok = decode_frames(p, deliver_decoded);
    }
    return finish(p, ok);
}

// MARK: Transcode

typedef struct {
    enum AVCodecID codec;
    const char *encoder;
    int crf;
    const char *preset_key;
    const char *preset;
} EncoderChoice;

// The default CRFs: the unbadged area at about 40 dB PSNR or more against the decoded source on
// camera-like content; libx264's is the coarsest that matched quality (matched_crf) picks.
static const EncoderChoice encoder_choices[] = {
    {AV_CODEC_ID_H264, "libx264", 18, "preset", "medium"},
    {AV_CODEC_ID_HEVC, "libx265", 20, "preset", "medium"},
    {AV_CODEC_ID_VP9, "libvpx-vp9", 24, "cpu-used", "4"},
    {AV_CODEC_ID_VP8, "libvpx", 8, "cpu-used", "4"},
    {AV_CODEC_ID_AV1, "libaom-av1", 24, "cpu-used", "6"},
};

static const EncoderChoice *choose_encoder(enum AVCodecID codec, const AVOutputFormat *container) {
    size_t count = sizeof encoder_choices / sizeof encoder_choices[0];
    for (size_t i = 0; i < count; i++) {
        if (encoder_choices[i].codec == codec && avcodec_find_encoder_by_name(encoder_choices[i].encoder)) {
            return &encoder_choices[i];
        }
    }
    // No encoder for the input's codec: H.264, or VP9 where the container is WebM.
    enum AVCodecID fallback = strcmp(container->name, "webm") == 0 ? AV_CODEC_ID_VP9 : AV_CODEC_ID_H264;
    for (size_t i = 0; i < count; i++) {
        if (encoder_choices[i].codec == fallback) return &encoder_choices[i];
    }
    return NULL;
}

static int supports_format(const AVCodec *encoder, enum AVPixelFormat format) {
    if (encoder->pix_fmts == NULL) return 1;
    for (const enum AVPixelFormat *f = encoder->pix_fmts; *f != AV_PIX_FMT_NONE; f++) {
        if (*f == format) return 1;
    }
    return 0;
}

static int copy_side_data(Pipeline *p, const AVStream *from, AVStream *to) {
    for (int i = 0; i < from->nb_side_data; i++) {
        const AVPacketSideData *side = &from->side_data[i];
        uint8_t *copy = av_stream_new_side_data(to, side->type, side->size);
        if (copy == NULL) {
            fail(&p->errors, "out of memory");
            return 0;
        }
        memcpy(copy, side->data, side->size);
    }
    return 1;
}

/// Whether `muxer` writes the container family `demuxer` read: the file's name (a client's, for an upload)
/// only chooses within the family (mp4, mov, m4a or 3gp for an ISO BMFF input); a name ending in .m3u8,
/// .mpd or .jpg must not pick a muxer that writes playlists, segments or images beside the output, nor
/// one of another container than the input's.
static int muxer_fits(const char *muxer, const char *demuxer) {
    static const char *const bmff[] = {"mp4", "mov", "ipod", "3gp", "3g2"};
    if (strstr(demuxer, "mov") != NULL) {
        for (size_t i = 0; i < sizeof bmff / sizeof bmff[0]; i++)
            if (strcmp(muxer, bmff[i]) == 0) return 1;
        return 0;
    }
    if (strstr(demuxer, "matroska") != NULL) return strcmp(muxer, "matroska") == 0 || strcmp(muxer, "webm") == 0;
    return strcmp(muxer, demuxer) == 0;
}

/// The muxer for the output: the one the input's file name suggests when it fits the input's container,
/// else the container's own.
static const AVOutputFormat *output_format(Pipeline *p, const char *input_path) {
    const AVOutputFormat *format = av_guess_format(NULL, input_path, NULL);
    const char *demuxer = p->input->iformat->name;
    if (format == NULL || !muxer_fits(format->name, demuxer)) {
        if (strstr(demuxer, "mov") != NULL) format = av_guess_format("mov", NULL, NULL);
        else if (strstr(demuxer, "matroska") != NULL) format = av_guess_format("matroska", NULL, NULL);
        else format = av_guess_format(demuxer, NULL, NULL);
    }
    return format;
}

static int open_output_file(Pipeline *p, const char *output_path);

/// Opens the new sound track (options->audio_path: the first audio stream of an MP4/M4A file).
static int open_replacement(Pipeline *p) {
    int replaces = p->options->audio_replaces;
    if (replaces >= 0 && ((unsigned)replaces >= p->input->nb_streams ||
                          p->input->streams[replaces]->codecpar->codec_type != AVMEDIA_TYPE_AUDIO)) {
        fail(&p->errors, "stream %d of the file is not an audio stream", replaces);
        return 0;
    }
    AVDictionary *settings = NULL;
    av_dict_set(&settings, "protocol_whitelist", "file", 0);
    av_dict_set(&settings, "format_whitelist", "mov,mp4,m4a,3gp,3g2,mj2", 0);
    int code = avformat_open_input(&p->audio_input, p->options->audio_path, NULL, &settings);
    av_dict_free(&settings);
    if (code < 0) {
        fail_av(&p->errors, "the new sound track cannot be opened", code);
        return 0;
    }
    code = avformat_find_stream_info(p->audio_input, NULL);
    if (code < 0) {
        fail_av(&p->errors, "the new sound track cannot be read", code);
        return 0;
    }
    for (unsigned i = 0; i < p->audio_input->nb_streams; i++) {
        if (p->audio_input->streams[i]->codecpar->codec_type == AVMEDIA_TYPE_AUDIO) {
            p->audio_source = p->audio_input->streams[i];
            break;
        }
    }
    p->audio_packet = av_packet_alloc();
    if (p->audio_source == NULL || p->audio_packet == NULL) {
        fail(&p->errors, p->audio_source == NULL ? "the new sound track holds no audio stream" : "out of memory");
        return 0;
    }
    return 1;
}

/// Sets up `out` to carry the new sound track.
static int replacement_stream(Pipeline *p, AVStream *out) {
    int code = avcodec_parameters_copy(out->codecpar, p->audio_source->codecpar);
    if (code < 0) {
        fail_av(&p->errors, "the new sound track's parameters cannot be copied", code);
        return 0;
    }
    out->codecpar->codec_tag = 0;
    out->time_base = p->audio_source->time_base;
    p->audio_out = out;
    return 1;
}

/// A packet's time in seconds (decode time where there is one).
static double packet_seconds(const AVPacket *packet, AVRational base) {
    int64_t time = packet->dts != AV_NOPTS_VALUE ? packet->dts : packet->pts;
    return time == AV_NOPTS_VALUE ? 0 : (double)time * av_q2d(base);
}

/// Writes the new sound track's packets up to `until` seconds, so that the output is interleaved as it
/// goes (the muxer's buffer stays small) rather than holding one input's packets until the other ends.
static int write_replacement(Pipeline *p, double until) {
    if (p->audio_source == NULL) return 1;
    for (;;) {
        while (!p->audio_pending && !p->audio_finished) {
            int code = av_read_frame(p->audio_input, p->audio_packet);
            if (code == AVERROR_EOF) {
                p->audio_finished = 1;
            } else if (code < 0) {
                fail_av(&p->errors, "the new sound track cannot be read", code);
                return 0;
            } else if (p->audio_packet->stream_index == p->audio_source->index) {
                p->audio_pending = 1;
            } else {
                av_packet_unref(p->audio_packet);
            }
        }
        if (!p->audio_pending || packet_seconds(p->audio_packet, p->audio_source->time_base) > until) return 1;
        av_packet_rescale_ts(p->audio_packet, p->audio_source->time_base, p->audio_out->time_base);
        p->audio_packet->stream_index = p->audio_out->index;
        p->audio_packet->pos = -1;
        p->audio_pending = 0;
        int code = av_interleaved_write_frame(p->output, p->audio_packet);  // takes the packet
        if (code < 0) {
            fail_av(&p->errors, "the new sound track cannot be written", code);
            return 0;
        }
    }
}

// MARK: Matched quality

/// How many frames the source's quality is measured over, and how many packets may be read to find them.
enum { QUALITY_FRAMES = 60, QUALITY_PACKETS = 4000 };

/// The source's quantiser: the mean QP of the first QUALITY_FRAMES frames' P frames (I frames when it has
/// none), from the QPs the H.264 decoder exports (AV_FRAME_DATA_VIDEO_ENC_PARAMS), read through a second
/// opening of the input so that the transcode itself starts at the first packet as before. 0 when nothing
/// was measured (the decoder exported nothing, or nothing decoded): the caller keeps its default.
static double measure_source_qp(Pipeline *p, const char *path, int32_t *frames_measured) {
    *frames_measured = 0;
    AVFormatContext *input = NULL;
    AVCodecContext *decoder = NULL;
    AVPacket *packet = NULL;
    AVFrame *frame = NULL;
    AVIOContext *io = NULL;
    CAILabel_ReaderState state;
    double sums[2] = {0, 0};
    long counts[2] = {0, 0};
    if (CAILabel_open_input(path, p->options->reader, p->input->iformat->name, 0, 0, &state, &io, &input) < 0) goto done;
    if ((unsigned)p->video_index >= input->nb_streams) goto done;
    AVStream *stream = input->streams[p->video_index];
    if (stream->codecpar->codec_id != p->video_in->codecpar->codec_id) goto done;
    const AVCodec *codec = avcodec_find_decoder(stream->codecpar->codec_id);
    if (codec == NULL || (decoder = avcodec_alloc_context3(codec)) == NULL) goto done;
    if (avcodec_parameters_to_context(decoder, stream->codecpar) < 0) goto done;
    decoder->pkt_timebase = stream->time_base;
    decoder->thread_count = 0;
    decoder->max_pixels = p->decoder->max_pixels;
    decoder->export_side_data |= AV_CODEC_EXPORT_DATA_VIDEO_ENC_PARAMS;
    if (avcodec_open2(decoder, codec, NULL) < 0) goto done;
    packet = av_packet_alloc();
    frame = av_frame_alloc();
    if (packet == NULL || frame == NULL) goto done;
    int decoded = 0;
    int ended = 0;
    for (int read = 0; read < QUALITY_PACKETS && decoded < QUALITY_FRAMES && !ended; read++) {
        int ours;
        if (av_read_frame(input, packet) < 0) {
            // A clip shorter than the sample: the frames the decoder still holds.
            ended = 1;
            ours = avcodec_send_packet(decoder, NULL) >= 0;
        } else {
            ours = packet->stream_index == p->video_index && avcodec_send_packet(decoder, packet) >= 0;
            av_packet_unref(packet);
        }
        while (ours && decoded < QUALITY_FRAMES && avcodec_receive_frame(decoder, frame) == 0) {
            if (frame->width != p->info->width || frame->height != p->info->height) {
                av_frame_unref(frame);
                goto done;
            }
            decoded++;
            const AVFrameSideData *side = av_frame_get_side_data(frame, AV_FRAME_DATA_VIDEO_ENC_PARAMS);
            if (side != NULL && side->size >= sizeof(AVVideoEncParams)) {
                const AVVideoEncParams *params = (const AVVideoEncParams *)side->data;
                if (params->type == AV_VIDEO_ENC_PARAMS_H264 &&
                    (params->nb_blocks == 0 ||
                     (params->block_size > 0 && params->blocks_offset <= side->size &&
                      (side->size - params->blocks_offset) / params->block_size >= params->nb_blocks))) {
                    double qp = params->qp;
                    if (params->nb_blocks > 0) {
                        double deltas = 0;
                        for (unsigned b = 0; b < params->nb_blocks; b++) deltas += av_video_enc_params_block((AVVideoEncParams *)params, b)->delta_qp;
                        qp += deltas / params->nb_blocks;
                    }
                    int kind = frame->pict_type == AV_PICTURE_TYPE_P ? 1 : frame->pict_type == AV_PICTURE_TYPE_I ? 0 : -1;
                    if (kind >= 0 && isfinite(qp)) {
                        sums[kind] += qp;
                        counts[kind]++;
                    }
                }
            }
            av_frame_unref(frame);
        }
    }
    *frames_measured = decoded;
done:
    av_frame_free(&frame);
    av_packet_free(&packet);
    avcodec_free_context(&decoder);
    if (input) avformat_close_input(&input);
    CAILabel_reader_io_free(&io);
    // libav may have logged while measuring; the transcode's own messages start afresh.
    p->errors.logged[0] = '\0';
    if (counts[1] > 0) return sums[1] / counts[1];
    if (counts[0] > 0) return sums[0] / counts[0];
    return 0;
}

/// The constant rate factor that keeps the source's quality: libx264 on an H.264 source, three below the
/// source's P-frame QP (a re-encode at the source's own QP loses as much again as the source's encode
/// did, and the watermark's texture raises x264's QP by about two at a given CRF), never coarser than
/// the default 18 nor finer than 12 (Benchmarks/video/RESULTS.md). Other encoders and codecs keep their
/// default: the HEVC decoder exports no QPs, and VP9's quantiser index is on another scale.
static int matched_crf(Pipeline *p, const EncoderChoice *choice, const char *input_path) {
    if (p->options->crf >= 0) return p->options->crf;
    if (strcmp(choice->encoder, "libx264") != 0 || p->video_in->codecpar->codec_id != AV_CODEC_ID_H264) return choice->crf;
    double qp = measure_source_qp(p, input_path, &p->info->quality_frames);
    p->info->source_qp = qp;
    if (qp <= 0) return choice->crf;
    long crf = lround(qp) - 3;
    if (crf > choice->crf) crf = choice->crf;
    if (crf < 12) crf = 12;
    return (int)crf;
}

static int open_output(Pipeline *p, const char *input_path, const char *output_path) {
    const AVOutputFormat *container = output_format(p, input_path);
    if (container == NULL) {
        fail(&p->errors, "no muxer writes the %s container", p->input->iformat->name);
        return 0;
    }
    int code = avformat_alloc_output_context2(&p->output, container, NULL, output_path);
    if (code < 0 || p->output == NULL) {
        fail_av(&p->errors, "the output cannot be set up", code < 0 ? code : AVERROR(ENOMEM));
        return 0;
    }
    int copy = p->options->copy_video;
    const EncoderChoice *choice = NULL;
    const AVCodec *encoder = NULL;
    if (!copy) {
        choice = choose_encoder(p->video_in->codecpar->codec_id, container);
        encoder = choice ? avcodec_find_encoder_by_name(choice->encoder) : NULL;
        if (encoder == NULL) {
            fail(&p->errors, "no video encoder is available");
            return 0;
        }
        snprintf(p->info->encoder, sizeof p->info->encoder, "%s", encoder->name);
        if (!supports_format(encoder, p->work_format)) {
            p->work_format = AV_PIX_FMT_YUV420P;
            p->info->converted = 1;
        }
    }

    p->stream_map = av_malloc_array(p->input->nb_streams, sizeof(int));
    if (p->stream_map == NULL) {
        fail(&p->errors, "out of memory");
        return 0;
    }
    for (unsigned i = 0; i < p->input->nb_streams; i++) p->stream_map[i] = -1;

    for (unsigned i = 0; i < p->input->nb_streams; i++) {
        AVStream *in = p->input->streams[i];
        AVStream *out = avformat_new_stream(p->output, NULL);
        if (out == NULL) {
            fail(&p->errors, "out of memory");
            return 0;
        }
        p->stream_map[i] = out->index;
        out->time_base = in->time_base;
        out->disposition = in->disposition;
        out->avg_frame_rate = in->avg_frame_rate;
        out->r_frame_rate = in->r_frame_rate;
        out->sample_aspect_ratio = in->sample_aspect_ratio;
        av_dict_copy(&out->metadata, in->metadata, 0);
        if (p->audio_source != NULL && (int)i == p->options->audio_replaces) {
            // The new sound track takes this stream's place (its language and disposition kept); the
            // input's packets of it are dropped.
            p->stream_map[i] = -1;
            if (!replacement_stream(p, out)) return 0;
            continue;
        }
        if (!copy_side_data(p, in, out)) return 0;
        if ((int)i == p->video_index && !copy) {
            p->video_out = out;
            continue;
        }
        code = avcodec_parameters_copy(out->codecpar, in->codecpar);
        if (code < 0) {
            fail_av(&p->errors, "a stream's parameters cannot be copied", code);
            return 0;
        }
        // The input's tag may mean nothing in the output container; the muxer picks its own. A copied
        // video keeps its tag where the container knows it (hvc1 stays hvc1, as ffmpeg -c copy does).
        unsigned int tag = 0;
        const struct AVCodecTag *const *tags = p->output->oformat->codec_tag;
        if (!(copy && (int)i == p->video_index) ||
            (tags && av_codec_get_id(tags, in->codecpar->codec_tag) != in->codecpar->codec_id &&
             av_codec_get_tag2(tags, in->codecpar->codec_id, &tag))) {
            out->codecpar->codec_tag = 0;
        }
        p->info->copied_streams++;
    }
    if (p->audio_source != NULL && p->options->audio_replaces < 0) {
        // A video without sound gets one: the new track is added after the others.
        AVStream *out = avformat_new_stream(p->output, NULL);
        if (out == NULL) {
            fail(&p->errors, "out of memory");
            return 0;
        }
        out->disposition = AV_DISPOSITION_DEFAULT;
        if (!replacement_stream(p, out)) return 0;
    }
    av_dict_copy(&p->output->metadata, p->input->metadata, 0);
    if (copy) return open_output_file(p, output_path);

    // The encoder: the input's size, time base, frame rate, aspect ratio and colour description.
    p->encoder = avcodec_alloc_context3(encoder);
    if (p->encoder == NULL) {
        fail(&p->errors, "out of memory");
        return 0;
    }
    AVCodecParameters *source = p->video_in->codecpar;
    p->encoder->width = source->width;
    p->encoder->height = source->height;
    p->encoder->pix_fmt = p->work_format;
    p->encoder->time_base = p->video_in->time_base;
    p->encoder->framerate = av_guess_frame_rate(p->input, p->video_in, NULL);
    p->encoder->sample_aspect_ratio = source->sample_aspect_ratio;
    p->encoder->color_primaries = source->color_primaries;
    p->encoder->color_trc = source->color_trc;
    p->encoder->colorspace = source->color_space;
    p->encoder->color_range = p->full_range ? AVCOL_RANGE_JPEG : source->color_range;
    p->encoder->chroma_sample_location = source->chroma_location;
    p->encoder->field_order = source->field_order;
    p->encoder->thread_count = 0;
    if (p->output->oformat->flags & AVFMT_GLOBALHEADER) p->encoder->flags |= AV_CODEC_FLAG_GLOBAL_HEADER;
    AVDictionary *settings = NULL;
    char crf[16];
    p->info->crf = matched_crf(p, choice, input_path);
    snprintf(crf, sizeof crf, "%d", p->info->crf);
    av_dict_set(&settings, "crf", crf, 0);
    av_dict_set(&settings, choice->preset_key, p->options->preset ? p->options->preset : choice->preset, 0);
    if (strcmp(choice->encoder, "libx265") == 0) av_dict_set(&settings, "x265-params", "log-level=none", 0);
    if (strcmp(choice->encoder, "libvpx-vp9") == 0 || strcmp(choice->encoder, "libvpx") == 0) {
        av_dict_set(&settings, "b", "0", 0);
        av_dict_set(&settings, "deadline", "good", 0);
        av_dict_set(&settings, "row-mt", "1", 0);
    }
    if (strcmp(choice->encoder, "libvpx") == 0) av_dict_set(&settings, "b", "20M", 0);
    if (strcmp(choice->encoder, "libaom-av1") == 0) {
        av_dict_set(&settings, "b", "0", 0);
        av_dict_set(&settings, "row-mt", "1", 0);
    }
    code = avcodec_open2(p->encoder, encoder, &settings);
    av_dict_free(&settings);
    if (code < 0) {
        fail_av(&p->errors, "the video encoder cannot start", code);
        return 0;
    }
    code = avcodec_parameters_from_context(p->video_out->codecpar, p->encoder);
    if (code < 0) {
        fail_av(&p->errors, "the encoder's parameters cannot be stored", code);
        return 0;
    }
    p->video_out->codecpar->color_range = p->encoder->color_range;
    return open_output_file(p, output_path);
}

/// Creates the output file and writes its header.
static int open_output_file(Pipeline *p, const char *output_path) {
    int code;
    if (!(p->output->oformat->flags & AVFMT_NOFILE)) {
        code = avio_open(&p->output->pb, output_path, AVIO_FLAG_WRITE);
        if (code < 0) {
            fail_av(&p->errors, "the output cannot be created", code);
            return 0;
        }
    }
    code = avformat_write_header(p->output, NULL);
    if (code < 0) {
        fail_av(&p->errors, "the output's header cannot be written", code);
        return 0;
    }
    p->encoded = av_packet_alloc();
    if (p->encoded == NULL) {
        fail(&p->errors, "out of memory");
        return 0;
    }
    return 1;
}

static int drain_encoder(Pipeline *p) {
    for (;;) {
        int code = avcodec_receive_packet(p->encoder, p->encoded);
        if (code == AVERROR(EAGAIN) || code == AVERROR_EOF) return 1;
        if (code < 0) {
            fail_av(&p->errors, "the video cannot be encoded", code);
            return 0;
        }
        av_packet_rescale_ts(p->encoded, p->encoder->time_base, p->video_out->time_base);
        p->encoded->stream_index = p->video_out->index;
        code = av_interleaved_write_frame(p->output, p->encoded);
        if (code < 0) {
            fail_av(&p->errors, "the output cannot be written", code);
            return 0;
        }
    }
}

static int encode_decoded(Pipeline *p, AVFrame *decoded) {
    AVFrame *frame = work_frame(p, decoded);
    if (frame == NULL) return 0;
    if (call_back(p, frame) != 0) {
        fail(&p->errors, "stopped by the frame callback");
        return 0;
    }
    // Keep the source's timestamps; a missing or repeated one follows the last by one tick.
    int64_t pts = decoded->best_effort_timestamp;
    if (pts == AV_NOPTS_VALUE) pts = decoded->pts;
    if (pts == AV_NOPTS_VALUE || (p->last_pts != AV_NOPTS_VALUE && pts <= p->last_pts)) {
        pts = p->last_pts == AV_NOPTS_VALUE ? 0 : p->last_pts + 1;
    }
    p->last_pts = pts;
    frame->pts = pts;
    frame->pict_type = AV_PICTURE_TYPE_NONE;
    frame->format = p->work_format;
    frame->color_range = p->encoder->color_range;
    int code = avcodec_send_frame(p->encoder, frame);
    if (code < 0) {
        fail_av(&p->errors, "the video cannot be encoded", code);
        return 0;
    }
    return drain_encoder(p);
}

CAILabel_Status CAILabel_video_transcode(const char *input_path, const char *output_path,
                                         const CAILabel_VideoOptions *options,
                                         CAILabel_VideoFrameFunction function, void *context,
                                         CAILabel_VideoInfo *out_info, char *errbuf, size_t errbuf_len) {
    Pipeline pipeline;
    Pipeline *p = &pipeline;
    begin(p, errbuf, errbuf_len, options, function, context, out_info);
    if (input_path == NULL || output_path == NULL || options == NULL) {
        fail(&p->errors, "missing argument");
        return finish(p, 0);
    }
    int copy = options->copy_video;
    if (function == NULL && !copy) {
        fail(&p->errors, "missing argument");
        return finish(p, 0);
    }
    int ok = open_input(p, input_path) && (copy || choose_work_format(p, p->decoder->pix_fmt));
    if (ok && p->packet == NULL && (p->packet = av_packet_alloc()) == NULL) {  // copy mode: open_input made none
        fail(&p->errors, "out of memory");
        ok = 0;
    }
    if (ok && options->audio_path != NULL) ok = open_replacement(p);
    if (ok && !copy) {
        for (unsigned i = 0; i < p->input->nb_streams; i++) {
            AVStream *stream = p->input->streams[i];
            if ((int)i != p->video_index && stream->codecpar->codec_type == AVMEDIA_TYPE_VIDEO &&
                !(stream->disposition & AV_DISPOSITION_ATTACHED_PIC)) {
                fail(&p->errors, "the file has more than one video stream (streams %d and %u); only one can be marked",
                     p->video_index, i);
                ok = 0;
                break;
            }
        }
    }
    if (ok) ok = open_output(p, input_path, output_path);
    while (ok) {
        int code = av_read_frame(p->input, p->packet);
        if (code == AVERROR_EOF) break;
        if (code < 0) {
            fail_av(&p->errors, "the file cannot be read", code);
            ok = 0;
            break;
        }
        int index = p->packet->stream_index;
        if (index >= 0 && (unsigned)index < p->input->nb_streams &&
            !write_replacement(p, packet_seconds(p->packet, p->input->streams[index]->time_base))) {
            av_packet_unref(p->packet);
            ok = 0;
            break;
        }
        if (index == p->video_index && !copy) {
            code = avcodec_send_packet(p->decoder, p->packet);
            if (code < 0 && code != AVERROR(EAGAIN)) {
                fail_av(&p->errors, "the video cannot be decoded", code);
                ok = 0;
            }
            if (ok) ok = decode_frames(p, encode_decoded);
        } else if (index >= 0 && (unsigned)index < p->input->nb_streams && p->stream_map[index] >= 0) {
            AVStream *in = p->input->streams[index];
            AVStream *out = p->output->streams[p->stream_map[index]];
            av_packet_rescale_ts(p->packet, in->time_base, out->time_base);
            p->packet->stream_index = out->index;
            p->packet->pos = -1;
            code = av_interleaved_write_frame(p->output, p->packet);
            if (code < 0) {
                fail_av(&p->errors, "a copied stream cannot be written", code);
                ok = 0;
            }
        }
        av_packet_unref(p->packet);
    }
    if (ok && !copy) {
        avcodec_send_packet(p->decoder, NULL);
        ok = decode_frames(p, encode_decoded);
    }
    if (ok && !copy && p->delivered == 0) {
        fail(&p->errors, "the video stream has no frame that decodes");
        ok = 0;
    }
    if (ok && !copy) {
        int code = avcodec_send_frame(p->encoder, NULL);
        if (code < 0) {
            fail_av(&p->errors, "the encoder cannot be flushed", code);
            ok = 0;
        }
        if (ok) ok = drain_encoder(p);
    }
    if (ok) ok = write_replacement(p, INFINITY);
    if (ok) {
        int code = av_write_trailer(p->output);
        if (code < 0) {
            fail_av(&p->errors, "the output cannot be finished", code);
            ok = 0;
        }
    }
    return finish(p, ok);
}
