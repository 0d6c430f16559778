/* One rule of the RISC-V translation process (privileged spec 4.3/4.4,
 * Sv39/Sv48/Sv57) per test, on small hand-built page tables, with the
 * expected result written out. Also: A/D under Svadu/Svade, fences, remote
 * flushes, split misaligned accesses, MMIO, AMOs, LR/SC, batch translation
 * and the code-write hook. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "vm/error.h"
#include "vm/mem.h"
#include "vm/mmu.h"
#include "mmu/mmu_fast.h"

#define RAM_BASE UINT64_C(0x80000000)
#define RAM_SIZE (UINT64_C(16) << 20)
#define DATA_BASE (RAM_BASE + (UINT64_C(8) << 20)) /* tables below, data above */
#define MMIO_BASE UINT64_C(0x10000000)
#define MMIO_SIZE UINT64_C(0x1000)
#define HOLE UINT64_C(0x40000000) /* not backed */

#define V (UINT64_C(1) << 0)
#define R (UINT64_C(1) << 1)
#define W (UINT64_C(1) << 2)
#define X (UINT64_C(1) << 3)
#define U (UINT64_C(1) << 4)
#define G (UINT64_C(1) << 5)
#define A (UINT64_C(1) << 6)
#define D (UINT64_C(1) << 7)
#define RWX (R | W | X)
#define LEAF (V | R | W | X | A | D)

#define SV39 VM_SATP_SV39
#define SV48 VM_SATP_SV48
#define SV57 VM_SATP_SV57

static const unsigned all_modes[] = {SV39, SV48, SV57};

/* ---- MMIO and hook logs ---- */

static struct {
    unsigned reads, writes;
    uint64_t off, val;
    unsigned size;
    bool fail;
} mmio;

static int mmio_read(void *opaque, uint64_t off, unsigned size, uint64_t *value)
{
    mmio.reads++;
    mmio.off = off;
    mmio.size = size;
    *value = UINT64_C(0xa5a5a5a500000000) | off;
    return mmio.fail ? -VM_EFAULT : 0;
}

static int mmio_write(void *opaque, uint64_t off, unsigned size, uint64_t value)
{
    mmio.writes++;
    mmio.off = off;
    mmio.size = size;
    mmio.val = value;
    return mmio.fail ? -VM_EFAULT : 0;
}

static const struct vm_mmio_ops mmio_ops = {mmio_read, mmio_write};

static struct {
    unsigned calls;
    uint64_t pa;
    unsigned len;
    void *opaque;
} hook;

static void code_write_hook(void *opaque, uint64_t pa, unsigned len)
{
    hook.calls++;
    hook.pa = pa;
    hook.len = len;
    hook.opaque = opaque;
}

/* ---- fixture ---- */

struct fx {
    struct vm_mem *mem;
    struct vm_mmu *mmu;
    struct vm_mmu_hart *h, *h2;
    uint64_t next_table, next_data;
    uint64_t asid_root[64]; /* root each ASID was last used with */
    /* A second MMU a test may build; teardown frees it even after a failed
     * assertion. */
    struct vm_mmu *mmu2;
    struct vm_mmu_hart *harts2[3];
};

static struct fx *current_fx;

static int setup_cfg(void **state, bool svadu)
{
    struct fx *f = calloc(1, sizeof(*f));
    assert_non_null(f);
    memset(&mmio, 0, sizeof(mmio));
    memset(&hook, 0, sizeof(hook));
    f->mem = vm_mem_create();
    assert_non_null(f->mem);
    assert_int_equal(vm_mem_add_ram(f->mem, RAM_BASE, RAM_SIZE, "ram"), 0);
    assert_int_equal(vm_mem_add_mmio(f->mem, MMIO_BASE, MMIO_SIZE, &mmio_ops, NULL, "mmio"), 0);
    struct vm_mmu_config cfg;
    vm_mmu_config_default(&cfg);
    cfg.strategy = VM_MMU_HYBRID;
    cfg.enable_page_table_cache = cfg.enable_prefetch = cfg.enable_adaptive = true;
    cfg.hw_ad_update = svadu;
    f->mmu = vm_mmu_create(f->mem, &cfg);
    if (!f->mmu)
        fail_msg("vm_mmu_create: %s", vm_error_message());
    vm_mmu_set_code_write_hook(f->mmu, code_write_hook, f);
    f->h = vm_mmu_hart_create(f->mmu, 0);
    f->h2 = vm_mmu_hart_create(f->mmu, 1);
    assert_non_null(f->h);
    assert_non_null(f->h2);
    f->next_table = RAM_BASE;
    f->next_data = DATA_BASE;
    current_fx = f;
    *state = f;
    return 0;
}

static int setup(void **state)
{
    return setup_cfg(state, true);
}

static int setup_svade(void **state)
{
    return setup_cfg(state, false);
}

static int teardown(void **state)
{
    struct fx *f = *state;
    for (int i = 2; i >= 0; i--)
        if (f->harts2[i])
            vm_mmu_hart_destroy(f->harts2[i]);
    if (f->mmu2)
        vm_mmu_destroy(f->mmu2);
    vm_mmu_hart_destroy(f->h2);
    vm_mmu_hart_destroy(f->h);
    vm_mmu_destroy(f->mmu);
    vm_mem_destroy(f->mem);
    free(f);
    return 0;
}

/* ---- page-table helpers ---- */

static unsigned levels_of(unsigned mode)
{
    return mode == SV39 ? 3 : mode == SV48 ? 4 : 5;
}

static unsigned va_bits(unsigned mode)
{
    return 12 + 9 * levels_of(mode);
}

static uint64_t ppn(uint64_t pa)
{
    return (pa >> 12) << 10;
}

static uint64_t rd(struct fx *f, uint64_t pa)
{
    uint64_t v = 0;
    assert_int_equal(vm_mem_load(f->mem, pa, 8, &v), 0);
    return v;
}

static void wr(struct fx *f, uint64_t pa, uint64_t v)
{
    assert_int_equal(vm_mem_store(f->mem, pa, 8, v), 0);
}

static uint64_t new_table(struct fx *f)
{
    uint64_t pa = f->next_table;
    f->next_table += VM_PAGE_SIZE;
    assert_true(f->next_table <= DATA_BASE);
    memset(vm_mem_ram_ptr(f->mem, pa, VM_PAGE_SIZE), 0, VM_PAGE_SIZE);
    return pa;
}

static uint64_t new_data(struct fx *f, uint64_t size)
{
    f->next_data = (f->next_data + size - 1) & ~(size - 1);
    uint64_t pa = f->next_data;
    f->next_data += size;
    assert_true(f->next_data <= RAM_BASE + RAM_SIZE);
    return pa;
}

/* Address of the PTE for va at `level`, creating pointer tables above it. */
static uint64_t pte_addr(struct fx *f, uint64_t root, unsigned mode, uint64_t va, int level)
{
    uint64_t table = root;
    for (int i = (int)levels_of(mode) - 1;; i--) {
        uint64_t a = table + ((va >> (12 + 9 * i)) & 0x1ff) * 8;
        if (i == level)
            return a;
        uint64_t pte = rd(f, a);
        if (!(pte & V)) {
            uint64_t t = new_table(f);
            pte = V | ppn(t);
            wr(f, a, pte);
        }
        assert_true((pte & (R | X)) == 0);
        table = ((pte >> 10) & ((UINT64_C(1) << 44) - 1)) << 12;
    }
}

/* Writes the PTE `flags | ppn(pa)` for va at `level`; returns its address. */
static uint64_t map(struct fx *f, uint64_t root, unsigned mode, uint64_t va, uint64_t pa,
                    int level, uint64_t flags)
{
    uint64_t a = pte_addr(f, root, mode, va, level);
    wr(f, a, flags | ppn(pa));
    return a;
}

static uint64_t satp_of(unsigned mode, uint16_t asid, uint64_t root)
{
    return ((uint64_t)mode << 60) | ((uint64_t)asid << 44) | (root >> 12);
}

/* Switch h to an address space. Like an OS, fence an ASID (on every hart)
 * before reusing it for a different root: otherwise its cached
 * translations may legitimately be used. */
static void use(struct vm_mmu_hart *h, unsigned mode, uint16_t asid, uint64_t root,
                enum vm_priv priv, uint64_t mstatus)
{
    struct fx *f = current_fx;
    assert_true(asid < 64);
    uint64_t key = root | mode;
    if (f->asid_root[asid] && f->asid_root[asid] != key) {
        vm_mmu_sfence(f->h, false, 0, true, asid);
        vm_mmu_sfence(f->h2, false, 0, true, asid);
    }
    f->asid_root[asid] = key;
    vm_mmu_set_satp(h, satp_of(mode, asid, root));
    vm_mmu_set_context(h, priv, mstatus);
}

static enum vm_fault page_fault(enum vm_access acc)
{
    return acc == VM_ACCESS_FETCH  ? VM_FAULT_FETCH_PAGE
           : acc == VM_ACCESS_LOAD ? VM_FAULT_LOAD_PAGE
                                   : VM_FAULT_STORE_PAGE;
}

static enum vm_fault access_fault(enum vm_access acc)
{
    return acc == VM_ACCESS_FETCH  ? VM_FAULT_FETCH_ACCESS
           : acc == VM_ACCESS_LOAD ? VM_FAULT_LOAD_ACCESS
                                   : VM_FAULT_STORE_ACCESS;
}

