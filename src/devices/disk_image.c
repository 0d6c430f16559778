/* Raw disk images on the host (disk_image.h). */
#define _GNU_SOURCE /* O_DIRECT, F_OFD_*, fallocate flags, statx */
#include "devices/disk_image.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <linux/falloc.h>
#include <linux/fs.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "vm/error.h"

#define SECTOR 512
#define BOUNCE_ALIGN 4096
#define ZERO_CHUNK (1u << 20)

/* QEMU's lock bytes and permission bits (block/file-posix.c, block.h). */
#define LOCK_PERM_BASE 100
#define LOCK_SHARED_BASE 200
#define PERM_CONSISTENT_READ 0
#define PERM_WRITE 1

struct vm_disk {
    int fd;
    char *path;
    uint64_t size;
    bool readonly, direct, unmap;
    enum vm_disk_cache cache;
    bool is_blockdev;
    size_t mem_align, off_align; /* O_DIRECT's requirements */
};

static const char *const cache_names[] = {
    [VM_DISK_CACHE_WRITEBACK] = "writeback", [VM_DISK_CACHE_NONE] = "none",
    [VM_DISK_CACHE_WRITETHROUGH] = "writethrough", [VM_DISK_CACHE_DIRECTSYNC] = "directsync",
    [VM_DISK_CACHE_UNSAFE] = "unsafe",
};

int vm_disk_cache_parse(const char *name, enum vm_disk_cache *out)
{
    for (unsigned i = 0; i < sizeof(cache_names) / sizeof(cache_names[0]); i++)
        if (!strcmp(name, cache_names[i])) {
            *out = (enum vm_disk_cache)i;
            return 0;
        }
    return vm_error(VM_EINVAL, "cache=%s: expected writeback, none, writethrough, directsync "
                    "or unsafe", name);
}

const char *vm_disk_cache_name(enum vm_disk_cache c)
{
    return c <= VM_DISK_CACHE_UNSAFE ? cache_names[c] : "?";
}

/* ---- locking ---------------------------------------------------------- */

static int lock_byte(int fd, int cmd, short type, off_t at, struct flock *fl)
{
    *fl = (struct flock){.l_type = type, .l_whence = SEEK_SET, .l_start = at, .l_len = 1};
    return fcntl(fd, cmd, fl);
}

/* Held by another open file description: test as QEMU does (F_WRLCK). */
static int held_elsewhere(int fd, off_t at, bool *held)
{
    struct flock fl;
    if (lock_byte(fd, F_OFD_GETLK, F_WRLCK, at, &fl) < 0)
        return -errno;
    *held = fl.l_type != F_UNLCK;
    return 0;
}

static int lock_image(struct vm_disk *d)
{
    unsigned perms = 1u << PERM_CONSISTENT_READ | (d->readonly ? 0 : 1u << PERM_WRITE);
    unsigned unshared = 1u << PERM_WRITE; /* nobody else may write, as QEMU's devices */
    bool held;
    int e;
    for (unsigned i = 0; i < 2; i++) {
        if ((perms >> i & 1) && (e = held_elsewhere(d->fd, LOCK_SHARED_BASE + i, &held)) == 0 &&
            held)
            goto busy;
        if ((unshared >> i & 1) && (e = held_elsewhere(d->fd, LOCK_PERM_BASE + i, &held)) == 0 &&
            held)
            goto busy;
    }
    for (unsigned i = 0; i < 2; i++) {
        struct flock fl;
        if ((perms >> i & 1) && lock_byte(d->fd, F_OFD_SETLK, F_RDLCK, LOCK_PERM_BASE + i, &fl) < 0)
            goto lock_failed;
        if ((unshared >> i & 1) &&
            lock_byte(d->fd, F_OFD_SETLK, F_RDLCK, LOCK_SHARED_BASE + i, &fl) < 0)
            goto lock_failed;
    }
    return 0;
busy:
    return vm_error(VM_EBUSY, "drive '%s': the image is in use by another process (vm or "
                    "QEMU); two may share it only if both have readonly=on", d->path);
lock_failed:
    e = errno;
    if (e == EAGAIN || e == EACCES)
        goto busy;
    return vm_error(VM_EIO, "drive '%s': cannot lock the image: %s", d->path, strerror(e));
}

/* ---- opening ------------------------------------------------------------ */

static int open_error(const char *path, int e, bool writing)
{
    if (e == ENOENT)
        return vm_error(VM_ENOENT, "drive '%s': no such file", path);
    if ((e == EACCES || e == EROFS || e == EPERM) && writing)
        return vm_error(VM_EACCESS, "drive '%s': cannot open for writing: %s (readonly=on uses "
                        "it read-only)", path, strerror(e));
    if (e == EACCES || e == EPERM)
        return vm_error(VM_EACCESS, "drive '%s': cannot read it: %s", path, strerror(e));
    return vm_error(VM_EIO, "drive '%s': %s", path, strerror(e));
}

