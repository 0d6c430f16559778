/* riscv-virt device tree: build one for 2 harts / 256 MiB / initrd /
 * bootargs, parse it back with libfdt and check what OpenSBI and Linux
 * read. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <libfdt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "boards/riscv-virt/virt_fdt.h"
#include "boards/riscv-virt/virt_layout.h"
#include "vm/error.h"

#define ISA "rv64imafdc_zicntr_zicsr_zifencei_zihpm_zba_zbb_zbs_sstc"

static const uint8_t seed[VIRT_FDT_RNG_SEED_SIZE] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};

static struct virt_fdt_config base_config(void)
{
    return (struct virt_fdt_config){
        .nr_harts = 2,
        .ram_size = 256ULL << 20,
        .isa = ISA,
        .mmu_type = "riscv,sv57",
        .pmp_regions = 16,
        .pmp_granularity = 4,
        .bootargs = "console=ttyS0 earlycon",
        .initrd_start = 0x88200000,
        .initrd_end = 0x88a00000,
        .virtio_slots = 0x81, /* slots 0 and 7 */
        .rng_seed = seed,
        .rng_seed_len = sizeof(seed),
    };
}

static int node(const void *fdt, const char *path)
{
    int off = fdt_path_offset(fdt, path);
    if (off < 0)
        fail_msg("no node %s: %s", path, fdt_strerror(off));
    return off;
}

static const void *prop(const void *fdt, const char *path, const char *name, int *len)
{
    const void *p = fdt_getprop(fdt, node(fdt, path), name, len);
    if (!p)
        fail_msg("no property %s in %s", name, path);
    return p;
}

static void check_string(const void *fdt, const char *path, const char *name, const char *want)
{
    int len;
    const char *s = prop(fdt, path, name, &len);
    assert_int_equal(len, (int)strlen(want) + 1);
    assert_string_equal(s, want);
}

/* A string list given as "a\0b\0". */
static void check_strings(const void *fdt, const char *path, const char *name, const char *want,
                          int want_len)
{
    int len;
    const char *s = prop(fdt, path, name, &len);
    assert_int_equal(len, want_len);
    assert_memory_equal(s, want, (size_t)want_len);
}

static uint32_t cell(const void *fdt, const char *path, const char *name, int index)
{
    int len;
    const fdt32_t *c = prop(fdt, path, name, &len);
    assert_true((index + 1) * 4 <= len);
    return fdt32_to_cpu(c[index]);
}

static int cells(const void *fdt, const char *path, const char *name)
{
    int len;
    prop(fdt, path, name, &len);
    return len / 4;
}

static uint64_t u64_prop(const void *fdt, const char *path, const char *name)
{
    int len;
    const void *v = prop(fdt, path, name, &len);
    assert_int_equal(len, 8);
    fdt64_t raw; /* properties are only 4-byte aligned */
    memcpy(&raw, v, sizeof(raw));
    return fdt64_to_cpu(raw);
}

static void check_reg(const void *fdt, const char *path, uint64_t addr, uint64_t size)
{
    assert_int_equal(cells(fdt, path, "reg"), 4);
    assert_int_equal(((uint64_t)cell(fdt, path, "reg", 0) << 32) | cell(fdt, path, "reg", 1), addr);
    assert_int_equal(((uint64_t)cell(fdt, path, "reg", 2) << 32) | cell(fdt, path, "reg", 3), size);
}

static void check_flag(const void *fdt, const char *path, const char *name)
{
    int len;
    prop(fdt, path, name, &len);
    assert_int_equal(len, 0);
}

/* The phandle value of a node. */
static uint32_t phandle_of(const void *fdt, const char *path)
{
    uint32_t ph = fdt_get_phandle(fdt, node(fdt, path));
    assert_true(ph != 0 && ph != ~0u);
    return ph;
}

