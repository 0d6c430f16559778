/* gzip decompression of boot images (zlib), bounded as QEMU bounds it. */
#ifndef VM_CORE_GUNZIP_H
#define VM_CORE_GUNZIP_H

#include <stddef.h>
#include <stdint.h>

/* QEMU's LOAD_IMAGE_MAX_GUNZIP_BYTES. */
#define VM_GUNZIP_MAX (256u << 20)

/* Decompress one gzip stream from in[0, len) into a new malloc'd buffer
 * of at most max bytes. 0, or a -VM_E... code with "what 'path': ..." in
 * vm_error_message() (corrupt or truncated data, output over max). */
int vm_gunzip(const uint8_t *in, size_t len, size_t max, const char *what, const char *path,
              uint8_t **out, size_t *out_len);

#endif
