// libtiff through memory streams, with its messages captured per handle (TIFFOpenOptions, libtiff
// 4.5): nothing is printed, and a failure's message is copied into the caller's buffer.
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <tiffio.h>

#include "CAILabelShims.h"

typedef struct {
    const uint8_t *data;   // reading
    uint8_t *buffer;       // writing: grows
    size_t size;
    size_t capacity;
    size_t position;
    int failed;
} MemoryStream;

typedef struct {
    char *errbuf;
    size_t errbuf_len;
    int errors;
    int warnings;
} Messages;

static int on_error(TIFF *tif, void *user, const char *module, const char *fmt, va_list ap) {
    (void)tif; (void)module;
    Messages *messages = (Messages *)user;
    if (messages->errors++ == 0 && messages->errbuf && messages->errbuf_len > 0) {
        vsnprintf(messages->errbuf, messages->errbuf_len, fmt, ap);
    }
    return 1;  // handled: libtiff prints nothing
}

static int on_warning(TIFF *tif, void *user, const char *module, const char *fmt, va_list ap) {
    (void)tif; (void)module; (void)fmt; (void)ap;
    ((Messages *)user)->warnings++;
    return 1;
}

static tmsize_t stream_read(thandle_t handle, void *out, tmsize_t count) {
    MemoryStream *stream = (MemoryStream *)handle;
    const uint8_t *source = stream->data ? stream->data : stream->buffer;
    if (count < 0 || stream->position >= stream->size) return 0;
    size_t available = stream->size - stream->position;
    size_t take = (size_t)count < available ? (size_t)count : available;
    memcpy(out, source + stream->position, take);
    stream->position += take;
    return (tmsize_t)take;
}

static tmsize_t stream_write(thandle_t handle, void *in, tmsize_t count) {
    MemoryStream *stream = (MemoryStream *)handle;
    if (stream->data || count < 0) return -1;
    size_t end = stream->position + (size_t)count;
    if (end < stream->position) { stream->failed = 1; return -1; }
    if (end > stream->capacity) {
        size_t capacity = stream->capacity ? stream->capacity : 65536;
        while (capacity < end) {
            if (capacity > SIZE_MAX / 2) { stream->failed = 1; return -1; }
            capacity *= 2;
        }
        uint8_t *grown = realloc(stream->buffer, capacity);
        if (!grown) { stream->failed = 1; return -1; }
        stream->buffer = grown;
        stream->capacity = capacity;
    }
    if (stream->position > stream->size) memset(stream->buffer + stream->size, 0, stream->position - stream->size);
    memcpy(stream->buffer + stream->position, in, (size_t)count);
    stream->position = end;
    if (end > stream->size) stream->size = end;
    return count;
}

static toff_t stream_seek(thandle_t handle, toff_t offset, int whence) {
    MemoryStream *stream = (MemoryStream *)handle;
    uint64_t base = whence == SEEK_SET ? 0 : whence == SEEK_CUR ? stream->position : stream->size;
    uint64_t target = base + offset;
    if (target > (uint64_t)SIZE_MAX / 2) return (toff_t)-1;
    stream->position = (size_t)target;
    return target;
}

static int stream_close(thandle_t handle) { (void)handle; return 0; }
static toff_t stream_size(thandle_t handle) { return ((MemoryStream *)handle)->size; }
// Reading maps the caller's bytes as libtiff maps a file (read-only; libtiff reads strips and tiles
// from them in place). libtiff 4.5's unmapped path refuses some valid tiled files ("Invalid tile byte count").
static int stream_map(thandle_t handle, void **base, toff_t *size) {
    MemoryStream *stream = (MemoryStream *)handle;
    if (!stream->data) return 0;
    *base = (void *)stream->data;
    *size = stream->size;
    return 1;
}
static void stream_unmap(thandle_t handle, void *base, toff_t size) { (void)handle; (void)base; (void)size; }