static void *build(const struct virt_fdt_config *c, size_t *size)
{
    void *dtb = NULL;
    int rc = virt_fdt_build(c, &dtb, size);
    if (rc < 0)
        fail_msg("virt_fdt_build: %s", vm_error_message());
    assert_int_equal(fdt_check_header(dtb), 0);
    assert_int_equal(fdt_totalsize(dtb), *size);
    return dtb;
}

static void test_root_memory_chosen(void **state)
{
    (void)state;
    struct virt_fdt_config c = base_config();
    size_t size;
    void *fdt = build(&c, &size);
    assert_true(size < 16384);
    assert_int_equal(cell(fdt, "/", "#address-cells", 0), 2);
    assert_int_equal(cell(fdt, "/", "#size-cells", 0), 2);
    check_string(fdt, "/", "compatible", "riscv-virtio");
    check_string(fdt, "/", "model", "riscv-virtio,qemu");

    check_string(fdt, "/memory@80000000", "device_type", "memory");
    check_reg(fdt, "/memory@80000000", 0x80000000, 256ULL << 20);

    check_string(fdt, "/chosen", "bootargs", "console=ttyS0 earlycon");
    check_string(fdt, "/chosen", "stdout-path", "/soc/serial@10000000");
    assert_true(fdt_path_offset(fdt, "/soc/serial@10000000") >= 0);
    assert_int_equal(u64_prop(fdt, "/chosen", "linux,initrd-start"), 0x88200000);
    assert_int_equal(u64_prop(fdt, "/chosen", "linux,initrd-end"), 0x88a00000);
    int len;
    const void *s = prop(fdt, "/chosen", "rng-seed", &len);
    assert_int_equal(len, sizeof(seed));
    assert_memory_equal(s, seed, sizeof(seed));
    free(fdt);
}

