/* SiFive PLIC: gateways, priorities, per-context enables, claim/complete. */
#include "devices/plic.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "vm/error.h"

#define WORDS ((PLIC_NR_SOURCES + 31) / 32)

struct vm_plic {
    pthread_mutex_t lock;
    unsigned nr_contexts;
    uint32_t priority[PLIC_NR_SOURCES];
    uint32_t level[WORDS];   /* input lines */
    uint32_t pending[WORDS]; /* forwarded by the gateway, not yet claimed */
    uint32_t claimed[WORDS]; /* claimed, not yet completed */
    uint32_t *enable;        /* nr_contexts * WORDS */
    uint32_t *threshold;     /* nr_contexts */
    bool *out_level;         /* nr_contexts */
    struct vm_irq_line *outputs;
};

static bool bit(const uint32_t *words, unsigned n)
{
    return (words[n / 32] >> (n % 32)) & 1;
}

static void set_bit(uint32_t *words, unsigned n, bool v)
{
    if (v)
        words[n / 32] |= 1u << (n % 32);
    else
        words[n / 32] &= ~(1u << (n % 32));
}

/* The source a claim in ctx would return, or 0. */
static unsigned best_source(const struct vm_plic *p, unsigned ctx)
{
    const uint32_t *en = &p->enable[ctx * WORDS];
    unsigned best = 0;
    uint32_t best_prio = p->threshold[ctx];
    for (unsigned w = 0; w < WORDS; w++) {
        uint32_t cand = p->pending[w] & en[w];
        while (cand) {
            unsigned n = w * 32 + (unsigned)__builtin_ctz(cand);
            cand &= cand - 1;
            if (p->priority[n] > best_prio) { /* strict: lowest id wins ties */
                best = n;
                best_prio = p->priority[n];
            }
        }
    }
    return best;
}

static void update_outputs(struct vm_plic *p)
{
    for (unsigned ctx = 0; ctx < p->nr_contexts; ctx++) {
        bool level = best_source(p, ctx) != 0;
        if (level != p->out_level[ctx]) {
            p->out_level[ctx] = level;
            vm_irq_set(&p->outputs[ctx], level);
        }
    }
}

static void source_set(void *opaque, unsigned n, bool level)
{
    struct vm_plic *p = opaque;
    if (n == 0 || n >= PLIC_NR_SOURCES)
        return;
    pthread_mutex_lock(&p->lock);
    set_bit(p->level, n, level);
    /* Level-triggered gateway: a claimed source waits for its completion. */
    set_bit(p->pending, n, level && !bit(p->claimed, n));
    update_outputs(p);
    pthread_mutex_unlock(&p->lock);
}

struct vm_irq_line vm_plic_source_line(struct vm_plic *p, unsigned n)
{
    struct vm_irq_line l = {0};
    if (p && n > 0 && n < PLIC_NR_SOURCES)
        l = (struct vm_irq_line){source_set, p, n};
    return l;
}

static uint32_t claim(struct vm_plic *p, unsigned ctx)
{
    unsigned n = best_source(p, ctx);
    if (n) {
        set_bit(p->pending, n, false);
        set_bit(p->claimed, n, true);
        update_outputs(p);
    }
    return n;
}

static void complete(struct vm_plic *p, unsigned ctx, uint64_t id)
{
    if (id == 0 || id >= PLIC_NR_SOURCES)
        return;
    unsigned n = (unsigned)id;
    if (!bit(&p->enable[ctx * WORDS], n) || !bit(p->claimed, n))
        return;
    set_bit(p->claimed, n, false);
    set_bit(p->pending, n, bit(p->level, n));
    update_outputs(p);
}

/* Register decoding shared by reads and writes: only aligned 32-bit
 * accesses reach a register; everything else reads 0 and is ignored. */
enum plic_reg { REG_NONE, REG_PRIORITY, REG_PENDING, REG_ENABLE, REG_THRESHOLD, REG_CLAIM };

