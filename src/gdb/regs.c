/* Target descriptions and remote register numbers (regs.h).
 *
 * RISC-V, as QEMU 7.2 lays it out: cpu (zero..pc = 0..32), fpu
 * (ft0..ft11 = 33..64), virtual (priv = 65) and csr (66 + the CSR number;
 * fflags and frm are fields of fcsr), built from the register map so that
 * every CSR the map gains appears here too.
 * x86-64: GDB's own amd64 features (core, sse, segments); st0-7 and xmm0-15
 * are joined from their 8-byte map parts. */
#include "gdb/regs.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define N GDB_REG_NONE

/* ---- RISC-V ---------------------------------------------------------------- */

enum { RV_CPU, RV_FPU, RV_VIRTUAL, RV_CSR };
static const struct gdb_feature rv_features[] = {
    [RV_CPU] = {"riscv-64bit-cpu.xml", "org.gnu.gdb.riscv.cpu", ""},
    [RV_FPU] = {"riscv-64bit-fpu.xml", "org.gnu.gdb.riscv.fpu",
                "<union id=\"riscv_double\"><field name=\"float\" type=\"ieee_single\"/>"
                "<field name=\"double\" type=\"ieee_double\"/></union>"},
    [RV_VIRTUAL] = {"riscv-64bit-virtual.xml", "org.gnu.gdb.riscv.virtual", ""},
    [RV_CSR] = {"riscv-csr.xml", "org.gnu.gdb.riscv.csr", ""},
};

#define RV_MAP_CSR0 65     /* the map numbers CSRs from 65 (GDB's internal numbers) */
#define RV_MAP_PRIV 4161
#define RV_REMOTE_PRIV 65  /* QEMU: after the fpu */
#define RV_REMOTE_CSR0 66

static const char *rv_cpu_type(unsigned n)
{
    if (n == 1 || n == 32)
        return "code_ptr";
    if ((n >= 2 && n <= 4) || n == 8)
        return "data_ptr";
    return "int";
}

static int by_regnum(const void *a, const void *b)
{
    const struct gdb_reg *x = a, *y = b;
    return (x->regnum > y->regnum) - (x->regnum < y->regnum);
}

static bool build_riscv(struct gdb_arch *a)
{
    const struct vm_reg_map *map = vm_reg_map_for(VM_ARCH_RISCV64);
    struct gdb_reg *r = calloc(map->count + 4, sizeof(*r));
    if (!r)
        return false;
    unsigned n = 0;
    for (unsigned i = 0; i < map->count; i++) {
        const struct vm_reg_desc *d = &map->regs[i];
        struct gdb_reg g = {.name = d->name, .bitsize = 64, .map = {d->number, N}};
        if (d->number <= 32) {
            g.feature = RV_CPU;
            g.regnum = d->number;
            g.type = rv_cpu_type(d->number);
        } else if (d->number < RV_MAP_CSR0) {
            g.feature = RV_FPU;
            g.regnum = d->number;
            g.type = "riscv_double";
        } else if (d->number == RV_MAP_PRIV) {
            g.feature = RV_VIRTUAL;
            g.regnum = RV_REMOTE_PRIV;
        } else if (d->number < RV_MAP_PRIV) {
            g.feature = RV_CSR;
            g.regnum = RV_REMOTE_CSR0 + (d->number - RV_MAP_CSR0);
        } else {
            continue;
        }
        r[n++] = g;
    }
    /* fflags (CSR 1) and frm (CSR 2): fields of fcsr (CSR 3) */
    const struct vm_reg_desc *fcsr = vm_reg_map_find(map, "fcsr");
    if (fcsr) {
        r[n++] = (struct gdb_reg){.name = "fflags", .bitsize = 64, .feature = RV_CSR,
                                  .regnum = RV_REMOTE_CSR0 + 1, .map = {fcsr->number, N},
                                  .shift = 0, .width = 5};
        r[n++] = (struct gdb_reg){.name = "frm", .bitsize = 64, .feature = RV_CSR,
                                  .regnum = RV_REMOTE_CSR0 + 2, .map = {fcsr->number, N},
                                  .shift = 5, .width = 3};
    }
    qsort(r, n, sizeof(*r), by_regnum);
    *a = (struct gdb_arch){.arch = VM_ARCH_RISCV64, .architecture = "riscv:rv64",
                           .features = rv_features, .nfeatures = 4, .regs = r, .nregs = n,
                           .ng = 33};
    return true;
}

/* ---- x86-64 ------------------------------------------------------------------ */

