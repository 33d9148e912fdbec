// What a library prints to standard error, caught on the calling thread.
//
// Some libraries print their failures instead of returning them: Debian's libjxl (0.7, built with its
// failure messages on) writes every JXL_FAILURE ("./lib/jxl/decode.cc:2143: missing input") with
// fprintf(stderr, ...) and has no hook to turn it off. Printed, a hostile file's text would land above
// ailabel's own record, unescaped. So the C `stderr` stream becomes one that forwards to descriptor 2
// unchanged, except on a thread inside CAILabel_stderr_capture_begin/end, where the text is kept
// (bounded) for the caller to put in its error message.
#ifndef CAILABEL_SHIMS_STDERR_H
#define CAILABEL_SHIMS_STDERR_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/// The most text one capture keeps; the rest is counted, not kept.
#define CAILabel_STDERR_CAPTURE_LIMIT 1024

/// Starts keeping what this thread writes to `stderr` (installing the forwarding stream on first use).
/// Returns 0; 1 when this thread is already capturing (the outer capture keeps the text, and only it
/// ends); -1 when the stream could not be installed (output then goes to standard error as before).
int CAILabel_stderr_capture_begin(void);

/// Stops keeping this thread's `stderr` text; copies what was kept (at most `capacity - 1` bytes, NUL
/// ended) to `text` and returns the number of bytes written to `stderr` since the capture began.
size_t CAILabel_stderr_capture_end(char *text, size_t capacity);

#ifdef __cplusplus
}
#endif

#endif
