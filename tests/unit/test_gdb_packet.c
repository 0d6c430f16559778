/* The GDB stub's framing and command parser (src/gdb/packet.c, command.c)
 * and target descriptions (regs.c): checksums, escapes, run-length
 * encoding, acks and Ctrl-C, every command's arguments and their bad
 * forms, and the RISC-V/x86-64 register numbers. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "gdb/command.h"
#include "gdb/packet.h"
#include "gdb/regs.h"

static enum gdb_input feed(struct gdb_decoder *d, const char *bytes, size_t n)
{
    enum gdb_input last = GDB_IN_NONE;
    for (size_t i = 0; i < n; i++) {
        enum gdb_input r = gdb_decoder_feed(d, (uint8_t)bytes[i]);
        if (r != GDB_IN_NONE)
            last = r;
    }
    return last;
}
#define FEED(d, s) feed(d, s, sizeof(s) - 1)

static void test_decoder(void **state)
{
    static struct gdb_decoder d;
    gdb_decoder_init(&d);
    assert_int_equal(FEED(&d, "$qC#b4"), GDB_IN_PACKET);
    assert_string_equal(d.data, "qC");
    assert_int_equal(FEED(&d, "$qC#b5"), GDB_IN_BAD);
    assert_int_equal(FEED(&d, "$qC#zz"), GDB_IN_BAD);
    assert_int_equal(FEED(&d, "+"), GDB_IN_ACK);
    assert_int_equal(FEED(&d, "-"), GDB_IN_NACK);
    assert_int_equal(FEED(&d, "\x03"), GDB_IN_INTERRUPT);
    /* escapes: '}' then the byte ^ 0x20 */
    char pkt[64];
    size_t n = gdb_frame("X}#$*", 5, pkt, sizeof(pkt));
    assert_true(n > 0);
    assert_int_equal(feed(&d, pkt, n), GDB_IN_PACKET);
    assert_int_equal(d.len, 5);
    assert_memory_equal(d.data, "X}#$*", 5);
    /* run length: "0* " is '0' and ' ' (32) - 29 = 3 more of it */
    uint8_t sum = '0' + '*' + ' ';
    char withsum[16];
    snprintf(withsum, sizeof(withsum), "$0* #%02x", sum);
    assert_int_equal(feed(&d, withsum, strlen(withsum)), GDB_IN_PACKET);
    assert_string_equal(d.data, "0000");
    /* a run-length count below 3 is not a valid encoding */
    snprintf(withsum, sizeof(withsum), "$0*\x1e#%02x", (uint8_t)('0' + '*' + 0x1e));
    assert_int_equal(feed(&d, withsum, strlen(withsum)), GDB_IN_BAD);
    /* a new '$' restarts a packet cut short */
    assert_int_equal(FEED(&d, "$abc$qC#b4"), GDB_IN_PACKET);
    assert_string_equal(d.data, "qC");
}

static void test_decoder_overflow(void **state)
{
    static struct gdb_decoder d;
    static char big[GDB_PACKET_MAX + 16];
    gdb_decoder_init(&d);
    memset(big, 'a', sizeof(big));
    big[0] = '$';
    uint8_t sum = 0;
    for (size_t i = 1; i < sizeof(big) - 3; i++)
        sum += 'a';
    snprintf(big + sizeof(big) - 4, 4, "#%02x", sum);
    assert_int_equal(feed(&d, big, sizeof(big) - 1), GDB_IN_BAD);
    /* run-length encoding cannot blow past the end either */
    gdb_decoder_init(&d);
    assert_int_equal(FEED(&d, "$a"), GDB_IN_NONE);
    for (int i = 0; i < 1000; i++)
        assert_int_equal(FEED(&d, "*~"), GDB_IN_NONE);
    assert_true(d.len <= GDB_PACKET_MAX);
}

static void test_frame(void **state)
{
    char out[16];
    assert_int_equal(gdb_frame("OK", 2, out, sizeof(out)), 6);
    assert_memory_equal(out, "$OK#9a", 6);
    assert_int_equal(gdb_frame("0123456789", 10, out, sizeof(out)), 14);
    assert_int_equal(gdb_frame("0123456789ab", 12, out, sizeof(out)), 16); /* just fits */
    assert_int_equal(gdb_frame("0123456789abc", 13, out, sizeof(out)), 0); /* does not */
    assert_int_equal(gdb_frame("0123456789a#", 12, out, sizeof(out)), 0); /* escaped: 17 */
}

