// giflib decode and encode for ailabel. giflib reports errors by return codes (GIF_ERROR and an
// error code in the GifFileType), never by longjmp or abort, so no guard is needed; what this file
// adds is the bounds giflib does not have: the caller's pixel limit checked on the logical screen
// and on every frame before a row is allocated, a frame count limit, and a read callback that never
// reads past the bytes given. Frames are composited here as a viewer shows them (GIF89a disposal
// methods, transparency, local colour tables), and quantised back to a palette per frame.
#include "CAILabelShims.h"

#include <gif_lib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    const uint8_t *bytes;
    size_t count;
    size_t position;
} GIFMemoryReader;

static int gif_read(GifFileType *gif, GifByteType *buffer, int wanted) {
    GIFMemoryReader *reader = (GIFMemoryReader *)gif->UserData;
    if (wanted <= 0) return 0;
    size_t left = reader->count - reader->position;
    size_t n = (size_t)wanted < left ? (size_t)wanted : left;
    memcpy(buffer, reader->bytes + reader->position, n);
    reader->position += n;
    return (int)n;
}

static void gif_error(char *errbuf, size_t errbuf_len, const char *what, int code) {
    if (errbuf == NULL || errbuf_len == 0) return;
    const char *text = GifErrorString(code);
    snprintf(errbuf, errbuf_len, "%s: %s", what, text ? text : "unknown giflib error");
}

static void copy_message(char *errbuf, size_t errbuf_len, const char *message) {
    if (errbuf && errbuf_len) snprintf(errbuf, errbuf_len, "%s", message);
}

