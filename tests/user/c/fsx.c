/* What dpkg, coreutils and Debian's maintainer scripts call that the other
 * programs (and syscalls.c) do not (found building a Debian root file
 * system through vm): FS_IOC_FIEMAP, FS_IOC_GETFLAGS and FICLONE, fadvise,
 * sync_file_range, credentials (setres[ug]id, setgroups, setfs[ug]id,
 * capget) in a child, priorities, scheduling and prctl. Run as
 * root, the credential checks change ids; otherwise they see EPERM. And
 * close_range (Python's subprocess closes every descriptor with it) with a
 * file mapping whose end must still be known after its descriptor went. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/capability.h>
#include <linux/fiemap.h>
#include <linux/fs.h>
#include <sched.h>
#include <stdint.h>
#include <sys/fsuid.h>
#include <setjmp.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"

static char dir[64];

static void test_file_ranges(void)
{
    char a[96], b[96], buf[8192];
    snprintf(a, sizeof(a), "%s/a", dir);
    snprintf(b, sizeof(b), "%s/b", dir);
    int in = open(a, O_RDWR | O_CREAT | O_TRUNC, 0644), out = open(b, O_RDWR | O_CREAT | O_TRUNC, 0644);
    CHECK(in >= 0 && out >= 0);
    for (int i = 0; i < (int)sizeof(buf); i++)
        buf[i] = (char)(i * 7);
    CHECK(write(in, buf, sizeof(buf)) == (ssize_t)sizeof(buf));
    printf("fadvise: %d %d\n", posix_fadvise(in, 0, 0, POSIX_FADV_SEQUENTIAL),
           posix_fadvise(in, 0, 0, 99));
    printf("sync_file_range: %d\n", sync_file_range(in, 0, 4096, SYNC_FILE_RANGE_WRITE));
    errno = 0;
    printf("sync_file_range bad: %d errno %d\n", sync_file_range(in, 0, 1, 0x80), errno);
    fsync(in);
    /* FIEMAP: the header and one extent come back */
    struct {
        struct fiemap f;
        struct fiemap_extent e[4];
    } fm;
    memset(&fm, 0, sizeof(fm));
    fm.f.fm_length = ~0ULL;
    fm.f.fm_flags = FIEMAP_FLAG_SYNC;
    fm.f.fm_extent_count = 4;
    int r = ioctl(in, FS_IOC_FIEMAP, &fm);
    if (r == 0)
        printf("fiemap: %u extents, first logical %llu length %llu last %d\n", fm.f.fm_mapped_extents,
               (unsigned long long)fm.e[0].fe_logical, (unsigned long long)fm.e[0].fe_length,
               !!(fm.e[fm.f.fm_mapped_extents ? fm.f.fm_mapped_extents - 1 : 0].fe_flags & FIEMAP_EXTENT_LAST));
    else
        printf("fiemap: errno %d\n", errno);
    errno = 0;
    printf("fiemap bad pointer: %d errno %d\n", ioctl(in, FS_IOC_FIEMAP, (void *)16), errno);
    int flags = -1;
    r = ioctl(in, FS_IOC_GETFLAGS, &flags);
    printf("getflags: %d %s\n", r, r == 0 ? (flags >= 0 ? "flags" : "?") : "unsupported");
    errno = 0;
    r = ioctl(out, FICLONE, in); /* ext4, tmpfs: EOPNOTSUPP or EXDEV, never ENOTTY */
    printf("ficlone: %d errno is ENOTTY %d\n", r, errno == ENOTTY);
    close(in);
    close(out);
    unlink(a);
    unlink(b);
}

static void test_credentials(void)
{
    fflush(stdout); /* not twice through the child */
    pid_t pid = fork();
    if (pid == 0) {
        int root = getuid() == 0;
        uid_t r, e, s;
        int rc = setresgid(1234, 1234, 1234);
        printf("setresgid: %d\n", root ? rc : rc == -1 && errno == EPERM);
        gid_t groups[2] = {1234, 55};
        rc = setgroups(2, groups);
        printf("setgroups: %d\n", root ? rc : rc == -1 && errno == EPERM);
        gid_t got[4] = {0};
        int ng = getgroups(4, got);
        printf("getgroups: %d %u\n", root ? ng : 2, root ? got[1] : 55);
        printf("setfsuid old: %d\n", setfsuid(root ? 0 : getuid()) == (int)getuid());
        printf("setfsgid old: %d\n", setfsgid(getgid()) == (int)getgid());
        struct __user_cap_header_struct h = {_LINUX_CAPABILITY_VERSION_3, 0};
        struct __user_cap_data_struct d[2];
        rc = (int)syscall(SYS_capget, &h, d);
        printf("capget: %d setuid cap %d\n", rc, !!(d[0].effective & (1u << CAP_SETUID)) == root);
        rc = setresuid(4321, 4321, 4321);
        printf("setresuid: %d\n", root ? rc : rc == -1 && errno == EPERM);
        CHECK(getresuid(&r, &e, &s) == 0);
        printf("ids: %u %u %u %u\n", root ? r : 4321, root ? e : 4321, root ? s : 4321,
               root ? getgid() : 1234);
        errno = 0;
        rc = setuid(0); /* dropped for good */
        printf("setuid back: %d errno %d\n", rc, errno);
        errno = 0;
        rc = setreuid(-1, -1);
        printf("setreuid -1: %d; setregid -1: %d; setgid own: %d\n", rc, setregid(-1, -1),
               setgid(getgid()));
        fflush(stdout);
        _exit(check_failures);
    }
    int st;
    CHECK(waitpid(pid, &st, 0) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 0);
}

