// libav input through a CAILabel_Reader (shared by the video and audio shims; not part of the module's API).
#ifndef CAILABEL_READER_IO_H
#define CAILABEL_READER_IO_H

#include <libavformat/avformat.h>

#include "CAILabelShims.h"

/// Where a reader-backed AVIOContext is in its input.
typedef struct {
    CAILabel_Reader reader;
    int64_t position;
} CAILabel_ReaderState;

/// A seekable AVIOContext reading through `state` (AVSEEK_SIZE answers the reader's length), or NULL
/// when out of memory. `state` must outlive it; release it with CAILabel_reader_io_free.
AVIOContext *CAILabel_reader_io(CAILabel_ReaderState *state);

/// Frees the context and its buffer (after the AVFormatContext using it is closed).
void CAILabel_reader_io_free(AVIOContext **io);

/// Opens an input for libav: the bytes of `reader` when it is given (then `path` only names it and is
/// never opened), else `path` through the `file` protocol only; with only the demuxers in `formats`,
/// so a playlist or concat script cannot make libav open other files or URLs named inside. `probe_bytes`
/// and `analyze_seconds` bound the stream probe (0: libav's defaults). On success `*out` is the opened
/// context and `*io` the reader's context (NULL for a path), freed with CAILabel_reader_io_free after
/// `*out` is closed; returns 0, or libav's error code (AVERROR(ENOMEM) when out of memory), with
/// nothing left to free.
int CAILabel_open_input(const char *path, const CAILabel_Reader *reader, const char *formats, int64_t probe_bytes,
                        int64_t analyze_seconds, CAILabel_ReaderState *state, AVIOContext **io, AVFormatContext **out);

/// Sets libav's process-wide limits (the largest single allocation, libav_limits.c) once; every shim
/// entry point calls it before its first libav call.
void CAILabel_libav_setup(void);

/// An AVFormatContext `io_open` that opens nothing: set on an input read from the caller's bytes, so a
/// demuxer that names other files or URLs inside its input (a playlist, a concat script, a movie's data
/// references) cannot read them.
int CAILabel_libav_refuse_open(AVFormatContext *context, AVIOContext **io, const char *url, int flags, AVDictionary **options);

#endif