static void test_hex(void **state)
{
    const char *s = "1fG";
    uint64_t v;
    assert_true(gdb_parse_hex(&s, &v));
    assert_int_equal(v, 0x1f);
    assert_string_equal(s, "G");
    s = "";
    assert_false(gdb_parse_hex(&s, &v));
    s = "12345678901234567"; /* 17 digits */
    assert_false(gdb_parse_hex(&s, &v));
    uint8_t b[2];
    assert_true(gdb_hex_decode("a5Ff", 2, b));
    assert_int_equal(b[0], 0xa5);
    assert_int_equal(b[1], 0xff);
    assert_false(gdb_hex_decode("a5xz", 2, b));
    char h[5];
    gdb_hex_encode(b, 2, h);
    assert_string_equal(h, "a5ff");
}

static struct gdb_cmd cmd;

static enum gdb_cmd_kind parse(const char *s)
{
    gdb_parse_command(s, strlen(s), &cmd);
    return cmd.kind;
}

static void test_commands(void **state)
{
    assert_int_equal(parse("?"), GDB_CMD_STATUS);
    assert_int_equal(parse("g"), GDB_CMD_READ_REGS);
    assert_int_equal(parse("G0011"), GDB_CMD_WRITE_REGS);
    assert_int_equal(cmd.data_len, 2);
    assert_int_equal(parse("G001"), GDB_CMD_MALFORMED);
    assert_int_equal(parse("p20"), GDB_CMD_READ_REG);
    assert_int_equal(cmd.reg, 0x20);
    assert_int_equal(parse("p"), GDB_CMD_MALFORMED);
    assert_int_equal(parse("P1041=0300000000000000"), GDB_CMD_WRITE_REG);
    assert_int_equal(cmd.reg, 0x1041);
    assert_int_equal(cmd.data[0], 3);
    assert_int_equal(parse("P5"), GDB_CMD_MALFORMED);
    assert_int_equal(parse("m80000000,10"), GDB_CMD_READ_MEM);
    assert_int_equal(cmd.addr, 0x80000000);
    assert_int_equal(cmd.len, 0x10);
    assert_int_equal(parse("m80000000"), GDB_CMD_MALFORMED);
    assert_int_equal(parse("m0,100000"), GDB_CMD_MALFORMED); /* longer than a reply */
    assert_int_equal(parse("M10,2:abcd"), GDB_CMD_WRITE_MEM);
    assert_int_equal(parse("M10,3:abcd"), GDB_CMD_MALFORMED); /* length mismatch */
    gdb_parse_command("X10,2:\0}", 8, &cmd);
    assert_int_equal(cmd.kind, GDB_CMD_WRITE_MEM);
    assert_int_equal(cmd.data[0], 0);
    assert_int_equal(cmd.data[1], '}');
    assert_int_equal(parse("X10,3:ab"), GDB_CMD_MALFORMED);
    assert_int_equal(parse("c"), GDB_CMD_CONTINUE);
    assert_false(cmd.has_addr);
    assert_int_equal(parse("c80001000"), GDB_CMD_CONTINUE);
    assert_true(cmd.has_addr);
    assert_int_equal(parse("C05"), GDB_CMD_CONTINUE);
    assert_int_equal(parse("S05;1000"), GDB_CMD_STEP);
    assert_int_equal(cmd.addr, 0x1000);
    assert_int_equal(parse("cxyz"), GDB_CMD_MALFORMED);
    assert_int_equal(parse("Hg2"), GDB_CMD_SET_THREAD);
    assert_int_equal(cmd.thread, 2);
    assert_int_equal(parse("Hc-1"), GDB_CMD_SET_THREAD);
    assert_int_equal(cmd.thread, GDB_THREAD_ALL);
    assert_int_equal(parse("Hgp1.2"), GDB_CMD_SET_THREAD);
    assert_int_equal(cmd.thread, 2);
    assert_int_equal(parse("Hx1"), GDB_CMD_MALFORMED);
    assert_int_equal(parse("T3"), GDB_CMD_THREAD_ALIVE);
    assert_int_equal(parse("Z0,80000000,4"), GDB_CMD_INSERT);
    assert_int_equal(cmd.type, 0);
    assert_int_equal(parse("z4,80001000,8"), GDB_CMD_REMOVE);
    assert_int_equal(cmd.type, 4);
    assert_int_equal(cmd.len, 8);
    assert_int_equal(parse("Z5,0,4"), GDB_CMD_UNKNOWN);
    assert_int_equal(parse("Z0,0"), GDB_CMD_MALFORMED);
    assert_int_equal(parse("Z0,0,4;X1,0"), GDB_CMD_MALFORMED); /* conditions not offered */
    assert_int_equal(parse("k"), GDB_CMD_KILL);
    assert_int_equal(parse("D"), GDB_CMD_DETACH);
    assert_int_equal(parse("qSupported:multiprocess+;swbreak+"), GDB_CMD_SUPPORTED);
    assert_int_equal(parse("qXfer:features:read:target.xml:0,ffb"), GDB_CMD_XFER_FEATURES);
    assert_string_equal(cmd.annex, "target.xml");
    assert_int_equal(cmd.len, 0xffb);
    assert_int_equal(parse("qXfer:features:read:target.xml:0"), GDB_CMD_MALFORMED);
    assert_int_equal(parse("qfThreadInfo"), GDB_CMD_THREAD_FIRST);
    assert_int_equal(parse("qsThreadInfo"), GDB_CMD_THREAD_NEXT);
    assert_int_equal(parse("qC"), GDB_CMD_CURRENT_THREAD);
    assert_int_equal(parse("qThreadExtraInfo,2"), GDB_CMD_THREAD_EXTRA);
    assert_int_equal(parse("qAttached"), GDB_CMD_ATTACHED);
    assert_int_equal(parse("qRcmd,696e666f"), GDB_CMD_RCMD);
    assert_string_equal((char *)cmd.data, "info");
    assert_int_equal(parse("qRcmd,69006f"), GDB_CMD_MALFORMED); /* NUL inside */
    assert_int_equal(parse("qRcmd,6"), GDB_CMD_MALFORMED);
    assert_int_equal(parse("QStartNoAckMode"), GDB_CMD_NO_ACK);
    assert_int_equal(parse("qOffsets"), GDB_CMD_UNKNOWN);
    assert_int_equal(parse("vMustReplyEmpty"), GDB_CMD_UNKNOWN);
    assert_int_equal(parse(""), GDB_CMD_UNKNOWN);
}

