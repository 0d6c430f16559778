/* What the tools do not reach: epoll (its event layout differs between the
 * ABIs), sendmsg/recvmsg with a passed file descriptor, the temporary signal
 * masks of ppoll, pselect and epoll_pwait, eventfd and timerfd, file I/O
 * with its errno paths, mmap/mprotect/mremap, clocks, fork/exec/wait and
 * /proc/self/exe. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/timerfd.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "check.h"

static volatile int usr1;
static void on_usr1(int sig) { (void)sig; usr1++; }

static void test_epoll(void)
{
    int ep = epoll_create1(EPOLL_CLOEXEC), fds[2];
    CHECK(ep >= 0 && pipe(fds) == 0);
    struct epoll_event ev = {.events = EPOLLIN, .data.u64 = 0x1122334455667788ULL};
    CHECK(epoll_ctl(ep, EPOLL_CTL_ADD, fds[0], &ev) == 0);
    struct epoll_event out[4];
    memset(out, 0, sizeof(out));
    int n = epoll_wait(ep, out, 4, 0);
    printf("epoll empty: %d\n", n);
    CHECK(write(fds[1], "ab", 2) == 2);
    n = epoll_wait(ep, out, 4, 1000);
    printf("epoll ready: %d events %#x data %#llx\n", n, out[0].events,
           (unsigned long long)out[0].data.u64);
    CHECK(n == 1 && out[0].events == EPOLLIN && out[0].data.u64 == 0x1122334455667788ULL);
    ev.events = EPOLLOUT;
    ev.data.u32 = 9;
    CHECK(epoll_ctl(ep, EPOLL_CTL_ADD, fds[1], &ev) == 0);
    n = epoll_wait(ep, out, 4, 1000);
    printf("epoll two: %d\n", n);
    CHECK(n == 2);
    CHECK(epoll_ctl(ep, EPOLL_CTL_DEL, fds[1], NULL) == 0);
    errno = 0;
    printf("epoll bad fd: %d errno %d\n", epoll_ctl(ep, EPOLL_CTL_ADD, 999, &ev), errno);
    close(ep);
    close(fds[0]);
    close(fds[1]);
}

static void test_msg(void)
{
    int sv[2], fds[2];
    CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0 && pipe(fds) == 0);
    char a[] = "hello ", b[] = "world";
    struct iovec iov[2] = {{a, 6}, {b, 5}};
    union { struct cmsghdr h; char buf[CMSG_SPACE(sizeof(int))]; } cm;
    memset(&cm, 0, sizeof(cm));
    struct msghdr m = {.msg_iov = iov, .msg_iovlen = 2, .msg_control = cm.buf,
                       .msg_controllen = sizeof(cm.buf)};
    struct cmsghdr *c = CMSG_FIRSTHDR(&m);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_RIGHTS;
    c->cmsg_len = CMSG_LEN(sizeof(int));
    memcpy(CMSG_DATA(c), &fds[1], sizeof(int));
    CHECK(sendmsg(sv[0], &m, 0) == 11);
    char r1[4], r2[16];
    struct iovec riov[2] = {{r1, 4}, {r2, sizeof(r2)}};
    union { struct cmsghdr h; char buf[CMSG_SPACE(sizeof(int))]; } rc;
    struct msghdr rm = {.msg_iov = riov, .msg_iovlen = 2, .msg_control = rc.buf,
                        .msg_controllen = sizeof(rc.buf)};
    ssize_t n = recvmsg(sv[1], &rm, 0);
    struct cmsghdr *rcm = CMSG_FIRSTHDR(&rm);
    int passed = -1;
    if (rcm && rcm->cmsg_type == SCM_RIGHTS)
        memcpy(&passed, CMSG_DATA(rcm), sizeof(int));
    printf("recvmsg: %zd '%.4s%.7s' fd passed %d\n", n, r1, r2, passed >= 0);
    CHECK(n == 11 && !memcmp(r1, "hell", 4) && !memcmp(r2, "o world", 7) && passed >= 0);
    /* the passed descriptor is the pipe's write end */
    CHECK(write(passed, "z", 1) == 1);
    char z = 0;
    CHECK(read(fds[0], &z, 1) == 1 && z == 'z');
    printf("passed fd works: %c\n", z);
    close(passed);
    close(sv[0]);
    close(sv[1]);
    close(fds[0]);
    close(fds[1]);
}