static const enum vm_access kinds[] = {VM_ACCESS_FETCH, VM_ACCESS_LOAD, VM_ACCESS_STORE};

#define expect_ok(h, va, acc, want_pa, shift)                                                    \
    do {                                                                                         \
        struct vm_mmu_result r_ = vm_mmu_translate((h), (va), (acc));                            \
        assert_int_equal(r_.fault, VM_FAULT_NONE);                                               \
        assert_int_equal(r_.pa, (want_pa));                                                      \
        assert_int_equal(r_.page_shift, (shift));                                                \
    } while (0)

#define expect_fault(h, va, acc, cause)                                                          \
    do {                                                                                         \
        struct vm_mmu_result r_ = vm_mmu_translate((h), (va), (acc));                            \
        assert_int_equal(r_.fault, (cause));                                                     \
        assert_int_equal(r_.tval, (va));                                                         \
    } while (0)

#define expect_pf(h, va, acc) expect_fault(h, va, acc, page_fault(acc))

/* ---- no translation ---- */

static void test_bare_is_identity(void **state)
{
    struct fx *f = *state;
    vm_mmu_set_satp(f->h, 0);
    vm_mmu_set_context(f->h, VM_PRIV_S, 0);
    for (unsigned k = 0; k < 3; k++) {
        struct vm_mmu_result r = vm_mmu_translate(f->h, DATA_BASE + 0x1234, kinds[k]);
        assert_int_equal(r.fault, VM_FAULT_NONE);
        assert_int_equal(r.pa, DATA_BASE + 0x1234);
    }
}

static void test_m_mode_ignores_satp(void **state)
{
    struct fx *f = *state;
    uint64_t root = new_table(f); /* empty: any translation would fault */
    use(f->h, SV39, 1, root, VM_PRIV_M, 0);
    for (unsigned k = 0; k < 3; k++) {
        struct vm_mmu_result r = vm_mmu_translate(f->h, DATA_BASE + 0x88, kinds[k]);
        assert_int_equal(r.fault, VM_FAULT_NONE);
        assert_int_equal(r.pa, DATA_BASE + 0x88);
    }
}

/* ---- modes, levels, superpages ---- */

static void test_4k_pages_every_mode(void **state)
{
    struct fx *f = *state;
    for (unsigned m = 0; m < 3; m++) {
        unsigned mode = all_modes[m];
        uint64_t root = new_table(f), pa = new_data(f, 4096), pa2 = new_data(f, 4096);
        uint64_t lo = 0x12345000, hi = ~UINT64_C(0) << (va_bits(mode) - 1) | 0x7000;
        map(f, root, mode, lo, pa, 0, LEAF);
        map(f, root, mode, hi, pa2, 0, LEAF);
        use(f->h, mode, 1, root, VM_PRIV_S, 0);
        for (unsigned k = 0; k < 3; k++) {
            expect_ok(f->h, lo + 0xabc, kinds[k], pa + 0xabc, 12);
            expect_ok(f->h, hi + 0x10, kinds[k], pa2 + 0x10, 12);
        }
        expect_pf(f->h, lo + 0x1000, VM_ACCESS_LOAD); /* the next page is not mapped */
    }
}

static void test_superpages_aligned(void **state)
{
    struct fx *f = *state;
    for (unsigned m = 0; m < 3; m++) {
        unsigned mode = all_modes[m];
        for (int level = 1; level < (int)levels_of(mode); level++) {
            uint64_t root = new_table(f);
            uint64_t size = UINT64_C(1) << (12 + 9 * level);
            uint64_t va = size * 3, pa = level == 1 ? new_data(f, size) : size * 5;
            map(f, root, mode, va, pa, level, LEAF);
            use(f->h, mode, 1, root, VM_PRIV_S, 0);
            uint64_t off = (size - 1) & UINT64_C(0x5a5a5a5a5a5a5a5);
            for (unsigned k = 0; k < 3; k++) {
                expect_ok(f->h, va + off, kinds[k], pa + off, 12 + 9 * (unsigned)level);
                expect_ok(f->h, va, kinds[k], pa, 12 + 9 * (unsigned)level);
                expect_ok(f->h, va + size - 1, kinds[k], pa + size - 1, 12 + 9 * (unsigned)level);
            }
        }
    }
}

static void test_superpages_misaligned(void **state)
{
    struct fx *f = *state;
    for (unsigned m = 0; m < 3; m++) {
        unsigned mode = all_modes[m];
        for (int level = 1; level < (int)levels_of(mode); level++) {
            uint64_t size = UINT64_C(1) << (12 + 9 * level);
            /* Lowest and highest PPN bit below the level. */
            const uint64_t bad_off[] = {0x1000, size >> 1};
            for (unsigned b = 0; b < 2; b++) {
                uint64_t root = new_table(f);
                uint64_t va = size * 2, pa = size * 4 + bad_off[b];
                map(f, root, mode, va, pa, level, LEAF);
                use(f->h, mode, 1, root, VM_PRIV_S, 0);
                for (unsigned k = 0; k < 3; k++)
                    expect_pf(f->h, va + 0x123, kinds[k]);
            }
        }
    }
}

static void test_noncanonical(void **state)
{
    struct fx *f = *state;
    for (unsigned m = 0; m < 3; m++) {
        unsigned mode = all_modes[m];
        unsigned bits = va_bits(mode);
        uint64_t root = new_table(f), pa = new_data(f, 4096), pa_hi = new_data(f, 4096);
        uint64_t top = ~UINT64_C(0) << (bits - 1);
        /* Map the pages whose low VA bits the non-canonical addresses share,
         * so an MMU that ignored the high bits would translate them. */
        map(f, root, mode, 0x1000, pa, 0, LEAF);
        map(f, root, mode, top | 0x1000, pa_hi, 0, LEAF);
        use(f->h, mode, 1, root, VM_PRIV_S, 0);
        const uint64_t bad[] = {
            (UINT64_C(1) << bits) | 0x1000,               /* first bit above the width */
            UINT64_C(0x8000000000000000) | 0x1000,        /* only bit 63 */
            (top & ~(UINT64_C(1) << 63)) | 0x1000,        /* upper half, bit 63 clear */
            (top ^ (UINT64_C(1) << bits)) | 0x1000,       /* upper half, one bit clear */
            (UINT64_C(1) << (bits - 1)) | 0x1000,         /* top bit set, bits above clear */
        };
        for (unsigned k = 0; k < 3; k++) {
            expect_ok(f->h, 0x1000, kinds[k], pa, 12);
            expect_ok(f->h, top | 0x1000, kinds[k], pa_hi, 12);
            for (unsigned b = 0; b < sizeof(bad) / sizeof(bad[0]); b++)
                expect_pf(f->h, bad[b], kinds[k]);
        }
    }
}

/* ---- leaf permissions ---- */

static void test_rwx_encodings(void **state)
{
    struct fx *f = *state;
    /* For XWR = 0..7 at level 0: which of fetch/load/store succeed.
     * 000 is a pointer at level 0; 010 and 110 are reserved. */
    static const bool ok[8][3] = {
        /* XWR  fetch  load   store */
        /* 000 */ {false, false, false},
        /* 001 */ {false, true, false},
        /* 010 */ {false, false, false},
        /* 011 */ {false, true, true},
        /* 100 */ {true, false, false},
        /* 101 */ {true, true, false},
        /* 110 */ {false, false, false},
        /* 111 */ {true, true, true},
    };
    for (unsigned m = 0; m < 3; m++) {
        unsigned mode = all_modes[m];
        uint64_t root = new_table(f);
        uint64_t pa = new_data(f, 4096);
        for (unsigned xwr = 0; xwr < 8; xwr++)
            map(f, root, mode, 0x400000 + xwr * 0x1000, pa, 0, V | A | D | ((uint64_t)xwr << 1));
        use(f->h, mode, 1, root, VM_PRIV_S, 0);
        for (unsigned xwr = 0; xwr < 8; xwr++)
            for (unsigned k = 0; k < 3; k++) {
                uint64_t va = 0x400000 + xwr * 0x1000 + 0x44;
                if (ok[xwr][k])
                    expect_ok(f->h, va, kinds[k], pa + 0x44, 12);
                else
                    expect_pf(f->h, va, kinds[k]);
            }
        /* The same at a superpage level. */
        uint64_t root2 = new_table(f);
        for (unsigned xwr = 1; xwr < 8; xwr++)
            map(f, root2, mode, (uint64_t)xwr << 21, (uint64_t)xwr << 21, 1,
                V | A | D | ((uint64_t)xwr << 1));
        use(f->h, mode, 2, root2, VM_PRIV_S, 0);
        for (unsigned xwr = 1; xwr < 8; xwr++)
            for (unsigned k = 0; k < 3; k++) {
                uint64_t va = ((uint64_t)xwr << 21) + 0x5008;
                if (ok[xwr][k])
                    expect_ok(f->h, va, kinds[k], va, 21);
                else
                    expect_pf(f->h, va, kinds[k]);
            }
    }
}

