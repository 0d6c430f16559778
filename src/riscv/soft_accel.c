/* The `soft` accelerator: RISC-V 64 harts interpreted on any host, behind
 * the generic vCPU ops table. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "accel/backends.h"
#include "riscv/csr_defs.h"
#include "riscv/hart.h"
#include "vm/error.h"
#include "vm/riscv.h"

#define MAX_HARTS 64

struct soft_accel {
    struct rv_platform plat;
    struct rv_hart *harts[MAX_HARTS];
    unsigned nharts;
    bool verbose;
    struct rv_jit_stats jit_stats; /* of the harts already gone */
    unsigned jit_harts;
};

/* QEMU's default code cache is much larger; ours is per hart and costs
 * only address space until code fills it. */
#define DEFAULT_TB_SIZE_MIB 128
/* Translated code on hosts with a code generator (x86-64); the
 * interpreter elsewhere and with jit=off. */
#define JIT_DEFAULT true
#define SOFT_L1_MAX_ENTRIES 65536 /* 256 MiB of reach per table */
/* vm user: a block is translated at its JIT_HOT_USER + 1st run (the
 * interpreter runs it before), since short-lived processes run most of
 * their code only a few times (docs/PERFORMANCE.md, "vm user start-up"). */
#ifndef JIT_HOT_USER
#define JIT_HOT_USER 16
#endif

/* mmu=NAME: the MMU's levels fixed for measurements (docs/PERFORMANCE.md);
 * the default is the adaptive policy over all of them (docs/MMU.md). */
static int mmu_preset(const char *name, struct vm_mmu_config *mc)
{
    vm_mmu_config_default(mc);
    if (!strcmp(name, "adaptive"))
        return 0;
    mc->enable_adaptive = false;
    if (!strcmp(name, "all"))
        return 0;
    mc->enable_prefetch = mc->enable_page_table_cache = false;
    mc->l3_entries = 0;
    if (!strcmp(name, "l1l2"))
        return 0;
    mc->l2_sets = mc->l2_ways = 0;
    if (!strcmp(name, "l1"))
        return 0;
    return vm_error(VM_EINVAL, "accel soft: mmu='%s': adaptive, all, l1l2 or l1", name);
}

/* jit=on|off, tb-size=MiB, jit-hot=N, dcache-pages=N, perfmap=on|off, mmu=PRESET,
 * l1-hits=on|off */
