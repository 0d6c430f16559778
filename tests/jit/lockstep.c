/* Lock-step JIT/interpreter comparison (lockstep.h). */
#include "lockstep.h"

#include <stdlib.h>
#include <string.h>

#include "riscv/decode.h"
#include "riscv/mmu_access.h"
#include "vm/error.h"

static int side_init(struct ls_side *s, uint64_t base, uint64_t size, const char *accel)
{
    memset(s, 0, sizeof(*s));
    s->mem = vm_mem_create();
    if (!s->mem || vm_mem_add_ram(s->mem, base, size, "ram") < 0)
        return -1;
    struct vm_accel_config ac = {.machine = "lockstep", .arch = VM_ARCH_RISCV64, .mem = s->mem,
                                 .nr_vcpus = 1};
    if (vm_accel_create(accel, &ac, false, &s->accel) < 0)
        return -1;
    struct vm_vcpu_options opt = {.id = 0};
    if (vm_vcpu_create(s->accel, &opt, &s->vcpu) < 0)
        return -1;
    s->h = vm_vcpu_priv(s->vcpu);
    s->ram = vm_mem_ram_ptr(s->mem, base, size);
    return s->ram ? 0 : -1;
}

int ls_init(struct ls_pair *p, uint64_t ram_base, uint64_t ram_size, const char *accel_props)
{
    memset(p, 0, sizeof(*p));
    p->ram_base = ram_base;
    p->ram_size = ram_size;
    char spec[128];
    snprintf(spec, sizeof(spec), "soft,jit=on%s%s", *accel_props ? "," : "", accel_props);
    if (side_init(&p->jit, ram_base, ram_size, spec) < 0 ||
        side_init(&p->ref, ram_base, ram_size, "soft,jit=off") < 0) {
        fprintf(stderr, "lockstep: %s\n", vm_error_message());
        return -1;
    }
    return 0;
}

static void side_fini(struct ls_side *s)
{
    vm_vcpu_destroy(s->vcpu);
    vm_accel_destroy(s->accel);
    vm_mem_destroy(s->mem);
}

void ls_fini(struct ls_pair *p)
{
    side_fini(&p->jit);
    side_fini(&p->ref);
}

void ls_write(struct ls_pair *p, uint64_t pa, const void *data, size_t len)
{
    vm_mem_write(p->jit.mem, pa, data, len, NULL);
    vm_mem_write(p->ref.mem, pa, data, len, NULL);
    rv_jit_flush(p->jit.h);
    rv_dcache_flush(p->ref.h);
}

void ls_set_pc(struct ls_pair *p, uint64_t pc)
{
    struct rv_hart *hs[2] = {p->jit.h, p->ref.h};
    for (unsigned i = 0; i < 2; i++) {
        rv_hart_reset(hs[i]);
        hs[i]->pc = pc;
        hs[i]->events = 0;
    }
}

/* Exactly one instruction (or trap) through the interpreter's semantics. */
static void ref_step(struct rv_hart *h)
{
    uint64_t lo, hi = 0, tval;
    enum vm_fault f = rv_fetch(h->mmu, h->pc, 2, &lo, &tval);
    if (f == VM_FAULT_NONE && (lo & 3) == 3)
        f = rv_fetch(h->mmu, h->pc + 2, 2, &hi, &tval);
    if (f != VM_FAULT_NONE) {
        rv_raise(h, (uint64_t)f, tval);
        return;
    }
    struct rv_decoded d;
    rv_decode((uint32_t)(lo & 0xffff) | (uint32_t)(hi & 0xffff) << 16, &h->isa, &d);
    struct rv_slot slot;
    rv_slot_fill(&slot, &d);
    rv_exec_one(h, &slot);
}

#define CMP(field)                                                                          \
    if (j->field != r->field) {                                                             \
        snprintf(p->diff, sizeof(p->diff), "%s: jit 0x%llx, interpreter 0x%llx", #field,    \
                 (unsigned long long)j->field, (unsigned long long)r->field);               \
        return false;                                                                       \
    }

