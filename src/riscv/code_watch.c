/* Which guest RAM holds decoded or translated code, and what happens when
 * something writes it (Ziccid, for the interpreter and the JIT alike).
 *
 * Every RAM page has a 64-bit mask of the 64-byte granules from which some
 * hart decoded or translated instructions. A page with a non-zero mask is
 * watched by the MMU, so every store to it (any hart, any path) reaches
 * rv_code_written() with its exact address; a store that misses the
 * marked granules costs only that check, so data next to code does not
 * throw code away. A store that hits them clears the mask, unwatches the
 * page and posts it in a machine-wide log: the storing hart drops its own
 * code for the page at once (and leaves its block or page right after the
 * store), every other hart is poked and drops its own at its next service
 * point, within one block. Writes that do not come from a hart (DMA,
 * loaders) go through vm_mem's write notifier to the same function.
 *
 * Ordering: a marker sets the granule bits under the lock (a full
 * barrier) before it reads the code; a writer stores, then fences, then
 * reads the mask. Either the writer sees the bits, or the marker reads
 * the new bytes. */
#include <stdlib.h>
#include <string.h>

#include "riscv/hart.h"
#include "vm/error.h"

static uint64_t *mask_word(struct rv_code_map *cm, uint64_t pa)
{
    for (unsigned i = 0; i < cm->nregions; i++) {
        struct rv_code_region *r = &cm->regions[i];
        if (pa - r->base < r->size)
            return &r->masks[(pa - r->base) >> 12];
    }
    return NULL;
}

/* Granules of [pa, pa + len) within pa's page. */
static uint64_t granules(uint64_t pa, uint64_t len)
{
    uint64_t off = pa & (RV_PAGE_SIZE - 1);
    uint64_t end = off + len > RV_PAGE_SIZE ? RV_PAGE_SIZE : off + len;
    unsigned first = (unsigned)(off >> 6), last = (unsigned)((end - 1) >> 6);
    uint64_t hi = last == 63 ? ~0ULL : (1ULL << (last + 1)) - 1;
    return hi & ~((1ULL << first) - 1);
}

int rv_code_map_init(struct rv_code_map *cm, struct vm_mem *mem)
{
    memset(cm, 0, sizeof(*cm));
    pthread_mutex_init(&cm->lock, NULL);
    for (unsigned i = 0; i < vm_mem_region_count(mem); i++) {
        const struct vm_mem_region *r = vm_mem_region_at(mem, i);
        if (!r->host || cm->nregions == RV_CODE_REGIONS)
            continue;
        struct rv_code_region *cr = &cm->regions[cm->nregions];
        cr->base = r->base;
        cr->size = r->size;
        cr->masks = calloc((r->size + RV_PAGE_SIZE - 1) / RV_PAGE_SIZE, sizeof(uint64_t));
        if (!cr->masks) {
            rv_code_map_fini(cm);
            return vm_error(VM_ENOMEM, "code map: out of memory");
        }
        cm->nregions++;
    }
    return 0;
}

void rv_code_map_fini(struct rv_code_map *cm)
{
    for (unsigned i = 0; i < cm->nregions; i++)
        free(cm->regions[i].masks);
    cm->nregions = 0;
    pthread_mutex_destroy(&cm->lock);
}

void rv_code_map_add_hart(struct rv_platform *plat, struct rv_hart *h)
{
    struct rv_code_map *cm = &plat->code;
    pthread_mutex_lock(&cm->lock);
    if (cm->nharts < RV_MAX_HARTS)
        cm->harts[cm->nharts++] = h;
    h->code_seq = cm->seq;
    pthread_mutex_unlock(&cm->lock);
}

void rv_code_map_remove_hart(struct rv_platform *plat, struct rv_hart *h)
{
    struct rv_code_map *cm = &plat->code;
    pthread_mutex_lock(&cm->lock);
    for (unsigned i = 0; i < cm->nharts; i++)
        if (cm->harts[i] == h) {
            cm->harts[i] = cm->harts[--cm->nharts];
            break;
        }
    pthread_mutex_unlock(&cm->lock);
}

