/* Translated code reads and writes guest memory directly under `vm user`
 * (docs/JIT.md "Direct access in user mode"): the host's protections catch
 * what the guest may not touch, and the guest must see exactly the fault
 * Linux gives. Each access runs in a loop first (so it is translated), then
 * at the address that faults: a PROT_NONE page, the edge of a mapping, a
 * page made unreadable or read-only after translation, a page another
 * thread unmaps, addresses beyond anything mappable; the faulting load's pc
 * and registers in the ucontext; code written by direct stores then made
 * executable (twice: the second version must run); a writable and
 * executable page (self-modifying code). */
#define _GNU_SOURCE
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <ucontext.h>
#include <unistd.h>

#include "check.h"
#include "loops.h"

static __thread sigjmp_buf jb;
static volatile uintptr_t fault_addr;
static volatile int fault_sig, fault_code;
static volatile unsigned long fault_pc;
static volatile int fault_regs_ok;

static void on_fault(int sig, siginfo_t *si, void *ucv)
{
    ucontext_t *uc = ucv;
    fault_sig = sig;
    fault_code = si->si_code;
    fault_addr = (uintptr_t)si->si_addr;
    fault_pc = uc->uc_mcontext.__gregs[REG_PC];
    const unsigned long *x = uc->uc_mcontext.__gregs; /* x[n] = register n */
    fault_regs_ok = x[10] == 77 && x[11] == (unsigned long)si->si_addr && x[12] == 0x1234 &&
                    x[13] == (unsigned long)-5;
    siglongjmp(jb, 1);
}

__attribute__((noinline)) static uint64_t load_at(const volatile void *p, int size)
{
    switch (size) {
    case 1: return *(const volatile uint8_t *)p;
    case 2: return *(const volatile uint16_t *)p;
    case 4: return *(const volatile uint32_t *)p;
    default: return *(const volatile uint64_t *)p;
    }
}

/* A load of `size` bytes at p: 0 if it went through, else the signal. */
static int try_load(const void *p, int size, uint64_t *value)
{
    fault_sig = 0;
    if (sigsetjmp(jb, 1) == 0) {
        uint64_t v = load_at(p, size);
        if (value)
            *value = v;
        return 0;
    }
    return fault_sig;
}

static int try_fill(void *p, int n)
{
    fault_sig = 0;
    if (sigsetjmp(jb, 1) == 0) {
        fill64(p, n, 7);
        return 0;
    }
    return fault_sig;
}

static void warm_up(void)
{
    static uint64_t buf[64];
    uint64_t s = 0;
    for (int i = 0; i < 2000; i++) {
        fill64(buf, 64, (uint64_t)i);
        s += sum64(buf, 64);
        for (int k = 1; k <= 8; k *= 2)
            s += load_at((char *)buf + 8, k);
    }
    printf("warm-up sum %llu\n", (unsigned long long)s);
}

/* ---- another thread's munmap ---- */
static volatile uint64_t *shared_page;
static volatile int started, unmapped, late_load;

static void *reader(void *arg)
{
    (void)arg;
    fault_sig = 0;
    if (sigsetjmp(jb, 1) == 0) {
        for (;;) {
            int u = __atomic_load_n(&unmapped, __ATOMIC_ACQUIRE);
            sum64(shared_page, 512);
            if (u) { /* read after the munmap returned: must not work */
                late_load = 1;
                return NULL;
            }
            __atomic_store_n(&started, 1, __ATOMIC_RELEASE);
        }
    }
    return NULL;
}

/* ---- code written by stores ---- */
typedef long (*fn_t)(void);
static const uint32_t ret_imm[] = {0x00000513, 0x00008067}; /* li a0, IMM; ret */

static void put_code(uint32_t *at, int imm)
{
    uint32_t insn[2] = {ret_imm[0] | (uint32_t)(imm & 0xfff) << 20, ret_imm[1]};
    for (int i = 0; i < 2; i++)
        ((volatile uint32_t *)at)[i] = insn[i]; /* guest stores, not memcpy */
}