static void test_sched(void)
{
    errno = 0;
    int pr = getpriority(PRIO_PROCESS, 0);
    printf("getpriority: errno %d\n", errno);
    printf("setpriority: %d now %d\n", setpriority(PRIO_PROCESS, 0, pr + 1),
           getpriority(PRIO_PROCESS, 0) - pr);
    printf("sched_getscheduler: %d\n", sched_getscheduler(0));
    struct sched_param sp = {0};
    printf("sched_getparam: %d prio %d\n", sched_getparam(0, &sp), sp.sched_priority);
    printf("sched_setscheduler other: %d\n", sched_setscheduler(0, SCHED_OTHER, &sp));
    printf("sched_setparam: %d\n", sched_setparam(0, &sp));
    printf("priority max/min fifo: %d %d\n", sched_get_priority_max(SCHED_FIFO),
           sched_get_priority_min(SCHED_FIFO));
    struct timespec ts;
    printf("rr interval: %d\n", sched_rr_get_interval(0, &ts));
    cpu_set_t set;
    CHECK(sched_getaffinity(0, sizeof(set), &set) == 0);
    printf("setaffinity same: %d\n", sched_setaffinity(0, sizeof(set), &set));
    int sig = -1;
    printf("pdeathsig: %d %d", prctl(PR_SET_PDEATHSIG, SIGUSR1), prctl(PR_GET_PDEATHSIG, &sig));
    printf(" = %d\n", sig);
    printf("dumpable: %d; no_new_privs: %d %d\n", prctl(PR_GET_DUMPABLE), prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0),
           prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0));
    printf("capbset_read setuid: %d\n", prctl(PR_CAPBSET_READ, CAP_SETUID) >= 0);
}

static sigjmp_buf bus_jmp;
static void on_bus(int sig)
{
    siglongjmp(bus_jmp, sig);
}

static void test_close_range(void)
{
    char path[96];
    snprintf(path, sizeof(path), "%s/m", dir);
    int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);
    CHECK(fd >= 0 && ftruncate(fd, 8192) == 0);
    volatile char *m = mmap(NULL, 8192, PROT_READ, MAP_SHARED, fd, 0);
    CHECK(m != MAP_FAILED);
    int a = dup(fd), b = dup(fd);
    printf("close_range bad: %d errno %d\n", (int)syscall(SYS_close_range, 9, 8, 0), errno);
    printf("close_range cloexec: %d flag %d\n", (int)syscall(SYS_close_range, a, a, 4 /* CLOEXEC */),
           fcntl(a, F_GETFD));
    printf("close_range: %d\n", (int)syscall(SYS_close_range, 3, ~0U, 0));
    printf("closed: %d %d %d\n", fcntl(fd, F_GETFD), fcntl(a, F_GETFD), fcntl(b, F_GETFD));
    /* and every descriptor the process lists, as Python does without close_range */
    DIR *d = opendir("/proc/self/fd");
    int closed_all = d != NULL;
    for (struct dirent *e; d && (e = readdir(d));) {
        int n = atoi(e->d_name);
        if (n > 2 && n != dirfd(d) && close(n) == 0)
            closed_all = 0; /* close_range left it open */
    }
    if (d)
        closedir(d);
    printf("nothing left to close: %d\n", closed_all);
    CHECK(truncate(path, 4096) == 0); /* before any page is touched */
    CHECK(m[0] == 0);
    set_handler(SIGBUS, on_bus, 0);
    int sig = sigsetjmp(bus_jmp, 1);
    if (sig == 0) {
        char c = m[4096]; /* past the end now: SIGBUS */
        printf("past the end: read %d\n", c);
    } else {
        printf("past the end: signal %d\n", sig);
    }
    signal(SIGBUS, SIG_DFL);
    munmap((void *)m, 8192);
    unlink(path);
}

int main(void)
{
    snprintf(dir, sizeof(dir), "/tmp/vm-fsx.XXXXXX");
    CHECK(mkdtemp(dir) != NULL);
    test_file_ranges();
    test_credentials();
    test_sched();
    test_close_range();
    rmdir(dir);
    return check_done();
}