/* The pselect pattern: SIGUSR1 blocked, pending; the wait unblocks it. */
static void test_masks(void)
{
    set_handler(SIGUSR1, on_usr1, 0);
    sigset_t s, none;
    sigemptyset(&s);
    sigaddset(&s, SIGUSR1);
    sigemptyset(&none);
    sigprocmask(SIG_BLOCK, &s, NULL);
    int fds[2];
    CHECK(pipe(fds) == 0);

    raise(SIGUSR1);
    struct pollfd pf = {.fd = fds[0], .events = POLLIN};
    struct timespec ts = {5, 0};
    int r = ppoll(&pf, 1, &ts, &none);
    printf("ppoll: %d errno %d handler %d\n", r, errno, usr1);
    CHECK(r == -1 && errno == EINTR && usr1 == 1);

    raise(SIGUSR1);
    fd_set rd;
    FD_ZERO(&rd);
    FD_SET(fds[0], &rd);
    r = pselect(fds[0] + 1, &rd, NULL, NULL, &ts, &none);
    printf("pselect: %d errno %d handler %d\n", r, errno, usr1);
    CHECK(r == -1 && errno == EINTR && usr1 == 2);

    raise(SIGUSR1);
    int ep = epoll_create1(0);
    struct epoll_event ev = {.events = EPOLLIN}, out;
    epoll_ctl(ep, EPOLL_CTL_ADD, fds[0], &ev);
    r = epoll_pwait(ep, &out, 1, 5000, &none);
    printf("epoll_pwait: %d errno %d handler %d\n", r, errno, usr1);
    CHECK(r == -1 && errno == EINTR && usr1 == 3);

    /* a ready descriptor with the signal still blocked by the mask given */
    CHECK(write(fds[1], "x", 1) == 1);
    raise(SIGUSR1);
    r = ppoll(&pf, 1, &ts, &s);
    printf("ppoll ready, masked: %d handler %d\n", r, usr1);
    CHECK(r == 1 && usr1 == 3);
    sigprocmask(SIG_UNBLOCK, &s, NULL);
    printf("unblocked: handler %d\n", usr1);
    CHECK(usr1 == 4);
    close(ep);
    close(fds[0]);
    close(fds[1]);
}

static void test_eventfd_timerfd(void)
{
    int e = eventfd(3, 0);
    uint64_t v = 4;
    CHECK(write(e, &v, 8) == 8);
    CHECK(read(e, &v, 8) == 8);
    printf("eventfd: %llu\n", (unsigned long long)v);
    CHECK(v == 7);
    close(e);
    int t = timerfd_create(CLOCK_MONOTONIC, 0);
    struct itimerspec its = {{0, 0}, {0, 1000000}};
    CHECK(timerfd_settime(t, 0, &its, NULL) == 0);
    CHECK(read(t, &v, 8) == 8);
    printf("timerfd: expirations %d\n", v >= 1);
    close(t);
}

static void test_files(const char *dir)
{
    char path[256], path2[256];
    snprintf(path, sizeof(path), "%s/f", dir);
    snprintf(path2, sizeof(path2), "%s/g", dir);
    int fd = open(path, O_RDWR | O_CREAT | O_EXCL, 0640);
    CHECK(fd >= 0);
    errno = 0;
    printf("open exclusive again: %d errno %d\n", open(path, O_RDWR | O_CREAT | O_EXCL, 0640),
           errno);
    char a[] = "abc", b[] = "defgh";
    struct iovec iov[2] = {{a, 3}, {b, 5}};
    CHECK(writev(fd, iov, 2) == 8);
    char buf[16] = {0};
    CHECK(pread(fd, buf, 4, 2) == 4);
    printf("pread: %s\n", buf);
    CHECK(lseek(fd, 0, SEEK_END) == 8 && ftruncate(fd, 5) == 0);
    struct stat st;
    CHECK(fstat(fd, &st) == 0);
    printf("stat: size %lld mode %o regular %d\n", (long long)st.st_size, st.st_mode & 0777,
           S_ISREG(st.st_mode));
    CHECK(st.st_size == 5 && (st.st_mode & 0777) == 0640);
    /* a shared file mapping: a store is read back with read() */
    char *m = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    CHECK(m != MAP_FAILED);
    m[0] = 'X';
    CHECK(pread(fd, buf, 5, 0) == 5);
    printf("shared mapping: %.5s\n", buf);
    CHECK(buf[0] == 'X');
    munmap(m, 4096);
    close(fd);
    CHECK(rename(path, path2) == 0);
    errno = 0;
    printf("stat renamed-away: %d errno %d\n", stat(path, &st), errno);
    CHECK(unlink(path2) == 0);
    errno = 0;
    printf("read bad fd: %zd errno %d\n", read(-1, buf, 1), errno);
    errno = 0;
    printf("open missing: %d errno %d\n", open("/nonexistent/x", O_RDONLY), errno);
}