static void test_mxr(void **state)
{
    struct fx *f = *state;
    uint64_t root = new_table(f), pa = new_data(f, 4096);
    map(f, root, SV39, 0x10000, pa, 0, V | X | A | D);     /* execute-only */
    map(f, root, SV39, 0x11000, pa, 0, V | R | A | D);     /* read-only */
    use(f->h, SV39, 1, root, VM_PRIV_S, 0);
    expect_pf(f->h, 0x10008, VM_ACCESS_LOAD);
    expect_ok(f->h, 0x10008, VM_ACCESS_FETCH, pa + 8, 12);
    vm_mmu_set_context(f->h, VM_PRIV_S, VM_MSTATUS_MXR);
    expect_ok(f->h, 0x10008, VM_ACCESS_LOAD, pa + 8, 12);
    expect_pf(f->h, 0x10008, VM_ACCESS_STORE);
    expect_ok(f->h, 0x11008, VM_ACCESS_LOAD, pa + 8, 12);
    expect_pf(f->h, 0x11008, VM_ACCESS_FETCH); /* MXR does not make R executable */
    /* Turning MXR off again must not leave the MXR translation usable. */
    vm_mmu_set_context(f->h, VM_PRIV_S, 0);
    expect_pf(f->h, 0x10008, VM_ACCESS_LOAD);
    /* U-mode with MXR. */
    map(f, root, SV39, 0x12000, pa, 0, V | X | U | A | D);
    vm_mmu_set_context(f->h, VM_PRIV_U, VM_MSTATUS_MXR);
    expect_ok(f->h, 0x12010, VM_ACCESS_LOAD, pa + 0x10, 12);
    vm_mmu_set_context(f->h, VM_PRIV_U, 0);
    expect_pf(f->h, 0x12010, VM_ACCESS_LOAD);
}

static void test_u_bit_and_sum(void **state)
{
    struct fx *f = *state;
    uint64_t root = new_table(f), pa = new_data(f, 4096);
    map(f, root, SV39, 0x20000, pa, 0, LEAF | U); /* user page */
    map(f, root, SV39, 0x21000, pa, 0, LEAF);     /* supervisor page */
    use(f->h, SV39, 1, root, VM_PRIV_U, 0);
    for (unsigned k = 0; k < 3; k++) {
        expect_ok(f->h, 0x20000, kinds[k], pa, 12);
        expect_pf(f->h, 0x21000, kinds[k]);
    }
    vm_mmu_set_context(f->h, VM_PRIV_S, 0);
    for (unsigned k = 0; k < 3; k++) {
        expect_pf(f->h, 0x20000, kinds[k]);
        expect_ok(f->h, 0x21000, kinds[k], pa, 12);
    }
    vm_mmu_set_context(f->h, VM_PRIV_S, VM_MSTATUS_SUM);
    expect_pf(f->h, 0x20000, VM_ACCESS_FETCH); /* never, even with SUM */
    expect_ok(f->h, 0x20000, VM_ACCESS_LOAD, pa, 12);
    expect_ok(f->h, 0x20000, VM_ACCESS_STORE, pa, 12);
    /* SUM off again: the SUM translations must not be reused. */
    vm_mmu_set_context(f->h, VM_PRIV_S, 0);
    expect_pf(f->h, 0x20000, VM_ACCESS_LOAD);
    expect_pf(f->h, 0x20000, VM_ACCESS_STORE);
    /* U-mode after S-mode cached the supervisor page. */
    vm_mmu_set_context(f->h, VM_PRIV_U, VM_MSTATUS_SUM);
    expect_pf(f->h, 0x21000, VM_ACCESS_LOAD);
    expect_ok(f->h, 0x20000, VM_ACCESS_FETCH, pa, 12);
}

static void test_mprv(void **state)
{
    struct fx *f = *state;
    uint64_t root = new_table(f), pa = new_data(f, 4096), pa_u = new_data(f, 4096);
    map(f, root, SV39, 0x30000, pa, 0, LEAF);
    map(f, root, SV39, 0x31000, pa_u, 0, LEAF | U);
    vm_mmu_set_satp(f->h, satp_of(SV39, 1, root));
    uint64_t mpp_s = (uint64_t)VM_PRIV_S << VM_MSTATUS_MPP_SHIFT;
    uint64_t mpp_u = (uint64_t)VM_PRIV_U << VM_MSTATUS_MPP_SHIFT;
    uint64_t mpp_m = (uint64_t)VM_PRIV_M << VM_MSTATUS_MPP_SHIFT;

    vm_mmu_set_context(f->h, VM_PRIV_M, VM_MSTATUS_MPRV | mpp_s);
    expect_ok(f->h, 0x30010, VM_ACCESS_LOAD, pa + 0x10, 12);
    expect_ok(f->h, 0x30010, VM_ACCESS_STORE, pa + 0x10, 12);
    expect_ok(f->h, 0x30010, VM_ACCESS_FETCH, 0x30010, 12); /* fetches ignore MPRV */
    expect_pf(f->h, 0x50000, VM_ACCESS_LOAD);                /* unmapped */
    expect_pf(f->h, 0x31000, VM_ACCESS_LOAD);                /* U page, SUM=0 */
    vm_mmu_set_context(f->h, VM_PRIV_M, VM_MSTATUS_MPRV | mpp_s | VM_MSTATUS_SUM);
    expect_ok(f->h, 0x31000, VM_ACCESS_LOAD, pa_u, 12);      /* SUM applies with MPP=S */

    vm_mmu_set_context(f->h, VM_PRIV_M, VM_MSTATUS_MPRV | mpp_u);
    expect_pf(f->h, 0x30000, VM_ACCESS_LOAD);
    expect_ok(f->h, 0x31000, VM_ACCESS_STORE, pa_u, 12);

    vm_mmu_set_context(f->h, VM_PRIV_M, VM_MSTATUS_MPRV | mpp_m);
    expect_ok(f->h, 0x50000, VM_ACCESS_LOAD, 0x50000, 12); /* MPP=M: no translation */

    vm_mmu_set_context(f->h, VM_PRIV_M, mpp_s); /* MPRV=0: M-mode, no translation */
    struct vm_mmu_result r = vm_mmu_translate(f->h, 0x50000, VM_ACCESS_LOAD);
    assert_int_equal(r.fault, VM_FAULT_NONE);
    assert_int_equal(r.pa, 0x50000);
}

/* ---- malformed PTEs ---- */

static void test_invalid_pte(void **state)
{
    struct fx *f = *state;
    uint64_t root = new_table(f), pa = new_data(f, 4096);
    map(f, root, SV48, 0x60000, pa, 0, LEAF & ~V); /* all bits but V */
    map(f, root, SV48, 0x61000, pa, 0, LEAF);
    use(f->h, SV48, 1, root, VM_PRIV_S, 0);
    for (unsigned k = 0; k < 3; k++) {
        expect_pf(f->h, 0x60000, kinds[k]);
        expect_ok(f->h, 0x61000, kinds[k], pa, 12);
    }
    /* An invalid pointer two levels up. */
    uint64_t a = pte_addr(f, root, SV48, 0x61000, 2);
    wr(f, a, rd(f, a) & ~V);
    vm_mmu_sfence(f->h, false, 0, false, 0);
    for (unsigned k = 0; k < 3; k++)
        expect_pf(f->h, 0x61000, kinds[k]);
}

static void test_reserved_high_bits(void **state)
{
    struct fx *f = *state;
    uint64_t pa = new_data(f, 4096);
    for (unsigned bit = 54; bit < 64; bit++) {
        /* bits 60:54 reserved, 62:61 PBMT (no Svpbmt), 63 N (no Svnapot) */
        uint64_t root = new_table(f);
        map(f, root, SV39, 0x70000, pa, 0, LEAF | (UINT64_C(1) << bit));
        map(f, root, SV39, 0x40000000, pa, 0, LEAF);
        uint64_t ptr = pte_addr(f, root, SV39, 0x40000000, 1);
        wr(f, ptr, rd(f, ptr) | (UINT64_C(1) << bit)); /* on a non-leaf too */
        use(f->h, SV39, 1, root, VM_PRIV_S, 0);
        for (unsigned k = 0; k < 3; k++) {
            expect_pf(f->h, 0x70000, kinds[k]);
            expect_pf(f->h, 0x40000000, kinds[k]);
        }
    }
    /* The RSW bits (9:8) are for software: ignored. */
    uint64_t root = new_table(f);
    map(f, root, SV39, 0x70000, pa, 0, LEAF | (UINT64_C(3) << 8));
    use(f->h, SV39, 1, root, VM_PRIV_S, 0);
    expect_ok(f->h, 0x70000, VM_ACCESS_LOAD, pa, 12);
}

static void test_nonleaf_adu_reserved(void **state)
{
    struct fx *f = *state;
    uint64_t pa = new_data(f, 4096);
    static const uint64_t bad[] = {A, D, U};
    for (unsigned b = 0; b < 3; b++) {
        uint64_t root = new_table(f);
        map(f, root, SV57, 0x80000, pa, 0, LEAF);
        uint64_t ptr = pte_addr(f, root, SV57, 0x80000, 2);
        wr(f, ptr, rd(f, ptr) | bad[b]);
        use(f->h, SV57, 1, root, VM_PRIV_S, 0);
        for (unsigned k = 0; k < 3; k++)
            expect_pf(f->h, 0x80000, kinds[k]);
    }
    /* G on a non-leaf is fine. */
    uint64_t root = new_table(f);
    map(f, root, SV57, 0x80000, pa, 0, LEAF);
    uint64_t ptr = pte_addr(f, root, SV57, 0x80000, 2);
    wr(f, ptr, rd(f, ptr) | G);
    use(f->h, SV57, 1, root, VM_PRIV_S, 0);
    expect_ok(f->h, 0x80000, VM_ACCESS_LOAD, pa, 12);
}

