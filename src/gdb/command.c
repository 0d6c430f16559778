/* Parsing of GDB remote protocol commands (command.h). */
#include "gdb/command.h"

#include <string.h>

/* The parse position: p..end, never read past end. */
struct cur {
    const char *p, *end;
};

static bool at_end(const struct cur *c)
{
    return c->p >= c->end;
}

static bool eat(struct cur *c, char ch)
{
    if (!at_end(c) && *c->p == ch) {
        c->p++;
        return true;
    }
    return false;
}

static bool starts(const struct cur *c, const char *word)
{
    size_t n = strlen(word);
    return (size_t)(c->end - c->p) >= n && !memcmp(c->p, word, n);
}

static bool eat_word(struct cur *c, const char *word)
{
    if (!starts(c, word))
        return false;
    c->p += strlen(word);
    return true;
}

/* A hex number (1..16 digits) within the packet. */
static bool hex_num(struct cur *c, uint64_t *v)
{
    uint64_t x = 0;
    unsigned n = 0;
    int d;
    while (!at_end(c) && (d = gdb_hex_digit(*c->p)) >= 0) {
        if (++n > 16)
            return false;
        x = x << 4 | (uint64_t)d;
        c->p++;
    }
    *v = x;
    return n > 0;
}

/* A thread id: -1, or hex (0 = any); "pPID.TID" is accepted too. */
static bool thread_id(struct cur *c, int64_t *tid)
{
    uint64_t v;
    if (eat(c, 'p')) {
        if (!eat_word(c, "-1") && !hex_num(c, &v))
            return false;
        if (!eat(c, '.')) {
            *tid = GDB_THREAD_ALL;
            return true;
        }
    }
    if (eat_word(c, "-1")) {
        *tid = GDB_THREAD_ALL;
        return true;
    }
    if (!hex_num(c, &v) || v > 0x7fffffff)
        return false;
    *tid = (int64_t)v;
    return true;
}

/* addr,len */
static bool addr_len(struct cur *c, struct gdb_cmd *cmd)
{
    return hex_num(c, &cmd->addr) && eat(c, ',') && hex_num(c, &cmd->len);
}

/* Hex data to the end of the packet, into cmd->data. */
static bool hex_data(struct cur *c, struct gdb_cmd *cmd)
{
    size_t n = (size_t)(c->end - c->p);
    if (n % 2 || n / 2 > sizeof(cmd->data) - 1 || !gdb_hex_decode(c->p, n / 2, cmd->data))
        return false;
    cmd->data_len = n / 2;
    c->p = c->end;
    return true;
}

static void parse_vcont(struct cur *c, struct gdb_cmd *cmd)
{
    cmd->kind = GDB_CMD_MALFORMED;
    cmd->nactions = 0;
    while (eat(c, ';')) {
        if (at_end(c) || cmd->nactions == GDB_MAX_VCONT)
            return;
        char a = *c->p++;
        uint64_t sig;
        if (a == 'C' || a == 'S') {
            if (!hex_num(c, &sig) || sig > 0xff)
                return;
            a = a == 'C' ? 'c' : 's';
        } else if (a != 'c' && a != 's') {
            return; /* t, r (range step): not offered in vCont? */
        }
        struct gdb_vcont_action *act = &cmd->actions[cmd->nactions++];
        act->action = a;
        act->thread = GDB_THREAD_ALL;
        if (eat(c, ':') && !thread_id(c, &act->thread))
            return;
    }
    if (at_end(c) && cmd->nactions > 0)
        cmd->kind = GDB_CMD_VCONT;
}

/* c [addr] / s [addr]; C sig[;addr] / S sig[;addr] */
static void parse_resume(struct cur *c, struct gdb_cmd *cmd, bool with_signal)
{
    uint64_t sig;
    if (with_signal && (!hex_num(c, &sig) || sig > 0xff)) {
        cmd->kind = GDB_CMD_MALFORMED;
        return;
    }
    if (with_signal && !eat(c, ';'))
        goto end;
    if (!at_end(c)) {
        cmd->has_addr = hex_num(c, &cmd->addr);
        if (!cmd->has_addr)
            cmd->kind = GDB_CMD_MALFORMED;
    }
end:
    if (!at_end(c))
        cmd->kind = GDB_CMD_MALFORMED;
}

static void parse_query(struct cur *c, struct gdb_cmd *cmd)
{
    if (eat_word(c, "Supported")) {
        cmd->kind = GDB_CMD_SUPPORTED; /* the client's features do not change ours */
    } else if (eat_word(c, "Xfer:features:read:")) {
        size_t n = 0;
        while (!at_end(c) && *c->p != ':') {
            if (n + 1 >= sizeof(cmd->annex))
                return;
            cmd->annex[n++] = *c->p++;
        }
        cmd->annex[n] = '\0';
        if (eat(c, ':') && addr_len(c, cmd) && at_end(c))
            cmd->kind = GDB_CMD_XFER_FEATURES;
    } else if (eat_word(c, "fThreadInfo")) {
        cmd->kind = at_end(c) ? GDB_CMD_THREAD_FIRST : GDB_CMD_MALFORMED;
    } else if (eat_word(c, "sThreadInfo")) {
        cmd->kind = at_end(c) ? GDB_CMD_THREAD_NEXT : GDB_CMD_MALFORMED;
    } else if (eat_word(c, "ThreadExtraInfo,")) {
        if (thread_id(c, &cmd->thread) && at_end(c))
            cmd->kind = GDB_CMD_THREAD_EXTRA;
    } else if (eat_word(c, "Attached")) {
        cmd->kind = GDB_CMD_ATTACHED; /* optionally ":pid" */
    } else if (eat_word(c, "Rcmd,")) {
        size_t n = (size_t)(c->end - c->p);
        if (n % 2 == 0 && n / 2 < sizeof(cmd->data) && gdb_hex_decode(c->p, n / 2, cmd->data) &&
            !memchr(cmd->data, '\0', n / 2)) {
            cmd->data[n / 2] = '\0';
            cmd->data_len = n / 2;
            cmd->kind = GDB_CMD_RCMD;
        }
    } else if (starts(c, "C") && c->end - c->p == 1) {
        cmd->kind = GDB_CMD_CURRENT_THREAD;
    } else {
        cmd->kind = GDB_CMD_UNKNOWN;
    }
}

