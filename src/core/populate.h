/* Host memory made present ahead of use: one madvise(MADV_POPULATE_WRITE)
 * for a range vm is about to fill, instead of a page fault per page (each
 * dear under a hypervisor; a short-lived `vm user` process took a thousand).
 * A hint only: without it (kernels before 5.14) the faults do the same. */
#ifndef VM_CORE_POPULATE_H
#define VM_CORE_POPULATE_H

#include <stddef.h>
#include <stdint.h>
#include <sys/mman.h>

/* [p, p + len) rounded out to whole host pages, all writable memory of ours. */
static inline void vm_populate(void *p, size_t len)
{
#ifdef MADV_POPULATE_WRITE
    uintptr_t lo = (uintptr_t)p & ~(uintptr_t)4095;
    uintptr_t hi = ((uintptr_t)p + len + 4095) & ~(uintptr_t)4095;
    if (len)
        (void)madvise((void *)lo, hi - lo, MADV_POPULATE_WRITE);
#else
    (void)p, (void)len;
#endif
}

#endif
