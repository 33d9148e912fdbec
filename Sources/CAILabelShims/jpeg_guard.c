// libjpeg(-turbo) operations, each whole inside one setjmp frame (see CAILabelShims.h for why).
#include "CAILabelShims.h"

// jpeglib.h needs size_t and FILE declared before it.
#include <stdio.h>
#include <stddef.h>
#include <jpeglib.h>
#include <jerror.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>

// A progressive JPEG may declare any number of scans, each of which makes libjpeg walk the whole
// coefficient buffer: a few kilobytes of scans can cost minutes. Real encoders write about ten.
#define CAILABEL_JPEG_MAX_SCANS 500
// Memory libjpeg may use for its own buffers (the coefficient buffer of a progressive image).
#define CAILABEL_JPEG_MAX_MEMORY (1024L * 1024L * 1024L)

// The error manager must be the first member so libjpeg's `err` pointer can be cast back to it.
typedef struct {
    struct jpeg_error_mgr manager;
    jmp_buf jump;
    char *errbuf;
    size_t errbuf_len;
    int warnings;
    int fatal_warning;
    int lenient;
} GuardedErrors;

typedef struct {
    struct jpeg_progress_mgr manager;
    j_decompress_ptr cinfo;
} ScanLimiter;

_Static_assert(offsetof(GuardedErrors, manager) == 0, "jpeg_error_mgr must be the first member");

static void store_message(j_common_ptr cinfo) {
    GuardedErrors *guard = (GuardedErrors *)cinfo->err;
    if (guard->errbuf == NULL || guard->errbuf_len == 0) return;
    char message[JMSG_LENGTH_MAX];
    (*cinfo->err->format_message)(cinfo, message);
    strncpy(guard->errbuf, message, guard->errbuf_len - 1);
    guard->errbuf[guard->errbuf_len - 1] = '\0';
}

static void on_error_exit(j_common_ptr cinfo) {
    store_message(cinfo);
    longjmp(((GuardedErrors *)cinfo->err)->jump, 1);
}

// libjpeg's default prints warnings to stderr. A truncated file only warns (and fills grey), which
// would silently pass a damaged image, so "premature end" and corrupt-data warnings become errors.
static void on_emit_message(j_common_ptr cinfo, int level) {
    GuardedErrors *guard = (GuardedErrors *)cinfo->err;
    if (level < 0) {
        guard->warnings += 1;
        int code = cinfo->err->msg_code;
        if (!guard->lenient && (code == JWRN_JPEG_EOF || code == JWRN_HIT_MARKER)) {
            guard->fatal_warning = 1;
            store_message(cinfo);
            longjmp(guard->jump, 1);
        }
    }
}

static void on_output_message(j_common_ptr cinfo) { (void)cinfo; }

static void limit_scans(j_common_ptr common) {
    ScanLimiter *limiter = (ScanLimiter *)common->progress;
    j_decompress_ptr cinfo = limiter->cinfo;
    if (cinfo->input_scan_number > CAILABEL_JPEG_MAX_SCANS) {
        GuardedErrors *guard = (GuardedErrors *)common->err;
        if (guard->errbuf && guard->errbuf_len) {
            strncpy(guard->errbuf, "too many progressive scans", guard->errbuf_len - 1);
            guard->errbuf[guard->errbuf_len - 1] = '\0';
        }
        longjmp(guard->jump, 1);
    }
}

static void install_errors(GuardedErrors *guard, char *errbuf, size_t errbuf_len) {
    memset(guard, 0, sizeof(*guard));
    jpeg_std_error(&guard->manager);
    guard->manager.error_exit = on_error_exit;
    guard->manager.emit_message = on_emit_message;
    guard->manager.output_message = on_output_message;
    guard->errbuf = errbuf;
    guard->errbuf_len = errbuf_len;
    if (errbuf && errbuf_len) errbuf[0] = '\0';
}

static inline uint8_t clamp_byte(int value) { return value < 0 ? 0 : (value > 255 ? 255 : (uint8_t)value); }