int main(void)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    set_info_handler(SIGSEGV, on_fault, 0);
    set_info_handler(SIGBUS, on_fault, 0);
    warm_up();
    long pg = sysconf(_SC_PAGESIZE);

    /* a PROT_NONE page between two readable ones: the same translated loop */
    char *m = mmap(NULL, 3 * pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(m != MAP_FAILED);
    fill64((uint64_t *)m, (int)(3 * pg / 8), 1);
    CHECK(mprotect(m + pg, pg, PROT_NONE) == 0);
    uint64_t v = 0;
    int sig = try_load(m + 8, 8, &v);
    printf("before the hole: sig %d value %llu\n", sig, (unsigned long long)v);
    CHECK(sig == 0 && v == 2);
    for (int size = 1; size <= 8; size *= 2) {
        sig = try_load(m + pg + 16, size, NULL);
        printf("PROT_NONE load %d: sig %d code %d offset %ld\n", size, sig, fault_code,
               (long)(fault_addr - (uintptr_t)m));
        CHECK(sig == SIGSEGV && fault_code == SEGV_ACCERR && fault_addr == (uintptr_t)m + pg + 16);
    }
    sig = try_load(m + 2 * pg, 8, &v);
    printf("after the hole: sig %d value %llu\n", sig, (unsigned long long)v);
    CHECK(sig == 0 && v == (uint64_t)(2 * pg / 8 + 1));

    /* the edge of a mapping: the last word, a word across it, the byte past it */
    CHECK(munmap(m + 2 * pg, pg) == 0);
    char *end = m + 2 * pg;
    CHECK(mprotect(m + pg, pg, PROT_READ) == 0);
    sig = try_load(end - 8, 8, &v);
    printf("last word: sig %d\n", sig);
    CHECK(sig == 0);
    sig = try_load(end - 4, 8, NULL);
    printf("word across the end: sig %d code %d offset %ld\n", sig, fault_code,
           (long)(fault_addr - (uintptr_t)end));
    CHECK(sig == SIGSEGV && fault_code == SEGV_MAPERR && fault_addr >= (uintptr_t)end - 4 &&
          fault_addr <= (uintptr_t)end);
    sig = try_load(end, 1, NULL);
    printf("byte past the end: sig %d code %d offset %ld\n", sig, fault_code,
           (long)(fault_addr - (uintptr_t)end));
    CHECK(sig == SIGSEGV && fault_code == SEGV_MAPERR && fault_addr == (uintptr_t)end);

    /* protections changed after translation, both ways */
    for (int round = 0; round < 2; round++) {
        uint64_t *p = (uint64_t *)m;
        CHECK(mprotect(m, pg, PROT_NONE) == 0);
        sig = try_load(p + 5, 8, NULL);
        int sig2 = try_fill(p, 8);
        CHECK(mprotect(m, pg, PROT_READ) == 0);
        int sig3 = try_load(p + 5, 8, &v);
        int sig4 = try_fill(p, 8);
        uint64_t off = fault_addr - (uintptr_t)m;
        CHECK(mprotect(m, pg, PROT_READ | PROT_WRITE) == 0);
        int sig5 = try_fill(p, 8);
        printf("mprotect round %d: none load %d store %d; read-only load %d (%llu) store %d "
               "(offset %llu); writable store %d\n", round, sig, sig2, sig3,
               (unsigned long long)v, sig4, (unsigned long long)off, sig5);
        CHECK(sig == SIGSEGV && sig2 == SIGSEGV && sig3 == 0 && sig4 == SIGSEGV && off == 0 &&
              sig5 == 0 && p[7] == 14);
    }

    /* the faulting load's pc and the registers around it */
    {
        CHECK(mprotect(m + pg, pg, PROT_NONE) == 0);
        fault_sig = 0;
        unsigned long at;
        asm volatile("lla %0, 1f" : "=r"(at));
        if (sigsetjmp(jb, 1) == 0) {
            asm volatile("mv a1, %0\n li a2, 0x1234\n li a3, -5\n li a0, 77\n"
                         "1: ld a0, 0(a1)\n"
                         :
                         : "r"(m + pg + 24)
                         : "a0", "a1", "a2", "a3", "memory");
            CHECK(!"the load went through");
        }
        printf("precise: sig %d pc-ok %d offset %ld regs-ok %d\n", fault_sig, fault_pc == at,
               (long)(fault_addr - (uintptr_t)m), fault_regs_ok);
        CHECK(fault_sig == SIGSEGV && fault_pc == at && fault_addr == (uintptr_t)m + pg + 24 &&
              fault_regs_ok);
    }

    /* addresses no mapping can have: beyond the host's reservation too */
    for (int bit = 36; bit <= 46; bit += 2) {
        uintptr_t a = (uintptr_t)1 << bit;
        sig = try_load((void *)a, 8, NULL);
        /* (no si_code: qemu-riscv64 reserves some of these for itself) */
        printf("load at 2^%d: sig %d addr-ok %d\n", bit, sig, fault_addr == a);
        CHECK(sig == SIGSEGV && fault_addr == a);
    }
    sig = try_load((void *)(uintptr_t)-8, 8, NULL);
    printf("load at -8: sig %d\n", sig);
    CHECK(sig == SIGSEGV);

    /* another thread unmaps a page this one reads in a translated loop */
    shared_page = mmap(NULL, pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(shared_page != MAP_FAILED);
    pthread_t th;
    CHECK(pthread_create(&th, NULL, reader, NULL) == 0);
    while (!__atomic_load_n(&started, __ATOMIC_ACQUIRE))
        sched_yield();
    CHECK(munmap((void *)shared_page, pg) == 0);
    __atomic_store_n(&unmapped, 1, __ATOMIC_RELEASE);
    CHECK(pthread_join(th, NULL) == 0);
    printf("munmap by another thread: reader sig %d, late load went through %d\n", fault_sig,
           late_load);
    CHECK(fault_sig == SIGSEGV && !late_load && fault_addr >= (uintptr_t)shared_page &&
          fault_addr < (uintptr_t)shared_page + pg);

    /* code written by stores, then made executable: twice, the second
     * version must run (not the translation of the first) */
    uint32_t *code = mmap(NULL, pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(code != MAP_FAILED);
    long r[2];
    for (int i = 0; i < 2; i++) {
        CHECK(mprotect(code, pg, PROT_READ | PROT_WRITE) == 0);
        put_code(code, 100 + i);
        CHECK(mprotect(code, pg, PROT_READ | PROT_EXEC) == 0);
        __builtin___clear_cache((char *)code, (char *)code + 8);
        r[i] = 0;
        for (int k = 0; k < 100; k++)
            r[i] += ((fn_t)code)();
    }
    printf("rewritten code: %ld %ld\n", r[0], r[1]);
    CHECK(r[0] == 10000 && r[1] == 10100);

    /* a page both writable and executable, rewritten in place */
    uint32_t *wx = mmap(NULL, pg, PROT_READ | PROT_WRITE | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS,
                        -1, 0);
    CHECK(wx != MAP_FAILED);
    for (int i = 0; i < 3; i++) {
        put_code(wx, 7 * i);
        __builtin___clear_cache((char *)wx, (char *)wx + 8);
        r[0] = 0;
        for (int k = 0; k < 100; k++)
            r[0] += ((fn_t)wx)();
        printf("writable+executable %d: %ld\n", i, r[0]);
        CHECK(r[0] == 700 * i);
    }
    /* and plain memory still reads and writes right afterwards */
    fill64((uint64_t *)m, 16, 3);
    printf("afterwards: %llu\n", (unsigned long long)sum64((uint64_t *)m, 16));
    CHECK(sum64((uint64_t *)m, 16) == 16 * 3 + 120);
    return check_done();
}