enum { X86_CORE, X86_SSE, X86_SEGMENTS };
static const struct gdb_feature x86_features[] = {
    [X86_CORE] = {"64bit-core.xml", "org.gnu.gdb.i386.core", ""},
    [X86_SSE] = {"64bit-sse.xml", "org.gnu.gdb.i386.sse",
                 "<vector id=\"v4f\" type=\"ieee_single\" count=\"4\"/>"
                 "<vector id=\"v2d\" type=\"ieee_double\" count=\"2\"/>"
                 "<vector id=\"v16i8\" type=\"int8\" count=\"16\"/>"
                 "<vector id=\"v8i16\" type=\"int16\" count=\"8\"/>"
                 "<vector id=\"v4i32\" type=\"int32\" count=\"4\"/>"
                 "<vector id=\"v2i64\" type=\"int64\" count=\"2\"/>"
                 "<union id=\"vec128\"><field name=\"v4_float\" type=\"v4f\"/>"
                 "<field name=\"v2_double\" type=\"v2d\"/><field name=\"v16_int8\" type=\"v16i8\"/>"
                 "<field name=\"v8_int16\" type=\"v8i16\"/>"
                 "<field name=\"v4_int32\" type=\"v4i32\"/>"
                 "<field name=\"v2_int64\" type=\"v2i64\"/>"
                 "<field name=\"uint128\" type=\"uint128\"/></union>"},
    [X86_SEGMENTS] = {"64bit-segments.xml", "org.gnu.gdb.i386.segments", ""},
};

static bool build_x86(struct gdb_arch *a)
{
    static const char *const gpr[] = {"rax", "rbx", "rcx", "rdx", "rsi", "rdi", "rbp", "rsp",
                                      "r8",  "r9",  "r10", "r11", "r12", "r13", "r14", "r15"};
    static const char *const seg[] = {"cs", "ss", "ds", "es", "fs", "gs"};
    static const char *const fpc[] = {"fctrl", "fstat", "ftag", "fiseg",
                                      "fioff", "foseg", "fooff", "fop"};
    static const char *const st[] = {"st0", "st1", "st2", "st3", "st4", "st5", "st6", "st7"};
    static const char *const xmm[] = {"xmm0", "xmm1", "xmm2",  "xmm3",  "xmm4",  "xmm5",
                                      "xmm6", "xmm7", "xmm8",  "xmm9",  "xmm10", "xmm11",
                                      "xmm12", "xmm13", "xmm14", "xmm15"};
    struct gdb_reg *r = calloc(64, sizeof(*r));
    if (!r)
        return false;
    unsigned n = 0;
#define REG(nm, bits, ty, grp, feat, m0, m1)                                                \
    r[n] = (struct gdb_reg){.name = nm, .bitsize = bits, .type = ty, .group = grp,           \
                            .feature = feat, .regnum = n, .map = {m0, m1}};                  \
    n++
    for (unsigned i = 0; i < 16; i++) {
        REG(gpr[i], 64, i == 6 || i == 7 ? "data_ptr" : "int64", NULL, X86_CORE, i, N);
    }
    REG("rip", 64, "code_ptr", NULL, X86_CORE, 16, N);
    REG("eflags", 32, "int32", NULL, X86_CORE, 17, N);
    for (unsigned i = 0; i < 6; i++) {
        REG(seg[i], 32, "int32", NULL, X86_CORE, 18 + i, N);
    }
    for (unsigned i = 0; i < 8; i++) {
        REG(st[i], 80, "i387_ext", NULL, X86_CORE, 24 + i, 120 + i);
    }
    for (unsigned i = 0; i < 8; i++) { /* fiseg and foseg: not kept (zero) */
        REG(fpc[i], 32, "int", "float", X86_CORE, i == 3 || i == 5 ? N : 32 + i, N);
    }
    for (unsigned i = 0; i < 16; i++) {
        REG(xmm[i], 128, "vec128", NULL, X86_SSE, 40 + i, 128 + i);
    }
    REG("mxcsr", 32, "int", "vector", X86_SSE, 56, N);
    REG("fs_base", 64, "int", NULL, X86_SEGMENTS, 58, N);
    REG("gs_base", 64, "int", NULL, X86_SEGMENTS, 59, N);
#undef REG
    *a = (struct gdb_arch){.arch = VM_ARCH_X86_64, .architecture = "i386:x86-64",
                           .features = x86_features, .nfeatures = 3, .regs = r, .nregs = n,
                           .ng = n};
    return true;
}

/* ---- the tables, built once ---------------------------------------------------- */

static struct gdb_arch arches[2];
static bool built[2];
static pthread_once_t once = PTHREAD_ONCE_INIT;

static void build_all(void)
{
    built[VM_ARCH_RISCV64] = build_riscv(&arches[VM_ARCH_RISCV64]);
    built[VM_ARCH_X86_64] = build_x86(&arches[VM_ARCH_X86_64]);
}

const struct gdb_arch *gdb_arch_for(enum vm_arch arch)
{
    pthread_once(&once, build_all);
    if ((unsigned)arch >= 2 || !built[arch])
        return NULL;
    return &arches[arch];
}

const struct gdb_reg *gdb_arch_reg(const struct gdb_arch *a, unsigned regnum)
{
    for (unsigned i = 0; i < a->nregs; i++)
        if (a->regs[i].regnum == regnum)
            return &a->regs[i];
    return NULL;
}