static void test_pointer_at_level0(void **state)
{
    struct fx *f = *state;
    uint64_t root = new_table(f), t = new_table(f);
    map(f, root, SV39, 0x90000, t, 0, V); /* XWR=000 at level 0 */
    use(f->h, SV39, 1, root, VM_PRIV_S, 0);
    for (unsigned k = 0; k < 3; k++)
        expect_pf(f->h, 0x90000, kinds[k]);
}

static void test_pte_not_in_ram(void **state)
{
    struct fx *f = *state;
    /* Root in a hole. */
    use(f->h, SV39, 1, HOLE, VM_PRIV_S, 0);
    for (unsigned k = 0; k < 3; k++)
        expect_fault(f->h, 0xa0000, kinds[k], access_fault(kinds[k]));
    /* A pointer into a hole, and one just past the end of RAM. */
    uint64_t root = new_table(f);
    uint64_t a = pte_addr(f, root, SV48, 0xa0000, 1);
    wr(f, a, V | ppn(HOLE + 0x5000));
    uint64_t b = pte_addr(f, root, SV48, 0x40000000, 2);
    wr(f, b, V | ppn(RAM_BASE + RAM_SIZE));
    use(f->h, SV48, 1, root, VM_PRIV_S, 0);
    for (unsigned k = 0; k < 3; k++) {
        expect_fault(f->h, 0xa0000, kinds[k], access_fault(kinds[k]));
        expect_fault(f->h, 0x40000000, kinds[k], access_fault(kinds[k]));
    }
    /* A pointer into MMIO: page tables must be in RAM (and a walk must not
     * trigger device side effects). */
    uint64_t c = pte_addr(f, root, SV48, 0x80000000, 2);
    wr(f, c, V | ppn(MMIO_BASE));
    unsigned reads = mmio.reads;
    for (unsigned k = 0; k < 3; k++)
        expect_fault(f->h, 0x80000000, kinds[k], access_fault(kinds[k]));
    assert_int_equal(mmio.reads, reads);
}

/* ---- A/D ---- */

static void test_ad_svadu(void **state)
{
    struct fx *f = *state;
    uint64_t root = new_table(f), pa = new_data(f, 4096);
    uint64_t base = V | RWX | (UINT64_C(2) << 8);
    uint64_t p1 = map(f, root, SV39, 0xb0000, pa, 0, base);
    uint64_t p2 = map(f, root, SV39, 0xb1000, pa, 0, base);
    uint64_t p3 = map(f, root, SV39, 0xb2000, pa, 0, base);
    uint64_t p4 = map(f, root, SV39, 0xb3000, pa, 0, (V | R | A) ); /* read-only */
    use(f->h, SV39, 1, root, VM_PRIV_S, 0);

    expect_ok(f->h, 0xb0000, VM_ACCESS_LOAD, pa, 12);
    assert_int_equal(rd(f, p1), base | A | ppn(pa)); /* A only, rest untouched */
    expect_ok(f->h, 0xb1000, VM_ACCESS_FETCH, pa, 12);
    assert_int_equal(rd(f, p2), base | A | ppn(pa));
    expect_ok(f->h, 0xb2000, VM_ACCESS_STORE, pa, 12);
    assert_int_equal(rd(f, p3), base | A | D | ppn(pa));

    /* A store hitting a translation cached by the load (D=0) sets D. */
    expect_ok(f->h, 0xb0008, VM_ACCESS_STORE, pa + 8, 12);
    assert_int_equal(rd(f, p1), base | A | D | ppn(pa));
    /* Same through vm_mmu_store after vm_mmu_load cached the page. */
    uint64_t v, tval;
    assert_int_equal(vm_mmu_load(f->h, 0xb1010, 8, &v, &tval), VM_FAULT_NONE);
    assert_int_equal(rd(f, p2), base | A | ppn(pa));
    assert_int_equal(vm_mmu_store(f->h, 0xb1010, 8, 42, &tval), VM_FAULT_NONE);
    assert_int_equal(rd(f, p2), base | A | D | ppn(pa));

    /* A faulting access sets nothing. */
    expect_pf(f->h, 0xb3000, VM_ACCESS_STORE);
    assert_int_equal(rd(f, p4), V | R | A | ppn(pa));
    uint64_t p5 = map(f, root, SV39, 0xb4000, pa, 0, V | R);
    expect_pf(f->h, 0xb4000, VM_ACCESS_STORE);
    assert_int_equal(rd(f, p5), V | R | ppn(pa));
    vm_mmu_set_context(f->h, VM_PRIV_U, 0); /* U-mode, U=0 page */
    expect_pf(f->h, 0xb4000, VM_ACCESS_LOAD);
    assert_int_equal(rd(f, p5), V | R | ppn(pa));

    /* Superpage leaf. */
    vm_mmu_set_context(f->h, VM_PRIV_S, 0);
    uint64_t sp = new_data(f, UINT64_C(1) << 21);
    uint64_t p6 = map(f, root, SV39, 0x40000000, sp, 1, V | RWX);
    expect_ok(f->h, 0x40012345, VM_ACCESS_STORE, sp + 0x12345, 21);
    assert_int_equal(rd(f, p6), V | RWX | A | D | ppn(sp));
}

static void test_ad_svade(void **state)
{
    struct fx *f = *state;
    uint64_t root = new_table(f), pa = new_data(f, 4096);
    uint64_t p0 = map(f, root, SV39, 0xc0000, pa, 0, V | RWX);         /* A=0 */
    uint64_t p1 = map(f, root, SV39, 0xc1000, pa, 0, V | RWX | A);     /* D=0 */
    uint64_t p2 = map(f, root, SV39, 0xc2000, pa, 0, V | RWX | A | D);
    use(f->h, SV39, 1, root, VM_PRIV_S, 0);
    for (unsigned k = 0; k < 3; k++)
        expect_pf(f->h, 0xc0000, kinds[k]);
    expect_ok(f->h, 0xc1000, VM_ACCESS_LOAD, pa, 12);
    expect_ok(f->h, 0xc1000, VM_ACCESS_FETCH, pa, 12);
    expect_pf(f->h, 0xc1000, VM_ACCESS_STORE); /* even though the load is cached */
    uint64_t tval = 0;
    assert_int_equal(vm_mmu_store(f->h, 0xc1008, 4, 1, &tval), VM_FAULT_STORE_PAGE);
    assert_int_equal(tval, 0xc1008);
    for (unsigned k = 0; k < 3; k++)
        expect_ok(f->h, 0xc2000, kinds[k], pa, 12);
    assert_int_equal(rd(f, p0), V | RWX | ppn(pa));
    assert_int_equal(rd(f, p1), V | RWX | A | ppn(pa));
    assert_int_equal(rd(f, p2), V | RWX | A | D | ppn(pa));
    /* The OS sets D and fences: now the store works. */
    wr(f, p1, V | RWX | A | D | ppn(pa));
    vm_mmu_sfence(f->h, true, 0xc1000, true, 1);
    expect_ok(f->h, 0xc1000, VM_ACCESS_STORE, pa, 12);
}

/* ---- fences ---- */

static void remap(struct fx *f, uint64_t pte_address, uint64_t new_pa)
{
    uint64_t pte = rd(f, pte_address);
    wr(f, pte_address, (pte & ~(((UINT64_C(1) << 44) - 1) << 10)) | ppn(new_pa));
}

static void test_global_survives_asid_fence(void **state)
{
    struct fx *f = *state;
    uint64_t root = new_table(f);
    uint64_t a1 = new_data(f, 4096), a2 = new_data(f, 4096), b1 = new_data(f, 4096),
             b2 = new_data(f, 4096);
    uint64_t pg = map(f, root, SV39, 0xd0000, a1, 0, LEAF | G);
    uint64_t pn = map(f, root, SV39, 0xd1000, a2, 0, LEAF);
    use(f->h, SV39, 5, root, VM_PRIV_S, 0);
    expect_ok(f->h, 0xd0000, VM_ACCESS_LOAD, a1, 12);
    expect_ok(f->h, 0xd1000, VM_ACCESS_LOAD, a2, 12);
    remap(f, pg, b1);
    remap(f, pn, b2);
    vm_mmu_sfence(f->h, false, 0, true, 5);
    expect_ok(f->h, 0xd1000, VM_ACCESS_LOAD, b2, 12); /* non-global: flushed */
    /* mmu.h: "Global entries survive ASID flushes". */
    expect_ok(f->h, 0xd0000, VM_ACCESS_LOAD, a1, 12);
    vm_mmu_sfence(f->h, true, 0xd0000, false, 0);
    expect_ok(f->h, 0xd0000, VM_ACCESS_LOAD, b1, 12);
    /* A global translation is shared by address spaces (same mapping in all). */
    uint64_t root2 = new_table(f);
    map(f, root2, SV39, 0xd0000, b1, 0, LEAF | G);
    use(f->h, SV39, 6, root2, VM_PRIV_S, 0);
    expect_ok(f->h, 0xd0000, VM_ACCESS_LOAD, b1, 12);
    expect_pf(f->h, 0xd1000, VM_ACCESS_LOAD);
}

