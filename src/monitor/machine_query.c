/* Looking at a running machine from a monitor thread (machine_query.h). */
#include "monitor/machine_query.h"

#include <string.h>

#include "boards/machine.h"
#include "boards/runctl.h"
#include "vm/error.h"
#include "vm/riscv.h"

int vm_query_on_vcpu(struct vm_machine *m, unsigned i,
                     int (*fn)(struct vm_vcpu *vcpu, void *arg), void *arg)
{
    if (!m)
        return vm_error(VM_EINVAL, "no machine yet");
    if (i >= vm_machine_vcpu_count(m))
        return vm_error(VM_EINVAL, "no CPU %u", i);
    /* A brief pause of its own (not the user's stop: no STOP/RESUME). */
    bool running = vm_runctl_state(m) == VM_RUN_RUNNING;
    if (running)
        vm_machine_pause(m);
    int rc = vm_machine_vcpu_call(m, i, fn, arg);
    if (running)
        vm_machine_resume(m);
    return rc;
}

static int read_regs(struct vm_vcpu *vcpu, void *arg)
{
    struct vm_query_regs *r = arg;
    r->map = vm_accel_reg_map(vm_vcpu_accel(vcpu));
    if (!r->map || r->map->set_size[0] > sizeof(r->core) || r->map->set_size[1] > sizeof(r->fpu))
        return vm_error(VM_ENOTSUP, "no register map for this CPU");
    int rc = vm_vcpu_get_regs(vcpu, VM_REGSET_CORE, r->core);
    if (rc == 0 && r->map->set_size[1])
        rc = vm_vcpu_get_regs(vcpu, VM_REGSET_FPU, r->fpu);
    return rc;
}

int vm_query_regs(struct vm_machine *m, unsigned i, struct vm_query_regs *out)
{
    memset(out, 0, sizeof(*out));
    return vm_query_on_vcpu(m, i, read_regs, out);
}

uint64_t vm_query_reg_value(const struct vm_query_regs *r, const struct vm_reg_desc *d)
{
    const uint8_t *set = d->set == VM_REGSET_CORE ? r->core : r->fpu;
    return vm_ld_le(set + d->offset, d->size);
}

static int read_mmu(struct vm_vcpu *vcpu, void *arg)
{
    struct vm_query_mmu *q = arg;
    struct vm_mmu_hart *h = vm_riscv_vcpu_mmu(vcpu);
    if (!h)
        return vm_error(VM_ENOTSUP, "this CPU has no soft MMU (its accelerator translates)");
    vm_mmu_get_stats(h, &q->stats);
    vm_mmu_describe_policy(h, q->policy, sizeof(q->policy));
    return 0;
}

int vm_query_mmu(struct vm_machine *m, unsigned i, struct vm_query_mmu *out)
{
    memset(out, 0, sizeof(*out));
    return vm_query_on_vcpu(m, i, read_mmu, out);
}

size_t vm_query_read_phys(struct vm_machine *m, uint64_t pa, void *buf, size_t len)
{
    if (!m)
        return 0;
    struct vm_mem *mem = vm_machine_hold_mem(m);
    size_t done = 0;
    if (mem) {
        uint64_t fail = pa; /* bytes before the failing address are copied */
        done = vm_mem_read(mem, pa, buf, len, &fail) == 0 ? len : (size_t)(fail - pa);
    }
    vm_machine_release_mem(m);
    return done;
}

struct virt_read {
    uint64_t va;
    void *buf;
    size_t len;
    long done;
};

static int read_virt(struct vm_vcpu *vcpu, void *arg)
{
    struct virt_read *r = arg;
    r->done = vm_vcpu_debug_access(vcpu, r->va, r->buf, r->len, false);
    return r->done < 0 ? (int)r->done : 0;
}

size_t vm_query_read_virt(struct vm_machine *m, unsigned i, uint64_t va, void *buf, size_t len)
{
    struct virt_read r = {va, buf, len, 0};
    if (vm_query_on_vcpu(m, i, read_virt, &r) < 0 || r.done < 0)
        return 0;
    return (size_t)r.done;
}
