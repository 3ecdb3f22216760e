#include "starcert_jpeg.h"

#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jpeglib.h>
#include <lcms2.h>

struct failure {
    struct jpeg_error_mgr manager;
    jmp_buf jump;
    char *message;
    size_t message_size;
};

static void fail(j_common_ptr info) {
    struct failure *failure = (struct failure *)info->err;
    char text[JMSG_LENGTH_MAX];
    (*info->err->format_message)(info, text);
    snprintf(failure->message, failure->message_size, "%s", text);
    longjmp(failure->jump, 1);
}

/// Warnings (level -1: corrupt data, premature end) are failures too: nothing is drawn in part.
static void note(j_common_ptr info, int level) {
    if (level < 0) fail(info);
}

/// libjpeg's error manager with failures and warnings routed to `failure`.
static struct jpeg_error_mgr *watch(struct failure *failure, char *message, size_t message_size) {
    struct jpeg_error_mgr *manager = jpeg_std_error(&failure->manager);
    manager->error_exit = fail;
    manager->emit_message = note;
    failure->message = message;
    failure->message_size = message_size;
    return manager;
}

static const char *space_name(cmsColorSpaceSignature space) {
    switch (space) {
    case cmsSigRgbData: return "RGB";
    case cmsSigCmykData: return "CMYK";
    case cmsSigGrayData: return "grey";
    default: return "other";
    }
}

/// A transform from the picture's embedded ICC profile to sRGB (8-bit RGB out), or NULL with
/// `message` when the profile cannot be read, is for another colour space, or cannot be applied.
static cmsHTRANSFORM profile_transform(const JOCTET *icc, unsigned int icc_size, J_COLOR_SPACE decoded, int inverted,
                                       char *message, size_t message_size) {
    cmsHPROFILE source = cmsOpenProfileFromMem(icc, icc_size);
    if (source == NULL) {
        snprintf(message, message_size, "its embedded ICC colour profile cannot be read");
        return NULL;
    }
    cmsColorSpaceSignature wanted = decoded == JCS_CMYK ? cmsSigCmykData : decoded == JCS_GRAYSCALE ? cmsSigGrayData : cmsSigRgbData;
    cmsColorSpaceSignature space = cmsGetColorSpace(source);
    if (space != wanted) {
        snprintf(message, message_size, "its embedded ICC colour profile is for %s pictures, but the picture is %s",
                 space_name(space), space_name(wanted));
        cmsCloseProfile(source);
        return NULL;
    }
    cmsUInt32Number input = decoded == JCS_CMYK ? (inverted ? TYPE_CMYK_8_REV : TYPE_CMYK_8) : decoded == JCS_GRAYSCALE ? TYPE_GRAY_8 : TYPE_RGB_8;
    cmsHPROFILE srgb = cmsCreate_sRGBProfile();
    cmsHTRANSFORM transform = cmsCreateTransform(source, input, srgb, TYPE_RGB_8, INTENT_RELATIVE_COLORIMETRIC,
                                                 cmsFLAGS_BLACKPOINTCOMPENSATION | cmsFLAGS_NOCACHE);
    cmsCloseProfile(srgb);
    cmsCloseProfile(source);
    if (transform == NULL) snprintf(message, message_size, "its embedded ICC colour profile cannot be applied");
    return transform;
}

