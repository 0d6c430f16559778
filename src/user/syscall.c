/* System call dispatch: each group (files, memory, the process) answers the
 * numbers it knows; the rest are -ENOSYS, reported once under -d unimp.
 * -d strace prints every call as QEMU does ("PID name(args) = result"). */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "user/syscall_names.h"
#include "user/user_internal.h"

const char *user_syscall_name(uint64_t nr)
{
    if (nr < sizeof(user_syscall_names) / sizeof(user_syscall_names[0]) &&
        user_syscall_names[nr])
        return user_syscall_names[nr];
    return NULL;
}

int64_t user_ret(int64_t r)
{
    return r < 0 ? -(int64_t)errno : r;
}

static void report_unimp(struct user_proc *p, uint64_t nr)
{
    if (nr < 512) {
        uint64_t bit = 1ULL << (nr % 64);
        if (p->unimp_seen[nr / 64] & bit)
            return;
        p->unimp_seen[nr / 64] |= bit;
    }
    const char *name = user_syscall_name(nr);
    fprintf(stderr, "Unsupported syscall: %" PRIu64 " (%s)\n", nr, name ? name : "?");
}

/* The groups, asked in turn: each answers the numbers it knows. */
static int64_t (*const groups[])(struct user_proc *, uint64_t, const uint64_t[6]) = {
    user_sys_file, user_sys_mem,   user_sys_proc,  user_sys_exec, user_sys_signal,
    user_sys_io,   user_sys_futex, user_sys_fdops, user_sys_ipc,  user_sys_aio,
};

int64_t user_syscall(struct user_proc *p, uint64_t nr, const uint64_t a[6])
{
    if (p->strace) {
        const char *name = user_syscall_name(nr);
        if (name)
            fprintf(stderr, "%d %s(0x%" PRIx64 ",0x%" PRIx64 ",0x%" PRIx64 ",0x%" PRIx64
                    ",0x%" PRIx64 ",0x%" PRIx64 ")", (int)getpid(), name, a[0], a[1], a[2],
                    a[3], a[4], a[5]);
        else
            fprintf(stderr, "%d Unknown syscall %" PRIu64, (int)getpid(), nr);
        fflush(stderr);
    }
    int64_t r = USER_UNKNOWN;
    for (size_t i = 0; r == USER_UNKNOWN && i < sizeof(groups) / sizeof(groups[0]); i++)
        r = groups[i](p, nr, a);
    if (r == USER_UNKNOWN) {
        if (p->unimp)
            report_unimp(p, nr);
        r = -ENOSYS;
    }
    if (p->strace) {
        if (p->exited)
            fprintf(stderr, "\n");
        else if (r < 0 && r > -4096)
            fprintf(stderr, " = -1 errno=%d (%s)\n", (int)-r, strerror((int)-r));
        else
            fprintf(stderr, " = %" PRId64 "\n", r);
    }
    return r;
}
