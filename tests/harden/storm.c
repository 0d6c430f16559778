/* The hostile storm guest (issue 12): a bare-metal M-mode program for
 * riscv-virt (-bios none -kernel storm.elf -smp 1..8 -m 128M -append
 * seed=N) whose harts, with interrupts enabled throughout (timer, IPIs,
 * PLIC), throw at the machine:
 *   - random loads, stores, LR/SC, AMOs of every width, aligned and not,
 *     and instruction fetches, at every device region (ROM, syscon, RTC,
 *     CLINT, PLIC, UART, the virtio-mmio slots), the gaps between them,
 *     RAM's edges and wild addresses;
 *   - random values to the syscon other than its power-off/reset codes;
 *   - random satp modes, roots and ASIDs over page tables of random PTEs,
 *     S and U code at random addresses, MPRV accesses, every SFENCE.VMA form.
 * A PMP keeps S/U (and MPRV) off the program itself, the syscon and the
 * CLINT, so the guest cannot power off by accident, corrupt itself or
 * stop a hart's timer; M-mode storms
 * spare the program and the CLINT's timer registers (a hart needs its timer
 * to leave a lower-mode loop), and store nothing to the syscon's codes.
 * Faults are expected and skipped. Hart 0 prints STORM-OK when every hart
 * has done its share; vm must exit 0 with no sanitizer report. */
#include <stdint.h>

#define UART0 0x10000000UL
#define SYSCON 0x100000UL
#define CLINT 0x2000000UL
#define CLINT_MTIMECMP (CLINT + 0x4000)
#define CLINT_MTIME (CLINT + 0xbff8)
#define PLIC 0xc000000UL
/* hart h's M-mode context is 2h: enables 0x80 apart, threshold/claim 0x1000 */
#define PLIC_ENABLE(h) ((volatile uint32_t *)(PLIC + 0x2000 + 0x80 * (2 * (h))))
#define PLIC_THRESHOLD(h) ((volatile uint32_t *)(PLIC + 0x200000 + 0x1000 * (2 * (h))))
#define PLIC_CLAIM(h) ((volatile uint32_t *)(PLIC + 0x200004 + 0x1000 * (2 * (h))))
#define RAM 0x80000000UL
#define RAM_END (RAM + (128UL << 20)) /* -m 128M */
#define PROG_SIZE (16UL << 20)         /* the program, its stacks: PMP-protected */
#define SANDBOX (RAM_END - (1UL << 20)) /* page tables and S/U code */
#define SANDBOX_PAGES 256
#define MAX_HARTS 8
#define OPS_DEFAULT 60000

extern unsigned long storm_lower(unsigned long pc, unsigned long mode, unsigned long satp);
extern uint64_t storm_mprv(uint64_t va, unsigned long mode, int store, uint64_t value);

static volatile unsigned nr_harts_seen, nr_done;
static volatile uint64_t seed_base, ops_per_hart;
static volatile int go;
static uint64_t rng[MAX_HARTS] __attribute__((aligned(64)));
static volatile uint64_t traps[MAX_HARTS], irqs[MAX_HARTS], lowers[MAX_HARTS];

#define csr_read(r) ({ uint64_t v_; __asm__ volatile("csrr %0, " #r : "=r"(v_)); v_; })
#define csr_write(r, v) __asm__ volatile("csrw " #r ", %0" ::"r"((uint64_t)(v)))
#define csr_set(r, v) __asm__ volatile("csrs " #r ", %0" ::"r"((uint64_t)(v)))
#define csr_clear(r, v) __asm__ volatile("csrc " #r ", %0" ::"r"((uint64_t)(v)))

static uint64_t next(unsigned h)
{
    uint64_t x = rng[h];
    x ^= x << 13, x ^= x >> 7, x ^= x << 17;
    return rng[h] = x;
}

static void putc_(char c)
{
    volatile uint8_t *u = (volatile uint8_t *)UART0;
    for (int i = 0; i < 100000 && !(u[5] & 0x20); i++)
        ;
    u[0] = (uint8_t)c;
}

static void puts_(const char *s)
{
    while (*s)
        putc_(*s++);
}

static void putu(uint64_t v)
{
    char b[24];
    int n = 0;
    do
        b[n++] = (char)('0' + v % 10);
    while (v /= 10);
    while (n)
        putc_(b[--n]);
}

