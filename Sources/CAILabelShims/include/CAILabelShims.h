// CAILabelShims: the only C code in ailabel.
//
// libpng and libjpeg report errors by longjmp-ing out of the failing call. Swift cannot call setjmp
// (it "returns twice"), and a longjmp must never cross Swift frames, so every operation that can fail
// inside those libraries runs whole inside one C function below: it installs its own error handlers,
// calls setjmp, reads from or writes to memory, copies results out and frees everything before it
// returns a status. Nothing is printed to stderr and nothing calls exit() or abort().
//
// Memory returned through `out_*` pointers is allocated with malloc and must be released with
// CAILabel_free.
#ifndef CAILABEL_SHIMS_H
#define CAILABEL_SHIMS_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum {
    CAILabel_OK = 0,
    CAILabel_LIBRARY_ERROR = 1,   // the library rejected the data; errbuf holds its message
    CAILabel_ALLOC_FAILED = 2,    // malloc failed
    CAILabel_LIMIT_EXCEEDED = 3,  // the image is larger than the caller's pixel limit
    CAILabel_BAD_ARGUMENT = 4,    // the caller passed values the function cannot use
} CAILabel_Status;

/// What a decoder found in the header, before any pixels are decoded.
typedef struct {
    uint32_t width;
    uint32_t height;
    int32_t channels;        // channels of the decoded output (3 = RGB, 4 = RGBA)
    int32_t source_channels; // channels in the file (1 gray, 2 gray+alpha, 3, 4 = RGBA or CMYK)
    int32_t bit_depth;       // bits per sample in the file
    int32_t color_type;      // PNG colour type, or libjpeg's J_COLOR_SPACE of the file
    int32_t warnings;        // non-fatal warnings the library emitted
} CAILabel_ImageInfo;

/// Frees a buffer returned by one of the functions below.
void CAILabel_free(void *pointer);

/// Decodes a PNG held in memory to 8-bit RGB or RGBA (RGBA when the file has alpha or tRNS).
/// Palette, gray and 16-bit images are expanded or reduced by libpng. `max_pixels` bounds width*height
/// before any pixel buffer is allocated. With `lenient` non-zero, CRC mismatches are ignored (a picture
/// of a damaged file, as a browser shows it, for thumbnails; never for judging or re-encoding).
CAILabel_Status CAILabel_png_decode(const void *bytes, size_t count, uint64_t max_pixels, int lenient,
                                    uint8_t **out_pixels, CAILabel_ImageInfo *out_info,
                                    char *errbuf, size_t errbuf_len);

/// Encodes 8-bit pixels (`channels` 1 gray, 2 gray+alpha, 3 RGB, 4 RGBA) to a PNG in memory.
/// With `bit_depth` 16 each sample is widened (v * 257) so a 16-bit source keeps its depth.
CAILabel_Status CAILabel_png_encode(const void *pixels, uint32_t width, uint32_t height, int32_t channels,
                                    int32_t bit_depth, uint8_t **out_bytes, size_t *out_count,
                                    char *errbuf, size_t errbuf_len);

/// Decodes a JPEG held in memory to 8-bit RGB. Grayscale is expanded; CMYK and YCCK (Adobe inverted
/// or not) are converted. A premature end of data is an error, not a grey fill, unless `lenient` is
/// non-zero (then libjpeg's own recovery stands, as in a browser: for thumbnails only).
CAILabel_Status CAILabel_jpeg_decode(const void *bytes, size_t count, uint64_t max_pixels, int lenient,
                                     uint8_t **out_pixels, CAILabel_ImageInfo *out_info,
                                     char *errbuf, size_t errbuf_len);

/// Encodes 8-bit RGB (`channels` 3) or gray (`channels` 1) to a baseline JPEG in memory, with quality
/// 1...100 and luma sampling factors (h, v) of 1 or 2 (2,2 = 4:2:0; 2,1 = 4:2:2; 1,1 = 4:4:4).
CAILabel_Status CAILabel_jpeg_encode(const void *pixels, uint32_t width, uint32_t height, int32_t channels,
                                     int32_t quality, int32_t h_sampling, int32_t v_sampling,
                                     uint8_t **out_bytes, size_t *out_count,
                                     char *errbuf, size_t errbuf_len);

/// A GIF's logical screen and how many frames were decoded.
typedef struct {
    uint32_t width;
    uint32_t height;
    uint32_t frames;
} CAILabel_GIFInfo;

