/* HTIF and the spike machine: the protocol on its own (htif_serve), then
 * whole runs of generated programs through vm_spike_run: exit statuses,
 * every kind of store to tohost, console output, the syscall block, the
 * run bounds, and bad input. */
#include "boards/spike/htif.h"
#include "elf_builder.h"
#include "rv_harness.h"
#include "vm/elf.h"
#include "vm/spike.h"

#define TOHOST (RAM_BASE + 0x1000)
#define FROMHOST (RAM_BASE + 0x1040)

/* ---- the protocol ---- */

struct htif_env {
    struct vm_mem *mem;
    struct htif h;
    FILE *out;
};

static void htif_env_init(struct htif_env *e)
{
    e->mem = vm_mem_create();
    assert_int_equal(vm_mem_add_ram(e->mem, RAM_BASE, 1 << 20, "ram"), 0);
    e->out = tmpfile();
    e->h = (struct htif){.mem = e->mem, .tohost = TOHOST, .fromhost = FROMHOST,
                         .has_fromhost = true, .out = e->out};
}

static void htif_env_fini(struct htif_env *e)
{
    fclose(e->out);
    vm_mem_destroy(e->mem);
}

static uint64_t peek(struct vm_mem *mem, uint64_t pa)
{
    uint64_t v;
    assert_int_equal(vm_mem_load(mem, pa, 8, &v), 0);
    return v;
}

static void output_is(FILE *f, const char *want)
{
    char buf[256] = "";
    fflush(f);
    rewind(f);
    size_t n = fread(buf, 1, sizeof(buf) - 1, f);
    buf[n] = '\0';
    assert_string_equal(buf, want);
}

static void test_protocol(void **state)
{
    (void)state;
    struct htif_env e;
    htif_env_init(&e);
    int status = -1;
    /* nothing pending */
    assert_int_equal(htif_serve(&e.h, &status), HTIF_CONTINUE);
    /* console putchar: printed, tohost cleared, fromhost answers */
    vm_mem_store(e.mem, TOHOST, 8, 0x0101000000000000ULL | 'A');
    assert_int_equal(htif_serve(&e.h, &status), HTIF_CONTINUE);
    assert_int_equal(peek(e.mem, TOHOST), 0);
    assert_int_equal(peek(e.mem, FROMHOST), 0x0101000000000000ULL | 0x100 | 'A');
    output_is(e.out, "A");
    /* exit: odd payload */
    vm_mem_store(e.mem, TOHOST, 8, (21 << 1) | 1);
    assert_int_equal(htif_serve(&e.h, &status), HTIF_EXIT);
    assert_int_equal(status, 21);
    vm_mem_store(e.mem, TOHOST, 8, 1);
    assert_int_equal(htif_serve(&e.h, &status), HTIF_EXIT);
    assert_int_equal(status, 0);
    /* syscall block: write(1, "ok\n", 3) */
    const uint64_t blk = RAM_BASE + 0x2000, buf = RAM_BASE + 0x2100;
    uint64_t mm[8] = {64, 1, buf, 3};
    vm_mem_write(e.mem, blk, mm, sizeof(mm), NULL);
    vm_mem_write(e.mem, buf, "ok\n", 3, NULL);
    vm_mem_store(e.mem, FROMHOST, 8, 0);
    vm_mem_store(e.mem, TOHOST, 8, blk);
    assert_int_equal(htif_serve(&e.h, &status), HTIF_CONTINUE);
    assert_int_equal(peek(e.mem, blk), 3); /* the result replaces the number */
    assert_int_equal(peek(e.mem, TOHOST), 0);
    assert_int_equal(peek(e.mem, FROMHOST), 1);
    output_is(e.out, "Aok\n");
    /* syscall exit(9) */
    mm[0] = 93;
    mm[1] = 9;
    vm_mem_write(e.mem, blk, mm, sizeof(mm), NULL);
    vm_mem_store(e.mem, TOHOST, 8, blk);
    assert_int_equal(htif_serve(&e.h, &status), HTIF_EXIT);
    assert_int_equal(status, 9);
    /* a block outside RAM, an unknown device: answered, not fatal */
    vm_mem_store(e.mem, TOHOST, 8, 0x1000);
    assert_int_equal(htif_serve(&e.h, &status), HTIF_CONTINUE);
    assert_int_equal(peek(e.mem, TOHOST), 0);
    vm_mem_store(e.mem, TOHOST, 8, 0x0700000000000001ULL);
    assert_int_equal(htif_serve(&e.h, &status), HTIF_CONTINUE);
    assert_int_equal(peek(e.mem, TOHOST), 0);
    htif_env_fini(&e);
}

