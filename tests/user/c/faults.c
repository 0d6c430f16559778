/* Synchronous signals and what handlers do with them: SIGSEGV's si_addr and
 * si_code, recovery with siglongjmp (twice: the mask comes back), SIGILL
 * skipped by moving the pc in the ucontext, SIGTRAP from ebreak, a handler
 * on an alternate stack (sigaltstack), SIGBUS from a file mapping past the
 * end of its file, and death when the signal is blocked. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <ucontext.h>
#include <unistd.h>

#include "check.h"

static sigjmp_buf jb;
static volatile uintptr_t fault_addr;
static volatile int fault_code, fault_sig, on_alt, alt_flags;
static char *alt;
static size_t alt_size = 65536;

static void on_segv(int sig, siginfo_t *si, void *uc)
{
    (void)uc;
    fault_sig = sig;
    fault_addr = (uintptr_t)si->si_addr;
    fault_code = si->si_code;
    char local;
    on_alt = (char *)&local >= alt && (char *)&local < alt + alt_size;
    stack_t cur;
    sigaltstack(NULL, &cur);
    alt_flags = cur.ss_flags;
    siglongjmp(jb, 1);
}

static void on_skip(int sig, siginfo_t *si, void *ucv)
{
    ucontext_t *uc = ucv;
    fault_sig = sig;
    fault_code = si->si_code;
    fault_addr = (uintptr_t)si->si_addr;
    CHECK(uc->uc_mcontext.__gregs[REG_PC] == (unsigned long)si->si_addr);
    uc->uc_mcontext.__gregs[REG_PC] += 4; /* past the 4-byte instruction */
    uc->uc_mcontext.__gregs[10] = 1234;   /* a0, seen after the return */
}

int main(void)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    set_info_handler(SIGSEGV, on_segv, 0);
    /* an unmapped address: SEGV_MAPERR */
    volatile int *bad = (int *)0x10;
    if (sigsetjmp(jb, 1) == 0) {
        *bad = 1;
        CHECK(!"store to 0x10 went through");
    }
    printf("segv unmapped: sig %d code %d addr %#lx\n", fault_sig, fault_code,
           (unsigned long)fault_addr);
    CHECK(fault_sig == SIGSEGV && fault_code == SEGV_MAPERR && fault_addr == 0x10);
    /* a read-only page: SEGV_ACCERR, and again (siglongjmp restored the mask) */
    char *ro = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(ro != MAP_FAILED);
    for (int i = 0; i < 2; i++) {
        fault_sig = 0;
        if (sigsetjmp(jb, 1) == 0) {
            ((volatile char *)ro)[100 + i] = 1;
            CHECK(!"store to a read-only page went through");
        }
        printf("segv read-only %d: sig %d code %d offset %ld\n", i, fault_sig, fault_code,
               (long)(fault_addr - (uintptr_t)ro));
        CHECK(fault_code == SEGV_ACCERR && fault_addr == (uintptr_t)ro + 100 + i);
    }
    /* on an alternate stack */
    alt = mmap(NULL, alt_size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    stack_t ss = {.ss_sp = alt, .ss_size = alt_size, .ss_flags = 0}, old;
    CHECK(sigaltstack(&ss, NULL) == 0);
    CHECK(sigaltstack(NULL, &old) == 0);
    printf("sigaltstack: flags %d size-ok %d\n", old.ss_flags, old.ss_size == alt_size);
    set_info_handler(SIGSEGV, on_segv, SA_ONSTACK);
    if (sigsetjmp(jb, 1) == 0)
        *bad = 2;
    printf("segv on altstack: on it %d flags %d\n", on_alt, alt_flags);
    CHECK(on_alt && alt_flags == SS_ONSTACK);
    ss.ss_size = 100;
    int r = sigaltstack(&ss, NULL);
    printf("sigaltstack too small: %d\n", r);
    CHECK(r == -1);
    ss.ss_flags = SS_DISABLE;
    CHECK(sigaltstack(&ss, NULL) == 0);
    CHECK(sigaltstack(NULL, &old) == 0);
    printf("sigaltstack disabled: flags %d\n", old.ss_flags);
    CHECK(old.ss_flags == SS_DISABLE);

    /* SIGILL: the handler moves the pc past the instruction and sets a0 */
    set_info_handler(SIGILL, on_skip, 0);
    register long a0 asm("a0") = 7;
    asm volatile(".word 0xffffffff" : "+r"(a0)); /* an illegal 32-bit encoding */
    printf("sigill: sig %d code %d a0 %ld at-pc %d\n", fault_sig, fault_code, a0,
           fault_addr != 0);
    CHECK(fault_sig == SIGILL && fault_code == ILL_ILLOPC && a0 == 1234);
    /* SIGTRAP from ebreak (4 bytes: .option norvc) */
    set_info_handler(SIGTRAP, on_skip, 0);
    fault_sig = 0;
    asm volatile(".option push\n.option norvc\nebreak\n.option pop" ::: "a0", "memory");
    printf("sigtrap: sig %d code %d\n", fault_sig, fault_code);
    CHECK(fault_sig == SIGTRAP && fault_code == TRAP_BRKPT);

    /* a shared file mapping of two pages over a 100-byte file: the tail of
     * the first page reads as zeroes, the second page is SIGBUS */
    char path[] = "/tmp/vm-user-bus-XXXXXX";
    int fd = mkstemp(path);
    CHECK(fd >= 0 && write(fd, "0123456789", 10) == 10 && ftruncate(fd, 100) == 0);
    unlink(path);
    char *fm = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    CHECK(fm != MAP_FAILED);
    set_info_handler(SIGBUS, on_segv, 0);
    fault_sig = 0;
    volatile char in = fm[5], tail = fm[4095];
    if (sigsetjmp(jb, 1) == 0) {
        volatile char past = ((volatile char *)fm)[4096 + 10];
        (void)past;
        CHECK(!"a load past the end of the file went through");
    }
    printf("file mapping: in '%c' tail %d; past end: sig %d code %d offset %ld\n", in, tail,
           fault_sig, fault_code, (long)(fault_addr - (uintptr_t)fm));
    CHECK(fault_sig == SIGBUS && fault_code == BUS_ADRERR && fault_addr == (uintptr_t)fm + 4106);
    /* the file grows: the page is backed now */
    CHECK(ftruncate(fd, 8192) == 0);
    fm[4096] = 'z';
    printf("after growing: %c\n", fm[4096]);
    munmap(fm, 8192);
    close(fd);

    /* a fault with its signal blocked kills, whatever the handler */
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        sigset_t s;
        sigemptyset(&s);
        sigaddset(&s, SIGSEGV);
        sigprocmask(SIG_BLOCK, &s, NULL);
        *bad = 3;
        _exit(0);
    }
    int st;
    CHECK(waitpid(pid, &st, 0) == pid);
    printf("blocked segv: signaled %d sig %d\n", WIFSIGNALED(st), WTERMSIG(st));
    CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGSEGV);
    return check_done();
}