int starcert_jpeg_decode(const unsigned char *data, size_t size, long max_pixels,
                         unsigned char **pixels, int *width, int *height, int *components,
                         char *message, size_t message_size) {
    struct jpeg_decompress_struct info;
    struct failure failure;
    unsigned char *volatile buffer = NULL;
    unsigned char *volatile row = NULL;
    JOCTET *volatile icc = NULL;
    volatile cmsHTRANSFORM transform = NULL;
    info.err = watch(&failure, message, message_size);
    if (setjmp(failure.jump)) {
        jpeg_destroy_decompress(&info);
        free(buffer);
        free(row);
        free(icc);
        if (transform != NULL) cmsDeleteTransform(transform);
        return 1;
    }
    jpeg_create_decompress(&info);
    jpeg_mem_src(&info, data, (unsigned long)size);
    // ICC profiles travel in APP2 segments, kept for reading.
    jpeg_save_markers(&info, JPEG_APP0 + 2, 0xFFFF);
    jpeg_read_header(&info, TRUE);
    if ((long)info.image_width * (long)info.image_height > max_pixels) {
        snprintf(message, message_size, "it is %u x %u pixels, more than allowed", info.image_width, info.image_height);
        jpeg_destroy_decompress(&info);
        return 2;
    }
    int cmyk = info.jpeg_color_space == JCS_CMYK || info.jpeg_color_space == JCS_YCCK;
    if (cmyk) {
        info.out_color_space = JCS_CMYK;
    } else if (info.jpeg_color_space == JCS_GRAYSCALE) {
        info.out_color_space = JCS_GRAYSCALE;
    } else {
        info.out_color_space = JCS_RGB;
    }
    info.dct_method = JDCT_ISLOW;
    // Adobe writes CMYK inverted (APP14); its transform flag tells.
    int inverted = cmyk && info.saw_Adobe_marker;
    JOCTET *profile = NULL;
    unsigned int profile_size = 0;
    if (jpeg_read_icc_profile(&info, &profile, &profile_size)) {
        icc = profile;
        transform = profile_transform(profile, profile_size, info.out_color_space, inverted, message, message_size);
        free(icc);
        icc = NULL;
        if (transform == NULL) {
            jpeg_destroy_decompress(&info);
            return 4;
        }
    }
    jpeg_start_decompress(&info);
    int out = transform != NULL || cmyk ? 3 : info.output_components;
    size_t stride = (size_t)info.output_width * (size_t)out;
    buffer = malloc(stride * info.output_height);
    row = malloc((size_t)info.output_width * (size_t)info.output_components);
    if (buffer == NULL || row == NULL) {
        snprintf(message, message_size, "not enough memory to decode it");
        jpeg_destroy_decompress(&info);
        free(buffer);
        free(row);
        if (transform != NULL) cmsDeleteTransform(transform);
        return 3;
    }
    while (info.output_scanline < info.output_height) {
        JSAMPROW rows[1] = {row};
        unsigned int line = info.output_scanline;
        jpeg_read_scanlines(&info, rows, 1);
        unsigned char *target = buffer + stride * line;
        if (transform != NULL) {
            cmsDoTransform(transform, row, target, info.output_width);
            continue;
        }
        if (!cmyk) {
            memcpy(target, row, stride);
            continue;
        }
        for (unsigned int x = 0; x < info.output_width; x++) {
            int c = row[4 * x], m = row[4 * x + 1], y = row[4 * x + 2], k = row[4 * x + 3];
            if (!inverted) { c = 255 - c; m = 255 - m; y = 255 - y; k = 255 - k; }
            // With inverted values, each channel times K over 255 is the RGB value.
            target[3 * x] = (unsigned char)((c * k + 127) / 255);
            target[3 * x + 1] = (unsigned char)((m * k + 127) / 255);
            target[3 * x + 2] = (unsigned char)((y * k + 127) / 255);
        }
    }
    jpeg_finish_decompress(&info);
    if (transform != NULL) cmsDeleteTransform(transform);
    *pixels = buffer;
    *width = (int)info.output_width;
    *height = (int)info.output_height;
    *components = out;
    jpeg_destroy_decompress(&info);
    free(row);
    return 0;
}

int starcert_jpeg_encode(const unsigned char *pixels, int width, int height, int components, int quality,
                         unsigned char **out, unsigned long *out_size, char *message, size_t message_size) {
    struct jpeg_compress_struct info;
    struct failure failure;
    unsigned char *destination = NULL;
    unsigned char **volatile destination_slot = &destination;
    unsigned long written_size = 0;
    info.err = watch(&failure, message, message_size);
    if (setjmp(failure.jump)) {
        jpeg_destroy_compress(&info);
        // The memory destination's buffer is the caller's to free, also after a failure.
        free(*destination_slot);
        return 1;
    }
    jpeg_create_compress(&info);
    jpeg_mem_dest(&info, destination_slot, &written_size);
    info.image_width = (JDIMENSION)width;
    info.image_height = (JDIMENSION)height;
    info.input_components = components;
    info.in_color_space = components == 1 ? JCS_GRAYSCALE : JCS_RGB;
    jpeg_set_defaults(&info);
    info.dct_method = JDCT_ISLOW;
    info.optimize_coding = TRUE;
    info.write_JFIF_header = TRUE;
    jpeg_set_quality(&info, quality, TRUE);
    jpeg_start_compress(&info, TRUE);
    size_t stride = (size_t)width * (size_t)components;
    while (info.next_scanline < info.image_height) {
        JSAMPROW rows[1] = {(JSAMPROW)(pixels + stride * info.next_scanline)};
        jpeg_write_scanlines(&info, rows, 1);
    }
    jpeg_finish_compress(&info);
    *out = destination;
    *out_size = written_size;
    jpeg_destroy_compress(&info);
    return 0;
}

void starcert_jpeg_free(void *pointer) {
    free(pointer);
}
