// libav reading a movie through the caller (CAILabel_Reader): the bytes ailabel parsed, never a file
// opened again by a name that may be a client's.
#include "reader_io.h"

static int reader_read(void *opaque, uint8_t *buffer, int wanted) {
    CAILabel_ReaderState *state = opaque;
    if (state->position >= state->reader.length) return AVERROR_EOF;
    int64_t left = state->reader.length - state->position;
    int32_t size = (int64_t)wanted < left ? wanted : (int32_t)left;
    int64_t got = state->reader.read(state->reader.context, buffer, state->position, size);
    if (got < 0 || got > size) return AVERROR(EIO);
    if (got == 0) return AVERROR_EOF;
    state->position += got;
    return (int)got;
}

static int64_t reader_seek(void *opaque, int64_t offset, int whence) {
    CAILabel_ReaderState *state = opaque;
    whence &= ~AVSEEK_FORCE;
    if (whence == AVSEEK_SIZE) return state->reader.length;
    int64_t base = whence == SEEK_CUR ? state->position : whence == SEEK_END ? state->reader.length : 0;
    if ((offset > 0 && base > INT64_MAX - offset) || (offset < 0 && base < INT64_MIN - offset)) return AVERROR(EINVAL);
    int64_t target = base + offset;
    if (target < 0 || target > state->reader.length) return AVERROR(EINVAL);
    state->position = target;
    return target;
}

AVIOContext *CAILabel_reader_io(CAILabel_ReaderState *state) {
    if (state == NULL || state->reader.read == NULL || state->reader.length < 0) return NULL;
    unsigned char *buffer = av_malloc(65536);
    if (buffer == NULL) return NULL;
    AVIOContext *io = avio_alloc_context(buffer, 65536, 0, state, reader_read, NULL, reader_seek);
    if (io == NULL) av_free(buffer);
    return io;
}

void CAILabel_reader_io_free(AVIOContext **io) {
    if (io == NULL || *io == NULL) return;
    av_freep(&(*io)->buffer);
    avio_context_free(io);
}

int CAILabel_open_input(const char *path, const CAILabel_Reader *reader, const char *formats, int64_t probe_bytes,
                        int64_t analyze_seconds, CAILabel_ReaderState *state, AVIOContext **io, AVFormatContext **out) {
    *io = NULL;
    *out = NULL;
    AVFormatContext *input = avformat_alloc_context();
    if (input == NULL) return AVERROR(ENOMEM);
    if (reader != NULL) {
        state->reader = *reader;
        state->position = 0;
        *io = CAILabel_reader_io(state);
        if (*io == NULL) {
            avformat_free_context(input);
            return AVERROR(ENOMEM);
        }
        input->pb = *io;
        input->flags |= AVFMT_FLAG_CUSTOM_IO;
        input->io_open = CAILabel_libav_refuse_open;  // the bytes given are all that is read
        path = NULL;
    }
    if (probe_bytes > 0) input->probesize = probe_bytes;
    if (analyze_seconds > 0) input->max_analyze_duration = analyze_seconds * AV_TIME_BASE;
    AVDictionary *settings = NULL;
    av_dict_set(&settings, "protocol_whitelist", "file", 0);
    av_dict_set(&settings, "format_whitelist", formats, 0);
    int code = avformat_open_input(&input, path, NULL, &settings);  // frees `input` on failure
    av_dict_free(&settings);
    if (code < 0) {
        CAILabel_reader_io_free(io);
        return code;
    }
    *out = input;
    return 0;
}
