/* System calls with guest addresses inside their structures: Linux native
 * AIO (io_setup/io_submit/io_getevents/io_pgetevents/io_cancel/io_destroy:
 * each iocb's buffer or iovec array, the event's obj naming the guest's
 * iocb, a read completing into a page of code), futex_waitv (an array of
 * futex addresses), name_to_handle_at/open_by_handle_at, the NUMA
 * policies (a range of guest memory), and in a child unshare, setns,
 * mount and umount2 (root only: skipped otherwise, as under qemu).
 * qemu-riscv64 7.2 has neither the AIO calls, futex_waitv nor the NUMA
 * calls (ENOSYS): outside vm those parts are skipped (said on stderr, not
 * compared). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/aio_abi.h>
#include <linux/futex.h>
#include <linux/mempolicy.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <sched.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include "check.h"

static int missing(const char *name, long r)
{
    if (r == -1 && errno == ENOSYS && !under_vm()) {
        fprintf(stderr, "no %s here (qemu-riscv64 7.2 lacks it): skipped\n", name);
        return 1;
    }
    return 0;
}

static char fname[64];

static void test_aio(void)
{
    aio_context_t ctx = 0;
    long r = syscall(SYS_io_setup, 8, &ctx);
    if (missing("io_setup", r))
        return;
    CHECK(r == 0 && ctx != 0);
    volatile unsigned *ring = (volatile unsigned *)ctx; /* libaio reads the ring's magic */
    (void)ring[4];
    aio_context_t again = ctx;
    CHECK(syscall(SYS_io_setup, 8, &again) == -1 && errno == EINVAL); /* *ctxp must be 0 */

    int fd = open(fname, O_RDWR | O_CREAT | O_TRUNC, 0600);
    CHECK(fd >= 0);
    static char data[8192], in[4096], in2a[100], in2b[200];
    for (int i = 0; i < (int)sizeof(data); i++)
        data[i] = (char)(i * 7 + 1);
    CHECK(pwrite(fd, data, 4096, 0) == 4096);
    struct iocb cb[4];
    memset(cb, 0, sizeof(cb));
    cb[0] = (struct iocb){.aio_data = 100, .aio_lio_opcode = IOCB_CMD_PREAD, .aio_fildes = fd,
                          .aio_buf = (uintptr_t)in, .aio_nbytes = 4096, .aio_offset = 0};
    cb[1] = (struct iocb){.aio_data = 101, .aio_lio_opcode = IOCB_CMD_PWRITE, .aio_fildes = fd,
                          .aio_buf = (uintptr_t)(data + 4096), .aio_nbytes = 4096,
                          .aio_offset = 4096};
    struct iovec iov[2] = {{in2a, sizeof(in2a)}, {in2b, sizeof(in2b)}};
    cb[2] = (struct iocb){.aio_data = 102, .aio_lio_opcode = IOCB_CMD_PREADV, .aio_fildes = fd,
                          .aio_buf = (uintptr_t)iov, .aio_nbytes = 2, .aio_offset = 10};
    cb[3] = (struct iocb){.aio_data = 103, .aio_lio_opcode = IOCB_CMD_FSYNC, .aio_fildes = fd};
    struct iocb *list[4] = {&cb[0], &cb[1], &cb[2], &cb[3]};
    CHECK(syscall(SYS_io_submit, ctx, 4L, list) == 4);
    struct io_event ev[8];
    memset(ev, 0, sizeof(ev));
    struct timespec ts = {30, 0};
    long got = 0;
    while (got < 4) {
        r = syscall(SYS_io_getevents, ctx, 1L, 8L, ev + got, &ts);
        CHECK(r > 0);
        if (r <= 0)
            break;
        got += r;
    }
    int seen = 0;
    for (long i = 0; i < got; i++) {
        int k = (int)(ev[i].data - 100);
        CHECK(k >= 0 && k < 4 && ev[i].obj == (uintptr_t)&cb[k]);
        if (k < 0 || k > 3)
            continue;
        seen |= 1 << k;
        long want[4] = {4096, 4096, 300, 0};
        CHECK(ev[i].res == want[k]);
    }
    CHECK(seen == 15);
    CHECK(memcmp(in, data, 4096) == 0);
    CHECK(memcmp(in2a, data + 10, 100) == 0 && memcmp(in2b, data + 110, 200) == 0);
    char back[4096];
    CHECK(pread(fd, back, 4096, 4096) == 4096 && memcmp(back, data + 4096, 4096) == 0);
    fprintf(stderr, "aio: %ld events, reads and writes done\n", got);

    /* a read completing into code the program already ran (a RWX page) */
    char *code = mmap(NULL, 4096, PROT_READ | PROT_WRITE | PROT_EXEC,
                      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(code != MAP_FAILED);
    uint32_t one[2] = {0x00100513u, 0x00008067u}, seven[2] = {0x00700513u, 0x00008067u};
    memcpy(code, one, 8);
    __builtin___clear_cache(code, code + 8);
    int v = 0;
    for (int i = 0; i < 200; i++)
        v = ((int (*)(void))code)();
    CHECK(v == 1);
    CHECK(pwrite(fd, seven, 8, 0) == 8);
    cb[0] = (struct iocb){.aio_data = 7, .aio_lio_opcode = IOCB_CMD_PREAD, .aio_fildes = fd,
                          .aio_buf = (uintptr_t)code, .aio_nbytes = 8, .aio_offset = 0};
    CHECK(syscall(SYS_io_submit, ctx, 1L, list) == 1);
    /* io_pgetevents with a signal mask */
    sigset_t mask;
    sigemptyset(&mask);
    struct { const sigset_t *ss; size_t len; } usig = {&mask, 8};
    CHECK(syscall(SYS_io_pgetevents, ctx, 1L, 1L, ev, &ts, &usig) == 1 && ev[0].data == 7 &&
          ev[0].res == 8 && ev[0].obj == (uintptr_t)&cb[0]);
    __builtin___clear_cache(code, code + 8);
    for (int i = 0; i < 200; i++)
        v = ((int (*)(void))code)();
    fprintf(stderr, "aio read into code: %d\n", v);
    CHECK(v == 7);

    /* errors: a bad descriptor (the first iocb: its error), nothing to reap */
    cb[0].aio_fildes = 9999;
    CHECK(syscall(SYS_io_submit, ctx, 1L, list) == -1 && errno == EBADF);
    struct timespec zero = {0, 0};
    CHECK(syscall(SYS_io_getevents, ctx, 0L, 8L, ev, &zero) == 0);
    CHECK(syscall(SYS_io_getevents, ctx, 2L, 1L, ev, &zero) == -1 && errno == EINVAL);
    CHECK(syscall(SYS_io_cancel, ctx, &cb[1], &ev[0]) == -1 && errno == EINVAL); /* not in flight */
    CHECK(syscall(SYS_io_destroy, ctx) == 0);
    CHECK(syscall(SYS_io_destroy, ctx) == -1 && errno == EINVAL);
    CHECK(syscall(SYS_io_submit, ctx, 1L, list) == -1 && errno == EINVAL);
    close(fd);
    munmap(code, 4096);
}