static uint64_t mtime(void)
{
    return *(volatile uint64_t *)CLINT_MTIME;
}

static void arm_timer(unsigned h)
{
    ((volatile uint64_t *)CLINT_MTIMECMP)[h] = mtime() + 2000 + next(h) % 20000;
}

/* ---- traps ---- */

static unsigned insn_len(uint64_t pc)
{
    return (*(volatile uint16_t *)pc & 3) == 3 ? 4 : 2;
}

/* 1: end the lower-mode attempt (storm_entry.S's abort_lower). */
unsigned long storm_trap(uint64_t *frame)
{
    unsigned h = (unsigned)csr_read(mhartid);
    uint64_t cause = csr_read(mcause), mstatus = csr_read(mstatus);
    int from_lower = ((mstatus >> 11) & 3) != 3;
    if (cause >> 63) {
        irqs[h]++;
        switch (cause & 63) {
        case 3: ((volatile uint32_t *)CLINT)[h] = 0; break;
        case 7: arm_timer(h); break;
        case 11: {
            /* (A 0x2000 stride here once made harts 2 and 3 claim from
             * contexts that do not exist: claims read 0, MEIP stayed up,
             * and they took MEI forever once the others had stopped
             * storming the UART: the rare hang of this test.) */
            volatile uint32_t *claim = PLIC_CLAIM(h);
            uint32_t id = *claim;
            if (id) {
                /* level sources (a UART told to interrupt) would fire again
                 * at once: switch the source off for this context */
                volatile uint32_t *en = PLIC_ENABLE(h);
                en[id / 32] &= ~(1u << (id % 32));
                *claim = id;
            }
            break;
        }
        default:
            csr_clear(mie, 1UL << (cause & 63)); /* not ours: off */
        }
        return from_lower;
    }
    traps[h]++;
    if (from_lower)
        return 1;
    uint64_t epc = csr_read(mepc);
    if (cause == 0 || cause == 1 || cause == 12) /* a fetch: back to the jump's return */
        csr_write(mepc, frame[0]);
    else
        csr_write(mepc, epc + insn_len(epc));
    return 0;
}

/* ---- addresses ---- */

struct region {
    uint64_t base, size;
    unsigned flags;
};
#define R_STORE 1 /* M-mode stores allowed */
#define R_FETCH 2 /* fetch allowed (no RAM-backed code: it would run) */
#define R_CLINT 4 /* stores only to MSIP */
#define R_SYSCON 8

static const struct region regions[] = {
    {0x0, 0x1000, R_STORE | R_FETCH},                   /* gap below the ROM */
    {0x1000, 0xf000, R_STORE},                          /* boot ROM (read-only) */
    {0x10000, 0xf0000, R_STORE | R_FETCH},              /* gap */
    {SYSCON, 0x1000, R_STORE | R_FETCH | R_SYSCON},     /* syscon */
    {0x101000, 0x1000, R_STORE | R_FETCH},              /* goldfish RTC */
    {0x102000, 0x1000, R_STORE | R_FETCH},              /* gap */
    {0x1fff000, 0x1000, R_STORE | R_FETCH},             /* gap below the CLINT */
    {CLINT, 0x10000, R_CLINT | R_FETCH},                /* CLINT */
    {0x2010000, 0x1000, R_STORE | R_FETCH},             /* gap */
    {PLIC, 0x600000, R_STORE | R_FETCH},                /* PLIC */
    {0xc600000, 0x1000, R_STORE | R_FETCH},             /* gap */
    {UART0, 0x1000, R_STORE | R_FETCH},                 /* UART and the gap after */
    {0x10001000, 0x8000, R_STORE | R_FETCH},            /* virtio-mmio slots */
    {0x10009000, 0x1000, R_STORE | R_FETCH},            /* gap */
    {RAM - 0x1000, 0x1000, R_STORE | R_FETCH},          /* below RAM */
    {RAM, 0x1000, 0},                                   /* RAM's first page: our code */
    {RAM_END - 0x1000, 0x2000, R_STORE},                /* RAM's end and past it */
    {0xfffffffffffff000UL, 0x1000, R_STORE | R_FETCH},  /* the top */
    {0x100000000UL, 0x1000, R_STORE | R_FETCH},         /* 4 GiB */
};
#define NR_REGIONS (sizeof(regions) / sizeof(regions[0]))

