/* The extension table's uses outside the decoder: -cpu parsing and help,
 * the riscv,isa string, look-ups by name (include/vm/riscv_isa.h). */
#include "riscv/isa_ext.h"

#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "vm/error.h"

const struct rv_ext_info rv_ext_table[RV_EXT_COUNT] = {
#define RV_EXT_INFO(id, name, kind, summary) [RV_EXT_##id] = {name, kind, summary, true},
#define RV_FEATURE_INFO(id, name, kind, summary) [RV_EXT_##id] = {name, kind, summary, false},
    RV_EXTENSIONS(RV_EXT_INFO)
    RV_CPU_FEATURES(RV_FEATURE_INFO)
#undef RV_EXT_INFO
#undef RV_FEATURE_INFO
};

/* QEMU's other names for a table entry. */
static const struct { const char *name; enum rv_ext e; } aliases[] = {
    {"debug", RV_EXT_SDTRIG}, /* QEMU's switch for the trigger module */
};

/* QEMU's numeric -cpu properties: a field of struct vm_riscv_isa each. */
static const struct {
    const char *name;
    size_t offset;
    unsigned min, max, def;
    bool pow2;
    const char *summary;
} numbers[] = {
    {"pmu-num", offsetof(struct vm_riscv_isa, pmu_num), 0, VM_RISCV_HPM_COUNTERS,
     VM_RISCV_HPM_COUNTERS, false, "mhpmcounters that count, from mhpmcounter3 (zihpm)"},
    /* A block never crosses a page: at most 4096 bytes. */
    {"cbom_blocksize", offsetof(struct vm_riscv_isa, cbom_block), 16, 4096, 64, true,
     "bytes of the block cbo.clean/flush/inval act on (zicbom)"},
    {"cbop_blocksize", offsetof(struct vm_riscv_isa, cbop_block), 16, 4096, 64, true,
     "bytes of the block prefetch.* hint at (zicbop)"},
    {"cboz_blocksize", offsetof(struct vm_riscv_isa, cboz_block), 16, 4096, 64, true,
     "bytes of the block cbo.zero zeroes (zicboz)"},
};
#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static unsigned *number_field(struct vm_riscv_isa *isa, unsigned i)
{
    return (unsigned *)((char *)isa + numbers[i].offset);
}

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

static bool same(const char *a, const char *b, size_t blen)
{
    return strlen(a) == blen && !strncasecmp(a, b, blen);
}

int rv_ext_find(const char *name, size_t len)
{
    for (unsigned e = 0; e < RV_EXT_COUNT; e++)
        if (same(rv_ext_table[e].name, name, len))
            return (int)e;
    for (unsigned i = 0; i < COUNT(aliases); i++)
        if (same(aliases[i].name, name, len))
            return (int)aliases[i].e;
    return -1;
}

void vm_riscv_isa_default(struct vm_riscv_isa *isa)
{
    memset(isa, 0, sizeof(*isa));
    for (unsigned e = 0; e < RV_EXT_COUNT; e++)
        rv_isa_set(isa, (enum rv_ext)e, rv_ext_table[e].kind != RV_EXT_OFF);
    for (unsigned i = 0; i < COUNT(numbers); i++)
        *number_field(isa, i) = numbers[i].def;
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

/* A numeric property's value: decimal or 0x hex, in range. */
static int apply_number(const char *cpu, unsigned i, const char *v, size_t vlen,
                        struct vm_riscv_isa *isa)
{
    char buf[24], *end;
    if (vlen == 0 || vlen >= sizeof(buf) || *v == '-' || *v == '+')
        goto bad;
    memcpy(buf, v, vlen);
    buf[vlen] = '\0';
    errno = 0;
    unsigned long n = strtoul(buf, &end, 0);
    if (errno || *end || n < numbers[i].min || n > numbers[i].max ||
        (numbers[i].pow2 && (n & (n - 1))))
        goto bad;
    *number_field(isa, i) = (unsigned)n;
    return 0;
bad:
    return vm_error(VM_EINVAL, "-cpu %s: %s=%.*s: the value must be %s from %u to %u", cpu,
                    numbers[i].name, (int)vlen, v, numbers[i].pow2 ? "a power of two" : "a number",
                    numbers[i].min, numbers[i].max);
}

/* Apply one "name=value" property; `said` records what the user set. */
static int apply_prop(const char *cpu, const char *p, size_t len, struct vm_riscv_isa *isa,
                      struct vm_riscv_isa *said)
{
    const char *eq = memchr(p, '=', len);
    if (!eq)
        return vm_error(VM_EINVAL, "-cpu %s: '%.*s' is not NAME=on|off", cpu, (int)len, p);
    size_t nlen = (size_t)(eq - p), vlen = len - nlen - 1;
    for (unsigned i = 0; i < COUNT(numbers); i++)
        if (same(numbers[i].name, p, nlen))
            return apply_number(cpu, i, eq + 1, vlen, isa);
    int on = parse_bool(eq + 1, vlen);
    if (on < 0)
        return vm_error(VM_EINVAL, "-cpu %s: '%.*s': the value must be on or off", cpu, (int)len, p);
    for (unsigned g = 0; g < COUNT(groups); g++) {
        if (!same(groups[g].name, p, nlen))
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
    struct vm_riscv_isa said;
    memset(&said, 0, sizeof(said));
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
    for (unsigned i = 0; i < COUNT(requires); i++) {
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
        if (rv_isa_has(isa, (enum rv_ext)e) && rv_ext_table[e].in_isa && !rv_ext_table[e].name[1])
            PUT("%s", rv_ext_table[e].name);
    for (unsigned e = 0; e < RV_EXT_COUNT; e++)
        if (rv_isa_has(isa, (enum rv_ext)e) && rv_ext_table[e].in_isa && rv_ext_table[e].name[1])
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
        if (e && rv_ext_table[e - 1].in_isa && !x->in_isa)
            fprintf(out, "\nnot named in riscv,isa:\n");
        fprintf(out, "  %-12s [%s] %s\n", x->name,
                x->kind == RV_EXT_FIXED ? "always" : x->kind == RV_EXT_ON ? "on" : "off",
                x->summary);
    }
    for (unsigned i = 0; i < COUNT(numbers); i++)
        fprintf(out, "  %-15s=N [%u] %s\n", numbers[i].name, numbers[i].def, numbers[i].summary);
    fprintf(out, "\naliases:");
    for (unsigned i = 0; i < COUNT(aliases); i++)
        fprintf(out, " %s = %s", aliases[i].name, rv_ext_table[aliases[i].e].name);
    fprintf(out, "\ngroups: zkn = zbkb,zbkc,zbkx,zkne,zknd,zknh; zks = zbkb,zbkc,zbkx,zksed,zksh\n"
                 "An extension turned off makes its instructions illegal and leaves the device\n"
                 "tree's riscv,isa. Hints (zicbop, zihintntl, zihintpause) run as their base\n"
                 "instructions either way.\n");
}
