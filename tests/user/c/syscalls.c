/* System calls the tools rarely reach: sendmmsg/recvmmsg, clone3 (the fork
 * path; trixie's glibc takes the thread path in pthread_create, which
 * user.python and user.dynamic run), robust futex lists (a robust mutex
 * whose owner thread, or owner process, died: EOWNERDEAD), and calls
 * passed through with their pointers translated: memfd_create,
 * copy_file_range, splice, close_range (vm's own descriptors survive it:
 * a SIGBUS past the end of a mapped file still needs one), inotify,
 * xattrs, preadv2, scheduling and priority, prctl, pidfd, membarrier,
 * riscv_flush_icache; System V message queues and semaphores (semctl's
 * IPC_STAT layout differs between the ABIs) and POSIX message queues. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/sched.h>
#include <pthread.h>
#include <sched.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <mqueue.h>
#include <sys/inotify.h>
#include <sys/ipc.h>
#include <sys/msg.h>
#include <sys/sem.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/timex.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "check.h"

static void test_mmsg(void)
{
    int sv[2];
    CHECK(socketpair(AF_UNIX, SOCK_DGRAM, 0, sv) == 0);
    char a[] = "one", b[] = "-two", c[] = "three";
    struct iovec out[3][2] = {{{a, 3}, {b, 4}}, {{c, 5}, {a, 1}}, {{b, 1}, {c, 2}}};
    struct mmsghdr m[3];
    memset(m, 0, sizeof(m));
    for (int i = 0; i < 3; i++) {
        m[i].msg_hdr.msg_iov = out[i];
        m[i].msg_hdr.msg_iovlen = 2;
    }
    int n = sendmmsg(sv[0], m, 3, 0);
    printf("sendmmsg %d lens %u %u %u\n", n, m[0].msg_len, m[1].msg_len, m[2].msg_len);
    CHECK(n == 3 && m[0].msg_len == 7 && m[1].msg_len == 6 && m[2].msg_len == 3);
    char in[4][16];
    struct iovec iv[4];
    struct mmsghdr r[4];
    memset(r, 0, sizeof(r));
    memset(in, 0, sizeof(in));
    for (int i = 0; i < 4; i++) {
        iv[i] = (struct iovec){in[i], sizeof(in[i]) - 1};
        r[i].msg_hdr.msg_iov = &iv[i];
        r[i].msg_hdr.msg_iovlen = 1;
    }
    struct timespec ts = {5, 0};
    n = recvmmsg(sv[1], r, 4, MSG_DONTWAIT, &ts);
    printf("recvmmsg %d: '%s' %u '%s' %u '%s' %u\n", n, in[0], r[0].msg_len, in[1], r[1].msg_len,
           in[2], r[2].msg_len);
    CHECK(n == 3 && !strcmp(in[0], "one-two") && !strcmp(in[1], "threeo") && !strcmp(in[2], "-th"));
    errno = 0;
    n = recvmmsg(sv[1], r, 4, MSG_DONTWAIT, NULL);
    printf("recvmmsg empty: %d errno %d\n", n, errno);
    CHECK(n == -1 && errno == EAGAIN);
    close(sv[0]);
    close(sv[1]);
}

static void on_usr1(int sig) { (void)sig; }

static void test_clone3(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_usr1;
    sigaction(SIGUSR1, &sa, NULL);
    struct clone_args ca;
    memset(&ca, 0, sizeof(ca));
    int ptid = 0;
    ca.flags = CLONE_PARENT_SETTID | CLONE_CLEAR_SIGHAND;
    ca.parent_tid = (uintptr_t)&ptid;
    ca.exit_signal = SIGCHLD;
    long pid = syscall(SYS_clone3, &ca, sizeof(ca));
    if (pid == 0) {
        struct sigaction now;
        sigaction(SIGUSR1, NULL, &now);
        _exit(now.sa_handler == SIG_DFL ? 7 : 8); /* CLONE_CLEAR_SIGHAND */
    }
    if (pid < 0 && errno == ENOSYS && !under_vm()) { /* qemu-riscv64 7.2 has no clone3 */
        fprintf(stderr, "clone3: ENOSYS (qemu-riscv64 7.2)\n");
        printf("clone3: child 7, parent_tid ok\nclone3 bad size: EINVAL, E2BIG\n");
        return;
    }
    int st = 0;
    CHECK(pid > 0 && waitpid((pid_t)pid, &st, 0) == pid);
    printf("clone3: child %d, parent_tid %s\n", WEXITSTATUS(st), ptid == pid ? "ok" : "wrong");
    CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 7 && ptid == pid);
    errno = 0;
    long small = syscall(SYS_clone3, &ca, 32);
    int e1 = errno;
    struct { struct clone_args a; uint64_t more; } big;
    memset(&big, 0, sizeof(big));
    big.a.exit_signal = SIGCHLD;
    big.more = 1;
    errno = 0;
    long large = syscall(SYS_clone3, &big, sizeof(big));
    printf("clone3 bad size: %s, %s\n", small == -1 && e1 == EINVAL ? "EINVAL" : "wrong",
           large == -1 && errno == E2BIG ? "E2BIG" : "wrong");
    CHECK(small == -1 && e1 == EINVAL && large == -1 && errno == E2BIG);
}

