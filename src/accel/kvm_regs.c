/* kvm register sets: struct vm_x86_core_regs <-> KVM_GET/SET_REGS + SREGS,
 * struct vm_x86_fpu_regs <-> KVM_GET/SET_XSAVE (KVM_GET/SET_FPU where KVM
 * has no XSAVE). */
#include <cpuid.h>
#include <errno.h>
#include <string.h>
#include <sys/ioctl.h>

#include "accel/kvm_internal.h"
#include "vm/error.h"
#include "vm/x86.h"

/* ---- core: GPRs, rip, rflags, segments, control registers -------------- */

/* KVM's segment and ours have the same fields under the same names. */
#define SEG_COPY(d, s)                                                                            \
    do {                                                                                          \
        memset((d), 0, sizeof(*(d)));                                                             \
        (d)->base = (s)->base;                                                                    \
        (d)->limit = (s)->limit;                                                                  \
        (d)->selector = (s)->selector;                                                            \
        (d)->type = (s)->type;                                                                    \
        (d)->present = (s)->present;                                                              \
        (d)->dpl = (s)->dpl;                                                                      \
        (d)->db = (s)->db;                                                                        \
        (d)->s = (s)->s;                                                                          \
        (d)->l = (s)->l;                                                                          \
        (d)->g = (s)->g;                                                                          \
        (d)->avl = (s)->avl;                                                                      \
        (d)->unusable = (s)->unusable;                                                            \
    } while (0)

static void seg_from_kvm(struct vm_x86_segment *d, const struct kvm_segment *s)
{
    SEG_COPY(d, s);
}

static void seg_to_kvm(struct kvm_segment *d, const struct vm_x86_segment *s)
{
    SEG_COPY(d, s);
}

static int get_core(struct kvm_vcpu *kv, struct vm_x86_core_regs *r)
{
    struct kvm_regs g;
    struct kvm_sregs s;
    if (ioctl(kv->fd, KVM_GET_REGS, &g) < 0 || ioctl(kv->fd, KVM_GET_SREGS, &s) < 0)
        return vm_error(VM_EIO, "kvm: vCPU %u: cannot read registers: %s", kv->id,
                        strerror(errno));
    memset(r, 0, sizeof(*r));
    r->rax = g.rax; r->rbx = g.rbx; r->rcx = g.rcx; r->rdx = g.rdx;
    r->rsi = g.rsi; r->rdi = g.rdi; r->rbp = g.rbp; r->rsp = g.rsp;
    r->r8 = g.r8;   r->r9 = g.r9;   r->r10 = g.r10; r->r11 = g.r11;
    r->r12 = g.r12; r->r13 = g.r13; r->r14 = g.r14; r->r15 = g.r15;
    r->rip = g.rip;
    r->rflags = g.rflags;
    seg_from_kvm(&r->cs, &s.cs);
    seg_from_kvm(&r->ss, &s.ss);
    seg_from_kvm(&r->ds, &s.ds);
    seg_from_kvm(&r->es, &s.es);
    seg_from_kvm(&r->fs, &s.fs);
    seg_from_kvm(&r->gs, &s.gs);
    seg_from_kvm(&r->tr, &s.tr);
    seg_from_kvm(&r->ldt, &s.ldt);
    r->gdt.base = s.gdt.base;
    r->gdt.limit = s.gdt.limit;
    r->idt.base = s.idt.base;
    r->idt.limit = s.idt.limit;
    r->cr0 = s.cr0; r->cr2 = s.cr2; r->cr3 = s.cr3; r->cr4 = s.cr4; r->cr8 = s.cr8;
    r->efer = s.efer;
    r->apic_base = s.apic_base;
    return 0;
}

