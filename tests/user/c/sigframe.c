/* A signal frame that cannot be written: Linux kills the process with
 * SIGSEGV (force_sigsegv), whatever the signal was. The frame's place is an
 * alternate stack on (a) a file page cut off by a truncate (the write
 * faults: SIGBUS on the host, which must not reach vm), (b) a PROT_NONE
 * page, (c) a read-only page; and (d) rt_sigreturn of a frame on a cut
 * file page (Linux: force_sig(SIGSEGV)). Each case runs in a child, which
 * must die of SIGSEGV. qemu-riscv64 7.2 dies of SIGBUS in cases (a) and
 * (d) (its own host fault, as vm did before): tolerated outside vm. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"

#define ALT (4 * 4096)

static volatile int handled;
static void on_usr1(int sig)
{
    (void)sig;
    handled = 1;
}

static char fname[64];

/* rt_sigreturn with sp at a frame that cannot be read: Linux's
 * force_sig(SIGSEGV); if the call returns, exit_group(6) without the stack. */
static void sigreturn_at(uintptr_t sp)
{
    register uintptr_t t0 __asm__("t0") = sp;
    __asm__ volatile("mv sp, t0\n\tli a7, 139\n\tecall\n\tli a0, 6\n\tli a7, 94\n\tecall"
                     : : "r"(t0) : "a0", "a7", "memory");
}

/* The child: an alternate stack on memory the frame cannot be written to
 * (how 3: a frame to return from on a cut file page). */
static void child(int how)
{
    char *alt;
    if (how == 0 || how == 3) {
        int fd = open(fname, O_RDWR | O_CREAT | O_TRUNC, 0600);
        if (fd < 0 || ftruncate(fd, ALT) != 0)
            _exit(2);
        alt = mmap(NULL, ALT, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
        if (alt == MAP_FAILED)
            _exit(2);
        memset(alt, 1, ALT); /* touched: mapped in the page tables, then cut off */
        if (ftruncate(fd, 0) != 0)
            _exit(2);
        if (how == 3)
            sigreturn_at((uintptr_t)alt + 2 * 4096);
    } else {
        alt = mmap(NULL, ALT, how == 1 ? PROT_NONE : PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1,
                   0);
        if (alt == MAP_FAILED)
            _exit(2);
    }
    stack_t ss = {.ss_sp = alt, .ss_size = ALT};
    if (sigaltstack(&ss, NULL) != 0)
        _exit(2);
    set_handler(SIGUSR1, on_usr1, SA_ONSTACK);
    raise(SIGUSR1);
    _exit(handled ? 4 : 5); /* Linux never gets here */
}

static void test_unwritable(int how, const char *what)
{
    pid_t pid = fork();
    if (pid == 0)
        child(how);
    int st = 0;
    CHECK(waitpid(pid, &st, 0) == pid);
    int ok = WIFSIGNALED(st) && WTERMSIG(st) == SIGSEGV;
    printf("frame on %s\n", what);
    fprintf(stderr, "frame on %s: status 0x%x%s\n", what, st, ok ? " (SIGSEGV)" : "");
    /* qemu-riscv64 7.2 dies of its own SIGBUS on the cut page: tolerated outside vm */
    if ((how == 0 || how == 3) && !under_vm() && WIFSIGNALED(st) && WTERMSIG(st) == SIGBUS)
        fprintf(stderr, "qemu-riscv64: SIGBUS writing the frame (Linux: SIGSEGV)\n");
    else
        CHECK(ok);
}

int main(void)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    snprintf(fname, sizeof(fname), "sigframe-%d.tmp", (int)getpid());
    test_unwritable(0, "a truncated file page");
    test_unwritable(1, "a PROT_NONE page");
    test_unwritable(2, "a read-only page");
    test_unwritable(3, "a truncated file page, for rt_sigreturn");
    unlink(fname);
    return check_done();
}
