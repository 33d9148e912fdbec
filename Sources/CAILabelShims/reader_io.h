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

#endif
