/* Page-table walk cache: non-leaf PTEs keyed by (table base, level, index),
 * a hash table over a fixed pool with an LRU list. Per hart, no locks. */
#include <stdlib.h>

#include "vm/error.h"
#include "mmu/mmu_internal.h"

static unsigned bucket_of(const struct walk_cache *c, uint64_t base, uint32_t key_index)
{
    uint64_t h = (base >> 12) * 0x9e3779b97f4a7c15ULL ^ (uint64_t)key_index * 0xc2b2ae3d27d4eb4fULL;
    return (unsigned)(h >> 32) & c->hmask;
}

int ptc_init(struct walk_cache *c, unsigned capacity, bool enabled)
{
    *c = (struct walk_cache){.enabled = enabled && capacity > 0, .head = -1, .tail = -1,
                             .free_list = -1};
    if (!c->enabled)
        return 0;
    unsigned nb = 1;
    while (nb < capacity * 2)
        nb <<= 1;
    c->capacity = capacity;
    c->hmask = nb - 1;
    c->buckets = malloc(nb * sizeof(*c->buckets));
    c->nodes = malloc(capacity * sizeof(*c->nodes));
    if (!c->buckets || !c->nodes) {
        ptc_fini(c);
        return vm_error(VM_ENOMEM, "page-table walk cache of %u entries: out of memory", capacity);
    }
    ptc_flush(c);
    return 0;
}

void ptc_fini(struct walk_cache *c)
{
    free(c->buckets);
    free(c->nodes);
    c->buckets = NULL;
    c->nodes = NULL;
    c->enabled = false;
}

void ptc_flush(struct walk_cache *c)
{
    if (!c->enabled)
        return;
    for (unsigned i = 0; i <= c->hmask; i++)
        c->buckets[i] = -1;
    for (unsigned i = 0; i < c->capacity; i++)
        c->nodes[i].hnext = i + 1 < c->capacity ? (int32_t)(i + 1) : -1;
    c->free_list = 0;
    c->head = c->tail = -1;
    c->used = 0;
}

static void lru_unlink(struct walk_cache *c, int32_t n)
{
    struct ptc_node *x = &c->nodes[n];
    if (x->prev >= 0)
        c->nodes[x->prev].next = x->next;
    else
        c->head = x->next;
    if (x->next >= 0)
        c->nodes[x->next].prev = x->prev;
    else
        c->tail = x->prev;
}

static void lru_push_front(struct walk_cache *c, int32_t n)
{
    struct ptc_node *x = &c->nodes[n];
    x->prev = -1;
    x->next = c->head;
    if (c->head >= 0)
        c->nodes[c->head].prev = n;
    c->head = n;
    if (c->tail < 0)
        c->tail = n;
}

/* Finds the node and the link that points to it (for unlinking); on a miss
 * the link is the chain's end. */
static int32_t find(struct walk_cache *c, uint64_t base, uint32_t ki, int32_t **link)
{
    int32_t *l = &c->buckets[bucket_of(c, base, ki)];
    while (*l >= 0) {
        struct ptc_node *x = &c->nodes[*l];
        if (x->key_base == base && x->key_index == ki)
            break;
        l = &x->hnext;
    }
    if (link)
        *link = l;
    return *l;
}

bool ptc_lookup(struct walk_cache *c, uint64_t base, unsigned level, unsigned index, uint64_t *pte,
                uint64_t *gen)
{
    int32_t n = find(c, base, level << 16 | index, NULL);
    if (n < 0)
        return false;
    if (c->head != n) {
        lru_unlink(c, n);
        lru_push_front(c, n);
    }
    *pte = c->nodes[n].pte;
    *gen = c->nodes[n].gen;
    return true;
}

static void remove_node(struct walk_cache *c, int32_t n, int32_t *link)
{
    *link = c->nodes[n].hnext;
    lru_unlink(c, n);
    c->nodes[n].hnext = c->free_list;
    c->free_list = n;
    c->used--;
}

void ptc_remove(struct walk_cache *c, uint64_t base, unsigned level, unsigned index)
{
    int32_t *link;
    int32_t n = find(c, base, level << 16 | index, &link);
    if (n >= 0)
        remove_node(c, n, link);
}

void ptc_insert(struct walk_cache *c, uint64_t base, unsigned level, unsigned index, uint64_t pte,
                uint64_t gen)
{
    uint32_t ki = level << 16 | index;
    int32_t n = find(c, base, ki, NULL);
    if (n >= 0) {
        c->nodes[n].pte = pte;
        c->nodes[n].gen = gen;
        return;
    }
    if (c->free_list < 0) { /* evict the least recently used */
        struct ptc_node *old = &c->nodes[c->tail];
        int32_t *link;
        find(c, old->key_base, old->key_index, &link);
        remove_node(c, c->tail, link);
    }
    n = c->free_list;
    c->free_list = c->nodes[n].hnext;
    struct ptc_node *x = &c->nodes[n];
    x->key_base = base;
    x->key_index = ki;
    x->pte = pte;
    x->gen = gen;
    unsigned b = bucket_of(c, base, ki);
    x->hnext = c->buckets[b];
    c->buckets[b] = n;
    lru_push_front(c, n);
    c->used++;
}