static void dio_alignment(struct vm_disk *d)
{
    d->mem_align = d->off_align = SECTOR;
#ifdef STATX_DIOALIGN
    struct statx sx;
    if (statx(d->fd, "", AT_EMPTY_PATH, STATX_DIOALIGN, &sx) == 0 &&
        (sx.stx_mask & STATX_DIOALIGN) && sx.stx_dio_mem_align && sx.stx_dio_offset_align) {
        d->mem_align = sx.stx_dio_mem_align;
        d->off_align = sx.stx_dio_offset_align;
    }
#endif
}

/* qcow2 starts with "QFI\xfb"; only raw images are served. */
static int check_format(struct vm_disk *d, const char *format)
{
    if (format && strcmp(format, "raw") != 0)
        return vm_error(VM_ENOTSUP, "drive '%s': format=%s is not supported: vm reads raw "
                        "images (qemu-img convert -O raw '%s' IMAGE.raw)", d->path, format,
                        d->path);
    if (format) /* explicit raw: the bytes are the disk, whatever they look like */
        return 0;
    uint8_t magic[4] = {0};
    void *buf = NULL;
    ssize_t n;
    if (posix_memalign(&buf, BOUNCE_ALIGN, BOUNCE_ALIGN))
        return vm_error(VM_ENOMEM, "out of host memory");
    while ((n = pread(d->fd, buf, BOUNCE_ALIGN, 0)) < 0 && errno == EINTR)
        ;
    if (n < 0) {
        int e = errno;
        free(buf);
        return vm_error(VM_EIO, "drive '%s': cannot read it: %s", d->path, strerror(e));
    }
    memcpy(magic, buf, n < 4 ? (size_t)n : 4);
    free(buf);
    if (!memcmp(magic, "QFI\xfb", 4))
        return vm_error(VM_EFORMAT, "drive '%s' is a qcow2 image: vm reads raw images; convert "
                        "it with: qemu-img convert -O raw '%s' IMAGE.raw", d->path, d->path);
    return 0;
}

int vm_disk_open(const struct vm_disk_config *cfg, struct vm_disk **out)
{
    const char *path = cfg->path;
    if (!path || !*path)
        return vm_error(VM_EINVAL, "drive: no file= given");
    struct stat st;
    if (stat(path, &st) < 0)
        return open_error(path, errno, false);
    if (S_ISDIR(st.st_mode))
        return vm_error(VM_EINVAL, "drive '%s' is a directory, not a disk image", path);
    if (!S_ISREG(st.st_mode) && !S_ISBLK(st.st_mode))
        return vm_error(VM_EINVAL, "drive '%s' is neither a file nor a block device", path);

    struct vm_disk *d = calloc(1, sizeof(*d));
    if (!d || !(d->path = strdup(path))) {
        free(d);
        return vm_error(VM_ENOMEM, "out of host memory");
    }
    d->readonly = cfg->readonly;
    d->unmap = cfg->unmap;
    d->cache = cfg->cache;
    d->direct = cfg->cache == VM_DISK_CACHE_NONE || cfg->cache == VM_DISK_CACHE_DIRECTSYNC;
    d->is_blockdev = S_ISBLK(st.st_mode);
    int flags = (d->readonly ? O_RDONLY : O_RDWR) | O_CLOEXEC;
    if (d->direct)
        flags |= O_DIRECT;
    if (cfg->cache == VM_DISK_CACHE_WRITETHROUGH || cfg->cache == VM_DISK_CACHE_DIRECTSYNC)
        flags |= O_DSYNC;
    int rc;
    if ((d->fd = open(path, flags)) < 0) {
        int e = errno;
        if (e == EINVAL && d->direct)
            rc = vm_error(VM_ENOTSUP, "drive '%s': cache=%s needs O_DIRECT, which this file "
                          "system does not offer (try cache=writeback)", path,
                          vm_disk_cache_name(cfg->cache));
        else
            rc = open_error(path, e, !d->readonly);
        free(d->path);
        free(d);
        return rc;
    }
    if (d->is_blockdev) {
        uint64_t bytes = 0;
        if (ioctl(d->fd, BLKGETSIZE64, &bytes) < 0) {
            rc = vm_error(VM_EIO, "drive '%s': cannot get its size: %s", path, strerror(errno));
            goto fail;
        }
        d->size = bytes;
    } else {
        d->size = (uint64_t)st.st_size;
    }
    if ((rc = check_format(d, cfg->format)) < 0) /* before the size: a qcow2's hint wins */
        goto fail;
    if (d->size == 0) {
        rc = vm_error(VM_EFORMAT, "drive '%s': the image is empty", path);
        goto fail;
    }
    if (d->size % SECTOR) {
        rc = vm_error(VM_EFORMAT, "drive '%s': its size (%" PRIu64 " bytes) is not a whole "
                      "number of 512-byte sectors", path, d->size);
        goto fail;
    }
    dio_alignment(d);
    if ((rc = lock_image(d)) < 0)
        goto fail;
    *out = d;
    return 0;
fail:
    close(d->fd);
    free(d->path);
    free(d);
    return rc;
}

