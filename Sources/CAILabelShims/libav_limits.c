// Process-wide limits on FFmpeg's libraries, set once before the first libav call of the video and
// audio shims.
#include "reader_io.h"

#include <libavutil/mem.h>
#include <pthread.h>

// The largest single buffer a frame within ailabel's video limit can need (VideoLimits: 8192² pixels):
// 16-bit RGBA, 8 bytes a pixel, and an eighth more for libav's stride alignment, as its `max_pixels`
// gets. libav's default is INT_MAX: its demuxers allocate what a header declares before reading it
// (a WAV `LIST`/`INFO` entry declaring 2 GB in a 2 KB file was zeroed in full), so without this bound
// a few bytes could take 2 GB at once. Past it av_malloc returns NULL, and the demuxer or decoder fails
// (ENOMEM, or "invalid data" where it maps the failure so), which the shims report as FFmpeg's reason.
#define CAILABEL_LIBAV_MAX_ALLOC ((size_t)8192 * 8192 * 8 * 9 / 8)  // 576 MiB

static pthread_once_t libav_once = PTHREAD_ONCE_INIT;

static void apply_limits(void) { av_max_alloc(CAILABEL_LIBAV_MAX_ALLOC); }

void CAILabel_libav_setup(void) { pthread_once(&libav_once, apply_limits); }

int CAILabel_libav_refuse_open(AVFormatContext *context, AVIOContext **io, const char *url, int flags, AVDictionary **options) {
    (void)context;
    (void)io;
    (void)url;
    (void)flags;
    (void)options;
    return AVERROR(EPERM);
}