static void test_cpus(void **state)
{
    (void)state;
    struct virt_fdt_config c = base_config();
    size_t size;
    void *fdt = build(&c, &size);
    assert_int_equal(cell(fdt, "/cpus", "#address-cells", 0), 1);
    assert_int_equal(cell(fdt, "/cpus", "#size-cells", 0), 0);
    assert_int_equal(cell(fdt, "/cpus", "timebase-frequency", 0), 10000000);
    static const char ext[] = "i\0m\0a\0f\0d\0c\0zicntr\0zicsr\0zifencei\0zihpm\0zba\0zbb\0zbs\0sstc";
    const char *cpu_paths[2] = {"/cpus/cpu@0", "/cpus/cpu@1"};
    const char *intc_paths[2] = {"/cpus/cpu@0/interrupt-controller",
                                 "/cpus/cpu@1/interrupt-controller"};
    uint32_t intc[2];
    for (unsigned h = 0; h < 2; h++) {
        const char *p = cpu_paths[h];
        check_string(fdt, p, "device_type", "cpu");
        assert_int_equal(cells(fdt, p, "reg"), 1);
        assert_int_equal(cell(fdt, p, "reg", 0), h);
        check_string(fdt, p, "status", "okay");
        check_string(fdt, p, "compatible", "riscv");
        check_string(fdt, p, "riscv,isa", ISA);
        check_string(fdt, p, "riscv,isa-base", "rv64i");
        check_strings(fdt, p, "riscv,isa-extensions", ext, sizeof(ext));
        check_string(fdt, p, "mmu-type", "riscv,sv57");
        assert_int_equal(cell(fdt, p, "riscv,pmpregions", 0), 16);
        assert_int_equal(cell(fdt, p, "riscv,pmpgranularity", 0), 4);
        int len;
        assert_null(fdt_getprop(fdt, node(fdt, p), "riscv,cbom-block-size", &len));
        assert_null(fdt_getprop(fdt, node(fdt, p), "riscv,cboz-block-size", &len));
        check_string(fdt, intc_paths[h], "compatible", "riscv,cpu-intc");
        assert_int_equal(cell(fdt, intc_paths[h], "#interrupt-cells", 0), 1);
        check_flag(fdt, intc_paths[h], "interrupt-controller");
        intc[h] = phandle_of(fdt, intc_paths[h]);
    }
    assert_int_not_equal(intc[0], intc[1]);
    assert_int_equal(cell(fdt, "/cpus/cpu-map/cluster0/core0", "cpu", 0),
                     phandle_of(fdt, "/cpus/cpu@0"));
    assert_int_equal(cell(fdt, "/cpus/cpu-map/cluster0/core1", "cpu", 0),
                     phandle_of(fdt, "/cpus/cpu@1"));
    assert_true(fdt_path_offset(fdt, "/cpus/cpu@2") < 0);

    /* CLINT: per hart M soft (3) and M timer (7). */
    const char *clint = "/soc/clint@2000000";
    check_strings(fdt, clint, "compatible", "sifive,clint0\0riscv,clint0", 27);
    check_reg(fdt, clint, VIRT_CLINT_BASE, VIRT_CLINT_SIZE);
    const uint32_t clint_irqs[8] = {intc[0], 3, intc[0], 7, intc[1], 3, intc[1], 7};
    assert_int_equal(cells(fdt, clint, "interrupts-extended"), 8);
    for (int i = 0; i < 8; i++)
        assert_int_equal(cell(fdt, clint, "interrupts-extended", i), clint_irqs[i]);

    /* PLIC: per hart M external (11) then S external (9) = contexts 2h, 2h+1. */
    const char *plic = "/soc/plic@c000000";
    check_strings(fdt, plic, "compatible", "sifive,plic-1.0.0\0riscv,plic0", 30);
    check_reg(fdt, plic, VIRT_PLIC_BASE, VIRT_PLIC_SIZE);
    assert_int_equal(cell(fdt, plic, "riscv,ndev", 0), 95);
    assert_int_equal(cell(fdt, plic, "#interrupt-cells", 0), 1);
    assert_int_equal(cell(fdt, plic, "#address-cells", 0), 0);
    check_flag(fdt, plic, "interrupt-controller");
    const uint32_t plic_irqs[8] = {intc[0], 11, intc[0], 9, intc[1], 11, intc[1], 9};
    assert_int_equal(cells(fdt, plic, "interrupts-extended"), 8);
    for (int i = 0; i < 8; i++)
        assert_int_equal(cell(fdt, plic, "interrupts-extended", i), plic_irqs[i]);
    free(fdt);
}