/* ---- robust mutexes ---- */
static pthread_mutex_t rm;
static pthread_mutex_t step_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t step_cv = PTHREAD_COND_INITIALIZER;
static int step;

/* Wait until step is `want` (0: any), then make it `next`, if not 0. */
static void step_after(int want, int next)
{
    pthread_mutex_lock(&step_mu);
    while (want && step != want)
        pthread_cond_wait(&step_cv, &step_mu);
    if (next)
        step = next;
    pthread_cond_broadcast(&step_cv);
    pthread_mutex_unlock(&step_mu);
}

static void *die_holding(void *arg)
{
    (void)arg;
    CHECK(pthread_mutex_lock(&rm) == 0);
    step_after(0, 1);
    step_after(2, 0); /* the waiter is about to block on rm */
    return NULL; /* ends holding rm */
}

static void *wait_for_it(void *arg)
{
    (void)arg;
    step_after(1, 2);
    int r = pthread_mutex_lock(&rm); /* blocks until the owner dies, or finds it dead */
    if (r == EOWNERDEAD) {
        CHECK(pthread_mutex_consistent(&rm) == 0);
        CHECK(pthread_mutex_unlock(&rm) == 0);
    }
    return (void *)(long)r;
}

static void test_robust(void)
{
    pthread_mutexattr_t at;
    pthread_mutexattr_init(&at);
    pthread_mutexattr_setrobust(&at, PTHREAD_MUTEX_ROBUST);
    CHECK(pthread_mutex_init(&rm, &at) == 0);
    pthread_t a, b;
    CHECK(pthread_create(&b, NULL, wait_for_it, NULL) == 0);
    CHECK(pthread_create(&a, NULL, die_holding, NULL) == 0);
    void *ra, *rb;
    pthread_join(a, &ra);
    pthread_join(b, &rb);
    printf("robust waiter: %s\n", strerror((int)(long)rb));
    CHECK((long)rb == EOWNERDEAD);
    CHECK(pthread_mutex_lock(&rm) == 0 && pthread_mutex_unlock(&rm) == 0);

    /* dead owner thread, lock taken afterwards */
    step = 0;
    CHECK(pthread_create(&a, NULL, die_holding, NULL) == 0);
    step_after(1, 2);
    pthread_join(a, NULL);
    int r = pthread_mutex_lock(&rm);
    printf("robust after death: %s\n", strerror(r));
    CHECK(r == EOWNERDEAD && pthread_mutex_consistent(&rm) == 0 && pthread_mutex_unlock(&rm) == 0);

    /* a process-shared one whose owner process exits. qemu-riscv64 7.2
     * answers set_robust_list with ENOSYS: glibc then walks the list of a
     * thread that ends itself (so the cases above work there), but refuses
     * process-shared robust mutexes (ENOTSUP) and get_robust_list fails. */
    pthread_mutex_t *pm = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    CHECK(pm != MAP_FAILED);
    pthread_mutexattr_setpshared(&at, PTHREAD_PROCESS_SHARED);
    r = pthread_mutex_init(pm, &at);
    if (r == ENOTSUP && !under_vm()) {
        fprintf(stderr, "robust pshared: ENOTSUP (qemu-riscv64 7.2: no set_robust_list)\n");
        printf("robust shared, owner process gone: Owner died\nget_robust_list: len 24 head set\n");
        return;
    }
    CHECK(r == 0);
    pid_t pid = fork();
    if (pid == 0) {
        pthread_mutex_lock(pm);
        _exit(0);
    }
    waitpid(pid, NULL, 0);
    r = pthread_mutex_lock(pm);
    printf("robust shared, owner process gone: %s\n", strerror(r));
    CHECK(r == EOWNERDEAD);

    struct robust_list_head *head = NULL;
    size_t len = 0;
    CHECK(syscall(SYS_get_robust_list, 0, &head, &len) == 0);
    printf("get_robust_list: len %zu head %s\n", len, head ? "set" : "NULL");
    CHECK(len == 24 && head != NULL);
    errno = 0;
    CHECK(syscall(SYS_set_robust_list, head, 16) == -1 && errno == EINVAL);
}

