/* Long-mode entry state for x86-64 guests (see x86_boot.h). */
#include "boards/x86-microvm/x86_boot.h"

#include <string.h>

#include "boards/x86-microvm/microvm_layout.h"
#include "vm/error.h"
#include "vm/x86.h"

#define CR0_PE (1ULL << 0)
#define CR0_MP (1ULL << 1)
#define CR0_ET (1ULL << 4)
#define CR0_NE (1ULL << 5)
#define CR0_PG (1ULL << 31)
#define CR4_PAE (1ULL << 5)
#define CR4_OSFXSR (1ULL << 9)     /* SSE usable, as any 64-bit OS needs */
#define CR4_OSXMMEXCPT (1ULL << 10)
#define EFER_LME (1ULL << 8)
#define EFER_LMA (1ULL << 10)
#define PTE_P 1ULL
#define PTE_RW 2ULL
#define PTE_PS 0x80ULL

/* base 0, limit 4 GiB, present, granularity 4 KiB; the boot protocol
 * wants code at 0x10 and data at 0x18 */
static const uint64_t gdt[] = {
    0,                     /* null */
    0,                     /* 0x08: unused */
    0x00af9b000000ffffULL, /* 0x10: code, 64-bit (L), DPL 0, execute/read, accessed */
    0x00cf93000000ffffULL, /* 0x18: data, 32-bit, read/write, accessed */
    0x008f8b000000ffffULL, /* 0x20: TSS, 64-bit busy */
};

int x86_boot_write_tables(struct vm_mem *mem)
{
    uint64_t fail = 0;
    int rc = vm_mem_write(mem, MICROVM_GDT_ADDR, gdt, sizeof(gdt), &fail);
    uint64_t zero = 0;
    if (rc == 0)
        rc = vm_mem_write(mem, MICROVM_IDT_ADDR, &zero, sizeof(zero), &fail);
    uint64_t pml4e = MICROVM_PDPT_ADDR | PTE_P | PTE_RW;
    if (rc == 0)
        rc = vm_mem_write(mem, MICROVM_PML4_ADDR, &pml4e, 8, &fail);
    unsigned pds = (unsigned)(MICROVM_IDENT_MAP_SIZE >> 30);
    for (unsigned i = 0; i < pds && rc == 0; i++) {
        uint64_t pdpte = (MICROVM_PD_ADDR + i * 4096ULL) | PTE_P | PTE_RW;
        rc = vm_mem_write(mem, MICROVM_PDPT_ADDR + i * 8ULL, &pdpte, 8, &fail);
    }
    for (uint64_t j = 0; j < (MICROVM_IDENT_MAP_SIZE >> 21) && rc == 0; j++) {
        uint64_t pde = (j << 21) | PTE_P | PTE_RW | PTE_PS;
        rc = vm_mem_write(mem, MICROVM_PD_ADDR + j * 8, &pde, 8, &fail);
    }
    if (rc < 0)
        return vm_error(VM_EFAULT, "x86 boot tables: guest address 0x%llx is not RAM",
                        (unsigned long long)fail);
    return 0;
}

static struct vm_x86_segment flat_segment(uint16_t selector, uint8_t type, int code)
{
    struct vm_x86_segment s = {
        .base = 0, .limit = 0xffffffff, .selector = selector, .type = type,
        .present = 1, .dpl = 0, .db = code ? 0 : 1, .s = 1, .l = code ? 1 : 0, .g = 1,
    };
    return s;
}

int x86_boot_enter_long_mode(struct vm_vcpu *vcpu, uint64_t rip, uint64_t rsp, uint64_t rsi)
{
    struct vm_x86_core_regs r;
    int rc = vm_vcpu_get_regs(vcpu, VM_REGSET_CORE, &r);
    if (rc < 0)
        return rc;
    uint64_t apic_base = r.apic_base;
    memset(&r, 0, sizeof(r));
    r.apic_base = apic_base;
    r.rip = rip;
    r.rsp = rsp;
    r.rsi = rsi;
    r.rflags = 0x2; /* bit 1 is always set; interrupts off */
    r.cs = flat_segment(X86_BOOT_CS, 0xb, 1);
    r.ds = r.es = r.fs = r.gs = r.ss = flat_segment(X86_BOOT_DS, 0x3, 0);
    r.tr = (struct vm_x86_segment){.limit = 0xffffffff, .selector = X86_BOOT_TSS, .type = 0xb,
                                   .present = 1, .g = 1};
    r.ldt = (struct vm_x86_segment){.type = 0x2, .present = 1, .unusable = 1};
    r.gdt.base = MICROVM_GDT_ADDR;
    r.gdt.limit = sizeof(gdt) - 1;
    r.idt.base = MICROVM_IDT_ADDR;
    r.idt.limit = 0;
    r.cr0 = CR0_PE | CR0_MP | CR0_ET | CR0_NE | CR0_PG;
    r.cr3 = MICROVM_PML4_ADDR;
    r.cr4 = CR4_PAE | CR4_OSFXSR | CR4_OSXMMEXCPT;
    r.efer = EFER_LME | EFER_LMA;
    return vm_vcpu_set_regs(vcpu, VM_REGSET_CORE, &r);
}