/// What a graphic control extension says of one frame.
typedef struct {
    int32_t delay_centiseconds;
    int32_t disposal;          // 0 unspecified, 1 keep, 2 restore to background, 3 restore to previous
    int32_t transparent_index; // -1 when the frame has no transparent colour
} CAILabel_GIFFrame;

/// Decodes a GIF held in memory through giflib into frames composited as a viewer shows them (disposal
/// methods, transparency, local colour tables): `frames` canvases of width*height RGBA each, one after
/// another. `max_pixels` bounds the screen, each frame and all canvases together before any of them is
/// allocated (the LZW-bomb check); `max_frames` bounds the frame count. With `first_frame_only` only the
/// first frame is decoded. `out_frames`, when not NULL, holds `max_frames` entries.
CAILabel_Status CAILabel_gif_decode(const void *bytes, size_t count, uint64_t max_pixels, uint32_t max_frames,
                                    int first_frame_only, uint8_t **out_pixels, CAILabel_GIFInfo *out_info,
                                    CAILabel_GIFFrame *out_frames, char *errbuf, size_t errbuf_len);

/// Encodes `frame_count` RGBA canvases of width*height to a GIF89a in memory, each a full-screen frame
/// with its own 256-entry colour table (median cut; Floyd–Steinberg error diffusion when `dither`),
/// alpha below 128 as the transparent index 255, each frame's delay and disposal from `frames`, and a
/// NETSCAPE2.0 loop count when `loop_count` >= 0.
CAILabel_Status CAILabel_gif_encode(const uint8_t *pixels, uint32_t width, uint32_t height, uint32_t frame_count,
                                    const CAILabel_GIFFrame *frames, int32_t loop_count, int dither,
                                    uint8_t **out_bytes, size_t *out_count, char *errbuf, size_t errbuf_len);

/// How a TIFF is re-encoded: what libtiff writes to match the original.
typedef struct {
    int32_t compression;       // TIFF Compression; one libtiff cannot encode falls back to none
    int32_t bit_depth;         // 8 or 16 (16 widens each sample, v * 257)
    int32_t gray;              // one grey channel (from green) instead of RGB
    int32_t associated_alpha;  // alpha premultiplied (ExtraSamples 1) rather than straight (2)
    int32_t predictor;         // 2: horizontal differencing (LZW, Deflate)
    int32_t jpeg_quality;      // JPEG compression only
    int32_t ycbcr;             // JPEG compression: YCbCr photometric
    int32_t big_endian;        // MM rather than II
    int32_t big_tiff;          // BigTIFF
} CAILabel_TIFFCoding;

/// Decodes directory `page` of the main chain (0: the first) of a TIFF held in memory to 8-bit RGB or
/// RGBA (straight alpha) with libtiff's RGBA interface (every photometric and compression libtiff
/// reads). `max_pixels` bounds width*height before the raster is allocated; libtiff's own allocations
/// are bounded to 512 MiB each.
CAILabel_Status CAILabel_tiff_decode(const void *bytes, size_t count, uint32_t page, uint64_t max_pixels,
                                     uint8_t **out_pixels, CAILabel_ImageInfo *out_info,
                                     char *errbuf, size_t errbuf_len);

/// One page to encode: 8-bit RGB or RGBA pixels (`channels` 3 or 4), coded as `coding` says (its byte
/// order and BigTIFF-ness are taken from the first page), with the page's resolution when `resolution_unit`
/// is not 0.
typedef struct {
    const void *pixels;
    uint32_t width;
    uint32_t height;
    int32_t channels;
    CAILabel_TIFFCoding coding;
    double x_resolution;
    double y_resolution;
    int32_t resolution_unit;   // 0: none written; else TIFF ResolutionUnit (1 none, 2 inch, 3 cm)
} CAILabel_TIFFPage;

/// Encodes `page_count` pages to a TIFF in memory, one directory each in order; several pages are
/// marked as pages of one document (NewSubfileType page, PageNumber n of N).
CAILabel_Status CAILabel_tiff_encode(const CAILabel_TIFFPage *pages, uint32_t page_count,
                                     uint8_t **out_bytes, size_t *out_count, char *errbuf, size_t errbuf_len);

