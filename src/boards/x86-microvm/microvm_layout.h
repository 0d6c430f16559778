/* Every guest address of the x86-64 microVM, in one place (as Firecracker's
 * arch/x86_64/layout.rs). Low memory follows the PC: real-mode data below
 * 0x500, boot structures in conventional memory, the EBDA and BIOS area
 * below 1 MiB reserved, the kernel at 1 MiB, a 32-bit MMIO hole below
 * 4 GiB (devices, IOAPIC, local APIC) and RAM past it above 4 GiB. */
#ifndef VM_MICROVM_LAYOUT_H
#define VM_MICROVM_LAYOUT_H

/* ---- boot structures in conventional memory ---------------------------- */
#define MICROVM_GDT_ADDR 0x500ULL        /* 5 descriptors: null, -, code64, data, tss */
#define MICROVM_IDT_ADDR 0x540ULL        /* empty IDT (limit 0) until the kernel's */
#define MICROVM_ZERO_PAGE_ADDR 0x7000ULL /* struct boot_params, 4 KiB */
#define MICROVM_BOOT_STACK 0x8ff0ULL     /* rsp at entry (stack grows down) */
#define MICROVM_PML4_ADDR 0x9000ULL      /* identity map: 1 PML4 page, */
#define MICROVM_PDPT_ADDR 0xa000ULL      /* 1 PDPT page, */
#define MICROVM_PD_ADDR 0xb000ULL        /* 4 PD pages of 2 MiB entries: */
#define MICROVM_IDENT_MAP_SIZE (4ULL << 30) /* the low 4 GiB */
#define MICROVM_CMDLINE_ADDR 0x20000ULL  /* kernel command line */
#define MICROVM_CMDLINE_MAX 0x10000ULL   /* bytes, NUL included (below the protocol's limit) */

/* ---- below 1 MiB: the EBDA (MP table) and the BIOS area ---------------- */
#define MICROVM_EBDA_START 0x9fc00ULL    /* e820: reserved from here to 1 MiB */
#define MICROVM_MPTABLE_ADDR MICROVM_EBDA_START
#define MICROVM_ACPI_RSDP_ADDR 0xe0000ULL /* where the RSDP scan finds it */
#define MICROVM_HIMEM_START 0x100000ULL  /* 1 MiB */

/* ---- the kernel ------------------------------------------------------- */
#define MICROVM_KERNEL_ADDR MICROVM_HIMEM_START /* protected-mode kernel (64-bit entry +0x200) */
#define MICROVM_INITRD_MAX_END (1ULL << 32) /* the protocol's initrd_addr_max is at most 4 GiB - 1 */

/* ---- the 32-bit MMIO hole ---------------------------------------------- */
#define MICROVM_MMIO_HOLE_START 0xc0000000ULL
#define MICROVM_MMIO_HOLE_END (1ULL << 32)
#define MICROVM_VIRTIO_MMIO_BASE 0xd0000000ULL /* virtio-mmio device n at base + n * size */
#define MICROVM_VIRTIO_MMIO_SIZE 0x1000ULL
#define MICROVM_VIRTIO_MMIO_MAX 8
#define MICROVM_VIRTIO_IRQ_BASE 5        /* device n on GSI 5 + n */
#define MICROVM_IOAPIC_ADDR 0xfec00000ULL
#define MICROVM_LAPIC_ADDR 0xfee00000ULL
#define MICROVM_KVM_TSS_ADDR 0xfffbd000ULL /* 3 pages + identity map page, KVM's own */
#define MICROVM_HIGH_RAM_START (1ULL << 32) /* RAM beyond the hole continues here */

/* ---- legacy ports and interrupts --------------------------------------- */
#define MICROVM_COM1_PORT 0x3f8
#define MICROVM_COM1_IRQ 4
#define MICROVM_I8042_DATA_PORT 0x60
#define MICROVM_I8042_CMD_PORT 0x64      /* write 0xfe: reset */

/* ---- limits ------------------------------------------------------------ */
#define MICROVM_RAM_DEFAULT (256ULL << 20)
#define MICROVM_RAM_MIN (16ULL << 20)
#define MICROVM_RAM_MAX (64ULL << 30)
#define MICROVM_MAX_VCPUS 32         /* what the MP table can list (mptable.h) */

#endif
