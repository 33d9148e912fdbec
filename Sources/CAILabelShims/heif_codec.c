// HEIF, HEIC and AVIF pixels through libheif (its HEVC and AV1 plugins: libde265/x265, dav1d/aom).
// libheif returns every error as a struct heif_error (its C++ exceptions stay inside it) and each
// message is copied into the caller's buffer; the encoders' logging is off. dav1d is not silent: its
// input checks print to stderr ("Input validation check ... failed in dav1d_send_data!"), which the
// Swift side keeps off the terminal with a per-thread capture, so libheif decodes on the calling thread.
#include <libheif/heif.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "CAILabelShims.h"

// libheif's default side limit, kept explicit: a grid's tiles and every decoded plane are bounded by it.
static const int maximum_side = 32768;

static CAILabel_Status failed(struct heif_error error, const char *what, char *errbuf, size_t errbuf_len) {
    if (errbuf && errbuf_len > 0) {
        snprintf(errbuf, errbuf_len, "%s: %s", what, error.message ? error.message : "unknown error");
    }
    if (error.code == heif_error_Memory_allocation_error) {
        return error.subcode == heif_suberror_Security_limit_exceeded ? CAILabel_LIMIT_EXCEEDED : CAILabel_ALLOC_FAILED;
    }
    return CAILabel_LIBRARY_ERROR;
}

static void say(char *errbuf, size_t errbuf_len, const char *text) {
    if (errbuf && errbuf_len > 0) snprintf(errbuf, errbuf_len, "%s", text);
}

CAILabel_Status CAILabel_heif_decode(const void *bytes, size_t count, uint64_t max_pixels, int lenient,
                                     uint8_t **out_pixels, CAILabel_ImageInfo *out_info,
                                     char *errbuf, size_t errbuf_len) {
    if (!bytes || !out_pixels || !out_info) return CAILabel_BAD_ARGUMENT;
    *out_pixels = NULL;
    memset(out_info, 0, sizeof *out_info);
    struct heif_context *context = heif_context_alloc();
    if (!context) return CAILabel_ALLOC_FAILED;
    heif_context_set_maximum_image_size_limit(context, maximum_side);
    // 0: a grid's tiles are decoded on this thread, not libheif's own ones, so what the decoders print
    // is caught by this thread's capture (LibraryStandardError). Files are decoded side by side instead.
    heif_context_set_max_decoding_threads(context, 0);
    CAILabel_Status status = CAILabel_OK;
    struct heif_image_handle *handle = NULL;
    struct heif_image *image = NULL;
    struct heif_decoding_options *options = NULL;

    struct heif_error error = heif_context_read_from_memory_without_copy(context, bytes, count, NULL);
    if (error.code != heif_error_Ok) { status = failed(error, "libheif cannot read the file", errbuf, errbuf_len); goto done; }
    error = heif_context_get_primary_image_handle(context, &handle);
    if (error.code != heif_error_Ok) { status = failed(error, "libheif finds no primary image", errbuf, errbuf_len); goto done; }

    int width = heif_image_handle_get_width(handle), height = heif_image_handle_get_height(handle);
    out_info->width = width > 0 ? (uint32_t)width : 0;
    out_info->height = height > 0 ? (uint32_t)height : 0;
    int alpha = heif_image_handle_has_alpha_channel(handle);
    int bits = heif_image_handle_get_luma_bits_per_pixel(handle);
    out_info->bit_depth = bits;
    out_info->source_channels = alpha ? 4 : 3;
    out_info->channels = alpha ? 4 : 3;
    if (width <= 0 || height <= 0) { say(errbuf, errbuf_len, "the primary image has no size"); status = CAILabel_LIBRARY_ERROR; goto done; }
    if ((uint64_t)width * (uint64_t)height > max_pixels || width > maximum_side || height > maximum_side) {
        status = CAILabel_LIMIT_EXCEEDED;
        goto done;
    }

    options = heif_decoding_options_alloc();
    if (!options) { status = CAILabel_ALLOC_FAILED; goto done; }
    options->convert_hdr_to_8bit = 1;
    options->strict_decoding = lenient ? 0 : 1;
    error = heif_decode_image(handle, &image, heif_colorspace_RGB,
                              alpha ? heif_chroma_interleaved_RGBA : heif_chroma_interleaved_RGB, options);
    if (error.code != heif_error_Ok) { status = failed(error, "libheif cannot decode the image", errbuf, errbuf_len); goto done; }

    // The decoded size is the displayed one (after rotation and cropping): checked again.
    int decoded_width = heif_image_get_width(image, heif_channel_interleaved);
    int decoded_height = heif_image_get_height(image, heif_channel_interleaved);
    if (decoded_width <= 0 || decoded_height <= 0 || (uint64_t)decoded_width * (uint64_t)decoded_height > max_pixels) {
        out_info->width = decoded_width > 0 ? (uint32_t)decoded_width : 0;
        out_info->height = decoded_height > 0 ? (uint32_t)decoded_height : 0;
        status = CAILabel_LIMIT_EXCEEDED;
        goto done;
    }
    int stride = 0;
    const uint8_t *plane = heif_image_get_plane_readonly(image, heif_channel_interleaved, &stride);
    int channels = alpha ? 4 : 3;
    size_t row = (size_t)decoded_width * (size_t)channels;
    if (!plane || stride < 0 || (size_t)stride < row) { say(errbuf, errbuf_len, "libheif returned no interleaved plane"); status = CAILabel_LIBRARY_ERROR; goto done; }
    uint8_t *pixels = malloc(row * (size_t)decoded_height);
    if (!pixels) { status = CAILabel_ALLOC_FAILED; goto done; }
    for (int y = 0; y < decoded_height; y++) memcpy(pixels + row * (size_t)y, plane + (size_t)stride * (size_t)y, row);
    *out_pixels = pixels;
    out_info->width = (uint32_t)decoded_width;
    out_info->height = (uint32_t)decoded_height;
    out_info->channels = channels;

done:
    if (options) heif_decoding_options_free(options);
    if (image) heif_image_release(image);
    if (handle) heif_image_handle_release(handle);
    heif_context_free(context);
    return status;
}