static void test_memory(void)
{
    size_t pg = 4096;
    char *m = mmap(NULL, 4 * pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(m != MAP_FAILED);
    memset(m, 1, 4 * pg);
    CHECK(mprotect(m + pg, pg, PROT_READ) == 0);
    CHECK(munmap(m + 2 * pg, pg) == 0);
    /* MAP_FIXED over the hole, then grow with mremap */
    char *f = mmap(m + 2 * pg, pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED,
                   -1, 0);
    printf("map fixed: %d zero %d\n", f == m + 2 * pg, f[0] == 0);
    char *g = mremap(m, pg, 8 * pg, MREMAP_MAYMOVE);
    CHECK(g != MAP_FAILED);
    printf("mremap: kept %d grown-zero %d\n", g[0] == 1, g[7 * pg] == 0);
    errno = 0;
    void *bad = mmap(NULL, pg, PROT_READ, MAP_PRIVATE, -1, 0);
    printf("mmap no fd: %d errno %d\n", bad == MAP_FAILED, errno);
    errno = 0;
    printf("munmap unaligned: %d errno %d\n", munmap(m + 1, pg), errno);
    /* a 64 GiB reservation, first and last page usable */
    size_t big = 64ULL << 30;
    char *r = mmap(NULL, big, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    CHECK(r != MAP_FAILED);
    CHECK(mprotect(r, pg, PROT_READ | PROT_WRITE) == 0 &&
          mprotect(r + big - pg, pg, PROT_READ | PROT_WRITE) == 0);
    r[0] = 1;
    r[big - 1] = 2;
    printf("64 GiB reservation: %d %d\n", r[0], r[big - 1]);
    munmap(r, big);
}

static void test_clocks(void)
{
    struct timespec a, b, res;
    CHECK(clock_gettime(CLOCK_MONOTONIC, &a) == 0);
    struct timespec d = {0, 2000000};
    nanosleep(&d, NULL);
    CHECK(clock_gettime(CLOCK_MONOTONIC, &b) == 0);
    long long ns = (b.tv_sec - a.tv_sec) * 1000000000LL + (b.tv_nsec - a.tv_nsec);
    printf("monotonic: slept at least 2 ms %d\n", ns >= 2000000);
    CHECK(ns >= 2000000);
    CHECK(clock_getres(CLOCK_MONOTONIC, &res) == 0);
    printf("clock_getres: %d\n", res.tv_sec == 0 && res.tv_nsec > 0);
    CHECK(clock_gettime(CLOCK_REALTIME, &a) == 0);
    printf("realtime after 2020: %d\n", a.tv_sec > 1577836800);
    CHECK(clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &a) == 0);
    CHECK(clock_gettime(CLOCK_THREAD_CPUTIME_ID, &a) == 0);
}

static void test_exec(const char *self)
{
    char exe[4096];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
    CHECK(n > 0);
    exe[n > 0 ? n : 0] = 0;
    const char *base = strrchr(exe, '/');
    printf("/proc/self/exe: %s\n", base ? base + 1 : exe);
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        execl(exe, self, "child", "7", (char *)NULL);
        _exit(99);
    }
    int st;
    CHECK(waitpid(pid, &st, 0) == pid);
    printf("exec child: exit %d\n", WEXITSTATUS(st));
    CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 7);
    pid = fork();
    if (pid == 0) {
        execl("/nonexistent", "x", (char *)NULL);
        _exit(errno);
    }
    CHECK(waitpid(pid, &st, 0) == pid);
    printf("exec missing: errno %d\n", WEXITSTATUS(st));
    errno = 0;
    printf("waitpid none: %d errno %d\n", waitpid(-1, &st, WNOHANG), errno);
}

int main(int argc, char **argv)
{
    if (argc == 3 && !strcmp(argv[1], "child")) {
        printf("child: argv0 %s\n", strrchr(argv[0], '/') ? "path" : argv[0]);
        return atoi(argv[2]);
    }
    setvbuf(stdout, NULL, _IONBF, 0);
    char dir[] = "/tmp/vm-user-io-XXXXXX";
    CHECK(mkdtemp(dir) != NULL);
    test_epoll();
    test_msg();
    test_masks();
    test_eventfd_timerfd();
    test_files(dir);
    rmdir(dir);
    test_memory();
    test_clocks();
    test_exec(argv[0]);
    return check_done();
}
