/* L3 TLB: one per machine, shared by all harts, sharded by virtual page.
 * Each shard is set-associative and guarded by a seqlock: lookups never
 * write shared memory (a torn read just retries), writers serialise on the
 * shard's sequence number. Entries are tagged with the whole satp (mode,
 * ASID and root), so harts only share translations of the same address
 * space (docs/MMU.md explains why not the ASID alone). */
#include <sched.h>
#include <stdlib.h>

#include "vm/error.h"
#include "mmu/mmu_internal.h"

#define SHIFT_CODE_MASK 0x7ULL
#define FLAGS_MASK 0xfffULL

static inline uint64_t hash_vpn(uint64_t va, unsigned shift)
{
    return ((va >> shift) + shift) * 0x9e3779b97f4a7c15ULL;
}

static struct l3_shard *shard_of(struct tlb_l3 *l3, uint64_t h)
{
    return &l3->shards[(h >> 58) & (l3->nshards - 1)];
}

static struct l3_slot *set_of(struct tlb_l3 *l3, struct l3_shard *s, uint64_t h)
{
    return &s->slots[((h >> 20) & (l3->sets - 1)) * l3->ways];
}

int l3_init(struct tlb_l3 *l3, unsigned entries, unsigned shards, unsigned ways)
{
    *l3 = (struct tlb_l3){0};
    if (!entries)
        return 0;
    l3->nshards = shards;
    l3->ways = ways;
    l3->sets = entries / shards / ways;
    l3->shards = aligned_alloc(64, shards * sizeof(*l3->shards));
    if (!l3->shards)
        return vm_error(VM_ENOMEM, "L3 TLB: out of memory");
    for (unsigned i = 0; i < shards; i++) {
        struct l3_shard *s = &l3->shards[i];
        atomic_init(&s->seq, 0);
        atomic_init(&s->count, 0);
        s->next_victim = 0;
        s->slots = calloc((size_t)l3->sets * ways, sizeof(*s->slots));
        if (!s->slots) {
            l3->nshards = i;
            l3_fini(l3);
            return vm_error(VM_ENOMEM, "L3 TLB of %u entries: out of memory", entries);
        }
    }
    return 0;
}

void l3_fini(struct tlb_l3 *l3)
{
    for (unsigned i = 0; l3->shards && i < l3->nshards; i++)
        free(l3->shards[i].slots);
    free(l3->shards);
    l3->shards = NULL;
}

static void write_lock(struct l3_shard *s)
{
    for (;;) {
        uint64_t seq = atomic_load_explicit(&s->seq, memory_order_relaxed);
        if (!(seq & 1) && atomic_compare_exchange_weak_explicit(&s->seq, &seq, seq + 1,
                                                                memory_order_acquire,
                                                                memory_order_relaxed))
            break;
        sched_yield();
    }
    atomic_thread_fence(memory_order_release);
}

static void write_unlock(struct l3_shard *s)
{
    /* We hold the lock: a plain release store ends it. */
    atomic_store_explicit(&s->seq, atomic_load_explicit(&s->seq, memory_order_relaxed) + 1,
                          memory_order_release);
}

static uint64_t shift_code(unsigned shift)
{
    return (shift - 12) / 9 + 1; /* 1..5, so that 0 means empty */
}

static bool slot_read(struct l3_slot *sl, uint64_t *vs, uint64_t *satp, uint64_t *pf)
{
    *vs = atomic_load_explicit(&sl->va_shift, memory_order_relaxed);
    *satp = atomic_load_explicit(&sl->satp, memory_order_relaxed);
    *pf = atomic_load_explicit(&sl->pa_flags, memory_order_relaxed);
    return *vs != 0;
}

bool l3_lookup(struct tlb_l3 *l3, uint64_t va, uint64_t satp, struct tlb_entry *out)
{
    unsigned present = atomic_load_explicit(&l3->shifts_present, memory_order_relaxed);
    for (unsigned m = present; m; m &= m - 1) {
        unsigned shift = 12 + 9 * (unsigned)__builtin_ctz(m);
        uint64_t base = va & ~((1ULL << shift) - 1);
        uint64_t want = base | shift_code(shift);
        uint64_t h = hash_vpn(va, shift);
        struct l3_shard *s = shard_of(l3, h);
        if (!atomic_load_explicit(&s->count, memory_order_relaxed))
            continue;
        for (int attempt = 0; attempt < 4; attempt++) {
            uint64_t seq = atomic_load_explicit(&s->seq, memory_order_acquire);
            if (seq & 1) {
                sched_yield();
                continue;
            }
            struct l3_slot *set = set_of(l3, s, h);
            bool found = false;
            uint64_t pf = 0;
            for (unsigned w = 0; w < l3->ways; w++) {
                uint64_t vs, st, f;
                if (slot_read(&set[w], &vs, &st, &f) && vs == want && st == satp) {
                    pf = f;
                    found = true;
                    break;
                }
            }
            atomic_thread_fence(memory_order_acquire);
            if (atomic_load_explicit(&s->seq, memory_order_relaxed) != seq)
                continue; /* a writer raced us: read again */
            if (!found)
                break;
            *out = (struct tlb_entry){.va = base, .pa = pf & ~FLAGS_MASK, .satp = satp,
                                      .flags = (uint16_t)(pf & FLAGS_MASK), .shift = (uint8_t)shift};
            return true;
        }
    }
    return false;
}

