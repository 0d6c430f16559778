/* Loads, stores and fetches past the L1 fast path: page-crossing splits,
 * MMIO, atomics, LR/SC and watched code pages. */
#include "vm/error.h"
#include "mmu/mmu_fast.h"

/* One page's worth of an access: its physical address, and the host
 * address if it is RAM (NULL for MMIO or unbacked memory). */
struct part {
    uint64_t va, pa;
    uint8_t *host;
    unsigned size;
};

static enum vm_fault translate_part(struct vm_mmu_hart *h, uint64_t va, unsigned size,
                                    enum vm_access acc, struct part *p)
{
    p->va = va;
    p->size = size;
    const struct l1_entry *le = vm_mmu_l1_slot(h, acc, va);
    if (l1_tag(le) == (va & ~0xfffULL)) {
        const struct tlb_entry *e = &h->shadow[le - h->l1];
        p->pa = e->pa + (va - e->va);
        p->host = (uint8_t *)(le->addend + (uintptr_t)va);
        return VM_FAULT_NONE;
    }
    h->stats.l1_misses[acc]++;
    struct tlb_entry e;
    enum vm_fault f = mmu_translate_miss(h, va, acc, &e);
    if (f != VM_FAULT_NONE)
        return f;
    p->pa = e.pa + (va - e.va);
    bool piecewise;
    return mmu_finish_miss(h, va, size, acc, &e, &p->host, &piecewise);
}

/* Splits [va, va+size) at a page boundary into one or two parts, all
 * translated before any byte moves, so a fault leaves memory untouched. */
static enum vm_fault translate_access(struct vm_mmu_hart *h, uint64_t va, unsigned size,
                                      enum vm_access acc, struct part parts[2], unsigned *nparts,
                                      uint64_t *tval)
{
    unsigned first = size;
    if ((va & 0xfff) + size > VM_PAGE_SIZE)
        first = (unsigned)(VM_PAGE_SIZE - (va & 0xfff));
    *nparts = first == size ? 1 : 2;
    for (unsigned i = 0; i < *nparts; i++) {
        uint64_t pva = i ? va + first : va;
        enum vm_fault f = translate_part(h, pva, i ? size - first : first, acc, &parts[i]);
        if (f != VM_FAULT_NONE) {
            *tval = pva; /* the address of the portion that faulted */
            return f;
        }
    }
    return VM_FAULT_NONE;
}

static void code_written(struct vm_mmu_hart *h, uint64_t pa, unsigned size)
{
    struct vm_mmu *mmu = h->mmu;
    mmu->code_hook(mmu->code_opaque, pa, size);
}

/* An access to an exit region: the value its runner gave (the same access
 * again, after vm_mmu_mmio_complete), or VM_FAULT_MMIO_EXIT with the access
 * described. Other regions: VM_FAULT_NONE with *served false. */
static enum vm_fault mmio_exit(struct vm_mmu_hart *h, const struct part *p, bool write,
                               uint64_t *value, bool *served)
{
    const struct vm_mem_region *r = vm_mem_find(h->mmu->mem, p->pa);
    *served = r && !r->host && !r->ops;
    if (!*served)
        return VM_FAULT_NONE;
    if (h->mmio.done && h->mmio.pa == p->pa && h->mmio.size == p->size &&
        h->mmio.write == write) {
        h->mmio.done = false;
        if (!write)
            *value = h->mmio.value;
        return VM_FAULT_NONE;
    }
    h->mmio.done = false;
    h->mmio.exited = true;
    h->mmio.pa = p->pa;
    h->mmio.size = p->size;
    h->mmio.write = write;
    h->mmio.data = !write ? 0 : p->size == 8 ? *value : *value & ((1ULL << (8 * p->size)) - 1);
    return VM_FAULT_MMIO_EXIT;
}

bool vm_mmu_mmio_exit(const struct vm_mmu_hart *h, uint64_t *pa, unsigned *size, bool *write,
                      uint64_t *data)
{
    if (!h->mmio.exited)
        return false;
    *pa = h->mmio.pa, *size = h->mmio.size, *write = h->mmio.write, *data = h->mmio.data;
    return true;
}

void vm_mmu_mmio_complete(struct vm_mmu_hart *h, uint64_t value)
{
    if (!h->mmio.exited)
        return;
    h->mmio.exited = false;
    h->mmio.done = true;
    h->mmio.value = h->mmio.size == 8 ? value : value & ((1ULL << (8 * h->mmio.size)) - 1);
}