CAILabel_Status CAILabel_gif_decode(const void *bytes, size_t count, uint64_t max_pixels, uint32_t max_frames,
                                    int first_frame_only, uint8_t **out_pixels, CAILabel_GIFInfo *out_info,
                                    CAILabel_GIFFrame *out_frames, char *errbuf, size_t errbuf_len) {
    if (bytes == NULL || out_pixels == NULL || out_info == NULL || max_frames == 0) return CAILabel_BAD_ARGUMENT;
    *out_pixels = NULL;
    memset(out_info, 0, sizeof(*out_info));
    if (errbuf && errbuf_len) errbuf[0] = '\0';

    GIFMemoryReader reader = {(const uint8_t *)bytes, count, 0};
    int error = 0;
    GifFileType *gif = DGifOpen(&reader, gif_read, &error);
    if (gif == NULL) {
        gif_error(errbuf, errbuf_len, "giflib cannot open the GIF", error);
        return CAILabel_LIBRARY_ERROR;
    }
    const uint64_t width = (uint64_t)gif->SWidth, height = (uint64_t)gif->SHeight;
    out_info->width = (uint32_t)width;
    out_info->height = (uint32_t)height;
    if (width == 0 || height == 0) {
        DGifCloseFile(gif, &error);
        copy_message(errbuf, errbuf_len, "the logical screen is empty");
        return CAILabel_LIBRARY_ERROR;
    }
    // The LZW-bomb check: a screen over the limit is refused before anything of its size is allocated.
    if (width * height > max_pixels) {
        DGifCloseFile(gif, &error);
        return CAILabel_LIMIT_EXCEEDED;
    }
    const size_t canvas_bytes = (size_t)(width * height * 4);
    const uint64_t frames_allowed = first_frame_only ? 1 : max_frames;
    uint8_t *output = NULL;                       // frames * canvas_bytes, grown per frame
    uint8_t *canvas = calloc(canvas_bytes, 1);    // what the viewer shows now (transparent at first)
    uint8_t *previous = malloc(canvas_bytes);     // the canvas before the current frame (disposal 3)
    GifByteType *row = malloc((size_t)width > 0 ? (size_t)width : 1);
    GifByteType *raster = NULL;
    CAILabel_Status status = CAILabel_OK;
    if (canvas == NULL || previous == NULL || row == NULL) status = CAILabel_ALLOC_FAILED;

    int disposal = 0, transparent = -1, delay = 0;
    int last_disposal = 0;
    int last_left = 0, last_top = 0, last_width = 0, last_height = 0;
    uint32_t frames = 0;
    int done = 0;
    while (status == CAILabel_OK && !done) {
        GifRecordType record;
        if (DGifGetRecordType(gif, &record) == GIF_ERROR) {
            gif_error(errbuf, errbuf_len, "giflib cannot read a record", gif->Error);
            status = CAILabel_LIBRARY_ERROR;
            break;
        }
        switch (record) {
        case EXTENSION_RECORD_TYPE: {
            int code = 0;
            GifByteType *extension = NULL;
            if (DGifGetExtension(gif, &code, &extension) == GIF_ERROR) {
                gif_error(errbuf, errbuf_len, "giflib cannot read an extension", gif->Error);
                status = CAILabel_LIBRARY_ERROR;
                break;
            }
            if (code == GRAPHICS_EXT_FUNC_CODE && extension != NULL && extension[0] >= 4) {
                disposal = (extension[1] >> 2) & 0x07;
                transparent = (extension[1] & 0x01) ? extension[4] : -1;
                delay = extension[2] | extension[3] << 8;
            }
            while (extension != NULL) {
                if (DGifGetExtensionNext(gif, &extension) == GIF_ERROR) {
                    gif_error(errbuf, errbuf_len, "giflib cannot read an extension", gif->Error);
                    status = CAILabel_LIBRARY_ERROR;
                    break;
                }
            }
            break;
        }
        case IMAGE_DESC_RECORD_TYPE: {
            if (frames >= frames_allowed) {
                if (first_frame_only) { done = 1; break; }
                status = CAILabel_LIMIT_EXCEEDED;
                copy_message(errbuf, errbuf_len, "the GIF has more frames than the frame limit");
                break;
            }
            if (DGifGetImageDesc(gif) == GIF_ERROR) {
                gif_error(errbuf, errbuf_len, "giflib cannot read an image descriptor", gif->Error);
                status = CAILabel_LIBRARY_ERROR;
                break;
            }
            // Every frame's whole canvas is kept: the total is bounded before it grows.
            if ((uint64_t)(frames + 1) * width * height > max_pixels) {
                status = CAILabel_LIMIT_EXCEEDED;
                copy_message(errbuf, errbuf_len, "the frames together exceed the pixel limit");
                break;
            }
            const GifImageDesc *desc = &gif->Image;
            const uint64_t frame_width = (uint64_t)desc->Width, frame_height = (uint64_t)desc->Height;
            if (frame_width * frame_height > max_pixels) {
                status = CAILabel_LIMIT_EXCEEDED;
                copy_message(errbuf, errbuf_len, "a frame exceeds the pixel limit");
                break;
            }
            const ColorMapObject *map = desc->ColorMap ? desc->ColorMap : gif->SColorMap;
            if (map == NULL) {
                copy_message(errbuf, errbuf_len, "a frame has neither a local nor a global colour table");
                status = CAILabel_LIBRARY_ERROR;
                break;
            }
            // Dispose of the previous frame as it asked, then remember the canvas for this one's disposal 3.
            if (frames > 0 && last_disposal == 2) {
                for (int y = last_top; y < last_top + last_height && y < (int)height; y++) {
                    for (int x = last_left; x < last_left + last_width && x < (int)width; x++) {
                        memset(canvas + ((size_t)y * width + x) * 4, 0, 4);
                    }
                }
            } else if (frames > 0 && last_disposal == 3) {
                memcpy(canvas, previous, canvas_bytes);
            }
            if (disposal == 3) memcpy(previous, canvas, canvas_bytes);

            free(raster);
            raster = malloc(frame_width * frame_height > 0 ? (size_t)(frame_width * frame_height) : 1);
            if (raster == NULL) { status = CAILabel_ALLOC_FAILED; break; }
            for (uint64_t line = 0; line < frame_height; line++) {
                if (DGifGetLine(gif, raster + line * frame_width, (int)frame_width) == GIF_ERROR) {
                    gif_error(errbuf, errbuf_len, "giflib cannot decode the image data", gif->Error);
                    status = CAILabel_LIBRARY_ERROR;
                    break;
                }
            }
            if (status != CAILabel_OK) break;
            // Interlaced rows arrive in four passes: rows 0, 8, 16… then 4, 12… then 2, 6… then 1, 3…
            static const int pass_start[4] = {0, 4, 2, 1}, pass_step[4] = {8, 8, 4, 2};
            uint64_t source_row = 0;
            for (int pass = 0; pass < (desc->Interlace ? 4 : 1); pass++) {
                const int start = desc->Interlace ? pass_start[pass] : 0, step = desc->Interlace ? pass_step[pass] : 1;
                for (uint64_t y = (uint64_t)start; y < frame_height; y += (uint64_t)step, source_row++) {
                    const uint64_t canvas_y = (uint64_t)desc->Top + y;
                    if (canvas_y >= height) continue;
                    const GifByteType *indices = raster + source_row * frame_width;
                    for (uint64_t x = 0; x < frame_width; x++) {
                        const uint64_t canvas_x = (uint64_t)desc->Left + x;
                        if (canvas_x >= width) break;
                        const int index = indices[x];
                        if (index == transparent) continue;
                        uint8_t *pixel = canvas + (canvas_y * width + canvas_x) * 4;
                        if (index < map->ColorCount) {
                            pixel[0] = map->Colors[index].Red;
                            pixel[1] = map->Colors[index].Green;
                            pixel[2] = map->Colors[index].Blue;
                        } else {
                            pixel[0] = pixel[1] = pixel[2] = 0;  // an index past the table: black, as browsers show it
                        }
                        pixel[3] = 255;
                    }
                }
            }
            uint8_t *grown = realloc(output, (size_t)(frames + 1) * canvas_bytes);
            if (grown == NULL) { status = CAILabel_ALLOC_FAILED; break; }
            output = grown;
            memcpy(output + (size_t)frames * canvas_bytes, canvas, canvas_bytes);
            if (out_frames != NULL) {
                out_frames[frames].delay_centiseconds = delay;
                out_frames[frames].disposal = disposal;
                out_frames[frames].transparent_index = transparent;
            }
            frames++;
            last_disposal = disposal;
            last_left = desc->Left; last_top = desc->Top;
            last_width = desc->Width; last_height = desc->Height;
            disposal = 0; transparent = -1; delay = 0;
            break;
        }
        case TERMINATE_RECORD_TYPE:
            done = 1;
            break;
        default:
            break;
        }
    }
    free(raster);
    free(row);
    free(canvas);
    free(previous);
    DGifCloseFile(gif, &error);
    if (status == CAILabel_OK && frames == 0) {
        copy_message(errbuf, errbuf_len, "the GIF holds no image");
        status = CAILabel_LIBRARY_ERROR;
    }
    if (status != CAILabel_OK) {
        free(output);
        return status;
    }
    out_info->frames = frames;
    *out_pixels = output;
    return CAILabel_OK;
}

