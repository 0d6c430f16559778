/* Reference page-table walker for the MMU tests: the translation process of
 * the RISC-V privileged spec (v1.12, 4.3.2) for Sv39/Sv48/Sv57, written
 * literally, with no caching. It only reads guest memory; the A/D bits an
 * access would set are reported, not written, so a test can compare them
 * with what the MMU did. */
#ifndef REF_WALKER_H
#define REF_WALKER_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "vm/mem.h"
#include "vm/mmu.h"

#define PTE_V (UINT64_C(1) << 0)
#define PTE_R (UINT64_C(1) << 1)
#define PTE_W (UINT64_C(1) << 2)
#define PTE_X (UINT64_C(1) << 3)
#define PTE_U (UINT64_C(1) << 4)
#define PTE_G (UINT64_C(1) << 5)
#define PTE_A (UINT64_C(1) << 6)
#define PTE_D (UINT64_C(1) << 7)
#define PTE_RSW_SHIFT 8
#define PTE_PPN_SHIFT 10
#define PTE_PPN_MASK ((UINT64_C(1) << 44) - 1)           /* bits 53:10 */
#define PTE_RESERVED_MASK (UINT64_C(0x7f) << 54)         /* bits 60:54 */
#define PTE_PBMT_MASK (UINT64_C(3) << 61)                /* Svpbmt: not implemented */
#define PTE_N (UINT64_C(1) << 63)                        /* Svnapot: not implemented */
#define PTE_HIGH_MASK (UINT64_C(0x3ff) << 54)            /* all of 63:54 */

#define SATP_MODE_SHIFT 60
#define SATP_ASID_SHIFT 44
#define SATP_ASID_MASK UINT64_C(0xffff)
#define SATP_PPN_MASK ((UINT64_C(1) << 44) - 1)

#define REF_MAX_LEVELS 5

struct ref_ctx {
    uint64_t satp;
    enum vm_priv priv; /* current privilege */
    uint64_t mstatus;  /* MPRV, MPP, SUM, MXR are used */
    bool svadu;        /* true: A/D set by hardware; false: Svade, page fault */
};

struct ref_result {
    enum vm_fault fault; /* VM_FAULT_NONE on success */
    uint64_t tval;       /* va on a fault */
    uint64_t pa;
    unsigned page_shift;   /* of the leaf; 12 when not translated */
    bool translated;       /* false: Bare or effective M-mode, pa = va */
    enum vm_priv eff_priv; /* privilege the access was checked with */
    bool global;           /* G on the leaf or on any non-leaf above it */
    int leaf_level;        /* level of the leaf PTE, -1 if none was reached */
    uint64_t leaf_addr;    /* physical address of the leaf PTE */
    uint64_t leaf_pte;     /* the leaf PTE as read */
    uint64_t ad_set;       /* PTE_A/PTE_D the access sets (0 on a fault or if already set) */
    unsigned levels;       /* of the mode; 0 when not translated */
    unsigned nread;        /* PTEs read, in chain_* from the root down */
    uint64_t chain_addr[REF_MAX_LEVELS];
    uint64_t chain_pte[REF_MAX_LEVELS];
    const char *why; /* the rule that decided the fault, or "ok" */
};

/* Levels of a satp mode (3/4/5), or 0 for Bare and unknown modes. */
unsigned ref_mode_levels(unsigned satp_mode);
uint64_t ref_make_satp(unsigned mode, uint16_t asid, uint64_t root_pa);
enum vm_fault ref_page_fault(enum vm_access acc);
enum vm_fault ref_access_fault(enum vm_access acc);

struct ref_result ref_translate(struct vm_mem *mem, const struct ref_ctx *ctx, uint64_t va,
                                enum vm_access acc);

/* Human-readable dumps for failure reports. */
const char *ref_access_name(enum vm_access acc);
const char *ref_priv_name(enum vm_priv p);
const char *ref_mode_name(unsigned satp_mode);
void ref_format_pte(uint64_t pte, char *buf, size_t len);
void ref_print_result(FILE *f, const char *label, const struct ref_result *r);

#endif