CAILabel_Status CAILabel_jpeg_decode(const void *bytes, size_t count, uint64_t max_pixels, int lenient,
                                     uint8_t **out_pixels, CAILabel_ImageInfo *out_info,
                                     char *errbuf, size_t errbuf_len) {
    if (bytes == NULL || out_pixels == NULL || out_info == NULL) return CAILabel_BAD_ARGUMENT;
    if (count == 0 || count > (size_t)0xFFFFFFFFu) return CAILabel_BAD_ARGUMENT;
    *out_pixels = NULL;
    memset(out_info, 0, sizeof(*out_info));

    struct jpeg_decompress_struct cinfo;
    GuardedErrors guard;
    ScanLimiter limiter;
    install_errors(&guard, errbuf, errbuf_len);
    guard.lenient = lenient;
    uint8_t *volatile pixels = NULL;
    JSAMPLE *volatile scanline = NULL;
    volatile CAILabel_Status failure = CAILabel_LIBRARY_ERROR;

    cinfo.err = &guard.manager;
    if (setjmp(guard.jump)) {
        free(scanline);
        free(pixels);
        jpeg_destroy_decompress(&cinfo);
        return failure;
    }
    jpeg_create_decompress(&cinfo);
    cinfo.mem->max_memory_to_use = CAILABEL_JPEG_MAX_MEMORY;
    limiter.manager.progress_monitor = limit_scans;
    limiter.cinfo = &cinfo;
    cinfo.progress = &limiter.manager;
    jpeg_mem_src(&cinfo, (const unsigned char *)bytes, (unsigned long)count);
    jpeg_read_header(&cinfo, TRUE);

    out_info->width = cinfo.image_width;
    out_info->height = cinfo.image_height;
    out_info->source_channels = cinfo.num_components;
    out_info->bit_depth = cinfo.data_precision;
    out_info->color_type = (int32_t)cinfo.jpeg_color_space;
    if ((uint64_t)cinfo.image_width * (uint64_t)cinfo.image_height > max_pixels) {
        failure = CAILabel_LIMIT_EXCEEDED;
        if (errbuf && errbuf_len) {
            strncpy(errbuf, "image is larger than the pixel limit", errbuf_len - 1);
            errbuf[errbuf_len - 1] = '\0';
        }
        longjmp(guard.jump, 1);
    }

    int cmyk = cinfo.jpeg_color_space == JCS_CMYK || cinfo.jpeg_color_space == JCS_YCCK;
    cinfo.out_color_space = cmyk ? JCS_CMYK : JCS_RGB;
    jpeg_start_decompress(&cinfo);

    size_t width = cinfo.output_width;
    size_t height = cinfo.output_height;
    size_t components = (size_t)cinfo.output_components;
    pixels = (uint8_t *)malloc(width * height * 3);
    scanline = (JSAMPLE *)malloc(width * components);
    if (pixels == NULL || scanline == NULL) {
        failure = CAILabel_ALLOC_FAILED;
        if (errbuf && errbuf_len) {
            strncpy(errbuf, "out of memory", errbuf_len - 1);
            errbuf[errbuf_len - 1] = '\0';
        }
        longjmp(guard.jump, 1);
    }
    // Adobe writes CMYK inverted (APP14 present); libjpeg reports that through saw_Adobe_marker.
    int inverted = cinfo.saw_Adobe_marker;
    while (cinfo.output_scanline < cinfo.output_height) {
        size_t y = cinfo.output_scanline;
        JSAMPROW row = scanline;
        if (jpeg_read_scanlines(&cinfo, &row, 1) != 1) {
            if (errbuf && errbuf_len) {
                strncpy(errbuf, "scanline could not be read", errbuf_len - 1);
                errbuf[errbuf_len - 1] = '\0';
            }
            longjmp(guard.jump, 1);
        }
        uint8_t *out = pixels + y * width * 3;
        if (cmyk) {
            for (size_t x = 0; x < width; x++) {
                int c = scanline[4 * x], m = scanline[4 * x + 1], yy = scanline[4 * x + 2], k = scanline[4 * x + 3];
                if (!inverted) { c = 255 - c; m = 255 - m; yy = 255 - yy; k = 255 - k; }
                // Inverted CMYK: value = (255 - ink); RGB = value * (255 - k_ink) / 255.
                out[3 * x] = clamp_byte(c * k / 255);
                out[3 * x + 1] = clamp_byte(m * k / 255);
                out[3 * x + 2] = clamp_byte(yy * k / 255);
            }
        } else {
            memcpy(out, scanline, width * 3);
        }
    }
    jpeg_finish_decompress(&cinfo);
    out_info->channels = 3;
    out_info->warnings = guard.warnings;
    free(scanline);
    jpeg_destroy_decompress(&cinfo);
    *out_pixels = pixels;
    return CAILabel_OK;
}

