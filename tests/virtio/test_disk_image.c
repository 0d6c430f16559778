/* Raw disk images (devices/disk_image.c): the one-line refusals (missing,
 * directory, empty, odd-sized, qcow2 with the conversion hint, other
 * formats), QEMU-compatible OFD locks (writers exclude everyone, readers
 * share), cache modes including O_DIRECT with unaligned guest buffers,
 * read-only images, discard and write-zeroes. */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "devices/disk_image.h"
#include "vm/error.h"

static char dir[64];
static char img[128];

static void write_file(const char *path, const void *data, size_t len)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    if (len)
        assert_int_equal(fwrite(data, 1, len, f), len);
    fclose(f);
}

/* An image of n sectors; byte i holds (i * 7 + 3) & 0xff. */
static void make_image(const char *path, unsigned sectors)
{
    size_t len = (size_t)sectors * 512;
    uint8_t *b = malloc(len);
    for (size_t i = 0; i < len; i++)
        b[i] = (uint8_t)(i * 7 + 3);
    write_file(path, b, len);
    free(b);
}

static int setup(void **state)
{
    snprintf(dir, sizeof(dir), "/tmp/vm-disk-test-XXXXXX");
    assert_non_null(mkdtemp(dir));
    snprintf(img, sizeof(img), "%s/disk.img", dir);
    make_image(img, 64);
    return 0;
}

static int teardown(void **state)
{
    char cmd[160];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
    return system(cmd);
}

static int open_img(const char *path, bool ro, enum vm_disk_cache cache, const char *format,
                    struct vm_disk **d)
{
    struct vm_disk_config c = {.path = path, .readonly = ro, .cache = cache, .format = format,
                               .unmap = true};
    return vm_disk_open(&c, d);
}

static void expect_refused(const char *path, const char *format, int code, const char *text)
{
    struct vm_disk *d = NULL;
    assert_int_equal(open_img(path, false, VM_DISK_CACHE_WRITEBACK, format, &d), -code);
    if (!strstr(vm_error_message(), text))
        fail_msg("message '%s' does not say '%s'", vm_error_message(), text);
    assert_null(strchr(vm_error_message(), '\n')); /* one line */
}

static void test_refusals(void **state)
{
    char p[160];
    snprintf(p, sizeof(p), "%s/missing.img", dir);
    expect_refused(p, NULL, VM_ENOENT, "no such file");
    expect_refused(dir, NULL, VM_EINVAL, "is a directory");
    snprintf(p, sizeof(p), "%s/empty.img", dir);
    write_file(p, "", 0);
    expect_refused(p, NULL, VM_EFORMAT, "empty");
    snprintf(p, sizeof(p), "%s/odd.img", dir);
    write_file(p, "0123456789", 10);
    expect_refused(p, NULL, VM_EFORMAT, "not a whole number of 512-byte sectors");
    snprintf(p, sizeof(p), "%s/q.qcow2", dir);
    uint8_t q[1024] = {'Q', 'F', 'I', 0xfb, 0, 0, 0, 3};
    write_file(p, q, sizeof(q));
    expect_refused(p, NULL, VM_EFORMAT, "qemu-img convert -O raw");
    expect_refused(p, "qcow2", VM_ENOTSUP, "qemu-img convert -O raw");
    expect_refused(img, "vmdk", VM_ENOTSUP, "format=vmdk");
    /* format=raw given: the bytes are the disk, as in QEMU. */
    struct vm_disk *d;
    assert_int_equal(open_img(p, false, VM_DISK_CACHE_WRITEBACK, "raw", &d), 0);
    vm_disk_close(d);
    expect_refused("/dev/null", NULL, VM_EINVAL, "neither a file nor a block device");
}