static void test_vcont(void **state)
{
    assert_int_equal(parse("vCont?"), GDB_CMD_VCONT_QUERY);
    assert_int_equal(parse("vCont;s:2;c"), GDB_CMD_VCONT);
    assert_int_equal(cmd.nactions, 2);
    assert_int_equal(cmd.actions[0].action, 's');
    assert_int_equal(cmd.actions[0].thread, 2);
    assert_int_equal(cmd.actions[1].action, 'c');
    assert_int_equal(cmd.actions[1].thread, GDB_THREAD_ALL);
    assert_int_equal(parse("vCont;C05:1;S02:p1.2"), GDB_CMD_VCONT);
    assert_int_equal(cmd.actions[0].action, 'c');
    assert_int_equal(cmd.actions[1].action, 's');
    assert_int_equal(cmd.actions[1].thread, 2);
    assert_int_equal(parse("vCont"), GDB_CMD_MALFORMED);
    assert_int_equal(parse("vCont;"), GDB_CMD_MALFORMED);
    assert_int_equal(parse("vCont;t"), GDB_CMD_MALFORMED);
    assert_int_equal(parse("vCont;r1,2"), GDB_CMD_MALFORMED);
    assert_int_equal(parse("vCont;c:zz"), GDB_CMD_MALFORMED);
    char many[8 * GDB_MAX_VCONT + 16] = "vCont";
    for (int i = 0; i <= GDB_MAX_VCONT; i++)
        strcat(many, ";c:1");
    assert_int_equal(parse(many), GDB_CMD_MALFORMED);
}