static int parse_props(const char *props, bool user, struct rv_jit_config *jc,
                       unsigned *dcache_pages, struct vm_mmu_config *mc)
{
    *dcache_pages = RV_DCACHE_PAGES;
    vm_mmu_config_default(mc);
    jc->enabled = JIT_DEFAULT && rv_jit_host_supported();
    jc->cache_size = (size_t)DEFAULT_TB_SIZE_MIB << 20;
    jc->perfmap = false;
    jc->hot = user ? JIT_HOT_USER : 0;
    jc->mutate = RV_JIT_MUTATE_NONE;
    while (props && *props) {
        const char *end = strchr(props, ',');
        size_t len = end ? (size_t)(end - props) : strlen(props);
        char item[64];
        if (len >= sizeof(item))
            return vm_error(VM_EINVAL, "accel soft: property '%.*s' is too long", (int)len, props);
        memcpy(item, props, len);
        item[len] = '\0';
        char *eq = strchr(item, '=');
        const char *key = item, *val = eq ? eq + 1 : "";
        if (eq)
            *eq = '\0';
        bool on = !strcmp(val, "on") || !strcmp(val, "true") || !strcmp(val, "yes");
        bool off = !strcmp(val, "off") || !strcmp(val, "false") || !strcmp(val, "no");
        if (!strcmp(key, "jit") || !strcmp(key, "perfmap")) {
            if (!on && !off)
                return vm_error(VM_EINVAL, "accel soft: %s='%s': on or off", key, val);
            if (!strcmp(key, "perfmap"))
                jc->perfmap = on;
            else if (on && !rv_jit_host_supported())
                return vm_error(VM_ENOTSUP, "accel soft: jit=on: no code generator for this "
                                "host (x86-64 only)");
            else
                jc->enabled = on;
        } else if (!strcmp(key, "test-mutate")) { /* negative controls of the JIT tests */
            static const char *const names[] = {"none", "add", "branch", "load", "store",
                                                "count", "fp"};
            unsigned i = 0;
            while (i < sizeof(names) / sizeof(names[0]) && strcmp(names[i], val))
                i++;
            if (i == sizeof(names) / sizeof(names[0]))
                return vm_error(VM_EINVAL, "accel soft: test-mutate='%s'", val);
            jc->mutate = i;
        } else if (!strcmp(key, "l1-hits")) {
            if (!on && !off)
                return vm_error(VM_EINVAL, "accel soft: l1-hits='%s': on or off", val);
            mc->count_l1_hits = on;
        } else if (!strcmp(key, "mmu")) {
            int rc = mmu_preset(val, mc);
            if (rc < 0)
                return rc;
        } else if (!strcmp(key, "tb-size")) {
            char *e;
            unsigned long long mib = strtoull(val, &e, 10);
            if (!*val || *e || mib < 1 || mib > 2047)
                return vm_error(VM_EINVAL, "accel soft: tb-size='%s': MiB of code cache per "
                                "hart, 1 to 2047", val);
            jc->cache_size = (size_t)mib << 20;
        } else if (!strcmp(key, "jit-hot")) {
            char *e;
            unsigned long long n = strtoull(val, &e, 10);
            if (!*val || *e || n > 1000000)
                return vm_error(VM_EINVAL, "accel soft: jit-hot='%s': runs of a block in the "
                                "interpreter before it is translated, 0 to 1000000", val);
            jc->hot = (unsigned)n;
        } else if (!strcmp(key, "dcache-pages")) { /* the decoded-instruction cache */
            char *e;
            unsigned long long n = strtoull(val, &e, 10);
            if (!*val || *e || n < RV_DCACHE_MIN || n > RV_DCACHE_MAX || (n & (n - 1)))
                return vm_error(VM_EINVAL, "accel soft: dcache-pages='%s': decoded pages per "
                                "hart (32 KiB each), a power of two from %u to %u", val,
                                RV_DCACHE_MIN, RV_DCACHE_MAX);
            *dcache_pages = (unsigned)n;
        } else {
            return vm_error(VM_EINVAL, "accel soft: unknown property '%s' (jit, tb-size, "
                            "jit-hot, dcache-pages, perfmap, mmu, l1-hits)", key);
        }
        props = end ? end + 1 : NULL;
    }
    return 0;
}

static int soft_probe(enum vm_arch arch)
{
    if (arch != VM_ARCH_RISCV64)
        return vm_error(VM_ENOTSUP, "the soft accelerator only runs riscv64 guests, not %s",
                        vm_arch_name(arch));
    return 0;
}

/* vm_mem's notifier: RAM written by something other than a hart (DMA,
 * loaders) drops the code it overwrote, on every hart. */
static void ram_written(void *opaque, uint64_t pa, uint64_t len)
{
    uint64_t end = pa + len;
    while (pa < end) {
        uint64_t next = (pa | (RV_PAGE_SIZE - 1)) + 1;
        uint64_t n = (next < end ? next : end) - pa;
        rv_code_written(opaque, NULL, pa, n);
        pa += n;
    }
}

static int soft_init(struct vm_accel *accel, const struct vm_accel_config *cfg)
{
    struct soft_accel *sa = vm_accel_priv(accel);
    struct rv_jit_config jc;
    unsigned dcache_pages;
    struct vm_mmu_config mc;
    bool user = cfg->machine && !strcmp(cfg->machine, "user");
    int rc = parse_props(cfg->props, user, &jc, &dcache_pages, &mc);
    if (rc < 0)
        return rc;
    /* L1 tables that grow with the working set: a program that walks a
     * large heap at random (xz's match finder) would otherwise miss in L1
     * on most accesses, and translated code makes those misses dear. */
    mc.l1_max_entries = SOFT_L1_MAX_ENTRIES;
    struct vm_mmu *mmu = vm_mmu_create(cfg->mem, &mc);
    if (!mmu)
        return -VM_ENOMEM;
    if ((rc = rv_platform_init(&sa->plat, cfg->mem, mmu)) < 0) {
        vm_mmu_destroy(mmu);
        return rc;
    }
    jc.count_jumps = jc.timing = cfg->verbose; /* -v prints the hit rates and times */
    sa->plat.jit = jc;
    sa->plat.time_offset = cfg->riscv_time_offset;
    sa->plat.dcache_pages = dcache_pages;
    sa->verbose = cfg->verbose;
    vm_mmu_set_code_write_hook(mmu, rv_code_write_hook, &sa->plat);
    vm_mem_set_write_notifier(cfg->mem, ram_written, &sa->plat);
    if (cfg->verbose) {
        if (jc.enabled)
            fprintf(stderr, "vm: soft: engine: JIT (RISC-V -> x86-64 translated code, %zu MiB "
                    "code cache per hart; -accel tcg,jit=off for the interpreter)\n",
                    jc.cache_size >> 20);
        else
            fprintf(stderr, "vm: soft: engine: interpreter%s\n",
                    rv_jit_host_supported() ? " (-accel tcg,jit=off)" : " (no JIT for this host)");
    }
    return 0;
}