enum vm_fault vm_mmu_load(struct vm_mmu_hart *h, uint64_t va, unsigned size, uint64_t *value,
                          uint64_t *tval)
{
    struct part parts[2];
    unsigned n;
    enum vm_fault f = mmu_trigger_check(h, va, size, VM_MMU_WATCH_READ, tval);
    if (f == VM_FAULT_NONE)
        f = translate_access(h, va, size, VM_ACCESS_LOAD, parts, &n, tval);
    if (f == VM_FAULT_NONE)
        f = mmu_watch_check(h, va, size, VM_MMU_WATCH_READ, tval);
    if (f != VM_FAULT_NONE)
        return f;
    if (n == 1 && parts[0].host) {
        if (!vm_guarded_ld(parts[0].host, size, value)) {
            *tval = va; /* a host page cut off under the mapping (core/guarded.h) */
            return VM_FAULT_LOAD_PAGE;
        }
        return VM_FAULT_NONE;
    }
    uint64_t v = 0;
    unsigned shift = 0;
    for (unsigned i = 0; i < n; i++) {
        struct part *p = &parts[i];
        uint64_t pv;
        bool served = false;
        if (p->host) {
            pv = 0;
            if (vm_guarded_copy(&pv, p->host, p->size) < 0) {
                *tval = p->va;
                return VM_FAULT_LOAD_PAGE;
            }
        } else if (n == 1 && (f = mmio_exit(h, p, false, &pv, &served)) != VM_FAULT_NONE) {
            *tval = p->va;
            return f;
        } else if (!served && vm_mem_load(h->mmu->mem, p->pa, p->size, &pv) < 0) {
            *tval = p->va;
            return VM_FAULT_LOAD_ACCESS;
        }
        v |= pv << shift;
        shift += 8 * p->size;
    }
    *value = size == 8 ? v : v & ((1ULL << (8 * size)) - 1);
    return VM_FAULT_NONE;
}

enum vm_fault vm_mmu_fetch(struct vm_mmu_hart *h, uint64_t va, unsigned size, uint64_t *value,
                           uint64_t *tval)
{
    struct part parts[2];
    unsigned n;
    enum vm_fault f = translate_access(h, va, size, VM_ACCESS_FETCH, parts, &n, tval);
    if (f != VM_FAULT_NONE)
        return f;
    uint64_t v = 0;
    unsigned shift = 0;
    for (unsigned i = 0; i < n; i++) {
        if (!parts[i].host) { /* instructions come from RAM only */
            *tval = parts[i].va;
            return VM_FAULT_FETCH_ACCESS;
        }
        uint64_t pv = 0;
        if (vm_guarded_copy(&pv, parts[i].host, parts[i].size) < 0) {
            *tval = parts[i].va;
            return VM_FAULT_FETCH_PAGE;
        }
        v |= pv << shift;
        shift += 8 * parts[i].size;
    }
    *value = v;
    return VM_FAULT_NONE;
}

enum vm_fault vm_mmu_store(struct vm_mmu_hart *h, uint64_t va, unsigned size, uint64_t value,
                           uint64_t *tval)
{
    struct part parts[2];
    unsigned n;
    enum vm_fault f = mmu_trigger_check(h, va, size, VM_MMU_WATCH_WRITE, tval);
    if (f == VM_FAULT_NONE)
        f = translate_access(h, va, size, VM_ACCESS_STORE, parts, &n, tval);
    if (f != VM_FAULT_NONE)
        return f;
    for (unsigned i = 0; i < n; i++) /* MMIO parts must exist before RAM is written */
        if (!parts[i].host && !vm_mem_find(h->mmu->mem, parts[i].pa)) {
            *tval = parts[i].va;
            return VM_FAULT_STORE_ACCESS;
        }
    if ((f = mmu_watch_check(h, va, size, VM_MMU_WATCH_WRITE, tval)) != VM_FAULT_NONE)
        return f;
    uint64_t v = value;
    for (unsigned i = 0; i < n; i++) {
        struct part *p = &parts[i];
        if (p->host) {
            if (!vm_guarded_active) {
                vm_ram_write_bytes(p->host, &v, p->size);
            } else if (vm_guarded_copy(p->host, &v, p->size) < 0) {
                *tval = p->va;
                return VM_FAULT_STORE_PAGE;
            }
            const struct vm_mem_region *r = vm_mem_find(h->mmu->mem, p->pa);
            vm_mem_mark_dirty(r, p->pa);
            if (h->mmu->code_hook && mmu_code_watched(h->mmu, p->pa))
                code_written(h, p->pa, p->size);
        } else {
            bool served = false;
            uint64_t sv = v;
            if (n == 1 && (f = mmio_exit(h, p, true, &sv, &served)) != VM_FAULT_NONE) {
                *tval = p->va;
                return f;
            }
            if (!served && vm_mem_store(h->mmu->mem, p->pa, p->size, v) < 0) {
                *tval = p->va;
                return VM_FAULT_STORE_ACCESS;
            }
        }
        v = p->size == 8 ? 0 : v >> (8 * p->size);
    }
    return VM_FAULT_NONE;
}

