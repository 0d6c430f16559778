/* The riscv-virt board: builds one boot of the machine (QEMU virt's map,
 * virt_layout.h) and tears it down. Running it is virt_run.c's job.
 *
 * Devices exist before the harts (the MMU is created with the memory map
 * complete), so their interrupt lines go to small forwarders that look up
 * the hart's vCPU when one exists: PLIC context 2h -> hart h MEIP, 2h+1 ->
 * SEIP; CLINT -> MSIP and MTIP. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "boards/riscv-virt/virt_fdt.h"
#include "boards/riscv-virt/virt_layout.h"
#include "boards/riscv-virt/virt_machine.h"
#include "boards/riscv-virt/virt_rom.h"
#include "devices/chardev.h"
#include "devices/clint.h"
#include "devices/goldfish_rtc.h"
#include "devices/plic.h"
#include "devices/syscon.h"
#include "devices/uart16550.h"
#include "devices/virtio/virtio_mmio.h"
#include "vm/error.h"
#include "vm/log.h"
#include "vm/riscv.h"

/* The hart translates Sv39/48/57; QEMU's virt says sv57 too. Linux picks
 * the deepest mode it finds, this property caps it. */
#define VIRT_MMU_TYPE "riscv,sv57"

#define VIRT_RAM_MIN (2ULL << 20)
#define VIRT_RAM_MAX (64ULL << 30)

/* ---- interrupt forwarding --------------------------------------------- */

static void hart_irq(void *opaque, unsigned n, bool level)
{
    struct virt_hart *hs = opaque;
    struct vm_vcpu *vcpu = vm_machine_vcpu(hs->m->machine, hs->index);
    if (vcpu)
        vm_riscv_hart_irq(vcpu, n, level);
}

static void on_syscon(void *opaque, enum vm_syscon_event ev, int status)
{
    struct virt *m = opaque;
    if (ev == VM_SYSCON_RESET)
        vm_machine_stop(m->machine, VM_STOP_RESET, 0, NULL);
    else
        vm_machine_stop(m->machine, VM_STOP_POWEROFF, status, NULL);
}

/* ---- devices ------------------------------------------------------------ */

/* All 8 virtio-mmio slots exist, as on QEMU; device i sits in slot
 * 7 - i (QEMU's first -device gets the highest address, which Linux
 * probes first, so it becomes vda / eth0). */
static int add_virtio(struct virt *m)
{
    unsigned n = vm_device_set_count(m->devices);
    for (int slot = VIRT_VIRTIO_COUNT - 1; slot >= 0; slot--) {
        unsigned i = VIRT_VIRTIO_COUNT - 1 - (unsigned)slot;
        struct vm_virtio *core = NULL;
        if (i < n) {
            struct vm_irq_line irq = vm_plic_source_line(m->plic, VIRT_VIRTIO_SLOT_IRQ(slot));
            int rc = vm_device_set_attach(m->devices, i, m->mem, &irq, &core);
            if (rc < 0)
                return rc;
        }
        if (!(m->virtio[slot] = vm_virtio_mmio_create(m->mem, VIRT_VIRTIO_SLOT_BASE(slot), core)))
            return -VM_ENOMEM;
    }
    return 0;
}