void gdb_parse_command(const char *payload, size_t len, struct gdb_cmd *cmd)
{
    struct cur c = {payload, payload + len};
    cmd->kind = GDB_CMD_MALFORMED;
    cmd->has_addr = false;
    cmd->data_len = 0;
    cmd->nactions = 0;
    cmd->annex[0] = '\0';
    if (at_end(&c)) {
        cmd->kind = GDB_CMD_UNKNOWN;
        return;
    }
    char op = *c.p++;
    uint64_t v = 0;
    switch (op) {
    case '?':
        cmd->kind = at_end(&c) ? GDB_CMD_STATUS : GDB_CMD_MALFORMED;
        return;
    case 'g':
        cmd->kind = at_end(&c) ? GDB_CMD_READ_REGS : GDB_CMD_MALFORMED;
        return;
    case 'G':
        if (hex_data(&c, cmd))
            cmd->kind = GDB_CMD_WRITE_REGS;
        return;
    case 'p':
        if (hex_num(&c, &v) && v <= 0xffff && at_end(&c)) {
            cmd->reg = (unsigned)v;
            cmd->kind = GDB_CMD_READ_REG;
        }
        return;
    case 'P':
        if (hex_num(&c, &v) && v <= 0xffff && eat(&c, '=') && hex_data(&c, cmd)) {
            cmd->reg = (unsigned)v;
            cmd->kind = GDB_CMD_WRITE_REG;
        }
        return;
    case 'm':
        if (addr_len(&c, cmd) && at_end(&c) && cmd->len <= GDB_PACKET_MAX / 2)
            cmd->kind = GDB_CMD_READ_MEM;
        return;
    case 'M':
        if (addr_len(&c, cmd) && eat(&c, ':') && hex_data(&c, cmd) && cmd->data_len == cmd->len)
            cmd->kind = GDB_CMD_WRITE_MEM;
        return;
    case 'X': {
        if (!addr_len(&c, cmd) || !eat(&c, ':'))
            return;
        size_t n = (size_t)(c.end - c.p); /* binary, already unescaped by the decoder */
        if (n != cmd->len || n > sizeof(cmd->data) - 1)
            return;
        memcpy(cmd->data, c.p, n);
        cmd->data_len = n;
        cmd->kind = GDB_CMD_WRITE_MEM;
        return;
    }
    case 'c':
    case 's':
    case 'C':
    case 'S':
        cmd->kind = op == 'c' || op == 'C' ? GDB_CMD_CONTINUE : GDB_CMD_STEP;
        parse_resume(&c, cmd, op == 'C' || op == 'S');
        return;
    case 'H':
        if (at_end(&c))
            return;
        cmd->which = *c.p++;
        if ((cmd->which == 'g' || cmd->which == 'c') && thread_id(&c, &cmd->thread) && at_end(&c))
            cmd->kind = GDB_CMD_SET_THREAD;
        return;
    case 'T':
        if (thread_id(&c, &cmd->thread) && at_end(&c))
            cmd->kind = GDB_CMD_THREAD_ALIVE;
        return;
    case 'Z':
    case 'z':
        if (hex_num(&c, &v) && v <= 4 && eat(&c, ',') && hex_num(&c, &cmd->addr) &&
            eat(&c, ',') && hex_num(&c, &cmd->len)) {
            cmd->type = (unsigned)v;
            /* conditions and commands (";X...") are not offered in qSupported */
            cmd->kind = at_end(&c) ? (op == 'Z' ? GDB_CMD_INSERT : GDB_CMD_REMOVE)
                                   : GDB_CMD_MALFORMED;
        } else if (v > 4) {
            cmd->kind = GDB_CMD_UNKNOWN;
        }
        return;
    case 'k':
        cmd->kind = GDB_CMD_KILL;
        return;
    case 'D':
        cmd->kind = GDB_CMD_DETACH; /* optionally ";pid" */
        return;
    case 'q':
        parse_query(&c, cmd);
        return;
    case 'Q':
        cmd->kind = eat_word(&c, "StartNoAckMode") && at_end(&c) ? GDB_CMD_NO_ACK
                                                                 : GDB_CMD_UNKNOWN;
        return;
    case 'v':
        if (eat_word(&c, "Cont?"))
            cmd->kind = at_end(&c) ? GDB_CMD_VCONT_QUERY : GDB_CMD_MALFORMED;
        else if (eat_word(&c, "Cont"))
            parse_vcont(&c, cmd);
        else
            cmd->kind = GDB_CMD_UNKNOWN; /* vMustReplyEmpty, vKill, vFile...: empty */
        return;
    default:
        cmd->kind = GDB_CMD_UNKNOWN;
        return;
    }
}