static void test_riscv_description(void **state)
{
    const struct gdb_arch *a = gdb_arch_for(VM_ARCH_RISCV64);
    assert_non_null(a);
    assert_int_equal(a->ng, 33);
    /* QEMU 7.2's remote numbers */
    static const struct { const char *name; unsigned regnum; } want[] = {
        {"zero", 0}, {"pc", 32}, {"ft0", 33}, {"ft11", 64}, {"priv", 65}, {"fflags", 67},
        {"frm", 68}, {"fcsr", 69}, {"sstatus", 322}, {"satp", 450}, {"mstatus", 834},
        {"mhartid", 3926},
    };
    for (unsigned i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
        const struct gdb_reg *r = gdb_arch_reg(a, want[i].regnum);
        assert_non_null(r);
        assert_string_equal(r->name, want[i].name);
    }
    assert_null(gdb_arch_reg(a, 66)); /* CSR 0 (ustatus): not in the map */
    static char xml[65536];
    assert_true(gdb_arch_xml(a, "target.xml", xml, sizeof(xml)) > 0);
    assert_non_null(strstr(xml, "<architecture>riscv:rv64</architecture>"));
    assert_non_null(strstr(xml, "riscv-64bit-cpu.xml"));
    assert_true(gdb_arch_xml(a, "riscv-csr.xml", xml, sizeof(xml)) > 0);
    assert_non_null(strstr(xml, "<reg name=\"satp\" bitsize=\"64\" regnum=\"450\"/>"));
    assert_int_equal(gdb_arch_xml(a, "riscv-csr.xml", xml, 100), -1); /* does not fit */
    assert_int_equal(gdb_arch_xml(a, "../etc/passwd", xml, sizeof(xml)), -1);

    /* fflags and frm are fields of fcsr */
    struct gdb_regsets s;
    memset(&s, 0, sizeof(s));
    uint8_t v[8] = {0xe5}, out[8];
    gdb_reg_put(a, gdb_arch_reg(a, 69), &s, v);
    gdb_reg_get(a, gdb_arch_reg(a, 67), &s, out);
    assert_int_equal(out[0], 5);
    gdb_reg_get(a, gdb_arch_reg(a, 68), &s, out);
    assert_int_equal(out[0], 7);
    v[0] = 2;
    gdb_reg_put(a, gdb_arch_reg(a, 68), &s, v);
    gdb_reg_get(a, gdb_arch_reg(a, 69), &s, out);
    assert_int_equal(out[0], 0x45);
    assert_true(s.dirty[VM_REGSET_FPU]);
    assert_false(s.dirty[VM_REGSET_CORE]);
}

static void test_x86_description(void **state)
{
    const struct gdb_arch *a = gdb_arch_for(VM_ARCH_X86_64);
    assert_non_null(a);
    assert_string_equal(gdb_arch_reg(a, 16)->name, "rip");
    assert_string_equal(gdb_arch_reg(a, 24)->name, "st0");
    assert_int_equal(gdb_arch_reg(a, 24)->bitsize, 80);
    assert_string_equal(gdb_arch_reg(a, 40)->name, "xmm0");
    assert_int_equal(gdb_arch_reg(a, 40)->bitsize, 128);
    /* st0 joins the significand and the exponent word; xmm0 its halves */
    struct gdb_regsets s;
    memset(&s, 0x11, sizeof(s));
    uint8_t in[16], out[16];
    for (int i = 0; i < 16; i++)
        in[i] = (uint8_t)i;
    gdb_reg_put(a, gdb_arch_reg(a, 40), &s, in);
    gdb_reg_get(a, gdb_arch_reg(a, 40), &s, out);
    assert_memory_equal(in, out, 16);
    gdb_reg_put(a, gdb_arch_reg(a, 24), &s, in);
    memset(out, 0, sizeof(out));
    gdb_reg_get(a, gdb_arch_reg(a, 24), &s, out);
    assert_memory_equal(in, out, 10);
    static char xml[65536];
    assert_true(gdb_arch_xml(a, "64bit-core.xml", xml, sizeof(xml)) > 0);
    assert_non_null(strstr(xml, "org.gnu.gdb.i386.core"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_decoder),   cmocka_unit_test(test_decoder_overflow),
        cmocka_unit_test(test_frame),     cmocka_unit_test(test_hex),
        cmocka_unit_test(test_commands),  cmocka_unit_test(test_vcont),
        cmocka_unit_test(test_riscv_description), cmocka_unit_test(test_x86_description),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
