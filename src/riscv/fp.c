/* F, D and Zfh/Zfa instructions around the arithmetic of fpu*.c:
 * mstatus.FS gating, rounding-mode resolution, fflags accumulation and the
 * moves between integer and FP registers (NaN-boxing of singles and
 * halves). */
#include "riscv/csr_defs.h"
#include "riscv/fpu.h"
#include "riscv/hart.h"
#include "riscv/ops.h"

/* Fields packed into the slot's imm by rv_slot_fill(). */
struct fp_fields {
    unsigned op, fmt, sub, rm, rs3;
};

static struct fp_fields unpack(const struct rv_slot *s)
{
    uint32_t v = (uint32_t)s->imm;
    return (struct fp_fields){.op = v & 0xff, .fmt = (v >> 8) & 3, .sub = (v >> 10) & 7,
                              .rm = (v >> 13) & 7, .rs3 = (v >> 16) & 31};
}

/* A static rounding mode, or -1 for illegal (5, 6, or DYN with a bad frm). */
static int resolve_rm(const struct rv_hart *h, unsigned rm)
{
    if (rm == RV_DYN)
        rm = h->frm;
    return rm <= RV_RMM ? (int)rm : -1;
}

int rv_fp_exec(struct rv_hart *h, const struct rv_slot *s)
{
    if (!(h->mstatus & MSTATUS_FS))
        return -1;
    struct fp_fields f = unpack(s);
    uint64_t a = h->f[s->rs1], b = h->f[s->rs2];
    /* NX already raised goes in: the host fast path needs no MXCSR loads
     * then (fpu_host.c); flags only ever gain bits */
    const uint32_t nx = h->fflags & RV_NX;
    uint32_t flags = nx;
    uint64_t r;
    int rm = 0;
    bool to_x = false; /* result goes to x[rd] rather than f[rd] */

    switch (f.op) {
    case RV_OP_FADD: case RV_OP_FSUB: case RV_OP_FMUL: case RV_OP_FDIV: case RV_OP_FSQRT:
    case RV_OP_FMA: case RV_OP_FCVT_TO_INT: case RV_OP_FCVT_FROM_INT: case RV_OP_FCVT_FMT:
    case RV_OP_FROUND:
        rm = resolve_rm(h, f.rm);
        if (rm < 0)
            return -1;
        break;
    }

    switch (f.op) {
    case RV_OP_FADD: r = rv_fadd((int)f.fmt, a, b, rm, &flags); break;
    case RV_OP_FSUB: r = rv_fsub((int)f.fmt, a, b, rm, &flags); break;
    case RV_OP_FMUL: r = rv_fmul((int)f.fmt, a, b, rm, &flags); break;
    case RV_OP_FDIV: r = rv_fdiv((int)f.fmt, a, b, rm, &flags); break;
    case RV_OP_FSQRT: r = rv_fsqrt((int)f.fmt, a, rm, &flags); break;
    case RV_OP_FMA:
        r = rv_fma((int)f.fmt, a, b, h->f[f.rs3], (int)(f.sub >> 1), (int)(f.sub & 1), rm, &flags);
        break;
    case RV_OP_FSGNJ: r = rv_fsgnj((int)f.fmt, a, b, (int)f.sub); break;
    case RV_OP_FMINMAX: r = rv_fminmax((int)f.fmt, a, b, (int)f.sub, &flags); break;
    case RV_OP_FCVT_FMT: r = rv_fcvt_fmt((int)f.fmt, (int)f.sub, a, rm, &flags); break;
    case RV_OP_FROUND: r = rv_fround((int)f.fmt, a, (int)f.sub, rm, &flags); break;
    case RV_OP_FLI: r = rv_fli((int)f.fmt, s->rs1); break;
    case RV_OP_FCVTMOD: r = rv_fcvtmod_w_d(a, &flags); to_x = true; break;
    case RV_OP_FCVT_FROM_INT:
        r = rv_fcvt_from_int((int)f.fmt, h->x[s->rs1], (int)f.sub, rm, &flags);
        break;
    case RV_OP_FMV_F_X:
        r = f.fmt == RV_FD   ? h->x[s->rs1]
            : f.fmt == RV_FS ? 0xffffffff00000000ULL | (uint32_t)h->x[s->rs1]
                             : 0xffffffffffff0000ULL | (uint16_t)h->x[s->rs1];
        break;
    case RV_OP_FCVT_TO_INT:
        r = rv_fcvt_to_int((int)f.fmt, a, (int)f.sub, rm, &flags);
        to_x = true;
        break;
    case RV_OP_FMV_X_F: /* the raw low bits, sign-extended: no unboxing */
        r = f.fmt == RV_FD   ? a
            : f.fmt == RV_FS ? (uint64_t)(int64_t)(int32_t)(uint32_t)a
                             : (uint64_t)(int64_t)(int16_t)(uint16_t)a;
        to_x = true;
        break;
    case RV_OP_FCMP: r = rv_fcmp((int)f.fmt, a, b, (int)f.sub, &flags); to_x = true; break;
    case RV_OP_FCLASS: r = rv_fclass((int)f.fmt, a); to_x = true; break;
    default:
        return -1;
    }

    if (to_x) {
        h->x[s->rd] = r; /* rd = x0 was mapped to the sink */
    } else {
        h->f[s->rd] = r;
        h->mstatus |= MSTATUS_FS_DIRTY | MSTATUS_SD;
    }
    if (flags != nx) {
        h->fflags |= (uint8_t)(flags & 0x1f);
        h->mstatus |= MSTATUS_FS_DIRTY | MSTATUS_SD;
    }
    return 0;
}