static int add_devices(struct virt *m)
{
    unsigned n = m->nr_harts;
    struct vm_irq_line plic_out[2 * VM_VIRT_MAX_HARTS], msip[VM_VIRT_MAX_HARTS],
        mtip[VM_VIRT_MAX_HARTS];
    for (unsigned h = 0; h < n; h++) {
        struct virt_hart *hs = &m->harts[h];
        plic_out[VIRT_PLIC_CONTEXT_M(h)] = (struct vm_irq_line){hart_irq, hs, VM_RISCV_IRQ_MEI};
        plic_out[VIRT_PLIC_CONTEXT_S(h)] = (struct vm_irq_line){hart_irq, hs, VM_RISCV_IRQ_SEI};
        msip[h] = (struct vm_irq_line){hart_irq, hs, VM_RISCV_IRQ_MSI};
        mtip[h] = (struct vm_irq_line){hart_irq, hs, VM_RISCV_IRQ_MTI};
    }
    if (!(m->syscon = vm_syscon_create(m->mem, VIRT_TEST_BASE, on_syscon, m)) ||
        !(m->clint = vm_clint_create(m->mem, VIRT_CLINT_BASE, n, msip, mtip, &m->mtime_offset)) ||
        !(m->plic = vm_plic_create(m->mem, VIRT_PLIC_BASE, 2 * n, plic_out)))
        return -VM_EINVAL;
    struct vm_irq_line rtc_irq = vm_plic_source_line(m->plic, VIRT_RTC_IRQ),
                       uart_irq = vm_plic_source_line(m->plic, VIRT_UART0_IRQ);
    if (!(m->rtc = vm_goldfish_rtc_create(m->mem, VIRT_RTC_BASE, &rtc_irq)) ||
        !(m->uart = vm_uart16550_create(m->mem, VIRT_UART0_BASE,
                                        vm_machine_console(m->machine), &uart_irq)))
        return -VM_EINVAL;
    return add_virtio(m);
}

/* ---- images, device tree, ROM -------------------------------------------- */

static int load_images(struct virt *m)
{
    const struct vm_virt_config *cfg = m->cfg;
    int rc;
    uint64_t fw_end = VIRT_DRAM_BASE;
    if (m->firmware) {
        if ((rc = virt_load_firmware(m->mem, m->firmware, &m->fw)) < 0)
            return rc;
        fw_end = m->fw.end;
    }
    uint64_t low = fw_end; /* what the device tree must not overlap */
    if (cfg->kernel) {
        if ((rc = virt_load_kernel(m->mem, cfg->kernel, virt_kernel_addr(fw_end), &m->kernel)) < 0)
            return rc;
        if (m->firmware && m->kernel.start < fw_end)
            return vm_error(VM_EINVAL, "kernel '%s' loads at 0x%" PRIx64 ", over the firmware "
                            "(which ends at 0x%" PRIx64 ")", cfg->kernel, m->kernel.start, fw_end);
        low = m->kernel.end > low ? m->kernel.end : low;
    }
    if (cfg->initrd) {
        if (!cfg->kernel)
            return vm_error(VM_EINVAL, "-initrd needs -kernel");
        uint64_t addr = virt_initrd_addr(m->kernel.entry, m->ram_size);
        if (addr < low)
            return vm_error(VM_EINVAL, "the kernel ends at 0x%" PRIx64 ", after where the initrd "
                            "goes (0x%" PRIx64 "): give more memory with -m", low, addr);
        if ((rc = virt_load_initrd(m->mem, cfg->initrd, addr, &m->initrd)) < 0)
            return rc;
        low = m->initrd.end;
    }
    /* Firmware starts first and enters the kernel in S-mode (fw_dynamic's
     * next_addr; 0 without a kernel, as QEMU); with -bios none the kernel
     * itself starts, in M-mode. */
    if (m->firmware) {
        m->start_addr = m->fw.entry;
        m->next_addr = cfg->kernel ? m->kernel.entry : 0;
    } else if (cfg->kernel) {
        m->start_addr = m->kernel.entry;
    } else {
        return vm_error(VM_EINVAL, "-bios none needs -kernel: nothing to run");
    }
    m->fdt_addr = low; /* the low limit, until placed */
    return 0;
}

static int write_file(const char *path, const void *data, size_t size)
{
    FILE *f = fopen(path, "wb");
    if (!f)
        return vm_error(VM_EIO, "-dumpdtb '%s': %s", path, strerror(errno));
    size_t n = fwrite(data, 1, size, f);
    if (fclose(f) != 0 || n != size)
        return vm_error(VM_EIO, "-dumpdtb '%s': write error", path);
    return 0;
}

