/* What a vCPU looks like to its guest: CPUID from KVM_GET_SUPPORTED_CPUID,
 * normalised per vCPU (hypervisor bit, APIC IDs, topology: one package of
 * nr_vcpus cores, one thread each), and the MSRs a 64-bit boot expects. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>

#include "accel/kvm_internal.h"
#include "vm/error.h"

#define CPUID_1_ECX_HYPERVISOR (1u << 31)
#define CPUID_1_EDX_HTT (1u << 28)
#define TOPO_LEVEL_SMT 1u
#define TOPO_LEVEL_CORE 2u

/* Bits needed to number n items (the APIC ID shift of a topology level). */
static unsigned order_of(unsigned n)
{
    unsigned bits = 0;
    while ((1u << bits) < n)
        bits++;
    return bits;
}

static void fix_entry(struct kvm_cpuid_entry2 *e, unsigned apic_id, unsigned nr_vcpus)
{
    switch (e->function) {
    case 1:
        e->ecx |= CPUID_1_ECX_HYPERVISOR;
        /* EBX: initial APIC ID in 31:24, logical processors per package in 23:16 */
        e->ebx = (e->ebx & 0xffffu) | (apic_id << 24) | ((nr_vcpus & 0xffu) << 16);
        if (nr_vcpus > 1)
            e->edx |= CPUID_1_EDX_HTT;
        else
            e->edx &= ~CPUID_1_EDX_HTT;
        break;
    case 4: /* deterministic cache parameters: cores per package - 1 in 31:26 */
        if (e->eax & 0x1f)
            e->eax = (e->eax & 0x03ffffffu) | ((nr_vcpus - 1) & 0x3fu) << 26;
        break;
    case 0xb:
    case 0x1f: /* extended topology: x2APIC ID in EDX of every sub-leaf */
        e->edx = apic_id;
        if (e->index == 0) { /* threads: one per core */
            e->eax = 0;
            e->ebx = 1;
            e->ecx = TOPO_LEVEL_SMT << 8;
        } else if (e->index == 1) { /* cores: nr_vcpus per package */
            e->eax = order_of(nr_vcpus);
            e->ebx = nr_vcpus;
            e->ecx = TOPO_LEVEL_CORE << 8 | 1;
        } else { /* no further levels */
            e->eax = e->ebx = 0;
            e->ecx = e->index;
        }
        break;
    default:
        break;
    }
}

int kvm_cpuid_setup(struct kvm_accel *ka, struct kvm_vcpu *kv)
{
    size_t bytes = sizeof(struct kvm_cpuid2) + ka->cpuid->nent * sizeof(struct kvm_cpuid_entry2);
    struct kvm_cpuid2 *c = malloc(bytes);
    if (!c)
        return vm_error(VM_ENOMEM, "kvm: out of host memory");
    memcpy(c, ka->cpuid, bytes);
    for (unsigned i = 0; i < c->nent; i++)
        fix_entry(&c->entries[i], kv->id, ka->nr_vcpus);
    int rc = 0;
    if (ioctl(kv->fd, KVM_SET_CPUID2, c) < 0)
        rc = vm_error(VM_EIO, "kvm: vCPU %u: KVM_SET_CPUID2: %s", kv->id, strerror(errno));
    free(c);
    return rc;
}

/* The MSRs a 64-bit kernel expects at entry: syscall MSRs cleared, fast
 * strings on, MTRRs enabled with write-back as the default type. */
static const struct {
    uint32_t index;
    uint64_t value;
    const char *name;
} boot_msrs[] = {
    {0x174, 0, "IA32_SYSENTER_CS"},
    {0x175, 0, "IA32_SYSENTER_ESP"},
    {0x176, 0, "IA32_SYSENTER_EIP"},
    {0xc0000081, 0, "STAR"},
    {0xc0000082, 0, "LSTAR"},
    {0xc0000083, 0, "CSTAR"},
    {0xc0000084, 0, "SYSCALL_MASK"},
    {0xc0000102, 0, "KERNEL_GS_BASE"},
    {0x10, 0, "IA32_TSC"},
    {0x1a0, 1, "IA32_MISC_ENABLE"},
    {0x2ff, (1u << 11) | 6, "MTRR_DEF_TYPE"},
};
#define NBOOT_MSRS (sizeof(boot_msrs) / sizeof(boot_msrs[0]))

int kvm_msrs_setup(struct kvm_vcpu *kv)
{
    /* kvm_msrs ends in a flexible array: room for it in a union */
    union {
        struct kvm_msrs hdr;
        char bytes[sizeof(struct kvm_msrs) + NBOOT_MSRS * sizeof(struct kvm_msr_entry)];
    } m;
    memset(&m, 0, sizeof(m));
    m.hdr.nmsrs = NBOOT_MSRS;
    for (unsigned i = 0; i < NBOOT_MSRS; i++) {
        m.hdr.entries[i].index = boot_msrs[i].index;
        m.hdr.entries[i].data = boot_msrs[i].value;
    }
    int n = ioctl(kv->fd, KVM_SET_MSRS, &m);
    if (n < 0)
        return vm_error(VM_EIO, "kvm: vCPU %u: KVM_SET_MSRS: %s", kv->id, strerror(errno));
    if ((unsigned)n < NBOOT_MSRS)
        return vm_error(VM_ENOTSUP, "kvm: vCPU %u: KVM refused the MSR %s (0x%x)", kv->id,
                        boot_msrs[n].name, boot_msrs[n].index);
    return 0;
}
