/* QEMU's human monitor commands (hmp.h). */
#include "monitor/hmp.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "boards/machine.h"
#include "boards/runctl.h"
#include "core/strbuf.h"
#include "monitor/machine_query.h"
#include "vm/error.h"
#include "vm/version.h"

#define MAX_ARGS 8

struct hmp {
    struct vm_machine *m;
    struct vm_hmp_session *s;
    struct vm_strbuf *out;
};

typedef int hmp_fn(struct hmp *h, int argc, char **argv);

struct hmp_command {
    const char *name, *alias, *args, *help;
    hmp_fn *fn;
    bool needs_machine;
};

static int fail(struct hmp *h, const char *fmt, const char *arg)
{
    vm_strbuf_printf(h->out, fmt, arg);
    vm_strbuf_printf(h->out, "\n");
    return -1;
}

/* ---- info ---------------------------------------------------------------------- */

static int info_version(struct hmp *h, int argc, char **argv)
{
    vm_strbuf_printf(h->out, "%s (vm, git %s)\n", vm_version(), vm_git_describe());
    return 0;
}

static int info_name(struct hmp *h, int argc, char **argv)
{
    if (h->s->name)
        vm_strbuf_printf(h->out, "%s\n", h->s->name);
    return 0;
}

static int info_status(struct hmp *h, int argc, char **argv)
{
    enum vm_run_state st = vm_runctl_state(h->m);
    /* QEMU's words: "running", or "paused" with the reason. */
    if (vm_machine_halted(h->m))
        vm_strbuf_printf(h->out, "VM status: paused (shutdown)\n");
    else if (st == VM_RUN_RUNNING)
        vm_strbuf_printf(h->out, "VM status: running\n");
    else if (st == VM_RUN_PAUSED)
        vm_strbuf_printf(h->out, "VM status: paused\n");
    else
        vm_strbuf_printf(h->out, "VM status: paused (%s)\n", vm_run_state_name(st));
    return 0;
}

static void print_regs(struct hmp *h, const struct vm_query_regs *r)
{
    const struct vm_reg_map *map = r->map;
    /* Named registers (pc, CSRs) one a line, as QEMU's riscv dump; the
     * numbered ones (x1/ra, f0/ft0) four a line. */
    for (unsigned i = 0; i < map->count; i++) {
        const struct vm_reg_desc *d = &map->regs[i];
        if (!d->alias)
            vm_strbuf_printf(h->out, " %-8s %016" PRIx64 "\n", d->name, vm_query_reg_value(r, d));
    }
    unsigned col = 0;
    for (unsigned i = 0; i < map->count; i++) {
        const struct vm_reg_desc *d = &map->regs[i];
        if (!d->alias)
            continue;
        char label[24];
        snprintf(label, sizeof(label), "%s/%s", d->alias, d->name);
        vm_strbuf_printf(h->out, " %-8s %016" PRIx64 "%s", label, vm_query_reg_value(r, d),
                         ++col % 4 == 0 ? "\n" : "");
    }
    if (col % 4)
        vm_strbuf_printf(h->out, "\n");
}

static int info_registers(struct hmp *h, int argc, char **argv)
{
    bool all = argc > 1 && !strcmp(argv[1], "-a");
    unsigned n = vm_machine_vcpu_count(h->m);
    for (unsigned i = all ? 0 : h->s->cpu; i < (all ? n : h->s->cpu + 1); i++) {
        struct vm_query_regs r;
        if (vm_query_regs(h->m, i, &r) < 0)
            return fail(h, "%s", vm_error_message());
        if (all)
            vm_strbuf_printf(h->out, "\nCPU#%u\n", i);
        print_regs(h, &r);
    }
    return 0;
}

static int info_cpus(struct hmp *h, int argc, char **argv)
{
    unsigned n = vm_machine_vcpu_count(h->m);
    for (unsigned i = 0; i < n; i++)
        vm_strbuf_printf(h->out, "%c CPU #%u: thread_id=%d\n", i == h->s->cpu ? '*' : ' ', i,
                         vm_machine_vcpu_thread_id(h->m, i));
    return 0;
}