static void test_sfence_by_address(void **state)
{
    struct fx *f = *state;
    uint64_t root = new_table(f);
    uint64_t a = new_data(f, 4096), b = new_data(f, 4096);
    uint64_t p1 = map(f, root, SV48, 0xe0000, a, 0, LEAF);
    map(f, root, SV48, 0xe1000, a, 0, LEAF);
    use(f->h, SV48, 1, root, VM_PRIV_S, 0);
    for (unsigned k = 0; k < 3; k++)
        expect_ok(f->h, 0xe0000, kinds[k], a, 12);
    remap(f, p1, b);
    /* Without a fence the old translation may or may not be used: not checked. */
    vm_mmu_sfence(f->h, true, 0xe0abc, false, 0); /* any address in the page */
    for (unsigned k = 0; k < 3; k++)
        expect_ok(f->h, 0xe0000, kinds[k], b, 12);
    expect_ok(f->h, 0xe1000, VM_ACCESS_LOAD, a, 12);
    /* Invalidating a PTE, then fencing its address with the ASID. */
    wr(f, p1, 0);
    vm_mmu_sfence(f->h, true, 0xe0000, true, 1);
    for (unsigned k = 0; k < 3; k++)
        expect_pf(f->h, 0xe0000, kinds[k]);
}

static void test_sfence_superpage_middle(void **state)
{
    struct fx *f = *state;
    uint64_t root = new_table(f);
    uint64_t sp1 = new_data(f, UINT64_C(1) << 21), sp2 = new_data(f, UINT64_C(1) << 21);
    uint64_t p = map(f, root, SV39, 0x40200000, sp1, 1, LEAF);
    use(f->h, SV39, 1, root, VM_PRIV_S, 0);
    expect_ok(f->h, 0x40201000, VM_ACCESS_LOAD, sp1 + 0x1000, 21);
    expect_ok(f->h, 0x403ff000, VM_ACCESS_LOAD, sp1 + 0x1ff000, 21);
    expect_ok(f->h, 0x40350000, VM_ACCESS_STORE, sp1 + 0x150000, 21);
    remap(f, p, sp2);
    /* rs1 anywhere inside the superpage covers all of it. */
    vm_mmu_sfence(f->h, true, 0x40323456, true, 1);
    expect_ok(f->h, 0x40201000, VM_ACCESS_LOAD, sp2 + 0x1000, 21);
    expect_ok(f->h, 0x403ff000, VM_ACCESS_LOAD, sp2 + 0x1ff000, 21);
    expect_ok(f->h, 0x40350000, VM_ACCESS_STORE, sp2 + 0x150000, 21);
}

static void test_sfence_by_asid(void **state)
{
    struct fx *f = *state;
    uint64_t r1 = new_table(f), r2 = new_table(f);
    uint64_t a = new_data(f, 4096), b = new_data(f, 4096), c = new_data(f, 4096),
             d = new_data(f, 4096);
    uint64_t p1 = map(f, r1, SV39, 0xf0000, a, 0, LEAF);
    uint64_t p2 = map(f, r2, SV39, 0xf0000, b, 0, LEAF);
    /* Switching address spaces needs no fence: ASIDs keep them apart. */
    for (int i = 0; i < 2; i++) {
        use(f->h, SV39, 1, r1, VM_PRIV_S, 0);
        expect_ok(f->h, 0xf0000, VM_ACCESS_LOAD, a, 12);
        use(f->h, SV39, 2, r2, VM_PRIV_S, 0);
        expect_ok(f->h, 0xf0000, VM_ACCESS_LOAD, b, 12);
    }
    remap(f, p1, c);
    remap(f, p2, d);
    vm_mmu_sfence(f->h, false, 0, true, 1);
    use(f->h, SV39, 1, r1, VM_PRIV_S, 0);
    expect_ok(f->h, 0xf0000, VM_ACCESS_LOAD, c, 12);
    vm_mmu_sfence(f->h, true, 0xf0000, true, 2); /* both rs1 and rs2 */
    use(f->h, SV39, 2, r2, VM_PRIV_S, 0);
    expect_ok(f->h, 0xf0000, VM_ACCESS_LOAD, d, 12);
}

static void test_sfence_all_and_nonleaf(void **state)
{
    struct fx *f = *state;
    uint64_t root = new_table(f);
    uint64_t a = new_data(f, 4096), b = new_data(f, 4096);
    map(f, root, SV57, 0x100000, a, 0, LEAF);
    map(f, root, SV57, 0x101000, a, 0, LEAF | G);
    use(f->h, SV57, 3, root, VM_PRIV_S, 0);
    expect_ok(f->h, 0x100000, VM_ACCESS_LOAD, a, 12);
    expect_ok(f->h, 0x101000, VM_ACCESS_LOAD, a, 12);
    /* Replace the level-0 table through its level-1 pointer (non-leaf edit). */
    uint64_t t = new_table(f);
    wr(f, t + (0x100000 >> 12 & 0x1ff) * 8, LEAF | ppn(b));
    wr(f, t + (0x101000 >> 12 & 0x1ff) * 8, LEAF | G | ppn(b));
    wr(f, pte_addr(f, root, SV57, 0x100000, 1), V | ppn(t));
    vm_mmu_sfence(f->h, false, 0, false, 0);
    expect_ok(f->h, 0x100000, VM_ACCESS_LOAD, b, 12);
    expect_ok(f->h, 0x101000, VM_ACCESS_LOAD, b, 12);
    /* And a non-leaf edit fenced by ASID only. */
    uint64_t t2 = new_table(f);
    wr(f, t2 + (0x100000 >> 12 & 0x1ff) * 8, LEAF | ppn(a));
    wr(f, pte_addr(f, root, SV57, 0x100000, 1), V | ppn(t2));
    vm_mmu_sfence(f->h, false, 0, true, 3);
    expect_ok(f->h, 0x100000, VM_ACCESS_LOAD, a, 12);
}

static void test_remote_flush(void **state)
{
    struct fx *f = *state;
    uint64_t root = new_table(f);
    uint64_t a = new_data(f, 4096), b = new_data(f, 4096);
    uint64_t p = map(f, root, SV39, 0x110000, a, 0, LEAF);
    use(f->h, SV39, 1, root, VM_PRIV_S, 0);
    use(f->h2, SV39, 1, root, VM_PRIV_S, 0);
    uint64_t v, tval;
    expect_ok(f->h2, 0x110000, VM_ACCESS_LOAD, a, 12);
    assert_int_equal(vm_mmu_load(f->h2, 0x110000, 8, &v, &tval), VM_FAULT_NONE);
    expect_ok(f->h, 0x110000, VM_ACCESS_LOAD, a, 12);
    remap(f, p, b);
    vm_mmu_sfence(f->h, true, 0x110000, true, 1);
    expect_ok(f->h, 0x110000, VM_ACCESS_LOAD, b, 12);
    uint64_t ticket = vm_mmu_request_flush(f->h2, true, 0x110000, true, 1);
    vm_mmu_poll(f->h2);
    assert_true(vm_mmu_flush_done(f->h2, ticket));
    expect_ok(f->h2, 0x110000, VM_ACCESS_LOAD, b, 12);
    /* The fast path too: the load sees the new page's contents. */
    wr(f, b, UINT64_C(0x1122334455667788));
    assert_int_equal(vm_mmu_load(f->h2, 0x110000, 8, &v, &tval), VM_FAULT_NONE);
    assert_int_equal(v, UINT64_C(0x1122334455667788));
    /* A full remote flush. */
    remap(f, p, a);
    vm_mmu_sfence(f->h, false, 0, false, 0);
    ticket = vm_mmu_request_flush(f->h2, false, 0, false, 0);
    vm_mmu_poll(f->h2);
    assert_true(vm_mmu_flush_done(f->h2, ticket));
    expect_ok(f->h2, 0x110000, VM_ACCESS_LOAD, a, 12);
}

/* A hart whose remote flush is done must not get a stale translation from
 * the shared L3, even if another hart, whose flush is still pending (so it
 * may legitimately use stale translations itself), walks the old tables
 * through its not yet flushed walk cache and fills L3 meanwhile. */
static void stale_l3_refill(struct fx *f, enum vm_mmu_strategy strategy)
{
    struct vm_mmu_config cfg;
    vm_mmu_config_default(&cfg);
    cfg.strategy = strategy;
    cfg.enable_adaptive = false; /* keep the walk cache and L3 on */
    struct vm_mmu *mmu = f->mmu2 = vm_mmu_create(f->mem, &cfg);
    assert_non_null(mmu);
    struct vm_mmu_hart *w = f->harts2[0] = vm_mmu_hart_create(mmu, 0);
    struct vm_mmu_hart *a = f->harts2[1] = vm_mmu_hart_create(mmu, 1);
    struct vm_mmu_hart *b = f->harts2[2] = vm_mmu_hart_create(mmu, 2);
    uint64_t root = new_table(f), new_t = new_table(f);
    uint64_t o1 = new_data(f, 4096), o2 = new_data(f, 4096), n2 = new_data(f, 4096);
    map(f, root, SV39, 0x1000, o1, 0, LEAF);
    map(f, root, SV39, 0x2000, o2, 0, LEAF);
    uint64_t l1 = pte_addr(f, root, SV39, 0x1000, 1);
    wr(f, new_t + 2 * 8, LEAF | ppn(n2));
    uint64_t satp = satp_of(SV39, 1, root);
    struct vm_mmu_hart *all[3] = {w, a, b};
    for (int i = 0; i < 3; i++) {
        vm_mmu_set_satp(all[i], satp);
        vm_mmu_set_context(all[i], VM_PRIV_S, 0);
    }
    expect_ok(b, 0x1000, VM_ACCESS_LOAD, o1, 12); /* b's walk cache: the old pointer */
    wr(f, l1, V | ppn(new_t));                    /* non-leaf edit */
    vm_mmu_sfence(w, false, 0, false, 0);
    uint64_t ta = vm_mmu_request_flush(a, false, 0, false, 0);
    vm_mmu_request_flush(b, false, 0, false, 0);
    vm_mmu_poll(a);
    assert_true(vm_mmu_flush_done(a, ta));
    vm_mmu_translate(b, 0x2000, VM_ACCESS_LOAD); /* b: old or new, both allowed */
    expect_ok(a, 0x2000, VM_ACCESS_LOAD, n2, 12);
    for (int i = 2; i >= 0; i--) {
        vm_mmu_hart_destroy(f->harts2[i]);
        f->harts2[i] = NULL;
    }
    vm_mmu_destroy(mmu);
    f->mmu2 = NULL;
}

