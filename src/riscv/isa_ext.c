/* The extension table's uses outside the decoder: -cpu parsing and help,
 * the riscv,isa string, look-ups by name (include/vm/riscv_isa.h). */
#include "riscv/isa_ext.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "vm/error.h"

const struct rv_ext_info rv_ext_table[RV_EXT_COUNT] = {
#define RV_EXT_INFO(id, name, kind, summary) [RV_EXT_##id] = {name, kind, summary},
    RV_EXTENSIONS(RV_EXT_INFO)
#undef RV_EXT_INFO
};

/* A needs B: B cannot be off while A is on. */
static const struct { enum rv_ext a, b; } requires[] = {
    {RV_EXT_ZFH, RV_EXT_ZFHMIN},
};

/* Shorthands QEMU accepts for several extensions at once. */
static const struct {
    const char *name;
    enum rv_ext members[6];
    unsigned count;
} groups[] = {
    {"zkn", {RV_EXT_ZBKB, RV_EXT_ZBKC, RV_EXT_ZBKX, RV_EXT_ZKNE, RV_EXT_ZKND, RV_EXT_ZKNH}, 6},
    {"zks", {RV_EXT_ZBKB, RV_EXT_ZBKC, RV_EXT_ZBKX, RV_EXT_ZKSED, RV_EXT_ZKSH}, 5},
};

int rv_ext_find(const char *name, size_t len)
{
    for (unsigned e = 0; e < RV_EXT_COUNT; e++)
        if (strlen(rv_ext_table[e].name) == len && !strncasecmp(rv_ext_table[e].name, name, len))
            return (int)e;
    return -1;
}

void vm_riscv_isa_default(struct vm_riscv_isa *isa)
{
    memset(isa, 0, sizeof(*isa));
    for (unsigned e = 0; e < RV_EXT_COUNT; e++)
        rv_isa_set(isa, (enum rv_ext)e, rv_ext_table[e].kind != RV_EXT_OFF);
}

bool vm_riscv_isa_has(const struct vm_riscv_isa *isa, const char *name)
{
    int e = name ? rv_ext_find(name, strlen(name)) : -1;
    return e >= 0 && rv_isa_has(isa, (enum rv_ext)e);
}

/* QEMU's boolean spellings. 1 on, 0 off, -1 neither. */
static int parse_bool(const char *v, size_t n)
{
    static const char *const on[] = {"on", "true", "yes", "y"}, *const off[] = {"off", "false", "no", "n"};
    for (unsigned i = 0; i < 4; i++) {
        if (strlen(on[i]) == n && !strncasecmp(v, on[i], n))
            return 1;
        if (strlen(off[i]) == n && !strncasecmp(v, off[i], n))
            return 0;
    }
    return -1;
}

/* Apply one "name=value" property; `said` records what the user set. */
static int apply_prop(const char *cpu, const char *p, size_t len, struct vm_riscv_isa *isa,
                      struct vm_riscv_isa *said)
{
    const char *eq = memchr(p, '=', len);
    if (!eq)
        return vm_error(VM_EINVAL, "-cpu %s: '%.*s' is not NAME=on|off", cpu, (int)len, p);
    size_t nlen = (size_t)(eq - p), vlen = len - nlen - 1;
    int on = parse_bool(eq + 1, vlen);
    if (on < 0)
        return vm_error(VM_EINVAL, "-cpu %s: '%.*s': the value must be on or off", cpu, (int)len, p);
    for (unsigned g = 0; g < sizeof(groups) / sizeof(groups[0]); g++) {
        if (strlen(groups[g].name) != nlen || strncasecmp(groups[g].name, p, nlen))
            continue;
        for (unsigned i = 0; i < groups[g].count; i++) {
            rv_isa_set(isa, groups[g].members[i], on);
            rv_isa_set(said, groups[g].members[i], true);
        }
        return 0;
    }
    int e = rv_ext_find(p, nlen);
    if (e < 0)
        return vm_error(VM_EINVAL, "-cpu %s: unknown extension '%.*s' (`-cpu help` lists them)",
                        cpu, (int)nlen, p);
    if (rv_ext_table[e].kind == RV_EXT_FIXED && !on)
        return vm_error(VM_EINVAL, "-cpu %s: the hart always has %s; it cannot be turned off",
                        cpu, rv_ext_table[e].name);
    rv_isa_set(isa, (enum rv_ext)e, on);
    rv_isa_set(said, (enum rv_ext)e, true);
    return 0;
}

