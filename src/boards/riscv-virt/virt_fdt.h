/* The riscv-virt device tree: what OpenSBI and Linux read to find the
 * harts, memory and devices, with the nodes and properties of QEMU virt's
 * own DTB (names, compatibles, phandle wiring), minus what this board does
 * not have (PCI, flash, fw-cfg, platform bus, PMU). */
#ifndef VM_BOARDS_RISCV_VIRT_FDT_H
#define VM_BOARDS_RISCV_VIRT_FDT_H

#include <stddef.h>
#include <stdint.h>

#include "vm/riscv.h"

#define VIRT_FDT_MAX_HARTS 512 /* QEMU virt's limit; 1024 PLIC contexts */
#define VIRT_FDT_RNG_SEED_SIZE 32

struct virt_fdt_config {
    unsigned nr_harts;
    uint64_t ram_size;           /* RAM at VIRT_DRAM_BASE */
    /* riscv,isa, e.g. "rv64imafdc_zicntr_zicsr_zifencei_zihpm_zba_zbb_zbs_sstc":
     * "rv64i" then single-letter extensions, then "_"-separated ones. Also
     * split into riscv,isa-base and riscv,isa-extensions. */
    const char *isa;
    const char *mmu_type;        /* "riscv,sv39", "riscv,sv48", "riscv,sv57"; NULL: none */
    uint32_t cbop_block_size;    /* riscv,cbop-block-size (Zicbop); 0: none */
    uint32_t cbom_block_size;    /* riscv,cbom-block-size (Zicbom); 0: none */
    uint32_t cboz_block_size;    /* riscv,cboz-block-size (Zicboz); 0: none */
    /* The HPM events and their counters: a riscv,pmu node; 0: none. */
    const struct vm_riscv_hpm_event *pmu_events;
    unsigned pmu_nevents;
    uint32_t pmu_counters;       /* the counters the hart has (bit i: counter i) */
    /* PMP entries and grain in bytes, as SiFive's device trees give them
     * (riscv,pmpregions, riscv,pmpgranularity); 0: omitted. */
    unsigned pmp_regions, pmp_granularity;
    const char *bootargs;        /* NULL: no bootargs */
    uint64_t initrd_start, initrd_end; /* both 0: no initrd */
    uint8_t virtio_slots;        /* bit i: a transport at VIRT_VIRTIO_SLOT_BASE(i) */
    const uint8_t *rng_seed;     /* NULL: VIRT_FDT_RNG_SEED_SIZE bytes from getrandom */
    size_t rng_seed_len;
};

/* Build the DTB. On success *dtb is a malloc'ed blob of *size bytes (free
 * it with free()). Fails with -VM_EINVAL and a message on a bad config. */
int virt_fdt_build(const struct virt_fdt_config *cfg, void **dtb, size_t *size);

#endif
