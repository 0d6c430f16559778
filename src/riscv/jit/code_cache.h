/* The code cache of one hart: W^X through a double mapping of shared
 * memory (as a memfd would be, see code_cache.c for why not a memfd).
 * The translator writes through `rw` (read/write, never executable) and
 * the CPU runs the same bytes through `rx` (read/execute, never writable),
 * so no page is ever writable and executable at once, in any view.
 * Allocation is a bump pointer; space comes back only when the whole
 * cache is flushed (between runs of translated code, never inside one). */
#ifndef VM_RISCV_JIT_CODE_CACHE_H
#define VM_RISCV_JIT_CODE_CACHE_H

#include <stddef.h>
#include <stdint.h>

struct code_cache {
    uint8_t *rw, *rx;
    size_t size, used;
    size_t reserved; /* bytes at the start kept across flushes (trampolines) */
};

/* 0, or -VM_E... with a message. */
int code_cache_init(struct code_cache *c, size_t size);
void code_cache_fini(struct code_cache *c);

/* In a fork()ed child: the same two views, at the same addresses, of new
 * pages of its own holding a copy of the kept bytes (the trampolines); the
 * rest is garbage to be flushed. Shared memory would otherwise be shared
 * with the parent, which goes on translating into it. */
int code_cache_unshare(struct code_cache *c);

/* The executable address of a writable one, and back. */
static inline const uint8_t *code_rx(const struct code_cache *c, const uint8_t *rw)
{
    return c->rx + (rw - c->rw);
}
static inline uint8_t *code_rw(const struct code_cache *c, const uint8_t *rx)
{
    return c->rw + (rx - c->rx);
}

/* Keep everything written so far across flushes (call after emitting the
 * trampolines). */
static inline void code_cache_keep(struct code_cache *c)
{
    c->reserved = c->used;
}

static inline void code_cache_flush(struct code_cache *c)
{
    c->used = c->reserved;
}

#endif