static void test_remote_flush_no_stale_l3_refill(void **state)
{
    struct fx *f = *state;
    stale_l3_refill(f, VM_MMU_CONCURRENT);
    stale_l3_refill(f, VM_MMU_HYBRID);
}

static void test_satp_to_bare(void **state)
{
    struct fx *f = *state;
    uint64_t root = new_table(f), a = new_data(f, 4096);
    map(f, root, SV39, DATA_BASE, a, 0, LEAF); /* VA == some PA */
    use(f->h, SV39, 1, root, VM_PRIV_S, 0);
    expect_ok(f->h, DATA_BASE, VM_ACCESS_LOAD, a, 12);
    vm_mmu_set_satp(f->h, 0);
    struct vm_mmu_result r = vm_mmu_translate(f->h, DATA_BASE, VM_ACCESS_LOAD);
    assert_int_equal(r.fault, VM_FAULT_NONE);
    assert_int_equal(r.pa, DATA_BASE);
    use(f->h, SV39, 1, root, VM_PRIV_S, 0);
    expect_ok(f->h, DATA_BASE, VM_ACCESS_LOAD, a, 12);
}

/* ---- access functions ---- */

static void test_misaligned_across_pages(void **state)
{
    struct fx *f = *state;
    uint64_t root = new_table(f);
    uint64_t b = new_data(f, 4096), a = new_data(f, 4096); /* not contiguous in order */
    map(f, root, SV39, 0x120000, a, 0, LEAF);
    map(f, root, SV39, 0x121000, b, 0, LEAF);
    use(f->h, SV39, 1, root, VM_PRIV_S, 0);
    uint64_t v = 0, tval = 0;
    assert_int_equal(vm_mmu_store(f->h, 0x120ffc, 8, UINT64_C(0x1122334455667788), &tval),
                     VM_FAULT_NONE);
    uint64_t lo = 0, hi = 0;
    assert_int_equal(vm_mem_load(f->mem, a + 0xffc, 4, &lo), 0);
    assert_int_equal(vm_mem_load(f->mem, b, 4, &hi), 0);
    assert_int_equal(lo, 0x55667788);
    assert_int_equal(hi, 0x11223344);
    assert_int_equal(vm_mmu_load(f->h, 0x120ffc, 8, &v, &tval), VM_FAULT_NONE);
    assert_int_equal(v, UINT64_C(0x1122334455667788));
    assert_int_equal(vm_mmu_load(f->h, 0x120fff, 2, &v, &tval), VM_FAULT_NONE);
    assert_int_equal(v, 0x4455);
    assert_int_equal(vm_mmu_fetch(f->h, 0x120ffe, 4, &v, &tval), VM_FAULT_NONE);
    assert_int_equal(v, 0x33445566);
    /* Misaligned inside one page. */
    assert_int_equal(vm_mmu_store(f->h, 0x120003, 8, UINT64_C(0x0102030405060708), &tval),
                     VM_FAULT_NONE);
    assert_int_equal(vm_mmu_load(f->h, 0x120003, 8, &v, &tval), VM_FAULT_NONE);
    assert_int_equal(v, UINT64_C(0x0102030405060708));
    assert_int_equal(vm_mem_load(f->mem, a + 3, 8, &v), 0);
    assert_int_equal(v, UINT64_C(0x0102030405060708));

    /* Second page unmapped: the fault is reported with an address in the
     * part of the access on that page (spec: "the portion of the access that
     * caused the fault"). */
    uint64_t c = new_data(f, 4096);
    map(f, root, SV39, 0x130000, c, 0, LEAF);
    tval = 0;
    assert_int_equal(vm_mmu_load(f->h, 0x130ffc, 8, &v, &tval), VM_FAULT_LOAD_PAGE);
    assert_true(tval >= 0x131000 && tval < 0x131004);
    tval = 0;
    assert_int_equal(vm_mmu_store(f->h, 0x130ffa, 8, 1, &tval), VM_FAULT_STORE_PAGE);
    assert_true(tval >= 0x131000 && tval < 0x131002);
    tval = 0;
    assert_int_equal(vm_mmu_fetch(f->h, 0x130ffe, 4, &v, &tval), VM_FAULT_FETCH_PAGE);
    assert_true(tval >= 0x131000 && tval < 0x131002);
    /* Second page read-only: stores fault on it, loads work. */
    map(f, root, SV39, 0x131000, c, 0, V | R | A | D);
    vm_mmu_sfence(f->h, true, 0x131000, false, 0);
    assert_int_equal(vm_mmu_load(f->h, 0x130ffc, 8, &v, &tval), VM_FAULT_NONE);
    tval = 0;
    assert_int_equal(vm_mmu_store(f->h, 0x130ffc, 8, 1, &tval), VM_FAULT_STORE_PAGE);
    assert_true(tval >= 0x131000 && tval < 0x131004);
    /* First page faulting. */
    tval = 0;
    assert_int_equal(vm_mmu_load(f->h, 0x12fffc, 8, &v, &tval), VM_FAULT_LOAD_PAGE);
    assert_true(tval >= 0x12fffc && tval < 0x130000);
    /* Second page in a hole: access fault, same tval rule. */
    map(f, root, SV39, 0x141000, HOLE, 0, LEAF);
    map(f, root, SV39, 0x140000, c, 0, LEAF);
    tval = 0;
    assert_int_equal(vm_mmu_load(f->h, 0x140ffe, 4, &v, &tval), VM_FAULT_LOAD_ACCESS);
    assert_true(tval >= 0x141000 && tval < 0x141002);
}

static void test_mmio_through_mmu(void **state)
{
    struct fx *f = *state;
    uint64_t root = new_table(f);
    map(f, root, SV39, 0x30000000, MMIO_BASE, 0, LEAF);
    map(f, root, SV39, 0x30001000, HOLE, 0, LEAF);
    use(f->h, SV39, 1, root, VM_PRIV_S, 0);
    uint64_t v = 0, tval = 0;
    assert_int_equal(vm_mmu_load(f->h, 0x30000010, 4, &v, &tval), VM_FAULT_NONE);
    assert_int_equal(mmio.reads, 1);
    assert_int_equal(mmio.off, 0x10);
    assert_int_equal(mmio.size, 4);
    assert_int_equal(v, 0x00000010); /* 4 bytes of 0xa5a5a5a500000010 */
    assert_int_equal(vm_mmu_load(f->h, 0x30000100, 8, &v, &tval), VM_FAULT_NONE);
    assert_int_equal(mmio.reads, 2);
    assert_int_equal(mmio.size, 8);
    assert_int_equal(v, UINT64_C(0xa5a5a5a500000100));
    assert_int_equal(vm_mmu_store(f->h, 0x30000022, 2, 0xbeef, &tval), VM_FAULT_NONE);
    assert_int_equal(mmio.writes, 1);
    assert_int_equal(mmio.off, 0x22);
    assert_int_equal(mmio.size, 2);
    assert_int_equal(mmio.val & 0xffff, 0xbeef);
    /* Repeated accesses (a cached translation) still reach the device. */
    assert_int_equal(vm_mmu_store(f->h, 0x30000022, 2, 0xcafe, &tval), VM_FAULT_NONE);
    assert_int_equal(mmio.writes, 2);
    assert_int_equal(mmio.val & 0xffff, 0xcafe);
    /* A device error is an access fault at the virtual address. */
    mmio.fail = true;
    tval = 0;
    assert_int_equal(vm_mmu_load(f->h, 0x30000040, 4, &v, &tval), VM_FAULT_LOAD_ACCESS);
    assert_int_equal(tval, 0x30000040);
    tval = 0;
    assert_int_equal(vm_mmu_store(f->h, 0x30000044, 4, 1, &tval), VM_FAULT_STORE_ACCESS);
    assert_int_equal(tval, 0x30000044);
    mmio.fail = false;
    /* Translated to nothing at all. */
    tval = 0;
    assert_int_equal(vm_mmu_load(f->h, 0x30001008, 8, &v, &tval), VM_FAULT_LOAD_ACCESS);
    assert_int_equal(tval, 0x30001008);
    tval = 0;
    assert_int_equal(vm_mmu_store(f->h, 0x30001008, 8, 1, &tval), VM_FAULT_STORE_ACCESS);
    assert_int_equal(tval, 0x30001008);
    tval = 0;
    assert_int_equal(vm_mmu_fetch(f->h, 0x30001008, 4, &v, &tval), VM_FAULT_FETCH_ACCESS);
    assert_int_equal(tval, 0x30001008);
}

