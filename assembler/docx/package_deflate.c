/* The parts a package writes new, deflated with libdeflate and handed to
 * libzip as compressed data, which it stores as it is (as it does an
 * unchanged part copied from the template): libzip still writes the
 * package, libdeflate does its slowest step in about half of zlib's time
 * and a tenth fewer bytes (bench/RESULTS.md). */
#include "package.h"

#include <libdeflate.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    unsigned char *data; /* the deflated stream */
    size_t clen, size, off;
    uint32_t crc;
    zip_error_t error;
} deflated;

static zip_int64_t deflated_cb(void *ud, void *out, zip_uint64_t len, zip_source_cmd_t cmd)
{
    deflated *d = ud;
    switch (cmd) {
    case ZIP_SOURCE_OPEN:
        d->off = 0;
        return 0;
    case ZIP_SOURCE_READ: {
        size_t n = d->clen - d->off;
        if (n > len)
            n = (size_t)len;
        memcpy(out, d->data + d->off, n);
        d->off += n;
        return (zip_int64_t)n;
    }
    case ZIP_SOURCE_CLOSE:
        return 0;
    case ZIP_SOURCE_STAT: {
        zip_stat_t *st = out;
        if (len < sizeof *st) {
            zip_error_set(&d->error, ZIP_ER_INVAL, 0);
            return -1;
        }
        zip_stat_init(st);
        st->valid = ZIP_STAT_SIZE | ZIP_STAT_COMP_SIZE | ZIP_STAT_COMP_METHOD | ZIP_STAT_CRC |
                    ZIP_STAT_ENCRYPTION_METHOD;
        st->size = d->size;
        st->comp_size = d->clen;
        st->comp_method = ZIP_CM_DEFLATE;
        st->encryption_method = ZIP_EM_NONE;
        st->crc = d->crc;
        return sizeof *st;
    }
    case ZIP_SOURCE_ERROR:
        return zip_error_to_data(&d->error, out, len);
    case ZIP_SOURCE_FREE:
        free(d->data);
        zip_error_fini(&d->error);
        free(d);
        return 0;
    case ZIP_SOURCE_SUPPORTS:
        return zip_source_make_command_bitmap(ZIP_SOURCE_OPEN, ZIP_SOURCE_READ, ZIP_SOURCE_CLOSE,
                                              ZIP_SOURCE_STAT, ZIP_SOURCE_ERROR, ZIP_SOURCE_FREE,
                                              -1);
    default:
        zip_error_set(&d->error, ZIP_ER_OPNOTSUPP, 0);
        return -1;
    }
}

pkg_deflater *pkg_deflater_new(void)
{
    return (pkg_deflater *)libdeflate_alloc_compressor(CLASM_DEFLATE_LEVEL);
}

void pkg_deflater_free(pkg_deflater *c)
{
    if (c)
        libdeflate_free_compressor((struct libdeflate_compressor *)c);
}

zip_source_t *pkg_deflated_source(zip_t *za, pkg_deflater *c, const void *data, size_t len)
{
    struct libdeflate_compressor *dc = (struct libdeflate_compressor *)c;
    deflated *d = calloc(1, sizeof *d);
    if (!d)
        return NULL;
    size_t bound = libdeflate_deflate_compress_bound(dc, len);
    d->data = malloc(bound ? bound : 1);
    d->clen = d->data ? libdeflate_deflate_compress(dc, data, len, d->data, bound) : 0;
    if (!d->data || d->clen == 0) {
        free(d->data);
        free(d);
        return NULL;
    }
    d->size = len;
    d->crc = libdeflate_crc32(0, data, len);
    zip_error_init(&d->error);
    zip_source_t *src = zip_source_function(za, deflated_cb, d);
    if (!src) {
        free(d->data);
        zip_error_fini(&d->error);
        free(d);
    }
    return src;
}