/// A 32×32×32 cache of nearest palette entries, filled on demand.
typedef struct {
    int16_t nearest[32768];
} NearestCache;

static int nearest_entry(const GifColorType *palette, int entries, NearestCache *cache, int r, int g, int b) {
    const int key = (r >> 3) << 10 | (g >> 3) << 5 | (b >> 3);
    if (cache->nearest[key] >= 0) return cache->nearest[key];
    int best = 0, best_distance = 1 << 30;
    for (int i = 0; i < entries; i++) {
        const int dr = palette[i].Red - r, dg = palette[i].Green - g, db = palette[i].Blue - b;
        const int distance = 2 * dr * dr + 4 * dg * dg + 3 * db * db;
        if (distance < best_distance) { best_distance = distance; best = i; }
    }
    cache->nearest[key] = (int16_t)best;
    return best;
}

static int clamp255(int value) { return value < 0 ? 0 : (value > 255 ? 255 : value); }

/// Quantises one RGBA frame to at most 255 colours (median cut, giflib's GifQuantizeBuffer) with
/// Floyd–Steinberg error diffusion; pixels with alpha below 128 take index 255, the transparent one.
static CAILabel_Status quantize_frame(const uint8_t *rgba, uint32_t width, uint32_t height, int dither,
                                      GifByteType *indices, GifColorType *palette, int *has_transparency) {
    const size_t count = (size_t)width * height;
    GifByteType *red = malloc(count), *green = malloc(count), *blue = malloc(count);
    int *errors = calloc(((size_t)width + 2) * 2 * 3, sizeof(int));
    NearestCache *cache = malloc(sizeof(NearestCache));
    CAILabel_Status status = CAILabel_OK;
    if (!red || !green || !blue || !errors || !cache) status = CAILabel_ALLOC_FAILED;
    int transparent = 0;
    if (status == CAILabel_OK) {
        // Transparent pixels take an opaque neighbour's colour so they do not spend palette entries.
        uint8_t fill[3] = {0, 0, 0};
        for (size_t i = 0; i < count; i++) {
            if (rgba[i * 4 + 3] >= 128) { memcpy(fill, rgba + i * 4, 3); break; }
        }
        for (size_t i = 0; i < count; i++) {
            const int opaque = rgba[i * 4 + 3] >= 128;
            transparent |= !opaque;
            red[i] = opaque ? rgba[i * 4] : fill[0];
            green[i] = opaque ? rgba[i * 4 + 1] : fill[1];
            blue[i] = opaque ? rgba[i * 4 + 2] : fill[2];
        }
        int entries = 255;
        memset(palette, 0, 256 * sizeof(GifColorType));
        if (GifQuantizeBuffer(width, height, &entries, red, green, blue, indices, palette) == GIF_ERROR) {
            status = CAILabel_LIBRARY_ERROR;
        } else if (dither) {
            for (size_t i = 0; i < 32768; i++) cache->nearest[i] = -1;
            int *current = errors, *next = errors + ((size_t)width + 2) * 3;
            for (uint32_t y = 0; y < height; y++) {
                memset(next, 0, ((size_t)width + 2) * 3 * sizeof(int));
                for (uint32_t x = 0; x < width; x++) {
                    const size_t i = (size_t)y * width + x;
                    int *error = current + ((size_t)x + 1) * 3;
                    const int r = clamp255(red[i] + error[0] / 16), g = clamp255(green[i] + error[1] / 16),
                              b = clamp255(blue[i] + error[2] / 16);
                    const int chosen = nearest_entry(palette, entries, cache, r, g, b);
                    indices[i] = (GifByteType)chosen;
                    const int diff[3] = {r - palette[chosen].Red, g - palette[chosen].Green, b - palette[chosen].Blue};
                    for (int c = 0; c < 3; c++) {
                        current[((size_t)x + 2) * 3 + c] += diff[c] * 7;
                        next[((size_t)x) * 3 + c] += diff[c] * 3;
                        next[((size_t)x + 1) * 3 + c] += diff[c] * 5;
                        next[((size_t)x + 2) * 3 + c] += diff[c];
                    }
                }
                int *swap = current; current = next; next = swap;
            }
        }
        if (status == CAILabel_OK) {
            for (size_t i = 0; i < count; i++) {
                if (rgba[i * 4 + 3] < 128) indices[i] = 255;
            }
        }
    }
    *has_transparency = transparent;
    free(red); free(green); free(blue); free(errors); free(cache);
    return status;
}