static void soft_fini(struct vm_accel *accel)
{
    struct soft_accel *sa = vm_accel_priv(accel);
    if (sa->verbose && sa->jit_harts)
        rv_jit_print_stats(stderr, &sa->jit_stats, sa->jit_harts);
    if (sa->plat.mem)
        vm_mem_set_write_notifier(sa->plat.mem, NULL, NULL);
    if (sa->plat.mmu)
        vm_mmu_destroy(sa->plat.mmu);
    rv_platform_fini(&sa->plat);
}

static int soft_vcpu_init(struct vm_vcpu *vcpu, const struct vm_vcpu_options *opt)
{
    struct soft_accel *sa = vm_accel_priv(vm_vcpu_accel(vcpu));
    struct rv_hart *h = vm_vcpu_priv(vcpu);
    if (sa->nharts == MAX_HARTS)
        return vm_error(VM_EINVAL, "soft accelerator: at most %d harts", MAX_HARTS);
    int rc = rv_hart_init(h, &sa->plat, opt);
    if (rc < 0)
        return rc;
    sa->harts[sa->nharts++] = h;
    rv_code_map_add_hart(&sa->plat, h);
    return 0;
}

static void soft_vcpu_fini(struct vm_vcpu *vcpu)
{
    struct soft_accel *sa = vm_accel_priv(vm_vcpu_accel(vcpu));
    struct rv_hart *h = vm_vcpu_priv(vcpu);
    for (unsigned i = 0; i < sa->nharts; i++)
        if (sa->harts[i] == h) {
            sa->harts[i] = sa->harts[--sa->nharts];
            break;
        }
    rv_code_map_remove_hart(&sa->plat, h);
    if (h->jit) {
        struct rv_jit_stats st;
        rv_jit_get_stats(h, &st);
        rv_jit_stats_add(&sa->jit_stats, &st);
        sa->jit_harts++;
    }
    rv_hart_fini(h);
}

static int soft_run(struct vm_vcpu *vcpu, struct vm_exit *exit)
{
    struct rv_hart *h = vm_vcpu_priv(vcpu);
    uint64_t pa, data;
    unsigned size;
    bool write;
    /* The runner served an MMIO exit: the access completes when the
     * instruction runs again (a load gets exit->u.mmio.data). */
    if (exit->kind == VM_EXIT_MMIO && vm_mmu_mmio_exit(h->mmu, &pa, &size, &write, &data) &&
        exit->u.mmio.addr == pa)
        vm_mmu_mmio_complete(h->mmu, exit->u.mmio.data);
    return rv_hart_run(h, exit);
}

static void soft_kick(struct vm_vcpu *vcpu)
{
    rv_hart_kick(vm_vcpu_priv(vcpu));
}