static void test_fetch_and_faults(void **state)
{
    struct fx *f = *state;
    uint64_t root = new_table(f), a = new_data(f, 4096);
    map(f, root, SV39, 0x150000, a, 0, V | R | X | A | D);
    map(f, root, SV39, 0x151000, a, 0, V | R | W | A | D);
    use(f->h, SV39, 1, root, VM_PRIV_S, 0);
    wr(f, a + 0x40, UINT64_C(0x00100073deadbeef));
    uint64_t v = 0, tval = 0;
    assert_int_equal(vm_mmu_fetch(f->h, 0x150040, 4, &v, &tval), VM_FAULT_NONE);
    assert_int_equal(v, 0xdeadbeef);
    assert_int_equal(vm_mmu_fetch(f->h, 0x150044, 2, &v, &tval), VM_FAULT_NONE);
    assert_int_equal(v, 0x0073);
    tval = 0;
    assert_int_equal(vm_mmu_fetch(f->h, 0x151040, 4, &v, &tval), VM_FAULT_FETCH_PAGE);
    assert_int_equal(tval, 0x151040);
    tval = 0;
    assert_int_equal(vm_mmu_store(f->h, 0x150040, 4, 0, &tval), VM_FAULT_STORE_PAGE);
    assert_int_equal(tval, 0x150040);
    tval = 0;
    assert_int_equal(vm_mmu_load(f->h, 0x160040, 1, &v, &tval), VM_FAULT_LOAD_PAGE);
    assert_int_equal(tval, 0x160040);
}

static void test_amo_ptr(void **state)
{
    struct fx *f = *state;
    uint64_t root = new_table(f), a = new_data(f, 4096);
    uint64_t p = map(f, root, SV39, 0x170000, a, 0, V | R | W | A);
    map(f, root, SV39, 0x171000, a, 0, V | R | A | D);
    map(f, root, SV39, 0x172000, MMIO_BASE, 0, LEAF);
    use(f->h, SV39, 1, root, VM_PRIV_S, 0);
    void *host = NULL;
    uint64_t tval = 0;
    assert_int_equal(vm_mmu_amo_ptr(f->h, 0x170008, 8, &host, &tval), VM_FAULT_NONE);
    assert_ptr_equal(host, vm_mem_ram_ptr(f->mem, a + 8, 8));
    assert_int_equal(rd(f, p), V | R | W | A | D | ppn(a)); /* an AMO is a store: D */
    assert_int_equal(vm_mmu_amo_ptr(f->h, 0x170010, 4, &host, &tval), VM_FAULT_NONE);
    assert_ptr_equal(host, vm_mem_ram_ptr(f->mem, a + 0x10, 4));
    /* Misaligned: not split, a misaligned fault. */
    tval = 0;
    assert_int_equal(vm_mmu_amo_ptr(f->h, 0x170004, 8, &host, &tval),
                     VM_FAULT_STORE_MISALIGNED);
    assert_int_equal(tval, 0x170004);
    tval = 0;
    assert_int_equal(vm_mmu_amo_ptr(f->h, 0x170002, 4, &host, &tval),
                     VM_FAULT_STORE_MISALIGNED);
    assert_int_equal(tval, 0x170002);
    /* Read-only page: store page fault. Unmapped: the same. */
    tval = 0;
    assert_int_equal(vm_mmu_amo_ptr(f->h, 0x171000, 8, &host, &tval), VM_FAULT_STORE_PAGE);
    assert_int_equal(tval, 0x171000);
    tval = 0;
    assert_int_equal(vm_mmu_amo_ptr(f->h, 0x173000, 8, &host, &tval), VM_FAULT_STORE_PAGE);
    assert_int_equal(tval, 0x173000);
    /* MMIO: no host pointer, an access fault. */
    tval = 0;
    assert_int_equal(vm_mmu_amo_ptr(f->h, 0x172008, 8, &host, &tval), VM_FAULT_STORE_ACCESS);
    assert_int_equal(tval, 0x172008);
}

static void test_lr_sc(void **state)
{
    struct fx *f = *state;
    uint64_t root = new_table(f), a = new_data(f, 4096);
    map(f, root, SV39, 0x180000, a, 0, LEAF);
    use(f->h, SV39, 1, root, VM_PRIV_S, 0);
    use(f->h2, SV39, 1, root, VM_PRIV_S, 0);
    wr(f, a + 0x100, 7);
    uint64_t v = 0, tval = 0;
    bool success = false;

    /* LR then SC: succeeds and stores. */
    assert_int_equal(vm_mmu_load_reserved(f->h, 0x180100, 8, &v, &tval), VM_FAULT_NONE);
    assert_int_equal(v, 7);
    assert_int_equal(vm_mmu_store_conditional(f->h, 0x180100, 8, 8, &success, &tval),
                     VM_FAULT_NONE);
    assert_true(success);
    assert_int_equal(rd(f, a + 0x100), 8);

    /* SC without a reservation (it was consumed): fails, memory unchanged. */
    success = true;
    assert_int_equal(vm_mmu_store_conditional(f->h, 0x180100, 8, 9, &success, &tval),
                     VM_FAULT_NONE);
    assert_false(success);
    assert_int_equal(rd(f, a + 0x100), 8);

    /* Another hart's store to the granule in between breaks it. */
    assert_int_equal(vm_mmu_load_reserved(f->h, 0x180100, 8, &v, &tval), VM_FAULT_NONE);
    assert_int_equal(vm_mmu_store(f->h2, 0x180104, 4, 0x55, &tval), VM_FAULT_NONE);
    success = true;
    assert_int_equal(vm_mmu_store_conditional(f->h, 0x180100, 8, 10, &success, &tval),
                     VM_FAULT_NONE);
    assert_false(success);
    assert_int_equal(rd(f, a + 0x100), UINT64_C(0x0000005500000008));

    /* Cleared reservation. */
    assert_int_equal(vm_mmu_load_reserved(f->h, 0x180100, 8, &v, &tval), VM_FAULT_NONE);
    vm_mmu_clear_reservation(f->h);
    success = true;
    assert_int_equal(vm_mmu_store_conditional(f->h, 0x180100, 8, 11, &success, &tval),
                     VM_FAULT_NONE);
    assert_false(success);

    /* 32-bit LR/SC. */
    assert_int_equal(vm_mmu_load_reserved(f->h, 0x180200, 4, &v, &tval), VM_FAULT_NONE);
    assert_int_equal(vm_mmu_store_conditional(f->h, 0x180200, 4, 0x1234, &success, &tval),
                     VM_FAULT_NONE);
    assert_true(success);
    assert_int_equal(rd(f, a + 0x200) & 0xffffffff, 0x1234);

    /* Faults: LR on an unmapped page is a load fault, SC a store fault. */
    tval = 0;
    assert_int_equal(vm_mmu_load_reserved(f->h, 0x190000, 8, &v, &tval), VM_FAULT_LOAD_PAGE);
    assert_int_equal(tval, 0x190000);
    tval = 0;
    assert_int_equal(vm_mmu_store_conditional(f->h, 0x190000, 8, 1, &success, &tval),
                     VM_FAULT_STORE_PAGE);
    assert_int_equal(tval, 0x190000);
}

static void test_batch_no_side_effects(void **state)
{
    struct fx *f = *state;
    uint64_t root = new_table(f), a = new_data(f, 4096);
    uint64_t p0 = map(f, root, SV39, 0x1a0000, a, 0, V | RWX);         /* A=0 */
    uint64_t p1 = map(f, root, SV39, 0x1a1000, a, 0, V | RWX | A);     /* D=0 */
    map(f, root, SV39, 0x1a2000, a, 0, LEAF);
    use(f->h, SV39, 1, root, VM_PRIV_S, 0);
    struct vm_mmu_stats before, after;
    vm_mmu_get_stats(f->h, &before);
    const uint64_t va[] = {0x1a0010, 0x1a1020, 0x1a2030, 0x1b0000};
    struct vm_mmu_result out[4];
    size_t n = vm_mmu_translate_batch(f->h, va, 4, VM_ACCESS_STORE, out);
    /* Each result is what the access would get (Svadu: the A/D-less pages
     * translate), but no A/D is written. */
    assert_int_equal(out[0].fault, VM_FAULT_NONE);
    assert_int_equal(out[0].pa, a + 0x10);
    assert_int_equal(out[1].fault, VM_FAULT_NONE);
    assert_int_equal(out[1].pa, a + 0x20);
    assert_int_equal(out[2].fault, VM_FAULT_NONE);
    assert_int_equal(out[2].pa, a + 0x30);
    assert_int_equal(out[2].page_shift, 12);
    assert_int_equal(out[3].fault, VM_FAULT_STORE_PAGE);
    assert_int_equal(out[3].tval, 0x1b0000);
    size_t ok = 0;
    for (unsigned i = 0; i < 4; i++)
        ok += out[i].fault == VM_FAULT_NONE;
    assert_int_equal(n, ok);
    assert_int_equal(rd(f, p0), V | RWX | ppn(a));
    assert_int_equal(rd(f, p1), V | RWX | A | ppn(a));
    vm_mmu_get_stats(f->h, &after);
    assert_memory_equal(&before, &after, sizeof(before)); /* no stats */
    /* The real access afterwards still sets A/D (nothing stale was cached). */
    expect_ok(f->h, 0x1a0010, VM_ACCESS_STORE, a + 0x10, 12);
    assert_int_equal(rd(f, p0), V | RWX | A | D | ppn(a));
    expect_ok(f->h, 0x1a1020, VM_ACCESS_STORE, a + 0x20, 12);
    assert_int_equal(rd(f, p1), V | RWX | A | D | ppn(a));
}