/* ---- whole runs ---- */

static int run_program(const uint32_t *code, size_t n, const struct eb_segment *extra,
                       struct vm_spike_config *cfg)
{
    static uint8_t image[65536];
    struct eb_segment segs[3] = {{RAM_BASE, code, n * 4, n * 4}};
    uint64_t zero[16] = {0};
    segs[1] = (struct eb_segment){TOHOST, zero, sizeof(zero), sizeof(zero)};
    unsigned nseg = 2;
    if (extra)
        segs[nseg++] = *extra;
    struct eb_symbol syms[2] = {{"tohost", TOHOST}, {"fromhost", FROMHOST}};
    size_t size = eb_build(image, VM_ELF_EM_RISCV, RAM_BASE, segs, nseg, syms, 2, NULL);
    char path[64];
    eb_write_temp(image, size, path);
    cfg->kernel = path;
    int rc = vm_spike_run(cfg);
    unlink(path);
    return rc;
}

static int run_simple(const uint32_t *code, size_t n)
{
    struct vm_spike_config cfg = {.accel = "soft", .timeout = 10};
    return run_program(code, n, NULL, &cfg);
}

static void test_exit_by_any_store(void **state)
{
    (void)state;
    /* t0 = &tohost (auipc at 0: +0x1000) */
    const uint32_t sd[] = {AUIPC(5, 1), LI(6, (7 << 1) | 1), SD(6, 5, 0), JAL(0, 0)};
    assert_int_equal(run_simple(sd, 4), 7);
    const uint32_t sw[] = {AUIPC(5, 1), LI(6, (2 << 1) | 1), SW(6, 5, 0), JAL(0, 0)};
    assert_int_equal(run_simple(sw, 4), 2);
    const uint32_t sb[] = {AUIPC(5, 1), LI(6, 1), SB(6, 5, 0), JAL(0, 0)};
    assert_int_equal(run_simple(sb, 4), 0);
    const uint32_t amo[] = {AUIPC(5, 1), LI(6, (3 << 1) | 1), AMOSWAP_D(0, 6, 5), JAL(0, 0)};
    assert_int_equal(run_simple(amo, 4), 3);
    /* misaligned: an 8-byte store at tohost - 4 puts its high word in tohost */
    const uint32_t mis[] = {AUIPC(5, 1), ADDI(7, 5, -4), LI(6, (5 << 1) | 1), SLLI(6, 6, 32),
                            SD(6, 7, 0), JAL(0, 0)};
    assert_int_equal(run_simple(mis, 6), 5);
    /* SC after LR */
    const uint32_t sc[] = {AUIPC(5, 1), LR_D(7, 5), LI(6, (4 << 1) | 1), SC_D(8, 6, 5), JAL(0, 0)};
    assert_int_equal(run_simple(sc, 5), 4);
}

static void test_console_and_syscall(void **state)
{
    (void)state;
    FILE *out = tmpfile();
    /* print 'h' 'i' through device 1, waiting for tohost to clear */
    const uint32_t code[] = {
        /* 0x00 */ AUIPC(5, 1), LI(6, 1), SLLI(6, 6, 56), LI(7, 1), SLLI(7, 7, 48),
        /* 0x14 */ ADD(6, 6, 7), ADDI(7, 6, 'h'), SD(7, 5, 0),
        /* 0x20 */ LD(8, 5, 0), BNE(8, 0, -4),
        /* 0x28 */ ADDI(7, 6, 'i'), SD(7, 5, 0), LD(8, 5, 0), BNE(8, 0, -4),
        /* 0x38: write(1, "!\n", 2) through the syscall block at +0x2000 */
        AUIPC(9, 2), ADDI(9, 9, -0x38), SD(0, 5, 0x40), SD(9, 5, 0),
        /* 0x48 */ LD(8, 5, 0x40), BEQ(8, 0, -4),
        /* 0x50: exit(result): the result (2) is in the block's first word */
        LD(10, 9, 0), SLLI(10, 10, 1), ADDI(10, 10, 1), SD(10, 5, 0), JAL(0, 0),
    };
    uint64_t block[8 + 1] = {64, 1, RAM_BASE + 0x2000 + 64, 2, 0, 0, 0, 0};
    memcpy(&block[8], "!\n", 2);
    struct eb_segment extra = {RAM_BASE + 0x2000, block, sizeof(block), sizeof(block)};
    struct vm_spike_config cfg = {.accel = "soft", .timeout = 10, .console = out};
    assert_int_equal(run_program(code, sizeof(code) / 4, &extra, &cfg), 2);
    output_is(out, "hi!\n");
    fclose(out);
}

