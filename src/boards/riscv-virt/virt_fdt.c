/* riscv-virt device tree, written with libfdt's sequential-write API. */
#include "boards/riscv-virt/virt_fdt.h"

#include <ctype.h>
#include <errno.h>
#include <libfdt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "boards/riscv-virt/virt_layout.h"
#include "vm/error.h"

/* Interrupt numbers of the hart-local controller (mip bits). */
#define IRQ_S_SOFT 1
#define IRQ_M_SOFT 3
#define IRQ_S_TIMER 5
#define IRQ_M_TIMER 7
#define IRQ_S_EXT 9
#define IRQ_M_EXT 11

#define ISA_MAX 1024
#define ISA_EXT_MAX 96

/* Phandles, fixed so that references can be written before their targets. */
static uint32_t cpu_phandle(unsigned hart) { return 1 + 2 * hart; }
static uint32_t intc_phandle(unsigned hart) { return 2 + 2 * hart; }
static uint32_t plic_phandle(unsigned nr_harts) { return 1 + 2 * nr_harts; }
static uint32_t test_phandle(unsigned nr_harts) { return 2 + 2 * nr_harts; }

/* The ISA string split for riscv,isa-extensions: a NUL-separated list. */
struct isa_list {
    char buf[ISA_MAX];
    size_t len;
    unsigned count;
};

static bool isa_add(struct isa_list *l, const char *s, size_t n)
{
    if (n == 0 || l->len + n + 1 > sizeof(l->buf) || l->count >= ISA_EXT_MAX)
        return false;
    memcpy(l->buf + l->len, s, n);
    l->len += n;
    l->buf[l->len++] = '\0';
    l->count++;
    return true;
}

/* "rv64imac_zicsr_sstc" -> "i" "m" "a" "c" "zicsr" "sstc". */
static int split_isa(const char *isa, struct isa_list *l)
{
    memset(l, 0, sizeof(*l));
    if (!isa || strncmp(isa, "rv64i", 5) != 0 || strlen(isa) >= ISA_MAX)
        return vm_error(VM_EINVAL, "riscv,isa '%s': must start with 'rv64i'", isa ? isa : "");
    const char *p = isa + 4;
    while (*p && *p != '_') {
        if (!islower((unsigned char)*p) || !isa_add(l, p, 1))
            return vm_error(VM_EINVAL, "riscv,isa '%s': bad single-letter extension '%c'", isa,
                            *p);
        p++;
    }
    while (*p == '_') {
        const char *start = ++p;
        while (*p && *p != '_') {
            if (!islower((unsigned char)*p) && !isdigit((unsigned char)*p))
                return vm_error(VM_EINVAL, "riscv,isa '%s': bad character '%c'", isa, *p);
            p++;
        }
        if (p - start < 2 || !isa_add(l, start, (size_t)(p - start)))
            return vm_error(VM_EINVAL, "riscv,isa '%s': bad extension name", isa);
    }
    return 0;
}

static int check_config(const struct virt_fdt_config *c)
{
    if (c->nr_harts == 0 || c->nr_harts > VIRT_FDT_MAX_HARTS)
        return vm_error(VM_EINVAL, "device tree: %u harts (1 to %d supported)", c->nr_harts,
                        VIRT_FDT_MAX_HARTS);
    if (c->ram_size == 0 || c->ram_size > ~0ULL - VIRT_DRAM_BASE)
        return vm_error(VM_EINVAL, "device tree: RAM size 0x%llx is not usable",
                        (unsigned long long)c->ram_size);
    if (c->mmu_type && strcmp(c->mmu_type, "riscv,sv39") && strcmp(c->mmu_type, "riscv,sv48") &&
        strcmp(c->mmu_type, "riscv,sv57"))
        return vm_error(VM_EINVAL, "device tree: mmu-type '%s' is not riscv,sv39/48/57",
                        c->mmu_type);
    if (c->initrd_end < c->initrd_start)
        return vm_error(VM_EINVAL, "device tree: initrd ends (0x%llx) before it starts (0x%llx)",
                        (unsigned long long)c->initrd_end,
                        (unsigned long long)c->initrd_start);
    if (c->rng_seed && (c->rng_seed_len == 0 || c->rng_seed_len > 1024))
        return vm_error(VM_EINVAL, "device tree: rng-seed of %zu bytes", c->rng_seed_len);
    return 0;
}

/* Sequential-write helpers: each returns a libfdt error (< 0) or 0. */
static int prop_reg(void *fdt, uint64_t addr, uint64_t size)
{
    fdt64_t reg[2] = {cpu_to_fdt64(addr), cpu_to_fdt64(size)};
    return fdt_property(fdt, "reg", reg, sizeof(reg));
}