/* ---- atomics ---- */

/* kinds: what the access counts as for debugger watchpoints. */
static enum vm_fault atomic_target(struct vm_mmu_hart *h, uint64_t va, unsigned size,
                                   enum vm_access acc, unsigned kinds, struct part *p,
                                   uint64_t *tval)
{
    enum vm_fault f = mmu_trigger_check(h, va, size, kinds, tval);
    if (f != VM_FAULT_NONE)
        return f;
    *tval = va;
    if (va & (size - 1))
        return acc == VM_ACCESS_LOAD ? VM_FAULT_LOAD_MISALIGNED : VM_FAULT_STORE_MISALIGNED;
    f = translate_part(h, va, size, acc, p);
    if (f != VM_FAULT_NONE)
        return f;
    if (!p->host) { /* atomics need RAM; on ROM they work on a copy, dropped */
        const struct vm_mem_region *r = vm_mem_find(h->mmu->mem, p->pa);
        if (!r || !r->readonly || size > sizeof(h->rom_scratch))
            return mmu_access_fault(acc);
        memcpy(h->rom_scratch, r->host + (p->pa - r->base), size);
        p->host = h->rom_scratch;
        return mmu_watch_check(h, va, size, kinds, tval);
    }
    if ((f = mmu_watch_check(h, va, size, kinds, tval)) != VM_FAULT_NONE)
        return f;
    /* the callers access the host pointer unguarded: try it first (vm user) */
    if (vm_guarded_active) {
        uint64_t ignored;
        *tval = va;
        if (acc == VM_ACCESS_STORE ? !vm_guarded_probe_write(p->host)
                                   : !vm_guarded_ld(p->host, 1, &ignored))
            return acc == VM_ACCESS_STORE ? VM_FAULT_STORE_PAGE : VM_FAULT_LOAD_PAGE;
    }
    if (acc == VM_ACCESS_STORE) {
        vm_mem_mark_dirty(vm_mem_find(h->mmu->mem, p->pa), p->pa);
        if (h->mmu->code_hook && mmu_code_watched(h->mmu, p->pa))
            code_written(h, p->pa, size);
    }
    return VM_FAULT_NONE;
}

enum vm_fault vm_mmu_amo_ptr(struct vm_mmu_hart *h, uint64_t va, unsigned size, void **host,
                             uint64_t *tval)
{
    struct part p;
    enum vm_fault f = atomic_target(h, va, size, VM_ACCESS_STORE,
                                  VM_MMU_WATCH_READ | VM_MMU_WATCH_WRITE, &p, tval);
    if (f == VM_FAULT_NONE)
        *host = p.host;
    return f;
}

enum vm_fault vm_mmu_zero(struct vm_mmu_hart *h, uint64_t va, unsigned size, uint64_t *tval)
{
    struct part p;
    enum vm_fault f = atomic_target(h, va, size, VM_ACCESS_STORE, VM_MMU_WATCH_WRITE, &p, tval);
    if (f == VM_FAULT_NONE)
        memset(p.host, 0, size);
    return f;
}

static uint64_t atomic_read(const uint8_t *host, unsigned size)
{
    return size == 4 ? __atomic_load_n((const uint32_t *)host, __ATOMIC_ACQUIRE)
                     : __atomic_load_n((const uint64_t *)host, __ATOMIC_ACQUIRE);
}

