/* The switches of the privileged extensions (PMP, and more to come) in one
 * place, until the hart's extension table (-cpu) holds them. */
#include "riscv/hart.h"
#include "vm/riscv.h"

void rv_priv_ext_default(struct rv_priv_ext *e, const struct vm_vcpu_options *opt)
{
    *e = (struct rv_priv_ext){
        /* QEMU's default. User-mode emulation has no M-mode firmware to
         * open memory to U-mode, so it has none. */
        .pmp_entries = opt->user_mode ? 0 : VM_RISCV_PMP_ENTRIES,
    };
}
