/* QEMU option strings (core/opts.c): implied first keys, ",," escapes,
 * bare flags, repeated keys, booleans, unknown keys. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "core/opts.h"
#include "vm/error.h"

static void test_implied_and_escapes(void **state)
{
    struct vm_opts o;
    assert_int_equal(vm_opts_parse("user,id=n0,hostfwd=tcp::2222-:22,hostfwd=udp::53-:53,"
                                   "file=a,,b.img,readonly", "type", "-netdev", &o), 0);
    assert_string_equal(vm_opts_get(&o, "type"), "user");
    assert_string_equal(vm_opts_get(&o, "id"), "n0");
    assert_string_equal(vm_opts_get_nth(&o, "hostfwd", 0), "tcp::2222-:22");
    assert_string_equal(vm_opts_get_nth(&o, "hostfwd", 1), "udp::53-:53");
    assert_null(vm_opts_get_nth(&o, "hostfwd", 2));
    assert_string_equal(vm_opts_get(&o, "file"), "a,b.img");
    bool ro = false;
    assert_int_equal(vm_opts_bool(&o, "readonly", "-netdev", &ro), 0);
    assert_true(ro);
    assert_int_equal(vm_opts_check_used(&o, "-netdev"), 0);
    vm_opts_free(&o);
}

static void test_errors(void **state)
{
    struct vm_opts o;
    assert_int_equal(vm_opts_parse("", "type", "-x", &o), -VM_EINVAL);
    assert_int_equal(vm_opts_parse("a=1,=2", NULL, "-x", &o), -VM_EINVAL);
    assert_int_equal(vm_opts_parse("file=x,readonly=maybe,extra=1", NULL, "-drive", &o), 0);
    bool ro = false;
    assert_int_equal(vm_opts_bool(&o, "readonly", "-drive", &ro), -VM_EINVAL);
    assert_non_null(strstr(vm_error_message(), "readonly=maybe"));
    vm_opts_get(&o, "file");
    assert_int_equal(vm_opts_check_used(&o, "-drive"), -VM_EINVAL);
    assert_non_null(strstr(vm_error_message(), "'extra'"));
    vm_opts_free(&o);
    /* Without an implied key, a bare first item is a flag. */
    assert_int_equal(vm_opts_parse("on,x=1", NULL, "-x", &o), 0);
    assert_string_equal(vm_opts_get(&o, "on"), "on");
    vm_opts_free(&o);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_implied_and_escapes),
        cmocka_unit_test(test_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