static uint32_t words[2];
static volatile int waitv_done;

static void *waker(void *arg)
{
    (void)arg;
    struct timespec ms = {0, 1000000};
    while (!waitv_done) { /* until the waiter is back: no race with its sleep */
        syscall(SYS_futex, &words[1], FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0);
        nanosleep(&ms, NULL);
    }
    return NULL;
}

struct futex_waitv_ {
    uint64_t val, uaddr;
    uint32_t flags, reserved;
};

static void test_futex_waitv(void)
{
    struct futex_waitv_ w[2] = {{0, (uintptr_t)&words[0], 2 | 128, 0},
                                {0, (uintptr_t)&words[1], 2 | 128, 0}};
    struct timespec now, until;
    clock_gettime(CLOCK_MONOTONIC, &now);
    until = (struct timespec){now.tv_sec, now.tv_nsec + 20000000};
    if (until.tv_nsec >= 1000000000)
        until.tv_sec++, until.tv_nsec -= 1000000000;
    long r = syscall(SYS_futex_waitv, w, 2, 0, &until, CLOCK_MONOTONIC);
    if (missing("futex_waitv", r))
        return;
    CHECK(r == -1 && errno == ETIMEDOUT);
    pthread_t t;
    CHECK(pthread_create(&t, NULL, waker, NULL) == 0);
    r = syscall(SYS_futex_waitv, w, 2, 0, NULL, 0);
    waitv_done = 1;
    pthread_join(t, NULL);
    fprintf(stderr, "futex_waitv woken: index %ld\n", r);
    CHECK(r == 1);
    w[0].val = 5; /* not what the word holds */
    CHECK(syscall(SYS_futex_waitv, w, 2, 0, NULL, 0) == -1 && errno == EAGAIN);
    CHECK(syscall(SYS_futex_waitv, w, 0, 0, NULL, 0) == -1 && errno == EINVAL);
    CHECK(syscall(SYS_futex_waitv, w, 129, 0, NULL, 0) == -1 && errno == EINVAL);
    w[0].val = 0;
    w[1].uaddr = 0;
    CHECK(syscall(SYS_futex_waitv, w, 2, 0, NULL, 0) == -1 && errno == EFAULT);
}