/* ---- XML ------------------------------------------------------------------------- */

struct out {
    char *p;
    size_t size, len;
    bool full;
};

static void emit(struct out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void emit(struct out *o, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    size_t room = o->len < o->size ? o->size - o->len : 0;
    int n = vsnprintf(o->p + o->len, room, fmt, ap);
    va_end(ap);
    if (n < 0 || (size_t)n >= room)
        o->full = true;
    else
        o->len += (size_t)n;
}

long gdb_arch_xml(const struct gdb_arch *a, const char *annex, char *out, size_t out_size)
{
    struct out o = {out, out_size, 0, false};
    if (out_size == 0)
        return -1;
    out[0] = '\0';
    emit(&o, "<?xml version=\"1.0\"?>");
    if (!strcmp(annex, "target.xml")) {
        emit(&o, "<!DOCTYPE target SYSTEM \"gdb-target.dtd\"><target><architecture>%s"
                 "</architecture>", a->architecture);
        for (unsigned f = 0; f < a->nfeatures; f++)
            emit(&o, "<xi:include href=\"%s\"/>", a->features[f].annex);
        emit(&o, "</target>");
        return o.full ? -1 : (long)o.len;
    }
    for (unsigned f = 0; f < a->nfeatures; f++) {
        const struct gdb_feature *ft = &a->features[f];
        if (strcmp(annex, ft->annex))
            continue;
        emit(&o, "<!DOCTYPE feature SYSTEM \"gdb-target.dtd\"><feature name=\"%s\">%s", ft->name,
             ft->types);
        for (unsigned i = 0; i < a->nregs; i++) {
            const struct gdb_reg *r = &a->regs[i];
            if (r->feature != f)
                continue;
            emit(&o, "<reg name=\"%s\" bitsize=\"%u\" regnum=\"%u\"", r->name, r->bitsize,
                 r->regnum);
            if (r->type)
                emit(&o, " type=\"%s\"", r->type);
            if (r->group)
                emit(&o, " group=\"%s\"", r->group);
            emit(&o, "/>");
        }
        emit(&o, "</feature>");
        return o.full ? -1 : (long)o.len;
    }
    return -1;
}

/* ---- values -------------------------------------------------------------------- */

static const struct vm_reg_desc *part(const struct gdb_arch *a, unsigned number)
{
    if (number == GDB_REG_NONE)
        return NULL;
    const struct vm_reg_desc *d = vm_reg_map_find_number(vm_reg_map_for(a->arch), number);
    /* the map is ours: a bad entry would be a bug, but never read out of bounds */
    return d && d->offset + d->size <= sizeof(((struct gdb_regsets *)0)->set[0]) ? d : NULL;
}

void gdb_reg_get(const struct gdb_arch *a, const struct gdb_reg *r, const struct gdb_regsets *s,
                 uint8_t *out)
{
    uint8_t tmp[32] = {0};
    size_t o = 0;
    for (unsigned p = 0; p < 2; p++) {
        const struct vm_reg_desc *d = part(a, r->map[p]);
        if (d && o + d->size <= sizeof(tmp)) {
            memcpy(tmp + o, s->set[d->set] + d->offset, d->size);
            o += d->size;
        }
    }
    if (r->width) {
        uint64_t v;
        memcpy(&v, tmp, 8);
        v = (v >> r->shift) & ((1ULL << r->width) - 1);
        memset(tmp, 0, sizeof(tmp));
        memcpy(tmp, &v, 8);
    }
    memcpy(out, tmp, r->bitsize / 8 <= sizeof(tmp) ? r->bitsize / 8 : sizeof(tmp));
}

void gdb_reg_put(const struct gdb_arch *a, const struct gdb_reg *r, struct gdb_regsets *s,
                 const uint8_t *in)
{
    uint8_t tmp[32] = {0};
    memcpy(tmp, in, r->bitsize / 8 <= sizeof(tmp) ? r->bitsize / 8 : sizeof(tmp));
    if (r->width) {
        const struct vm_reg_desc *d = part(a, r->map[0]);
        if (!d || d->size != 8)
            return;
        uint64_t old, v, mask = ((1ULL << r->width) - 1) << r->shift;
        memcpy(&old, s->set[d->set] + d->offset, 8);
        memcpy(&v, tmp, 8);
        old = (old & ~mask) | ((v << r->shift) & mask);
        memcpy(s->set[d->set] + d->offset, &old, 8);
        s->dirty[d->set] = true;
        return;
    }
    size_t o = 0;
    for (unsigned p = 0; p < 2; p++) {
        const struct vm_reg_desc *d = part(a, r->map[p]);
        if (d && o + d->size <= sizeof(tmp)) {
            memcpy(s->set[d->set] + d->offset, tmp + o, d->size);
            s->dirty[d->set] = true;
            o += d->size;
        }
    }
}