static int prop_cells(void *fdt, const char *name, const uint32_t *cells, unsigned n)
{
    fdt32_t v[4 * VIRT_FDT_MAX_HARTS];
    for (unsigned i = 0; i < n; i++)
        v[i] = cpu_to_fdt32(cells[i]);
    return fdt_property(fdt, name, v, (int)(n * sizeof(v[0])));
}

/* interrupts-extended = <intc(h) a intc(h) b> for every hart. */
static int prop_hart_irqs(void *fdt, unsigned nr_harts, uint32_t a, uint32_t b)
{
    uint32_t cells[4 * VIRT_FDT_MAX_HARTS];
    for (unsigned h = 0; h < nr_harts; h++) {
        cells[4 * h] = intc_phandle(h);
        cells[4 * h + 1] = a;
        cells[4 * h + 2] = intc_phandle(h);
        cells[4 * h + 3] = b;
    }
    return prop_cells(fdt, "interrupts-extended", cells, 4 * nr_harts);
}

#define TRY(x) do { int rc_ = (x); if (rc_ < 0) return rc_; } while (0)

static int write_cpus(void *fdt, const struct virt_fdt_config *c, const struct isa_list *isa)
{
    char name[32];
    TRY(fdt_begin_node(fdt, "cpus"));
    TRY(fdt_property_cell(fdt, "#address-cells", 1));
    TRY(fdt_property_cell(fdt, "#size-cells", 0));
    TRY(fdt_property_cell(fdt, "timebase-frequency", VIRT_TIMEBASE_HZ));
    for (unsigned h = 0; h < c->nr_harts; h++) {
        snprintf(name, sizeof(name), "cpu@%x", h);
        TRY(fdt_begin_node(fdt, name));
        TRY(fdt_property_cell(fdt, "phandle", cpu_phandle(h)));
        TRY(fdt_property_string(fdt, "device_type", "cpu"));
        TRY(fdt_property_cell(fdt, "reg", h));
        TRY(fdt_property_string(fdt, "status", "okay"));
        TRY(fdt_property_string(fdt, "compatible", "riscv"));
        TRY(fdt_property_string(fdt, "riscv,isa", c->isa));
        TRY(fdt_property_string(fdt, "riscv,isa-base", "rv64i"));
        TRY(fdt_property(fdt, "riscv,isa-extensions", isa->buf, (int)isa->len));
        if (c->mmu_type)
            TRY(fdt_property_string(fdt, "mmu-type", c->mmu_type));
        if (c->cbom_block_size)
            TRY(fdt_property_cell(fdt, "riscv,cbom-block-size", c->cbom_block_size));
        if (c->cbop_block_size)
            TRY(fdt_property_cell(fdt, "riscv,cbop-block-size", c->cbop_block_size));
        if (c->cboz_block_size)
            TRY(fdt_property_cell(fdt, "riscv,cboz-block-size", c->cboz_block_size));
        if (c->pmp_regions) {
            TRY(fdt_property_cell(fdt, "riscv,pmpregions", c->pmp_regions));
            TRY(fdt_property_cell(fdt, "riscv,pmpgranularity", c->pmp_granularity));
        }
        TRY(fdt_begin_node(fdt, "interrupt-controller"));
        TRY(fdt_property_cell(fdt, "#interrupt-cells", 1));
        TRY(fdt_property(fdt, "interrupt-controller", NULL, 0));
        TRY(fdt_property_string(fdt, "compatible", "riscv,cpu-intc"));
        TRY(fdt_property_cell(fdt, "phandle", intc_phandle(h)));
        TRY(fdt_end_node(fdt));
        TRY(fdt_end_node(fdt));
    }
    TRY(fdt_begin_node(fdt, "cpu-map"));
    TRY(fdt_begin_node(fdt, "cluster0"));
    for (unsigned h = 0; h < c->nr_harts; h++) {
        snprintf(name, sizeof(name), "core%u", h);
        TRY(fdt_begin_node(fdt, name));
        TRY(fdt_property_cell(fdt, "cpu", cpu_phandle(h)));
        TRY(fdt_end_node(fdt));
    }
    TRY(fdt_end_node(fdt));
    TRY(fdt_end_node(fdt));
    return fdt_end_node(fdt);
}

/* A device on the PLIC: reg, interrupts, interrupt-parent. */
static int write_plic_device(void *fdt, const struct virt_fdt_config *c, const char *name,
                             uint64_t base, uint64_t size, unsigned irq)
{
    TRY(fdt_begin_node(fdt, name));
    TRY(fdt_property_cell(fdt, "interrupts", irq));
    TRY(fdt_property_cell(fdt, "interrupt-parent", plic_phandle(c->nr_harts)));
    return prop_reg(fdt, base, size);
}

