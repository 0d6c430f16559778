/* The hart's extensions as data: one line per extension the soft hart
 * knows. The list drives the extension ids the decoder and the CSR code
 * test (rv_has), the -cpu properties and -cpu help, and the device tree's
 * riscv,isa / riscv,isa-extensions (include/vm/riscv_isa.h).
 *
 * X(ID, name, kind, summary):
 *   ID      RV_EXT_<ID>
 *   name    as QEMU spells the -cpu property and riscv,isa the extension
 *   kind    RV_EXT_FIXED  always on: the hart cannot be built without it
 *           RV_EXT_ON     on by default, `NAME=off` turns it off
 *           RV_EXT_OFF    off by default, `NAME=on` turns it on
 *   summary one line for -cpu help
 *
 * Keep the canonical order of riscv,isa: single letters (IMAFDC), then
 * Z extensions grouped by their second letter in the order
 * i m a f d q l c b k j t p v h and alphabetical within a group, then S
 * extensions alphabetically. Hints (Zihintntl, Zihintpause, Zicbop)
 * execute as their base instructions whether on or off: "off" only takes
 * them out of the device tree, which is what a hart without them does.
 * Dependencies between entries are in isa_ext.c (rv_ext_requires).
 *
 * RV_CPU_FEATURES are QEMU's on/off -cpu properties for what the hart has
 * but riscv,isa does not name (pmp); they share the table, so -cpu, -cpu
 * help and rv_isa_has treat them as extensions, and only riscv,isa leaves
 * them out. QEMU's numeric properties (pmu-num, cbom_blocksize, ...) and
 * aliases (debug = sdtrig) are in isa_ext.c. */
#ifndef VM_RISCV_ISA_EXT_H
#define VM_RISCV_ISA_EXT_H

#include <stdbool.h>

#include "vm/riscv_isa.h"