static int soft_get_regs(struct vm_vcpu *vcpu, enum vm_regset set, void *buf)
{
    struct rv_hart *h = vm_vcpu_priv(vcpu);
    if (set == VM_REGSET_FPU) {
        struct vm_riscv_fpu_regs *r = buf;
        memcpy(r->f, h->f, sizeof(r->f));
        r->fcsr = (uint64_t)h->frm << 5 | h->fflags;
        return 0;
    }
    struct vm_riscv_core_regs *r = buf;
    memcpy(r->x, h->x, sizeof(r->x));
    r->x[0] = 0;
    r->pc = h->pc;
    r->priv = h->priv;
    r->mstatus = h->mstatus;
    r->misa = MISA_VALUE;
    r->medeleg = h->medeleg;
    r->mideleg = h->mideleg;
    r->mie = h->mie;
    r->mip = rv_read_mip(h);
    r->mtvec = h->mtvec;
    r->mscratch = h->mscratch;
    r->mepc = h->mepc;
    r->mcause = h->mcause;
    r->mtval = h->mtval;
    r->mcounteren = h->mcounteren;
    r->menvcfg = h->menvcfg;
    r->mhartid = h->hartid;
    r->sstatus = h->mstatus & SSTATUS_VISIBLE;
    r->sie = h->mie & h->mideleg;
    r->sip = r->mip & h->mideleg;
    r->stvec = h->stvec;
    r->sscratch = h->sscratch;
    r->sepc = h->sepc;
    r->scause = h->scause;
    r->stval = h->stval;
    r->scounteren = h->scounteren;
    r->senvcfg = h->senvcfg;
    r->satp = h->satp;
    r->stimecmp = h->stimecmp;
    r->mcycle = h->cycle;
    r->minstret = h->instret;
    return 0;
}

/* Writes go through the CSR legalisation (as M-mode would write them);
 * the S-mode views (sstatus, sie, sip) and read-only fields are ignored. */
static int soft_set_regs(struct vm_vcpu *vcpu, enum vm_regset set, const void *buf)
{
    struct rv_hart *h = vm_vcpu_priv(vcpu);
    if (set == VM_REGSET_FPU) {
        const struct vm_riscv_fpu_regs *r = buf;
        memcpy(h->f, r->f, sizeof(h->f));
        h->frm = (r->fcsr >> 5) & 7;
        h->fflags = r->fcsr & 0x1f;
        return 0;
    }
    const struct vm_riscv_core_regs *r = buf;
    if (r->priv != VM_PRIV_U && r->priv != VM_PRIV_S && r->priv != VM_PRIV_M)
        return vm_error(VM_EINVAL, "riscv64: privilege %llu does not exist",
                        (unsigned long long)r->priv);
    memcpy(h->x, r->x, sizeof(r->x));
    h->x[0] = 0;
    h->pc = r->pc & ~1ULL;
    uint8_t saved = h->priv;
    h->priv = VM_PRIV_M; /* write CSRs with M-mode rights */
    static const struct { unsigned csr; size_t off; } csrs[] = {
#define C(csr, field) {csr, offsetof(struct vm_riscv_core_regs, field)}
        C(CSR_MSTATUS, mstatus), C(CSR_MEDELEG, medeleg), C(CSR_MIDELEG, mideleg),
        C(CSR_MIE, mie), C(CSR_MTVEC, mtvec), C(CSR_MSCRATCH, mscratch),
        C(CSR_MEPC, mepc), C(CSR_MCAUSE, mcause), C(CSR_MTVAL, mtval),
        C(CSR_MCOUNTEREN, mcounteren), C(CSR_MENVCFG, menvcfg), C(CSR_STVEC, stvec),
        C(CSR_SSCRATCH, sscratch), C(CSR_SEPC, sepc), C(CSR_SCAUSE, scause),
        C(CSR_STVAL, stval), C(CSR_SCOUNTEREN, scounteren), C(CSR_SENVCFG, senvcfg),
        C(CSR_SATP, satp), C(CSR_STIMECMP, stimecmp),
#undef C
    };
    for (unsigned i = 0; i < sizeof(csrs) / sizeof(csrs[0]); i++) {
        uint64_t v;
        memcpy(&v, (const char *)r + csrs[i].off, sizeof(v));
        rv_csr_write(h, csrs[i].csr, v);
    }
    /* mip as read includes device lines: write back only a real change */
    if (r->mip != rv_read_mip(h))
        rv_csr_write(h, CSR_MIP, r->mip);
    h->cycle = r->mcycle;
    h->instret = r->minstret;
    h->priv = saved;
    rv_set_priv(h, (unsigned)r->priv);
    rv_vcache_flush(h);
    h->events |= RV_EV_IRQ;
    return 0;
}