uint64_t l3_generation(struct tlb_l3 *l3)
{
    return atomic_load(&l3->gen);
}

bool l3_insert(struct tlb_l3 *l3, const struct tlb_entry *e, uint64_t gen, _Atomic int *pending)
{
    uint64_t h = hash_vpn(e->va, e->shift);
    struct l3_shard *s = shard_of(l3, h);
    uint64_t want = e->va | shift_code(e->shift);
    bool wasted = false;
    write_lock(s);
    if (atomic_load(&l3->gen) != gen || atomic_load(pending) || atomic_load(&l3->outstanding)) {
        /* A flush ran since the walk began, or one waits for this hart or
         * another: the result may be stale, and others must not see it. */
        write_unlock(s);
        return false;
    }
    struct l3_slot *set = set_of(l3, s, h), *slot = NULL;
    for (unsigned w = 0; w < l3->ways && !slot; w++) {
        uint64_t vs, st, pf;
        if (slot_read(&set[w], &vs, &st, &pf) && vs == want && st == e->satp)
            slot = &set[w];
    }
    for (unsigned w = 0; w < l3->ways && !slot; w++)
        if (!atomic_load_explicit(&set[w].va_shift, memory_order_relaxed)) {
            slot = &set[w];
            atomic_fetch_add_explicit(&s->count, 1, memory_order_relaxed);
        }
    if (!slot) {
        slot = &set[s->next_victim++ % l3->ways];
        wasted = atomic_load_explicit(&slot->pa_flags, memory_order_relaxed) & TLBE_PREFETCHED;
    }
    atomic_store_explicit(&slot->va_shift, want, memory_order_relaxed);
    atomic_store_explicit(&slot->satp, e->satp, memory_order_relaxed);
    atomic_store_explicit(&slot->pa_flags, e->pa | (e->flags & FLAGS_MASK), memory_order_relaxed);
    write_unlock(s);
    unsigned bit = 1u << ((e->shift - 12) / 9);
    if (!(atomic_load_explicit(&l3->shifts_present, memory_order_relaxed) & bit))
        atomic_fetch_or_explicit(&l3->shifts_present, bit, memory_order_relaxed); /* rare: keep the line shared */
    return wasted;
}

void l3_clear_prefetched(struct tlb_l3 *l3, const struct tlb_entry *e)
{
    uint64_t h = hash_vpn(e->va, e->shift);
    struct l3_shard *s = shard_of(l3, h);
    uint64_t want = e->va | shift_code(e->shift);
    write_lock(s);
    struct l3_slot *set = set_of(l3, s, h);
    for (unsigned w = 0; w < l3->ways; w++) {
        uint64_t vs, st, pf;
        if (slot_read(&set[w], &vs, &st, &pf) && vs == want && st == e->satp)
            atomic_store_explicit(&set[w].pa_flags, pf & ~(uint64_t)TLBE_PREFETCHED,
                                  memory_order_relaxed);
    }
    write_unlock(s);
}

static bool flush_matches(uint64_t vs, uint64_t satp, uint64_t pf, bool has_va, uint64_t va,
                          bool has_asid, uint16_t asid)
{
    if (!vs)
        return false;
    if (has_va) {
        unsigned shift = 12 + 9 * (unsigned)((vs & SHIFT_CODE_MASK) - 1);
        if ((vs & ~SHIFT_CODE_MASK) != (va & ~((1ULL << shift) - 1)))
            return false;
    }
    if (has_asid && ((pf & PTE_G) || satp_asid(satp) != asid))
        return false;
    return true;
}

static void flush_set(struct l3_shard *s, struct l3_slot *set, unsigned ways, bool has_va,
                      uint64_t va, bool has_asid, uint16_t asid)
{
    for (unsigned w = 0; w < ways; w++) {
        uint64_t vs, st, pf;
        if (slot_read(&set[w], &vs, &st, &pf) &&
            flush_matches(vs, st, pf, has_va, va, has_asid, asid)) {
            atomic_store_explicit(&set[w].va_shift, 0, memory_order_relaxed);
            atomic_fetch_sub_explicit(&s->count, 1, memory_order_relaxed);
        }
    }
}

void l3_flush(struct tlb_l3 *l3, bool has_va, uint64_t va, bool has_asid, uint16_t asid)
{
    if (!l3->shards)
        return;
    /* Walks that began before this point may not insert (l3_insert), and
     * every shard is locked below, so nothing stale survives the flush. */
    atomic_fetch_add(&l3->gen, 1);
    if (has_va) {
        unsigned present = atomic_load_explicit(&l3->shifts_present, memory_order_relaxed);
        for (unsigned m = present; m; m &= m - 1) {
            unsigned shift = 12 + 9 * (unsigned)__builtin_ctz(m);
            uint64_t h = hash_vpn(va, shift);
            struct l3_shard *s = shard_of(l3, h);
            write_lock(s);
            flush_set(s, set_of(l3, s, h), l3->ways, true, va, has_asid, asid);
            write_unlock(s);
        }
        return;
    }
    for (unsigned i = 0; i < l3->nshards; i++) {
        struct l3_shard *s = &l3->shards[i];
        write_lock(s);
        for (unsigned set = 0; set < l3->sets; set++)
            flush_set(s, &s->slots[set * l3->ways], l3->ways, false, 0, has_asid, asid);
        write_unlock(s);
    }
}