static int place_fdt(struct virt *m)
{
    const struct vm_virt_config *cfg = m->cfg;
    char isa[1024];
    if (vm_riscv_isa_string(&m->isa, isa, sizeof(isa)) >= sizeof(isa))
        return vm_error(VM_EINVAL, "virt: the ISA string does not fit %zu bytes", sizeof(isa));
    struct virt_fdt_config fc = {
        .nr_harts = m->nr_harts, .ram_size = m->ram_size, .isa = isa,
        .cbop_block_size = vm_riscv_isa_has(&m->isa, "zicbop") ? m->isa.cbop_block : 0,
        .cbom_block_size = vm_riscv_isa_has(&m->isa, "zicbom") ? m->isa.cbom_block : 0,
        .cboz_block_size = vm_riscv_isa_has(&m->isa, "zicboz") ? m->isa.cboz_block : 0,
        .pmu_events = vm_riscv_hpm_events,
        .pmu_nevents = vm_riscv_isa_has(&m->isa, "zihpm") && m->isa.pmu_num ? VM_RISCV_HPM_EVENTS : 0,
        /* mcycle, minstret and mhpmcounter3..3+pmu-num-1 */
        .pmu_counters = 5u | (uint32_t)((1ULL << m->isa.pmu_num) - 1) << 3,
        .mmu_type = VIRT_MMU_TYPE, .bootargs = cfg->append,
        .pmp_regions = vm_riscv_isa_has(&m->isa, "pmp") ? VM_RISCV_PMP_ENTRIES : 0,
        .pmp_granularity = VM_RISCV_PMP_GRAIN,
        .initrd_start = cfg->initrd ? m->initrd.start : 0,
        .initrd_end = cfg->initrd ? m->initrd.end : 0,
        .virtio_slots = (1u << VIRT_VIRTIO_COUNT) - 1,
    };
    void *dtb;
    size_t size;
    int rc = virt_fdt_build(&fc, &dtb, &size);
    if (rc < 0)
        return rc;
    if (cfg->dumpdtb) {
        rc = write_file(cfg->dumpdtb, dtb, size);
        free(dtb);
        return rc;
    }
    uint64_t addr;
    if ((rc = virt_fdt_addr(m->ram_size, size, m->fdt_addr, &addr)) == 0) {
        m->fdt_addr = addr;
        rc = vm_mem_write(m->mem, addr, dtb, size, NULL);
    }
    free(dtb);
    return rc;
}

static int add_rom(struct virt *m)
{
    int rc = vm_mem_add_rom(m->mem, VIRT_MROM_BASE, VIRT_MROM_SIZE, "mrom");
    if (rc < 0)
        return rc;
    struct virt_rom_params p = {
        .start_addr = m->start_addr, .fdt_addr = m->fdt_addr, .next_addr = m->next_addr,
        .next_mode = VIRT_NEXT_MODE_S,
    };
    return virt_rom_build(vm_mem_ram_ptr(m->mem, VIRT_MROM_BASE, VIRT_MROM_SIZE),
                          VIRT_MROM_SIZE, &p) < 0 ? -VM_EINVAL : 0;
}

/* ---- harts ----------------------------------------------------------------- */

/* Every hart starts in M-mode at the reset vector: the ROM hands it its
 * hart id, the device tree and fw_dynamic_info. */
static int add_harts(struct virt *m)
{
    const struct vm_virt_config *cfg = m->cfg;
    struct vm_accel_config ac = {
        .machine = "virt", .arch = VM_ARCH_RISCV64, .mem = m->mem, .nr_vcpus = m->nr_harts,
        .riscv_time_offset = &m->mtime_offset,
    };
    int rc = vm_accel_create(cfg->accel ? cfg->accel : "auto", &ac, cfg->verbose, &m->accel);
    if (rc < 0)
        return rc;
    if (strcmp(vm_accel_ops_of(m->accel)->name, "soft") != 0)
        return vm_error(VM_ENOTSUP, "virt: runs on the soft accelerator only");
    for (unsigned h = 0; h < m->nr_harts; h++) {
        struct vm_vcpu_options opt = {.id = h, .max_insns = cfg->max_insns, .riscv_isa = &m->isa};
        struct vm_vcpu *vcpu;
        struct vm_riscv_core_regs regs;
        if ((rc = vm_vcpu_create(m->accel, &opt, &vcpu)) < 0)
            return rc;
        if ((rc = vm_machine_add_vcpu(m->machine, vcpu)) < 0) {
            vm_vcpu_destroy(vcpu);
            return rc;
        }
        if ((rc = vm_vcpu_get_regs(vcpu, VM_REGSET_CORE, &regs)) < 0)
            return rc;
        regs.pc = VIRT_RESET_VECTOR;
        regs.priv = 3;
        if ((rc = vm_vcpu_set_regs(vcpu, VM_REGSET_CORE, &regs)) < 0)
            return rc;
        if (vm_log_enabled(VM_LOG_CPU_RESET))
            vm_log("CPU Reset (CPU %u): pc=0x%" PRIx64 " priv=M mhartid=%" PRIu64 " a0=0x%" PRIx64
                   " a1=0x%" PRIx64 " mstatus=0x%" PRIx64, h, regs.pc, regs.mhartid, regs.x[10],
                   regs.x[11], regs.mstatus);
    }
    return 0;
}