static int info_mtree(struct hmp *h, int argc, char **argv)
{
    struct vm_mem *mem = vm_machine_hold_mem(h->m);
    if (mem) {
        vm_strbuf_printf(h->out, "address-space: memory\n"
                                 "  0000000000000000-ffffffffffffffff (prio 0, i/o): system\n");
        for (unsigned i = 0; i < vm_mem_region_count(mem); i++) {
            const struct vm_mem_region *r = vm_mem_region_at(mem, i);
            vm_strbuf_printf(h->out, "    %016" PRIx64 "-%016" PRIx64 " (prio 0, %s): %s\n",
                             r->base, r->base + r->size - 1, r->host ? "ram" : "i/o", r->name);
        }
    }
    vm_machine_release_mem(h->m);
    if (!mem)
        return fail(h, "%s", "the machine is between boots");
    return 0;
}

void vm_hmp_info_mmu(struct vm_machine *m, struct vm_strbuf *out)
{
    unsigned n = m ? vm_machine_vcpu_count(m) : 0;
    struct vm_mmu_stats sum = {0};
    char text[2048];
    for (unsigned i = 0; i < n; i++) {
        struct vm_query_mmu q;
        if (vm_query_mmu(m, i, &q) < 0) {
            vm_strbuf_printf(out, "%s\n", vm_error_message());
            return;
        }
        vm_mmu_stats_add(&sum, &q.stats);
        vm_mmu_report(text, sizeof(text), "  ", &q.stats, q.policy);
        vm_strbuf_printf(out, "hart %u:\n%s", i, text);
    }
    if (n > 1) {
        vm_mmu_report(text, sizeof(text), "  ", &sum, "(per hart above)");
        vm_strbuf_printf(out, "all harts:\n%s", text);
    }
    if (!n)
        vm_strbuf_printf(out, "no CPUs now\n");
}

static int info_mmu(struct hmp *h, int argc, char **argv)
{
    vm_hmp_info_mmu(h->m, h->out);
    return 0;
}

static const struct hmp_command info_commands[] = {
    {"version", NULL, "", "show the version of vm", info_version, false},
    {"name", NULL, "", "show the current VM name (-name)", info_name, false},
    {"status", NULL, "", "show the current VM status (running|paused)", info_status, true},
    {"registers", NULL, "[-a]", "show the cpu registers (-a: all CPUs)", info_registers, true},
    {"cpus", NULL, "", "show infos for each CPU", info_cpus, true},
    {"mtree", NULL, "", "show memory tree", info_mtree, true},
    {"mmu", NULL, "", "show the soft MMU's figures per hart and summed", info_mmu, true},
};
#define NR_INFO (sizeof(info_commands) / sizeof(info_commands[0]))

/* ---- memory ----------------------------------------------------------------------- */

/* "/[count][format][size]": QEMU's x/xp format. */
static int parse_format(const char *f, unsigned *count, char *fmt, unsigned *size)
{
    *count = 1, *fmt = 'x', *size = 4;
    if (*f != '/')
        return 0;
    f++;
    if (isdigit((unsigned char)*f))
        *count = (unsigned)strtoul(f, (char **)&f, 10);
    for (; *f; f++) {
        switch (*f) {
        case 'x': case 'd': case 'u': case 'o': case 'c': *fmt = *f; break;
        case 'b': *size = 1; break;
        case 'h': *size = 2; break;
        case 'w': *size = 4; break;
        case 'g': *size = 8; break;
        case 'i': return -2; /* instructions: no disassembler */
        default: return -1;
        }
    }
    if (*fmt == 'c')
        *size = 1;
    return *count > 0 && *count <= 4096 ? 1 : -1;
}

/* An address: a number, or $REG of the current CPU. */
static int parse_addr(struct hmp *h, const char *s, uint64_t *addr)
{
    if (s[0] == '$') {
        struct vm_query_regs r;
        if (vm_query_regs(h->m, h->s->cpu, &r) < 0)
            return fail(h, "%s", vm_error_message());
        const struct vm_reg_desc *d = vm_reg_map_find(r.map, s + 1);
        if (!d)
            return fail(h, "unknown register '%s'", s + 1);
        *addr = vm_query_reg_value(&r, d);
        return 0;
    }
    char *end;
    errno = 0;
    *addr = strtoull(s, &end, 0);
    if (errno || end == s || *end)
        return fail(h, "invalid address '%s'", s);
    return 0;
}