typedef struct {
    uint8_t *bytes;
    size_t count;
    size_t capacity;
    int failed;
} GIFMemoryWriter;

static int gif_write(GifFileType *gif, const GifByteType *buffer, int length) {
    GIFMemoryWriter *writer = (GIFMemoryWriter *)gif->UserData;
    if (length <= 0) return 0;
    if (writer->count + (size_t)length > writer->capacity) {
        size_t capacity = writer->capacity ? writer->capacity * 2 : 65536;
        while (capacity < writer->count + (size_t)length) capacity *= 2;
        uint8_t *grown = realloc(writer->bytes, capacity);
        if (grown == NULL) { writer->failed = 1; return 0; }
        writer->bytes = grown;
        writer->capacity = capacity;
    }
    memcpy(writer->bytes + writer->count, buffer, (size_t)length);
    writer->count += (size_t)length;
    return length;
}

CAILabel_Status CAILabel_gif_encode(const uint8_t *pixels, uint32_t width, uint32_t height, uint32_t frame_count,
                                    const CAILabel_GIFFrame *frames, int32_t loop_count, int dither,
                                    uint8_t **out_bytes, size_t *out_count, char *errbuf, size_t errbuf_len) {
    if (pixels == NULL || frames == NULL || out_bytes == NULL || out_count == NULL || width == 0 || height == 0
        || width > 65535 || height > 65535 || frame_count == 0) {
        return CAILabel_BAD_ARGUMENT;
    }
    *out_bytes = NULL;
    *out_count = 0;
    if (errbuf && errbuf_len) errbuf[0] = '\0';
    GIFMemoryWriter writer = {NULL, 0, 0, 0};
    int error = 0;
    GifFileType *gif = EGifOpen(&writer, gif_write, &error);
    if (gif == NULL) {
        gif_error(errbuf, errbuf_len, "giflib cannot start a GIF", error);
        return CAILabel_LIBRARY_ERROR;
    }
    EGifSetGifVersion(gif, true);
    const size_t count = (size_t)width * height;
    GifByteType *indices = malloc(count);
    GifColorType palette[256];
    CAILabel_Status status = indices ? CAILabel_OK : CAILabel_ALLOC_FAILED;
    if (status == CAILabel_OK && EGifPutScreenDesc(gif, (int)width, (int)height, 8, 0, NULL) == GIF_ERROR) {
        gif_error(errbuf, errbuf_len, "giflib cannot write the screen descriptor", gif->Error);
        status = CAILabel_LIBRARY_ERROR;
    }
    if (status == CAILabel_OK && loop_count >= 0) {
        const GifByteType loop[3] = {1, (GifByteType)(loop_count & 0xFF), (GifByteType)(loop_count >> 8 & 0xFF)};
        if (EGifPutExtensionLeader(gif, APPLICATION_EXT_FUNC_CODE) == GIF_ERROR
            || EGifPutExtensionBlock(gif, 11, "NETSCAPE2.0") == GIF_ERROR
            || EGifPutExtensionBlock(gif, 3, loop) == GIF_ERROR || EGifPutExtensionTrailer(gif) == GIF_ERROR) {
            gif_error(errbuf, errbuf_len, "giflib cannot write the loop count", gif->Error);
            status = CAILabel_LIBRARY_ERROR;
        }
    }
    for (uint32_t f = 0; f < frame_count && status == CAILabel_OK; f++) {
        int has_transparency = 0;
        status = quantize_frame(pixels + (size_t)f * count * 4, width, height, dither, indices, palette, &has_transparency);
        if (status != CAILabel_OK) {
            copy_message(errbuf, errbuf_len, "giflib cannot quantise a frame");
            break;
        }
        GraphicsControlBlock control = {
            .DisposalMode = frames[f].disposal, .UserInputFlag = false,
            .DelayTime = frames[f].delay_centiseconds, .TransparentColor = has_transparency ? 255 : NO_TRANSPARENT_COLOR};
        GifByteType extension[4];
        const size_t length = EGifGCBToExtension(&control, extension);
        ColorMapObject *map = GifMakeMapObject(256, palette);
        if (map == NULL) { status = CAILabel_ALLOC_FAILED; break; }
        if (EGifPutExtension(gif, GRAPHICS_EXT_FUNC_CODE, (int)length, extension) == GIF_ERROR
            || EGifPutImageDesc(gif, 0, 0, (int)width, (int)height, false, map) == GIF_ERROR) {
            gif_error(errbuf, errbuf_len, "giflib cannot write a frame", gif->Error);
            status = CAILabel_LIBRARY_ERROR;
        }
        for (uint32_t y = 0; y < height && status == CAILabel_OK; y++) {
            if (EGifPutLine(gif, indices + (size_t)y * width, (int)width) == GIF_ERROR) {
                gif_error(errbuf, errbuf_len, "giflib cannot encode a frame", gif->Error);
                status = CAILabel_LIBRARY_ERROR;
            }
        }
        GifFreeMapObject(map);
    }
    free(indices);
    if (EGifCloseFile(gif, &error) == GIF_ERROR && status == CAILabel_OK) {
        gif_error(errbuf, errbuf_len, "giflib cannot finish the GIF", error);
        status = CAILabel_LIBRARY_ERROR;
    }
    if (status == CAILabel_OK && writer.failed) status = CAILabel_ALLOC_FAILED;
    if (status != CAILabel_OK) {
        free(writer.bytes);
        return status;
    }
    *out_bytes = writer.bytes;
    *out_count = writer.count;
    return CAILabel_OK;
}