void vm_disk_close(struct vm_disk *d)
{
    if (!d)
        return;
    close(d->fd); /* releases the OFD locks */
    free(d->path);
    free(d);
}

uint64_t vm_disk_size(const struct vm_disk *d) { return d->size; }
bool vm_disk_readonly(const struct vm_disk *d) { return d->readonly; }
enum vm_disk_cache vm_disk_cache_mode(const struct vm_disk *d) { return d->cache; }
const char *vm_disk_path(const struct vm_disk *d) { return d->path; }

bool vm_disk_write_cache(const struct vm_disk *d)
{
    return d->cache != VM_DISK_CACHE_WRITETHROUGH && d->cache != VM_DISK_CACHE_DIRECTSYNC;
}

/* ---- I/O -------------------------------------------------------------------- */

static uint64_t iov_total(const struct iovec *iov, int n)
{
    uint64_t t = 0;
    for (int i = 0; i < n; i++)
        t += iov[i].iov_len;
    return t;
}

/* O_DIRECT takes only aligned memory, lengths and offsets. */
static bool dio_ok(const struct vm_disk *d, const struct iovec *iov, int n, uint64_t offset)
{
    if (!d->direct)
        return true;
    if (offset % d->off_align)
        return false;
    for (int i = 0; i < n; i++)
        if ((uintptr_t)iov[i].iov_base % d->mem_align || iov[i].iov_len % d->off_align)
            return false;
    return true;
}

/* The whole transfer, continuing short ones. A read past the end stops
 * early (*done tells how far it got). */
static int transfer(struct vm_disk *d, const struct iovec *iov_in, int n, uint64_t offset,
                    bool write, uint64_t *done)
{
    struct iovec local[64], *iov = n <= 64 ? local : malloc(sizeof(*iov) * (size_t)n);
    if (!iov)
        return -ENOMEM;
    memcpy(iov, iov_in, sizeof(*iov) * (size_t)n);
    struct iovec *cur = iov;
    int left = n, rc = 0;
    *done = 0;
    while (left > 0) {
        if (cur->iov_len == 0) {
            cur++, left--;
            continue;
        }
        int cnt = left > IOV_MAX ? IOV_MAX : left;
        ssize_t r = write ? pwritev(d->fd, cur, cnt, (off_t)(offset + *done))
                          : preadv(d->fd, cur, cnt, (off_t)(offset + *done));
        if (r < 0) {
            if (errno == EINTR)
                continue;
            rc = -errno;
            break;
        }
        if (r == 0) /* end of file */
            break;
        *done += (uint64_t)r;
        while (r > 0 && left > 0) {
            size_t k = (size_t)r < cur->iov_len ? (size_t)r : cur->iov_len;
            cur->iov_base = (uint8_t *)cur->iov_base + k;
            cur->iov_len -= k;
            r -= (ssize_t)k;
            if (cur->iov_len == 0)
                cur++, left--;
        }
    }
    if (iov != local)
        free(iov);
    return rc;
}