static TIFF *open_stream(MemoryStream *stream, const char *mode, Messages *messages) {
    TIFFOpenOptions *options = TIFFOpenOptionsAlloc();
    if (!options) return NULL;
    TIFFOpenOptionsSetErrorHandlerExtR(options, on_error, messages);
    TIFFOpenOptionsSetWarningHandlerExtR(options, on_warning, messages);
    // One allocation libtiff makes for a strip, tile or tag is bounded: a header cannot make it allocate gigabytes.
    TIFFOpenOptionsSetMaxSingleMemAlloc(options, (tmsize_t)512 << 20);
    TIFF *tif = TIFFClientOpenExt("memory", mode, (thandle_t)stream, stream_read, stream_write, stream_seek, stream_close,
                                  stream_size, stream_map, stream_unmap, options);
    TIFFOpenOptionsFree(options);
    return tif;
}

CAILabel_Status CAILabel_tiff_decode(const void *bytes, size_t count, uint32_t page, uint64_t max_pixels, uint8_t **out_pixels,
                                     CAILabel_ImageInfo *out_info, char *errbuf, size_t errbuf_len) {
    if (!bytes || !out_pixels || !out_info) return CAILabel_BAD_ARGUMENT;
    *out_pixels = NULL;
    memset(out_info, 0, sizeof(*out_info));
    if (errbuf && errbuf_len) errbuf[0] = 0;
    MemoryStream stream = { .data = bytes, .size = count };
    Messages messages = { .errbuf = errbuf, .errbuf_len = errbuf_len };
    TIFF *tif = open_stream(&stream, "r", &messages);
    if (!tif) return CAILabel_LIBRARY_ERROR;
    if (page > 0 && !TIFFSetDirectory(tif, (tdir_t)page)) {
        TIFFClose(tif);
        if (errbuf && errbuf_len && !errbuf[0]) snprintf(errbuf, errbuf_len, "libtiff could not find page %u", page + 1);
        return CAILabel_LIBRARY_ERROR;
    }
    uint32_t width = 0, height = 0;
    uint16_t bits = 0, samples = 1, photometric = 0, extra_count = 0;
    uint16_t *extra = NULL;
    TIFFGetField(tif, TIFFTAG_IMAGEWIDTH, &width);
    TIFFGetField(tif, TIFFTAG_IMAGELENGTH, &height);
    TIFFGetFieldDefaulted(tif, TIFFTAG_BITSPERSAMPLE, &bits);
    TIFFGetFieldDefaulted(tif, TIFFTAG_SAMPLESPERPIXEL, &samples);
    TIFFGetField(tif, TIFFTAG_PHOTOMETRIC, &photometric);
    TIFFGetFieldDefaulted(tif, TIFFTAG_EXTRASAMPLES, &extra_count, &extra);
    out_info->width = width;
    out_info->height = height;
    out_info->source_channels = samples;
    out_info->bit_depth = bits;
    out_info->color_type = photometric;
    if (width == 0 || height == 0) { TIFFClose(tif); return CAILabel_LIBRARY_ERROR; }
    if ((uint64_t)width * height > max_pixels) { TIFFClose(tif); return CAILabel_LIMIT_EXCEEDED; }
    int alpha = extra_count > 0 && extra && (extra[0] == EXTRASAMPLE_ASSOCALPHA || extra[0] == EXTRASAMPLE_UNASSALPHA);
    uint32_t *raster = (uint32_t *)_TIFFmalloc((tmsize_t)((uint64_t)width * height * sizeof(uint32_t)));
    if (!raster) { TIFFClose(tif); return CAILabel_ALLOC_FAILED; }
    if (!TIFFReadRGBAImageOriented(tif, width, height, raster, ORIENTATION_TOPLEFT, 1) || messages.errors) {
        _TIFFfree(raster);
        TIFFClose(tif);
        if (errbuf && errbuf_len && !errbuf[0]) snprintf(errbuf, errbuf_len, "libtiff could not decode the image");
        return CAILabel_LIBRARY_ERROR;
    }
    int channels = alpha ? 4 : 3;
    uint8_t *pixels = malloc((size_t)width * height * channels);
    if (!pixels) { _TIFFfree(raster); TIFFClose(tif); return CAILabel_ALLOC_FAILED; }
    size_t n = (size_t)width * height;
    for (size_t i = 0; i < n; i++) {
        uint32_t p = raster[i];
        uint8_t r = TIFFGetR(p), g = TIFFGetG(p), b = TIFFGetB(p), a = TIFFGetA(p);
        if (alpha && a > 0 && a < 255) {
            // libtiff hands alpha premultiplied; RGBImage holds it straight.
            r = (uint8_t)((r * 255u + a / 2) / a > 255 ? 255 : (r * 255u + a / 2) / a);
            g = (uint8_t)((g * 255u + a / 2) / a > 255 ? 255 : (g * 255u + a / 2) / a);
            b = (uint8_t)((b * 255u + a / 2) / a > 255 ? 255 : (b * 255u + a / 2) / a);
        }
        uint8_t *out = pixels + i * channels;
        out[0] = r; out[1] = g; out[2] = b;
        if (alpha) out[3] = a;
    }
    _TIFFfree(raster);
    out_info->channels = channels;
    out_info->warnings = messages.warnings;
    TIFFClose(tif);
    *out_pixels = pixels;
    return CAILabel_OK;
}