/* The hook for stores to watched pages. Each check below watches the page
 * afresh, so it holds whether or not a hook call ends the watch. */
/* Under Svade the same batch reports the page faults the accesses would take. */
static void test_batch_svade(void **state)
{
    struct fx *f = *state;
    uint64_t root = new_table(f), a = new_data(f, 4096);
    uint64_t p0 = map(f, root, SV39, 0x1a0000, a, 0, V | RWX);     /* A=0 */
    uint64_t p1 = map(f, root, SV39, 0x1a1000, a, 0, V | RWX | A); /* D=0 */
    use(f->h, SV39, 1, root, VM_PRIV_S, 0);
    const uint64_t va[] = {0x1a0010, 0x1a1020};
    struct vm_mmu_result out[2];
    assert_int_equal(vm_mmu_translate_batch(f->h, va, 2, VM_ACCESS_STORE, out), 0);
    assert_int_equal(out[0].fault, VM_FAULT_STORE_PAGE);
    assert_int_equal(out[0].tval, 0x1a0010);
    assert_int_equal(out[1].fault, VM_FAULT_STORE_PAGE);
    assert_int_equal(vm_mmu_translate_batch(f->h, va, 2, VM_ACCESS_LOAD, out), 1);
    assert_int_equal(out[0].fault, VM_FAULT_LOAD_PAGE);
    assert_int_equal(out[1].fault, VM_FAULT_NONE);
    assert_int_equal(out[1].pa, a + 0x20);
    assert_int_equal(rd(f, p0), V | RWX | ppn(a));
    assert_int_equal(rd(f, p1), V | RWX | A | ppn(a));
}

static void test_code_write_hook(void **state)
{
    struct fx *f = *state;
    uint64_t root = new_table(f), a = new_data(f, 4096), b = new_data(f, 4096);
    map(f, root, SV39, 0x1c0000, a, 0, LEAF);
    map(f, root, SV39, 0x1c1000, b, 0, LEAF);
    use(f->h, SV39, 1, root, VM_PRIV_S, 0);
    use(f->h2, SV39, 1, root, VM_PRIV_S, 0);
    uint64_t tval = 0, v = 0;
    /* Cache the page for stores first: watching must still catch them. */
    assert_int_equal(vm_mmu_store(f->h, 0x1c0010, 8, 1, &tval), VM_FAULT_NONE);
    assert_int_equal(vm_mmu_store(f->h2, 0x1c0010, 8, 1, &tval), VM_FAULT_NONE);
    assert_int_equal(hook.calls, 0);

    vm_mmu_watch_code_page(f->h, a);
    assert_int_equal(vm_mmu_store(f->h, 0x1c1000, 8, 2, &tval), VM_FAULT_NONE);
    assert_int_equal(hook.calls, 0); /* other pages: no hook */
    assert_int_equal(vm_mmu_store(f->h, 0x1c0018, 4, 0x13, &tval), VM_FAULT_NONE);
    assert_int_equal(hook.calls, 1);
    assert_int_equal(hook.pa, a + 0x18); /* the exact address and size */
    assert_int_equal(hook.len, 4);
    assert_ptr_equal(hook.opaque, f);
    assert_int_equal(vm_mmu_load(f->h, 0x1c0018, 4, &v, &tval), VM_FAULT_NONE);
    assert_int_equal(v, 0x13); /* the store happened */

    /* Another hart with the page cached for stores: at once, no poll. */
    unsigned before = hook.calls;
    assert_int_equal(vm_mmu_store_fast(f->h2, 0x1c0ff8, 8, 3, &tval), VM_FAULT_NONE);
    assert_int_equal(hook.calls, before + 1);
    assert_int_equal(hook.pa, a + 0xff8);

    /* A misaligned store crossing into the watched page: its part there. */
    map(f, root, SV39, 0x1bf000, b, 0, LEAF);
    before = hook.calls;
    assert_int_equal(vm_mmu_store(f->h, 0x1bfffc, 8, 5, &tval), VM_FAULT_NONE);
    assert_int_equal(hook.calls, before + 1);
    assert_int_equal(hook.pa, a);
    assert_int_equal(hook.len, 4);

    /* An AMO host pointer to a watched page is a store. */
    void *host = NULL;
    before = hook.calls;
    assert_int_equal(vm_mmu_amo_ptr(f->h, 0x1c0020, 8, &host, &tval), VM_FAULT_NONE);
    assert_int_equal(hook.calls, before + 1);
    assert_int_equal(hook.pa, a + 0x20);

    /* Unwatched: quiet. */
    vm_mmu_unwatch_code_page(f->mmu, a);
    before = hook.calls;
    assert_int_equal(vm_mmu_store(f->h, 0x1c0010, 8, 6, &tval), VM_FAULT_NONE);
    assert_int_equal(vm_mmu_store(f->h2, 0x1c0010, 8, 6, &tval), VM_FAULT_NONE);
    assert_int_equal(hook.calls, before);
}

/* mmu.h: stores to a watched page "never take the L1 fast path; every one
 * of them calls the hook" -- the page stays watched until unwatched, and a
 * fast-path store entry another hart filled before the watch is gone at
 * once (no poll: that hart could otherwise store into code unseen). */
static void test_code_write_hook_persistent(void **state)
{
    struct fx *f = *state;
    uint64_t root = new_table(f), a = new_data(f, 4096);
    map(f, root, SV39, 0x1d0000, a, 0, LEAF);
    use(f->h, SV39, 1, root, VM_PRIV_S, 0);
    use(f->h2, SV39, 1, root, VM_PRIV_S, 0);
    uint64_t tval = 0;
    /* h2 has a store L1 entry for the page before it is watched. */
    assert_int_equal(vm_mmu_store(f->h2, 0x1d0018, 8, 9, &tval), VM_FAULT_NONE);
    vm_mmu_watch_code_page(f->h, a);
    assert_int_equal(vm_mmu_store(f->h, 0x1d0000, 8, 1, &tval), VM_FAULT_NONE);
    assert_int_equal(hook.calls, 1);
    assert_int_equal(vm_mmu_store(f->h, 0x1d0008, 8, 2, &tval), VM_FAULT_NONE);
    assert_int_equal(hook.calls, 2); /* still watched */
    assert_int_equal(vm_mmu_store_fast(f->h2, 0x1d0010, 8, 3, &tval), VM_FAULT_NONE);
    assert_int_equal(hook.calls, 3); /* the other hart's store, via its fast path */
    vm_mmu_watch_code_page(f->h, a); /* again: no change */
    assert_int_equal(vm_mmu_store_fast(f->h2, 0x1d0010, 8, 3, &tval), VM_FAULT_NONE);
    assert_int_equal(hook.calls, 4);
    vm_mmu_unwatch_code_page(f->mmu, a);
    assert_int_equal(vm_mmu_store(f->h, 0x1d0000, 8, 4, &tval), VM_FAULT_NONE);
    assert_int_equal(vm_mmu_store_fast(f->h2, 0x1d0000, 8, 4, &tval), VM_FAULT_NONE);
    assert_int_equal(hook.calls, 4);
}

static void test_config_check(void **state)
{
    (void)state;
    struct vm_mmu_config cfg;
    vm_mmu_config_default(&cfg);
    assert_int_equal(vm_mmu_config_check(&cfg), 0);
    assert_int_equal(cfg.strategy, VM_MMU_HYBRID);
    assert_true(cfg.hw_ad_update);
    cfg.l1_entries = 100; /* not a power of two */
    assert_int_equal(vm_mmu_config_check(&cfg), -VM_EINVAL);
    vm_mmu_config_default(&cfg);
    cfg.l2_sets = 0;
    cfg.l2_ways = 0; /* L2 off */
    assert_int_equal(vm_mmu_config_check(&cfg), 0);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
#define TADE(fn) cmocka_unit_test_setup_teardown(fn, setup_svade, teardown)
    const struct CMUnitTest tests[] = {
        T(test_bare_is_identity),
        T(test_m_mode_ignores_satp),
        T(test_4k_pages_every_mode),
        T(test_superpages_aligned),
        T(test_superpages_misaligned),
        T(test_noncanonical),
        T(test_rwx_encodings),
        T(test_mxr),
        T(test_u_bit_and_sum),
        T(test_mprv),
        T(test_invalid_pte),
        T(test_reserved_high_bits),
        T(test_nonleaf_adu_reserved),
        T(test_pointer_at_level0),
        T(test_pte_not_in_ram),
        T(test_ad_svadu),
        TADE(test_ad_svade),
        T(test_global_survives_asid_fence),
        T(test_sfence_by_address),
        T(test_sfence_superpage_middle),
        T(test_sfence_by_asid),
        T(test_sfence_all_and_nonleaf),
        T(test_remote_flush),
        T(test_remote_flush_no_stale_l3_refill),
        T(test_satp_to_bare),
        T(test_misaligned_across_pages),
        T(test_mmio_through_mmu),
        T(test_fetch_and_faults),
        T(test_amo_ptr),
        T(test_lr_sc),
        T(test_batch_no_side_effects),
        TADE(test_batch_svade),
        T(test_code_write_hook),
        T(test_code_write_hook_persistent),
        cmocka_unit_test(test_config_check),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