static void test_handles(void)
{
    struct { struct file_handle h; unsigned char more[128]; } fh;
    int mount_id = -1;
    fh.h.handle_bytes = 0;
    long r = syscall(SYS_name_to_handle_at, AT_FDCWD, fname, &fh.h, &mount_id, 0);
    if (r == -1 && errno == EOPNOTSUPP) {
        fprintf(stderr, "no file handles on this file system: skipped\n");
        return;
    }
    CHECK(r == -1 && errno == EOVERFLOW && fh.h.handle_bytes > 0 && fh.h.handle_bytes <= 128);
    CHECK(syscall(SYS_name_to_handle_at, AT_FDCWD, fname, &fh.h, &mount_id, 0) == 0);
    int fd = (int)syscall(SYS_open_by_handle_at, AT_FDCWD, &fh.h, O_RDONLY);
    if (fd < 0 && errno == EPERM) { /* it needs CAP_DAC_READ_SEARCH */
        fprintf(stderr, "open_by_handle_at: not privileged: skipped\n");
        return;
    }
    char b[8] = "";
    CHECK(fd >= 0 && pread(fd, b, 8, 0) == 8 && b[0] == 0x13 && b[1] == 0x05);
    close(fd);
    printf("file handles: %s\n", check_failures ? "wrong" : "name and open agree");
}

static void test_numa(void)
{
    int mode = -1;
    long r = syscall(SYS_get_mempolicy, &mode, NULL, 0UL, NULL, 0UL);
    if (r == -1 && errno == ENOSYS) { /* qemu-riscv64 7.2, or a host kernel without NUMA */
        fprintf(stderr, "no NUMA policies here: skipped\n");
        return;
    }
    CHECK(r == 0 && mode == MPOL_DEFAULT);
    char *buf = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(buf != MAP_FAILED);
    buf[0] = 1;
    CHECK(syscall(SYS_mbind, buf, 8192UL, MPOL_DEFAULT, NULL, 0UL, 0U) == 0);
    mode = -1;
    CHECK(syscall(SYS_get_mempolicy, &mode, NULL, 0UL, buf, (unsigned long)MPOL_F_ADDR) == 0 &&
          mode == MPOL_DEFAULT);
    CHECK(syscall(SYS_set_mempolicy, MPOL_DEFAULT, NULL, 0UL) == 0);
    munmap(buf, 8192);
    fprintf(stderr, "numa policies: %s\n", check_failures ? "wrong" : "default");
}

