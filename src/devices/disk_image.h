/* A raw disk image on the host (a file or a block device), the back end
 * of a virtual disk, with QEMU's cache modes and image locking:
 *
 *   cache=     host page cache   guest sees a write cache   O_ flags
 *   writeback  yes               yes (flush = fdatasync)    -
 *   none       no                yes (flush = fdatasync)    O_DIRECT
 *   writethrough yes             no                         O_DSYNC
 *   directsync no                no                         O_DIRECT|O_DSYNC
 *   unsafe     yes               yes (flush ignored)        -
 *
 * An image in use by another process is refused unless both only read:
 * OFD locks on the same bytes as QEMU's (file-posix.c: byte 100+i "holds
 * permission i", 200+i "does not share permission i"; i = 0 consistent
 * read, 1 write), so vm and QEMU also exclude each other.
 *
 * Opening refuses with a one-line message: a missing, unreadable or empty
 * file, a directory, a size that is not a whole number of 512-byte sectors,
 * and qcow2 images (with the qemu-img command that converts them) unless
 * format=raw was given explicitly (then the bytes are the disk, as in QEMU).
 *
 * I/O calls are thread-safe (pread/pwrite at offsets). They complete only
 * when the data is in the host file (or read from it); short transfers are
 * continued, EINTR retried. */
#ifndef VM_DEVICES_DISK_IMAGE_H
#define VM_DEVICES_DISK_IMAGE_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/uio.h>

enum vm_disk_cache {
    VM_DISK_CACHE_WRITEBACK = 0,
    VM_DISK_CACHE_NONE,
    VM_DISK_CACHE_WRITETHROUGH,
    VM_DISK_CACHE_DIRECTSYNC,
    VM_DISK_CACHE_UNSAFE,
};

struct vm_disk_config {
    const char *path;
    const char *format; /* "raw", or NULL to probe (raw; qcow2 refused) */
    bool readonly;
    enum vm_disk_cache cache;
    bool unmap; /* discard=unmap: discards punch holes (QEMU's default, ignore: they do nothing) */
};

struct vm_disk;

/* QEMU's cache= names; -VM_EINVAL for another. */
int vm_disk_cache_parse(const char *name, enum vm_disk_cache *out);
const char *vm_disk_cache_name(enum vm_disk_cache c);

int vm_disk_open(const struct vm_disk_config *cfg, struct vm_disk **out);
void vm_disk_close(struct vm_disk *d);

uint64_t vm_disk_size(const struct vm_disk *d); /* bytes, a multiple of 512 */
bool vm_disk_readonly(const struct vm_disk *d);
enum vm_disk_cache vm_disk_cache_mode(const struct vm_disk *d);
const char *vm_disk_path(const struct vm_disk *d);
/* Whether the guest should see a volatile write cache (flushes matter). */
bool vm_disk_write_cache(const struct vm_disk *d);

/* The whole range or -VM_EIO (a read past the end reads zeros). */
int vm_disk_preadv(struct vm_disk *d, const struct iovec *iov, int n, uint64_t offset);
int vm_disk_pwritev(struct vm_disk *d, const struct iovec *iov, int n, uint64_t offset);
/* Make written data durable (fdatasync), except with cache=unsafe. */
int vm_disk_flush(struct vm_disk *d);
/* Drop a range: with unmap, a hole punch where the host supports it;
 * otherwise nothing (a discard is a hint). */
int vm_disk_discard(struct vm_disk *d, uint64_t offset, uint64_t len);
/* Zero a range; unmap (and the drive's unmap): it may become a hole. */
int vm_disk_write_zeroes(struct vm_disk *d, uint64_t offset, uint64_t len, bool unmap);

#endif