int vm_riscv_isa_parse(const char *cpu, struct vm_riscv_isa *isa)
{
    struct vm_riscv_isa said = {{0}};
    vm_riscv_isa_default(isa);
    if (!cpu || !*cpu)
        return 0;
    const char *comma = strchr(cpu, ',');
    size_t mlen = comma ? (size_t)(comma - cpu) : strlen(cpu);
    if (!((mlen == 4 && !strncasecmp(cpu, "rv64", 4)) || (mlen == 3 && !strncasecmp(cpu, "max", 3))))
        return vm_error(VM_EINVAL, "-cpu %s: unknown CPU model '%.*s' (rv64 or max; `-cpu help`)",
                        cpu, (int)mlen, cpu);
    for (const char *p = comma; p; ) {
        p++;
        const char *next = strchr(p, ',');
        size_t len = next ? (size_t)(next - p) : strlen(p);
        int rc = apply_prop(cpu, p, len, isa, &said);
        if (rc < 0)
            return rc;
        p = next;
    }
    /* Turning A on brings what it needs, unless the user turned that off. */
    for (unsigned i = 0; i < sizeof(requires) / sizeof(requires[0]); i++) {
        enum rv_ext a = requires[i].a, b = requires[i].b;
        if (!rv_isa_has(isa, a) || rv_isa_has(isa, b))
            continue;
        if (rv_isa_has(&said, b))
            return vm_error(VM_EINVAL, "-cpu %s: %s needs %s: turn %s off too", cpu,
                            rv_ext_table[a].name, rv_ext_table[b].name, rv_ext_table[a].name);
        rv_isa_set(isa, b, true);
    }
    /* A hart without Svadu faults on A/D (Svade), and says so. */
    if (!rv_isa_has(isa, RV_EXT_SVADU))
        rv_isa_set(isa, RV_EXT_SVADE, true);
    return 0;
}

size_t vm_riscv_isa_string(const struct vm_riscv_isa *isa, char *buf, size_t size)
{
    size_t n = 0;
#define PUT(...) do {                                                              \
        int k_ = snprintf(n < size ? buf + n : NULL, n < size ? size - n : 0, __VA_ARGS__); \
        n += k_ > 0 ? (size_t)k_ : 0;                                              \
    } while (0)
    if (size)
        buf[0] = '\0';
    PUT("rv64");
    for (unsigned e = 0; e < RV_EXT_COUNT; e++)
        if (rv_isa_has(isa, (enum rv_ext)e) && !rv_ext_table[e].name[1])
            PUT("%s", rv_ext_table[e].name);
    for (unsigned e = 0; e < RV_EXT_COUNT; e++)
        if (rv_isa_has(isa, (enum rv_ext)e) && rv_ext_table[e].name[1])
            PUT("_%s", rv_ext_table[e].name);
#undef PUT
    return n;
}

void vm_riscv_cpu_help(FILE *out)
{
    fprintf(out, "CPU models (-cpu MODEL[,EXT=on|off...], QEMU's syntax):\n"
                 "  rv64    the soft RISC-V hart with every extension below that is on\n"
                 "  max     the same\n"
                 "\nextensions (QEMU's property names; default in brackets):\n");
    for (unsigned e = 0; e < RV_EXT_COUNT; e++) {
        const struct rv_ext_info *x = &rv_ext_table[e];
        fprintf(out, "  %-12s [%s] %s\n", x->name,
                x->kind == RV_EXT_FIXED ? "always" : x->kind == RV_EXT_ON ? "on" : "off",
                x->summary);
    }
    fprintf(out, "\ngroups: zkn = zbkb,zbkc,zbkx,zkne,zknd,zknh; zks = zbkb,zbkc,zbkx,zksed,zksh\n"
                 "An extension turned off makes its instructions illegal and leaves the device\n"
                 "tree's riscv,isa. Hints (zicbop, zihintntl, zihintpause) run as their base\n"
                 "instructions either way.\n");
}