/// How a HEIF image is encoded by libheif: what matches the original's coding.
typedef struct {
    int32_t av1;                // 1: AV1 (AVIF, aom), 0: HEVC (HEIC, x265)
    int32_t quality;            // libheif's lossy quality, 0-100
    int32_t lossless;           // lossless (then chroma 4:4:4 and identity matrix are the caller's to set)
    int32_t bit_depth;          // 8, 10 or 12 bits per sample in the coded image (8-bit samples are widened)
    int32_t chroma;             // 420, 422 or 444
    int32_t has_nclx;           // the nclx fields below are the output's colour description
    uint16_t colour_primaries;
    uint16_t transfer_characteristics;
    uint16_t matrix_coefficients;
    uint8_t full_range;
    const uint8_t *icc;         // an ICC profile to declare (colr prof), or NULL
    size_t icc_size;
} CAILabel_HEIFCoding;

/// Decodes the primary image of a HEIF, HEIC or AVIF held in memory to 8-bit RGB or RGBA (straight
/// alpha) with libheif: grids assembled, irot/imir/clap applied as a viewer shows the image, 10- and
/// 12-bit images reduced to 8. `max_pixels` bounds width*height before anything is decoded; libheif's
/// own limit bounds each side (and each tile) to 32768. With `lenient` zero, libheif decodes strictly
/// (a decoder warning is an error). libheif reports errors by return values (no longjmp, no abort);
/// its messages are copied into `errbuf`, nothing is printed.
CAILabel_Status CAILabel_heif_decode(const void *bytes, size_t count, uint64_t max_pixels, int lenient,
                                     uint8_t **out_pixels, CAILabel_ImageInfo *out_info,
                                     char *errbuf, size_t errbuf_len);

/// Encodes 8-bit RGB or RGBA pixels (`channels` 3 or 4) as a one-image HEIF file in memory (alpha as an
/// auxiliary image), as `coding` says. No grid: an odd size in 4:2:0 is padded and cropped by a clap.
CAILabel_Status CAILabel_heif_encode(const uint8_t *pixels, uint32_t width, uint32_t height, int32_t channels,
                                     const CAILabel_HEIFCoding *coding, uint8_t **out_bytes, size_t *out_count,
                                     char *errbuf, size_t errbuf_len);

/// The libpng version as a number (e.g. 10639), for diagnostics.
uint32_t CAILabel_png_version(void);

/// mallopt(3) for a batch process: blocks under `mmap_threshold` bytes come from the heap instead of
/// their own mapping, and up to `trim_threshold` bytes of freed space per arena are kept instead of given
/// back to the kernel (malloc.h, which Swift's Glibc module does not export). Returns 1 when both were set.
int CAILabel_keep_freed_memory(int mmap_threshold, int trim_threshold);

/// syncfs(2): writes back every dirty page and inode of the filesystem holding `fd` and waits, with one
/// flush of the disk's cache. Glibc declares it only under _GNU_SOURCE, which Swift's Glibc module does
/// not define, hence this wrapper. Returns 0, or -1 with errno set.
int CAILabel_syncfs(int fd);

/// copy_file_range(2) with an explicit input offset and the output's own position: copies up to
/// `length` bytes from `in_fd` at `*in_offset` (advanced by what was copied) to `out_fd` inside the kernel,
/// sharing blocks where the filesystem can. Glibc declares it only under _GNU_SOURCE. Returns the bytes
/// copied, 0 at the input's end, or -1 with errno set.
long CAILabel_copy_file_range(int in_fd, int64_t *in_offset, int out_fd, unsigned long length);

/// Extended attributes of an open file (sys/xattr.h, which Swift's Glibc module does not export):
/// flistxattr(2), fgetxattr(2), fsetxattr(2), same arguments and results.
long CAILabel_flistxattr(int fd, char *list, unsigned long size);
long CAILabel_fgetxattr(int fd, const char *name, void *value, unsigned long size);
int CAILabel_fsetxattr(int fd, const char *name, const void *value, unsigned long size, int flags);

/// An input libav reads through the caller instead of opening it by name (a file's bytes as ailabel
/// parsed them: an upload held in memory, an open descriptor): `read` copies up to `size` bytes from
/// `offset` into `buffer` and returns how many it copied, 0 at the end, or < 0 on an error.
typedef int64_t (*CAILabel_ReadFunction)(void *context, uint8_t *buffer, int64_t offset, int32_t size);

typedef struct {
    CAILabel_ReadFunction read;
    void *context;
    /// The input's length in bytes.
    int64_t length;
} CAILabel_Reader;

#ifdef __cplusplus
}
#endif

#include "CAILabelShims_audio.h"
// Video through FFmpeg's libraries.
#include "CAILabelVideo.h"
// Standard error caught while a library that prints its failures runs.
#include "CAILabelShims_stderr.h"

#endif