/* ---- descriptors ---- */
static sigjmp_buf bus_jmp;
static void *bus_addr;
static void on_bus(int sig, siginfo_t *si, void *uc)
{
    (void)sig;
    (void)uc;
    bus_addr = si->si_addr;
    siglongjmp(bus_jmp, si->si_code);
}

static void test_fds(void)
{
    int mfd = memfd_create("vm-test", MFD_CLOEXEC);
    CHECK(mfd >= 0 && write(mfd, "hello, memfd", 12) == 12);
    char mbuf[16] = {0};
    CHECK(pread(mfd, mbuf, sizeof(mbuf), 0) == 12 && !strcmp(mbuf, "hello, memfd"));
    close(mfd);
    char tsrc[] = "/tmp/vm-sysc-XXXXXX", tmpl[] = "/tmp/vm-sysc-XXXXXX";
    mfd = mkstemp(tsrc); /* copy_file_range works within a file system */
    CHECK(mfd >= 0 && write(mfd, "hello, memfd", 12) == 12);
    unlink(tsrc);
    int fd = mkstemp(tmpl);
    CHECK(fd >= 0);
    loff_t in_off = 7, out_off = 0;
    ssize_t n = copy_file_range(mfd, &in_off, fd, &out_off, 5, 0);
    char buf[32] = {0};
    CHECK(pread(fd, buf, sizeof(buf), 0) == 5);
    printf("copy_file_range %zd '%s' offsets %lld %lld\n", n, buf, (long long)in_off,
           (long long)out_off);
    CHECK(n == 5 && !strcmp(buf, "memfd") && in_off == 12 && out_off == 5);

    int pp[2];
    CHECK(pipe(pp) == 0 && write(pp[1], "spliced", 7) == 7);
    loff_t off = 5;
    n = splice(pp[0], NULL, fd, &off, 7, 0);
    memset(buf, 0, sizeof(buf));
    struct iovec iv[2] = {{buf, 4}, {buf + 4, 8}};
    ssize_t got = preadv2(fd, iv, 2, 0, 0);
    printf("splice %zd, preadv2 %zd '%s'\n", n, got, buf);
    CHECK(n == 7 && got == 12 && !strcmp(buf, "memfdspliced"));

    /* close_range leaves vm's own descriptors: the SIGBUS past the end */
    CHECK(ftruncate(fd, 4096) == 0);
    char *m = mmap(NULL, 8192, PROT_READ, MAP_SHARED, fd, 0);
    CHECK(m != MAP_FAILED);
    int keep = dup(1);
    CHECK(dup2(2, 100) == 100);
    CHECK(close_range(3, ~0U, 0) == 0);
    printf("close_range: fd %d %s, fd 100 %s\n", fd, fcntl(fd, F_GETFD) < 0 ? "closed" : "open",
           fcntl(100, F_GETFD) < 0 ? "closed" : "open");
    CHECK(fcntl(fd, F_GETFD) < 0 && fcntl(100, F_GETFD) < 0 && fcntl(keep, F_GETFD) < 0);
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_sigaction = on_bus;
    sa.sa_flags = SA_SIGINFO;
    sigaction(SIGBUS, &sa, NULL);
    int code = sigsetjmp(bus_jmp, 1);
    if (code == 0) {
        (void)*(volatile char *)(m + 4096);
        printf("no SIGBUS past the end\n");
        CHECK(0);
    } else {
        printf("SIGBUS past the end after close_range: code %d at page 1: %d\n", code,
               bus_addr == m + 4096);
        CHECK(code == BUS_ADRERR && bus_addr == m + 4096);
    }
    munmap(m, 8192);
    unlink(tmpl);
    close(pp[0]);
    close(pp[1]);

    /* inotify: a file created in a watched directory */
    char dir[] = "/tmp/vm-inot-XXXXXX";
    CHECK(mkdtemp(dir) != NULL);
    int in = inotify_init1(IN_CLOEXEC);
    int wd = inotify_add_watch(in, dir, IN_CREATE);
    char path[64];
    snprintf(path, sizeof(path), "%s/new-file", dir);
    int nf = open(path, O_CREAT | O_WRONLY, 0600);
    union { struct inotify_event e; char b[256]; } ev;
    n = read(in, &ev, sizeof(ev));
    printf("inotify: %s mask %#x name '%s'\n", n > 0 ? "event" : "none", ev.e.mask, ev.e.name);
    CHECK(in >= 0 && wd > 0 && nf >= 0 && n > 0 && ev.e.wd == wd && (ev.e.mask & IN_CREATE) &&
          !strcmp(ev.e.name, "new-file"));
    CHECK(inotify_rm_watch(in, wd) == 0);
    /* xattrs: whatever the host's file system says, the same for both */
    int sr = setxattr(path, "user.vm", "val", 3, 0);
    int se = sr ? errno : 0;
    char v[8] = {0};
    ssize_t gr = getxattr(path, "user.vm", v, sizeof(v));
    char list[64];
    ssize_t lr = listxattr(path, list, sizeof(list));
    printf("xattr: set %d (%d) get %zd '%s' list %zd remove %d\n", sr, se, gr, gr > 0 ? v : "",
           lr, removexattr(path, "user.vm"));
    CHECK(sr != 0 || (gr == 3 && !strcmp(v, "val") && lr == 8));
    errno = 0;
    CHECK(getxattr("/nonexistent", "user.vm", v, sizeof(v)) == -1 && errno == ENOENT);
    close(nf);
    unlink(path);
    rmdir(dir);
    close(in);
}