#define RV_EXTENSIONS(X)                                                                      \
    X(I, "i", RV_EXT_FIXED, "RV64I base integer instructions")                                \
    X(M, "m", RV_EXT_FIXED, "integer multiply and divide")                                   \
    X(A, "a", RV_EXT_FIXED, "atomics (LR/SC, AMOs)")                                         \
    X(F, "f", RV_EXT_FIXED, "single-precision floating point")                               \
    X(D, "d", RV_EXT_FIXED, "double-precision floating point")                               \
    X(C, "c", RV_EXT_FIXED, "compressed instructions")                                       \
    X(ZICBOM, "zicbom", RV_EXT_ON, "cache-block management (cbo.clean/flush/inval)")        \
    X(ZICBOP, "zicbop", RV_EXT_ON, "cache-block prefetch hints")                             \
    X(ZICBOZ, "zicboz", RV_EXT_ON, "cache-block zero (cbo.zero, 64-byte blocks)")            \
    X(ZICNTR, "zicntr", RV_EXT_FIXED, "cycle, time and instret counters")                    \
    X(ZICOND, "zicond", RV_EXT_ON, "integer conditional zero (czero.eqz/nez)")                \
    X(ZICSR, "zicsr", RV_EXT_FIXED, "CSR instructions")                                      \
    X(ZIFENCEI, "zifencei", RV_EXT_FIXED, "FENCE.I")                                         \
    X(ZIHINTNTL, "zihintntl", RV_EXT_ON, "non-temporal locality hints")                      \
    X(ZIHINTPAUSE, "zihintpause", RV_EXT_ON, "PAUSE hint")                                   \
    X(ZIHPM, "zihpm", RV_EXT_ON, "hardware performance counters (mhpmcounter3-31; events: docs/HART.md)") \
    X(ZIMOP, "zimop", RV_EXT_ON, "may-be-operations (mop.r.N, mop.rr.N)")                     \
    X(ZFA, "zfa", RV_EXT_ON, "additional FP: fli, fminm/fmaxm, fround, fcvtmod, fleq/fltq")   \
    X(ZFH, "zfh", RV_EXT_ON, "half-precision floating point")                                \
    X(ZFHMIN, "zfhmin", RV_EXT_ON, "half-precision loads, stores, moves and conversions")      \
    X(ZCB, "zcb", RV_EXT_ON, "more compressed instructions (c.lbu, c.mul, c.zext.b, ...)")     \
    X(ZCMOP, "zcmop", RV_EXT_ON, "compressed may-be-operations (c.mop.N)")                    \
    X(ZBA, "zba", RV_EXT_ON, "address generation (sh1add, add.uw, ...)")                      \
    X(ZBB, "zbb", RV_EXT_ON, "basic bit manipulation (clz, rev8, min, ...)")                  \
    X(ZBC, "zbc", RV_EXT_ON, "carry-less multiplication (clmul, clmulh, clmulr)")            \
    X(ZBKB, "zbkb", RV_EXT_ON, "bit manipulation for cryptography (pack, brev8, ...)")        \
    X(ZBKC, "zbkc", RV_EXT_ON, "carry-less multiplication for cryptography")                 \
    X(ZBKX, "zbkx", RV_EXT_ON, "crossbar permutations (xperm4, xperm8)")                      \
    X(ZBS, "zbs", RV_EXT_ON, "single-bit instructions (bset, bclr, ...)")                     \
    X(ZKND, "zknd", RV_EXT_ON, "AES decryption (aes64ds, aes64dsm, aes64im, key schedule)")   \
    X(ZKNE, "zkne", RV_EXT_ON, "AES encryption (aes64es, aes64esm, key schedule)")            \
    X(ZKNH, "zknh", RV_EXT_ON, "SHA-256 and SHA-512 sigma/sum functions")                     \
    X(ZKR, "zkr", RV_EXT_ON, "entropy source: the seed CSR (host getrandom)")                \
    X(ZKSED, "zksed", RV_EXT_ON, "SM4 block cipher (sm4ed, sm4ks)")                           \
    X(ZKSH, "zksh", RV_EXT_ON, "SM3 hash functions (sm3p0, sm3p1)")                           \
    X(SDTRIG, "sdtrig", RV_EXT_ON, "debug triggers: mcontrol6 address match, icount (QEMU: debug)") \
    X(SSCOFPMF, "sscofpmf", RV_EXT_ON, "counter overflow interrupts and mode filtering (HPM)")  \
    X(SSTC, "sstc", RV_EXT_FIXED, "supervisor timer compare (stimecmp)")                     \
    X(SVADE, "svade", RV_EXT_OFF, "A/D updates fault (always on when svadu=off)") \
    X(SVADU, "svadu", RV_EXT_ON, "hardware A/D updates, switched by menvcfg.ADUE")            \
    X(SVINVAL, "svinval", RV_EXT_ON, "fine-grained TLB invalidation (sinval.vma, ...)")       \
    X(SVNAPOT, "svnapot", RV_EXT_ON, "64 KiB NAPOT pages (PTE bit N)")                          \
    X(SVPBMT, "svpbmt", RV_EXT_ON, "page-based memory types (PTE bits PBMT, menvcfg.PBMTE)")

#define RV_CPU_FEATURES(X)                                                                    \
    X(PMP, "pmp", RV_EXT_ON, "physical memory protection: 16 entries, 4-byte grain (off: none)")

enum rv_ext_kind { RV_EXT_FIXED, RV_EXT_ON, RV_EXT_OFF };

enum rv_ext {
#define RV_EXT_ENUM(id, name, kind, summary) RV_EXT_##id,
    RV_EXTENSIONS(RV_EXT_ENUM)
    RV_CPU_FEATURES(RV_EXT_ENUM)
#undef RV_EXT_ENUM
    RV_EXT_COUNT
};

_Static_assert(RV_EXT_COUNT <= 64 * VM_RISCV_ISA_WORDS, "grow VM_RISCV_ISA_WORDS");

struct rv_ext_info {
    const char *name;
    enum rv_ext_kind kind;
    const char *summary;
    bool in_isa; /* named in riscv,isa (not an RV_CPU_FEATURES line) */
};
extern const struct rv_ext_info rv_ext_table[RV_EXT_COUNT];

static inline bool rv_isa_has(const struct vm_riscv_isa *isa, enum rv_ext e)
{
    return isa->bits[e / 64] >> (e % 64) & 1;
}

static inline void rv_isa_set(struct vm_riscv_isa *isa, enum rv_ext e, bool on)
{
    if (on)
        isa->bits[e / 64] |= 1ULL << (e % 64);
    else
        isa->bits[e / 64] &= ~(1ULL << (e % 64));
}

/* The id of an extension by name (case ignored), or -1. */
int rv_ext_find(const char *name, size_t len);

#endif