static int syscon_code(uint64_t v)
{
    uint16_t lo = (uint16_t)v;
    return lo == 0x5555 || lo == 0x3333 || lo == 0x7777;
}

/* ---- one access ---- */

static void access_at(unsigned h, uint64_t a, const struct region *r)
{
    uint64_t v = next(h), x;
    unsigned kind = (unsigned)(next(h) % 16);
    if (!(r->flags & (R_STORE | R_CLINT)) && kind >= 6 && kind != 15)
        kind %= 6; /* loads only */
    if ((r->flags & R_CLINT) && kind >= 6 && kind != 15) {
        if (a - CLINT >= 4 * MAX_HARTS) /* stores: MSIP only */
            kind %= 6;
        else
            v &= 1;
    }
    if ((r->flags & R_SYSCON) && syscon_code(v))
        v ^= 1; /* random values, never a power-off or reset code */
    switch (kind) {
    case 0: __asm__ volatile("lb %0, 0(%1)" : "=r"(x) : "r"(a) : "memory"); break;
    case 1: __asm__ volatile("lhu %0, 0(%1)" : "=r"(x) : "r"(a) : "memory"); break;
    case 2: __asm__ volatile("lw %0, 0(%1)" : "=r"(x) : "r"(a) : "memory"); break;
    case 3: __asm__ volatile("ld %0, 0(%1)" : "=r"(x) : "r"(a) : "memory"); break;
    case 4: __asm__ volatile("lr.w %0, (%1)" : "=r"(x) : "r"(a) : "memory"); break;
    case 5: __asm__ volatile("lr.d %0, (%1)" : "=r"(x) : "r"(a) : "memory"); break;
    case 6: __asm__ volatile("sb %0, 0(%1)" ::"r"(v), "r"(a) : "memory"); break;
    case 7: __asm__ volatile("sh %0, 0(%1)" ::"r"(v), "r"(a) : "memory"); break;
    case 8: __asm__ volatile("sw %0, 0(%1)" ::"r"(v), "r"(a) : "memory"); break;
    case 9: __asm__ volatile("sd %0, 0(%1)" ::"r"(v), "r"(a) : "memory"); break;
    case 10: __asm__ volatile("sc.w %0, %1, (%2)" : "=&r"(x) : "r"(v), "r"(a) : "memory"); break;
    case 11: __asm__ volatile("sc.d %0, %1, (%2)" : "=&r"(x) : "r"(v), "r"(a) : "memory"); break;
    case 12: __asm__ volatile("amoadd.w %0, %1, (%2)" : "=&r"(x) : "r"(v), "r"(a) : "memory"); break;
    case 13: __asm__ volatile("amoswap.d %0, %1, (%2)" : "=&r"(x) : "r"(v), "r"(a) : "memory"); break;
    case 14: __asm__ volatile("amomaxu.d %0, %1, (%2)" : "=&r"(x) : "r"(v), "r"(a) : "memory"); break;
    case 15:
        if (r->flags & R_FETCH) /* a jump there: the fetch faults, the handler returns */
            __asm__ volatile("jalr ra, 0(%0)" ::"r"(a) : "ra", "memory");
        break;
    }
    (void)x;
}

static void device_storm(unsigned h)
{
    const struct region *r = &regions[next(h) % NR_REGIONS];
    uint64_t off = next(h) % r->size;
    if (next(h) & 1)
        off &= ~7UL; /* half aligned, half anywhere */
    access_at(h, r->base + off, r);
}

/* ---- the MMU ---- */

static uint64_t random_target_page(unsigned h)
{
    switch (next(h) % 4) {
    case 0: case 1: return SANDBOX + (next(h) % SANDBOX_PAGES) * 4096;
    case 2: return regions[next(h) % NR_REGIONS].base; /* devices, gaps, our code */
    default: return (next(h) & 0xfffffffffffUL) << 12;
    }
}