typedef struct {
    uint8_t *buffer;
    size_t size;
    size_t capacity;
    int failed;
} Output;

static struct heif_error write_output(struct heif_context *context, const void *data, size_t size, void *user) {
    (void)context;
    Output *output = (Output *)user;
    struct heif_error ok = {heif_error_Ok, heif_suberror_Unspecified, "ok"};
    struct heif_error full = {heif_error_Encoding_error, heif_suberror_Cannot_write_output_data, "out of memory writing the file"};
    if (size > SIZE_MAX - output->size) { output->failed = 1; return full; }
    size_t end = output->size + size;
    if (end > output->capacity) {
        size_t capacity = output->capacity ? output->capacity : 65536;
        while (capacity < end) {
            if (capacity > SIZE_MAX / 2) { output->failed = 1; return full; }
            capacity *= 2;
        }
        uint8_t *grown = realloc(output->buffer, capacity);
        if (!grown) { output->failed = 1; return full; }
        output->buffer = grown;
        output->capacity = capacity;
    }
    if (size > 0) memcpy(output->buffer + output->size, data, size);
    output->size = end;
    return ok;
}

CAILabel_Status CAILabel_heif_encode(const uint8_t *pixels, uint32_t width, uint32_t height, int32_t channels,
                                     const CAILabel_HEIFCoding *coding, uint8_t **out_bytes, size_t *out_count,
                                     char *errbuf, size_t errbuf_len) {
    if (!pixels || !coding || !out_bytes || !out_count || (channels != 3 && channels != 4) || width == 0 || height == 0
        || width > (uint32_t)maximum_side || height > (uint32_t)maximum_side
        || (coding->bit_depth != 8 && coding->bit_depth != 10 && coding->bit_depth != 12)
        || (coding->chroma != 420 && coding->chroma != 422 && coding->chroma != 444)) {
        return CAILabel_BAD_ARGUMENT;
    }
    *out_bytes = NULL;
    *out_count = 0;
    CAILabel_Status status = CAILabel_OK;
    struct heif_context *context = heif_context_alloc();
    if (!context) return CAILabel_ALLOC_FAILED;
    struct heif_encoder *encoder = NULL;
    struct heif_image *image = NULL;
    struct heif_encoding_options *options = NULL;
    struct heif_color_profile_nclx *nclx = NULL;
    Output output = {0};
    int alpha = channels == 4;
    int deep = coding->bit_depth > 8;

    enum heif_compression_format format = coding->av1 ? heif_compression_AV1 : heif_compression_HEVC;
    struct heif_error error = heif_context_get_encoder_for_format(context, format, &encoder);
    if (error.code != heif_error_Ok) { status = failed(error, coding->av1 ? "libheif has no AV1 encoder" : "libheif has no HEVC encoder", errbuf, errbuf_len); goto done; }
    heif_encoder_set_logging_level(encoder, 0);
    error = coding->lossless ? heif_encoder_set_lossless(encoder, 1) : heif_encoder_set_lossy_quality(encoder, coding->quality);
    if (error.code != heif_error_Ok) { status = failed(error, "libheif refused the quality", errbuf, errbuf_len); goto done; }
    const char *chroma = coding->chroma == 444 ? "444" : coding->chroma == 422 ? "422" : "420";
    error = heif_encoder_set_parameter_string(encoder, "chroma", chroma);
    if (error.code != heif_error_Ok) { status = failed(error, "libheif refused the chroma subsampling", errbuf, errbuf_len); goto done; }

    enum heif_chroma layout = deep ? (alpha ? heif_chroma_interleaved_RRGGBBAA_LE : heif_chroma_interleaved_RRGGBB_LE)
                                   : (alpha ? heif_chroma_interleaved_RGBA : heif_chroma_interleaved_RGB);
    error = heif_image_create((int)width, (int)height, heif_colorspace_RGB, layout, &image);
    if (error.code != heif_error_Ok) { status = failed(error, "libheif cannot create the image", errbuf, errbuf_len); goto done; }
    error = heif_image_add_plane(image, heif_channel_interleaved, (int)width, (int)height, coding->bit_depth);
    if (error.code != heif_error_Ok) { status = failed(error, "libheif cannot allocate the image", errbuf, errbuf_len); goto done; }
    int stride = 0;
    uint8_t *plane = heif_image_get_plane(image, heif_channel_interleaved, &stride);
    size_t samples = (size_t)width * (size_t)channels;
    if (!plane || stride < 0 || (size_t)stride < samples * (deep ? 2 : 1)) { say(errbuf, errbuf_len, "libheif returned no plane to fill"); status = CAILabel_LIBRARY_ERROR; goto done; }
    for (uint32_t y = 0; y < height; y++) {
        const uint8_t *source = pixels + samples * y;
        uint8_t *target = plane + (size_t)stride * y;
        if (!deep) {
            memcpy(target, source, samples);
            continue;
        }
        // 8-bit samples widened to the coded depth (v << (d - 8) | v >> (16 - d): 0 and 255 map to the ends).
        int shift = coding->bit_depth - 8;
        for (size_t i = 0; i < samples; i++) {
            uint16_t value = (uint16_t)((source[i] << shift) | (source[i] >> (8 - shift)));
            target[2 * i] = (uint8_t)(value & 0xFF);
            target[2 * i + 1] = (uint8_t)(value >> 8);
        }
    }
    if (coding->has_nclx) {
        nclx = heif_nclx_color_profile_alloc();
        if (!nclx) { status = CAILabel_ALLOC_FAILED; goto done; }
        heif_nclx_color_profile_set_color_primaries(nclx, coding->colour_primaries);
        heif_nclx_color_profile_set_transfer_characteristics(nclx, coding->transfer_characteristics);
        heif_nclx_color_profile_set_matrix_coefficients(nclx, coding->matrix_coefficients);
        nclx->full_range_flag = coding->full_range ? 1 : 0;
        error = heif_image_set_nclx_color_profile(image, nclx);
        if (error.code != heif_error_Ok) { status = failed(error, "libheif refused the nclx colour description", errbuf, errbuf_len); goto done; }
    }
    if (coding->icc && coding->icc_size > 0) {
        error = heif_image_set_raw_color_profile(image, "prof", coding->icc, coding->icc_size);
        if (error.code != heif_error_Ok) { status = failed(error, "libheif refused the ICC profile", errbuf, errbuf_len); goto done; }
    }

    options = heif_encoding_options_alloc();
    if (!options) { status = CAILabel_ALLOC_FAILED; goto done; }
    options->save_alpha_channel = 1;
    // No grid around a padded odd size: one coded image (cropped by clap), which the splice expects.
    options->macOS_compatibility_workaround = 0;
    options->save_two_colr_boxes_when_ICC_and_nclx_available = 1;
    options->output_nclx_profile = nclx;
    error = heif_context_encode_image(context, image, encoder, options, NULL);
    if (error.code != heif_error_Ok) { status = failed(error, "libheif cannot encode the image", errbuf, errbuf_len); goto done; }

    struct heif_writer writer = {1, write_output};
    error = heif_context_write(context, &writer, &output);
    if (error.code != heif_error_Ok || output.failed) {
        status = output.failed ? CAILabel_ALLOC_FAILED : failed(error, "libheif cannot write the file", errbuf, errbuf_len);
        goto done;
    }
    *out_bytes = output.buffer;
    *out_count = output.size;
    output.buffer = NULL;

done:
    free(output.buffer);
    if (nclx) heif_nclx_color_profile_free(nclx);
    if (options) heif_encoding_options_free(options);
    if (image) heif_image_release(image);
    if (encoder) heif_encoder_release(encoder);
    heif_context_free(context);
    return status;
}