static void test_unreadable(void **state)
{
    char p[160];
    snprintf(p, sizeof(p), "%s/secret.img", dir);
    make_image(p, 1);
    chmod(p, 0);
    if (geteuid() != 0) {
        expect_refused(p, NULL, VM_EACCESS, "cannot");
        return;
    }
    /* Root reads any file: the check runs in a child that became nobody
     * (CI runs as root). */
    chmod(dir, 0755);
    int fds[2];
    assert_int_equal(pipe(fds), 0);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        close(fds[0]);
        if (setgid(65534) != 0 || setuid(65534) != 0)
            _exit(2);
        struct vm_disk *d = NULL;
        int rc = open_img(p, false, VM_DISK_CACHE_WRITEBACK, NULL, &d);
        const char *msg = vm_error_message();
        if (write(fds[1], msg, strlen(msg)) < 0)
            _exit(3);
        _exit(rc == -VM_EACCESS && strstr(msg, "cannot") && !strchr(msg, '\n') ? 0 : 1);
    }
    close(fds[1]);
    char msg[256] = "";
    ssize_t n = read(fds[0], msg, sizeof(msg) - 1);
    msg[n > 0 ? n : 0] = 0;
    close(fds[0]);
    int status = 0;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
        fail_msg("as nobody: status %d, message '%s'", status, msg);
}

static void test_locks(void **state)
{
    struct vm_disk *a, *b;
    /* A writer excludes a second writer and any reader... */
    assert_int_equal(open_img(img, false, VM_DISK_CACHE_WRITEBACK, "raw", &a), 0);
    assert_int_equal(open_img(img, false, VM_DISK_CACHE_WRITEBACK, "raw", &b), -VM_EBUSY);
    assert_non_null(strstr(vm_error_message(), "in use by another process"));
    assert_int_equal(open_img(img, true, VM_DISK_CACHE_WRITEBACK, "raw", &b), -VM_EBUSY);
    vm_disk_close(a);
    /* ...readers share with readers, and exclude a writer. */
    assert_int_equal(open_img(img, true, VM_DISK_CACHE_WRITEBACK, "raw", &a), 0);
    assert_int_equal(open_img(img, true, VM_DISK_CACHE_WRITEBACK, "raw", &b), 0);
    struct vm_disk *c;
    assert_int_equal(open_img(img, false, VM_DISK_CACHE_WRITEBACK, "raw", &c), -VM_EBUSY);
    vm_disk_close(a);
    vm_disk_close(b);
    /* Closing releases. */
    assert_int_equal(open_img(img, false, VM_DISK_CACHE_WRITEBACK, "raw", &c), 0);
    vm_disk_close(c);
}

/* The same bytes QEMU's qemu-img would find: a writer holds bytes 100,
 * 101 and 201; check with our own OFD probe. */
static void test_lock_bytes_like_qemu(void **state)
{
    struct vm_disk *a;
    assert_int_equal(open_img(img, false, VM_DISK_CACHE_WRITEBACK, "raw", &a), 0);
    int fd = open(img, O_RDONLY);
    for (off_t at = 99; at <= 202; at++) {
        struct flock fl = {.l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = at, .l_len = 1};
        assert_int_equal(fcntl(fd, F_OFD_GETLK, &fl), 0);
        bool held = fl.l_type != F_UNLCK;
        assert_int_equal(held, at == 100 || at == 101 || at == 201);
    }
    close(fd);
    vm_disk_close(a);
}

static void check_pattern(const uint8_t *b, uint64_t offset, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if (b[i] != (uint8_t)((offset + i) * 7 + 3))
            fail_msg("byte %zu of a read at %llu differs", i, (unsigned long long)offset);
}

static void io_modes(enum vm_disk_cache cache)
{
    struct vm_disk *d;
    assert_int_equal(open_img(img, false, cache, "raw", &d), 0);
    assert_int_equal(vm_disk_size(d), 64 * 512);
    /* Buffers aligned and not: O_DIRECT goes through a bounce buffer. */
    uint8_t *big = aligned_alloc(4096, 8192);
    struct iovec v[2] = {{big + 1, 512}, {big + 4096, 1024}};
    assert_int_equal(vm_disk_preadv(d, v, 2, 1024), 0);
    check_pattern(big + 1, 1024, 512);
    check_pattern(big + 4096, 1536, 1024);
    memset(big, 0x5a, 8192);
    struct iovec w = {big + 3, 512};
    assert_int_equal(vm_disk_pwritev(d, &w, 1, 512 * 10), 0);
    assert_int_equal(vm_disk_flush(d), 0);
    memset(big, 0, 8192);
    struct iovec r = {big, 1536};
    assert_int_equal(vm_disk_preadv(d, &r, 1, 512 * 9), 0);
    check_pattern(big, 512 * 9, 512);
    for (int i = 512; i < 1024; i++)
        assert_int_equal(big[i], 0x5a);
    check_pattern(big + 1024, 512 * 11, 512);
    /* Beyond the end: refused. */
    struct iovec e = {big, 1024};
    assert_int_equal(vm_disk_preadv(d, &e, 1, 63 * 512), -VM_EINVAL);
    free(big);
    vm_disk_close(d);
}