static void scribble_ptes(unsigned h)
{
    for (int i = 0; i < 8; i++) {
        volatile uint64_t *slot = (volatile uint64_t *)(SANDBOX + (next(h) % SANDBOX_PAGES) * 4096 +
                                                        (next(h) % 512) * 8);
        uint64_t pte = (random_target_page(h) >> 12) << 10;
        uint64_t flags = next(h) & 0x3ff;
        if (next(h) % 4)
            flags |= 1; /* mostly valid */
        if (next(h) % 3 == 0)
            flags |= 0xc0; /* A and D */
        *slot = pte | flags | (next(h) % 8 == 0 ? next(h) & 0xffc0000000000000UL : 0);
    }
    /* S/U code: random words, and sometimes real instructions (loads and
     * stores through the page tables, ecall, sfence.vma, wfi, csr reads) */
    static const uint32_t ops[] = {0x00053503, 0x00a53023, 0x00000073, 0x12000073,
                                   0x12b50073, 0x10500073, 0x18051073, 0xc0102573,
                                   0x0000006f, 0x00c58593};
    volatile uint32_t *code = (volatile uint32_t *)(SANDBOX + (next(h) % SANDBOX_PAGES) * 4096 +
                                                    (next(h) % 1024) * 4);
    *code = next(h) % 2 ? ops[next(h) % (sizeof(ops) / sizeof(ops[0]))] : (uint32_t)next(h);
}

static uint64_t random_satp(unsigned h)
{
    static const uint64_t modes[] = {0, 8, 9, 10, 8, 9, 1, 15};
    uint64_t mode = modes[next(h) % 8];
    uint64_t root = next(h) % 8 ? SANDBOX + (next(h) % SANDBOX_PAGES) * 4096
                                : random_target_page(h);
    return mode << 60 | (next(h) & 0xffffUL) << 44 | ((root >> 12) & 0xfffffffffffUL);
}

static uint64_t random_va(unsigned h)
{
    switch (next(h) % 4) {
    case 0: return next(h) & 0x7fffffffffUL;                 /* Sv39 low half */
    case 1: return next(h) | 0xffffffc000000000UL;           /* Sv39 high half */
    case 2: return SANDBOX + (next(h) % SANDBOX_PAGES) * 4096; /* identity-ish */
    default: return next(h);                                  /* non-canonical too */
    }
}

static void sfence_any(unsigned h)
{
    uint64_t va = random_va(h), asid = next(h) & 0xffff;
    switch (next(h) % 4) {
    case 0: __asm__ volatile("sfence.vma" ::: "memory"); break;
    case 1: __asm__ volatile("sfence.vma %0" ::"r"(va) : "memory"); break;
    case 2: __asm__ volatile("sfence.vma x0, %0" ::"r"(asid) : "memory"); break;
    default: __asm__ volatile("sfence.vma %0, %1" ::"r"(va), "r"(asid) : "memory"); break;
    }
}

static void mmu_storm(unsigned h)
{
    scribble_ptes(h);
    switch (next(h) % 4) {
    case 0: case 1:
        lowers[h]++;
        storm_lower(random_va(h) & ~1UL, next(h) & 1, random_satp(h));
        break;
    case 2:
        csr_write(satp, random_satp(h));
        sfence_any(h);
        storm_mprv(random_va(h), next(h) & 1, (int)(next(h) & 1), next(h));
        csr_write(satp, 0);
        __asm__ volatile("sfence.vma" ::: "memory");
        break;
    default:
        sfence_any(h);
    }
}

/* ---- set-up ---- */

static void pmp_setup(void)
{
    /* 0: the program (16 MiB at RAM), 1: the syscon page, 2: the CLINT:
     * no access below M. 3: everything else: RWX. NAPOT: (base + size/2 -
     * 1) >> 2. The CLINT because random PTEs can map it as a megapage
     * (its base is 2 MiB-aligned) or inside a gigapage at 0: an S/U or
     * MPRV store of a random value to a hart's mtimecmp would stop its
     * timer for good, and a hart whose lower-mode code loops without a
     * trap (`j .`, wfi) then never comes back once the others stop
     * sending IPIs: the run would hang. */
    csr_write(pmpaddr0, (RAM + PROG_SIZE / 2 - 1) >> 2);
    csr_write(pmpaddr1, (SYSCON + 0x1000 / 2 - 1) >> 2);
    csr_write(pmpaddr2, (CLINT + 0x10000 / 2 - 1) >> 2);
    csr_write(pmpaddr3, ~0UL >> 10);
    csr_write(pmpcfg0, 0x18UL | 0x18UL << 8 | 0x18UL << 16 | 0x1fUL << 24);
}