void rv_code_mark(struct rv_hart *h, uint64_t pa, unsigned len)
{
    struct rv_code_map *cm = &h->plat->code;
    uint64_t *w = mask_word(cm, pa), g = granules(pa, len);
    if (!w || (__atomic_load_n(w, __ATOMIC_ACQUIRE) & g) == g)
        return; /* marked already, so watched already */
    pthread_mutex_lock(&cm->lock);
    uint64_t old = __atomic_fetch_or(w, g, __ATOMIC_SEQ_CST);
    if (!old) /* from now on every store to the page reaches rv_code_written */
        vm_mmu_watch_code_page(h->mmu, pa & ~(uint64_t)(RV_PAGE_SIZE - 1));
    pthread_mutex_unlock(&cm->lock);
}

/* Drop this hart's decoded and translated code of one page. */
static void drop_page(struct rv_hart *h, uint64_t page)
{
    if (rv_dcache_code_written(h, page))
        h->events |= RV_EV_SMC;
    if (h->jit && rv_jit_invalidate_page(h, page))
        h->events |= RV_EV_SMC;
}

bool rv_code_written(struct rv_platform *plat, struct rv_hart *self, uint64_t pa, uint64_t len)
{
    struct rv_code_map *cm = &plat->code;
    uint64_t page = pa & ~(uint64_t)(RV_PAGE_SIZE - 1);
    uint64_t *w = mask_word(cm, pa), g = granules(pa, len);
    if (!w)
        return false;
    /* The bytes are written: a full barrier, then look (see the top). */
    if (!(__atomic_fetch_or(w, 0, __ATOMIC_SEQ_CST) & g))
        return false;
    pthread_mutex_lock(&cm->lock);
    if (!(__atomic_load_n(w, __ATOMIC_RELAXED) & g)) {
        pthread_mutex_unlock(&cm->lock);
        return false;
    }
    __atomic_store_n(w, 0, __ATOMIC_RELEASE);
    bool keep = false; /* watched for the board too (tohost) */
    for (unsigned i = 0; i < plat->nwatch; i++)
        keep |= page + RV_PAGE_SIZE > plat->watch[i].pa &&
                page < plat->watch[i].pa + plat->watch[i].len;
    if (!keep)
        vm_mmu_unwatch_code_page(plat->mmu, page);
    uint64_t seq = cm->seq;
    __atomic_store_n(&cm->log[seq % RV_CODE_LOG], page, __ATOMIC_RELAXED);
    __atomic_store_n(&cm->seq, seq + 1, __ATOMIC_RELEASE);
    cm->invalidations++;
    for (unsigned i = 0; i < cm->nharts; i++)
        if (cm->harts[i] != self)
            rv_hart_poke(cm->harts[i]);
    pthread_mutex_unlock(&cm->lock);
    if (self)
        drop_page(self, page);
    return true;
}

void rv_code_sync(struct rv_hart *h)
{
    struct rv_code_map *cm = &h->plat->code;
    uint64_t seq = __atomic_load_n(&cm->seq, __ATOMIC_ACQUIRE);
    if (seq == h->code_seq)
        return;
    bool lost = seq - h->code_seq > RV_CODE_LOG;
    for (uint64_t i = h->code_seq; !lost && i < seq; i++)
        drop_page(h, __atomic_load_n(&cm->log[i % RV_CODE_LOG], __ATOMIC_RELAXED));
    /* Entries overwritten while we read them: start afresh. */
    if (lost || __atomic_load_n(&cm->seq, __ATOMIC_ACQUIRE) - h->code_seq > RV_CODE_LOG) {
        rv_dcache_flush(h);
        rv_jit_flush(h);
    }
    h->code_seq = seq;
}