static void test_io_writeback(void **state) { io_modes(VM_DISK_CACHE_WRITEBACK); }
static void test_io_none(void **state) { io_modes(VM_DISK_CACHE_NONE); }
static void test_io_directsync(void **state) { io_modes(VM_DISK_CACHE_DIRECTSYNC); }
static void test_io_writethrough(void **state) { io_modes(VM_DISK_CACHE_WRITETHROUGH); }
static void test_io_unsafe(void **state) { io_modes(VM_DISK_CACHE_UNSAFE); }

static void test_cache_names(void **state)
{
    enum vm_disk_cache c;
    assert_int_equal(vm_disk_cache_parse("none", &c), 0);
    assert_int_equal(c, VM_DISK_CACHE_NONE);
    assert_int_equal(vm_disk_cache_parse("directsync", &c), 0);
    assert_int_equal(c, VM_DISK_CACHE_DIRECTSYNC);
    assert_int_equal(vm_disk_cache_parse("bogus", &c), -VM_EINVAL);
    struct vm_disk *d;
    assert_int_equal(open_img(img, false, VM_DISK_CACHE_DIRECTSYNC, "raw", &d), 0);
    assert_false(vm_disk_write_cache(d));
    vm_disk_close(d);
    assert_int_equal(open_img(img, false, VM_DISK_CACHE_NONE, "raw", &d), 0);
    assert_true(vm_disk_write_cache(d));
    vm_disk_close(d);
}

static void test_readonly(void **state)
{
    struct vm_disk *d;
    assert_int_equal(open_img(img, true, VM_DISK_CACHE_WRITEBACK, "raw", &d), 0);
    uint8_t b[512] = {0};
    struct iovec v = {b, 512};
    assert_int_equal(vm_disk_pwritev(d, &v, 1, 0), -VM_EACCESS);
    assert_int_equal(vm_disk_discard(d, 0, 512), -VM_EACCESS);
    assert_int_equal(vm_disk_write_zeroes(d, 0, 512, false), -VM_EACCESS);
    assert_int_equal(vm_disk_flush(d), 0);
    vm_disk_close(d);
    /* The file is untouched. */
    FILE *f = fopen(img, "rb");
    uint8_t first[512];
    assert_int_equal(fread(first, 1, 512, f), 512);
    fclose(f);
    check_pattern(first, 0, 512);
}

static void test_zeroes_and_discard(void **state)
{
    struct vm_disk *d;
    assert_int_equal(open_img(img, false, VM_DISK_CACHE_WRITEBACK, "raw", &d), 0);
    assert_int_equal(vm_disk_write_zeroes(d, 4096, 8192, false), 0);
    assert_int_equal(vm_disk_write_zeroes(d, 16384, 4096, true), 0);
    assert_int_equal(vm_disk_discard(d, 24576, 4096), 0);
    uint8_t b[32768];
    struct iovec v = {b, sizeof(b)};
    assert_int_equal(vm_disk_preadv(d, &v, 1, 0), 0);
    check_pattern(b, 0, 4096);
    for (int i = 4096; i < 12288; i++)
        assert_int_equal(b[i], 0);
    check_pattern(b + 12288, 12288, 4096);
    for (int i = 16384; i < 20480; i++)
        assert_int_equal(b[i], 0);
    check_pattern(b + 20480, 20480, 4096);
    assert_int_equal(vm_disk_write_zeroes(d, 64 * 512 - 512, 1024, false), -VM_EINVAL);
    vm_disk_close(d);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_refusals),    T(test_unreadable),     T(test_locks),
        T(test_lock_bytes_like_qemu), T(test_io_writeback), T(test_io_none),
        T(test_io_directsync), T(test_io_writethrough), T(test_io_unsafe),
        T(test_cache_names), T(test_readonly),       T(test_zeroes_and_discard),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
