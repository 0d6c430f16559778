/* What the privileged extensions need beyond their line in the extension
 * table (isa_ext.h): the PMP entry count, reset values. */
#include "riscv/csr_defs.h"
#include "riscv/hart.h"
#include "riscv/isa_ext.h"
#include "vm/riscv.h"

void rv_priv_ext_default(struct rv_priv_ext *e, const struct vm_vcpu_options *opt,
                         const struct vm_riscv_isa *isa)
{
    *e = (struct rv_priv_ext){
        /* QEMU's default, unless -cpu says pmp=off. User-mode emulation has
         * no M-mode firmware to open memory to U-mode, so it has none. */
        .pmp_entries = opt->user_mode || !rv_isa_has(isa, RV_EXT_PMP) ? 0 : VM_RISCV_PMP_ENTRIES,
    };
}

/* As QEMU: hardware A/D updates and PBMT on from reset when the hart has
 * them (firmware that predates the enable bits keeps working; the spec
 * leaves menvcfg's reset value open). */
uint64_t rv_menvcfg_reset(const struct rv_hart *h)
{
    uint64_t v = 0;
    if (rv_isa_has(&h->isa, RV_EXT_SVADU))
        v |= MENVCFG_ADUE;
    if (rv_isa_has(&h->isa, RV_EXT_SVPBMT))
        v |= MENVCFG_PBMTE;
    return v;
}
