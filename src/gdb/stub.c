/* The GDB remote stub (gdb.h): its thread, the session and the commands.
 * The connection is a character back end (devices/chardev_open.h: the
 * socket chardev on the machine's event loop); its input is queued here and
 * handled on the stub's own thread, which may wait for vCPUs.
 *
 * All-stop, as QEMU's: attaching stops the machine; c/s/vCont resume it
 * and the reply comes when something stops it again (a breakpoint, a
 * watchpoint, a step, Ctrl-C, QMP/HMP stop), reported through the run
 * control's listener; the end of the run is reported as W/X. */
#define _GNU_SOURCE
#include "gdb/gdb.h"

#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "boards/machine.h"
#include "boards/runctl.h"
#include "core/strbuf.h"
#include "devices/chardev_open.h"
#include "gdb/command.h"
#include "gdb/packet.h"
#include "gdb/regs.h"
#include "monitor/hmp.h"
#include "vm/error.h"

#define SIGINT_GDB 2
#define SIGTRAP_GDB 5
#define EVENT_QUEUE 32

#define INPUT_RING 65536

struct vm_gdb {
    struct vm_machine *m;
    struct vm_chardev *chr;
    int wake_fd;
    char address[160];
    pthread_t thread;
    struct vm_hmp_session hmp; /* monitor commands (qRcmd) */

    pthread_mutex_t lock; /* what follows, until the session */
    struct vm_run_event events[EVENT_QUEUE];
    unsigned ev_head, ev_count;
    bool quit;
    unsigned opened, closed; /* connections come and gone, not yet handled */
    uint8_t in[INPUT_RING];  /* the client's bytes (from the loop thread) */
    size_t in_head, in_len;
    bool in_full;            /* receive refused bytes: accept_input when drained */

    /* the session (stub thread only) */
    bool connected;
    const struct gdb_arch *arch;
    bool no_ack, running;
    unsigned g_vcpu, c_vcpu; /* H g / H c */
    struct vm_run_event last_stop;
    struct { uint64_t addr, len; enum vm_watch_kind kind; } watches[VM_DEBUG_MAX_WATCHPOINTS];
    unsigned nwatches;
    struct gdb_decoder dec;
    struct gdb_cmd cmd;
    struct gdb_regsets regs;
    char reply[GDB_PACKET_MAX + 1];
    size_t reply_len;
    char framed[2 * GDB_PACKET_MAX + 8];
    size_t framed_len;
    char xml[GDB_PACKET_MAX * 4];
};

static void wake(struct vm_gdb *g)
{
    uint64_t one = 1;
    ssize_t w = write(g->wake_fd, &one, sizeof(one));
    (void)w; /* a full counter still wakes */
}

/* ---- the connection (the event loop's thread) ------------------------------------ */

static size_t on_receive(void *opaque, const uint8_t *buf, size_t len)
{
    struct vm_gdb *g = opaque;
    pthread_mutex_lock(&g->lock);
    size_t n = 0;
    while (n < len && g->in_len < INPUT_RING) {
        g->in[(g->in_head + g->in_len) % INPUT_RING] = buf[n++];
        g->in_len++;
    }
    g->in_full = n < len;
    pthread_mutex_unlock(&g->lock);
    wake(g);
    return n;
}

static void on_chardev_event(void *opaque, enum vm_chardev_event ev)
{
    struct vm_gdb *g = opaque;
    pthread_mutex_lock(&g->lock);
    if (ev == VM_CHARDEV_OPENED) {
        g->opened++;
        g->in_len = 0; /* anything left was the previous client's */
    } else if (ev == VM_CHARDEV_CLOSED) {
        g->closed++;
    }
    pthread_mutex_unlock(&g->lock);
    wake(g);
}

/* ---- events from the run control (any thread) ---------------------------------- */

static void on_run_event(void *opaque, const struct vm_run_event *ev)
{
    struct vm_gdb *g = opaque;
    pthread_mutex_lock(&g->lock);
    if (g->ev_count < EVENT_QUEUE)
        g->events[(g->ev_head + g->ev_count++) % EVENT_QUEUE] = *ev;
    else /* never lose the end; an older change of state can go */
        g->events[(g->ev_head + EVENT_QUEUE - 1) % EVENT_QUEUE] = *ev;
    pthread_mutex_unlock(&g->lock);
    wake(g);
}

