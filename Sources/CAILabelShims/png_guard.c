// libpng operations, each whole inside one setjmp frame (see CAILabelShims.h for why).
#include "CAILabelShims.h"

#include <png.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>

// Widest and tallest image libpng may accept before it refuses the header; the caller's max_pixels
// bounds the product separately.
#define CAILABEL_PNG_MAX_SIDE 1000000u
// Largest ancillary chunk libpng may allocate while decoding pixels (text is read by ailabel's own
// parser, so a large iTXt here is never needed).
#define CAILABEL_PNG_MAX_CHUNK (8u * 1024u * 1024u)

typedef struct {
    const uint8_t *bytes;
    size_t count;
    size_t offset;
} MemoryReader;

typedef struct {
    uint8_t *bytes;
    size_t count;
    size_t capacity;
    int failed;
} MemoryWriter;

typedef struct {
    char *errbuf;
    size_t errbuf_len;
    int warnings;
} ErrorSink;

static void copy_message(ErrorSink *sink, const char *message) {
    if (sink == NULL || sink->errbuf == NULL || sink->errbuf_len == 0) return;
    strncpy(sink->errbuf, message ? message : "unknown libpng error", sink->errbuf_len - 1);
    sink->errbuf[sink->errbuf_len - 1] = '\0';
}

static void on_error(png_structp png, png_const_charp message) {
    copy_message((ErrorSink *)png_get_error_ptr(png), message);
    png_longjmp(png, 1);
}

static void on_warning(png_structp png, png_const_charp message) {
    (void)message;
    ErrorSink *sink = (ErrorSink *)png_get_error_ptr(png);
    if (sink) sink->warnings += 1;
}

static void read_from_memory(png_structp png, png_bytep out, png_size_t length) {
    MemoryReader *reader = (MemoryReader *)png_get_io_ptr(png);
    if (length > reader->count - reader->offset) {
        // Raising the error here is safe: this callback is C, called by libpng inside our setjmp frame.
        png_error(png, "unexpected end of file");
    }
    memcpy(out, reader->bytes + reader->offset, length);
    reader->offset += length;
}

static void write_to_memory(png_structp png, png_bytep data, png_size_t length) {
    MemoryWriter *writer = (MemoryWriter *)png_get_io_ptr(png);
    if (writer->failed) return;
    if (length > SIZE_MAX - writer->count) { writer->failed = 1; png_error(png, "output too large"); }
    size_t needed = writer->count + length;
    if (needed > writer->capacity) {
        size_t capacity = writer->capacity ? writer->capacity : 65536;
        while (capacity < needed) capacity *= 2;
        uint8_t *grown = (uint8_t *)realloc(writer->bytes, capacity);
        if (grown == NULL) { writer->failed = 1; png_error(png, "out of memory"); }
        writer->bytes = grown;
        writer->capacity = capacity;
    }
    memcpy(writer->bytes + writer->count, data, length);
    writer->count = needed;
}

static void flush_memory(png_structp png) { (void)png; }

void CAILabel_free(void *pointer) { free(pointer); }

uint32_t CAILabel_png_version(void) { return (uint32_t)png_access_version_number(); }