/* The child: its own UTS and mount namespaces. 0, 77 (not allowed), or a failed step. */
static int ns_child(const char *dir)
{
    int old_uts = open("/proc/self/ns/uts", O_RDONLY);
    if (old_uts < 0)
        return 10;
    if (syscall(SYS_unshare, CLONE_NEWUTS | CLONE_NEWNS) != 0)
        return errno == EPERM ? 77 : 11;
    struct utsname u;
    if (sethostname("vm-ns-test", 10) != 0 || uname(&u) != 0 || strcmp(u.nodename, "vm-ns-test"))
        return 12;
    if (mount("none", "/", NULL, MS_REC | MS_PRIVATE, NULL) != 0)
        return errno == EPERM || errno == EACCES ? 77 : 13; /* (a container's policy) */
    if (mount("none", dir, "tmpfs", 0, "size=1m") != 0)
        return errno == EPERM || errno == EACCES ? 77 : 14;
    char f[256];
    snprintf(f, sizeof(f), "%s/inside", dir);
    int fd = open(f, O_CREAT | O_WRONLY, 0600);
    struct statfs sf;
    if (fd < 0 || statfs(dir, &sf) != 0 || sf.f_type != 0x01021994 /* TMPFS_MAGIC */)
        return 15;
    close(fd);
    if (umount2(dir, 0) != 0 || access(f, F_OK) == 0)
        return 16;
    /* back to the first UTS namespace */
    if (syscall(SYS_setns, old_uts, CLONE_NEWUTS) != 0 || uname(&u) != 0 ||
        !strcmp(u.nodename, "vm-ns-test"))
        return 17;
    return 0;
}

static void test_namespaces(void)
{
    char dir[64];
    snprintf(dir, sizeof(dir), "newcalls-%d.dir", (int)getpid());
    CHECK(mkdir(dir, 0700) == 0);
    struct utsname before, after;
    uname(&before);
    pid_t pid = fork();
    if (pid == 0)
        _exit(ns_child(dir));
    int st = 0;
    CHECK(waitpid(pid, &st, 0) == pid && WIFEXITED(st));
    rmdir(dir);
    uname(&after);
    CHECK(strcmp(before.nodename, after.nodename) == 0);
    if (WEXITSTATUS(st) == 77) {
        fprintf(stderr, "unshare or mount: not allowed here: skipped\n");
        return;
    }
    printf("namespaces: child step %d\n", WEXITSTATUS(st));
    CHECK(WEXITSTATUS(st) == 0);
}

int main(void)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    snprintf(fname, sizeof(fname), "newcalls-%d.tmp", (int)getpid());
    test_aio();
    int fd = open(fname, O_RDWR | O_CREAT, 0600); /* (qemu: no aio wrote it) */
    uint32_t seven[2] = {0x00700513u, 0x00008067u};
    CHECK(fd >= 0 && pwrite(fd, seven, 8, 0) == 8);
    close(fd);
    test_futex_waitv();
    test_handles();
    test_numa();
    test_namespaces();
    /* an iovec array at an odd address (Linux takes it; vm once loaded it as words) */
    {
        static char raw[40], got[8];
        struct iovec one = {got, 8};
        memcpy(raw + 1, &one, sizeof(one));
        int z = open("/dev/zero", O_RDONLY);
        got[0] = 1;
        CHECK(z >= 0 && syscall(SYS_readv, z, raw + 1, 1) == 8 && got[0] == 0);
        close(z);
    }
    /* a path pointer far outside memory (vm once made a host pointer of it first) */
    CHECK(open((const char *)(uintptr_t)0xba15441433cf5e08ULL, O_RDONLY) == -1 && errno == EFAULT);
    unlink(fname);
    return check_done();
}