static int write_soc(void *fdt, const struct virt_fdt_config *c)
{
    char name[48];
    static const char plic_compat[] = "sifive,plic-1.0.0\0riscv,plic0";
    static const char clint_compat[] = "sifive,clint0\0riscv,clint0";
    static const char test_compat[] = "sifive,test1\0sifive,test0\0syscon";

    TRY(fdt_begin_node(fdt, "soc"));
    TRY(fdt_property_cell(fdt, "#address-cells", 2));
    TRY(fdt_property_cell(fdt, "#size-cells", 2));
    TRY(fdt_property_string(fdt, "compatible", "simple-bus"));
    TRY(fdt_property(fdt, "ranges", NULL, 0));

    TRY(write_plic_device(fdt, c, "rtc@101000", VIRT_RTC_BASE, VIRT_RTC_SIZE, VIRT_RTC_IRQ));
    TRY(fdt_property_string(fdt, "compatible", "google,goldfish-rtc"));
    TRY(fdt_end_node(fdt));

    TRY(write_plic_device(fdt, c, "serial@10000000", VIRT_UART0_BASE, VIRT_UART0_SIZE,
                          VIRT_UART0_IRQ));
    TRY(fdt_property_cell(fdt, "clock-frequency", VIRT_UART0_CLOCK_HZ));
    TRY(fdt_property_string(fdt, "compatible", "ns16550a"));
    TRY(fdt_end_node(fdt));

    TRY(fdt_begin_node(fdt, "test@100000"));
    TRY(fdt_property_cell(fdt, "phandle", test_phandle(c->nr_harts)));
    TRY(prop_reg(fdt, VIRT_TEST_BASE, VIRT_TEST_SIZE));
    TRY(fdt_property(fdt, "compatible", test_compat, sizeof(test_compat)));
    TRY(fdt_end_node(fdt));

    /* Highest slot first, as QEMU does: Linux probes in tree order and
     * QEMU's first -device lands in the last slot, so it becomes vda. */
    for (int i = VIRT_VIRTIO_COUNT - 1; i >= 0; i--) {
        if (!(c->virtio_slots & (1u << i)))
            continue;
        snprintf(name, sizeof(name), "virtio_mmio@%llx",
                 (unsigned long long)VIRT_VIRTIO_SLOT_BASE(i));
        TRY(write_plic_device(fdt, c, name, VIRT_VIRTIO_SLOT_BASE(i), VIRT_VIRTIO_SIZE,
                              VIRT_VIRTIO_SLOT_IRQ(i)));
        TRY(fdt_property_string(fdt, "compatible", "virtio,mmio"));
        TRY(fdt_end_node(fdt));
    }

    TRY(fdt_begin_node(fdt, "plic@c000000"));
    TRY(fdt_property_cell(fdt, "phandle", plic_phandle(c->nr_harts)));
    TRY(fdt_property_cell(fdt, "riscv,ndev", VIRT_PLIC_NDEV));
    TRY(prop_reg(fdt, VIRT_PLIC_BASE, VIRT_PLIC_SIZE));
    /* Context 2h is hart h's M-mode (irq 11), 2h+1 its S-mode (irq 9). */
    TRY(prop_hart_irqs(fdt, c->nr_harts, IRQ_M_EXT, IRQ_S_EXT));
    TRY(fdt_property(fdt, "interrupt-controller", NULL, 0));
    TRY(fdt_property(fdt, "compatible", plic_compat, sizeof(plic_compat)));
    TRY(fdt_property_cell(fdt, "#address-cells", 0));
    TRY(fdt_property_cell(fdt, "#interrupt-cells", 1));
    TRY(fdt_end_node(fdt));

    TRY(fdt_begin_node(fdt, "clint@2000000"));
    TRY(prop_hart_irqs(fdt, c->nr_harts, IRQ_M_SOFT, IRQ_M_TIMER));
    TRY(prop_reg(fdt, VIRT_CLINT_BASE, VIRT_CLINT_SIZE));
    TRY(fdt_property(fdt, "compatible", clint_compat, sizeof(clint_compat)));
    TRY(fdt_end_node(fdt));

    return fdt_end_node(fdt);
}

/* syscon-poweroff / syscon-reboot: a value written to the test device. */
static int write_syscon_action(void *fdt, const struct virt_fdt_config *c, const char *name,
                               const char *compatible, uint32_t value)
{
    TRY(fdt_begin_node(fdt, name));
    TRY(fdt_property_cell(fdt, "value", value));
    TRY(fdt_property_cell(fdt, "offset", 0));
    TRY(fdt_property_cell(fdt, "regmap", test_phandle(c->nr_harts)));
    TRY(fdt_property_string(fdt, "compatible", compatible));
    return fdt_end_node(fdt);
}