int virt_check_config(struct virt *m)
{
    const struct vm_virt_config *cfg = m->cfg;
    m->ram_size = cfg->ram_size ? cfg->ram_size : VIRT_DRAM_DEFAULT_SIZE;
    m->nr_harts = cfg->smp ? cfg->smp : 1;
    if (m->ram_size < VIRT_RAM_MIN || m->ram_size > VIRT_RAM_MAX || m->ram_size % 4096)
        return vm_error(VM_EINVAL, "virt: RAM of %" PRIu64 " bytes: must be a multiple of 4 KiB "
                        "from %llu MiB to %llu GiB", m->ram_size, VIRT_RAM_MIN >> 20,
                        VIRT_RAM_MAX >> 30);
    if (m->nr_harts > VM_VIRT_MAX_HARTS)
        return vm_error(VM_EINVAL, "virt: -smp %u: at most %d harts", m->nr_harts,
                        VM_VIRT_MAX_HARTS);
    int rc = vm_riscv_isa_parse(cfg->cpu, &m->isa);
    if (rc < 0)
        return rc;
    if (cfg->bios && !strcmp(cfg->bios, "none")) {
        m->firmware = NULL;
    } else if (cfg->bios) {
        m->firmware = cfg->bios;
    } else {
        rc = virt_default_firmware(m->firmware_buf, sizeof(m->firmware_buf));
        if (rc < 0)
            return rc;
        m->firmware = m->firmware_buf;
    }
    return 0;
}

static void report_layout(const struct virt *m)
{
    const struct vm_virt_config *cfg = m->cfg;
    fprintf(stderr, "vm: virt: %u hart(s), %" PRIu64 " MiB RAM\n", m->nr_harts,
            m->ram_size >> 20);
    if (m->firmware)
        fprintf(stderr, "vm: firmware '%s' at [0x%" PRIx64 "-0x%" PRIx64 "), entry 0x%" PRIx64
                "\n", m->firmware, m->fw.start, m->fw.end, m->fw.entry);
    if (cfg->kernel)
        fprintf(stderr, "vm: kernel '%s' (%s) at [0x%" PRIx64 "-0x%" PRIx64 ") (%.1f MiB: "
                "%" PRIu64 " bytes loaded%s), entry 0x%" PRIx64 "\n", cfg->kernel,
                m->kernel.desc, m->kernel.start, m->kernel.end,
                (double)(m->kernel.end - m->kernel.start) / (1 << 20), m->kernel.file_size,
                m->kernel.kind == VIRT_IMAGE_LINUX ? ", the rest the Image's bss" : "",
                m->kernel.entry);
    if (cfg->initrd)
        fprintf(stderr, "vm: initrd at [0x%" PRIx64 "-0x%" PRIx64 ")\n", m->initrd.start,
                m->initrd.end);
    fprintf(stderr, "vm: device tree at 0x%" PRIx64 "; harts start at 0x%llx -> 0x%" PRIx64
            " (%s)\n", m->fdt_addr, VIRT_RESET_VECTOR, m->start_addr,
            m->firmware ? "firmware" : "kernel in M-mode");
}