static int memory_dump(struct hmp *h, int argc, char **argv, bool physical)
{
    unsigned count, size;
    char fmt;
    int a = 1, k = argc > 1 ? parse_format(argv[1], &count, &fmt, &size) : 0;
    if (k == -2)
        return fail(h, "%s", "format 'i': vm has no disassembler (use x/FMT with x, d, u, o, c)");
    if (k < 0)
        return fail(h, "invalid format '%s' (/[count][xduoc][bhwg])", argv[1]);
    a += k;
    uint64_t addr;
    if (argc != a + 1)
        return fail(h, "usage: %s /fmt addr", argv[0]);
    if (parse_addr(h, argv[a], &addr) < 0)
        return -1;
    size_t len = (size_t)count * size;
    uint8_t *buf = malloc(len);
    if (!buf)
        return fail(h, "%s", "out of memory");
    size_t got = physical ? vm_query_read_phys(h->m, addr, buf, len)
                          : vm_query_read_virt(h->m, h->s->cpu, addr, buf, len);
    unsigned per_line = fmt == 'c' ? 16 : size == 8 ? 2 : 16 / size;
    for (size_t i = 0; i < count; i++) {
        if (i % per_line == 0)
            vm_strbuf_printf(h->out, "%s%016" PRIx64 ":", i ? "\n" : "", addr + i * size);
        if ((i + 1) * size > got) {
            vm_strbuf_printf(h->out, "\nCannot access memory at 0x%" PRIx64, addr + i * size);
            break;
        }
        uint64_t v = vm_ld_le(buf + i * size, size);
        int64_t sv = size == 8 ? (int64_t)v : (int64_t)(v << (64 - 8 * size)) >> (64 - 8 * size);
        switch (fmt) {
        case 'x': vm_strbuf_printf(h->out, " 0x%0*" PRIx64, (int)size * 2, v); break;
        case 'o': vm_strbuf_printf(h->out, " %#" PRIo64, v); break;
        case 'u': vm_strbuf_printf(h->out, " %" PRIu64, v); break;
        case 'd': vm_strbuf_printf(h->out, " %" PRId64, sv); break;
        case 'c':
            if (v >= 0x20 && v < 0x7f)
                vm_strbuf_printf(h->out, " '%c'", (char)v);
            else
                vm_strbuf_printf(h->out, " '\\x%02x'", (unsigned)v);
            break;
        }
    }
    vm_strbuf_printf(h->out, "\n");
    free(buf);
    return 0;
}

static int cmd_x(struct hmp *h, int argc, char **argv)
{
    return memory_dump(h, argc, argv, false);
}

static int cmd_xp(struct hmp *h, int argc, char **argv)
{
    return memory_dump(h, argc, argv, true);
}

/* ---- run control ----------------------------------------------------------------- */

static int cmd_stop(struct hmp *h, int argc, char **argv)
{
    if (!vm_machine_halted(h->m))
        vm_runctl_stop(h->m);
    return 0;
}

static int cmd_cont(struct hmp *h, int argc, char **argv)
{
    if (vm_runctl_state(h->m) == VM_RUN_ENDED || vm_machine_halted(h->m))
        return fail(h, "%s", "Resetting the Virtual Machine is required");
    vm_runctl_cont(h->m);
    return 0;
}

static int cmd_system_reset(struct hmp *h, int argc, char **argv)
{
    vm_machine_reset(h->m);
    return 0;
}

static int cmd_system_powerdown(struct hmp *h, int argc, char **argv)
{
    /* As QEMU's riscv virt: a power-down request that only its listeners
     * (QMP's POWERDOWN event) hear; the board has no power button. */
    if (h->s->on_powerdown)
        h->s->on_powerdown(h->m);
    return 0;
}

static int cmd_quit(struct hmp *h, int argc, char **argv)
{
    vm_machine_stop(h->m, VM_STOP_QUIT, 0, "the monitor's quit");
    return 0;
}

