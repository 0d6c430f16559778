/* Debugger watchpoints on virtual addresses (vm_mmu_set_watchpoints). The
 * fast path never sees them: pages holding a watched range are kept out
 * of L1 for the watched access kinds, so every access to them comes here
 * through the slow path, which stops it (VM_FAULT_WATCH) or, while the
 * hart replays the stopped instruction, lets it pass and records the hit. */
#include "vm/error.h"
#include "mmu/mmu_internal.h"

/* Inclusive ends: a range may reach the top of the address space. */
static bool overlaps(uint64_t a, uint64_t alen, uint64_t b, uint64_t blen)
{
    return a <= b + (blen - 1) && b <= a + (alen - 1);
}

int vm_mmu_set_watchpoints(struct vm_mmu_hart *h, const struct vm_mmu_watch *w, unsigned n)
{
    if (n > VM_MMU_MAX_WATCH)
        return vm_error(VM_EINVAL, "at most %d watchpoints", VM_MMU_MAX_WATCH);
    for (unsigned i = 0; i < n; i++)
        if (w[i].len == 0 || w[i].va + w[i].len < w[i].va || !w[i].kinds ||
            (w[i].kinds & ~(VM_MMU_WATCH_READ | VM_MMU_WATCH_WRITE)))
            return vm_error(VM_EINVAL, "watchpoint 0x%llx+%llu: empty, wrapping or no kind",
                            (unsigned long long)w[i].va, (unsigned long long)w[i].len);
    for (unsigned i = 0; i < n; i++)
        h->watch[i] = w[i];
    h->nwatch = n;
    h->watch_hit = false;
    /* Entries filled before may cover watched pages: start L1 afresh. */
    l1_flush(h, false, 0, false, 0);
    return 0;
}

void vm_mmu_watch_pass(struct vm_mmu_hart *h, bool pass)
{
    h->watch_pass = pass;
}

bool vm_mmu_watch_take_hit(struct vm_mmu_hart *h, uint64_t *range_start, unsigned *kind)
{
    if (!h->watch_hit)
        return false;
    h->watch_hit = false;
    *range_start = h->watch_hit_start;
    *kind = h->watch_hit_kind;
    return true;
}

static bool page_in(const struct vm_mmu_watch *w, unsigned n, uint64_t va, unsigned kind)
{
    for (unsigned i = 0; i < n; i++)
        if ((w[i].kinds & kind) && overlaps(va & ~0xfffULL, VM_PAGE_SIZE, w[i].va, w[i].len))
            return true;
    return false;
}

bool mmu_watch_page(const struct vm_mmu_hart *h, uint64_t va, enum vm_access acc)
{
    unsigned kind = acc == VM_ACCESS_LOAD    ? VM_MMU_WATCH_READ
                    : acc == VM_ACCESS_STORE ? VM_MMU_WATCH_WRITE
                                             : 0;
    return page_in(h->watch, h->nwatch, va, kind) || page_in(h->trig, h->ntrig, va, kind);
}

int vm_mmu_set_trigger_watches(struct vm_mmu_hart *h, const struct vm_mmu_watch *w, unsigned n)
{
    if (n > VM_MMU_MAX_TRIGGER_WATCH)
        return vm_error(VM_EINVAL, "at most %d trigger watches", VM_MMU_MAX_TRIGGER_WATCH);
    for (unsigned i = 0; i < n; i++)
        h->trig[i] = w[i];
    h->ntrig = n;
    l1_flush(h, false, 0, false, 0);
    return 0;
}

unsigned vm_mmu_trigger_hit(const struct vm_mmu_hart *h)
{
    return h->trig_hit;
}

enum vm_fault vm_mmu_check_triggers(struct vm_mmu_hart *h, uint64_t va, unsigned size,
                                    unsigned kinds, uint64_t *tval)
{
    for (unsigned i = 0; i < h->ntrig; i++) {
        const struct vm_mmu_watch *w = &h->trig[i];
        if (!(w->kinds & kinds) || (w->size && w->size != size) || !overlaps(va, size, w->va, w->len))
            continue;
        h->trig_hit = w->tag;
        *tval = va >= w->va ? va : w->va; /* the first byte of the access in the range */
        return VM_FAULT_TRIGGER;
    }
    return VM_FAULT_NONE;
}

enum vm_fault mmu_watch_access(struct vm_mmu_hart *h, uint64_t va, unsigned size, unsigned kinds,
                               uint64_t *tval)
{
    for (unsigned i = 0; i < h->nwatch; i++) {
        const struct vm_mmu_watch *w = &h->watch[i];
        unsigned hit = w->kinds & kinds;
        if (!hit || !overlaps(va, size, w->va, w->len))
            continue;
        if (!h->watch_hit) {
            h->watch_hit = true;
            h->watch_hit_start = w->va;
            /* an AMO on a write-watched range is a write, on a read-watched one a read */
            h->watch_hit_kind = (hit & VM_MMU_WATCH_WRITE) ? VM_MMU_WATCH_WRITE
                                                           : VM_MMU_WATCH_READ;
        }
        if (!h->watch_pass) {
            *tval = va;
            return VM_FAULT_WATCH;
        }
        return VM_FAULT_NONE;
    }
    return VM_FAULT_NONE;
}