int virt_build(void *board, struct vm_machine *machine)
{
    struct virt *m = board;
    int rc;
    for (unsigned h = 0; h < m->nr_harts; h++)
        m->harts[h] = (struct virt_hart){.m = m, .index = h};
    if (!(m->mem = vm_mem_create()))
        return vm_error(VM_ENOMEM, "virt: out of host memory");
    if (machine)
        vm_machine_set_mem(machine, m->mem); /* for monitors (info mtree, xp) */
    if ((rc = vm_mem_add_ram(m->mem, VIRT_DRAM_BASE, m->ram_size, "ram")) < 0 ||
        (rc = load_images(m)) < 0 || (rc = place_fdt(m)) < 0)
        return rc;
    if (m->cfg->dumpdtb)
        return 0;
    if ((rc = add_rom(m)) < 0 || (rc = add_devices(m)) < 0 || (rc = add_harts(m)) < 0)
        return rc;
    if (m->cfg->verbose)
        report_layout(m);
    return 0;
}

/* Harts' threads have been joined. Devices with threads go first (they
 * raise lines into the harts), then the harts, then memory. */
void virt_teardown(void *board, struct vm_machine *machine)
{
    struct virt *m = board;
    vm_device_set_detach(m->devices); /* their threads raise PLIC lines */
    for (unsigned i = 0; i < VIRT_VIRTIO_COUNT; i++) {
        vm_virtio_mmio_destroy(m->virtio[i]);
        m->virtio[i] = NULL;
    }
    vm_clint_destroy(m->clint);
    if (m->rtc)
        vm_goldfish_rtc_destroy(m->rtc);
    if (m->uart)
        vm_uart16550_destroy(m->uart);
    if (m->plic)
        vm_plic_destroy(m->plic);
    if (m->syscon)
        vm_syscon_destroy(m->syscon);
    const struct vm_reg_desc *d =
        m->accel ? vm_reg_map_find(vm_accel_reg_map(m->accel), "minstret") : NULL;
    for (unsigned h = 0; h < m->nr_harts && machine; h++) {
        struct vm_vcpu *vcpu = vm_machine_remove_vcpu(machine, h);
        uint64_t n;
        struct vm_mmu_hart *mh = vm_riscv_vcpu_mmu(vcpu);
        if (mh) {
            struct vm_mmu_stats st;
            vm_mmu_get_stats(mh, &st);
            vm_mmu_stats_add(&m->mmu[h], &st);
            vm_mmu_describe_policy(mh, m->mmu_policy[h], sizeof(m->mmu_policy[h]));
        }
        if (vcpu && d && vm_vcpu_get_reg(vcpu, d->number, &n) == 0) {
            m->insns += n;
            char used[256];
            vm_vcpu_stats(vcpu, used, sizeof(used));
            if (m->cfg->verbose && m->nr_harts > 1)
                fprintf(stderr, "vm: hart %u: %" PRIu64 " instructions\n", h, n);
            if (m->cfg->verbose && used[0])
                fprintf(stderr, "vm: hart %u used: %s\n", h, used);
        }
        vm_vcpu_destroy(vcpu);
    }
    vm_accel_destroy(m->accel);
    vm_mem_destroy(m->mem);
    m->clint = NULL, m->rtc = NULL, m->uart = NULL, m->plic = NULL, m->syscon = NULL;
    m->mtime_offset = 0; /* the next boot starts its clock afresh, as before */
    m->accel = NULL, m->mem = NULL;
}

void virt_report_mmu(const struct virt *m)
{
    struct vm_mmu_stats sum = {0};
    char text[2048];
    for (unsigned h = 0; h < m->nr_harts; h++) {
        if (!m->mmu_policy[h][0])
            return; /* not the soft MMU */
        vm_mmu_stats_add(&sum, &m->mmu[h]);
        if (m->nr_harts > 1) {
            vm_mmu_report(text, sizeof(text), "vm:   ", &m->mmu[h], m->mmu_policy[h]);
            fprintf(stderr, "vm: MMU of hart %u:\n%s", h, text);
        }
    }
    vm_mmu_report(text, sizeof(text), "vm:   ", &sum, m->nr_harts > 1 ? "(per hart above)"
                                                                   : m->mmu_policy[0]);
    fprintf(stderr, "vm: MMU%s:\n%s", m->nr_harts > 1 ? ", all harts" : "", text);
}