static void test_soc_devices(void **state)
{
    (void)state;
    struct virt_fdt_config c = base_config();
    size_t size;
    void *fdt = build(&c, &size);
    check_string(fdt, "/soc", "compatible", "simple-bus");
    check_flag(fdt, "/soc", "ranges");
    assert_int_equal(cell(fdt, "/soc", "#address-cells", 0), 2);
    assert_int_equal(cell(fdt, "/soc", "#size-cells", 0), 2);
    uint32_t plic = phandle_of(fdt, "/soc/plic@c000000");

    const char *uart = "/soc/serial@10000000";
    check_string(fdt, uart, "compatible", "ns16550a");
    check_reg(fdt, uart, VIRT_UART0_BASE, VIRT_UART0_SIZE);
    assert_int_equal(cell(fdt, uart, "clock-frequency", 0), 3686400);
    assert_int_equal(cell(fdt, uart, "interrupts", 0), 10);
    assert_int_equal(cell(fdt, uart, "interrupt-parent", 0), plic);

    const char *rtc = "/soc/rtc@101000";
    check_string(fdt, rtc, "compatible", "google,goldfish-rtc");
    check_reg(fdt, rtc, VIRT_RTC_BASE, VIRT_RTC_SIZE);
    assert_int_equal(cell(fdt, rtc, "interrupts", 0), 11);
    assert_int_equal(cell(fdt, rtc, "interrupt-parent", 0), plic);

    const char *test = "/soc/test@100000";
    check_strings(fdt, test, "compatible", "sifive,test1\0sifive,test0\0syscon", 33);
    check_reg(fdt, test, VIRT_TEST_BASE, VIRT_TEST_SIZE);
    uint32_t test_ph = phandle_of(fdt, test);
    check_string(fdt, "/poweroff", "compatible", "syscon-poweroff");
    assert_int_equal(cell(fdt, "/poweroff", "regmap", 0), test_ph);
    assert_int_equal(cell(fdt, "/poweroff", "offset", 0), 0);
    assert_int_equal(cell(fdt, "/poweroff", "value", 0), 0x5555);
    check_string(fdt, "/reboot", "compatible", "syscon-reboot");
    assert_int_equal(cell(fdt, "/reboot", "regmap", 0), test_ph);
    assert_int_equal(cell(fdt, "/reboot", "offset", 0), 0);
    assert_int_equal(cell(fdt, "/reboot", "value", 0), 0x7777);

    /* Only the attached virtio slots, each with its own interrupt. */
    check_string(fdt, "/soc/virtio_mmio@10001000", "compatible", "virtio,mmio");
    check_reg(fdt, "/soc/virtio_mmio@10001000", 0x10001000, 0x1000);
    assert_int_equal(cell(fdt, "/soc/virtio_mmio@10001000", "interrupts", 0), 1);
    assert_int_equal(cell(fdt, "/soc/virtio_mmio@10001000", "interrupt-parent", 0), plic);
    check_reg(fdt, "/soc/virtio_mmio@10008000", 0x10008000, 0x1000);
    assert_int_equal(cell(fdt, "/soc/virtio_mmio@10008000", "interrupts", 0), 8);
    for (int i = 1; i < 7; i++) {
        char path[64];
        snprintf(path, sizeof(path), "/soc/virtio_mmio@%x", 0x10001000 + 0x1000 * i);
        assert_true(fdt_path_offset(fdt, path) < 0);
    }
    free(fdt);
}

static void test_optional_parts(void **state)
{
    (void)state;
    struct virt_fdt_config c = base_config();
    c.nr_harts = 1;
    c.bootargs = NULL;
    c.initrd_start = c.initrd_end = 0;
    c.mmu_type = NULL;
    c.pmp_regions = 0;
    c.virtio_slots = 0;
    c.rng_seed = NULL; /* from getrandom */
    size_t size;
    void *a = build(&c, &size);
    void *b = build(&c, &size);
    int len, off = node(a, "/chosen");
    assert_null(fdt_getprop(a, off, "bootargs", &len));
    assert_null(fdt_getprop(a, off, "linux,initrd-start", &len));
    assert_null(fdt_getprop(a, node(a, "/cpus/cpu@0"), "mmu-type", &len));
    assert_null(fdt_getprop(a, node(a, "/cpus/cpu@0"), "riscv,pmpregions", &len));
    assert_true(fdt_path_offset(a, "/soc/virtio_mmio@10001000") < 0);
    const void *sa = prop(a, "/chosen", "rng-seed", &len);
    assert_int_equal(len, VIRT_FDT_RNG_SEED_SIZE);
    const void *sb = prop(b, "/chosen", "rng-seed", &len);
    assert_memory_not_equal(sa, sb, VIRT_FDT_RNG_SEED_SIZE);
    free(a);
    free(b);

    /* Many harts still fit. */
    c.nr_harts = VIRT_FDT_MAX_HARTS;
    a = build(&c, &size);
    assert_int_equal(cells(a, "/soc/plic@c000000", "interrupts-extended"),
                     4 * VIRT_FDT_MAX_HARTS);
    assert_true(fdt_path_offset(a, "/cpus/cpu@1ff") >= 0);
    free(a);
}

