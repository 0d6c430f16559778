/* The decoded-instruction cache: one direct-mapped table of decoded pages
 * per hart, keyed by physical page. Pages are decoded lazily, slot by slot.
 * FENCE.I forgets them all in O(1) (an epoch). A store into decoded code
 * (code_watch.c) drops that page. */
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "core/populate.h"
#include "riscv/hart.h"
#include "vm/error.h"

int rv_dcache_init(struct rv_hart *h)
{
    /* Reserved, not committed: only pages that get used cost host memory
     * (an untouched slot reads as pa 0, epoch 0: never valid). */
    h->dc_pages = h->plat->dcache_pages ? h->plat->dcache_pages : RV_DCACHE_PAGES;
    size_t size = sizeof(struct rv_dpage) * (h->dc_pages + 1);
    void *p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
                   -1, 0);
    if (p == MAP_FAILED)
        return vm_error(VM_ENOMEM, "hart %u: cannot reserve the decoded-instruction cache",
                        h->opt.id);
    h->dpages = p;
    h->dc_used = calloc((h->dc_pages + 63) / 64, sizeof(*h->dc_used));
    if (!h->dc_used) {
        munmap(p, size);
        h->dpages = NULL;
        return vm_error(VM_ENOMEM, "hart %u: out of memory for the decoded-instruction cache",
                        h->opt.id);
    }
    h->dc_epoch = 1;
    h->vc_gen = 0;
    rv_vcache_flush(h); /* gen 0 -> 1: every entry (zeroed) is invalid */
    for (unsigned i = 0; i < RV_VCACHE_SIZE; i++)
        h->vcache[i].vpn = ~0ULL;

    /* The scratch page runs one instruction at a time (uncached fetches):
     * every slot but the one in use leaves the page. */
    h->scratch = &h->dpages[h->dc_pages];
    const void *end = rv_handlers()[RV_H_PAGE_END];
    for (unsigned i = 0; i < RV_PAGE_SLOTS + 2; i++)
        h->scratch->slots[i] = (struct rv_slot){.handler = end, .step = RV_STEP_OF_LEN(2)};
    h->scratch->pa = RV_NO_PAGE;
    return 0;
}

void rv_dcache_fini(struct rv_hart *h)
{
    if (h->dpages)
        munmap(h->dpages, sizeof(struct rv_dpage) * (h->dc_pages + 1));
    h->dpages = NULL;
    free(h->dc_used);
    h->dc_used = NULL;
}

void rv_dcache_flush(struct rv_hart *h)
{
    if (++h->dc_epoch == 0) { /* wrapped: make sure no page looks valid */
        for (unsigned i = 0; i < h->dc_pages; i++)
            h->dpages[i].pa = RV_NO_PAGE;
        h->dc_epoch = 1;
    }
    rv_vcache_flush_interp(h); /* the JIT's look-ups lead to its own blocks */
}

static inline struct rv_dpage *slot_for(struct rv_hart *h, uint64_t pa)
{
    uint64_t pfn = pa >> 12;
    return &h->dpages[(pfn ^ (pfn >> 8)) & (h->dc_pages - 1)];
}

struct rv_dpage *rv_dcache_peek(struct rv_hart *h, uint64_t pa)
{
    struct rv_dpage *dp = slot_for(h, pa);
    uint64_t page = pa & ~(uint64_t)(RV_PAGE_SIZE - 1);
    return dp->pa == page && dp->epoch == h->dc_epoch ? dp : NULL;
}

/* A page of the cache filled for the first time: its host memory (nine
 * host pages) is made present in one system call, not nine page faults
 * (plus one for reading the zero page first): a short-lived process
 * fills a few hundred (docs/PERFORMANCE.md, "vm user start-up"). */
static void first_use(struct rv_dpage *dp)
{
    vm_populate(dp, sizeof(*dp));
}

struct rv_dpage *rv_dcache_get(struct rv_hart *h, uint64_t pa, const uint8_t *host)
{
    uint64_t page = pa & ~(uint64_t)(RV_PAGE_SIZE - 1);
    struct rv_dpage *dp = slot_for(h, pa);
    unsigned n = (unsigned)(dp - h->dpages);
    if (!(h->dc_used[n / 64] >> (n % 64) & 1)) {
        h->dc_used[n / 64] |= 1ULL << (n % 64);
        first_use(dp);
    } else if (dp->pa == page && dp->epoch == h->dc_epoch) {
        return dp;
    }
    if (dp->pa != page && dp->pa != RV_NO_PAGE)
        /* virtual entries may point at the evicted page (the JIT's jump
         * cache does not: it leads to translated code, kept) */
        rv_vcache_flush_interp(h);
    const void *const *tbl = rv_handlers();
    for (unsigned i = 0; i < RV_PAGE_SLOTS; i++)
        dp->slots[i] = (struct rv_slot){.handler = tbl[RV_H_DECODE], .step = RV_STEP_OF_LEN(2)};
    dp->slots[RV_PAGE_SLOTS] = (struct rv_slot){.handler = tbl[RV_H_PAGE_END], .step = RV_STEP_OF_LEN(2)};
    dp->slots[RV_PAGE_SLOTS + 1] = dp->slots[RV_PAGE_SLOTS];
    dp->pa = page;
    dp->host = host;
    dp->epoch = h->dc_epoch;
    return dp; /* slots mark their code when they decode (rv_code_mark) */
}

bool rv_dcache_code_written(struct rv_hart *h, uint64_t page)
{
    struct rv_dpage *dp = rv_dcache_peek(h, page);
    if (!dp)
        return false;
    dp->epoch = 0; /* stale; pa stays for the next fill */
    rv_vcache_flush(h);
    return true;
}