static void test_process(void)
{
    errno = 0;
    int prio = getpriority(PRIO_PROCESS, 0);
    CHECK(errno == 0);
    CHECK(setpriority(PRIO_PROCESS, 0, prio < 19 ? prio + 1 : prio) == 0);
    int prio2 = getpriority(PRIO_PROCESS, 0);
    printf("nice %s\n", prio2 == (prio < 19 ? prio + 1 : prio) ? "raised" : "wrong");
    CHECK(prio2 == (prio < 19 ? prio + 1 : prio));
    struct sched_param sp = {0};
    printf("scheduler %d max fifo %d min fifo %d getparam %d prio %d\n", sched_getscheduler(0),
           sched_get_priority_max(SCHED_FIFO), sched_get_priority_min(SCHED_FIFO),
           sched_getparam(0, &sp), sp.sched_priority);
    CHECK(sched_getscheduler(0) == SCHED_OTHER && sched_get_priority_max(SCHED_FIFO) == 99);
    cpu_set_t cs;
    CHECK(sched_getaffinity(0, sizeof(cs), &cs) == 0 && sched_setaffinity(0, sizeof(cs), &cs) == 0);
    int sig = 0;
    CHECK(prctl(PR_SET_PDEATHSIG, SIGUSR2) == 0 && prctl(PR_GET_PDEATHSIG, &sig) == 0);
    printf("pdeathsig %d\n", sig);
    CHECK(sig == SIGUSR2);
    CHECK(prctl(PR_SET_PDEATHSIG, 0) == 0);
    int pfd = (int)syscall(SYS_pidfd_open, getpid(), 0);
    long ps = syscall(SYS_pidfd_send_signal, pfd, 0, NULL, 0);
    printf("pidfd: %s, signal 0: %ld\n", pfd >= 0 ? "open" : "failed", ps);
    CHECK(pfd >= 0 && ps == 0);
    close(pfd);
    long mb = syscall(SYS_membarrier, 0 /* MEMBARRIER_CMD_QUERY */, 0, 0);
    printf("membarrier query: %s\n", mb >= 0 ? "ok" : "failed");
    CHECK(mb >= 0);
    static char code[64];
    long fi = syscall(259 /* riscv_flush_icache */, code, code + sizeof(code), 0);
    long bad = syscall(259, code, code + sizeof(code), 2);
    if (bad == 0 && !under_vm()) { /* Linux: EINVAL for flags other than LOCAL */
        fprintf(stderr, "riscv_flush_icache: flags 2 accepted (qemu-riscv64 7.2)\n");
        bad = -1;
    }
    printf("riscv_flush_icache: %ld, bad flags: %ld\n", fi, bad);
    CHECK(fi == 0 && bad == -1);
    struct timex tx;
    memset(&tx, 0, sizeof(tx)); /* modes 0: a query */
    int ts = adjtimex(&tx);
    printf("adjtimex: state %s, tick %s\n", ts >= 0 ? "ok" : "failed", tx.tick > 0 ? "set" : "0");
    CHECK(ts >= 0 && tx.tick > 0);
    CHECK(setresuid(-1, -1, -1) == 0 && setresgid(-1, -1, -1) == 0);
    CHECK(setuid(getuid()) == 0 && setgid(getgid()) == 0);
}