CAILabel_Status CAILabel_png_decode(const void *bytes, size_t count, uint64_t max_pixels, int lenient,
                                    uint8_t **out_pixels, CAILabel_ImageInfo *out_info,
                                    char *errbuf, size_t errbuf_len) {
    if (bytes == NULL || out_pixels == NULL || out_info == NULL) return CAILabel_BAD_ARGUMENT;
    *out_pixels = NULL;
    memset(out_info, 0, sizeof(*out_info));
    if (errbuf && errbuf_len) errbuf[0] = '\0';

    ErrorSink sink = {errbuf, errbuf_len, 0};
    MemoryReader reader = {(const uint8_t *)bytes, count, 0};
    // Locals read after a longjmp must be volatile or set before setjmp.
    uint8_t *volatile pixels = NULL;
    png_bytep *volatile rows = NULL;
    volatile CAILabel_Status limit_status = CAILabel_OK;

    png_structp png = png_create_read_struct(PNG_LIBPNG_VER_STRING, &sink, on_error, on_warning);
    if (png == NULL) return CAILabel_ALLOC_FAILED;
    png_infop info = png_create_info_struct(png);
    if (info == NULL) {
        png_destroy_read_struct(&png, NULL, NULL);
        return CAILabel_ALLOC_FAILED;
    }
    if (setjmp(png_jmpbuf(png))) {
        free(rows);
        free(pixels);
        png_destroy_read_struct(&png, &info, NULL);
        return limit_status != CAILabel_OK ? limit_status : CAILabel_LIBRARY_ERROR;
    }
    png_set_user_limits(png, CAILABEL_PNG_MAX_SIDE, CAILABEL_PNG_MAX_SIDE);
    png_set_chunk_malloc_max(png, CAILABEL_PNG_MAX_CHUNK);
    png_set_chunk_cache_max(png, 1000);
    // CRC errors in ancillary chunks are reported by ailabel's own chunk parser; for pixels only the
    // critical chunks matter, and libpng's default already errors on those.
    if (lenient) png_set_crc_action(png, PNG_CRC_QUIET_USE, PNG_CRC_QUIET_USE);
    png_set_read_fn(png, &reader, read_from_memory);
    png_read_info(png, info);

    png_uint_32 width = 0, height = 0;
    int bit_depth = 0, color_type = 0;
    png_get_IHDR(png, info, &width, &height, &bit_depth, &color_type, NULL, NULL, NULL);
    out_info->width = width;
    out_info->height = height;
    out_info->bit_depth = bit_depth;
    out_info->color_type = color_type;
    out_info->source_channels = png_get_channels(png, info);
    if ((uint64_t)width * (uint64_t)height > max_pixels) {
        limit_status = CAILabel_LIMIT_EXCEEDED;
        copy_message(&sink, "image is larger than the pixel limit");
        png_longjmp(png, 1);
    }

    int has_alpha = (color_type & PNG_COLOR_MASK_ALPHA) || png_get_valid(png, info, PNG_INFO_tRNS);
    if (color_type == PNG_COLOR_TYPE_PALETTE) png_set_palette_to_rgb(png);
    if (color_type == PNG_COLOR_TYPE_GRAY && bit_depth < 8) png_set_expand_gray_1_2_4_to_8(png);
    if (png_get_valid(png, info, PNG_INFO_tRNS)) png_set_tRNS_to_alpha(png);
    if (bit_depth == 16) png_set_strip_16(png);
    if (color_type == PNG_COLOR_TYPE_GRAY || color_type == PNG_COLOR_TYPE_GRAY_ALPHA) png_set_gray_to_rgb(png);
    png_set_interlace_handling(png);
    png_read_update_info(png, info);

    int channels = png_get_channels(png, info);
    if (channels != 3 && channels != 4) {
        copy_message(&sink, "unexpected channel count after transformation");
        png_longjmp(png, 1);
    }
    (void)has_alpha;
    size_t row_bytes = png_get_rowbytes(png, info);
    if (row_bytes != (size_t)width * (size_t)channels) {
        copy_message(&sink, "unexpected row size after transformation");
        png_longjmp(png, 1);
    }
    pixels = (uint8_t *)malloc(row_bytes * (size_t)height);
    rows = (png_bytep *)malloc(sizeof(png_bytep) * (size_t)height);
    if (pixels == NULL || rows == NULL) {
        limit_status = CAILabel_ALLOC_FAILED;
        copy_message(&sink, "out of memory");
        png_longjmp(png, 1);
    }
    for (png_uint_32 y = 0; y < height; y++) rows[y] = pixels + (size_t)y * row_bytes;
    png_read_image(png, rows);
    png_read_end(png, NULL);

    out_info->channels = channels;
    out_info->warnings = sink.warnings;
    free(rows);
    png_destroy_read_struct(&png, &info, NULL);
    *out_pixels = pixels;
    return CAILabel_OK;
}

CAILabel_Status CAILabel_png_encode(const void *pixels, uint32_t width, uint32_t height, int32_t channels,
                                    int32_t bit_depth, uint8_t **out_bytes, size_t *out_count,
                                    char *errbuf, size_t errbuf_len) {
    if (pixels == NULL || out_bytes == NULL || out_count == NULL) return CAILabel_BAD_ARGUMENT;
    if (channels < 1 || channels > 4 || width == 0 || height == 0) return CAILabel_BAD_ARGUMENT;
    if (bit_depth != 8 && bit_depth != 16) return CAILabel_BAD_ARGUMENT;
    *out_bytes = NULL;
    *out_count = 0;
    if (errbuf && errbuf_len) errbuf[0] = '\0';

    ErrorSink sink = {errbuf, errbuf_len, 0};
    MemoryWriter writer = {NULL, 0, 0, 0};
    uint8_t *volatile wide_row = NULL;
    volatile CAILabel_Status status = CAILabel_LIBRARY_ERROR;

    png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, &sink, on_error, on_warning);
    if (png == NULL) return CAILabel_ALLOC_FAILED;
    png_infop info = png_create_info_struct(png);
    if (info == NULL) {
        png_destroy_write_struct(&png, NULL);
        return CAILabel_ALLOC_FAILED;
    }
    if (setjmp(png_jmpbuf(png))) {
        free(wide_row);
        free(writer.bytes);
        png_destroy_write_struct(&png, &info);
        return writer.failed ? CAILabel_ALLOC_FAILED : status;
    }
    static const int color_types[5] = {0, PNG_COLOR_TYPE_GRAY, PNG_COLOR_TYPE_GRAY_ALPHA, PNG_COLOR_TYPE_RGB,
                                       PNG_COLOR_TYPE_RGB_ALPHA};
    png_set_write_fn(png, &writer, write_to_memory, flush_memory);
    png_set_IHDR(png, info, width, height, bit_depth, color_types[channels], PNG_INTERLACE_NONE,
                 PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
    png_set_compression_level(png, 6);
    png_write_info(png, info);

    size_t samples = (size_t)width * (size_t)channels;
    const uint8_t *source = (const uint8_t *)pixels;
    if (bit_depth == 16) {
        wide_row = (uint8_t *)malloc(samples * 2);
        if (wide_row == NULL) { status = CAILabel_ALLOC_FAILED; png_error(png, "out of memory"); }
    }
    for (uint32_t y = 0; y < height; y++) {
        const uint8_t *row = source + (size_t)y * samples;
        if (bit_depth == 16) {
            // Big-endian, v * 257 maps 0..255 onto 0..65535 exactly.
            for (size_t i = 0; i < samples; i++) { wide_row[2 * i] = row[i]; wide_row[2 * i + 1] = row[i]; }
            png_write_row(png, wide_row);
        } else {
            png_write_row(png, (png_const_bytep)row);
        }
    }
    png_write_end(png, NULL);
    free(wide_row);
    png_destroy_write_struct(&png, &info);
    *out_bytes = writer.bytes;
    *out_count = writer.count;
    return CAILabel_OK;
}