/// Writes one page's tags and scanlines into `tif`; the directory is written by the caller.
static CAILabel_Status write_page(TIFF *tif, const CAILabel_TIFFPage *page, uint32_t index, uint32_t page_count, Messages *messages) {
    const CAILabel_TIFFCoding *coding = &page->coding;
    uint32_t width = page->width, height = page->height;
    int32_t channels = page->channels;
    if (!page->pixels || width == 0 || height == 0) return CAILabel_BAD_ARGUMENT;
    if (channels != 3 && channels != 4) return CAILabel_BAD_ARGUMENT;
    if (coding->bit_depth != 8 && coding->bit_depth != 16) return CAILabel_BAD_ARGUMENT;
    int alpha = channels == 4;
    int out_channels = coding->gray ? (alpha ? 2 : 1) : channels;
    uint16_t compression = (uint16_t)coding->compression;
    if (!TIFFIsCODECConfigured(compression)) compression = COMPRESSION_NONE;
    if (page_count > 1) {
        TIFFSetField(tif, TIFFTAG_SUBFILETYPE, FILETYPE_PAGE);
        TIFFSetField(tif, TIFFTAG_PAGENUMBER, (uint16_t)index, (uint16_t)page_count);
    }
    TIFFSetField(tif, TIFFTAG_IMAGEWIDTH, width);
    TIFFSetField(tif, TIFFTAG_IMAGELENGTH, height);
    TIFFSetField(tif, TIFFTAG_BITSPERSAMPLE, (uint16_t)coding->bit_depth);
    TIFFSetField(tif, TIFFTAG_SAMPLESPERPIXEL, (uint16_t)out_channels);
    TIFFSetField(tif, TIFFTAG_PLANARCONFIG, PLANARCONFIG_CONTIG);
    TIFFSetField(tif, TIFFTAG_COMPRESSION, compression);
    if (page->resolution_unit > 0 && page->x_resolution > 0 && page->y_resolution > 0) {
        TIFFSetField(tif, TIFFTAG_XRESOLUTION, (float)page->x_resolution);
        TIFFSetField(tif, TIFFTAG_YRESOLUTION, (float)page->y_resolution);
        TIFFSetField(tif, TIFFTAG_RESOLUTIONUNIT, (uint16_t)page->resolution_unit);
    }
    if (compression == COMPRESSION_JPEG) {
        TIFFSetField(tif, TIFFTAG_JPEGQUALITY, coding->jpeg_quality > 0 ? coding->jpeg_quality : 90);
    }
    if (coding->gray) {
        TIFFSetField(tif, TIFFTAG_PHOTOMETRIC, PHOTOMETRIC_MINISBLACK);
    } else if (compression == COMPRESSION_JPEG && coding->ycbcr && !alpha) {
        TIFFSetField(tif, TIFFTAG_PHOTOMETRIC, PHOTOMETRIC_YCBCR);
        TIFFSetField(tif, TIFFTAG_JPEGCOLORMODE, JPEGCOLORMODE_RGB);
    } else {
        TIFFSetField(tif, TIFFTAG_PHOTOMETRIC, PHOTOMETRIC_RGB);
    }
    if (alpha) {
        uint16_t kind = coding->associated_alpha ? EXTRASAMPLE_ASSOCALPHA : EXTRASAMPLE_UNASSALPHA;
        TIFFSetField(tif, TIFFTAG_EXTRASAMPLES, 1, &kind);
    }
    if (coding->predictor == 2 && (compression == COMPRESSION_LZW || compression == COMPRESSION_ADOBE_DEFLATE || compression == COMPRESSION_DEFLATE)) {
        TIFFSetField(tif, TIFFTAG_PREDICTOR, 2);
    }
    TIFFSetField(tif, TIFFTAG_ROWSPERSTRIP, TIFFDefaultStripSize(tif, 0));
    int sample_bytes = coding->bit_depth / 8;
    size_t row_bytes = (size_t)width * out_channels * sample_bytes;
    uint8_t *row = malloc(row_bytes);
    if (!row) return CAILabel_ALLOC_FAILED;
    const uint8_t *source = (const uint8_t *)page->pixels;
    CAILabel_Status status = CAILabel_OK;
    for (uint32_t y = 0; y < height && status == CAILabel_OK; y++) {
        for (uint32_t x = 0; x < width; x++) {
            const uint8_t *p = source + ((size_t)y * width + x) * channels;
            uint8_t values[4];
            int n = 0;
            uint8_t a = alpha ? p[3] : 255;
            if (coding->gray) {
                values[n++] = p[1];
            } else {
                values[n++] = p[0]; values[n++] = p[1]; values[n++] = p[2];
            }
            if (coding->associated_alpha && alpha) {
                for (int i = 0; i < n; i++) values[i] = (uint8_t)((values[i] * a + 127) / 255);
            }
            if (alpha) values[n++] = a;
            for (int i = 0; i < n; i++) {
                size_t at = ((size_t)x * out_channels + i) * sample_bytes;
                if (sample_bytes == 2) {
                    uint16_t wide = (uint16_t)(values[i] * 257);
                    memcpy(row + at, &wide, 2);  // native order: libtiff swaps for the file
                } else {
                    row[at] = values[i];
                }
            }
        }
        if (TIFFWriteScanline(tif, row, y, 0) < 0 || messages->errors) status = CAILabel_LIBRARY_ERROR;
    }
    free(row);
    return status;
}