static enum plic_reg decode(const struct vm_plic *p, uint64_t off, unsigned size,
                            unsigned *index, unsigned *ctx)
{
    if (size != 4 || off % 4)
        return REG_NONE;
    if (off < PLIC_PENDING_OFFSET) {
        *index = (unsigned)(off / 4);
        return *index > 0 && *index < PLIC_NR_SOURCES ? REG_PRIORITY : REG_NONE;
    }
    if (off < PLIC_ENABLE_OFFSET) {
        *index = (unsigned)((off - PLIC_PENDING_OFFSET) / 4);
        return *index < WORDS ? REG_PENDING : REG_NONE;
    }
    if (off < PLIC_CONTEXT_OFFSET) {
        uint64_t c = (off - PLIC_ENABLE_OFFSET) / PLIC_ENABLE_STRIDE;
        *index = (unsigned)((off - PLIC_ENABLE_OFFSET) % PLIC_ENABLE_STRIDE / 4);
        *ctx = (unsigned)c;
        return c < p->nr_contexts && *index < WORDS ? REG_ENABLE : REG_NONE;
    }
    uint64_t c = (off - PLIC_CONTEXT_OFFSET) / PLIC_CONTEXT_STRIDE;
    uint64_t r = (off - PLIC_CONTEXT_OFFSET) % PLIC_CONTEXT_STRIDE;
    if (c >= p->nr_contexts)
        return REG_NONE;
    *ctx = (unsigned)c;
    return r == 0 ? REG_THRESHOLD : r == 4 ? REG_CLAIM : REG_NONE;
}

static int plic_read(void *opaque, uint64_t off, unsigned size, uint64_t *value)
{
    struct vm_plic *p = opaque;
    unsigned index = 0, ctx = 0;
    enum plic_reg reg = decode(p, off, size, &index, &ctx);
    *value = 0;
    if (reg == REG_NONE)
        return 0;
    pthread_mutex_lock(&p->lock);
    switch (reg) {
    case REG_PRIORITY: *value = p->priority[index]; break;
    case REG_PENDING: *value = p->pending[index]; break;
    case REG_ENABLE: *value = p->enable[ctx * WORDS + index]; break;
    case REG_THRESHOLD: *value = p->threshold[ctx]; break;
    case REG_CLAIM: *value = claim(p, ctx); break;
    default: break;
    }
    pthread_mutex_unlock(&p->lock);
    return 0;
}

static int plic_write(void *opaque, uint64_t off, unsigned size, uint64_t value)
{
    struct vm_plic *p = opaque;
    unsigned index = 0, ctx = 0;
    enum plic_reg reg = decode(p, off, size, &index, &ctx);
    if (reg == REG_NONE || reg == REG_PENDING)
        return 0;
    pthread_mutex_lock(&p->lock);
    switch (reg) {
    case REG_PRIORITY: p->priority[index] = (uint32_t)value & PLIC_MAX_PRIORITY; break;
    case REG_ENABLE:
        /* Source 0 does not exist: its enable bit is hard-wired to 0. */
        p->enable[ctx * WORDS + index] = (uint32_t)value & (index == 0 ? ~1u : ~0u);
        break;
    case REG_THRESHOLD: p->threshold[ctx] = (uint32_t)value & PLIC_MAX_PRIORITY; break;
    case REG_CLAIM: complete(p, ctx, value & 0xffffffffu); break;
    default: break;
    }
    update_outputs(p);
    pthread_mutex_unlock(&p->lock);
    return 0;
}

static const struct vm_mmio_ops plic_ops = {plic_read, plic_write};

static void plic_free(struct vm_plic *p)
{
    free(p->enable);
    free(p->threshold);
    free(p->out_level);
    free(p->outputs);
    pthread_mutex_destroy(&p->lock);
    free(p);
}

struct vm_plic *vm_plic_create(struct vm_mem *mem, uint64_t base, unsigned nr_contexts,
                               const struct vm_irq_line *outputs)
{
    if (nr_contexts == 0 || nr_contexts > PLIC_MAX_CONTEXTS) {
        vm_error(VM_EINVAL, "plic: %u contexts (1 to %u supported)", nr_contexts,
                 PLIC_MAX_CONTEXTS);
        return NULL;
    }
    struct vm_plic *p = calloc(1, sizeof(*p));
    if (!p) {
        vm_error(VM_ENOMEM, "plic: out of host memory");
        return NULL;
    }
    pthread_mutex_init(&p->lock, NULL);
    p->nr_contexts = nr_contexts;
    p->enable = calloc((size_t)nr_contexts * WORDS, sizeof(*p->enable));
    p->threshold = calloc(nr_contexts, sizeof(*p->threshold));
    p->out_level = calloc(nr_contexts, sizeof(*p->out_level));
    p->outputs = calloc(nr_contexts, sizeof(*p->outputs));
    if (!p->enable || !p->threshold || !p->out_level || !p->outputs) {
        plic_free(p);
        vm_error(VM_ENOMEM, "plic: out of host memory");
        return NULL;
    }
    if (outputs)
        memcpy(p->outputs, outputs, nr_contexts * sizeof(*outputs));
    if (mem && vm_mem_add_mmio(mem, base, PLIC_SIZE, &plic_ops, p, "plic") < 0) {
        plic_free(p);
        return NULL;
    }
    return p;
}

void vm_plic_destroy(struct vm_plic *p)
{
    if (p)
        plic_free(p);
}