static int soft_watch_writes(struct vm_accel *accel, uint64_t pa, uint64_t len)
{
    struct soft_accel *sa = vm_accel_priv(accel);
    struct rv_platform *plat = &sa->plat;
    if (len == 0 || pa + len < pa)
        return vm_error(VM_EINVAL, "watch range 0x%llx+0x%llx is empty or wraps",
                        (unsigned long long)pa, (unsigned long long)len);
    if (plat->nwatch == RV_MAX_WATCH)
        return vm_error(VM_EINVAL, "soft accelerator: at most %d watched ranges", RV_MAX_WATCH);
    plat->watch[plat->nwatch].pa = pa;
    plat->watch[plat->nwatch].len = len;
    plat->nwatch++;
    /* The MMU reports stores to watched pages through the code-write
     * hook, whatever the width or path (plain, misaligned, AMO, SC). */
    for (unsigned i = 0; i < sa->nharts; i++)
        for (uint64_t p = pa & ~0xfffULL; p < pa + len; p += RV_PAGE_SIZE)
            vm_mmu_watch_code_page(sa->harts[i]->mmu, p);
    return 0;
}

static int soft_set_debug(struct vm_vcpu *vcpu, const struct vm_vcpu_debug *dbg)
{
    return rv_debug_set(vm_vcpu_priv(vcpu), dbg);
}

/* One page's translation for a debugger: the hart's data view, and when
 * that fails in M-mode with paging set up (stopped in the firmware), the
 * supervisor's, so that kernel addresses can still be read. */
static bool debug_translate(struct rv_hart *h, uint64_t va, uint64_t *pa)
{
    struct vm_mmu_result r;
    vm_mmu_translate_batch(h->mmu, &va, 1, VM_ACCESS_LOAD, &r);
    if (r.fault != VM_FAULT_NONE && h->priv == VM_PRIV_M && (h->satp >> 60) != VM_SATP_BARE)
        r = vm_mmu_translate_as(h->mmu, va, VM_PRIV_S);
    *pa = r.pa;
    return r.fault == VM_FAULT_NONE;
}

static long soft_debug_access(struct vm_vcpu *vcpu, uint64_t va, void *buf, size_t len,
                              bool write)
{
    struct soft_accel *sa = vm_accel_priv(vm_vcpu_accel(vcpu));
    struct rv_hart *h = vm_vcpu_priv(vcpu);
    size_t done = 0;
    while (done < len) {
        uint64_t a = va + done, pa;
        size_t n = RV_PAGE_SIZE - (a & (RV_PAGE_SIZE - 1));
        if (n > len - done)
            n = len - done;
        if (!debug_translate(h, a, &pa))
            break;
        uint8_t *host = vm_mem_ram_ptr(sa->plat.mem, pa, n);
        if (!host)
            break; /* MMIO or nothing: a debugger read must not poke devices */
        if (write) {
            memcpy(host, (const uint8_t *)buf + done, n);
            vm_mem_mark_dirty(vm_mem_find(sa->plat.mem, pa), pa);
            vm_mem_notify_write(sa->plat.mem, pa, n); /* drops code it overwrote */
        } else {
            memcpy((uint8_t *)buf + done, host, n);
        }
        done += n;
    }
    return (long)done;
}

static void soft_vcpu_stats(struct vm_vcpu *vcpu, char *buf, size_t size)
{
    const struct rv_hart *h = vm_vcpu_priv(vcpu);
    struct vm_mmu_stats m;
    vm_mmu_get_stats(h->mmu, &m);
    snprintf(buf, size,
             "cbo.zero %" PRIu64 ", cbo.clean/flush/inval %" PRIu64
             ", sfence.w.inval/inval.ir %" PRIu64 ", seed %" PRIu64
             ", clmul %" PRIu64 ", aes/sha %" PRIu64
             ", walks to PBMT NC/IO pages %" PRIu64 "/%" PRIu64 ", to NAPOT pages %" PRIu64,
             h->used.cbo_zero, h->used.cbo_mgmt, h->used.sfence_inval, h->used.seed,
             h->used.clmul, h->used.zkn,
             m.walk_pbmt_nc, m.walk_pbmt_io, m.walk_napot);
}

int vm_riscv_trigger(struct vm_vcpu *vcpu, unsigned index, uint64_t *tdata1, uint64_t *tdata2,
                     bool write)
{
    if (vm_accel_ops_of(vm_vcpu_accel(vcpu)) != &vm_accel_soft_ops ||
        rv_trig_debug_access(vm_vcpu_priv(vcpu), index, tdata1, tdata2, write) < 0)
        return vm_error(VM_EINVAL, "trigger %u: no such trigger on this vCPU", index);
    return 0;
}

