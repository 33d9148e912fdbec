// The forwarding `stderr` of CAILabelShims_stderr.h: a glibc cookie stream, unbuffered, whose write
// function either appends to the calling thread's capture or writes to descriptor 2.
#define _GNU_SOURCE
#include "CAILabelShims.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static _Thread_local int capturing;
static _Thread_local size_t captured_count;
static _Thread_local size_t kept_length;
static _Thread_local char kept[CAILabel_STDERR_CAPTURE_LIMIT];

static pthread_once_t install_once = PTHREAD_ONCE_INIT;
static int installed;

static ssize_t forward_write(void *cookie, const char *buffer, size_t size) {
    (void)cookie;
    if (capturing) {
        captured_count += size;
        size_t room = sizeof(kept) - 1 - kept_length;
        size_t taken = size < room ? size : room;
        memcpy(kept + kept_length, buffer, taken);
        kept_length += taken;
        return (ssize_t)size;
    }
    size_t written = 0;
    while (written < size) {
        ssize_t count = write(STDERR_FILENO, buffer + written, size - written);
        if (count < 0) {
            if (errno == EINTR) continue;
            // Standard error is closed or broken: the text is dropped, as a failed fprintf would drop it.
            return written > 0 ? (ssize_t)written : -1;
        }
        written += (size_t)count;
    }
    return (ssize_t)written;
}

static void install(void) {
    cookie_io_functions_t functions = {.read = NULL, .write = forward_write, .seek = NULL, .close = NULL};
    FILE *stream = fopencookie(NULL, "w", functions);
    if (stream == NULL) return;
    // Unbuffered like the stream it replaces: each fprintf reaches descriptor 2 (or the capture) at once.
    setvbuf(stream, NULL, _IONBF, 0);
    fflush(stderr);
    // glibc's stdin, stdout and stderr are ordinary variables a program may set; libraries that print
    // with fprintf(stderr, ...) read it at each call. The old stream stays open (descriptor 2 is shared).
    stderr = stream;
    installed = 1;
}

int CAILabel_stderr_capture_begin(void) {
    pthread_once(&install_once, install);
    if (!installed) return -1;
    if (capturing) return 1;
    capturing = 1;
    captured_count = 0;
    kept_length = 0;
    return 0;
}

size_t CAILabel_stderr_capture_end(char *text, size_t capacity) {
    capturing = 0;
    if (text != NULL && capacity > 0) {
        size_t length = kept_length < capacity - 1 ? kept_length : capacity - 1;
        memcpy(text, kept, length);
        text[length] = '\0';
    }
    size_t count = captured_count;
    captured_count = 0;
    kept_length = 0;
    return count;
}
