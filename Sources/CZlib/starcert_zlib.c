#include "starcert_zlib.h"

#include <stdlib.h>
#include <string.h>
#include <zlib.h>

int starcert_deflate(const unsigned char *data, size_t size, unsigned char **out, size_t *out_size) {
    uLong bound = compressBound((uLong)size);
    unsigned char *buffer = malloc(bound > 0 ? bound : 1);
    if (buffer == NULL) return 3;
    uLongf written = bound;
    if (compress2(buffer, &written, data, (uLong)size, Z_BEST_COMPRESSION) != Z_OK) {
        free(buffer);
        return 1;
    }
    *out = buffer;
    *out_size = written;
    return 0;
}

static int inflate_bounded(const unsigned char *data, size_t size, size_t limit, int window_bits, unsigned char **out, size_t *out_size) {
    z_stream stream;
    memset(&stream, 0, sizeof stream);
    if (inflateInit2(&stream, window_bits) != Z_OK) return 3;
    size_t capacity = size * 4 + 1024;
    if (capacity > limit + 1) capacity = limit + 1;
    unsigned char *buffer = malloc(capacity);
    if (buffer == NULL) {
        inflateEnd(&stream);
        return 3;
    }
    stream.next_in = (Bytef *)data;
    stream.avail_in = (uInt)size;
    size_t produced = 0;
    int status = Z_OK;
    while (status != Z_STREAM_END) {
        if (produced == capacity) {
            if (capacity > limit) {
                free(buffer);
                inflateEnd(&stream);
                return 2;
            }
            size_t grown = capacity * 2;
            if (grown > limit + 1) grown = limit + 1;
            unsigned char *larger = realloc(buffer, grown);
            if (larger == NULL) {
                free(buffer);
                inflateEnd(&stream);
                return 3;
            }
            buffer = larger;
            capacity = grown;
        }
        stream.next_out = buffer + produced;
        stream.avail_out = (uInt)(capacity - produced);
        status = inflate(&stream, Z_NO_FLUSH);
        produced = capacity - stream.avail_out;
        if (status == Z_STREAM_END) break;
        // No progress with input left, or no input left before the end: damaged or cut short.
        if (status != Z_OK && !(status == Z_BUF_ERROR && stream.avail_out == 0)) {
            free(buffer);
            inflateEnd(&stream);
            return 1;
        }
        if (stream.avail_in == 0 && stream.avail_out != 0) {
            free(buffer);
            inflateEnd(&stream);
            return 1;
        }
    }
    inflateEnd(&stream);
    if (produced > limit) {
        free(buffer);
        return 2;
    }
    *out = buffer;
    *out_size = produced;
    return 0;
}

int starcert_inflate(const unsigned char *data, size_t size, size_t limit, unsigned char **out, size_t *out_size) {
    return inflate_bounded(data, size, limit, MAX_WBITS, out, out_size);
}

int starcert_inflate_raw(const unsigned char *data, size_t size, size_t limit, unsigned char **out, size_t *out_size) {
    return inflate_bounded(data, size, limit, -MAX_WBITS, out, out_size);
}

int starcert_deflate_raw(const unsigned char *data, size_t size, unsigned char **out, size_t *out_size) {
    z_stream stream;
    memset(&stream, 0, sizeof stream);
    if (deflateInit2(&stream, Z_BEST_COMPRESSION, Z_DEFLATED, -MAX_WBITS, 8, Z_DEFAULT_STRATEGY) != Z_OK) return 3;
    uLong bound = deflateBound(&stream, (uLong)size);
    unsigned char *buffer = malloc(bound > 0 ? bound : 1);
    if (buffer == NULL) {
        deflateEnd(&stream);
        return 3;
    }
    stream.next_in = (Bytef *)data;
    stream.avail_in = (uInt)size;
    stream.next_out = buffer;
    stream.avail_out = (uInt)bound;
    int status = deflate(&stream, Z_FINISH);
    size_t written = bound - stream.avail_out;
    deflateEnd(&stream);
    if (status != Z_STREAM_END) {
        free(buffer);
        return 1;
    }
    *out = buffer;
    *out_size = written;
    return 0;
}

unsigned long starcert_crc32(const unsigned char *data, size_t size) {
    uLong crc = crc32(0L, Z_NULL, 0);
    while (size > 0) {
        uInt chunk = size > 0x40000000u ? 0x40000000u : (uInt)size;
        crc = crc32(crc, data, chunk);
        data += chunk;
        size -= chunk;
    }
    return crc;
}

void starcert_zlib_free(void *pointer) {
    free(pointer);
}