static int set_core(struct kvm_vcpu *kv, const struct vm_x86_core_regs *r)
{
    struct kvm_sregs s;
    /* read first: keeps the pending-interrupt bitmap */
    if (ioctl(kv->fd, KVM_GET_SREGS, &s) < 0)
        return vm_error(VM_EIO, "kvm: vCPU %u: KVM_GET_SREGS: %s", kv->id, strerror(errno));
    seg_to_kvm(&s.cs, &r->cs);
    seg_to_kvm(&s.ss, &r->ss);
    seg_to_kvm(&s.ds, &r->ds);
    seg_to_kvm(&s.es, &r->es);
    seg_to_kvm(&s.fs, &r->fs);
    seg_to_kvm(&s.gs, &r->gs);
    seg_to_kvm(&s.tr, &r->tr);
    seg_to_kvm(&s.ldt, &r->ldt);
    s.gdt.base = r->gdt.base;
    s.gdt.limit = r->gdt.limit;
    s.idt.base = r->idt.base;
    s.idt.limit = r->idt.limit;
    s.cr0 = r->cr0; s.cr2 = r->cr2; s.cr3 = r->cr3; s.cr4 = r->cr4; s.cr8 = r->cr8;
    s.efer = r->efer;
    s.apic_base = r->apic_base;
    if (ioctl(kv->fd, KVM_SET_SREGS, &s) < 0)
        return vm_error(VM_EINVAL, "kvm: vCPU %u: KVM refused the segment/control registers: %s",
                        kv->id, strerror(errno));
    struct kvm_regs g = {
        .rax = r->rax, .rbx = r->rbx, .rcx = r->rcx, .rdx = r->rdx,
        .rsi = r->rsi, .rdi = r->rdi, .rbp = r->rbp, .rsp = r->rsp,
        .r8 = r->r8,   .r9 = r->r9,   .r10 = r->r10, .r11 = r->r11,
        .r12 = r->r12, .r13 = r->r13, .r14 = r->r14, .r15 = r->r15,
        .rip = r->rip, .rflags = r->rflags,
    };
    if (ioctl(kv->fd, KVM_SET_REGS, &g) < 0)
        return vm_error(VM_EINVAL, "kvm: vCPU %u: KVM_SET_REGS: %s", kv->id, strerror(errno));
    return 0;
}

/* ---- fpu: x87, SSE, AVX upper halves ---------------------------------- */

/* The standard (non-compacted) XSAVE layout: the FXSAVE image at 0, the
 * header (XSTATE_BV) at 512, and the AVX area where CPUID 0xD.2 says. */
#define XS_FCW 0
#define XS_FSW 2
#define XS_FTW 4
#define XS_FOP 6
#define XS_FIP 8
#define XS_FDP 16
#define XS_MXCSR 24
#define XS_ST 32
#define XS_XMM 160
#define XS_XSTATE_BV 512
#define XSTATE_X87 1u
#define XSTATE_SSE 2u
#define XSTATE_AVX 4u

/* Offset of the AVX state in the host's XSAVE layout, 0 if the host has
 * no AVX enabled in XCR0. */
static unsigned avx_offset(void)
{
    unsigned a, b, c, d;
    if (!__get_cpuid_count(0xd, 0, &a, &b, &c, &d) || !(a & XSTATE_AVX))
        return 0;
    if (!__get_cpuid_count(0xd, 2, &a, &b, &c, &d) || b + 256 > 4096)
        return 0;
    return b;
}

static uint64_t get_xcr0(struct kvm_accel *ka, struct kvm_vcpu *kv)
{
    struct kvm_xcrs x;
    if (!ka->has_xcrs || ioctl(kv->fd, KVM_GET_XCRS, &x) < 0)
        return XSTATE_X87 | XSTATE_SSE;
    for (unsigned i = 0; i < x.nr_xcrs && i < KVM_MAX_XCRS; i++)
        if (x.xcrs[i].xcr == 0)
            return x.xcrs[i].value;
    return XSTATE_X87 | XSTATE_SSE;
}

static void ld(void *dst, const uint8_t *area, unsigned off, size_t n)
{
    memcpy(dst, area + off, n);
}

static void st(uint8_t *area, unsigned off, const void *src, size_t n)
{
    memcpy(area + off, src, n);
}

static int get_fpu(struct kvm_accel *ka, struct kvm_vcpu *kv, struct vm_x86_fpu_regs *r)
{
    memset(r, 0, sizeof(*r));
    r->xcr0 = get_xcr0(ka, kv);
    if (!ka->has_xsave) {
        struct kvm_fpu f;
        if (ioctl(kv->fd, KVM_GET_FPU, &f) < 0)
            return vm_error(VM_EIO, "kvm: vCPU %u: KVM_GET_FPU: %s", kv->id, strerror(errno));
        memcpy(r->st, f.fpr, sizeof(r->st));
        memcpy(r->xmm, f.xmm, sizeof(r->xmm));
        r->fcw = f.fcw; r->fsw = f.fsw; r->ftw = f.ftwx; r->fop = f.last_opcode;
        r->fip = f.last_ip; r->fdp = f.last_dp; r->mxcsr = f.mxcsr;
        return 0;
    }
    struct kvm_xsave xs;
    if (ioctl(kv->fd, KVM_GET_XSAVE, &xs) < 0)
        return vm_error(VM_EIO, "kvm: vCPU %u: KVM_GET_XSAVE: %s", kv->id, strerror(errno));
    const uint8_t *a = (const uint8_t *)xs.region;
    uint16_t w16;
    uint8_t w8;
    ld(&w16, a, XS_FCW, 2); r->fcw = w16;
    ld(&w16, a, XS_FSW, 2); r->fsw = w16;
    ld(&w8, a, XS_FTW, 1);  r->ftw = w8;
    ld(&w16, a, XS_FOP, 2); r->fop = w16;
    ld(&r->fip, a, XS_FIP, 8);
    ld(&r->fdp, a, XS_FDP, 8);
    ld(&r->mxcsr, a, XS_MXCSR, 4);
    ld(r->st, a, XS_ST, sizeof(r->st));
    ld(r->xmm, a, XS_XMM, sizeof(r->xmm));
    uint64_t bv;
    ld(&bv, a, XS_XSTATE_BV, 8);
    unsigned avx = avx_offset();
    if (avx && (bv & XSTATE_AVX)) /* else in its initial state: zero */
        ld(r->ymmh, a, avx, sizeof(r->ymmh));
    return 0;
}

