/* The ISA of the soft RISC-V hart: which extensions it has. One table
 * (src/riscv/isa_ext.h) names every extension the hart knows, as QEMU
 * spells its -cpu property and the device tree's riscv,isa does; a set of
 * them is chosen with QEMU's -cpu syntax, "rv64,zbc=off,zfh=on", and the
 * same set drives the decoder (an extension turned off makes its
 * instructions illegal) and the device tree (riscv,isa and
 * riscv,isa-extensions list exactly the extensions that are on). QEMU's
 * other -cpu properties for what the hart has are here too: pmp=on|off,
 * debug=on|off (= sdtrig), pmu-num=N, cbom/cbop/cboz_blocksize=BYTES; the
 * device tree follows them as well. */
#ifndef VM_RISCV_ISA_H
#define VM_RISCV_ISA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define VM_RISCV_ISA_WORDS 2 /* room for 128 extensions */

#define VM_RISCV_HPM_COUNTERS 29 /* mhpmcounter3-31 */

/* A set of extensions, one bit per table entry, and the sizes -cpu's
 * numeric properties give them. */
struct vm_riscv_isa {
    uint64_t bits[VM_RISCV_ISA_WORDS];
    unsigned pmu_num; /* pmu-num: mhpmcounter3..3+pmu_num-1 count; the
                         others are read-only zero (default: all 29) */
    unsigned cbom_block, cbop_block, cboz_block; /* cbo*_blocksize: bytes, a
                         power of two from 16 to 4096 (default 64) */
};

/* The set the hart has when nothing is said: every extension it implements. */
void vm_riscv_isa_default(struct vm_riscv_isa *isa);

/* Parse a -cpu value: a model ("rv64", also "max", which is the same hart)
 * then ",NAME=VALUE" properties, NAME an extension as QEMU spells it (case
 * ignored, so QEMU 7.2's "Zfh" works too), a group ("zkn", "zks") or one of
 * QEMU's other properties (pmp, debug), VALUE on/off/true/false/yes/no; or
 * a numeric property (pmu-num, cbom_blocksize, ...) and a number. NULL or
 * "" gives the default set. Fails with -VM_EINVAL and a message for an
 * unknown model, extension or value, for an extension the hart always has
 * being turned off, and for a combination that breaks a dependency
 * (zfh=on with zfhmin=off). */
int vm_riscv_isa_parse(const char *cpu, struct vm_riscv_isa *isa);

/* By name (case ignored): whether the extension is in the set; false for
 * names the table does not have. */
bool vm_riscv_isa_has(const struct vm_riscv_isa *isa, const char *name);

/* riscv,isa of the set, e.g. "rv64imafdc_zicntr_zicsr_..._sstc": the
 * single letters, then the multi-letter extensions in the table's
 * (canonical) order. Returns the length it needed (as snprintf). */
size_t vm_riscv_isa_string(const struct vm_riscv_isa *isa, char *buf, size_t size);

/* -cpu help: the models and every extension with its default. */
void vm_riscv_cpu_help(FILE *out);

#endif
