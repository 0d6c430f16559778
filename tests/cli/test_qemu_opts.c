/* QEMU's option-list syntax as vm's CLI parses it (tools/vm/qemu_opts.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "qemu_opts.h"

static void implied_key_and_properties(void **state)
{
    struct qemu_opts o;
    char err[128];
    assert_int_equal(qemu_opts_parse(&o, "virt,dumpdtb=F,acpi=off", "type", err, sizeof(err)), 0);
    assert_int_equal(o.n, 3);
    assert_string_equal(qemu_opts_get(&o, "type"), "virt");
    assert_string_equal(qemu_opts_get(&o, "dumpdtb"), "F");
    assert_string_equal(qemu_opts_get(&o, "acpi"), "off");
    assert_null(qemu_opts_get(&o, "aia"));
    qemu_opts_free(&o);
    /* The implied key given by name; no implied element. */
    assert_int_equal(qemu_opts_parse(&o, "type=virt", "type", err, sizeof(err)), 0);
    assert_int_equal(o.n, 1);
    assert_string_equal(qemu_opts_get(&o, "type"), "virt");
    qemu_opts_free(&o);
}

static void escaped_commas_and_last_wins(void **state)
{
    struct qemu_opts o;
    char err[128];
    assert_int_equal(qemu_opts_parse(&o, "file:a,,b,x=1,x=2", "path", err, sizeof(err)), 0);
    assert_string_equal(qemu_opts_get(&o, "path"), "file:a,b");
    assert_string_equal(qemu_opts_get(&o, "x"), "2");
    qemu_opts_free(&o);
    /* A bare key after the first is a boolean switched on. */
    assert_int_equal(qemu_opts_parse(&o, "tcp::4444,server,wait=off", "path", err, sizeof(err)),
                     0);
    assert_string_equal(qemu_opts_get(&o, "server"), "on");
    assert_string_equal(qemu_opts_get(&o, "wait"), "off");
    qemu_opts_free(&o);
}

static void malformed(void **state)
{
    struct qemu_opts o;
    char err[128];
    assert_int_equal(qemu_opts_parse(&o, "virt,=x", "type", err, sizeof(err)), -1);
    assert_non_null(strstr(err, "without a name"));
    assert_int_equal(qemu_opts_parse(&o, "a=1,,", NULL, err, sizeof(err)), 0);
    assert_string_equal(qemu_opts_get(&o, "a"), "1,");
    qemu_opts_free(&o);
    assert_int_equal(qemu_opts_parse(&o, "a=1,,,b", NULL, err, sizeof(err)), 0);
    assert_string_equal(qemu_opts_get(&o, "b"), "on");
    qemu_opts_free(&o);
    static const char *const known[] = {"size", "slots", NULL};
    assert_int_equal(qemu_opts_parse(&o, "512M,maxmem=1G", "size", err, sizeof(err)), 0);
    assert_string_equal(qemu_opts_unknown(&o, known), "maxmem");
    qemu_opts_free(&o);
}

static void append_keeps_both(void **state)
{
    struct qemu_opts a, b;
    char err[128];
    assert_int_equal(qemu_opts_parse(&a, "x=1", NULL, err, sizeof(err)), 0);
    assert_int_equal(qemu_opts_parse(&b, "y=2,x=3", NULL, err, sizeof(err)), 0);
    assert_int_equal(qemu_opts_append(&a, &b), 0);
    qemu_opts_free(&b);
    assert_int_equal(a.n, 3);
    assert_string_equal(qemu_opts_get(&a, "x"), "3");
    assert_string_equal(qemu_opts_get(&a, "y"), "2");
    qemu_opts_free(&a);
}

static void values(void **state)
{
    uint64_t v;
    bool b;
    assert_true(qemu_parse_size("512M", 20, &v) && v == 512ULL << 20);
    assert_true(qemu_parse_size("512", 20, &v) && v == 512ULL << 20);
    assert_true(qemu_parse_size("512", 0, &v) && v == 512);
    assert_true(qemu_parse_size("1GiB", 20, &v) && v == 1ULL << 30);
    assert_true(qemu_parse_size("1GB", 20, &v) && v == 1ULL << 30);
    assert_true(qemu_parse_size("64k", 20, &v) && v == 64ULL << 10);
    assert_false(qemu_parse_size("12Q", 20, &v));
    assert_false(qemu_parse_size("-1", 20, &v));
    assert_false(qemu_parse_size("M", 20, &v));
    assert_false(qemu_parse_size("99999999999T", 20, &v));
    assert_true(qemu_parse_bool("on", &b) && b);
    assert_true(qemu_parse_bool("no", &b) && !b);
    assert_false(qemu_parse_bool("maybe", &b));
    assert_true(qemu_parse_u64("0x10", &v) && v == 16);
    assert_false(qemu_parse_u64("4x", &v));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(implied_key_and_properties), cmocka_unit_test(escaped_commas_and_last_wins),
        cmocka_unit_test(malformed), cmocka_unit_test(append_keeps_both), cmocka_unit_test(values),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