enum vm_fault vm_mmu_load_reserved(struct vm_mmu_hart *h, uint64_t va, unsigned size,
                                   uint64_t *value, uint64_t *tval)
{
    struct part p;
    enum vm_fault f = atomic_target(h, va, size, VM_ACCESS_LOAD, VM_MMU_WATCH_READ, &p, tval);
    if (f != VM_FAULT_NONE)
        return f;
    *value = atomic_read(p.host, size);
    h->resv = (struct reservation){.valid = true, .pa = p.pa, .size = size, .value = *value};
    return VM_FAULT_NONE;
}

enum vm_fault vm_mmu_store_conditional(struct vm_mmu_hart *h, uint64_t va, unsigned size,
                                       uint64_t value, bool *success, uint64_t *tval)
{
    struct part p;
    enum vm_fault f = atomic_target(h, va, size, VM_ACCESS_STORE, VM_MMU_WATCH_WRITE, &p, tval);
    if (f != VM_FAULT_NONE)
        return f;
    *success = false;
    if (h->resv.valid && h->resv.pa == p.pa && h->resv.size == size) {
        if (size == 4) {
            uint32_t expect = (uint32_t)h->resv.value;
            *success = __atomic_compare_exchange_n((uint32_t *)p.host, &expect, (uint32_t)value,
                                                   false, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE);
        } else {
            uint64_t expect = h->resv.value;
            *success = __atomic_compare_exchange_n((uint64_t *)p.host, &expect, value, false,
                                                   __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE);
        }
    }
    h->resv.valid = false;
    return VM_FAULT_NONE;
}

void vm_mmu_clear_reservation(struct vm_mmu_hart *h)
{
    h->resv.valid = false;
}

/* ---- watched code pages ---- */

static uint64_t *watch_word(struct vm_mmu *mmu, uint64_t pa, uint64_t *bit)
{
    const struct vm_mem_region *r = vm_mem_find(mmu->mem, pa);
    if (!r || !r->host)
        return NULL;
    unsigned ri = (unsigned)(r - vm_mem_region_at(mmu->mem, 0));
    if (ri >= mmu->nregions || !mmu->code_watch[ri])
        return NULL;
    uint64_t page = (pa - r->base) >> VM_PAGE_SHIFT;
    *bit = 1ULL << (page % 64);
    return &mmu->code_watch[ri][page / 64];
}

bool mmu_code_watched(struct vm_mmu *mmu, uint64_t pa)
{
    uint64_t bit;
    uint64_t *w = mmu->code_hook ? watch_word(mmu, pa, &bit) : NULL;
    return w && (__atomic_load_n(w, __ATOMIC_ACQUIRE) & bit);
}

void vm_mmu_set_code_write_hook(struct vm_mmu *mmu, vm_mmu_code_write_fn fn, void *opaque)
{
    mmu->code_hook = fn;
    mmu->code_opaque = opaque;
}

bool mmu_code_watched_sync(struct vm_mmu *mmu, uint64_t pa)
{
    uint64_t bit;
    uint64_t *w = mmu->code_hook ? watch_word(mmu, pa, &bit) : NULL;
    return w && (__atomic_fetch_or(w, 0, __ATOMIC_SEQ_CST) & bit);
}

void vm_mmu_watch_code_page(struct vm_mmu_hart *h, uint64_t pa)
{
    struct vm_mmu *mmu = h->mmu;
    uint64_t bit;
    uint64_t *w = watch_word(mmu, pa, &bit);
    if (!w || (__atomic_fetch_or(w, bit, __ATOMIC_SEQ_CST) & bit))
        return;
    /* Every hart's stores must see the watch from now on, not at its next
     * poll (it could store into the code meanwhile and nobody would know):
     * drop their L1 store entries for the page now. A hart filling one at
     * the same time looks at the watch again after the fill (fill_l1 in mmu.c);
     * both sides order through the watch word's atomic read-modify-writes. */
    const struct vm_mem_region *r = vm_mem_find(mmu->mem, pa);
    uintptr_t host = (uintptr_t)(r->host + ((pa & ~0xfffULL) - r->base));
    pthread_mutex_lock(&mmu->harts_lock);
    for (unsigned i = 0; i < mmu->nharts; i++)
        l1_drop_store_host(mmu->harts[i], host);
    pthread_mutex_unlock(&mmu->harts_lock);
}

void vm_mmu_unwatch_code_page(struct vm_mmu *mmu, uint64_t pa)
{
    uint64_t bit;
    uint64_t *w = watch_word(mmu, pa, &bit);
    if (w)
        __atomic_fetch_and(w, ~bit, __ATOMIC_ACQ_REL);
}
