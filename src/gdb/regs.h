/* What GDB is told about a vCPU's registers: the target description
 * (target.xml and the feature documents it includes, laid out as QEMU's
 * for RISC-V) and the remote register numbers, each made of one or two
 * entries of the accelerator's register map (include/vm/accel.h) or a
 * bit field of one (fflags, frm). */
#ifndef VM_GDB_REGS_H
#define VM_GDB_REGS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vm/accel.h"

#define GDB_REG_NONE 0xffffffffu /* no map entry: reads as zero, writes are ignored */

struct gdb_reg {
    const char *name;
    unsigned bitsize;
    const char *type;  /* target.xml type, or NULL */
    const char *group; /* target.xml group, or NULL */
    unsigned feature;  /* index into the arch's features */
    unsigned regnum;   /* GDB's remote number (p/P) */
    unsigned map[2];   /* register-map numbers, low part first (GDB_REG_NONE: none) */
    unsigned shift, width; /* a bit field of map[0] (width 0: all of it) */
};

struct gdb_feature {
    const char *annex; /* the document's name ("riscv-64bit-cpu.xml") */
    const char *name;  /* "org.gnu.gdb.riscv.cpu" */
    const char *types; /* XML type definitions before the registers, or "" */
};

struct gdb_arch {
    enum vm_arch arch;
    const char *architecture; /* "riscv:rv64" */
    const struct gdb_feature *features;
    unsigned nfeatures;
    struct gdb_reg *regs; /* ordered by regnum */
    unsigned nregs;
    unsigned ng;          /* the first ng registers make up the 'g' packet */
};

/* The description of arch (built once, kept for the process), or NULL. */
const struct gdb_arch *gdb_arch_for(enum vm_arch arch);
const struct gdb_reg *gdb_arch_reg(const struct gdb_arch *a, unsigned regnum);

/* The XML document `annex` (target.xml or a feature) into out (NUL-ended);
 * its length, or -1 when there is no such document or out is too small. */
long gdb_arch_xml(const struct gdb_arch *a, const char *annex, char *out, size_t out_size);

/* Both register sets of a vCPU, as read from it and written back. */
struct gdb_regsets {
    unsigned char set[2][4096];
    bool dirty[2];
};

/* Register r's bytes (bitsize / 8, little-endian) from the sets, or into
 * them (marking the set dirty). */
void gdb_reg_get(const struct gdb_arch *a, const struct gdb_reg *r, const struct gdb_regsets *s,
                 uint8_t *out);
void gdb_reg_put(const struct gdb_arch *a, const struct gdb_reg *r, struct gdb_regsets *s,
                 const uint8_t *in);

#endif