static int io(struct vm_disk *d, const struct iovec *iov, int n, uint64_t offset, bool write)
{
    uint64_t len = iov_total(iov, n), done = 0;
    if (offset > d->size || len > d->size - offset)
        return vm_error(VM_EINVAL, "drive '%s': I/O beyond the end", d->path);
    if (write && d->readonly)
        return vm_error(VM_EACCESS, "drive '%s' is read-only", d->path);
    int rc;
    if (dio_ok(d, iov, n, offset)) {
        rc = transfer(d, iov, n, offset, write, &done);
    } else {
        /* Through an aligned bounce buffer (O_DIRECT with guest buffers
         * that are not aligned enough). */
        uint64_t a = d->off_align, start = offset / a * a, end = (offset + len + a - 1) / a * a;
        if (end > d->size)
            return vm_error(VM_EIO, "drive '%s': unaligned direct I/O at the end", d->path);
        void *buf;
        if (posix_memalign(&buf, d->mem_align > BOUNCE_ALIGN ? d->mem_align : BOUNCE_ALIGN,
                           end - start))
            return vm_error(VM_ENOMEM, "out of host memory");
        struct iovec whole = {buf, end - start};
        uint64_t got;
        rc = 0;
        if (!write || start != offset || end != offset + len) /* read-modify-write */
            rc = transfer(d, &whole, 1, start, false, &got);
        if (rc == 0 && write) {
            uint64_t at = offset - start;
            for (int i = 0; i < n; i++) {
                memcpy((uint8_t *)buf + at, iov[i].iov_base, iov[i].iov_len);
                at += iov[i].iov_len;
            }
            rc = transfer(d, &whole, 1, start, true, &got);
        } else if (rc == 0) {
            uint64_t at = offset - start;
            for (int i = 0; i < n; i++) {
                memcpy(iov[i].iov_base, (uint8_t *)buf + at, iov[i].iov_len);
                at += iov[i].iov_len;
            }
        }
        free(buf);
        done = len;
    }
    if (rc < 0)
        return vm_error(VM_EIO, "drive '%s': %s at byte %" PRIu64 ": %s", d->path,
                        write ? "write" : "read", offset, strerror(-rc));
    if (done < len) {
        if (write)
            return vm_error(VM_EIO, "drive '%s': short write at byte %" PRIu64, d->path, offset);
        /* The file shrank under us: the rest reads as zeros. */
        uint64_t skip = done;
        for (int i = 0; i < n; i++) {
            if (skip >= iov[i].iov_len) {
                skip -= iov[i].iov_len;
                continue;
            }
            memset((uint8_t *)iov[i].iov_base + skip, 0, iov[i].iov_len - skip);
            skip = 0;
        }
    }
    return 0;
}

int vm_disk_preadv(struct vm_disk *d, const struct iovec *iov, int n, uint64_t offset)
{
    return io(d, iov, n, offset, false);
}

int vm_disk_pwritev(struct vm_disk *d, const struct iovec *iov, int n, uint64_t offset)
{
    return io(d, iov, n, offset, true);
}

int vm_disk_flush(struct vm_disk *d)
{
    if (d->readonly || d->cache == VM_DISK_CACHE_UNSAFE)
        return 0;
    while (fdatasync(d->fd) < 0) {
        if (errno != EINTR)
            return vm_error(VM_EIO, "drive '%s': fdatasync: %s", d->path, strerror(errno));
    }
    return 0;
}

static int check_range(struct vm_disk *d, uint64_t offset, uint64_t len)
{
    if (d->readonly)
        return vm_error(VM_EACCESS, "drive '%s' is read-only", d->path);
    if (offset > d->size || len > d->size - offset)
        return vm_error(VM_EINVAL, "drive '%s': range beyond the end", d->path);
    return 0;
}

int vm_disk_discard(struct vm_disk *d, uint64_t offset, uint64_t len)
{
    int rc = check_range(d, offset, len);
    if (rc < 0 || len == 0 || !d->unmap)
        return rc;
    if (d->is_blockdev) {
        uint64_t range[2] = {offset, len};
        ioctl(d->fd, BLKDISCARD, range); /* advisory: failures do not matter */
        return 0;
    }
    while (fallocate(d->fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, (off_t)offset,
                     (off_t)len) < 0 && errno == EINTR)
        ;
    return 0; /* a discard is a hint: EOPNOTSUPP leaves the data, which is allowed */
}

int vm_disk_write_zeroes(struct vm_disk *d, uint64_t offset, uint64_t len, bool unmap)
{
    int rc = check_range(d, offset, len);
    if (rc < 0 || len == 0)
        return rc;
    unmap = unmap && d->unmap;
    if (!d->is_blockdev) {
        int mode = unmap ? FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE : FALLOC_FL_ZERO_RANGE;
        int r;
        while ((r = fallocate(d->fd, mode, (off_t)offset, (off_t)len)) < 0 && errno == EINTR)
            ;
        if (r == 0) {
            if (d->cache == VM_DISK_CACHE_WRITETHROUGH || d->cache == VM_DISK_CACHE_DIRECTSYNC)
                return vm_disk_flush(d); /* O_DSYNC does not cover fallocate */
            return 0;
        }
    }
    /* No fallocate here: write zeros. */
    void *zero;
    size_t chunk = len < ZERO_CHUNK ? (size_t)len : ZERO_CHUNK;
    if (posix_memalign(&zero, BOUNCE_ALIGN, chunk))
        return vm_error(VM_ENOMEM, "out of host memory");
    memset(zero, 0, chunk);
    for (uint64_t at = 0; at < len && rc == 0; at += chunk) {
        struct iovec v = {zero, len - at < chunk ? (size_t)(len - at) : chunk};
        rc = io(d, &v, 1, offset + at, true);
    }
    free(zero);
    return rc;
}