CAILabel_Status CAILabel_jpeg_encode(const void *pixels, uint32_t width, uint32_t height, int32_t channels,
                                     int32_t quality, int32_t h_sampling, int32_t v_sampling,
                                     uint8_t **out_bytes, size_t *out_count,
                                     char *errbuf, size_t errbuf_len) {
    if (pixels == NULL || out_bytes == NULL || out_count == NULL) return CAILabel_BAD_ARGUMENT;
    if ((channels != 1 && channels != 3) || width == 0 || height == 0 || width > 65500 || height > 65500)
        return CAILabel_BAD_ARGUMENT;
    if (quality < 1 || quality > 100) return CAILabel_BAD_ARGUMENT;
    if (h_sampling < 1 || h_sampling > 2 || v_sampling < 1 || v_sampling > 2) return CAILabel_BAD_ARGUMENT;
    *out_bytes = NULL;
    *out_count = 0;

    struct jpeg_compress_struct cinfo;
    GuardedErrors guard;
    install_errors(&guard, errbuf, errbuf_len);
    // libjpeg stores the growing output buffer through this pointer, so it lives in memory and is
    // current after a longjmp; jpeg_destroy_compress does not free it.
    unsigned char *destination = NULL;
    unsigned long buffer_size = 0;

    cinfo.err = &guard.manager;
    if (setjmp(guard.jump)) {
        jpeg_destroy_compress(&cinfo);
        free(destination);
        return CAILabel_LIBRARY_ERROR;
    }
    jpeg_create_compress(&cinfo);
    jpeg_mem_dest(&cinfo, &destination, &buffer_size);
    cinfo.image_width = width;
    cinfo.image_height = height;
    cinfo.input_components = channels;
    cinfo.in_color_space = channels == 3 ? JCS_RGB : JCS_GRAYSCALE;
    jpeg_set_defaults(&cinfo);
    jpeg_set_quality(&cinfo, quality, TRUE);
    if (channels == 3) {
        cinfo.comp_info[0].h_samp_factor = h_sampling;
        cinfo.comp_info[0].v_samp_factor = v_sampling;
        cinfo.comp_info[1].h_samp_factor = 1;
        cinfo.comp_info[1].v_samp_factor = 1;
        cinfo.comp_info[2].h_samp_factor = 1;
        cinfo.comp_info[2].v_samp_factor = 1;
    }
    cinfo.optimize_coding = TRUE;
    jpeg_start_compress(&cinfo, TRUE);
    const uint8_t *source = (const uint8_t *)pixels;
    size_t stride = (size_t)width * (size_t)channels;
    while (cinfo.next_scanline < cinfo.image_height) {
        JSAMPROW row = (JSAMPROW)(source + (size_t)cinfo.next_scanline * stride);
        jpeg_write_scanlines(&cinfo, &row, 1);
    }
    jpeg_finish_compress(&cinfo);
    jpeg_destroy_compress(&cinfo);
    *out_bytes = destination;
    *out_count = (size_t)buffer_size;
    return CAILabel_OK;
}
