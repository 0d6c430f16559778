/* The process: exit, identities, uname, limits, time, randomness,
 * riscv_hwprobe (futex: futex.c, signals: signal.c). timespec, timeval, rlimit, rusage, tms,
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
    uname(&u);
    strcpy(u.machine, "riscv64");
    return user_put(p, addr, &u, sizeof(u));
}

/* The guest's own address-space limits: the host's would bound vm's
 * reservation, not the guest's use of it. */
static int64_t sys_prlimit(struct user_proc *p, const uint64_t a[6])
{
    static struct rlimit own[2] = {{RLIM_INFINITY, RLIM_INFINITY}, {RLIM_INFINITY, RLIM_INFINITY}};
    int res = (int)a[1];
    if (a[0] != 0 && (pid_t)a[0] != getpid())
        return user_ret(syscall(SYS_prlimit64, (pid_t)a[0], res, gp(p, a[2], 16),
                                user_out(p, a[3], 16)));
    if (res == RLIMIT_AS || res == RLIMIT_DATA) {
        struct rlimit *r = &own[res == RLIMIT_AS];
        if (a[3] && user_put(p, a[3], r, 16) < 0)
            return -EFAULT;
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
    return user_ret(syscall(SYS_prlimit64, 0, res, gp(p, a[2], 16), user_out(p, a[3], 16)));
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
    int64_t pair[2]; /* {key, value}, one at a time */
    for (uint64_t i = 0; i < n; i++) {
        memcpy(pair, user_g2h(&p->as, a[0] + i * 16, 16), 16);
        uint64_t v;
        switch (pair[0]) {
        case 0: case 1: case 2: v = 0; break;  /* mvendorid, marchid, mimpid */
        case 3: v = 1; break;                  /* BASE_BEHAVIOR_IMA */
        case 4: v = 0xbc193800fffbULL; break;  /* IMA_EXT_0 */
        case 5: case 9: v = 3; break;          /* CPUPERF_0, MISALIGNED_SCALAR: fast */
        case 6: v = 64; break;                 /* ZICBOZ_BLOCK_SIZE */
        case 7: v = p->as.size - 1; break;     /* HIGHEST_VIRT_ADDRESS */
        case 8: v = VM_TIMEBASE_HZ; break;     /* TIME_CSR_FREQ */
        default: pair[0] = -1; v = 0; break;
        }
        pair[1] = (int64_t)v;
        if (user_put(p, a[0] + i * 16, pair, 16) < 0)
            return -EFAULT;
    }
    return 0;
}

/* prctl: the options whose arguments are integers or an int/name the
 * kernel writes; the rest (PR_SET_MM, seccomp, ...) would act on vm. */
static int64_t sys_prctl(struct user_proc *p, const uint64_t a[6])
{
    switch (a[0]) {
    case PR_SET_NAME:
        return user_ret(prctl((int)a[0], gp(p, a[1], 16), 0, 0, 0));
    case PR_GET_NAME:
        return user_ret(prctl((int)a[0], user_out(p, a[1], 16), 0, 0, 0));
    case PR_GET_PDEATHSIG: case PR_GET_CHILD_SUBREAPER:
        return user_ret(prctl((int)a[0], user_out(p, a[1], 4), 0, 0, 0));
    case PR_SET_PDEATHSIG: case PR_GET_DUMPABLE: case PR_SET_DUMPABLE:
    case PR_GET_KEEPCAPS: case PR_SET_KEEPCAPS: case PR_CAPBSET_READ:
    case PR_GET_TIMERSLACK: case PR_SET_TIMERSLACK: case PR_SET_CHILD_SUBREAPER:
    case PR_SET_NO_NEW_PRIVS: case PR_GET_NO_NEW_PRIVS: case PR_GET_THP_DISABLE:
    case PR_SET_THP_DISABLE: case PR_CAP_AMBIENT: case PR_GET_SECUREBITS:
        return user_ret(prctl((int)a[0], a[1], a[2], a[3], a[4]));
    }
    return -EINVAL;
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
    case 148: return user_ret(syscall(SYS_getresuid, user_out(p, a[0], 4), user_out(p, a[1], 4),
                                      user_out(p, a[2], 4)));
    case 150: return user_ret(syscall(SYS_getresgid, user_out(p, a[0], 4), user_out(p, a[1], 4),
                                      user_out(p, a[2], 4)));
    case 158: return user_ret(syscall(SYS_getgroups, (int)a[0], user_out(p, a[1], a[0] * 4)));
    case 154: return user_ret(setpgid((pid_t)a[0], (pid_t)a[1]));
    case 155: return user_ret(getpgid((pid_t)a[0]));
    case 156: return user_ret(getsid((pid_t)a[0]));
    case 157: return user_ret(setsid());
    case 96: /* set_tid_address */
        user_self->clear_tid = a[0];
        return user_ret(syscall(SYS_gettid));
    case 293: return -ENOSYS; /* rseq: glibc carries on without it */
    case 160: return sys_uname(p, a[0]);
    case 278: return user_ret(getrandom(user_out_count(p, a[0], a[1]), (size_t)a[1], (unsigned)a[2]));
    case 261: return sys_prlimit(p, a);
    case 163: { uint64_t b[6] = {0, a[0], 0, a[1], 0, 0}; return sys_prlimit(p, b); }
    case 164: { uint64_t b[6] = {0, a[0], a[1], 0, 0, 0}; return sys_prlimit(p, b); }
    case 113: return user_ret(syscall(SYS_clock_gettime, (clockid_t)a[0], user_out(p, a[1], 16)));
    case 114: return user_ret(syscall(SYS_clock_getres, (clockid_t)a[0], user_out(p, a[1], 16)));
    case 169: return user_ret(syscall(SYS_gettimeofday, user_out(p, a[0], 16), user_out(p, a[1], 8)));
    case 101: return user_block(SYS_nanosleep, gp(p, a[0], 16), user_out(p, a[1], 16));
    case 115: return user_block(SYS_clock_nanosleep, (clockid_t)a[0], (int)a[1], gp(p, a[2], 16),
                                user_out(p, a[3], 16));
    case 153: return user_ret(syscall(SYS_times, user_out(p, a[0], 32)));
    case 165: return user_ret(syscall(SYS_getrusage, (int)a[0], user_out(p, a[1], 144)));
    case 179: return user_ret(syscall(SYS_sysinfo, user_out(p, a[0], 112)));
    case 124: return user_ret(sched_yield());
    case 123: return user_ret(syscall(SYS_sched_getaffinity, (pid_t)a[0], (size_t)a[1],
                                      user_out_count(p, a[2], a[1])));
    case 168: return user_ret(syscall(SYS_getcpu, user_out(p, a[0], 4), user_out(p, a[1], 4), NULL));
    case 167: return sys_prctl(p, a);
    /* credentials: the raw calls change the calling thread only, as Linux's
     * do (the guest's libc makes every thread call them: SIGSETXID) */
    case 146: return user_ret(syscall(SYS_setuid, (uid_t)a[0]));
    case 144: return user_ret(syscall(SYS_setgid, (gid_t)a[0]));
    case 145: return user_ret(syscall(SYS_setreuid, (uid_t)a[0], (uid_t)a[1]));
    case 143: return user_ret(syscall(SYS_setregid, (gid_t)a[0], (gid_t)a[1]));
    case 147: return user_ret(syscall(SYS_setresuid, (uid_t)a[0], (uid_t)a[1], (uid_t)a[2]));
    case 149: return user_ret(syscall(SYS_setresgid, (gid_t)a[0], (gid_t)a[1], (gid_t)a[2]));
    case 151: return syscall(SYS_setfsuid, (uid_t)a[0]); /* the old id, never an error */
    case 152: return syscall(SYS_setfsgid, (gid_t)a[0]);
    case 159: return user_ret(syscall(SYS_setgroups, (int)a[0], gp(p, a[1], a[0] * 4)));
    case 90: return user_ret(syscall(SYS_capget, user_out(p, a[0], 8), user_out(p, a[1], 24)));
    case 91: return user_ret(syscall(SYS_capset, gp(p, a[0], 8), gp(p, a[1], 24)));
    case 92: return syscall(SYS_personality, (unsigned long)(uint32_t)a[0]);
    /* scheduling: sched_param is an int, sched_attr the same on both */
    case 118: return user_ret(syscall(SYS_sched_setparam, (pid_t)a[0], gp(p, a[1], 4)));
    case 119: return user_ret(syscall(SYS_sched_setscheduler, (pid_t)a[0], (int)a[1],
                                      gp(p, a[2], 4)));
    case 120: return user_ret(syscall(SYS_sched_getscheduler, (pid_t)a[0]));
    case 121: return user_ret(syscall(SYS_sched_getparam, (pid_t)a[0], user_out(p, a[1], 4)));
    case 122: return user_ret(syscall(SYS_sched_setaffinity, (pid_t)a[0], (size_t)a[1],
                                      gp(p, a[2], a[1])));
    case 125: return user_ret(syscall(SYS_sched_get_priority_max, (int)a[0]));
    case 126: return user_ret(syscall(SYS_sched_get_priority_min, (int)a[0]));
    case 127: return user_ret(syscall(SYS_sched_rr_get_interval, (pid_t)a[0], user_out(p, a[1], 16)));
    case 274: return user_ret(syscall(SYS_sched_setattr, (pid_t)a[0], gp(p, a[1], 56), (unsigned)a[2]));
    case 275: return user_ret(syscall(SYS_sched_getattr, (pid_t)a[0], user_out(p, a[1], a[2]),
                                      (unsigned)a[2], (unsigned)a[3]));
    case 140: return user_ret(syscall(SYS_setpriority, (int)a[0], (id_t)a[1], (int)a[2]));
    case 141: return user_ret(syscall(SYS_getpriority, (int)a[0], (id_t)a[1])); /* 20 - nice */
    case 30: return user_ret(syscall(SYS_ioprio_set, (int)a[0], (int)a[1], (int)a[2]));
    case 31: return user_ret(syscall(SYS_ioprio_get, (int)a[0], (int)a[1]));
    /* host threads run the guest's: barriers and pidfds mean the same */
    case 283: return user_ret(syscall(SYS_membarrier, (int)a[0], (unsigned)a[1], (int)a[2]));
    case 434: return user_ret(syscall(SYS_pidfd_open, (pid_t)a[0], (unsigned)a[1]));
    case 424: return user_ret(syscall(SYS_pidfd_send_signal, (int)a[0], (int)a[1],
                                      gp(p, a[2], 128), (unsigned)a[3]));
    case 438: return user_ret(syscall(SYS_pidfd_getfd, (int)a[0], (int)a[1], (unsigned)a[2]));
    case 272: return user_ret(syscall(SYS_kcmp, (pid_t)a[0], (pid_t)a[1], (int)a[2], a[3], a[4]));
    case 259: /* riscv_flush_icache: stores reach fetch already (both engines) */
        return a[2] > 1 ? -EINVAL : 0;
    case 116: return user_ret(syscall(SYS_syslog, (int)a[0], user_out_count(p, a[1], a[2]), (int)a[2]));
    case 161: case 162:
        return user_ret(syscall(nr == 161 ? SYS_sethostname : SYS_setdomainname,
                                gp(p, a[0], a[1]), (size_t)a[1]));
    case 112: return user_ret(syscall(SYS_clock_settime, (clockid_t)a[0], gp(p, a[1], 16)));
    case 170: return user_ret(syscall(SYS_settimeofday, gp(p, a[0], 16), gp(p, a[1], 8)));
    case 171: return user_ret(syscall(SYS_adjtimex, user_out(p, a[0], 208))); /* struct timex: alike */
    case 266: return user_ret(syscall(SYS_clock_adjtime, (clockid_t)a[0], user_out(p, a[1], 208)));
    case 258: return sys_hwprobe(p, a);
    /* namespaces: the flags are the same; they act on vm's process, the guest's */
    case 97: return user_ret(syscall(SYS_unshare, (unsigned long)a[0]));
    case 268: return user_ret(syscall(SYS_setns, (int)a[0], (int)a[1]));
    }
    return USER_UNKNOWN;
}