static int set_fpu(struct kvm_accel *ka, struct kvm_vcpu *kv, const struct vm_x86_fpu_regs *r)
{
    if (!ka->has_xsave) {
        struct kvm_fpu f;
        memset(&f, 0, sizeof(f));
        memcpy(f.fpr, r->st, sizeof(f.fpr));
        memcpy(f.xmm, r->xmm, sizeof(f.xmm));
        f.fcw = (uint16_t)r->fcw; f.fsw = (uint16_t)r->fsw; f.ftwx = (uint8_t)r->ftw;
        f.last_opcode = (uint16_t)r->fop; f.last_ip = r->fip; f.last_dp = r->fdp;
        f.mxcsr = r->mxcsr;
        if (ioctl(kv->fd, KVM_SET_FPU, &f) < 0)
            return vm_error(VM_EINVAL, "kvm: vCPU %u: KVM_SET_FPU: %s", kv->id, strerror(errno));
        return 0;
    }
    struct kvm_xsave xs;
    if (ioctl(kv->fd, KVM_GET_XSAVE, &xs) < 0)
        return vm_error(VM_EIO, "kvm: vCPU %u: KVM_GET_XSAVE: %s", kv->id, strerror(errno));
    uint8_t *a = (uint8_t *)xs.region;
    uint16_t w16;
    uint8_t w8;
    w16 = (uint16_t)r->fcw; st(a, XS_FCW, &w16, 2);
    w16 = (uint16_t)r->fsw; st(a, XS_FSW, &w16, 2);
    w8 = (uint8_t)r->ftw;   st(a, XS_FTW, &w8, 1);
    w16 = (uint16_t)r->fop; st(a, XS_FOP, &w16, 2);
    st(a, XS_FIP, &r->fip, 8);
    st(a, XS_FDP, &r->fdp, 8);
    st(a, XS_MXCSR, &r->mxcsr, 4);
    st(a, XS_ST, r->st, sizeof(r->st));
    st(a, XS_XMM, r->xmm, sizeof(r->xmm));
    uint64_t bv;
    ld(&bv, a, XS_XSTATE_BV, 8);
    bv |= XSTATE_X87 | XSTATE_SSE;
    unsigned avx = avx_offset();
    if (avx) {
        st(a, avx, r->ymmh, sizeof(r->ymmh));
        bv |= XSTATE_AVX;
    }
    st(a, XS_XSTATE_BV, &bv, 8);
    if (ioctl(kv->fd, KVM_SET_XSAVE, &xs) < 0)
        return vm_error(VM_EINVAL, "kvm: vCPU %u: KVM refused the FPU state (bad MXCSR?): %s",
                        kv->id, strerror(errno));
    return 0;
}

int kvm_get_regs(struct vm_vcpu *vcpu, enum vm_regset set, void *buf)
{
    struct kvm_accel *ka = vm_accel_priv(vm_vcpu_accel(vcpu));
    struct kvm_vcpu *kv = vm_vcpu_priv(vcpu);
    if (set == VM_REGSET_CORE)
        return get_core(kv, buf);
    if (set == VM_REGSET_FPU)
        return get_fpu(ka, kv, buf);
    return vm_error(VM_EINVAL, "kvm: no register set %d", (int)set);
}

int kvm_set_regs(struct vm_vcpu *vcpu, enum vm_regset set, const void *buf)
{
    struct kvm_accel *ka = vm_accel_priv(vm_vcpu_accel(vcpu));
    struct kvm_vcpu *kv = vm_vcpu_priv(vcpu);
    if (set == VM_REGSET_CORE)
        return set_core(kv, buf);
    if (set == VM_REGSET_FPU)
        return set_fpu(ka, kv, buf);
    return vm_error(VM_EINVAL, "kvm: no register set %d", (int)set);
}
