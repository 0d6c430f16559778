/* The process: exit, identities, uname, limits, time, randomness,
 * riscv_hwprobe, futex (signals: signal.c). timespec, timeval, rlimit, rusage, tms,
 * sysinfo and utsname have the same layout on both 64-bit ABIs. */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/futex.h>
#include <sched.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/random.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "core/timebase.h"
#include "user/user_internal.h"

static void *gp(struct user_proc *p, uint64_t addr, uint64_t len)
{
    return user_gp(&p->as, addr, len);
}

static int64_t sys_uname(struct user_proc *p, uint64_t addr)
{
    struct utsname u;
    if (!user_as_check(&p->as, addr, sizeof(u), USER_PROT_W))
        return -EFAULT;
    uname(&u);
    strcpy(u.machine, "riscv64");
    memcpy(user_g2h(&p->as, addr, sizeof(u)), &u, sizeof(u));
    return 0;
}

/* The guest's own address-space limits: the host's would bound vm's
 * reservation, not the guest's use of it. */
static int64_t sys_prlimit(struct user_proc *p, const uint64_t a[6])
{
    static struct rlimit own[2] = {{RLIM_INFINITY, RLIM_INFINITY}, {RLIM_INFINITY, RLIM_INFINITY}};
    int res = (int)a[1];
    if (a[0] != 0 && (pid_t)a[0] != getpid())
        return user_ret(syscall(SYS_prlimit64, (pid_t)a[0], res, gp(p, a[2], 16), gp(p, a[3], 16)));
    if (res == RLIMIT_AS || res == RLIMIT_DATA) {
        struct rlimit *r = &own[res == RLIMIT_AS];
        if (a[3]) {
            if (!user_as_check(&p->as, a[3], 16, USER_PROT_W))
                return -EFAULT;
            memcpy(user_g2h(&p->as, a[3], 16), r, 16);
        }
        if (a[2]) {
            struct rlimit n;
            if (!user_as_check(&p->as, a[2], 16, USER_PROT_R))
                return -EFAULT;
            memcpy(&n, user_g2h(&p->as, a[2], 16), 16);
            if (n.rlim_cur > n.rlim_max)
                return -EINVAL;
            *r = n;
        }
        return 0;
    }
    return user_ret(syscall(SYS_prlimit64, 0, res, gp(p, a[2], 16), gp(p, a[3], 16)));
}

/* riscv_hwprobe: what the default hart has, the value Linux itself reports
 * on it (tests/boot checks IMA_EXT_0 under a Debian kernel). */
static int64_t sys_hwprobe(struct user_proc *p, const uint64_t a[6])
{
    uint64_t n = a[1];
    if (a[4] != 0)
        return -EINVAL;
    if (n > 4096 || !user_as_check(&p->as, a[0], n * 16, USER_PROT_R | USER_PROT_W))
        return -EFAULT;
    int64_t *pair = user_g2h(&p->as, a[0], n * 16);
    for (uint64_t i = 0; i < n; i++) {
        uint64_t v;
        switch (pair[2 * i]) {
        case 0: case 1: case 2: v = 0; break;  /* mvendorid, marchid, mimpid */
        case 3: v = 1; break;                  /* BASE_BEHAVIOR_IMA */
        case 4: v = 0xbc193800fffbULL; break;  /* IMA_EXT_0 */
        case 5: case 9: v = 3; break;          /* CPUPERF_0, MISALIGNED_SCALAR: fast */
        case 6: v = 64; break;                 /* ZICBOZ_BLOCK_SIZE */
        case 7: v = p->as.size - 1; break;     /* HIGHEST_VIRT_ADDRESS */
        case 8: v = VM_TIMEBASE_HZ; break;     /* TIME_CSR_FREQ */
        default: pair[2 * i] = -1; v = 0; break;
        }
        pair[2 * i + 1] = (int64_t)v;
    }
    return 0;
}