static void irq_setup(unsigned h)
{
    volatile uint32_t *prio = (volatile uint32_t *)PLIC;
    for (unsigned s = 1; s < 96; s++)
        prio[s] = 1;
    volatile uint32_t *en = PLIC_ENABLE(h);
    for (unsigned w = 0; w < 3; w++)
        en[w] = 0xffffffffu;
    *PLIC_THRESHOLD(h) = 0;
    arm_timer(h);
    csr_write(mie, (1UL << 3) | (1UL << 7) | (1UL << 11));
    csr_set(mstatus, 1UL << 3);
}

/* seed=N and ops=N from the device tree's bootargs (-append). */
static uint64_t bootarg(const uint8_t *fdt, const char *key, uint64_t dflt)
{
    if (!fdt || fdt[0] != 0xd0 || fdt[1] != 0x0d || fdt[2] != 0xfe || fdt[3] != 0xed)
        return dflt;
    uint32_t total = (uint32_t)fdt[4] << 24 | fdt[5] << 16 | fdt[6] << 8 | fdt[7];
    for (uint32_t i = 0; i + 8 < total; i++) {
        const char *k = key;
        uint32_t j = i;
        while (*k && fdt[j] == (uint8_t)*k)
            j++, k++;
        if (*k || fdt[j] != '=')
            continue;
        uint64_t v = 0;
        for (j++; fdt[j] >= '0' && fdt[j] <= '9'; j++)
            v = v * 10 + (fdt[j] - '0');
        return v;
    }
    return dflt;
}

void storm_main(unsigned long hart, const uint8_t *fdt)
{
    unsigned h = (unsigned)hart;
    if (h == 0) {
        seed_base = bootarg(fdt, "seed", 1);
        ops_per_hart = bootarg(fdt, "ops", OPS_DEFAULT);
        __atomic_store_n(&go, 1, __ATOMIC_RELEASE);
    }
    while (!__atomic_load_n(&go, __ATOMIC_ACQUIRE))
        ;
    __atomic_fetch_add(&nr_harts_seen, 1, __ATOMIC_ACQ_REL);
    rng[h] = (seed_base + 1) * 0x9e3779b97f4a7c15UL ^ (h + 1) * 0xbf58476d1ce4e5b9UL;
    if (!rng[h])
        rng[h] = 1;
    pmp_setup();
    irq_setup(h);
    for (uint64_t i = 0; i < ops_per_hart; i++) {
        unsigned what = (unsigned)(next(h) % 100);
        if (what < 60)
            device_storm(h);
        else if (what < 65) { /* an IPI to someone */
            ((volatile uint32_t *)CLINT)[next(h) % MAX_HARTS] = 1;
        } else if (what < 68) { /* mtime forward a little: every timer fires */
            *(volatile uint64_t *)CLINT_MTIME = mtime() + next(h) % 5000;
        } else if (what < 70) { /* syscon: anything but its codes */
            uint64_t v = next(h);
            if (syscon_code(v))
                v ^= 1;
            *(volatile uint32_t *)SYSCON = (uint32_t)v;
        } else {
            mmu_storm(h);
        }
    }
    csr_clear(mstatus, 1UL << 3);
    csr_write(mie, 0);
    __atomic_fetch_add(&nr_done, 1, __ATOMIC_ACQ_REL);
    if (h != 0)
        for (;;)
            __asm__ volatile("wfi");
    /* hart 0: wait for the others (every hart that started), report */
    uint64_t t0 = mtime();
    while (__atomic_load_n(&nr_done, __ATOMIC_ACQUIRE) < nr_harts_seen ||
           mtime() - t0 < 10000000 / 10)
        ;
    volatile uint8_t *u = (volatile uint8_t *)UART0;
    u[1] = 0, u[3] = 3, u[4] = 0; /* IER off, 8N1 with DLAB clear, no loopback */
    uint64_t t = 0, n = 0, l = 0;
    for (unsigned i = 0; i < MAX_HARTS; i++)
        t += traps[i], n += irqs[i], l += lowers[i];
    puts_("\nSTORM-OK seed=");
    putu(seed_base);
    puts_(" harts=");
    putu(nr_harts_seen);
    puts_(" ops/hart=");
    putu(ops_per_hart);
    puts_(" traps=");
    putu(t);
    puts_(" irqs=");
    putu(n);
    puts_(" lower-mode runs=");
    putu(l);
    puts_("\n");
    *(volatile uint32_t *)SYSCON = 0x5555;
    for (;;)
        ;
}