static bool next_event(struct vm_gdb *g, struct vm_run_event *ev)
{
    pthread_mutex_lock(&g->lock);
    bool have = g->ev_count > 0;
    if (have) {
        *ev = g->events[g->ev_head];
        g->ev_head = (g->ev_head + 1) % EVENT_QUEUE;
        g->ev_count--;
    }
    pthread_mutex_unlock(&g->lock);
    return have;
}

/* ---- sending ------------------------------------------------------------------ */

static void send_raw(struct vm_gdb *g, const char *p, size_t n)
{
    if (g->connected)
        vm_chardev_write(g->chr, (const uint8_t *)p, n);
}

/* Send reply[0..reply_len) as a packet (kept for a resend on '-'). */
static void send_reply(struct vm_gdb *g)
{
    g->framed_len = gdb_frame(g->reply, g->reply_len, g->framed, sizeof(g->framed));
    send_raw(g, g->framed, g->framed_len);
}

static void reply_str(struct vm_gdb *g, const char *s)
{
    size_t n = strlen(s);
    if (n > GDB_PACKET_MAX)
        n = GDB_PACKET_MAX;
    memcpy(g->reply, s, n);
    g->reply_len = n;
    send_reply(g);
}

static void reply_fmt(struct vm_gdb *g, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void reply_fmt(struct vm_gdb *g, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(g->reply, sizeof(g->reply), fmt, ap);
    va_end(ap);
    g->reply_len = n < 0 ? 0 : (size_t)n < sizeof(g->reply) ? (size_t)n : sizeof(g->reply) - 1;
    send_reply(g);
}

/* ---- vCPU access (on the vCPU's thread) ------------------------------------------ */

static unsigned nr_vcpus(struct vm_gdb *g)
{
    return vm_machine_vcpu_count(g->m);
}

struct regs_call {
    struct gdb_regsets *r;
    bool write;
};

static int regs_fn(struct vm_vcpu *v, void *arg)
{
    struct regs_call *c = arg;
    for (int s = 0; s < 2; s++) {
        int rc = 0;
        if (!c->write)
            rc = vm_vcpu_get_regs(v, (enum vm_regset)s, c->r->set[s]);
        else if (c->r->dirty[s])
            rc = vm_vcpu_set_regs(v, (enum vm_regset)s, c->r->set[s]);
        if (rc < 0)
            return rc;
    }
    return 0;
}

static int read_regs(struct vm_gdb *g, unsigned vcpu)
{
    struct regs_call c = {&g->regs, false};
    memset(&g->regs, 0, sizeof(g->regs));
    return vm_machine_vcpu_call(g->m, vcpu, regs_fn, &c);
}

static int write_regs(struct vm_gdb *g, unsigned vcpu)
{
    struct regs_call c = {&g->regs, true};
    return vm_machine_vcpu_call(g->m, vcpu, regs_fn, &c);
}

struct mem_call {
    uint64_t addr;
    void *buf;
    size_t len;
    bool write;
    long done;
};

static int mem_fn(struct vm_vcpu *v, void *arg)
{
    struct mem_call *c = arg;
    c->done = vm_vcpu_debug_access(v, c->addr, c->buf, c->len, c->write);
    return c->done < 0 ? (int)c->done : 0;
}

static long access_mem(struct vm_gdb *g, uint64_t addr, void *buf, size_t len, bool write)
{
    struct mem_call c = {addr, buf, len, write, 0};
    int rc = vm_machine_vcpu_call(g->m, g->g_vcpu, mem_fn, &c);
    return rc < 0 ? rc : c.done;
}

/* ---- stop replies ---------------------------------------------------------------- */

static const char *watch_word(struct vm_gdb *g, const struct vm_debug_stop *d)
{
    enum vm_watch_kind want = d->watch_kind == VM_WATCH_WRITE ? VM_WATCH_WRITE : VM_WATCH_READ;
    for (unsigned i = 0; i < g->nwatches; i++)
        if (g->watches[i].addr == d->watch_addr && g->watches[i].kind == want)
            return want == VM_WATCH_WRITE ? "watch" : "rwatch";
    return "awatch";
}

static void send_stop(struct vm_gdb *g, const struct vm_run_event *ev)
{
    unsigned tid = (ev->vcpu >= 0 ? (unsigned)ev->vcpu : g->c_vcpu) + 1;
    if (ev->state == VM_RUN_DEBUG && ev->debug.reason == VM_DEBUG_WATCH)
        reply_fmt(g, "T%02xthread:%x;%s:%llx;", SIGTRAP_GDB, tid, watch_word(g, &ev->debug),
                  (unsigned long long)ev->debug.watch_addr);
    else
        reply_fmt(g, "T%02xthread:%x;", ev->state == VM_RUN_PAUSED ? SIGINT_GDB : SIGTRAP_GDB,
                  tid);
}

/* The machine stopped: remember where, and focus on that vCPU (as QEMU). */
static void stopped(struct vm_gdb *g, const struct vm_run_event *ev)
{
    g->last_stop = *ev;
    if (ev->vcpu >= 0)
        g->g_vcpu = g->c_vcpu = (unsigned)ev->vcpu;
    g->running = false;
    vm_runctl_wait_stopped(g->m);
}

/* ---- commands ------------------------------------------------------------------ */

static void cmd_regs(struct vm_gdb *g, bool write)
{
    if (read_regs(g, g->g_vcpu) < 0) {
        reply_str(g, "E14");
        return;
    }
    const struct gdb_arch *a = g->arch;
    uint8_t buf[32];
    if (!write) {
        size_t o = 0;
        for (unsigned i = 0; i < a->ng; i++) {
            const struct gdb_reg *r = &a->regs[i];
            gdb_reg_get(a, r, &g->regs, buf);
            if (o + r->bitsize / 4 + 1 > sizeof(g->reply))
                break;
            gdb_hex_encode(buf, r->bitsize / 8, g->reply + o);
            o += r->bitsize / 4;
        }
        g->reply_len = o;
        send_reply(g);
        return;
    }
    size_t o = 0;
    for (unsigned i = 0; i < a->ng && o + a->regs[i].bitsize / 8 <= g->cmd.data_len; i++) {
        gdb_reg_put(a, &a->regs[i], &g->regs, g->cmd.data + o);
        o += a->regs[i].bitsize / 8;
    }
    reply_str(g, write_regs(g, g->g_vcpu) < 0 ? "E14" : "OK");
}

static void cmd_reg(struct vm_gdb *g, bool write)
{
    const struct gdb_reg *r = gdb_arch_reg(g->arch, g->cmd.reg);
    if (!r) {
        reply_str(g, "E45"); /* QEMU: an unknown register */
        return;
    }
    if (read_regs(g, g->g_vcpu) < 0) {
        reply_str(g, "E14");
        return;
    }
    uint8_t buf[32];
    if (!write) {
        gdb_reg_get(g->arch, r, &g->regs, buf);
        gdb_hex_encode(buf, r->bitsize / 8, g->reply);
        g->reply_len = r->bitsize / 4;
        send_reply(g);
        return;
    }
    if (g->cmd.data_len != r->bitsize / 8) {
        reply_str(g, "E22");
        return;
    }
    gdb_reg_put(g->arch, r, &g->regs, g->cmd.data);
    reply_str(g, write_regs(g, g->g_vcpu) < 0 ? "E14" : "OK");
}

static void cmd_read_mem(struct vm_gdb *g)
{
    uint8_t *buf = g->cmd.data; /* len <= GDB_PACKET_MAX / 2, checked by the parser */
    long n = g->cmd.len ? access_mem(g, g->cmd.addr, buf, g->cmd.len, false) : 0;
    if (n <= 0 && g->cmd.len) {
        reply_str(g, "E14");
        return;
    }
    gdb_hex_encode(buf, (size_t)n, g->reply);
    g->reply_len = 2 * (size_t)n;
    send_reply(g);
}

static void cmd_write_mem(struct vm_gdb *g)
{
    long n = g->cmd.data_len ? access_mem(g, g->cmd.addr, g->cmd.data, g->cmd.data_len, true) : 0;
    reply_str(g, n == (long)g->cmd.data_len ? "OK" : "E14");
}

static void cmd_breakpoint(struct vm_gdb *g, bool insert)
{
    const struct gdb_cmd *c = &g->cmd;
    int rc;
    if (c->type <= 1) { /* software and hardware breakpoints are the same to us */
        rc = insert ? vm_runctl_insert_breakpoint(g->m, c->addr)
                    : vm_runctl_remove_breakpoint(g->m, c->addr);
    } else {
        enum vm_watch_kind kind = c->type == 2 ? VM_WATCH_WRITE
                                  : c->type == 3 ? VM_WATCH_READ : VM_WATCH_ACCESS;
        rc = insert ? vm_runctl_insert_watchpoint(g->m, c->addr, c->len, kind)
                    : vm_runctl_remove_watchpoint(g->m, c->addr, c->len, kind);
        if (rc == 0 && insert && g->nwatches < VM_DEBUG_MAX_WATCHPOINTS) {
            g->watches[g->nwatches].addr = c->addr;
            g->watches[g->nwatches].len = c->len;
            g->watches[g->nwatches++].kind = kind;
        } else if (rc == 0 && !insert) {
            for (unsigned i = 0; i < g->nwatches; i++)
                if (g->watches[i].addr == c->addr && g->watches[i].len == c->len &&
                    g->watches[i].kind == kind) {
                    g->watches[i] = g->watches[--g->nwatches];
                    break;
                }
        }
    }
    reply_str(g, rc == 0 ? "OK" : rc == -VM_ENOTSUP ? "" : "E22");
}

static int set_pc_fn(struct vm_vcpu *v, void *arg)
{
    const struct vm_reg_desc *pc = vm_reg_map_find(vm_accel_reg_map(vm_vcpu_accel(v)), "pc");
    if (!pc)
        pc = vm_reg_map_find(vm_accel_reg_map(vm_vcpu_accel(v)), "rip");
    return pc ? vm_vcpu_set_reg(v, pc->number, *(uint64_t *)arg) : -VM_ENOENT;
}

/* Resume; the reply is the stop that follows. step: the vCPU to step or -1;
 * only: the one vCPU to run, or -1 for all. */
static void resume(struct vm_gdb *g, int step, int only)
{
    g->running = true;
    if (step >= 0)
        vm_runctl_step(g->m, (unsigned)step, only < 0);
    else if (only >= 0)
        vm_runctl_cont_one(g->m, (unsigned)only);
    else
        vm_runctl_cont(g->m);
}

static void cmd_resume(struct vm_gdb *g, bool step)
{
    if (g->cmd.has_addr && vm_machine_vcpu_call(g->m, g->c_vcpu, set_pc_fn, &g->cmd.addr) < 0) {
        reply_str(g, "E14");
        return;
    }
    resume(g, step ? (int)g->c_vcpu : -1, -1);
}

/* vCont: one step at most; a default action (no thread) lets the others run. */
static void cmd_vcont(struct vm_gdb *g)
{
    int step = -1, only = -1;
    bool others = false;
    unsigned n = nr_vcpus(g);
    for (unsigned i = 0; i < g->cmd.nactions; i++) {
        const struct gdb_vcont_action *a = &g->cmd.actions[i];
        if (a->thread == GDB_THREAD_ALL || a->thread == GDB_THREAD_ANY) {
            others = true;
            if (a->action == 's' && step < 0)
                step = (int)g->c_vcpu;
            continue;
        }
        if (a->thread < 1 || (uint64_t)a->thread > n) {
            reply_str(g, "E22");
            return;
        }
        unsigned v = (unsigned)(a->thread - 1);
        if (a->action == 's') {
            if (step < 0)
                step = (int)v;
        } else if (only < 0) {
            only = (int)v;
        } else {
            others = true; /* several named threads: let them all run */
        }
    }
    if (others)
        only = -1;
    else if (step >= 0)
        only = step; /* a lone step */
    resume(g, step, only);
}

static void cmd_xfer(struct vm_gdb *g)
{
    long n = gdb_arch_xml(g->arch, g->cmd.annex, g->xml, sizeof(g->xml));
    if (n < 0) {
        reply_str(g, "E00");
        return;
    }
    uint64_t off = g->cmd.addr, len = g->cmd.len;
    if (len > GDB_PACKET_MAX - 1)
        len = GDB_PACKET_MAX - 1;
    if (off >= (uint64_t)n) {
        reply_str(g, "l");
        return;
    }
    uint64_t left = (uint64_t)n - off, take = left < len ? left : len;
    g->reply[0] = take < left ? 'm' : 'l';
    memcpy(g->reply + 1, g->xml + off, take);
    g->reply_len = 1 + take;
    send_reply(g);
}

static void cmd_threads(struct vm_gdb *g)
{
    size_t o = 0;
    g->reply[o++] = 'm';
    for (unsigned i = 0; i < nr_vcpus(g) && o + 12 < sizeof(g->reply); i++)
        o += (size_t)snprintf(g->reply + o, sizeof(g->reply) - o, "%s%x", i ? "," : "", i + 1);
    g->reply_len = o;
    send_reply(g);
}

static void cmd_thread_extra(struct vm_gdb *g)
{
    char text[64], hex[129];
    unsigned tid = g->cmd.thread > 0 ? (unsigned)g->cmd.thread : g->g_vcpu + 1;
    snprintf(text, sizeof(text), "CPU#%u [%s]", tid - 1,
             vm_runctl_state(g->m) == VM_RUN_RUNNING ? "running" : "halted ");
    gdb_hex_encode(text, strlen(text), hex);
    reply_str(g, hex);
}

/* gdb's `monitor CMD`: the human monitor's commands (monitor/hmp.h); the
 * output, errors included, goes back as console packets in pieces that fit
 * one. */
static void cmd_monitor(struct vm_gdb *g)
{
    struct vm_strbuf out = {0};
    int rc = vm_hmp_run(g->m, &g->hmp, (const char *)g->cmd.data, &out);
    const char *text = vm_strbuf_str(&out);
    size_t len = strlen(text), chunk = (GDB_PACKET_MAX - 1) / 2;
    for (size_t off = 0; off < len; off += chunk) {
        size_t n = len - off < chunk ? len - off : chunk;
        g->reply[0] = 'O';
        gdb_hex_encode(text + off, n, g->reply + 1);
        g->reply_len = 1 + 2 * n;
        send_reply(g);
    }
    vm_strbuf_free(&out);
    (void)rc; /* as QEMU: the monitor said what was wrong; gdb would add
               * "Protocol error" to an error reply */
    reply_str(g, "OK");
}

/* The debugger is gone (detach, kill, closed connection): what it set up
 * goes; a detach also lets the machine run (QEMU's D). */
static void end_session(struct vm_gdb *g, bool resume_machine)
{
    if (!g->connected)
        return;
    g->connected = false;
    vm_runctl_clear_debug(g->m);
    g->nwatches = 0;
    if (resume_machine)
        vm_runctl_cont(g->m);
    g->running = false;
}

static void handle(struct vm_gdb *g)
{
    struct gdb_cmd *c = &g->cmd;
    gdb_parse_command(g->dec.data, g->dec.len, c);
    bool stopped_now = !g->running;
    if (!stopped_now && c->kind != GDB_CMD_UNKNOWN) {
        /* only Ctrl-C (not a packet) is expected while running */
        reply_str(g, "E16");
        return;
    }
    switch (c->kind) {
    case GDB_CMD_UNKNOWN: reply_str(g, ""); break;
    case GDB_CMD_MALFORMED: reply_str(g, "E22"); break;
    case GDB_CMD_STATUS: send_stop(g, &g->last_stop); break;
    case GDB_CMD_READ_REGS: cmd_regs(g, false); break;
    case GDB_CMD_WRITE_REGS: cmd_regs(g, true); break;
    case GDB_CMD_READ_REG: cmd_reg(g, false); break;
    case GDB_CMD_WRITE_REG: cmd_reg(g, true); break;
    case GDB_CMD_READ_MEM: cmd_read_mem(g); break;
    case GDB_CMD_WRITE_MEM: cmd_write_mem(g); break;
    case GDB_CMD_CONTINUE: cmd_resume(g, false); break;
    case GDB_CMD_STEP: cmd_resume(g, true); break;
    case GDB_CMD_VCONT_QUERY: reply_str(g, "vCont;c;C;s;S"); break;
    case GDB_CMD_VCONT: cmd_vcont(g); break;
    case GDB_CMD_SET_THREAD:
        if (c->thread > (int64_t)nr_vcpus(g)) {
            reply_str(g, "E22");
            break;
        }
        if (c->thread > 0) {
            if (c->which == 'g')
                g->g_vcpu = (unsigned)(c->thread - 1);
            else
                g->c_vcpu = (unsigned)(c->thread - 1);
        }
        reply_str(g, "OK");
        break;
    case GDB_CMD_THREAD_ALIVE:
        reply_str(g, c->thread >= 1 && c->thread <= (int64_t)nr_vcpus(g) ? "OK" : "E22");
        break;
    case GDB_CMD_INSERT: cmd_breakpoint(g, true); break;
    case GDB_CMD_REMOVE: cmd_breakpoint(g, false); break;
    case GDB_CMD_KILL: /* QEMU: the whole emulator ends */
        vm_machine_stop(g->m, VM_STOP_QUIT, 0, NULL);
        end_session(g, false);
        break;
    case GDB_CMD_DETACH:
        reply_str(g, "OK");
        end_session(g, true);
        break;
    case GDB_CMD_SUPPORTED:
        reply_fmt(g, "PacketSize=%x;qXfer:features:read+;vContSupported+;QStartNoAckMode+",
                  GDB_PACKET_MAX);
        break;
    case GDB_CMD_XFER_FEATURES: cmd_xfer(g); break;
    case GDB_CMD_THREAD_FIRST: cmd_threads(g); break;
    case GDB_CMD_THREAD_NEXT: reply_str(g, "l"); break;
    case GDB_CMD_CURRENT_THREAD: reply_fmt(g, "QC%x", g->g_vcpu + 1); break;
    case GDB_CMD_THREAD_EXTRA: cmd_thread_extra(g); break;
    case GDB_CMD_ATTACHED: reply_str(g, "1"); break;
    case GDB_CMD_RCMD: cmd_monitor(g); break;
    case GDB_CMD_NO_ACK:
        reply_str(g, "OK");
        g->no_ack = true;
        break;
    }
}

/* ---- the thread ---------------------------------------------------------------- */

static void start_session(struct vm_gdb *g)
{
    gdb_decoder_init(&g->dec);
    g->no_ack = g->running = false;
    g->g_vcpu = g->c_vcpu = 0;
    g->nwatches = 0;
    if (vm_runctl_state(g->m) == VM_RUN_ENDED)
        return; /* too late: the run is over */
    g->connected = true;
    /* attaching stops the machine, as QEMU does */
    vm_runctl_stop(g->m);
    g->last_stop = (struct vm_run_event){.state = VM_RUN_DEBUG, .vcpu = 0};
    struct vm_vcpu *v = vm_machine_vcpu(g->m, 0);
    g->arch = gdb_arch_for(v ? vm_accel_reg_map(vm_vcpu_accel(v))->arch : VM_ARCH_RISCV64);
}

static void on_events(struct vm_gdb *g)
{
    struct vm_run_event ev;
    while (next_event(g, &ev)) {
        if (!g->connected)
            continue;
        if (ev.state == VM_RUN_ENDED) {
            bool error = ev.status < 0;
            reply_fmt(g, "%c%02x", error ? 'X' : 'W', error ? 9 : ev.status & 0xff);
            end_session(g, false);
        } else if (ev.state != VM_RUN_RUNNING && g->running) {
            stopped(g, &ev);
            send_stop(g, &ev);
        }
    }
}

static void on_input(struct vm_gdb *g)
{
    uint8_t buf[4096];
    for (;;) {
        pthread_mutex_lock(&g->lock);
        size_t n = 0;
        while (n < sizeof(buf) && g->in_len > 0) {
            buf[n++] = g->in[g->in_head];
            g->in_head = (g->in_head + 1) % INPUT_RING;
            g->in_len--;
        }
        bool refill = g->in_full && g->in_len == 0;
        if (refill)
            g->in_full = false;
        pthread_mutex_unlock(&g->lock);
        if (refill)
            vm_chardev_accept_input(g->chr);
        if (n == 0)
            return;
        for (size_t i = 0; i < n && g->connected; i++) {
            switch (gdb_decoder_feed(&g->dec, buf[i])) {
            case GDB_IN_PACKET:
                if (!g->no_ack)
                    send_raw(g, "+", 1);
                handle(g);
                break;
            case GDB_IN_BAD:
                send_raw(g, "-", 1);
                break;
            case GDB_IN_NACK:
                send_raw(g, g->framed, g->framed_len);
                break;
            case GDB_IN_INTERRUPT:
                if (g->running)
                    vm_runctl_stop(g->m); /* its PAUSED event brings the reply */
                break;
            case GDB_IN_ACK:
            case GDB_IN_NONE:
                break;
            }
        }
    }
}

static void *stub_main(void *arg)
{
    struct vm_gdb *g = arg;
    for (;;) {
        struct pollfd p = {g->wake_fd, POLLIN, 0};
        if (poll(&p, 1, -1) < 0 && errno != EINTR)
            break;
        uint64_t n;
        ssize_t r = read(g->wake_fd, &n, sizeof(n));
        (void)r;
        on_events(g); /* the end of the run is told before we quit */
        pthread_mutex_lock(&g->lock);
        bool quit = g->quit;
        unsigned closed = g->closed, opened = g->opened;
        g->closed = g->opened = 0;
        pthread_mutex_unlock(&g->lock);
        if (quit)
            break;
        if (closed) /* as QEMU: a dropped connection leaves the machine as it is */
            end_session(g, false);
        if (opened)
            start_session(g);
        on_input(g);
    }
    end_session(g, false);
    return NULL;
}

/* QEMU's -gdb device as a socket chardev: always a server that does not
 * wait (QEMU adds server=on,wait=off for tcp:), and tcp::PORT on the
 * loopback interface only (a debugger can read and write the whole guest:
 * tcp:0.0.0.0:PORT offers it to the network on purpose). */
static bool gdb_device(const char *dev, char *out, size_t size)
{
    const char *rest = dev;
    const char *prefix = "";
    if (!strncmp(dev, "tcp::", 5)) {
        prefix = "tcp:127.0.0.1:";
        rest = dev + 5;
    } else if (strncmp(dev, "tcp:", 4) && strncmp(dev, "unix:", 5)) {
        return false;
    }
    int n = snprintf(out, size, "%s%s%s%s", prefix, rest,
                     strstr(dev, "server=") ? "" : ",server=on",
                     strstr(dev, "wait=") ? "" : ",wait=off");
    return n > 0 && (size_t)n < size;
}

struct vm_gdb *vm_gdb_start(struct vm_machine *m, const char *dev)
{
    struct vm_gdb *g = calloc(1, sizeof(*g));
    if (!g) {
        vm_error(VM_ENOMEM, "gdb: out of host memory");
        return NULL;
    }
    g->m = m;
    g->wake_fd = -1;
    pthread_mutex_init(&g->lock, NULL);
    if (!gdb_device(dev, g->address, sizeof(g->address))) {
        vm_error(VM_EINVAL, "-gdb '%s': give tcp:[HOST]:PORT or unix:PATH", dev);
        goto fail;
    }
    struct vm_chardev_env env = {.loop = vm_machine_loop(m), .label = "gdb"};
    if (vm_chardev_open(g->address, &env, &g->chr) < 0)
        goto fail;
    g->wake_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    if (g->wake_fd < 0 || vm_runctl_listen(m, on_run_event, g) < 0) {
        vm_error(VM_EIO, "gdb: cannot set up its event channel");
        goto fail;
    }
    if (pthread_create(&g->thread, NULL, stub_main, g) != 0) {
        vm_runctl_unlisten(m, on_run_event, g);
        vm_error(VM_EIO, "gdb: cannot start its thread");
        goto fail;
    }
    struct vm_chardev_frontend fe = {.receive = on_receive, .event = on_chardev_event,
                                     .opaque = g};
    vm_chardev_attach(g->chr, &fe);
    return g;
fail:
    if (g->wake_fd >= 0)
        close(g->wake_fd);
    vm_chardev_destroy(g->chr);
    pthread_mutex_destroy(&g->lock);
    free(g);
    return NULL;
}

void vm_gdb_stop(struct vm_gdb *g)
{
    if (!g)
        return;
    vm_chardev_attach(g->chr, NULL); /* no more input or connection events */
    pthread_mutex_lock(&g->lock);
    g->quit = true;
    pthread_mutex_unlock(&g->lock);
    wake(g);
    pthread_join(g->thread, NULL);
    vm_runctl_unlisten(g->m, on_run_event, g);
    vm_chardev_destroy(g->chr);
    close(g->wake_fd);
    pthread_mutex_destroy(&g->lock);
    free(g);
}

const char *vm_gdb_address(const struct vm_gdb *g)
{
    return g->address;
}