int64_t user_sys_proc(struct user_proc *p, uint64_t nr, const uint64_t a[6])
{
    switch (nr) {
    case 93: user_thread_exit(p, (int)(a[0] & 0xff)); return 0;
    case 94: user_exit_group(p, (int)(a[0] & 0xff), 0); return 0;
    case 172: return getpid();
    case 173: return getppid();
    case 174: return getuid();
    case 175: return geteuid();
    case 176: return getgid();
    case 177: return getegid();
    case 178: return user_ret(syscall(SYS_gettid));
    case 148: return user_ret(syscall(SYS_getresuid, gp(p, a[0], 4), gp(p, a[1], 4), gp(p, a[2], 4)));
    case 150: return user_ret(syscall(SYS_getresgid, gp(p, a[0], 4), gp(p, a[1], 4), gp(p, a[2], 4)));
    case 158: return user_ret(syscall(SYS_getgroups, (int)a[0], gp(p, a[1], a[0] * 4)));
    case 154: return user_ret(setpgid((pid_t)a[0], (pid_t)a[1]));
    case 155: return user_ret(getpgid((pid_t)a[0]));
    case 156: return user_ret(getsid((pid_t)a[0]));
    case 157: return user_ret(setsid());
    case 96: /* set_tid_address */
        user_self->clear_tid = a[0];
        return user_ret(syscall(SYS_gettid));
    case 99: /* set_robust_list: nothing to clean up while there is one thread */
        return a[1] == 24 ? 0 : -EINVAL;
    case 293: return -ENOSYS; /* rseq: glibc carries on without it */
    case 160: return sys_uname(p, a[0]);
    case 278: {
        int64_t r = user_ret(getrandom(gp(p, a[0], a[1]), (size_t)a[1], (unsigned)a[2]));
        if (r > 0)
            user_as_written(&p->as, a[0], (uint64_t)r);
        return r;
    }
    case 261: return sys_prlimit(p, a);
    case 163: { uint64_t b[6] = {0, a[0], 0, a[1], 0, 0}; return sys_prlimit(p, b); }
    case 164: { uint64_t b[6] = {0, a[0], a[1], 0, 0, 0}; return sys_prlimit(p, b); }
    case 113: return user_ret(syscall(SYS_clock_gettime, (clockid_t)a[0], gp(p, a[1], 16)));
    case 114: return user_ret(syscall(SYS_clock_getres, (clockid_t)a[0], gp(p, a[1], 16)));
    case 169: return user_ret(syscall(SYS_gettimeofday, gp(p, a[0], 16), gp(p, a[1], 8)));
    case 101: return user_block(SYS_nanosleep, gp(p, a[0], 16), gp(p, a[1], 16));
    case 115: return user_block(SYS_clock_nanosleep, (clockid_t)a[0], (int)a[1], gp(p, a[2], 16),
                                gp(p, a[3], 16));
    case 153: return user_ret(syscall(SYS_times, gp(p, a[0], 32)));
    case 165: return user_ret(syscall(SYS_getrusage, (int)a[0], gp(p, a[1], 144)));
    case 179: return user_ret(syscall(SYS_sysinfo, gp(p, a[0], 112)));
    case 124: return user_ret(sched_yield());
    case 123: return user_ret(syscall(SYS_sched_getaffinity, (pid_t)a[0], (size_t)a[1],
                                      gp(p, a[2], a[1])));
    case 168: return user_ret(syscall(SYS_getcpu, gp(p, a[0], 4), gp(p, a[1], 4), NULL));
    case 167: /* prctl: the thread's name only */
        if (a[0] == PR_SET_NAME || a[0] == PR_GET_NAME)
            return user_ret(prctl((int)a[0], gp(p, a[1], 16), 0, 0, 0));
        return -EINVAL;
    case 258: return sys_hwprobe(p, a);
    case 98: /* futex on guest memory: host futexes on the same bytes */ {
        unsigned cmd = (unsigned)a[1] & 127;
        bool timeout = cmd == 0 || cmd == 6 || cmd == 9 || cmd == 11 || cmd == 13;
        bool addr2 = cmd == 3 || cmd == 4 || cmd == 5 || cmd == 11 || cmd == 12;
        return user_block(SYS_futex, gp(p, a[0], 4), (int)a[1], (uint32_t)a[2],
                          timeout ? gp(p, a[3], 16) : (void *)(uintptr_t)a[3],
                          addr2 ? gp(p, a[4], 4) : (void *)(uintptr_t)a[4], (uint32_t)a[5]);
    }
    }
    return USER_UNKNOWN;
}