static int cmd_cpu(struct hmp *h, int argc, char **argv)
{
    char *end;
    unsigned long n = argc == 2 ? strtoul(argv[1], &end, 10) : 0;
    if (argc != 2 || *end || n >= vm_machine_vcpu_count(h->m))
        return fail(h, "%s", "invalid CPU index");
    h->s->cpu = (unsigned)n;
    return 0;
}

static int cmd_help(struct hmp *h, int argc, char **argv);
static int cmd_info(struct hmp *h, int argc, char **argv);

static const struct hmp_command commands[] = {
    {"help", "?", "[cmd]", "show the help", cmd_help, false},
    {"info", NULL, "[subcommand]", "show various information about the system state",
     cmd_info, false},
    {"x", NULL, "/fmt addr", "virtual memory dump starting at 'addr'", cmd_x, true},
    {"xp", NULL, "/fmt addr", "physical memory dump starting at 'addr'", cmd_xp, true},
    {"cpu", NULL, "index", "set the default CPU", cmd_cpu, true},
    {"stop", NULL, "", "stop emulation", cmd_stop, true},
    {"cont", "c", "", "resume emulation", cmd_cont, true},
    {"system_reset", NULL, "", "reset the system", cmd_system_reset, true},
    {"system_powerdown", NULL, "", "send system power down event", cmd_system_powerdown, true},
    {"quit", "q", "", "quit the emulator", cmd_quit, true},
};
#define NR_COMMANDS (sizeof(commands) / sizeof(commands[0]))

static const struct hmp_command *find(const struct hmp_command *t, unsigned n, const char *name)
{
    for (unsigned i = 0; i < n; i++)
        if (!strcmp(t[i].name, name) || (t[i].alias && !strcmp(t[i].alias, name)))
            return &t[i];
    return NULL;
}

static void help_line(struct hmp *h, const char *prefix, const struct hmp_command *c)
{
    vm_strbuf_printf(h->out, "%s%s%s%s %s -- %s\n", prefix, c->name, c->alias ? "|" : "",
                     c->alias ? c->alias : "", c->args, c->help);
}

static int cmd_help(struct hmp *h, int argc, char **argv)
{
    for (unsigned i = 0; i < NR_COMMANDS; i++)
        if (argc < 2 || !strcmp(commands[i].name, argv[1]))
            help_line(h, "", &commands[i]);
    if (argc < 2 || !strcmp(argv[1], "info"))
        for (unsigned i = 0; i < NR_INFO; i++)
            help_line(h, "info ", &info_commands[i]);
    return 0;
}

static int run(struct hmp *h, const struct hmp_command *c, int argc, char **argv)
{
    if (c->needs_machine && !h->m)
        return fail(h, "%s: the machine is not running yet", c->name);
    return c->fn(h, argc, argv);
}

static int cmd_info(struct hmp *h, int argc, char **argv)
{
    if (argc < 2) {
        for (unsigned i = 0; i < NR_INFO; i++)
            help_line(h, "info ", &info_commands[i]);
        return 0;
    }
    const struct hmp_command *c = find(info_commands, NR_INFO, argv[1]);
    if (!c)
        return fail(h, "info: unknown subcommand '%s' (try 'info')", argv[1]);
    return run(h, c, argc - 1, argv + 1);
}

int vm_hmp_run(struct vm_machine *m, struct vm_hmp_session *s, const char *line,
               struct vm_strbuf *out)
{
    struct hmp h = {m, s, out};
    char copy[512], *argv[MAX_ARGS + 1];
    int argc = 0;
    /* "x/4xw 0x80000000" is "x /4xw 0x80000000" */
    line += strspn(line, " \t");
    size_t word = strcspn(line, " \t/");
    if (line[word] == '/')
        snprintf(copy, sizeof(copy), "%.*s %s", (int)word, line, line + word);
    else
        snprintf(copy, sizeof(copy), "%s", line);
    for (char *p = strtok(copy, " \t\r\n"); p && argc < MAX_ARGS; p = strtok(NULL, " \t\r\n"))
        argv[argc++] = p;
    argv[argc] = NULL;
    if (argc == 0)
        return 0;
    const struct hmp_command *c = find(commands, NR_COMMANDS, argv[0]);
    if (!c)
        return fail(&h, "unknown command: '%s'", argv[0]);
    return run(&h, c, argc, argv);
}