static struct rv_hart *soft_hart(struct vm_vcpu *vcpu)
{
    if (!vcpu || vm_accel_ops_of(vm_vcpu_accel(vcpu)) != &vm_accel_soft_ops)
        return NULL;
    return vm_vcpu_priv(vcpu);
}

int vm_riscv_vcpu_get_x(struct vm_vcpu *vcpu, unsigned n, uint64_t *value)
{
    struct rv_hart *h = soft_hart(vcpu);
    if (!h || n > VM_RISCV_REG_PC)
        return vm_error(VM_EINVAL, "no soft hart register %u", n);
    *value = n == VM_RISCV_REG_PC ? h->pc : n ? h->x[n] : 0;
    return 0;
}

int vm_riscv_vcpu_set_x(struct vm_vcpu *vcpu, unsigned n, uint64_t value)
{
    struct rv_hart *h = soft_hart(vcpu);
    if (!h || n > VM_RISCV_REG_PC)
        return vm_error(VM_EINVAL, "no soft hart register %u", n);
    if (n == VM_RISCV_REG_PC)
        h->pc = value & ~1ULL;
    else if (n)
        h->x[n] = value;
    return 0;
}

int vm_riscv_vcpu_sfence(struct vm_vcpu *vcpu)
{
    struct rv_hart *h = soft_hart(vcpu);
    if (!h)
        return vm_error(VM_EINVAL, "not a soft hart");
    vm_mmu_sfence(h->mmu, false, 0, false, 0);
    rv_vcache_flush(h);
    return 0;
}

void vm_riscv_vcpu_kick_async(struct vm_vcpu *vcpu)
{
    struct rv_hart *h = soft_hart(vcpu);
    if (h) {
        __atomic_store_n(&h->kick, 1, __ATOMIC_RELEASE);
        rv_hart_poke(h);
    }
}

int vm_riscv_vcpu_after_fork(struct vm_vcpu *vcpu)
{
    struct rv_hart *h = soft_hart(vcpu);
    if (!h)
        return vm_error(VM_EINVAL, "not a soft hart");
    return rv_jit_after_fork(h);
}

int vm_riscv_vcpu_set_flat(struct vm_vcpu *vcpu, const struct vm_riscv_flat *flat)
{
    struct rv_hart *h = soft_hart(vcpu);
    if (!h)
        return vm_error(VM_EINVAL, "not a soft hart");
    h->flat = flat;
    return 0;
}

struct vm_mmu_hart *vm_riscv_vcpu_mmu(struct vm_vcpu *vcpu)
{
    if (!vcpu || vm_accel_ops_of(vm_vcpu_accel(vcpu)) != &vm_accel_soft_ops)
        return NULL;
    return ((struct rv_hart *)vm_vcpu_priv(vcpu))->mmu;
}

void vm_riscv_hart_irq(void *opaque, unsigned n, bool level)
{
    struct vm_vcpu *vcpu = opaque;
    if (!vcpu || vm_accel_ops_of(vm_vcpu_accel(vcpu)) != &vm_accel_soft_ops)
        return;
    if (n != IRQ_MSI && n != IRQ_MTI && n != IRQ_MEI && n != IRQ_SEI)
        return;
    rv_hart_set_irq(vm_vcpu_priv(vcpu), 1ULL << n, level);
}

const struct vm_accel_ops vm_accel_soft_ops = {
    .name = "soft",
    .description = "RISC-V 64: interpreter, or translated code (jit=on, x86-64 hosts)",
    .probe = soft_probe,
    .accel_size = sizeof(struct soft_accel),
    .vcpu_size = sizeof(struct rv_hart),
    .init = soft_init,
    .fini = soft_fini,
    .vcpu_init = soft_vcpu_init,
    .vcpu_fini = soft_vcpu_fini,
    .vcpu_run = soft_run,
    .vcpu_kick = soft_kick,
    .get_regs = soft_get_regs,
    .set_regs = soft_set_regs,
    .watch_writes = soft_watch_writes,
    .vcpu_stats = soft_vcpu_stats,
    .set_debug = soft_set_debug,
    .debug_access = soft_debug_access,
    .accepts_props = true,
};
