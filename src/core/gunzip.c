/* gzip decompression with zlib (gunzip.h). */
#include "core/gunzip.h"

#include <stdlib.h>
#include <zlib.h>

#include "vm/error.h"

int vm_gunzip(const uint8_t *in, size_t len, size_t max, const char *what, const char *path,
              uint8_t **out, size_t *out_len)
{
    z_stream z = {0};
    if (inflateInit2(&z, 16 + MAX_WBITS) != Z_OK) /* 16: a gzip header, not zlib's */
        return vm_error(VM_ENOMEM, "%s '%s': cannot start zlib", what, path);
    size_t cap = len * 4 < max ? len * 4 : max, done = 0;
    if (cap < 4096)
        cap = 4096;
    uint8_t *buf = malloc(cap);
    int rc = 0;
    z.next_in = (Bytef *)in;
    size_t in_left = len;
    for (;;) {
        if (!buf) {
            rc = vm_error(VM_ENOMEM, "%s '%s': out of host memory decompressing it", what, path);
            break;
        }
        if (z.avail_in == 0 && in_left) {
            z.avail_in = in_left > 1u << 30 ? 1u << 30 : (uInt)in_left;
            in_left -= z.avail_in;
        }
        z.next_out = buf + done;
        z.avail_out = (uInt)(cap - done > 1u << 30 ? 1u << 30 : cap - done);
        uInt before = z.avail_out;
        int zr = inflate(&z, Z_NO_FLUSH);
        done += before - z.avail_out;
        if (zr == Z_STREAM_END)
            break;
        if (zr == Z_NEED_DICT || zr == Z_DATA_ERROR || zr == Z_MEM_ERROR) {
            rc = vm_error(VM_EFORMAT, "%s '%s': corrupt gzip data (%s)", what, path,
                          z.msg ? z.msg : "zlib error");
            break;
        }
        if (zr == Z_BUF_ERROR && z.avail_in == 0 && !in_left) {
            rc = vm_error(VM_EFORMAT, "%s '%s': truncated gzip data", what, path);
            break;
        }
        if (done == cap) {
            if (cap == max) {
                rc = vm_error(VM_EFORMAT, "%s '%s': decompresses to more than %zu MiB", what,
                              path, max >> 20);
                break;
            }
            cap = cap * 2 < max ? cap * 2 : max;
            uint8_t *b = realloc(buf, cap);
            if (!b)
                free(buf);
            buf = b;
        }
    }
    inflateEnd(&z);
    if (rc < 0) {
        free(buf);
        return rc;
    }
    *out = buf;
    *out_len = done;
    return 0;
}
