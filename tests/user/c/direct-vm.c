/* Direct access under `vm user` (docs/JIT.md), what qemu-riscv64 cannot be
 * compared on (user.c.direct is): instret at a faulting translated load
 * (the output must be the same under the JIT and the interpreter:
 * engines-diff.sh), and execute-only memory, which Linux gives the guest
 * unreadable (qemu-riscv64 lets loads read it) and which turns direct
 * access off: the translated loads and stores from before go on working
 * and faulting right. */
#define _GNU_SOURCE
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <sys/mman.h>
#include <unistd.h>

#include "check.h"
#include "loops.h"

static sigjmp_buf jb;
static volatile uintptr_t fault_addr;
static volatile int fault_sig, fault_code;
static volatile uint64_t handler_instret;

static inline uint64_t instret(void)
{
    uint64_t v;
    asm volatile("rdinstret %0" : "=r"(v));
    return v;
}

static void on_fault(int sig, siginfo_t *si, void *uc)
{
    handler_instret = instret();
    (void)uc;
    fault_sig = sig;
    fault_code = si->si_code;
    fault_addr = (uintptr_t)si->si_addr;
    siglongjmp(jb, 1);
}

/* Instructions retired from just before a faulting load to the handler's
 * first read: the same on both engines if the JIT counts exactly. */
static volatile uint64_t before; /* (a local would be lost by siglongjmp) */
static uint64_t fault_delta(const void *at)
{
    fault_sig = 0;
    if (sigsetjmp(jb, 1) == 0) {
        asm volatile("rdinstret t2\n sd t2, 0(%1)\n addi t0, %0, 8\n addi t0, t0, -8\n"
                     "ld t1, 0(t0)\n"
                     :
                     : "r"(at), "r"(&before)
                     : "t0", "t1", "t2", "memory");
        return 0; /* (not reached: the load faults) */
    }
    return handler_instret - before;
}

static int try_load(const void *p, uint64_t *v)
{
    fault_sig = 0;
    if (sigsetjmp(jb, 1) == 0) {
        *v = sum64(p, 1);
        return 0;
    }
    return fault_sig;
}

typedef long (*fn_t)(void);

int main(void)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    set_info_handler(SIGSEGV, on_fault, 0);
    long pg = sysconf(_SC_PAGESIZE);
    char *m = mmap(NULL, 2 * pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(m != MAP_FAILED);
    uint64_t s = 0;
    for (int i = 0; i < 1000; i++) { /* translated from here on */
        fill64((uint64_t *)m, 64, (uint64_t)i);
        s += sum64((uint64_t *)m, 64);
    }
    printf("warm-up sum %llu\n", (unsigned long long)s);
    CHECK(mprotect(m + pg, pg, PROT_NONE) == 0);
    uint64_t d1 = 0, d2;
    for (int i = 0; i < 3; i++) { /* the first round may translate */
        d2 = fault_delta(m + pg + 8);
        printf("instret from before the load to the handler: %llu (sig %d offset %ld)\n",
               (unsigned long long)d2, fault_sig, (long)(fault_addr - (uintptr_t)m));
        CHECK(fault_sig == SIGSEGV && fault_addr == (uintptr_t)m + pg + 8 && d2 > 3);
        if (i)
            CHECK(d2 == d1);
        d1 = d2;
    }

    /* execute-only: runs, does not read */
    uint32_t *code = mmap(NULL, pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(code != MAP_FAILED);
    code[0] = 0x02a00513; /* li a0, 42 */
    code[1] = 0x00008067; /* ret */
    CHECK(mprotect(code, pg, PROT_EXEC) == 0);
    __builtin___clear_cache((char *)code, (char *)code + 8);
    long r = ((fn_t)code)();
    uint64_t v = 0;
    int sig = try_load(code, &v);
    printf("execute-only: call %ld, load sig %d code %d addr-ok %d\n", r, sig, fault_code,
           fault_addr == (uintptr_t)code);
    CHECK(r == 42 && sig == SIGSEGV && fault_code == SEGV_ACCERR && fault_addr == (uintptr_t)code);
    /* the same translated loops, now without direct access */
    fill64((uint64_t *)m, 64, 5);
    sig = try_load(m + 8, &v);
    printf("plain memory afterwards: sum %llu, load sig %d value %llu\n",
           (unsigned long long)sum64((uint64_t *)m, 64), sig, (unsigned long long)v);
    CHECK(sum64((uint64_t *)m, 64) == 64 * 5 + 2016 && sig == 0 && v == 6);
    sig = try_load(m + pg + 16, &v);
    printf("PROT_NONE afterwards: sig %d addr-ok %d\n", sig, fault_addr == (uintptr_t)m + pg + 16);
    CHECK(sig == SIGSEGV && fault_addr == (uintptr_t)m + pg + 16);
    d2 = fault_delta(m + pg + 8);
    printf("instret to the handler afterwards: %llu\n", (unsigned long long)d2);
    CHECK(d2 == d1);
    return check_done();
}