static void test_bounds(void **state)
{
    (void)state;
    const uint32_t spin[] = {JAL(0, 0)};
    struct vm_spike_config cfg = {.accel = "soft", .max_insns = 200000};
    assert_int_equal(run_program(spin, 1, NULL, &cfg), VM_SPIKE_TIMEOUT_STATUS);
    cfg = (struct vm_spike_config){.accel = "soft", .timeout = 0.2};
    assert_int_equal(run_program(spin, 1, NULL, &cfg), VM_SPIKE_TIMEOUT_STATUS);
    /* a WFI that nothing wakes is bounded by the timeout too */
    const uint32_t sleep[] = {WFI, JAL(0, -4)};
    assert_int_equal(run_program(sleep, 2, NULL, &cfg), VM_SPIKE_TIMEOUT_STATUS);
}

static void test_bad_input(void **state)
{
    (void)state;
    struct vm_spike_config cfg = {.accel = "soft", .kernel = "/nonexistent.elf"};
    assert_int_equal(vm_spike_run(&cfg), -VM_ENOENT);
    assert_non_null(strstr(vm_error_message(), "/nonexistent.elf"));
    cfg.kernel = NULL;
    assert_true(vm_spike_run(&cfg) < 0);

    static uint8_t image[8192];
    const uint32_t code[] = {JAL(0, 0)};
    struct eb_segment seg = {RAM_BASE, code, 4, 4};
    struct eb_symbol tohost = {"tohost", TOHOST};
    char path[64];
    /* no tohost */
    size_t size = eb_build(image, VM_ELF_EM_RISCV, RAM_BASE, &seg, 1, NULL, 0, NULL);
    eb_write_temp(image, size, path);
    cfg.kernel = path;
    assert_int_equal(vm_spike_run(&cfg), -VM_EFORMAT);
    assert_non_null(strstr(vm_error_message(), "tohost"));
    unlink(path);
    /* x86-64 */
    size = eb_build(image, VM_ELF_EM_X86_64, RAM_BASE, &seg, 1, &tohost, 1, NULL);
    eb_write_temp(image, size, path);
    assert_int_equal(vm_spike_run(&cfg), -VM_EFORMAT);
    assert_non_null(strstr(vm_error_message(), "x86-64"));
    unlink(path);
    /* segment below RAM */
    seg.paddr = 0x1000;
    size = eb_build(image, VM_ELF_EM_RISCV, 0x1000, &seg, 1, &tohost, 1, NULL);
    eb_write_temp(image, size, path);
    assert_int_equal(vm_spike_run(&cfg), -VM_EFAULT);
    unlink(path);
    /* a misaligned tohost */
    seg.paddr = RAM_BASE;
    struct eb_symbol odd = {"tohost", TOHOST + 4};
    size = eb_build(image, VM_ELF_EM_RISCV, RAM_BASE, &seg, 1, &odd, 1, NULL);
    eb_write_temp(image, size, path);
    assert_int_equal(vm_spike_run(&cfg), -VM_EFORMAT);
    unlink(path);
    /* RAM size */
    size = eb_build(image, VM_ELF_EM_RISCV, RAM_BASE, &seg, 1, &tohost, 1, NULL);
    eb_write_temp(image, size, path);
    cfg.ram_size = 12345;
    assert_int_equal(vm_spike_run(&cfg), -VM_EINVAL);
    cfg.ram_size = 0;
    /* kvm cannot run it, and says why */
    cfg.accel = "kvm";
    assert_int_equal(vm_spike_run(&cfg), -VM_ENOTSUP);
    assert_string_equal(vm_error_message(),
                        "accelerator 'kvm' cannot run machine 'spike' (riscv64 guest on an "
                        "x86-64 host)");
    cfg.accel = "warp";
    assert_int_equal(vm_spike_run(&cfg), -VM_EINVAL);
    assert_non_null(strstr(vm_error_message(), "unknown accelerator 'warp'"));
    unlink(path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_protocol),
        cmocka_unit_test(test_exit_by_any_store),
        cmocka_unit_test(test_console_and_syscall),
        cmocka_unit_test(test_bounds),
        cmocka_unit_test(test_bad_input),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