static int write_chosen(void *fdt, const struct virt_fdt_config *c, const uint8_t *seed,
                        size_t seed_len)
{
    TRY(fdt_begin_node(fdt, "chosen"));
    if (c->initrd_start || c->initrd_end) {
        TRY(fdt_property_u64(fdt, "linux,initrd-end", c->initrd_end));
        TRY(fdt_property_u64(fdt, "linux,initrd-start", c->initrd_start));
    }
    if (c->bootargs)
        TRY(fdt_property_string(fdt, "bootargs", c->bootargs));
    TRY(fdt_property(fdt, "rng-seed", seed, (int)seed_len));
    TRY(fdt_property_string(fdt, "stdout-path", "/soc/serial@10000000"));
    return fdt_end_node(fdt);
}

/* OpenSBI's SBI PMU reads riscv,event-to-mhpmcounters: <first last
 * counters> per event range (QEMU virt's node). */
static int write_pmu(void *fdt, const struct virt_fdt_config *c)
{
    uint32_t cells[3 * VM_RISCV_HPM_EVENTS];
    if (!c->pmu_nevents)
        return 0;
    if (c->pmu_nevents > VM_RISCV_HPM_EVENTS)
        return vm_error(VM_EINVAL, "device tree: %u PMU events (at most %d)", c->pmu_nevents,
                        VM_RISCV_HPM_EVENTS);
    for (unsigned i = 0; i < c->pmu_nevents; i++) {
        cells[3 * i] = cells[3 * i + 1] = c->pmu_events[i].event;
        cells[3 * i + 2] = c->pmu_events[i].counters & c->pmu_counters;
    }
    TRY(fdt_begin_node(fdt, "pmu"));
    TRY(fdt_property_string(fdt, "compatible", "riscv,pmu"));
    TRY(prop_cells(fdt, "riscv,event-to-mhpmcounters", cells, 3 * c->pmu_nevents));
    return fdt_end_node(fdt);
}

static int write_tree(void *fdt, const struct virt_fdt_config *c, const struct isa_list *isa,
                      const uint8_t *seed, size_t seed_len)
{
    TRY(fdt_finish_reservemap(fdt));
    TRY(fdt_begin_node(fdt, ""));
    TRY(fdt_property_cell(fdt, "#address-cells", 2));
    TRY(fdt_property_cell(fdt, "#size-cells", 2));
    TRY(fdt_property_string(fdt, "compatible", "riscv-virtio"));
    TRY(fdt_property_string(fdt, "model", "riscv-virtio,qemu"));
    TRY(write_chosen(fdt, c, seed, seed_len));
    TRY(write_syscon_action(fdt, c, "poweroff", "syscon-poweroff", 0x5555));
    TRY(write_syscon_action(fdt, c, "reboot", "syscon-reboot", 0x7777));
    TRY(fdt_begin_node(fdt, "memory@80000000"));
    TRY(fdt_property_string(fdt, "device_type", "memory"));
    TRY(prop_reg(fdt, VIRT_DRAM_BASE, c->ram_size));
    TRY(fdt_end_node(fdt));
    TRY(write_cpus(fdt, c, isa));
    TRY(write_pmu(fdt, c));
    TRY(write_soc(fdt, c));
    TRY(fdt_end_node(fdt));
    return fdt_finish(fdt);
}

int virt_fdt_build(const struct virt_fdt_config *cfg, void **dtb, size_t *size)
{
    struct isa_list isa;
    int rc = check_config(cfg);
    if (rc < 0 || (rc = split_isa(cfg->isa, &isa)) < 0)
        return rc;
    if (cfg->bootargs && strlen(cfg->bootargs) >= 4096)
        return vm_error(VM_EINVAL, "device tree: bootargs longer than 4095 bytes");

    uint8_t seed[VIRT_FDT_RNG_SEED_SIZE];
    const uint8_t *seed_p = cfg->rng_seed;
    size_t seed_len = cfg->rng_seed_len;
    if (!seed_p) {
        if (getrandom(seed, sizeof(seed), 0) != (ssize_t)sizeof(seed))
            return vm_error(VM_EIO, "device tree: getrandom failed: %s", strerror(errno));
        seed_p = seed;
        seed_len = sizeof(seed);
    }

    /* Room for the fixed nodes, ~1 KiB per hart, and the strings. */
    size_t cap = 16384 + 1024 * (size_t)cfg->nr_harts +
                 (cfg->bootargs ? strlen(cfg->bootargs) : 0) + seed_len;
    void *fdt = malloc(cap);
    if (!fdt)
        return vm_error(VM_ENOMEM, "device tree: out of host memory");
    rc = fdt_create(fdt, (int)cap);
    if (rc == 0)
        rc = write_tree(fdt, cfg, &isa, seed_p, seed_len);
    if (rc < 0) {
        free(fdt);
        return vm_error(VM_EINVAL, "device tree: libfdt: %s", fdt_strerror(rc));
    }
    *size = fdt_totalsize(fdt);
    *dtb = fdt;
    return 0;
}