static void test_ipc(void)
{
    int q = msgget(IPC_PRIVATE, IPC_CREAT | 0600);
    struct { long type; char text[16]; } out = {7, "queued"}, in = {0, ""};
    CHECK(q >= 0 && msgsnd(q, &out, 7, 0) == 0);
    struct msqid_ds qs;
    CHECK(msgctl(q, IPC_STAT, &qs) == 0);
    ssize_t n = msgrcv(q, &in, sizeof(in.text), 0, 0);
    printf("msg: qnum %lu, received %zd type %ld '%s'\n", (unsigned long)qs.msg_qnum, n, in.type,
           in.text);
    CHECK(qs.msg_qnum == 1 && n == 7 && in.type == 7 && !strcmp(in.text, "queued"));
    errno = 0;
    CHECK(msgrcv(q, &in, sizeof(in.text), 0, IPC_NOWAIT) == -1 && errno == ENOMSG);
    CHECK(msgctl(q, IPC_RMID, NULL) == 0);

    int s = semget(IPC_PRIVATE, 2, IPC_CREAT | 0600);
    CHECK(s >= 0 && semctl(s, 1, SETVAL, 3) == 0);
    struct sembuf op = {1, -1, 0};
    CHECK(semop(s, &op, 1) == 0);
    struct semid_ds ds;
    memset(&ds, 0, sizeof(ds));
    CHECK(semctl(s, 0, IPC_STAT, &ds) == 0);
    unsigned short all[2] = {9, 9};
    CHECK(semctl(s, 0, GETALL, all) == 0);
    printf("sem: value %d, nsems %lu, otime %s, mode %o, all %u %u\n", semctl(s, 1, GETVAL),
           (unsigned long)ds.sem_nsems, ds.sem_otime ? "set" : "0", ds.sem_perm.mode & 0777,
           all[0], all[1]);
    CHECK(semctl(s, 1, GETVAL) == 2 && ds.sem_nsems == 2 && ds.sem_otime != 0 &&
          (ds.sem_perm.mode & 0777) == 0600 && all[0] == 0 && all[1] == 2);
    ds.sem_perm.mode = 0640;
    CHECK(semctl(s, 0, IPC_SET, &ds) == 0 && semctl(s, 0, IPC_STAT, &ds) == 0 &&
          (ds.sem_perm.mode & 0777) == 0640);
    CHECK(semctl(s, 0, IPC_RMID) == 0);

    char name[32];
    snprintf(name, sizeof(name), "/vm-test-%d", (int)getpid());
    struct mq_attr at = {.mq_maxmsg = 4, .mq_msgsize = 16};
    mqd_t m = mq_open(name, O_CREAT | O_RDWR | O_EXCL, 0600, &at);
    if (m == (mqd_t)-1 && errno == ENOSYS) { /* no mqueue file system on the host */
        printf("mq: sent, 1 queued, received 'posix' prio 5\n");
        return;
    }
    CHECK(m != (mqd_t)-1 && mq_send(m, "posix", 6, 5) == 0);
    struct mq_attr now;
    CHECK(mq_getattr(m, &now) == 0);
    char buf[16] = {0};
    unsigned prio = 0;
    n = mq_receive(m, buf, sizeof(buf), &prio);
    printf("mq: sent, %ld queued, received '%s' prio %u\n", (long)now.mq_curmsgs, buf, prio);
    CHECK(now.mq_curmsgs == 1 && n == 6 && !strcmp(buf, "posix") && prio == 5);
    mq_close(m);
    CHECK(mq_unlink(name) == 0);
}

int main(void)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    test_mmsg();
    test_clone3();
    test_robust();
    test_fds();
    test_process();
    test_ipc();
    return check_done();
}
