// Decoding and encoding JPEG with libjpeg(-turbo), for pictures that reach signed documents as
// pixels only. Errors and warnings (a damaged or truncated file) come back as a message, never as
// an exit: libjpeg's error handler jumps back here with setjmp, inside C.
#ifndef STARCERT_JPEG_H
#define STARCERT_JPEG_H

#include <stddef.h>

/// Decodes `size` bytes to 8-bit pixels, 3 components (RGB) or 1 (gray); CMYK and YCCK pictures
/// are converted to RGB (Adobe's inverted CMYK too). A picture with an embedded ICC profile is
/// converted from it to sRGB (returns 4 when the profile cannot be read or applied). Refuses, with `message`, a picture larger
/// than `max_pixels`, and any warning libjpeg gives (corrupt or truncated data). On success the
/// caller frees `*pixels` with `starcert_jpeg_free`. Returns 0 on success.
int starcert_jpeg_decode(const unsigned char *data, size_t size, long max_pixels,
                         unsigned char **pixels, int *width, int *height, int *components,
                         char *message, size_t message_size);

/// Encodes pixels (3 components RGB, or 1 gray) as a baseline JPEG of `quality` with the exact
/// integer DCT, so the same pixels always give the same bytes. The caller frees `*out`.
int starcert_jpeg_encode(const unsigned char *pixels, int width, int height, int components, int quality,
                         unsigned char **out, unsigned long *out_size, char *message, size_t message_size);

void starcert_jpeg_free(void *pointer);

#endif