/* The cache-block sizes of the CBO extensions, each only when given. */
static void test_cache_blocks(void **state)
{
    (void)state;
    struct virt_fdt_config c = base_config();
    c.cbom_block_size = 64;
    c.cboz_block_size = 128;
    size_t size;
    void *a = build(&c, &size);
    assert_int_equal(cell(a, "/cpus/cpu@1", "riscv,cbom-block-size", 0), 64);
    assert_int_equal(cell(a, "/cpus/cpu@1", "riscv,cboz-block-size", 0), 128);
    int len;
    assert_null(fdt_getprop(a, node(a, "/cpus/cpu@1"), "riscv,cbop-block-size", &len));
    free(a);
}

/* The riscv,pmu node: <event event counters> per event, only when given. */
static void test_pmu(void **state)
{
    (void)state;
    static const struct vm_riscv_hpm_event ev[2] = {{0x2, 0xfffffffc}, {0x10019, 0xfffffff8}};
    struct virt_fdt_config c = base_config();
    size_t size;
    int len;
    void *a = build(&c, &size);
    assert_true(fdt_path_offset(a, "/pmu") < 0);
    free(a);
    c.pmu_events = ev;
    c.pmu_nevents = 2;
    c.pmu_counters = ~0u;
    a = build(&c, &size);
    check_string(a, "/pmu", "compatible", "riscv,pmu");
    assert_non_null(prop(a, "/pmu", "riscv,event-to-mhpmcounters", &len));
    assert_int_equal(len, 6 * 4);
    static const unsigned want[6] = {0x2, 0x2, 0xfffffffc, 0x10019, 0x10019, 0xfffffff8};
    for (unsigned i = 0; i < 6; i++)
        assert_int_equal(cell(a, "/pmu", "riscv,event-to-mhpmcounters", i), want[i]);
    free(a);
    /* Only the counters the hart has (pmu-num=4: mhpmcounter3-6, and minstret). */
    c.pmu_counters = 0x7d;
    a = build(&c, &size);
    assert_int_equal(cell(a, "/pmu", "riscv,event-to-mhpmcounters", 2), 0x7c);
    assert_int_equal(cell(a, "/pmu", "riscv,event-to-mhpmcounters", 5), 0x78);
    free(a);
}

static void test_bad_configs(void **state)
{
    (void)state;
    void *dtb = NULL;
    size_t size = 0;
    struct virt_fdt_config c = base_config();
    c.nr_harts = 0;
    assert_int_equal(virt_fdt_build(&c, &dtb, &size), -VM_EINVAL);
    c.nr_harts = VIRT_FDT_MAX_HARTS + 1;
    assert_int_equal(virt_fdt_build(&c, &dtb, &size), -VM_EINVAL);
    c = base_config();
    c.ram_size = 0;
    assert_int_equal(virt_fdt_build(&c, &dtb, &size), -VM_EINVAL);
    c = base_config();
    c.mmu_type = "riscv,sv32";
    assert_int_equal(virt_fdt_build(&c, &dtb, &size), -VM_EINVAL);
    assert_non_null(strstr(vm_error_message(), "mmu-type"));
    c = base_config();
    c.initrd_end = c.initrd_start - 1;
    assert_int_equal(virt_fdt_build(&c, &dtb, &size), -VM_EINVAL);
    const char *bad_isas[] = {NULL, "", "rv32imac", "rv64", "rv64IMA", "rv64ima_", "rv64ima__zba",
                              "rv64ima_z", "rv64ima_zb-a", "rv64i m"};
    for (size_t i = 0; i < sizeof(bad_isas) / sizeof(bad_isas[0]); i++) {
        c = base_config();
        c.isa = bad_isas[i];
        assert_int_equal(virt_fdt_build(&c, &dtb, &size), -VM_EINVAL);
    }
    assert_null(dtb);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_root_memory_chosen),
        cmocka_unit_test(test_cpus),
        cmocka_unit_test(test_soc_devices),
        cmocka_unit_test(test_optional_parts),
        cmocka_unit_test(test_cache_blocks),
        cmocka_unit_test(test_pmu),
        cmocka_unit_test(test_bad_configs),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
