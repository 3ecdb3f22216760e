// Deflate and inflate with zlib, for the compressed object and cross-reference streams of PDFs.
// Inflating is bounded: a small stream that would expand past the limit is refused, not followed.
#ifndef STARCERT_ZLIB_H
#define STARCERT_ZLIB_H

#include <stddef.h>

/// Compresses `size` bytes at zlib's best compression (the same input always gives the same
/// bytes). The caller frees `*out` with `starcert_zlib_free`. Returns 0 on success.
int starcert_deflate(const unsigned char *data, size_t size, unsigned char **out, size_t *out_size);

/// Decompresses a zlib stream of `size` bytes. Returns 0 on success, 1 when the data is damaged or
/// cut short, 2 when it would decompress to more than `limit` bytes, 3 without memory. The caller
/// frees `*out` with `starcert_zlib_free` (also NULL-safe).
int starcert_inflate(const unsigned char *data, size_t size, size_t limit, unsigned char **out, size_t *out_size);

/// Raw deflate (no zlib header, as ZIP entries store it) at the best compression; the same input
/// always gives the same bytes. The caller frees `*out` with `starcert_zlib_free`. Returns 0 on success.
int starcert_deflate_raw(const unsigned char *data, size_t size, unsigned char **out, size_t *out_size);

/// Inflates raw deflate data of `size` bytes, as `starcert_inflate` does zlib streams (same results).
int starcert_inflate_raw(const unsigned char *data, size_t size, size_t limit, unsigned char **out, size_t *out_size);

/// The CRC-32 of `size` bytes (as ZIP records it).
unsigned long starcert_crc32(const unsigned char *data, size_t size);

void starcert_zlib_free(void *pointer);

#endif