bool ls_compare(struct ls_pair *p)
{
    struct rv_hart *j = p->jit.h, *r = p->ref.h;
    rv_sync_counters(j);
    rv_sync_counters(r);
    for (unsigned i = 1; i < 32; i++)
        if (j->x[i] != r->x[i]) {
            snprintf(p->diff, sizeof(p->diff), "x%u: jit 0x%llx, interpreter 0x%llx", i,
                     (unsigned long long)j->x[i], (unsigned long long)r->x[i]);
            return false;
        }
    for (unsigned i = 0; i < 32; i++)
        if (j->f[i] != r->f[i]) {
            snprintf(p->diff, sizeof(p->diff), "f%u: jit 0x%llx, interpreter 0x%llx", i,
                     (unsigned long long)j->f[i], (unsigned long long)r->f[i]);
            return false;
        }
    CMP(pc) CMP(priv) CMP(mstatus) CMP(mepc) CMP(mcause) CMP(mtval) CMP(sepc) CMP(scause)
    CMP(stval) CMP(instret) CMP(cycle) CMP(total_insns) CMP(fflags) CMP(frm) CMP(satp)
    CMP(mscratch) CMP(sscratch)
    if (memcmp(p->jit.ram, p->ref.ram, p->ram_size) != 0) {
        size_t i = 0;
        while (p->jit.ram[i] == p->ref.ram[i])
            i++;
        snprintf(p->diff, sizeof(p->diff), "RAM at 0x%llx: jit 0x%02x, interpreter 0x%02x",
                 (unsigned long long)(p->ram_base + i), p->jit.ram[i], p->ref.ram[i]);
        return false;
    }
    return true;
}

enum ls_result ls_step(struct ls_pair *p)
{
    struct rv_hart *j = p->jit.h, *r = p->ref.h;
    /* A random budget: several blocks per step, so chained jumps run too. */
    int64_t budget = 1 + (int64_t)(rand() % 64);
    p->step_pc = j->pc;
    /* What the hart loop's service() does between steps: take the pokes
     * and the code other writers invalidated. */
    struct rv_hart *hs[2] = {j, r};
    for (unsigned i = 0; i < 2; i++) {
        __atomic_store_n(&hs[i]->jit_limit, 0, __ATOMIC_SEQ_CST);
        __atomic_store_n(&hs[i]->irq_poke, 0, __ATOMIC_RELAXED);
        rv_code_sync(hs[i]);
    }
    rv_sync_counters(j);
    uint64_t before = j->total_insns;
    j->budget = j->entry_budget = budget;
    rv_current_hart = j;
    rv_hart_step(j);
    uint64_t n = j->total_insns - before;

    rv_current_hart = r;
    r->budget = r->entry_budget = INT64_MAX / 2;
    rv_sync_counters(r);
    uint64_t target = r->total_insns + n;
    for (uint64_t tries = 0; r->total_insns < target; tries++) {
        if (tries > 2 * n + 16) {
            rv_current_hart = NULL;
            snprintf(p->diff, sizeof(p->diff), "the interpreter does not retire the %llu "
                     "instructions the JIT did (it is at pc 0x%llx, the JIT at 0x%llx)",
                     (unsigned long long)n, (unsigned long long)r->pc,
                     (unsigned long long)j->pc);
            return LS_DIFF;
        }
        ref_step(r);
        rv_sync_counters(r);
    }
    /* The JIT side may have ended with a trap, which retires nothing. */
    if (r->pc != j->pc) {
        uint64_t t0 = r->total_insns;
        ref_step(r);
        rv_sync_counters(r);
        if (r->total_insns != t0) { /* it retired: not a trap; report the difference */
            rv_current_hart = NULL;
            snprintf(p->diff, sizeof(p->diff), "pc after %llu instructions: jit 0x%llx, "
                     "interpreter 0x%llx", (unsigned long long)n, (unsigned long long)j->pc,
                     (unsigned long long)(r->pc));
            return LS_DIFF;
        }
    }
    rv_current_hart = NULL;
    p->steps++;
    p->insns += n;
    if (!ls_compare(p))
        return LS_DIFF;
    if (j->events & (RV_EV_EXIT | RV_EV_WFI | RV_EV_WATCH))
        return LS_STOP;
    j->events &= RV_EV_CROSS; /* the next step runs that instruction */
    r->events = 0;
    return LS_SAME;
}
