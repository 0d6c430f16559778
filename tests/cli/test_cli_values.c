/* QEMU's value syntaxes as vm's CLI reads them (tools/vm/values.c): sizes
 * with their suffixes and default unit, booleans, counts. Option lists
 * themselves are core/opts.c's (tests/unit/test_opts.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "values.h"

static void sizes(void **state)
{
    uint64_t v;
    assert_true(vm_cli_parse_size("512M", 20, &v) && v == 512ULL << 20);
    assert_true(vm_cli_parse_size("512", 20, &v) && v == 512ULL << 20); /* -m: MiB */
    assert_true(vm_cli_parse_size("512", 0, &v) && v == 512);
    assert_true(vm_cli_parse_size("1GiB", 20, &v) && v == 1ULL << 30);
    assert_true(vm_cli_parse_size("1GB", 20, &v) && v == 1ULL << 30);
    assert_true(vm_cli_parse_size("64k", 20, &v) && v == 64ULL << 10);
    assert_true(vm_cli_parse_size("4096B", 20, &v) && v == 4096);
    assert_false(vm_cli_parse_size("12Q", 20, &v));
    assert_false(vm_cli_parse_size("1Mx", 20, &v));
    assert_false(vm_cli_parse_size("-1", 20, &v));
    assert_false(vm_cli_parse_size("M", 20, &v));
    assert_false(vm_cli_parse_size("", 20, &v));
    assert_false(vm_cli_parse_size("99999999999T", 20, &v)); /* overflows */
}

static void booleans_and_counts(void **state)
{
    bool b;
    assert_true(vm_cli_parse_bool("on", &b) && b);
    assert_true(vm_cli_parse_bool("yes", &b) && b);
    assert_true(vm_cli_parse_bool("true", &b) && b);
    assert_true(vm_cli_parse_bool("no", &b) && !b);
    assert_true(vm_cli_parse_bool("off", &b) && !b);
    assert_false(vm_cli_parse_bool("maybe", &b));
    uint64_t v;
    assert_true(vm_cli_parse_u64("0x10", &v) && v == 16);
    assert_true(vm_cli_parse_u64("42", &v) && v == 42);
    assert_false(vm_cli_parse_u64("4x", &v));
    assert_false(vm_cli_parse_u64("-4", &v));
    assert_false(vm_cli_parse_u64("", &v));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(sizes),
        cmocka_unit_test(booleans_and_counts),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