CAILabel_Status CAILabel_tiff_encode(const CAILabel_TIFFPage *pages, uint32_t page_count,
                                     uint8_t **out_bytes, size_t *out_count, char *errbuf, size_t errbuf_len) {
    if (!pages || page_count == 0 || page_count > 65535 || !out_bytes || !out_count) return CAILabel_BAD_ARGUMENT;
    *out_bytes = NULL;
    *out_count = 0;
    if (errbuf && errbuf_len) errbuf[0] = 0;
    MemoryStream stream = {0};
    Messages messages = { .errbuf = errbuf, .errbuf_len = errbuf_len };
    char mode[8] = "w";
    strcat(mode, pages[0].coding.big_endian ? "b" : "l");
    if (pages[0].coding.big_tiff) strcat(mode, "8");
    TIFF *tif = open_stream(&stream, mode, &messages);
    if (!tif) { free(stream.buffer); return CAILabel_LIBRARY_ERROR; }
    CAILabel_Status status = CAILabel_OK;
    for (uint32_t index = 0; index < page_count && status == CAILabel_OK; index++) {
        status = write_page(tif, &pages[index], index, page_count, &messages);
        // Each page but the last is closed here; TIFFClose writes the last.
        if (status == CAILabel_OK && index + 1 < page_count && (!TIFFWriteDirectory(tif) || messages.errors)) status = CAILabel_LIBRARY_ERROR;
    }
    TIFFClose(tif);
    if (status == CAILabel_OK && (messages.errors || stream.failed)) status = stream.failed ? CAILabel_ALLOC_FAILED : CAILabel_LIBRARY_ERROR;
    if (status != CAILabel_OK) {
        free(stream.buffer);
        if (errbuf && errbuf_len && !errbuf[0]) snprintf(errbuf, errbuf_len, "libtiff could not encode the image");
        return status;
    }
    *out_bytes = stream.buffer;
    *out_count = stream.size;
    return CAILabel_OK;
}
