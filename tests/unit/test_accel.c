/* The accelerator core: the registry, selection (auto, by name, refusals
 * with reasons), verbose explanations, exit names and register maps. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "vm/accel.h"
#include "vm/error.h"
#include "vm/mem.h"

static struct vm_mem *mem;

static int setup(void **state)
{
    (void)state;
    mem = vm_mem_create();
    return vm_mem_add_ram(mem, 0x80000000ULL, 1 << 20, "ram");
}

static int teardown(void **state)
{
    (void)state;
    vm_mem_destroy(mem);
    return 0;
}

static struct vm_accel_config riscv_cfg(void)
{
    return (struct vm_accel_config){.machine = "spike", .arch = VM_ARCH_RISCV64, .mem = mem,
                                    .nr_vcpus = 1};
}

static void test_registry(void **state)
{
    (void)state;
    assert_true(vm_accel_count() >= 2);
    assert_non_null(vm_accel_find("soft"));
    assert_non_null(vm_accel_find("kvm"));
    assert_null(vm_accel_find("auto"));
    assert_null(vm_accel_find("nope"));
    for (unsigned i = 0; i < vm_accel_count(); i++) {
        const struct vm_accel_ops *ops = vm_accel_at(i);
        assert_non_null(ops->name);
        assert_non_null(ops->description);
        assert_non_null(ops->probe);
    }
    assert_null(vm_accel_at(vm_accel_count()));
    assert_string_equal(vm_arch_name(VM_ARCH_RISCV64), "riscv64");
    assert_string_equal(vm_arch_name(VM_ARCH_X86_64), "x86-64");
    assert_string_equal(vm_exit_kind_name(VM_EXIT_WATCH), "watch");
    assert_string_equal(vm_exit_kind_name(VM_EXIT_SYSCALL), "syscall");
}

static void test_select(void **state)
{
    (void)state;
    struct vm_accel_config cfg = riscv_cfg();
    struct vm_accel *a;
    assert_int_equal(vm_accel_create("soft", &cfg, false, &a), 0);
    assert_string_equal(vm_accel_ops_of(a)->name, "soft");
    assert_non_null(vm_accel_reg_map(a));
    assert_int_equal(vm_accel_reg_map(a)->arch, VM_ARCH_RISCV64);
    vm_accel_destroy(a);
    assert_int_equal(vm_accel_create("auto", &cfg, false, &a), 0);
    assert_string_equal(vm_accel_ops_of(a)->name, "soft");
    vm_accel_destroy(a);
    assert_int_equal(vm_accel_create(NULL, &cfg, false, &a), 0);
    vm_accel_destroy(a);

    if (vm_host_arch() == VM_ARCH_X86_64) {
        assert_int_equal(vm_accel_create("kvm", &cfg, false, &a), -VM_ENOTSUP);
        assert_null(a);
        assert_string_equal(vm_error_message(),
                            "accelerator 'kvm' cannot run machine 'spike' (riscv64 guest on "
                            "an x86-64 host)");
    }
    assert_int_equal(vm_accel_create("turbo", &cfg, false, &a), -VM_EINVAL);
    assert_non_null(strstr(vm_error_message(), "unknown accelerator 'turbo'"));
    assert_non_null(strstr(vm_error_message(), "soft"));
}

/* soft runs only riscv64 guests */
static void test_soft_refuses_x86(void **state)
{
    (void)state;
    struct vm_accel_config cfg = {.machine = "microvm", .arch = VM_ARCH_X86_64, .mem = mem};
    struct vm_accel *a;
    assert_int_equal(vm_accel_create("soft", &cfg, false, &a), -VM_ENOTSUP);
    assert_non_null(strstr(vm_error_message(), "accelerator 'soft' cannot run machine 'microvm'"));
}

/* With verbose, auto explains each refusal and its choice on stderr. */
static void test_auto_explains(void **state)
{
    (void)state;
    struct vm_accel_config cfg = riscv_cfg();
    FILE *log = tmpfile();
    int saved = dup(2);
    fflush(stderr);
    dup2(fileno(log), 2);
    struct vm_accel *a;
    int rc = vm_accel_create("auto", &cfg, true, &a);
    fflush(stderr);
    dup2(saved, 2);
    close(saved);
    assert_int_equal(rc, 0);
    vm_accel_destroy(a);
    char buf[1024] = "";
    rewind(log);
    size_t n = fread(buf, 1, sizeof(buf) - 1, log);
    buf[n] = '\0';
    fclose(log);
    assert_non_null(strstr(buf, "not 'kvm'"));
    assert_non_null(strstr(buf, "using 'soft'"));
}

static void test_watch_needs_support(void **state)
{
    (void)state;
    struct vm_accel_config cfg = riscv_cfg();
    struct vm_accel *a;
    assert_int_equal(vm_accel_create("soft", &cfg, false, &a), 0);
    assert_int_equal(vm_accel_watch_writes(a, 0x80001000ULL, 8), 0);
    assert_int_equal(vm_accel_watch_writes(a, 0x80001000ULL, 0), -VM_EINVAL);
    vm_accel_destroy(a);
}

static void test_riscv_reg_map(void **state)
{
    (void)state;
    const struct vm_reg_map *map = vm_reg_map_for(VM_ARCH_RISCV64);
    assert_non_null(map);
    /* GDB numbering: x0..x31, pc 32, f0..f31 33..64, fcsr 68, CSRs 65+n */
    assert_int_equal(vm_reg_map_find(map, "zero")->number, 0);
    assert_int_equal(vm_reg_map_find(map, "sp")->number, 2);
    assert_int_equal(vm_reg_map_find(map, "x31")->number, 31);
    assert_int_equal(vm_reg_map_find(map, "pc")->number, 32);
    assert_int_equal(vm_reg_map_find(map, "f0")->number, 33);
    assert_int_equal(vm_reg_map_find(map, "ft11")->number, 64);
    assert_int_equal(vm_reg_map_find(map, "fcsr")->number, 68);
    assert_int_equal(vm_reg_map_find(map, "mstatus")->number, 65 + 0x300);
    assert_int_equal(vm_reg_map_find(map, "satp")->number, 65 + 0x180);
    assert_null(vm_reg_map_find(map, "rax"));
    assert_string_equal(vm_reg_map_find_number(map, 1)->name, "ra");
    assert_null(vm_reg_map_find_number(map, 100000));
    for (unsigned i = 0; i < map->count; i++) {
        const struct vm_reg_desc *d = &map->regs[i];
        assert_true(d->size == 8 || d->size == 4);
        assert_true(d->offset + d->size <= map->set_size[d->set]);
        for (unsigned j = 0; j < i; j++) /* numbers and names are unique */
            assert_true(map->regs[j].number != d->number && strcmp(map->regs[j].name, d->name));
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_registry),
        cmocka_unit_test_setup_teardown(test_select, setup, teardown),
        cmocka_unit_test_setup_teardown(test_soft_refuses_x86, setup, teardown),
        cmocka_unit_test_setup_teardown(test_auto_explains, setup, teardown),
        cmocka_unit_test_setup_teardown(test_watch_needs_support, setup, teardown),
        cmocka_unit_test(test_riscv_reg_map),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
